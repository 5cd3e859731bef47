import { describe, expect, it } from 'vitest';
import type { MarkwrightDocument } from '../document/types';
import type { LintCode } from '../reports/types';
import {
  DUAL_WAN_ROUTES,
  dualWan,
  dualWanByIif,
  dualWanManaged,
  ipRulesOf,
  routesOf,
} from '../testing/dual-wan';
import { hasErrors, lintDocument } from './lint';
import { parseSysctls } from './sysctls';
import type { LintBox } from './types';

// One design that triggers each code and one that does not, on the dual-WAN router of testing/dual-wan.ts.

/** Table 200 with the LAN's and wan2's connected routes copied in, as mwan3 keeps its tables. */
const COMPLETE_TABLE = `${DUAL_WAN_ROUTES}10.0.0.0/24 dev lan0 table 200 scope link
198.51.100.0/24 dev wan2 table 200 scope link
`;

const box = (routes = DUAL_WAN_ROUTES, extra: Partial<LintBox> = {}): LintBox => ({
  routes: routesOf(routes),
  ipRules: [],
  ...extra,
});
const codes = (doc: MarkwrightDocument, b: LintBox = box()) =>
  lintDocument(doc, b).findings.map((f) => f.code);
const find = (doc: MarkwrightDocument, b: LintBox, code: LintCode) =>
  lintDocument(doc, b).findings.filter((f) => f.code === code);

const withField = (
  doc: MarkwrightDocument,
  field: Partial<MarkwrightDocument['layout']['fields'][number]>,
) => ({
  ...doc,
  layout: { fields: [{ ...doc.layout.fields[0]!, ...field }, ...doc.layout.fields.slice(1)] },
});

describe('reply-path', () => {
  it('flags the SYN-ACK that the restored mark sends back out wan2', () => {
    const [f] = find(dualWan(), box(), 'reply-path');
    expect(f).toMatchObject({ severity: 'error', path: 'policy.rules[0]' });
    expect(f!.message).toMatch(/reply leaves by wan2, but the connection arrived on lan0/);
    expect(f!.message).toMatch(/policy\.routes\[0\]/);
    expect(hasErrors(lintDocument(dualWan(), box()))).toBe(true);
  });
  it('is quiet when the table holds the connected routes and replies return to the LAN', () => {
    expect(codes(dualWan(), box(COMPLETE_TABLE))).not.toContain('reply-path');
  });
  it('is quiet when the document manages table 200 and copies lan0 into it', () => {
    const onlyMain = DUAL_WAN_ROUTES.replace('default via 198.51.100.1 dev wan2 table 200\n', '');
    expect(codes(dualWanManaged(), box(onlyMain))).toEqual([]);
    expect(codes(dualWanManaged(), box(DUAL_WAN_ROUTES))).toEqual([]);
  });
  it('is quiet when the binding selects by iif lan0, so replies from wan2 use the main table', () => {
    expect(codes(dualWanByIif(), box())).toEqual([]);
  });
});

describe('table-incomplete', () => {
  it('names the LAN subnet the table lacks', () => {
    const [f] = find(dualWan(), box(), 'table-incomplete');
    expect(f).toMatchObject({ severity: 'error', path: 'policy.routes[0]' });
    expect(f!.message).toMatch(/no route for 10\.0\.0\.0\/24 .*lan0/);
  });
  it('names a table with no default route', () => {
    const doc = dualWan({ routes: [{ when: { uplink: 'isp2' }, table: 300, priority: 10002, family: 4 }] });
    const [f] = find(doc, box(), 'table-incomplete');
    expect(f!.message).toMatch(/table 300 has no route to 198\.18\.0\.10 \(no default route\)/);
  });
  it('is quiet for a complete table', () => {
    expect(codes(dualWan(), box(COMPLETE_TABLE))).toEqual([]);
  });
});

describe('shadowed-rule', () => {
  it('finds a rule matching a value nothing sets', () => {
    const doc = dualWan({
      rules: [
        ...dualWan().policy.rules,
        {
          name: 'isp1 gets dns',
          match: { proto: 'udp', dport: 53, fields: { uplink: 'isp1' } },
          set: { uplink: 'isp2' },
        },
      ],
    });
    const [f] = find(doc, box(COMPLETE_TABLE), 'shadowed-rule');
    expect(f).toMatchObject({ severity: 'warning', path: 'policy.rules[1]' });
    expect(f!.message).toMatch(/nothing sets uplink=isp1 before it/);
  });
  it('finds a rule whose every write a later rule overwrites', () => {
    const doc = dualWan({
      rules: [
        ...dualWan().policy.rules,
        { name: 'all via isp1', match: { iif: 'lan0' }, set: { uplink: 'isp1' } },
      ],
    });
    const f = find(doc, box(COMPLETE_TABLE), 'shadowed-rule');
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ path: 'policy.rules[0]' });
    expect(f[0]!.message).toMatch(/policy\.rules\[1\] \("all via isp1"\) overwrites/);
  });
  it('finds our ip rule hidden by an earlier ip rule on the box', () => {
    const ipRules = ipRulesOf(
      '0: from all lookup local\n9000: from all fwmark 0x2000000/0x3000000 lookup main\n32766: from all lookup main\n',
    );
    const [f] = find(dualWan(), box(COMPLETE_TABLE, { ipRules }), 'shadowed-rule');
    expect(f).toMatchObject({ path: 'policy.routes[0]' });
    expect(f!.message).toMatch(/earlier ip rule 9000: .*lookup main/);
  });
  it('is quiet when every rule and ip rule decides something', () => {
    expect(codes(dualWan(), box(COMPLETE_TABLE))).not.toContain('shadowed-rule');
  });
});

