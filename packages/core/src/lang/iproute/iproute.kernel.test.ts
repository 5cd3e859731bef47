import { kernelSkip, Netns } from '@markwright/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IpRule } from '../../ir/types';
import { emitIpRuleBatches, formatIpRule } from './print-rule';
import { parseIpRoutesJson } from './routes';
import { ipRuleWarnings, parseIpRulesJson } from './rules';
import { parseIpRoutesText, parseIpRulesText } from './text';

const skip = kernelSkip('ip rule/route kernel tests', ['ip']);

// `ip rule add` argument lists, each a separate case; read back with `ip -j rule show`.
const RULES_V4: readonly string[][] = [
  ['fwmark', '0xca6c', 'table', '51820', 'priority', '100'],
  ['not', 'fwmark', '0x4000/0x4000', 'lookup', 'main', 'suppress_prefixlength', '0', 'pref', '101'],
  ['fwmark', '0', 'table', '200', 'pref', '102'],
  ['fwmark', '0/0xffffffff', 'table', '201', 'pref', '103'],
  ['from', '10.0.0.0/8', 'to', '192.168.1.1', 'iif', 'v0', 'oif', 'lo', 'blackhole', 'pref', '104'],
  ['goto', '32766', 'pref', '105'],
  ['unreachable', 'pref', '106'],
  ['prohibit', 'pref', '107'],
  ['table', '100', 'proto', '99', 'pref', '108'],
  ['nop', 'pref', '109'],
  [
    'tos',
    '0x10',
    'ipproto',
    'tcp',
    'dport',
    '80',
    'sport',
    '1000-2000',
    'uidrange',
    '100-200',
    'table',
    '7',
    'pref',
    '110',
  ],
  ['fwmark', '5/0xff', 'table', 'local', 'pref', '111'],
  ['from', '10.1.2.3', 'fwmark', '0x80000000/0x80000000', 'lookup', 'default', 'pref', '112'],
];

