import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UPLINK_FILE_FIELD } from '../testing/dual-wan';
import { checkDocument, DocumentError, parseDocument } from './check';
import { serializeDocument } from './serialize';

const repoRoot = path.resolve(import.meta.dirname, '../../../..');
const example = (name: string): unknown =>
  JSON.parse(readFileSync(path.join(repoRoot, 'examples', `${name}.json`), 'utf8'));

type Json = Record<string, unknown>;
const uplink = { ...UPLINK_FILE_FIELD, persist: true };
const bulk = { name: 'bulk', space: 'fwmark', kind: 'flag', offset: 26 };

/** The minimal document, with `fields` and `policy` replaceable. */
function doc(fields: unknown[] = [uplink, bulk], policy: Json = {}, extra: Json = {}): Json {
  return { format: 'markwright/1', name: 'edge', layout: { fields }, policy, ...extra };
}

/** The errors of a document, as `path: message` lines. */
function errorsOf(json: unknown): string[] {
  const { document, errors } = checkDocument(json);
  if (errors.length > 0) expect(document).toBeNull();
  return errors.map((e) => `${e.field}: ${e.message}`);
}

describe('valid documents', () => {
  it('reads the minimal document of the format', () => {
    const d = parseDocument(
      doc([uplink, bulk], {
        rules: [{ name: 'voip via isp2', match: { proto: 'udp', dport: 5555 }, set: { uplink: 'isp2' } }],
        routes: [{ when: { uplink: 'isp2' }, table: 100, priority: 10002 }],
        classes: [{ when: { bulk: 1 }, dev: 'wan0', classid: '1:30' }],
      }),
    );
    expect(d.layout.fields[0]).toEqual({
      name: 'uplink',
      space: 'fwmark',
      kind: 'enum',
      mask: 0x03000000,
      offset: 24,
      width: 2,
      values: { isp1: 1, isp2: 2 },
      persist: true,
      newOnly: false,
    });
    expect(d.layout.fields[1]).toMatchObject({ mask: 0x04000000, offset: 26, width: 1 });
    expect(d.policy.routes[0]).toEqual({ when: { uplink: 'isp2' }, table: 100, priority: 10002 });
  });

  it('places fields by mask, in hex text or as a number, contiguous or not', () => {
    const d = parseDocument(
      doc([
        { name: 'iface', kind: 'int', mask: '0x3f00', min: 1, max: 60 },
        { name: 'spread', kind: 'enum', mask: 0x80000001, values: { a: 1, b: 2, c: 3 } },
      ]),
    );
    expect(d.layout.fields.map((f) => f.mask)).toEqual([0x3f00, 0x80000001]);
    expect(d.layout.fields[0]!.offset).toBeUndefined();
    expect(d.layout.fields[0]!.space).toBe('fwmark');
  });

  it('derives the width of an enum or int placed by offset alone', () => {
    const d = parseDocument(
      doc([
        { name: 'e', kind: 'enum', offset: 0, values: { a: 1, b: 5 } },
        { name: 'i', kind: 'int', offset: 8, max: 255 },
      ]),
    );
    expect(d.layout.fields.map((f) => [f.width, f.mask])).toEqual([
      [3, 0x7],
      [8, 0xff00],
    ]);
  });

  it.each(['edge-router', 'k8s-node', 'wireguard-box'])('example %s is valid and round-trips', (name) => {
    const json = example(name);
    const d = parseDocument(json);
    const out = serializeDocument(d);
    expect(parseDocument(out)).toEqual(d);
    expect(JSON.stringify(serializeDocument(parseDocument(out)))).toBe(JSON.stringify(out));
  });

  it('the full example in docs/document-format.md is valid', () => {
    const markdown = readFileSync(path.join(repoRoot, 'docs/document-format.md'), 'utf8');
    const block = markdown.split('## A full example')[1]?.split('```json')[1]?.split('```')[0];
    expect(block).toBeDefined();
    expect(checkDocument(JSON.parse(block!)).errors).toEqual([]);
  });

  it('serializes in a stable, readable key order', () => {
    const d = parseDocument(
      doc([{ name: 'm', kind: 'int', mask: 0x30, description: 'x', persist: false }], {
        routes: [{ priority: 5, table: 7, when: { m: 1 } }],
      }),
    );
    const out = serializeDocument(d);
    expect(Object.keys(out)).toEqual(['format', 'name', 'layout', 'policy']);
    expect((out.layout as { fields: Json[] }).fields[0]).toEqual({
      name: 'm',
      space: 'fwmark',
      kind: 'int',
      mask: '0x30',
      description: 'x',
    });
    expect(Object.keys((out.policy as { routes: Json[] }).routes[0]!)).toEqual(['when', 'table', 'priority']);
  });
});