describe('field-never-read and field-never-set', () => {
  const bulk = {
    name: 'bulk',
    space: 'fwmark' as const,
    kind: 'flag' as const,
    mask: 0x4000000,
    offset: 26,
    persist: false,
    newOnly: false,
  };
  it('finds a field only written', () => {
    const doc = dualWan({
      rules: [{ name: 'backups', match: { proto: 'tcp', dport: 873 }, set: { bulk: 1 } }],
    });
    const withBulk = { ...doc, layout: { fields: [...doc.layout.fields, bulk] } };
    const f = lintDocument(withBulk, box(COMPLETE_TABLE)).findings;
    expect(f.filter((x) => x.code === 'field-never-read').map((x) => x.path)).toEqual(['layout.fields[1]']);
    expect(f.filter((x) => x.code === 'field-never-set').map((x) => x.path)).toEqual(['layout.fields[0]']);
    expect(f.find((x) => x.code === 'field-never-set')!.message).toMatch(/only ever sees the value 0/);
  });
  it('is quiet when each field is set and read', () => {
    const c = codes(dualWan(), box(COMPLETE_TABLE));
    expect(c).not.toContain('field-never-read');
    expect(c).not.toContain('field-never-set');
  });
});

describe('persist-without-newonly', () => {
  it('finds a persisted field re-decided on every packet', () => {
    const [f] = find(
      withField(dualWan(), { newOnly: false }),
      box(COMPLETE_TABLE),
      'persist-without-newonly',
    );
    expect(f).toMatchObject({ severity: 'warning', path: 'layout.fields[0]' });
    expect(f!.message).toMatch(/policy\.rules\[0\] sets it on every packet/);
  });
  it('is quiet for a persisted newOnly field', () => {
    expect(codes(dualWan(), box(COMPLETE_TABLE))).not.toContain('persist-without-newonly');
  });
});

describe('rp-filter', () => {
  const strict = { 'net.ipv4.conf.all.rp_filter': '1', 'net.ipv4.conf.all.src_valid_mark': '0' };
  it('finds strict rp_filter on wan2 dropping replies routed there by mark', () => {
    const [f] = find(dualWan(), box(COMPLETE_TABLE, { sysctls: strict }), 'rp-filter');
    expect(f).toMatchObject({ severity: 'error', path: 'policy.rules[0]' });
    expect(f!.message).toMatch(/rp_filter=1 \(strict\) on wan2 drops the reply packet.*routes back by wan1/);
  });
  it('finds src_valid_mark sending the LAN check into a table without the LAN', () => {
    const sysctls = { ...strict, 'net.ipv4.conf.all.src_valid_mark': '1' };
    const [f] = find(dualWan(), box(DUAL_WAN_ROUTES, { sysctls }), 'rp-filter');
    expect(f!.message).toMatch(
      /with src_valid_mark=1 on lan0 drops the first packet.*routes back by wan2 with the packet mark/,
    );
  });
  it('is quiet with src_valid_mark on a complete table, or with loose mode, or without sysctls', () => {
    const valid = { ...strict, 'net.ipv4.conf.all.src_valid_mark': '1' };
    expect(codes(dualWan(), box(COMPLETE_TABLE, { sysctls: valid }))).toEqual([]);
    const loose = { 'net.ipv4.conf.all.rp_filter': '2' };
    expect(codes(dualWan(), box(COMPLETE_TABLE, { sysctls: loose }))).toEqual([]);
    expect(codes(dualWan(), box(COMPLETE_TABLE))).toEqual([]);
  });
  it('takes the larger of all and the interface setting', () => {
    const sysctls = { 'net.ipv4.conf.all.rp_filter': '0', 'net.ipv4.conf.wan2.rp_filter': '1' };
    expect(codes(dualWan(), box(COMPLETE_TABLE, { sysctls }))).toContain('rp-filter');
  });
});

describe('without a box', () => {
  it('checks the design and says routing was not checked', () => {
    const f = lintDocument(dualWan()).findings;
    expect(f).toEqual([
      expect.objectContaining({ code: 'routing-unknown', severity: 'info', path: 'policy.routes' }),
    ]);
    expect(hasErrors({ findings: f })).toBe(false);
  });
});

describe('parseSysctls', () => {
  it('reads sysctl -a lines and refuses others naming the line', () => {
    expect(
      parseSysctls('# saved\nnet.ipv4.conf.all.rp_filter = 1\nnet/ipv4/conf/wan2/src_valid_mark=0\n'),
    ).toEqual({
      'net.ipv4.conf.all.rp_filter': '1',
      'net.ipv4.conf.wan2.src_valid_mark': '0',
    });
    expect(() => parseSysctls('rp_filter is on', 'box.conf')).toThrow(
      /box\.conf: line 1: expected "key = value"/,
    );
  });
});
