import {
  chmodSync,
  chownSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkRootOwned, DIRS_FILE, prepareHelperDirs, resolveHelperDirs } from './dirs';

const asRoot = process.geteuid?.() === 0;

describe.skipIf(!asRoot)('helper folders (root-owned, nobody else writes them)', () => {
  let dir: string;
  let helper: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mw-dirs-'));
    chmodSync(dir, 0o755);
    helper = join(dir, 'helper.mjs');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('defaults to /var/lib/markwright and /', () => {
    expect(resolveHelperDirs(helper, {})).toEqual({ stateDir: '/var/lib/markwright', rootDir: '/' });
  });

  it('root starting the helper itself may move them; under pkexec the environment is ignored', () => {
    const env = { MARKWRIGHT_STATE_DIR: '/tmp/s', MARKWRIGHT_ROOT_DIR: '/tmp/r' };
    expect(resolveHelperDirs(helper, env)).toEqual({ stateDir: '/tmp/s', rootDir: '/tmp/r' });
    expect(resolveHelperDirs(helper, { ...env, PKEXEC_UID: '1000' })).toEqual({
      stateDir: '/var/lib/markwright',
      rootDir: '/',
    });
    expect(() => resolveHelperDirs(helper, { MARKWRIGHT_STATE_DIR: 'relative' })).toThrow(/absolute path/);
  });

  it('a root-owned file beside the helper moves them, also under pkexec; a writable one is refused', () => {
    const file = join(dir, DIRS_FILE);
    writeFileSync(file, JSON.stringify({ stateDir: '/srv/mw/state', rootDir: '/srv/mw/root' }), {
      mode: 0o644,
    });
    expect(resolveHelperDirs(helper, { PKEXEC_UID: '1000' })).toEqual({
      stateDir: '/srv/mw/state',
      rootDir: '/srv/mw/root',
    });
    chmodSync(file, 0o666);
    expect(() => resolveHelperDirs(helper, { PKEXEC_UID: '1000' })).toThrow(
      /must not be writable by group or others/,
    );
    chmodSync(file, 0o644);
    chownSync(file, 1000, 1000);
    expect(() => resolveHelperDirs(helper, {})).toThrow(/is not owned by root \(uid 1000\)/);
  });

  it('creates a missing state dir 0700 and refuses one others can read, a user owns, or a symlink', () => {
    const root = join(dir, 'root');
    mkdirSync(root, { mode: 0o755 });
    const stateDir = join(dir, 'state');
    prepareHelperDirs({ stateDir, rootDir: root });
    expect(statSync(stateDir).mode & 0o777).toBe(0o700);
    chmodSync(stateDir, 0o755);
    expect(() => prepareHelperDirs({ stateDir, rootDir: root })).toThrow(/state dir .* has mode 755/);
    chmodSync(stateDir, 0o700);
    chownSync(stateDir, 1000, 1000);
    expect(() => prepareHelperDirs({ stateDir, rootDir: root })).toThrow(/not owned by root/);
    const link = join(dir, 'link');
    symlinkSync(root, link);
    expect(() => checkRootOwned(link, 'state dir', true)).toThrow(/is a symbolic link/);
    chmodSync(root, 0o777);
    chownSync(stateDir, 0, 0);
    expect(() => prepareHelperDirs({ stateDir, rootDir: root })).toThrow(
      /persistence root .* must not be writable/,
    );
  });
});
