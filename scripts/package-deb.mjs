// `pnpm package:deb`: builds dist/markwright_<version>_<arch>.deb with dpkg-deb from the built repository.
// Layout: /usr/lib/markwright/{cli,desktop}/dist mirror apps/*/dist (so the CLI finds its pages, watchdog and
// helper beside itself), node_modules holds only better-sqlite3 and what it loads, /usr/bin/markwright links to
// the CLI bundle. The Electron app is included when its binary and its better-sqlite3 build exist.

import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';

const repo = resolve(import.meta.dirname, '..');
const lib = 'usr/lib/markwright';

function fail(message) {
  process.stderr.write(`package:deb: ${message}\n`);
  process.exit(2);
}

function run(argv, options = {}) {
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', ...options });
  if (r.status !== 0) fail(`${argv.join(' ')} failed: ${(r.stderr || r.stdout || String(r.error)).trim()}`);
  return r.stdout.trim();
}

/** Copy a tree, leaving out source maps (they only help a debugger and double the size). */
function copyTree(from, to) {
  if (!existsSync(from)) fail(`${relative(repo, from)} is missing: run \`pnpm --silent build\` first`);
  cpSync(from, to, { recursive: true, filter: (src) => !src.endsWith('.map') });
}

/** Where a package resolves from `fromDir` (pnpm links it there). */
function packageDir(name, fromDir) {
  return dirname(createRequire(join(fromDir, 'package.json')).resolve(`${name}/package.json`));
}

/** better-sqlite3's run-time files: its JavaScript, the native module built for Node, and bindings. */
function copySqlite(root) {
  const modules = join(root, lib, 'node_modules');
  const sqlite = packageDir('better-sqlite3', join(repo, 'apps/cli'));
  const native = join(sqlite, 'build/Release/better_sqlite3.node');
  if (!existsSync(native)) fail(`${native} is missing: better-sqlite3 is not built (run scripts/setup.sh)`);
  const target = join(modules, 'better-sqlite3');
  for (const part of ['package.json', 'lib', 'LICENSE']) {
    if (existsSync(join(sqlite, part))) cpSync(join(sqlite, part), join(target, part), { recursive: true });
  }
  mkdirSync(join(target, 'build/Release'), { recursive: true });
  cpSync(native, join(target, 'build/Release/better_sqlite3.node'));
  const bindings = packageDir('bindings', sqlite);
  const uriToPath = packageDir('file-uri-to-path', bindings);
  for (const [from, name, files] of [
    [bindings, 'bindings', ['package.json', 'bindings.js', 'LICENSE.md']],
    [uriToPath, 'file-uri-to-path', ['package.json', 'index.js', 'LICENSE']],
  ]) {
    for (const file of files) cpSync(join(from, file), join(modules, name, file));
  }
}

/** The Electron binary and its sqlite build, when set-up could install them; null otherwise. */
function electronParts() {
  const desktop = join(repo, 'apps/desktop');
  const sqlite = join(desktop, 'native/electron/better_sqlite3.node');
  let electronDir;
  try {
    electronDir = join(packageDir('electron', desktop), 'dist');
  } catch {
    return null;
  }
  if (!existsSync(join(electronDir, 'electron')) || !existsSync(sqlite)) return null;
  return { electronDir, sqlite };
}

function install(root, from, to, mode) {
  const dest = join(root, to);
  mkdirSync(dirname(dest), { recursive: true });
  cpSync(join(repo, from), dest);
  chmodSync(dest, mode);
}

function sizeKiB(dir) {
  let bytes = 0;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) bytes += statSync(join(entry.parentPath, entry.name)).size;
  }
  return Math.ceil(bytes / 1024);
}

