import { mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { OwnedState, Target } from '../types';
import { syncDirectory, writeFileAtomic } from './atomic-file';
import { tableBodyOf } from './ownership';

export const UNIT_NAME = 'markwright-restore.service';

/** Files that bring our owned state back at boot, relative to the root dir. */
export function persistencePaths(rootDir: string) {
  const etc = join(rootDir, 'etc', 'markwright');
  return {
    dir: etc,
    ruleset: join(etc, 'ruleset.nft'),
    ipRulesV4: join(etc, 'ip-rules.v4'),
    ipRulesV6: join(etc, 'ip-rules.v6'),
    tc: join(etc, 'tc.batch'),
    unit: join(rootDir, 'etc', 'systemd', 'system', UNIT_NAME),
    wants: join(rootDir, 'etc', 'systemd', 'system', 'multi-user.target.wants', UNIT_NAME),
  };
}

/**
 * The restore unit: runs once before the network comes up; `-` lets a step with nothing to load (empty batch)
 * not stop the others. A netns target restores inside that namespace.
 */
export function restoreUnit(target: Target): string {
  const inTarget = target.kind === 'netns' ? `/usr/bin/ip netns exec ${target.name} ` : '';
  return `[Unit]
Description=Restore Markwright mark rules (nft table inet markwright, ip rules, tc filters)
DefaultDependencies=no
Before=network-pre.target
Wants=network-pre.target
After=local-fs.target
ConditionPathExists=/etc/markwright/ruleset.nft

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=${inTarget}/usr/sbin/nft -f /etc/markwright/ruleset.nft
ExecStart=-${inTarget}/usr/bin/ip -4 -batch /etc/markwright/ip-rules.v4
ExecStart=-${inTarget}/usr/bin/ip -6 -batch /etc/markwright/ip-rules.v6
ExecStart=-${inTarget}/usr/sbin/tc -batch /etc/markwright/tc.batch

[Install]
WantedBy=multi-user.target
`;
}

/** Write the confirmed state so it survives a reboot (only ever called after confirmation). */
export function writePersistence(rootDir: string, target: Target, state: OwnedState): void {
  const p = persistencePaths(rootDir);
  const hasTable = tableBodyOf(state.nftScript).trim() !== '';
  writeFileAtomic(p.ruleset, state.nftScript, 0o644, false);
  writeFileAtomic(p.ipRulesV4, state.ipRules.v4.map((r) => `rule add ${r}\n`).join(''), 0o644, false);
  writeFileAtomic(p.ipRulesV6, state.ipRules.v6.map((r) => `rule add ${r}\n`).join(''), 0o644, false);
  writeFileAtomic(p.tc, state.tcFilters.map((l) => `${l}\n`).join(''), 0o644, false);
  syncDirectory(p.dir);
  writeFileAtomic(p.unit, restoreUnit(target));
  mkdirSync(join(p.wants, '..'), { recursive: true });
  rmSync(p.wants, { force: true });
  symlinkSync(`../${UNIT_NAME}`, p.wants);
  if (!hasTable && state.ipRules.v4.length + state.ipRules.v6.length + state.tcFilters.length === 0) {
    removePersistence(rootDir);
  }
}

export function removePersistence(rootDir: string): void {
  const p = persistencePaths(rootDir);
  for (const file of [p.wants, p.unit]) rmSync(file, { force: true });
  rmSync(p.dir, { recursive: true, force: true });
}
