import type { RuleBitUsage } from '../analyze/types';
import type { ConfigFile } from './hazards';

/** Versions from `since` (inclusive) to `before` (exclusive); a missing end is open. */
export interface VersionSpan {
  readonly since?: string;
  readonly before?: string;
}

/** Which versions of a consumer run on a box, and what showed it. */
export interface BoxVersion {
  readonly consumer: string;
  readonly span: VersionSpan;
  /** `tailscale version: 1.96.2`, `package tailscale 1.98.0 (dpkg)`, or the rule whose shape tells. */
  readonly evidence: string;
}

const parts = (v: string) => (v.match(/\d+/g) ?? []).map(Number);

/** Numeric comparison of dotted versions (`1.96.2` < `1.98`); text after the numbers is ignored. */
export function compareVersions(a: string, b: string): number {
  const x = parts(a);
  const y = parts(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

/** The span holding exactly this release: `1.96.2` -> [1.96.2, 1.96.3). */
export function exactSpan(version: string): VersionSpan {
  const p = parts(version);
  const next = [...p.slice(0, -1), (p.at(-1) ?? 0) + 1].join('.');
  return { since: p.join('.'), before: next };
}

/** Whether two spans share a version. */
export function spansOverlap(a: VersionSpan, b: VersionSpan): boolean {
  const below = (x: string | undefined, y: string | undefined) =>
    x === undefined || y === undefined || compareVersions(x, y) < 0;
  return below(a.since, b.before) && below(b.since, a.before);
}

/** `1.96.2`, `>= 1.98`, `1.96 - 1.98` as people read them. */
export function spanText(span: VersionSpan): string {
  if (span.since && span.before) {
    const exact = compareVersions(exactSpan(span.since).before!, span.before) === 0;
    return exact ? span.since : `>= ${span.since}, < ${span.before}`;
  }
  if (span.since) return `>= ${span.since}`;
  if (span.before) return `< ${span.before}`;
  return 'any version';
}

/** A version number as `tailscale version` prints it on its first line (`1.96.2` or `1.96.2-t1234abcd`). */
export function versionFromOutput(text: string): string | null {
  return /^\s*v?(\d+\.\d+(?:\.\d+)?)/.exec(text)?.[1] ?? null;
}

/**
 * Tailscale's conntrack restore rule tells its version range (util/linuxfw AddConnmarkSaveRule): since v1.96.0 it
 * restores the 0xff0000 bits on established packets (byte-swapped to 0x0000ff00 by nftables on little-endian
 * hosts); from v1.100.0 only when the ct mark holds some of them (`ct mark & 0x00ff0000 != 0`,
 * `-m connmark ! --mark 0x0/0xff0000`).
 */
const TAILSCALE_SHAPES: readonly { readonly shape: RegExp; readonly span: VersionSpan }[] = [
  { shape: /ct mark & 0x00ff0000 != 0x0+ meta mark set ct mark & 0x00ff0000/, span: { since: '1.100' } },
  {
    shape:
      /-m connmark ! --mark 0x0\/0xff0000 -j CONNMARK --restore-mark --nfmask 0xff0000 --ctmask 0xff0000/,
    span: { since: '1.100' },
  },
  {
    shape: /established,related meta mark set ct mark & 0x00(?:ff0000|00ff00)\b/,
    span: { since: '1.96', before: '1.100' },
  },
  {
    shape: /ESTABLISHED -j CONNMARK --restore-mark --nfmask 0xff0000 --ctmask 0xff0000/,
    span: { since: '1.96', before: '1.100' },
  },
];

/** Versions the rules' shapes give away (Tailscale's restore rule), the first matching rule deciding. */
export function versionsFromRules(usages: readonly Pick<RuleBitUsage, 'where' | 'rule'>[]): BoxVersion[] {
  for (const u of usages) {
    const found = TAILSCALE_SHAPES.find((s) => s.shape.test(u.rule));
    if (found) return [{ consumer: 'tailscale', span: found.span, evidence: `rule shape: ${u.where}` }];
  }
  return [];
}

/** Package names that install a known consumer (Debian/Ubuntu, OpenWrt, Alpine), by consumer id. */
export const CONSUMER_PACKAGES: readonly { readonly consumer: string; readonly names: readonly string[] }[] =
  [
    { consumer: 'tailscale', names: ['tailscale'] },
    { consumer: 'mwan3', names: ['mwan3'] },
    { consumer: 'pbr', names: ['pbr', 'pbr-iptables', 'pbr-netifd'] },
    { consumer: 'firehol', names: ['firehol'] },
    { consumer: 'firewalld', names: ['firewalld'] },
    { consumer: 'shorewall', names: ['shorewall', 'shorewall6'] },
    { consumer: 'sqm-scripts', names: ['sqm-scripts'] },
    { consumer: 'netbird', names: ['netbird'] },
    { consumer: 'nordvpn', names: ['nordvpn'] },
    { consumer: 'mullvad', names: ['mullvad-vpn'] },
    { consumer: 'docker', names: ['docker-ce', 'docker.io', 'moby-engine', 'dockerd'] },
    { consumer: 'opensnitch', names: ['opensnitch'] },
  ];

/** Where package managers list installed packages: dpkg and opkg in `Package:`/`Version:` stanzas, apk in `P:`/`V:`. */
export const PACKAGE_DATABASES = ['/var/lib/dpkg/status', '/usr/lib/opkg/status', '/lib/apk/db/installed'];

interface InstalledPackage {
  readonly name: string;
  readonly version: string;
}

function installed(db: ConfigFile): InstalledPackage[] {
  const apk = db.path.endsWith('/apk/db/installed');
  const out: InstalledPackage[] = [];
  for (const stanza of db.text.split(/\n\s*\n/)) {
    const field = (key: string) => new RegExp(`^${key}\\s*(.+)$`, 'm').exec(stanza)?.[1]?.trim();
    const name = field(apk ? 'P:' : 'Package:');
    const version = field(apk ? 'V:' : 'Version:');
    // dpkg keeps removed-but-configured packages too; only "install ok installed" counts.
    const status = apk ? 'installed' : (field('Status:') ?? 'installed');
    if (name && version && /\binstalled$/.test(status) && !/not-installed|config-files/.test(status))
      out.push({ name, version });
  }
  return out;
}

/** Known consumers installed as packages, with their versions (evidence names the package database). */
export function versionsFromPackages(databases: readonly ConfigFile[]): BoxVersion[] {
  const out: BoxVersion[] = [];
  for (const db of databases) {
    const manager = db.path.includes('dpkg') ? 'dpkg' : db.path.includes('opkg') ? 'opkg' : 'apk';
    for (const pkg of installed(db)) {
      const owner = CONSUMER_PACKAGES.find((p) => p.names.includes(pkg.name));
      // Debian epochs and revisions (`1:1.96.2-1`) are not part of the upstream version.
      const upstream = pkg.version.replace(/^\d+:/, '');
      if (owner && !out.some((v) => v.consumer === owner.consumer) && versionFromOutput(upstream))
        out.push({
          consumer: owner.consumer,
          span: exactSpan(versionFromOutput(upstream)!),
          evidence: `package ${pkg.name} ${pkg.version} (${manager})`,
        });
    }
  }
  return out;
}