describe('invalid documents: every error names the path and the value', () => {
  it('refuses what is not a document', () => {
    expect(errorsOf(null)).toEqual(['document: must be an object (got null)']);
    expect(errorsOf([])).toEqual(['document: must be an object (got [])']);
    expect(errorsOf({ ...doc(), format: 'markwright/2' })).toEqual([
      'format: must be "markwright/1" (got "markwright/2")',
    ]);
    expect(errorsOf({ ...doc(), name: '' })).toEqual(['name: must not be empty (got "")']);
    expect(errorsOf({ ...doc(), name: 7 })).toEqual(['name: must be a string (got 7)']);
    expect(errorsOf({ ...doc(), layout: [] })).toEqual(['layout: must be an object (got [])']);
    expect(errorsOf({ ...doc(), layout: {} })).toEqual(['layout.fields: must be an array (got undefined)']);
  });

  it('refuses unknown keys at every level, naming the key', () => {
    expect(errorsOf(doc(undefined, undefined, { colour: 'red' }))).toEqual([
      'colour: unknown key "colour" (known: format, name, description, layout, policy, coexists) (got "red")',
    ]);
    expect(errorsOf(doc([{ ...bulk, offest: 3 }]))[0]).toMatch(
      /^layout\.fields\[0\]\.offest: unknown key "offest" \(known: name, space, kind, offset/,
    );
    expect(errorsOf(doc(undefined, { rule: [] }))).toEqual([
      'policy.rule: unknown key "rule" (known: rules, routes, classes) (got [])',
    ]);
    expect(
      errorsOf(doc(undefined, { routes: [{ when: { bulk: 1 }, table: 5, priority: 9, via: 'x' }] })),
    ).toEqual([
      'policy.routes[0].via: unknown key "via" (known: when, iif, oif, from, to, not, suppress_prefixlength, table, priority, family, owns) (got "x")',
    ]);
    expect(
      errorsOf(doc(undefined, { rules: [{ name: 'r', match: { port: 1 }, set: { bulk: 1 } }] }))[0],
    ).toMatch(/^policy\.rules\[0\]\.match\.port: unknown key "port"/);
  });

  it('refuses invalid and duplicate field names', () => {
    expect(errorsOf(doc([{ ...bulk, name: 'Bulk' }]))).toEqual([
      'layout.fields[0].name: field name "Bulk" must start with a-z and use only a-z, 0-9, "_" and "-"',
    ]);
    expect(errorsOf(doc([{ ...bulk, name: 'a'.repeat(33) }]))[0]).toMatch(
      /^layout\.fields\[0\]\.name: field name "a{33}" is longer than 32 characters$/,
    );
    expect(errorsOf(doc([bulk, { ...bulk, offset: 27 }]))).toEqual([
      'layout.fields[1].name: field name "bulk" is already used by layout.fields[0]',
    ]);
    expect(errorsOf(doc([{ ...bulk, name: 'my field' }]))[0]).toMatch(/"my field" must start with a-z/);
  });

  it('refuses overlapping fields, naming both and the bits', () => {
    expect(errorsOf(doc([uplink, { ...bulk, offset: 25 }]))).toEqual([
      'layout.fields[1].mask: fields "uplink" and "bulk" overlap in fwmark bits 0x2000000',
    ]);
    expect(
      errorsOf(
        doc([
          { name: 'a', kind: 'int', mask: '0xf0f0' },
          { name: 'b', kind: 'int', mask: '0x0ff0' },
        ]),
      ),
    ).toEqual(['layout.fields[1].mask: fields "a" and "b" overlap in fwmark bits 0xf0']);
    // Different spaces may share bit positions.
    expect(errorsOf(doc([bulk, { name: 'zone', space: 'connmark', kind: 'flag', offset: 26 }]))).toEqual([]);
  });

  it('refuses placements past bit 31 and bad offsets, widths and masks', () => {
    expect(errorsOf(doc([{ name: 'a', kind: 'int', offset: 30, width: 4 }]))).toEqual([
      'layout.fields[0].width: offset 30 + width 4 reaches past bit 31 (got 4)',
    ]);
    expect(errorsOf(doc([{ name: 'a', kind: 'flag', offset: 32 }]))).toEqual([
      'layout.fields[0].offset: must be a bit index 0..31 (got 32)',
    ]);
    expect(errorsOf(doc([{ name: 'a', kind: 'int', offset: 0, width: 0 }]))).toEqual([
      'layout.fields[0].width: must be a bit count 1..32 (got 0)',
    ]);
    expect(errorsOf(doc([{ name: 'a', kind: 'flag', offset: 1.5 }]))).toEqual([
      'layout.fields[0].offset: must be a bit index (got 1.5)',
    ]);
    expect(errorsOf(doc([{ name: 'a', kind: 'flag', offset: 3, width: 2 }]))).toEqual([
      'layout.fields[0].width: a flag field is 1 bit wide (got 2)',
    ]);
    expect(errorsOf(doc([{ name: 'a', kind: 'int', offset: 3 }]))).toEqual([
      'layout.fields[0].width: a int field placed by offset needs "width" (got undefined)',
    ]);
    expect(errorsOf(doc([{ name: 'a', kind: 'int' }]))).toEqual([
      'layout.fields[0]: field needs a placement: "offset" (+"width") or "mask" (got "a")',
    ]);
    expect(errorsOf(doc([{ name: 'a', kind: 'int', width: 3 }]))).toEqual([
      'layout.fields[0].width: "width" needs an "offset" (got 3)',
    ]);
    expect(errorsOf(doc([{ name: 'a', kind: 'int', offset: 0, width: 2, mask: 3 }]))).toEqual([
      'layout.fields[0].mask: give either "offset" (+"width") or "mask", not both (got 3)',
    ]);
    expect(errorsOf(doc([{ name: 'a', kind: 'int', mask: '0x1ffffffff' }]))).toEqual([
      'layout.fields[0].mask: is larger than 0xffffffff (got "0x1ffffffff")',
    ]);
    expect(errorsOf(doc([{ name: 'a', kind: 'int', mask: 'lots' }]))).toEqual([
      'layout.fields[0].mask: is not a number (expected decimal or 0x-hex) (got "lots")',
    ]);
    expect(errorsOf(doc([{ name: 'a', kind: 'int', mask: 0 }]))).toEqual([
      'layout.fields[0].mask: must have at least one bit set (got 0)',
    ]);
    expect(errorsOf(doc([{ name: 'a', kind: 'int', mask: -1 }]))).toEqual([
      'layout.fields[0].mask: must be a 32-bit value 0..4294967295 (got -1)',
    ]);
    expect(errorsOf(doc([{ name: 'a', kind: 'flag', mask: '0x3' }]))).toEqual([
      'layout.fields[0].mask: flag field "a" must occupy exactly 1 bit, mask 0x3 has 2',
    ]);
  });

  it('refuses bad kinds, spaces and attributes', () => {
    expect(errorsOf(doc([{ name: 'a', kind: 'bool', offset: 0 }]))).toEqual([
      'layout.fields[0].kind: must be one of "flag", "enum", "int" (got "bool")',
    ]);
    expect(errorsOf(doc([{ ...bulk, space: 'secmark' }]))).toEqual([
      'layout.fields[0].space: a security label is not a field: declare it in layout.secmarks (got "secmark")',
    ]);
    expect(errorsOf(doc([{ ...bulk, persist: 'yes' }]))).toEqual([
      'layout.fields[0].persist: must be true or false (got "yes")',
    ]);
    expect(errorsOf(doc([{ ...bulk, newOnly: 1 }]))).toEqual([
      'layout.fields[0].newOnly: must be true or false (got 1)',
    ]);
    expect(errorsOf(doc([{ ...bulk, description: 5 }]))).toEqual([
      'layout.fields[0].description: must be a string (got 5)',
    ]);
  });

  it('refuses enum values that do not fit, duplicate or badly named', () => {
    expect(errorsOf(doc([{ ...uplink, values: { isp1: 1, isp2: 4 } }]))).toEqual([
      'layout.fields[0].values.isp2: value 4 does not fit in the 2 bit(s) of "uplink" (0..3)',
    ]);
    expect(errorsOf(doc([{ ...uplink, values: { isp1: 1, isp2: 1 } }]))).toEqual([
      'layout.fields[0].values.isp2: value 1 is already used by "isp1"',
    ]);
    expect(errorsOf(doc([{ ...uplink, values: { ISP: 1 } }]))).toEqual([
      'layout.fields[0].values.ISP: value name "ISP" must start with a-z and use only a-z, 0-9, "_" and "-"',
    ]);
    expect(errorsOf(doc([{ ...uplink, values: {} }]))).toEqual([
      'layout.fields[0].values: enum field "uplink" needs at least one named value',
    ]);
    expect(errorsOf(doc([{ ...uplink, values: { a: -1 } }]))).toEqual([
      'layout.fields[0].values.a: must be a non-negative integer 0..4294967295 (got -1)',
      'layout.fields[0].values: enum field "uplink" needs at least one named value',
    ]);
    expect(errorsOf(doc([{ ...bulk, values: { a: 1 } }]))).toEqual([
      'layout.fields[0].values: only enum fields take "values" ("bulk" is flag)',
    ]);
  });

  it('refuses int ranges that do not fit or are reversed', () => {
    expect(errorsOf(doc([{ name: 'n', kind: 'int', offset: 0, width: 4, max: 16 }]))).toEqual([
      'layout.fields[0].max: max 16 does not fit in the 4 bit(s) of "n" (0..15)',
    ]);
    expect(errorsOf(doc([{ name: 'n', kind: 'int', offset: 0, width: 4, min: 9, max: 3 }]))).toEqual([
      'layout.fields[0].min: min 9 is greater than max 3',
    ]);
    expect(errorsOf(doc([{ ...bulk, min: 0 }]))).toEqual([
      'layout.fields[0].min: only int fields take "min" ("bulk" is flag)',
    ]);
  });

  it('refuses persist on connmark fields and persisted bits that a connmark field uses', () => {
    expect(errorsOf(doc([{ name: 'z', space: 'connmark', kind: 'flag', offset: 1, persist: true }]))).toEqual(
      [
        'layout.fields[0].persist: persist saves a fwmark field to the connmark; "z" already lives in the connmark',
      ],
    );
    expect(
      errorsOf(doc([uplink, { name: 'acct', space: 'connmark', kind: 'int', offset: 20, width: 5 }])),
    ).toEqual([
      'layout.fields[1].mask: persisted fwmark field "uplink" and connmark field "acct" share bits 0x1000000: ' +
        'saving "uplink" to the ct mark would overwrite "acct"',
    ]);
  });

  it('refuses policy naming unknown fields or values', () => {
    const rule = (set: Json, match: Json = {}) => ({ rules: [{ name: 'r', match, set }] });
    expect(errorsOf(doc(undefined, rule({ speed: 1 })))).toEqual([
      'policy.rules[0].set.speed: "speed" is not a field of the layout (fields: uplink, bulk) (got 1)',
    ]);
    expect(errorsOf(doc(undefined, rule({ uplink: 'isp3' })))).toEqual([
      'policy.rules[0].set.uplink: is not a value of enum field "uplink" (known: isp1, isp2) (got "isp3")',
    ]);
    expect(errorsOf(doc(undefined, rule({ bulk: 'yes' })))).toEqual([
      'policy.rules[0].set.bulk: flag field "bulk" takes 0, 1, true or false (got "yes")',
    ]);
    expect(errorsOf(doc(undefined, rule({})))).toEqual([
      'policy.rules[0].set: must name at least one field (got {})',
    ]);
    expect(errorsOf(doc(undefined, rule({ bulk: 1 }, { fields: { uplink: 'isp9' } })))).toEqual([
      'policy.rules[0].match.fields.uplink: is not a value of enum field "uplink" (known: isp1, isp2) (got "isp9")',
    ]);
    expect(errorsOf(doc(undefined, rule({ bulk: [1] })))).toEqual([
      'policy.rules[0].set.bulk: value of "bulk" must be a name, a number or a boolean (got [1])',
    ]);
  });

  it('refuses bad rules: names, hooks and packet matches', () => {
    const one = (r: Json) => errorsOf(doc(undefined, { rules: [{ name: 'r', set: { bulk: 1 }, ...r }] }));
    expect(one({ name: ' ' })).toEqual(['policy.rules[0].name: must not be empty (got " ")']);
    expect(one({ hook: 'input' })).toEqual([
      'policy.rules[0].hook: must be one of "prerouting", "output", "forward", "postrouting" (got "input")',
    ]);
    expect(one({ match: { proto: 'sctp' } })).toEqual([
      'policy.rules[0].match.proto: must be one of "tcp", "udp", "icmp", "icmpv6" (got "sctp")',
    ]);
    expect(one({ match: { proto: 256 } })).toEqual([
      'policy.rules[0].match.proto: must be a protocol number 0..255 (got 256)',
    ]);
    expect(one({ match: { proto: 'tcp', dport: 70000 } })).toEqual([
      'policy.rules[0].match.dport: must be a port 0..65535 (got 70000)',
    ]);
    expect(one({ match: { proto: 'tcp', dport: '20-10' } })).toEqual([
      'policy.rules[0].match.dport: port range must be low-high with low <= high (got "20-10")',
    ]);
    expect(one({ match: { proto: 'tcp', sport: [22, 'x'] } })).toEqual([
      'policy.rules[0].match.sport[1]: must be a port number or a "low-high" range (got "x")',
    ]);
    expect(one({ match: { dport: 53 } })).toEqual([
      'policy.rules[0].match.dport: ports need "proto" tcp or udp (or 132 sctp, 136 udplite) (got 53)',
    ]);
    expect(one({ match: { daddr: '10.0.0.256' } })).toEqual([
      'policy.rules[0].match.daddr: must be an IPv4 or IPv6 address or prefix (got "10.0.0.256")',
    ]);
    expect(one({ match: { saddr: '10.0.0.0/33' } })).toEqual([
      'policy.rules[0].match.saddr: prefix length must be 0..32 (got "10.0.0.0/33")',
    ]);
    expect(one({ match: { saddr: '2001:db8::/129' } })).toEqual([
      'policy.rules[0].match.saddr: prefix length must be 0..128 (got "2001:db8::/129")',
    ]);
    expect(one({ match: { iif: 'a very long name!' } })).toEqual([
      'policy.rules[0].match.iif: must be an interface name (1..15 characters, no "/", ":" or spaces) (got "a very long name!")',
    ]);
    expect(one({ match: { saddr: '2001:db8::1', daddr: '::ffff:192.0.2.1', iif: 'eth0.10' } })).toEqual([]);
    expect(
      errorsOf(
        doc(undefined, {
          rules: [
            { name: 'r', set: { bulk: 1 } },
            { name: 'r', set: { bulk: 0 } },
          ],
        }),
      ),
    ).toEqual(['policy.rules[1].name: is already used by policy.rules[0] (got "r")']);
  });

  it('refuses bad routes: priorities, reserved tables, fields ip rules cannot see', () => {
    const route = (r: Json) =>
      errorsOf(doc(undefined, { routes: [{ when: { uplink: 'isp1' }, table: 100, priority: 100, ...r }] }));
    expect(route({ priority: 0 })).toEqual([
      'policy.routes[0].priority: must be a priority 1..32765 (got 0)',
    ]);
    expect(route({ priority: 32766 })).toEqual([
      'policy.routes[0].priority: must be a priority 1..32765 (got 32766)',
    ]);
    for (const [table, name] of [
      [253, 'default'],
      [254, 'main'],
      [255, 'local'],
    ] as const) {
      const why =
        table === 254
          ? '; only a binding with suppress_prefixlength may look it up, and none may own it'
          : '';
      expect(route({ table })).toEqual([
        `policy.routes[0].table: table ${table} is the kernel's "${name}" table (reserved${why}) (got ${table})`,
      ]);
    }
    expect(route({ table: 0 })).toEqual([
      'policy.routes[0].table: must be a routing table id 1..4294967295 (got 0)',
    ]);
    expect(route({ table: 2 ** 32 })).toEqual([
      'policy.routes[0].table: must be a routing table id 1..4294967295 (got 4294967296)',
    ]);
    expect(route({ table: 1836018789 })).toEqual([]);
    expect(route({ family: 5 })).toEqual(['policy.routes[0].family: must be one of 4, 6, "both" (got 5)']);
    expect(
      errorsOf(
        doc([uplink, { name: 'zone', space: 'connmark', kind: 'flag', offset: 0 }], {
          routes: [{ when: { zone: 1 }, table: 100, priority: 100 }],
        }),
      ),
    ).toEqual([
      'policy.routes[0].when.zone: "zone" is a connmark field; ip rules see only the fwmark (got 1)',
    ]);
    expect(
      errorsOf(
        doc(undefined, {
          routes: [
            { when: { uplink: 'isp1' }, table: 100, priority: 100 },
            { when: { uplink: 'isp2' }, table: 200, priority: 100 },
          ],
        }),
      ),
    ).toEqual(['policy.routes[1].priority: is already used by policy.routes[0] (got 100)']);
  });

  it('refuses bad tc classes', () => {
    const cls = (c: Json) =>
      errorsOf(doc(undefined, { classes: [{ when: { bulk: 1 }, dev: 'wan0', classid: '1:30', ...c }] }));
    expect(cls({ classid: '1-30' })).toEqual([
      'policy.classes[0].classid: must be a tc class id MAJ:MIN in hex, e.g. "1:30" (got "1-30")',
    ]);
    expect(cls({ classid: '10000:1' })).toHaveLength(1);
    expect(cls({ classid: 'ab:ff' })).toEqual([]);
    expect(cls({ dev: '' })).toEqual([
      'policy.classes[0].dev: must be an interface name (1..15 characters, no "/", ":" or spaces) (got "")',
    ]);
    expect(cls({ parent: 'top' })).toEqual([
      'policy.classes[0].parent: must be "root" or a tc handle such as "1:" or "1:10" (got "top")',
    ]);
    expect(cls({ priority: 0 })).toEqual(['policy.classes[0].priority: must be a priority 1..65535 (got 0)']);
    expect(cls({ when: {} })).toEqual(['policy.classes[0].when: must name at least one field (got {})']);
  });

  it('collects every error at once', () => {
    const errors = errorsOf({
      format: 'x',
      name: '',
      layout: {
        fields: [
          { name: 'A', kind: 'int', offset: 30, width: 4 },
          { ...bulk, foo: 1 },
        ],
      },
      policy: { routes: [{ when: { c: 1 }, table: 254, priority: 0 }] },
    });
    expect(errors.map((e) => e.split(':')[0])).toEqual([
      'format',
      'name',
      'layout.fields[0].width',
      'layout.fields[0].name',
      'layout.fields[1].foo',
      'policy.routes[0].when.c',
      'policy.routes[0].table',
      'policy.routes[0].priority',
    ]);
  });
});

describe('parseDocument', () => {
  it('throws an InputError naming the first problem and counting the rest', () => {
    let thrown: unknown;
    try {
      parseDocument({ format: 'markwright/1', name: '', layout: { fields: [{ ...bulk, offset: 40 }] } });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(DocumentError);
    const e = thrown as DocumentError;
    expect(e.field).toBe('name');
    expect(e.message).toBe('name: must not be empty (got "") (and 1 more problem(s))');
    expect(e.errors).toHaveLength(2);
  });
});
