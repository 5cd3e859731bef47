import type { Netns } from '@markwright/testkit';

/** Set up state that belongs to others on a router: an nft table, iptables-nft mangle rules, ip rules, tc. */
export function addForeignState(ns: Netns, tcDev: string): void {
  ns.nft(
    'table inet other {\n\tchain pre {\n\t\ttype filter hook prerouting priority -160; policy accept;\n\t\tudp dport 7000 meta mark set meta mark | 0x00010000\n\t}\n}\n',
  );
  ns.exec([
    'iptables',
    '-t',
    'mangle',
    '-A',
    'PREROUTING',
    '-p',
    'tcp',
    '--dport',
    '22',
    '-j',
    'MARK',
    '--set-xmark',
    '0x20000/0x20000',
  ]);
  ns.exec([
    'iptables',
    '-t',
    'mangle',
    '-A',
    'FORWARD',
    '-m',
    'mark',
    '--mark',
    '0x20000/0x20000',
    '-j',
    'ACCEPT',
  ]);
  ns.exec(['ip', 'rule', 'add', 'priority', '500', 'fwmark', '0x10000/0x10000', 'lookup', '200']);
  // Another program using protocol 77 outside Markwright's priority range: not ours, never touched.
  ns.exec([
    'ip',
    'rule',
    'add',
    'priority',
    '600',
    'fwmark',
    '0x40000/0x40000',
    'lookup',
    '202',
    'proto',
    '77',
  ]);
  ns.exec(['ip', '-6', 'rule', 'add', 'priority', '501', 'fwmark', '0x20000/0x20000', 'lookup', '201']);
  ns.exec(['tc', 'qdisc', 'add', 'dev', tcDev, 'clsact']);
  ns.exec([
    'tc',
    'filter',
    'add',
    'dev',
    tcDev,
    'egress',
    'protocol',
    'ip',
    'prio',
    '10',
    'u32',
    'match',
    'ip',
    'dst',
    '192.0.2.99/32',
    'classid',
    '1:1',
  ]);
}

/** An `ip rule show` line that is Markwright's: our protocol tag inside the default priority range. */
const isOwnedRuleLine = (line: string): boolean => {
  const priority = Number(/^(\d+):/.exec(line)?.[1]);
  return line.endsWith(' proto 77') && priority >= 10000 && priority <= 10999;
};

/** Everything on the box that is not Markwright's, as text to compare byte for byte (counters left out). */
export function foreignState(ns: Netns, tcDev: string): string {
  const ruleset = ns.exec(['nft', '-s', 'list', 'ruleset']).stdout;
  const withoutOurs = ruleset.replace(/table inet markwright \{[\s\S]*?\n\}\n/, '');
  const save = ns
    .exec(['iptables-save'])
    .stdout.split('\n')
    .filter((l) => !l.startsWith('#'))
    .map((l) => l.replace(/\[\d+:\d+\]/, ''))
    .join('\n');
  const rules = (fam: string) =>
    ns
      .exec(['ip', fam, 'rule', 'show'])
      .stdout.split('\n')
      .filter((l) => !isOwnedRuleLine(l))
      .join('\n');
  const tc = ns.exec(['tc', 'filter', 'show', 'dev', tcDev, 'egress']).stdout;
  return [withoutOurs, save, rules('-4'), rules('-6'), tc].join('\n--\n');
}

/** Markwright's own kernel state, as text. */
export function ownedKernelState(ns: Netns): string {
  const table = ns.exec(['nft', '-s', 'list', 'table', 'inet', 'markwright'], { allowFail: true });
  const rules = ['-4', '-6'].map((fam) =>
    ns.exec(['ip', fam, 'rule', 'show']).stdout.split('\n').filter(isOwnedRuleLine).join('\n'),
  );
  return [table.code === 0 ? table.stdout : '(no table)', ...rules].join('\n--\n');
}
