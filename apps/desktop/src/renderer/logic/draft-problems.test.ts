import { checkDocument } from '@markwright/core';
import { describe, expect, it } from 'vitest';
import { type DraftRule, draftToDocument, emptyDraft, newField, newRule } from './draft';
import { draftProblems, fieldKey, inputKey } from './draft-problems';
import { problemList } from './problem-list';

const rule = (patch: Partial<DraftRule>): DraftRule => ({ ...newRule(0), name: 'r', ...patch });

const withFields = (...fields: ReturnType<typeof newField>[]) => ({ ...emptyDraft('edge'), fields });

describe('draft problems come from core', () => {
  it('accepts a clean layout', () => {
    expect(draftProblems(withFields(newField('fwmark', 0xf, 'a'), newField('fwmark', 0x10, 'b')))).toEqual(
      {},
    );
  });

  it('reports exactly what core reports, each message once, next to the input', () => {
    const a = newField('fwmark', 0xf0, 'a');
    const b = newField('fwmark', 0x1c0, 'b');
    const draft = withFields(a, b);
    const core = checkDocument(draftToDocument(draft)).errors;
    expect(core).toHaveLength(1);
    expect(draftProblems(draft)).toEqual({ [fieldKey(b, 'mask')]: core[0]!.message });
    expect(core[0]!.message).toBe('fields "a" and "b" overlap in fwmark bits 0xc0');
    expect(draftProblems(withFields(a, newField('connmark', 0xf0, 'c')))).toEqual({});
  });

  it('maps field names, enum values, ranges and flag widths to their inputs', () => {
    const unnamed = newField('fwmark', 1, '');
    const dup = newField('fwmark', 2, 'dup');
    const dup2 = newField('fwmark', 4, 'dup');
    const uplink = newField('fwmark', 0x30, 'uplink');
    uplink.kind = 'enum';
    uplink.values = [
      { name: 'isp1', value: '1' },
      { name: 'isp9', value: '9' },
      { name: 'Bad', value: '2' },
      { name: 'isp1', value: '3' },
    ];
    const zone = newField('fwmark', 0xf00, 'zone');
    zone.kind = 'int';
    zone.min = '9';
    zone.max = 'x';
    const wide = newField('fwmark', 0x3000, 'wide');
    wide.kind = 'flag';
    const p = draftProblems(withFields(unnamed, dup, dup2, uplink, zone, wide));
    expect(p[fieldKey(unnamed, 'name')]).toMatch(/field name "" must start with a-z/);
    expect(p[fieldKey(dup2, 'name')]).toBe('field name "dup" is already used by layout.fields[1]');
    expect(p[fieldKey(uplink, 'values.1.value')]).toBe(
      'value 9 does not fit in the 2 bit(s) of "uplink" (0..3)',
    );
    expect(p[fieldKey(uplink, 'values.2.name')]).toMatch(/^value name "Bad" must start with a-z/);
    expect(p[fieldKey(uplink, 'values.3.name')]).toBe('"isp1" is listed twice');
    expect(p[fieldKey(zone, 'max')]).toBe('must be an integer (got "x")');
    expect(p[fieldKey(wide, 'mask')]).toBe('a flag field is 1 bit wide (got 2)');
  });

  it('maps policy paths to the rule, route and class inputs', () => {
    const d = withFields(newField('fwmark', 0x3, 'uplink'));
    d.rules.push(rule({ name: 'voip', dport: '5060,abc', set: { uplink: '7', nope: '1' } }));
    d.rules.push(rule({ name: 'web', proto: 'tcp', saddr: '10.0.0.300', matchFields: { uplink: '2' } }));
    d.routes.push({ when: { uplink: '1' }, table: 'main', priority: '100', family: 'both' });
    d.classes.push({ when: {}, dev: 'wan0', classid: '1-30', parent: 'x', priority: '' });
    expect(draftProblems(d)).toEqual({
      'rules.0.dport': 'must be a port number or a "low-high" range (got "abc")',
      'rules.0.set.uplink': 'is outside the range of int field "uplink" (0..3) (got 7)',
      'rules.0.set.nope': '"nope" is not a field of the layout (fields: uplink) (got 1)',
      'rules.1.saddr': 'must be an IPv4 or IPv6 address or prefix (got "10.0.0.300")',
      'rules.1.set': 'must name at least one field (got {})',
      'routes.0.table': 'must be a routing table id (got "main")',
      'classes.0.when': 'must name at least one field (got {})',
      'classes.0.classid': 'must be a tc class id MAJ:MIN in hex, e.g. "1:30" (got "1-30")',
      'classes.0.parent': 'must be "root" or a tc handle such as "1:" or "1:10" (got "x")',
    });
  });

  it('keys paths no input shows under the document', () => {
    const d = withFields(newField('fwmark', 1, 'a'));
    expect(inputKey(d, 'layout.fields[5].name')).toBe('document');
    expect(inputKey(d, 'format')).toBe('document');
    expect(inputKey(d, 'policy.rules[0].match.fields.a')).toBe('rules.0.match.a');
    expect(inputKey(d, 'policy.rules[0].match.sport[2]')).toBe('rules.0.sport');
  });

  it('holds the layout name to the rule the API applies to names', () => {
    expect(draftProblems(emptyDraft('My Layout'))).toEqual({});
    expect(draftProblems(emptyDraft('-edge')).name).toBe(
      'layout name "-edge" may hold letters, digits, space, dot, dash and underscore',
    );
  });

  it('accepts true and false for flags, as documents write them', () => {
    const d = withFields(newField('fwmark', 0x4, 'bulk'));
    d.rules.push(rule({ matchFields: { bulk: 'false' }, set: { bulk: 'true' } }));
    expect(draftProblems(d)).toEqual({});
  });
});

describe('problem list', () => {
  it('names where each problem is and where to go', () => {
    const d = emptyDraft('edge');
    const f = newField('fwmark', 0x3, 'uplink');
    d.fields.push(f);
    const items = problemList(d, {
      [fieldKey(f, 'values.0.value')]: 'too large',
      'rules.0.dport': 'bad port',
      document: 'odd',
    });
    expect(items).toEqual([
      {
        key: fieldKey(f, 'values.0.value'),
        where: 'uplink: values 0 value',
        message: 'too large',
        view: 'designer',
        fieldId: f.id,
      },
      { key: 'rules.0.dport', where: 'rule 1: dport', message: 'bad port', view: 'policy', fieldId: null },
      { key: 'document', where: 'document', message: 'odd', view: 'designer', fieldId: null },
    ]);
  });
});

describe('typed offset and width', () => {
  it("are judged by core's placement rules", async () => {
    const { spanProblem } = await import('./draft-problems');
    expect(spanProblem('3', '4')).toBeNull();
    expect(spanProblem('32', '1')).toBe('offset must be a bit index 0..31 (got 32)');
    expect(spanProblem('x', '1')).toBe('offset must be a bit index (got "x")');
    expect(spanProblem('0', '0')).toBe('width must be a bit count 1..32 (got 0)');
    expect(spanProblem('30', '9')).toBe('offset 30 + width 9 reaches past bit 31 (got 9)');
  });
});
