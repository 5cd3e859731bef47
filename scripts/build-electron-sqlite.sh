#!/usr/bin/env bash
# Builds better-sqlite3 for the installed Electron's ABI into apps/desktop/native/electron/, beside the Node build
# the CLI, serve mode and tests use. Needs the Electron binary and Electron's headers (downloaded by node-gyp).
set -euo pipefail
cd "$(dirname "$0")/.."

desktop=apps/desktop
electron_version=$(node -p "require(require.resolve('electron/package.json', {paths: ['$desktop']})).version")
sqlite_dir=$(node -p "require('path').dirname(require.resolve('better-sqlite3/package.json', {paths: ['$desktop']}))")
node_gyp="$(npm root -g)/npm/node_modules/node-gyp/bin/node-gyp.js"
out="$desktop/native/electron"
[ -f "$out/better_sqlite3.node" ] && [ "$(cat "$out/electron-version" 2>/dev/null)" = "$electron_version" ] && exit 0

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$sqlite_dir/." "$work/"
rm -rf "$work/build"
(cd "$work" && node "$node_gyp" rebuild --release --runtime=electron --target="$electron_version" \
  --dist-url=https://electronjs.org/headers >/dev/null)
mkdir -p "$out"
cp "$work/build/Release/better_sqlite3.node" "$out/better_sqlite3.node"
echo "$electron_version" > "$out/electron-version"
