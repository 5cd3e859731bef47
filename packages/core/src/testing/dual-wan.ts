import type { MarkwrightDocument } from '../document/types';
import type { IpRule, Route } from '../ir/types';
import { parseBoxFile } from '../lang/registry';
import type { Field } from '../layout/types';
import { field } from './documents';

// The dual-WAN router that lint, owned-route and deploy tests run designs on: a LAN and two uplinks, wan1 the
// main default route, table 200 a default route via wan2 (as an admin sets it up by hand before marking traffic
// into it). HTTPS from the LAN is marked `uplink=isp2` and routed by `fwmark ... lookup 200`.

/** `ip route show table all` of the router without its local table, as people paste it. */
export const DUAL_WAN_PASTED_ROUTES = `default via 192.0.2.1 dev wan1
10.0.0.0/24 dev lan0 proto kernel scope link src 10.0.0.1
192.0.2.0/24 dev wan1 proto kernel scope link src 192.0.2.2
198.51.100.0/24 dev wan2 proto kernel scope link src 198.51.100.2
default via 198.51.100.1 dev wan2 table 200
`;

/** The same routes with the local table, as the kernel lists them. */
export const DUAL_WAN_ROUTES = `${DUAL_WAN_PASTED_ROUTES}local 10.0.0.1 dev lan0 table local proto kernel scope host src 10.0.0.1
local 192.0.2.2 dev wan1 table local proto kernel scope host src 192.0.2.2
local 198.51.100.2 dev wan2 table local proto kernel scope host src 198.51.100.2
`;

export const routesOf = (text: string): Route[] => [
  ...parseBoxFile(text, 'routes', { source: 'routes' }).box.routes!,
];

export const ipRulesOf = (text: string): IpRule[] => [
  ...parseBoxFile(text, 'ipRules', { source: 'ip-rules' }).box.ipRules!,
];

/** The uplink field as an admin writes it in a file (by offset and width). */
export const UPLINK_FILE_FIELD = {
  name: 'uplink',
  space: 'fwmark',
  kind: 'enum',
  offset: 24,
  width: 2,
  values: { isp1: 1, isp2: 2 } as Record<string, number>,
};

/** The uplink field as the document reader builds it (not persisted unless `extra` says so). */
export const uplinkField = (extra: Partial<Pick<Field, 'persist' | 'newOnly'>> = {}): Field =>
  field('uplink', 24, 2, { kind: 'enum', values: { isp1: 1, isp2: 2 }, ...extra });

/** Where the design meets the box: the LAN interface, the table and priority of the binding, extra binding keys. */
export interface DualWanFileOptions {
  readonly lan?: string;
  readonly table?: number;
  readonly priority?: number;
  readonly binding?: Record<string, unknown>;
}

/** The design as an admin writes the file (fields by offset and width), for tests that hand it to the CLI or UI. */
export function dualWanFile(options: DualWanFileOptions = {}) {
  const { lan = 'lan0', table = 200, priority = 10002, binding = {} } = options;
  return {
    format: 'markwright/1',
    name: 'dual-wan',
    layout: {
      fields: [{ ...UPLINK_FILE_FIELD, persist: true, newOnly: true } as Record<string, unknown>],
    },
    policy: {
      rules: [
        { name: 'https via isp2', match: { iif: lan, proto: 'tcp', dport: 443 }, set: { uplink: 'isp2' } },
      ] as Record<string, unknown>[],
      routes: [{ when: { uplink: 'isp2' }, table, priority, family: 4, ...binding }] as Record<
        string,
        unknown
      >[],
    },
  };
}

/** HTTPS from the LAN out of wan2: uplink restored from the ct mark, `fwmark ... lookup 200`. */
export function dualWan(overrides: Partial<MarkwrightDocument['policy']> = {}): MarkwrightDocument {
  const uplink = uplinkField({ persist: true, newOnly: true });
  return {
    format: 'markwright/1',
    name: 'dual-wan',
    layout: { fields: [uplink] },
    policy: {
      rules: [
        { name: 'https via isp2', match: { iif: 'lan0', proto: 'tcp', dport: 443 }, set: { uplink: 'isp2' } },
      ],
      routes: [{ when: { uplink: 'isp2' }, table: 200, priority: 10002, family: 4 }],
      classes: [],
      ...overrides,
    },
  };
}

/** The same design with table 200 managed: its default via wan2 declared, lan0's connected route copied in. */
export function dualWanManaged(): MarkwrightDocument {
  return dualWan({
    routes: [
      {
        when: { uplink: 'isp2' },
        table: 200,
        priority: 10002,
        family: 4,
        owns: { routes: [{ to: 'default', via: '198.51.100.1', dev: 'wan2' }], copy: [{ dev: 'lan0' }] },
      },
    ],
  });
}

/** The same design with the binding limited to packets arriving from the LAN (`iif lan0`): replies never look up 200. */
export function dualWanByIif(): MarkwrightDocument {
  return dualWan({
    routes: [{ when: { uplink: 'isp2' }, iif: 'lan0', table: 200, priority: 10002, family: 4 }],
  });
}
