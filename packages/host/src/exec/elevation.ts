import { access, constants } from 'node:fs/promises';
import { EnvironmentError } from './errors';
import { type Elevation, spawnCollect } from './runner';

export interface ElevationProbe {
  readonly uid: number;
  /** Whether `sudo -n true` succeeds (passwordless sudo for this user). */
  sudoWorks(): Promise<boolean>;
  /** Whether pkexec is installed together with our polkit action. */
  pkexecAvailable(): Promise<boolean>;
}

export const POLKIT_ACTION_FILE = '/usr/share/polkit-1/actions/org.markwright.policy';

async function onPath(name: string): Promise<boolean> {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (!dir) continue;
    try {
      await access(`${dir}/${name}`, constants.X_OK);
      return true;
    } catch {}
  }
  return false;
}

export const systemElevationProbe: ElevationProbe = {
  uid: typeof process.getuid === 'function' ? process.getuid() : 0,
  async sudoWorks() {
    if (!(await onPath('sudo'))) return false;
    return (await spawnCollect(['sudo', '-n', 'true'])).code === 0;
  },
  async pkexecAvailable() {
    if (!(await onPath('pkexec'))) return false;
    try {
      await access(POLKIT_ACTION_FILE, constants.R_OK);
      return true;
    } catch {
      return false;
    }
  },
};

/** Root needs nothing; otherwise passwordless sudo, then pkexec; else a message saying what to do. */
export async function chooseElevation(probe: ElevationProbe = systemElevationProbe): Promise<Elevation> {
  if (probe.uid === 0) return 'none';
  if (await probe.sudoWorks()) return 'sudo';
  if (await probe.pkexecAvailable()) return 'pkexec';
  throw new EnvironmentError(
    'markwright needs root to change netfilter, ip rules and tc: run it as root, allow passwordless ' +
      `sudo for it, or install the polkit action ${POLKIT_ACTION_FILE} (packaging/polkit/org.markwright.policy) ` +
      'so pkexec can ask for authorisation',
  );
}