describe.skipIf(skip)('ip -j rule / ip -j route against iproute2 and the kernel', () => {
  let ns: Netns;
  let fresh: Netns;
  beforeAll(() => {
    ns = Netns.create('iprule');
    fresh = Netns.create('iprule2');
    for (const n of [ns, fresh]) {
      n.exec(['ip', 'link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1']);
      n.exec(['ip', 'addr', 'add', '10.9.0.1/24', 'dev', 'v0']);
      n.exec(['ip', '-6', 'addr', 'add', '2001:db8::1/64', 'dev', 'v0', 'nodad']);
      n.exec(['ip', 'link', 'set', 'v0', 'up']);
      n.exec(['ip', 'link', 'set', 'v1', 'up']);
    }
    for (const args of RULES_V4) ns.exec(['ip', 'rule', 'add', ...args]);
    ns.exec(['ip', '-6', 'rule', 'add', 'fwmark', '0x1', 'table', '300', 'pref', '50']);
    ns.exec([
      'ip',
      '-6',
      'rule',
      'add',
      'from',
      '2001:db8::/32',
      'not',
      'fwmark',
      '0x2/0x3',
      'unreachable',
      'pref',
      '51',
    ]);
    ns.exec([
      'ip',
      'route',
      'add',
      '192.168.5.0/24',
      'via',
      '10.9.0.2',
      'table',
      '100',
      'metric',
      '5',
      'proto',
      'static',
    ]);
    ns.exec(['ip', 'route', 'add', 'blackhole', '10.99.0.0/16', 'table', '100']);
    ns.exec([
      'ip',
      'route',
      'add',
      'default',
      'via',
      '10.9.0.2',
      'dev',
      'v0',
      'table',
      '200',
      'src',
      '10.9.0.1',
    ]);
    ns.exec([
      'ip',
      '-6',
      'route',
      'add',
      'default',
      'via',
      '2001:db8::2',
      'dev',
      'v0',
      'onlink',
      'table',
      '300',
    ]);
  });
  afterAll(() => {
    ns?.destroy();
    fresh?.destroy();
  });

  const rulesOf = (n: Netns): IpRule[] => [
    ...parseIpRulesJson(n.exec(['ip', '-j', 'rule', 'show']).stdout, 4),
    ...parseIpRulesJson(n.exec(['ip', '-6', '-j', 'rule', 'show']).stdout, 6),
  ];

  it('reads every rule, with hex fwmark strings, not, goto, actions, suppress_prefixlength and protocol', () => {
    const rules = rulesOf(ns);
    const byPrio = (p: number, f: 4 | 6 = 4) => rules.find((r) => r.priority === p && r.family === f)!;
    expect(byPrio(100)).toEqual({
      family: 4,
      priority: 100,
      not: false,
      fwmark: { value: 0xca6c, mask: 0xffffffff },
      action: { kind: 'table', table: '51820' },
    });
    expect(byPrio(101)).toMatchObject({
      not: true,
      fwmark: { value: 0x4000, mask: 0x4000 },
      action: { kind: 'table', table: 'main' },
      suppressPrefixlength: 0,
    });
    // A bare `fwmark 0` is stored with mask 0: the kernel matches every packet and the dump shows no fwmark.
    expect(byPrio(102).fwmark).toBeUndefined();
    expect(byPrio(103).fwmark).toEqual({ value: 0, mask: 0xffffffff });
    expect(byPrio(104)).toMatchObject({
      from: { family: 4, address: '10.0.0.0', prefix: 8 },
      to: { family: 4, address: '192.168.1.1', prefix: 32 },
      iif: 'v0',
      oif: 'lo',
      action: { kind: 'blackhole' },
    });
    expect(byPrio(105).action).toEqual({ kind: 'goto', priority: 32766 });
    expect(byPrio(109).action).toEqual({ kind: 'nop' });
    expect(byPrio(108).protocol).toBeDefined();
    expect(byPrio(110).extra).toMatchObject({ tos: '0x10', ipproto: 'tcp', dport: 80 });
    expect(byPrio(50, 6)).toMatchObject({
      family: 6,
      fwmark: { value: 1, mask: 0xffffffff },
      action: { kind: 'table', table: '300' },
    });
    expect(byPrio(51, 6)).toMatchObject({
      not: true,
      from: { family: 6, address: '2001:db8::', prefix: 32 },
    });
    expect(ipRuleWarnings(rules)).toEqual([]);
    expect(ipRuleWarnings([{ ...byPrio(100), fwmark: { value: 0, mask: 0 } }])[0]).toMatch(
      /matches every packet/,
    );
  });

  it('formats each rule exactly as ip rule show prints it', () => {
    const shown = `${ns.exec(['ip', 'rule', 'show']).stdout}${ns.exec(['ip', '-6', 'rule', 'show']).stdout}`;
    const ours = rulesOf(ns).map(formatIpRule);
    expect(ours.join('\n')).toBe(shown.trimEnd());
  });

  it('re-creates the rules from our ip -batch text in a fresh namespace: same rules read back', () => {
    const ours = rulesOf(ns).filter((r) => ![0, 32766, 32767].includes(r.priority));
    // 102 was a bare fwmark 0: reading it back as no selector is exactly what the kernel stored.
    for (const batch of emitIpRuleBatches(ours)) {
      expect(batch.text).not.toMatch(/fwmark 0 /);
      fresh.exec(batch.argv, { input: batch.text });
    }
    const back = rulesOf(fresh).filter((r) => ![0, 32766, 32767].includes(r.priority));
    expect(back).toEqual(ours);
  });

  it('reads ip -j route show table all for both families', () => {
    const routes = parseIpRoutesJson(ns.exec(['ip', '-j', 'route', 'show', 'table', 'all']).stdout);
    expect(routes).toContainEqual({
      family: 4,
      table: '100',
      type: 'unicast',
      dst: { family: 4, address: '192.168.5.0', prefix: 24 },
      dev: 'v0',
      gateway: '10.9.0.2',
      metric: 5,
      protocol: 'static',
    });
    expect(routes).toContainEqual(
      expect.objectContaining({
        type: 'blackhole',
        table: '100',
        dst: { family: 4, address: '10.99.0.0', prefix: 16 },
      }),
    );
    expect(routes).toContainEqual(
      expect.objectContaining({
        family: 4,
        table: '200',
        dst: { family: 4, address: '0.0.0.0', prefix: 0 },
        prefsrc: '10.9.0.1',
      }),
    );
    expect(routes).toContainEqual(
      expect.objectContaining({
        family: 6,
        table: '300',
        dst: { family: 6, address: '::', prefix: 0 },
        gateway: '2001:db8::2',
      }),
    );
    expect(routes.some((r) => r.table === 'local' && r.type === 'local')).toBe(true);
    const v6 = parseIpRoutesJson(ns.exec(['ip', '-6', '-j', 'route', 'show', 'table', 'all']).stdout, 6);
    expect(v6.every((r) => r.family === 6)).toBe(true);
  });

  it('reads plain `ip rule show` and `ip route show` text into the same IR as their -j forms', () => {
    for (const f of ['-4', '-6'] as const) {
      const family = f === '-4' ? 4 : 6;
      const text = ns.exec(['ip', f, 'rule', 'show']).stdout;
      const json = ns.exec(['ip', f, '-j', 'rule', 'show']).stdout;
      expect(parseIpRulesText(text, family)).toEqual(parseIpRulesJson(json, family));
      const routesText = ns.exec(['ip', f, 'route', 'show', 'table', 'all']).stdout;
      const routesJson = ns.exec(['ip', f, '-j', 'route', 'show', 'table', 'all']).stdout;
      expect(parseIpRoutesText(routesText, family)).toEqual(parseIpRoutesJson(routesJson, family));
    }
  });
});
