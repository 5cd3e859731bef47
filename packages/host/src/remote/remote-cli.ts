// What runs on the remote box: Markwright's own privileged helper, speaking the same JSON-lines protocol as
// the local one. The box's installed package is used when it is there (/usr/lib/markwright/markwright-helper);
// otherwise this build's self-contained bundle is copied once into the box's root-owned state folder
// (<state>/cli/<content hash>/), after checking that the box's Node.js can run it.

import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_STATE_DIR } from '../deploy/state-store';
import { EnvironmentError } from '../exec/errors';
import { HELPER_PATH } from '../exec/privilege';
import { lastLine, type SshSession } from './ssh-session';

export const MIN_REMOTE_NODE_MAJOR = 20;

export interface RemoteDirs {
  /** The box's state folder (default /var/lib/markwright): history, journal, and the copied bundle. */
  readonly stateDir?: string;
  /** The box's persistence root (default /). */
  readonly rootDir?: string;
}

/** How the box was found: who we are there, its Node.js, and which helper runs the requests. */
export interface RemoteHelper {
  readonly argv: readonly string[];
  readonly via: 'package' | 'bundle';
  readonly node: string;
  readonly elevation: 'root' | 'sudo -n';
}

// Runs on the box with `node -e`: reports Node's version and path, the uid, and what is installed already.
const PROBE = `const fs=require('fs');console.log(JSON.stringify({node:process.versions.node,execPath:process.execPath,euid:process.geteuid(),pkg:fs.existsSync(process.argv[1]),bundle:fs.existsSync(process.argv[2]+'/helper.mjs')}))`;

// Runs on the box as root with `node -e`: writes the bundle from stdin into a fresh folder beside the target
// and renames it into place, so a half-copied bundle is never used.
const INSTALL = `const fs=require('fs'),path=require('path');const dir=process.argv[1];if(process.geteuid()!==0){console.error('not root');process.exit(2)}let input='';process.stdin.setEncoding('utf8');process.stdin.on('data',c=>{input+=c});process.stdin.on('end',()=>{const files=JSON.parse(input);const parent=path.dirname(dir);fs.mkdirSync(parent,{recursive:true,mode:0o700});const tmp=dir+'.tmp-'+process.pid;fs.rmSync(tmp,{recursive:true,force:true});for(const f of files){if(!/^[A-Za-z0-9_-][A-Za-z0-9_.-]*(\\/[A-Za-z0-9_-][A-Za-z0-9_.-]*)?$/.test(f.path))throw new Error('bad file name '+f.path);const p=path.join(tmp,f.path);fs.mkdirSync(path.dirname(p),{recursive:true,mode:0o755});fs.writeFileSync(p,Buffer.from(f.data,'base64'),{mode:0o644})}try{fs.renameSync(tmp,dir)}catch(e){fs.rmSync(tmp,{recursive:true,force:true});if(!fs.existsSync(dir+'/helper.mjs'))throw e}console.log('installed')})`;

/** This build's bundle folder (the one holding helper.mjs and watchdog.mjs), or null when running from sources. */
export function locateBundle(): string | null {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [process.env.MARKWRIGHT_BUNDLE_DIR, here, join(here, '..')];
  for (const c of candidates) {
    if (c && existsSync(join(c, 'helper.mjs')) && existsSync(join(c, 'watchdog.mjs'))) return resolve(c);
  }
  return null;
}

export interface BundleFile {
  readonly path: string;
  readonly data: string;
}

/** The bundle's files (source maps left out) and a hash of their names and contents. */
export function readBundle(dir: string): { files: BundleFile[]; hash: string } {
  const files: BundleFile[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (name.endsWith('.mjs'))
        files.push({ path: relative(dir, full), data: readFileSync(full).toString('base64') });
    }
  };
  walk(dir);
  const hash = createHash('sha256');
  for (const f of files) hash.update(`${f.path}\0${f.data}\0`);
  return { files, hash: hash.digest('hex').slice(0, 16) };
}

function envPrefix(dirs: RemoteDirs): string[] {
  const vars = [
    ...(dirs.stateDir ? [`MARKWRIGHT_STATE_DIR=${dirs.stateDir}`] : []),
    ...(dirs.rootDir ? [`MARKWRIGHT_ROOT_DIR=${dirs.rootDir}`] : []),
  ];
  return vars.length ? ['/usr/bin/env', ...vars] : [];
}

/**
 * Find or put the helper on the box and return the argv that starts it as root: directly for a root login,
 * else through `sudo -n` for that one command (never a password prompt; a refusal says what to allow).
 */
export async function prepareRemoteHelper(
  session: SshSession,
  dirs: RemoteDirs = {},
  bundleDir: string | null = locateBundle(),
): Promise<RemoteHelper> {
  const { user } = await session.resolve();
  const elevation = user === 'root' ? 'root' : 'sudo -n';
  const sudo = elevation === 'root' ? [] : ['sudo', '-n'];
  const bundle = bundleDir ? readBundle(bundleDir) : null;
  const stateDir = dirs.stateDir ?? DEFAULT_STATE_DIR;
  const target = join(stateDir, 'cli', bundle?.hash ?? 'none');
  const probe = await session.run(['node', '-e', PROBE, HELPER_PATH, target]);
  if (probe.code === 255)
    throw new EnvironmentError(`${session.label}: connection lost: ${lastLine(probe.stderr)}`);
  if (probe.code !== 0) {
    throw new EnvironmentError(
      `${session.label}: the box has no usable Node.js (${lastLine(probe.stderr)}): install nodejs >= ${MIN_REMOTE_NODE_MAJOR} or the markwright package there`,
    );
  }
  const found = JSON.parse(probe.stdout.trim().split('\n').pop() ?? '{}') as {
    node: string;
    execPath: string;
    pkg: boolean;
    bundle: boolean;
  };
  if (found.pkg) {
    return { argv: [...sudo, ...envPrefix(dirs), HELPER_PATH], via: 'package', node: found.node, elevation };
  }
  const major = Number(found.node.split('.')[0]);
  if (!(major >= MIN_REMOTE_NODE_MAJOR)) {
    throw new EnvironmentError(
      `${session.label}: the box runs Node.js ${found.node}; Markwright needs >= ${MIN_REMOTE_NODE_MAJOR} (or install the markwright package there)`,
    );
  }
  if (!bundle) {
    throw new EnvironmentError(
      `${session.label}: the box has no markwright package and this Markwright runs from sources, so it has no bundle to copy: build it (pnpm build) or install the package on the box`,
    );
  }
  if (!found.bundle) {
    const put = await session.run(
      [...sudo, found.execPath, '-e', INSTALL, target],
      JSON.stringify(bundle.files),
    );
    if (put.code !== 0) throw elevationError(session.label, elevation, put.stderr, 'copy the bundle');
  }
  return {
    argv: [...sudo, ...envPrefix(dirs), found.execPath, join(target, 'helper.mjs')],
    via: 'bundle',
    node: found.node,
    elevation,
  };
}

export function elevationError(
  label: string,
  elevation: string,
  stderr: string,
  what: string,
): EnvironmentError {
  const said = lastLine(stderr);
  if (elevation === 'sudo -n' && /password is required|not allowed|sudoers/.test(stderr)) {
    return new EnvironmentError(
      `${label}: sudo -n refused to ${what} (${said}): log in as root, or allow this user to run Markwright's helper without a password (see docs/remote.md)`,
    );
  }
  return new EnvironmentError(`${label}: could not ${what}: ${said}`);
}
