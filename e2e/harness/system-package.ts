// The Debian package, built from this checkout and installed on the machine for a flow, then purged again
// (also when the flow fails). A machine that has markwright installed already is left alone: the flow skips.

import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './paths';

export const INSTALLED_CLI = '/usr/bin/markwright';
export const HELPER_DIRS_FILE = '/usr/lib/markwright/cli/dist/helper-dirs.json';

function run(argv: readonly string[], allowFail = false) {
  const r = spawnSync(argv[0]!, argv.slice(1), {
    encoding: 'utf8',
    timeout: 300_000,
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  const result = { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? String(r.error ?? '') };
  if (result.code !== 0 && !allowFail)
    throw new Error(`${argv.join(' ')} exited ${result.code}: ${result.stderr}`);
  return result;
}

function installed(): boolean {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own field syntax, not a template
  return /install ok installed/.test(run(['dpkg-query', '-W', '-f=${Status}', 'markwright'], true).stdout);
}

/** Why the package cannot be built and installed here, or null. */
export function packageSkipReason(): string | null {
  if (process.getuid?.() !== 0) return 'installing the package needs root';
  for (const tool of ['/usr/bin/dpkg-deb', '/usr/bin/apt-get']) if (!existsSync(tool)) return `needs ${tool}`;
  if (installed())
    return 'a markwright package is installed on this machine already; the flow would replace it';
  return null;
}

export interface InstalledPackage {
  readonly deb: string;
  /** Seconds `apt-get install` took. */
  readonly installSeconds: number;
  /** Purge it; throws when a file of the package is left behind. */
  remove(): { seconds: number };
}

/** `pnpm package:deb`'s builder (the bundles are built by the e2e global set-up), then `apt-get install`. */
export function installPackage(): InstalledPackage {
  run([process.execPath, join(repoRoot, 'scripts/package-deb.mjs')]);
  const deb = readdirSync(join(repoRoot, 'dist'))
    .filter((f) => /^markwright_.*\.deb$/.test(f))
    .map((f) => join(repoRoot, 'dist', f))[0];
  if (!deb) throw new Error('package-deb.mjs wrote no dist/markwright_*.deb');
  const start = Date.now();
  let removed = false;
  try {
    run(['apt-get', 'install', '-y', '-q', deb]);
  } catch (error) {
    run(['apt-get', 'purge', '-y', '-q', 'markwright'], true);
    throw error;
  }
  const installSeconds = (Date.now() - start) / 1000;
  return {
    deb,
    installSeconds,
    remove() {
      if (removed) return { seconds: 0 };
      removed = true;
      rmSync(HELPER_DIRS_FILE, { force: true });
      const t = Date.now();
      run(['apt-get', 'purge', '-y', '-q', 'markwright']);
      const left = [
        '/usr/lib/markwright',
        INSTALLED_CLI,
        '/usr/share/polkit-1/actions/org.markwright.policy',
      ].filter((p) => existsSync(p));
      if (left.length > 0 || installed()) throw new Error(`removing the package left ${left.join(', ')}`);
      return { seconds: (Date.now() - t) / 1000 };
    },
  };
}
