import { describe, expect, it } from 'vitest';
import { emptyDraft, newField } from './draft';
import { fieldKey, validateDocument, validateFields } from './validation';

describe('field validation', () => {
  it('accepts a clean layout', () => {
    expect(validateFields([newField('fwmark', 0xf, 'a'), newField('fwmark', 0x10, 'b')])).toEqual({});
  });
  it('refuses overlapping fields in the same mark, naming the other field and the bits', () => {
    const a = newField('fwmark', 0xf0, 'a');
    const b = newField('fwmark', 0x1c0, 'b');
    expect(validateFields([a, b])).toEqual({
      [fieldKey(b, 'mask')]: 'overlaps "a" on bits 0xc0 of the packet mark',
    });
    expect(validateFields([a, newField('connmark', 0xf0, 'c')])).toEqual({});
  });
  it('checks names', () => {
    const a = newField('fwmark', 1, '');
    const b = newField('fwmark', 2, 'Bad name');
    const c = newField('fwmark', 4, 'dup');
    const d = newField('fwmark', 8, 'dup');
    const p = validateFields([a, b, c, d]);
    expect(p[fieldKey(a, 'name')]).toBe('a field needs a name');
    expect(p[fieldKey(b, 'name')]).toContain('must start with a-z');
    expect(p[fieldKey(d, 'name')]).toBe('"dup" is already the name of another field');
  });
  it('refuses enum values too large for the field', () => {
    const f = newField('fwmark', 0x3, 'uplink');
    f.kind = 'enum';
    f.values = [
      { name: 'isp1', value: '1' },
      { name: 'isp9', value: '9' },
      { name: 'bad', value: 'x' },
    ];
    expect(validateFields([f])).toEqual({
      [fieldKey(f, 'values.1.value')]: '9 is too large for uplink (2 bits: at most 3)',
      [fieldKey(f, 'values.2.value')]: '"x" is not a number',
    });
  });
  it('checks int ranges and flag widths', () => {
    const i = newField('fwmark', 0xf, 'zone');
    i.kind = 'int';
    i.min = '9';
    i.max = '3';
    const g = newField('fwmark', 0x30, 'wide');
    g.kind = 'flag';
    const p = validateFields([i, g]);
    expect(p[fieldKey(i, 'max')]).toBe('max 3 is below min 9');
    expect(p[fieldKey(g, 'kind')]).toBe('a flag is one bit; this field has 2');
    i.max = '16';
    expect(validateFields([i])[fieldKey(i, 'max')]).toBe('16 is too large for zone (at most 15)');
  });
});

describe('policy validation', () => {
  it('checks field values, ports and bindings', () => {
    const d = emptyDraft('edge');
    const f = newField('fwmark', 0x3, 'uplink');
    d.fields.push(f);
    d.rules.push({
      name: 'voip',
      hook: 'prerouting',
      proto: '',
      iif: '',
      oif: '',
      saddr: '',
      daddr: '',
      sport: '',
      dport: '5060,abc',
      matchFields: {},
      set: { uplink: '7', nope: '1' },
    });
    d.routes.push({ when: { uplink: '1' }, table: 'main', priority: '100', family: 'both' });
    d.classes.push({ when: {}, dev: 'wan0', classid: '1-30', parent: 'x', priority: '' });
    expect(validateDocument(d)).toEqual({
      'rules.0.proto': 'ports need proto tcp or udp',
      'rules.0.dport': '"abc" is not a port or a range like 1000-2000',
      'rules.0.set.uplink': '7 is too large for uplink (2 bits: at most 3)',
      'rules.0.set.nope': 'no field is named "nope"',
      'routes.0.table': '"main" is not a table number',
      'classes.0.classid': '"1-30" is not a class id like 1:30',
      'classes.0.parent': '"x" is not root or a handle like 1:',
    });
  });
  it('refuses a layout name the store would not accept', () => {
    expect(validateDocument(emptyDraft('My Layout')).name).toContain('not a valid layout name');
  });
});

describe('problem list', () => {
  it('names where each problem is and where to go', async () => {
    const { problemList } = await import('./problem-list');
    const d = emptyDraft('edge');
    const f = newField('fwmark', 0x3, 'uplink');
    d.fields.push(f);
    const items = problemList(d, {
      [fieldKey(f, 'values.0.value')]: 'too large',
      'rules.0.dport': 'bad port',
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
    ]);
  });
  it('accepts true and false for flags, as documents write them', () => {
    const d = emptyDraft('edge');
    d.fields.push(newField('fwmark', 0x4, 'bulk'));
    d.rules.push({
      name: 'r',
      hook: 'prerouting',
      proto: '',
      iif: '',
      oif: '',
      saddr: '',
      daddr: '',
      sport: '',
      dport: '',
      matchFields: { bulk: 'false' },
      set: { bulk: 'true' },
    });
    expect(validateDocument(d)).toEqual({});
  });
});
