// Per-target restore files and the templated unit that loads them at boot. Each target owns
// <root>/etc/markwright/targets/<key>/ and the unit instance markwright-restore@<key>.service; nothing of one
// target is touched when another is written or removed.
import { existsSync, readdirSync, rmdirSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { targetKey } from '../exec/target';
import type { OwnedState, Target } from '../types';
import { syncDirectory, writeFileAtomic } from './atomic-file';
import { restoreDocument } from './owned-table';
import { checkPrivateDir, ensurePrivateDir } from './private-dir';

export const UNIT_TEMPLATE = 'markwright-restore@.service';
export const unitInstance = (target: Target): string => `markwright-restore@${targetKey(target)}.service`;

/** The restore files of one target and the unit files that load them, under `rootDir`. */
export function persistencePaths(rootDir: string, target: Target = { kind: 'local' }) {
  const etc = join(rootDir, 'etc', 'markwright');
  const dir = join(etc, 'targets', targetKey(target));
  const systemd = join(rootDir, 'etc', 'systemd', 'system');
  return {
    etc,
    targets: join(etc, 'targets'),
    dir,
    ruleset: join(dir, 'ruleset.json'),
    ipRulesV4: join(dir, 'ip-rules.v4'),
    ipRulesV6: join(dir, 'ip-rules.v6'),
    routesV4: join(dir, 'routes.v4'),
    routesV6: join(dir, 'routes.v6'),
    tc: join(dir, 'tc.batch'),
    unit: join(systemd, UNIT_TEMPLATE),
    dropIn: join(systemd, `${unitInstance(target)}.d`, 'target.conf'),
    wants: join(systemd, 'multi-user.target.wants', unitInstance(target)),
  };
}

/**
 * The templated restore unit (`%i` is the target key). The table is loaded from nft JSON, never from listed
 * text; `-` lets an ip or tc step with nothing to load not stop the others. Where it runs and when comes from
 * the instance's drop-in (`targetDropIn`).
 */
export function restoreUnitTemplate(): string {
  return `[Unit]
Description=Restore Markwright mark rules for target %i (nft table inet markwright, owned routes, ip rules, tc filters)
DefaultDependencies=no
After=local-fs.target
ConditionPathExists=/etc/markwright/targets/%i/ruleset.json

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/usr/sbin/nft -j -f /etc/markwright/targets/%i/ruleset.json
ExecStart=-/usr/bin/ip -4 -batch /etc/markwright/targets/%i/routes.v4
ExecStart=-/usr/bin/ip -6 -batch /etc/markwright/targets/%i/routes.v6
ExecStart=-/usr/bin/ip -4 -batch /etc/markwright/targets/%i/ip-rules.v4
ExecStart=-/usr/bin/ip -6 -batch /etc/markwright/targets/%i/ip-rules.v6
ExecStart=-/usr/sbin/tc -batch /etc/markwright/targets/%i/tc.batch

[Install]
WantedBy=multi-user.target
`;
}

/**
 * The local target restores before the network comes up. A netns target restores inside its namespace and only
 * when that namespace exists as the unit starts (after network.target, where namespaces made at boot usually
 * are); a namespace created later starts the instance itself (see packaging/README.md).
 */
export function targetDropIn(target: Target): string {
  if (target.kind === 'local') return '[Unit]\nBefore=network-pre.target\nWants=network-pre.target\n';
  const path = `/run/netns/${target.name}`;
  return `[Unit]\nConditionPathExists=${path}\nAfter=network.target\n\n[Service]\nNetworkNamespacePath=${path}\n`;
}

const routeCount = (s: OwnedState): number => (s.routes?.v4.length ?? 0) + (s.routes?.v6.length ?? 0);

const isEmpty = (s: OwnedState): boolean =>
  (s.nft ?? null) === null &&
  s.ipRules.v4.length + s.ipRules.v6.length + s.tcFilters.length + routeCount(s) === 0;

/**
 * Refuse, before anything is kept, persistence folders another user could have planted or can write: the boot
 * runs what is in them as root. Missing folders are fine (they are created private).
 */
export function checkPersistenceDirs(rootDir: string, target: Target): void {
  const p = persistencePaths(rootDir, target);
  for (const dir of [p.etc, p.targets, p.dir]) checkPrivateDir(dir, 'persistence dir');
  for (const dir of [dirname(p.unit), dirname(p.dropIn), dirname(p.wants)])
    checkPrivateDir(dir, 'systemd dir');
}

/** Write the confirmed state of `target` so it survives a reboot (only ever called after confirmation). */
export function writePersistence(rootDir: string, target: Target, state: OwnedState): void {
  if (state.nft === undefined) throw new Error('only state read back from the kernel is persisted');
  const p = persistencePaths(rootDir, target);
  checkPersistenceDirs(rootDir, target);
  if (isEmpty(state)) {
    removePersistence(rootDir, target);
    return;
  }
  ensurePrivateDir(p.etc, 'persistence dir', 0o755);
  ensurePrivateDir(p.targets, 'persistence dir', 0o755);
  ensurePrivateDir(p.dir, 'persistence dir', 0o700);
  writeFileAtomic(p.ruleset, restoreDocument(state.nft), 0o600, false);
  // Routes before the ip rules that look their tables up, as apply orders them.
  const routes = (lines: readonly string[] = []) => lines.map((r) => `route add ${r}\n`).join('');
  writeFileAtomic(p.routesV4, routes(state.routes?.v4), 0o600, false);
  writeFileAtomic(p.routesV6, routes(state.routes?.v6), 0o600, false);
  writeFileAtomic(p.ipRulesV4, state.ipRules.v4.map((r) => `rule add ${r}\n`).join(''), 0o600, false);
  writeFileAtomic(p.ipRulesV6, state.ipRules.v6.map((r) => `rule add ${r}\n`).join(''), 0o600, false);
  writeFileAtomic(p.tc, state.tcFilters.map((l) => `${l}\n`).join(''), 0o600, false);
  syncDirectory(p.dir);
  ensurePrivateDir(dirname(p.unit), 'systemd dir', 0o755);
  ensurePrivateDir(dirname(p.dropIn), 'systemd dir', 0o755);
  ensurePrivateDir(dirname(p.wants), 'systemd dir', 0o755);
  writeFileAtomic(p.unit, restoreUnitTemplate());
  writeFileAtomic(p.dropIn, targetDropIn(target));
  rmSync(p.wants, { force: true });
  symlinkSync(`../${UNIT_TEMPLATE}`, p.wants);
}

/** Remove `target`'s restore files and unit instance; the template goes with the last target. */
export function removePersistence(rootDir: string, target: Target): void {
  const p = persistencePaths(rootDir, target);
  rmSync(p.wants, { force: true });
  rmSync(join(p.dropIn, '..'), { recursive: true, force: true });
  rmSync(p.dir, { recursive: true, force: true });
  const others = existsSync(p.targets) ? readdirSync(p.targets) : [];
  if (others.length === 0) {
    rmSync(p.unit, { force: true });
    for (const dir of [p.targets, p.etc]) {
      try {
        rmdirSync(dir);
      } catch {} // absent, or holding files that are not ours
    }
  }
}
