import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ConfigFile, findHazards, type Hazard } from '@markwright/core';
import type { Runner } from '../exec/runner';

// Files are read under `rootDir` (`/` on a real box; tests give a private root) with plain reads: they are
// world-readable configuration, and only their text is used, never executed.

function read(rootDir: string, path: string): ConfigFile | null {
  try {
    return { path, text: readFileSync(join(rootDir, path), 'utf8') };
  } catch {
    return null;
  }
}

/** networkd.conf, then its drop-ins in name order (systemd's override order for one directory). */
function networkdConfigs(rootDir: string): ConfigFile[] {
  const main = read(rootDir, '/etc/systemd/networkd.conf');
  let dropIns: string[] = [];
  try {
    dropIns = readdirSync(join(rootDir, '/etc/systemd/networkd.conf.d'))
      .filter((f) => f.endsWith('.conf'))
      .sort();
  } catch {
    // no drop-in directory
  }
  const more = dropIns.map((f) => read(rootDir, `/etc/systemd/networkd.conf.d/${f}`));
  return [main, ...more].filter((f): f is ConfigFile => f !== null);
}

const NETWORKD_BINARIES = ['/lib/systemd/systemd-networkd', '/usr/lib/systemd/systemd-networkd'];

function networkdRunning(rootDir: string): boolean {
  try {
    return readdirSync(join(rootDir, '/proc')).some(
      (pid) => /^\d+$/.test(pid) && read(rootDir, `/proc/${pid}/comm`)?.text.trim() === 'systemd-network',
    );
  } catch {
    return false;
  }
}

async function systemdVersion(runner: Runner): Promise<number | null> {
  try {
    const res = await runner.run(['networkctl', '--version'], { allowFail: true });
    const m = /^systemd (\d+)/m.exec(res.stdout);
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** What on this box would silently undo a deployment, each with its fix. */
export async function probeHazards(runner: Runner, rootDir = '/'): Promise<Hazard[]> {
  const installed = NETWORKD_BINARIES.some((p) => existsSync(join(rootDir, p)));
  const running = networkdRunning(rootDir);
  const networkd =
    installed || running
      ? { version: await systemdVersion(runner), running, configs: networkdConfigs(rootDir) }
      : null;
  return findHazards({ networkd, nftablesConf: read(rootDir, '/etc/nftables.conf') });
}
