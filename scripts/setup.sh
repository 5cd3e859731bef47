#!/usr/bin/env bash
# Sets up Markwright on a fresh Debian 12 machine with Node 20: system packages, pnpm, dependencies, build.
# Safe to run again: every step checks first and does only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

PNPM_VERSION=12.4.2
# python3 sends locally generated packets with a socket mark for `simulate --verify`; dbus, polkitd and pkexec
# run the normal-user flows (started by hand by the tests); dpkg-dev builds the Debian package; the SSH target
# tests start a real sshd in a namespace and run the exported Ansible role against it.
APT_PACKAGES=(nftables iptables iproute2 conntrack iputils-ping python3 chromium xvfb dbus polkitd pkexec dpkg-dev
  openssh-client openssh-server ansible-core)

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

missing_apt=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing_apt+=("$pkg")
done
if ((${#missing_apt[@]})); then
  if [ "$(id -u)" -eq 0 ]; then
    say "installing system packages: ${missing_apt[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing_apt[@]}" >/dev/null
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    say "installing system packages with sudo: ${missing_apt[*]}"
    sudo apt-get update -qq
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing_apt[@]}" >/dev/null
  else
    say "missing system packages (${missing_apt[*]}): run 'sudo apt-get install ${missing_apt[*]}' and retry"
    exit 2
  fi
fi

if [ "$(pnpm --version 2>/dev/null || true)" != "$PNPM_VERSION" ]; then
  say "installing pnpm $PNPM_VERSION"
  npm install -g "pnpm@$PNPM_VERSION" >/dev/null
fi

# better-sqlite3 has no usable prebuilt here: build it from source against Node's own headers.
# Electron's binary is fetched in a separate, optional step below so a refused download cannot fail the install.
say "installing dependencies"
npm_config_nodedir="${npm_config_nodedir:-/usr}" ELECTRON_SKIP_BINARY_DOWNLOAD=1 \
  pnpm install --frozen-lockfile --reporter=silent

electron_dir=$(node -e "console.log(require('path').dirname(require.resolve('electron/package.json', {paths: ['apps/desktop']})))")
if [ ! -f "$electron_dir/path.txt" ]; then
  say "fetching the Electron binary (optional)"
  if timeout 180 node "$electron_dir/install.js" >/dev/null 2>&1; then
    say "Electron binary installed"
  else
    rm -f "$electron_dir/path.txt"
    say "Electron binary not available here: the app will run in serve mode (browser on loopback)"
  fi
fi

if [ -f "$electron_dir/path.txt" ] && [ ! -f apps/desktop/native/electron/better_sqlite3.node ]; then
  say "building better-sqlite3 for Electron (optional)"
  if ! timeout 600 bash scripts/build-electron-sqlite.sh; then
    say "better-sqlite3 could not be built for Electron: the app will run in serve mode"
  fi
fi

say "building"
pnpm --silent build
say "ready"