function control(version, arch, installedKiB, withElectron) {
  return `Package: markwright
Version: ${version}
Architecture: ${arch}
Maintainer: Markwright <markwright@localhost>
Installed-Size: ${installedKiB}
Depends: nodejs (>= 20), nftables, iproute2, iptables, conntrack
Recommends: pkexec, polkitd
Suggests: chromium | www-browser
Section: net
Priority: optional
Homepage: https://github.com/markwright/markwright
Description: design, simulate and safely deploy netfilter mark-bit layouts
 Markwright lays out the 32 bits of the packet mark and the conntrack mark as
 named fields, shows which other software on the box claims which bits,
 simulates packets hook by hook, and deploys the rules with a check, one
 atomic apply, confirm-or-revert, rollback and history.
 .
 The desktop app elevates through polkit (action org.markwright.manage) with
 one privileged helper, /usr/lib/markwright/markwright-helper.${withElectron ? '' : '\n .\n This build has no Electron window: the app runs as `markwright serve` in a\n browser on the same machine.'}
`;
}

const version = JSON.parse(readFileSync(join(repo, 'apps/cli/package.json'), 'utf8')).version;
const arch = run(['dpkg', '--print-architecture']);
const root = mkdtempSync(join(tmpdir(), 'markwright-deb-'));
try {
  // The archive's top folder is `/` on the box: it must not carry mkdtemp's 0700.
  chmodSync(root, 0o755);
  copyTree(join(repo, 'apps/cli/dist'), join(root, lib, 'cli/dist'));
  copyTree(join(repo, 'apps/desktop/dist/renderer'), join(root, lib, 'desktop/dist/renderer'));
  copySqlite(root);
  const electron = electronParts();
  if (electron) {
    for (const file of ['main.cjs', 'preload.cjs'])
      copyTree(join(repo, 'apps/desktop/dist', file), join(root, lib, 'desktop/dist', file));
    cpSync(electron.sqlite, join(root, lib, 'desktop/native/electron/better_sqlite3.node'), {
      recursive: true,
    });
    cpSync(electron.electronDir, join(root, lib, 'electron'), { recursive: true, verbatimSymlinks: true });
  }
  chmodSync(join(root, lib, 'cli/dist/markwright.mjs'), 0o755);
  install(root, 'packaging/deb/markwright-helper', `${lib}/markwright-helper`, 0o755);
  install(root, 'packaging/deb/markwright-app', `${lib}/markwright-app`, 0o755);
  install(
    root,
    'packaging/polkit/org.markwright.policy',
    'usr/share/polkit-1/actions/org.markwright.policy',
    0o644,
  );
  for (const unit of readdirSync(join(repo, 'packaging/systemd'))) {
    install(root, `packaging/systemd/${unit}`, `usr/lib/systemd/system/${unit}`, 0o644);
  }
  install(root, 'packaging/deb/markwright.desktop', 'usr/share/applications/markwright.desktop', 0o644);
  install(root, 'README.md', 'usr/share/doc/markwright/README.md', 0o644);
  mkdirSync(join(root, 'usr/bin'), { recursive: true });
  symlinkSync('../lib/markwright/cli/dist/markwright.mjs', join(root, 'usr/bin/markwright'));

  mkdirSync(join(root, 'DEBIAN'));
  writeFileSync(
    join(root, 'DEBIAN/control'),
    control(version, arch, sizeKiB(join(root, 'usr')), Boolean(electron)),
  );
  install(root, 'packaging/deb/postrm', 'DEBIAN/postrm', 0o755);

  mkdirSync(join(repo, 'dist'), { recursive: true });
  const deb = join(repo, 'dist', `markwright_${version}_${arch}.deb`);
  rmSync(deb, { force: true });
  run(['dpkg-deb', '--root-owner-group', '-Zxz', '--build', root, deb]);
  process.stdout.write(
    `${relative(repo, deb)}: ${Math.ceil(statSync(deb).size / 1024)} KiB, installed ${sizeKiB(join(root, 'usr'))} KiB` +
      `${electron ? ', with the Electron app' : ', serve mode only (no Electron binary was built)'}\n`,
  );
} finally {
  rmSync(root, { recursive: true, force: true });
}
