// Things on a box that silently undo a deployment: systemd-networkd deleting ip rules it did not make, and an
// nftables.conf whose `flush ruleset` removes every table (ours included) whenever nftables.service reloads.

import type { Hazard } from '../reports/deploy';

/** A config file read from the box. */
export interface ConfigFile {
  readonly path: string;
  readonly text: string;
}

export interface HazardInputs {
  /** systemd-networkd, when installed: its version (null when unknown) and config files in load order. */
  readonly networkd: {
    readonly version: number | null;
    readonly running: boolean;
    readonly configs: readonly ConfigFile[];
  } | null;
  /** The nftables service's ruleset file, when present. */
  readonly nftablesConf: ConfigFile | null;
}

/** systemd 248 added ManageForeignRoutingPolicyRules= (default yes): networkd removes ip rules it did not make. */
const NETWORKD_FOREIGN_RULES_SINCE = 248;

/** The last value of `key` in `[section]` across INI files read in order (later files override earlier ones). */
export function iniValue(files: readonly ConfigFile[], section: string, key: string): string | undefined {
  let value: string | undefined;
  for (const file of files) {
    let current = '';
    for (const raw of file.text.split('\n')) {
      const line = raw.trim();
      if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
      const head = /^\[(.+)\]$/.exec(line);
      if (head) {
        current = head[1]!.trim();
        continue;
      }
      const eq = line.indexOf('=');
      if (current === section && eq > 0 && line.slice(0, eq).trim() === key)
        value = line.slice(eq + 1).trim();
    }
  }
  return value;
}

const FALSE = new Set(['no', 'false', '0', 'off']);

/** The first command of an nft script, skipping comments and blank lines. */
function firstCommand(text: string): string {
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*$/, '').trim();
    if (line !== '') return line.split(';')[0]!.trim().replace(/\s+/g, ' ');
  }
  return '';
}

/** The hazards these facts show, each with its fix. */
export function findHazards(inputs: HazardInputs): Hazard[] {
  const out: Hazard[] = [];
  const nd = inputs.networkd;
  if (nd && (nd.version === null || nd.version >= NETWORKD_FOREIGN_RULES_SINCE)) {
    const value = iniValue(nd.configs, 'Network', 'ManageForeignRoutingPolicyRules');
    if (value === undefined || !FALSE.has(value.toLowerCase())) {
      out.push({
        id: 'networkd-foreign-rules',
        what:
          "systemd-networkd removes ip rules it did not create (Markwright's proto 77 rules included) whenever it " +
          'starts or reconfigures a link',
        fix:
          'set ManageForeignRoutingPolicyRules=no in [Network] of /etc/systemd/networkd.conf ' +
          '(or a file in /etc/systemd/networkd.conf.d/) and restart systemd-networkd',
        evidence:
          `systemd-networkd ${nd.version ?? '(version unknown)'}${nd.running ? ', running' : ', installed'}; ` +
          `ManageForeignRoutingPolicyRules=${value ?? 'yes (default)'}`,
      });
    }
  }
  const conf = inputs.nftablesConf;
  if (conf && /^flush ruleset\b/.test(firstCommand(conf.text))) {
    out.push({
      id: 'nftables-flush-ruleset',
      what: `${conf.path} starts with "flush ruleset": every reload of nftables.service removes table inet markwright`,
      fix:
        'replace "flush ruleset" by deleting only the tables the file defines (e.g. "table inet filter" + ' +
        '"delete table inet filter" before redefining it), or add PartOf=nftables.service and ' +
        'After=nftables.service to markwright-restore.service so the rules come back after each reload',
      evidence: `${conf.path}: ${firstCommand(conf.text)}`,
    });
  }
  return out;
}
