import { describe, expect, it } from 'vitest';
import {
  type DraftDocument,
  draftFromDocument,
  draftToDocument,
  emptyDraft,
  newLabel,
  newRule,
} from './draft';
import { draftProblems, labelKey } from './draft-problems';
import { problemList } from './problem-list';

const labelled = {
  format: 'markwright/1',
  name: 'web',
  layout: {
    fields: [{ name: 'web', space: 'fwmark', kind: 'flag', offset: 3 }],
    secmarks: [
      { name: 'http_packet', context: 'system_u:object_r:http_packet_t:s0', persist: true },
      { name: 'dns_packet', context: 'system_u:object_r:dns_packet_t:s0' },
    ],
  },
  policy: {
    rules: [
      { name: 'http', match: { proto: 'tcp', dport: 80 }, set: { web: true, secmark: 'http_packet' } },
      { name: 'dns', match: { proto: 'udp', dport: 53 }, set: { secmark: 'dns_packet' } },
    ],
    routes: [],
    classes: [],
  },
};

const draftWithLabel = (context: string): DraftDocument => {
  const d = emptyDraft('web');
  const label = newLabel('http_packet');
  label.context = context;
  d.labels.push(label);
  d.rules.push({ ...newRule(1), proto: 'tcp', dport: '80', secmark: 'http_packet' });
  return d;
};

describe('security labels in the draft', () => {
  it('reads layout.secmarks and set.secmark and writes them back unchanged', () => {
    const draft = draftFromDocument(labelled);
    expect(draft.labels.map(({ name, context, persist }) => ({ name, context, persist }))).toEqual([
      { name: 'http_packet', context: 'system_u:object_r:http_packet_t:s0', persist: true },
      { name: 'dns_packet', context: 'system_u:object_r:dns_packet_t:s0', persist: false },
    ]);
    // The label is not a field value: `set` keeps fields only.
    expect(draft.rules[0]).toMatchObject({ set: { web: 'true' }, secmark: 'http_packet' });
    expect(draft.rules[1]).toMatchObject({ set: {}, secmark: 'dns_packet' });
    expect(draftToDocument(draft)).toEqual(labelled);
  });

  it('leaves secmarks out of a layout without labels', () => {
    expect(draftToDocument(emptyDraft('plain')).layout).toEqual({ fields: [] });
  });

  it('files core errors under the label input they are about, naming the label in the problem list', () => {
    const d = draftWithLabel('http_packet_t');
    const problems = draftProblems(d);
    const key = labelKey(d.labels[0]!, 'context');
    expect(problems[key]).toMatch(/^must be a security context user:role:type\[:level\]/);
    expect(problemList(d, problems)).toContainEqual(
      expect.objectContaining({ key, where: 'label http_packet: context', view: 'designer' }),
    );
    d.labels[0]!.context = 'system_u:object_r:http_packet_t:s0';
    expect(draftProblems(d)).toEqual({});
  });

  it('reports a duplicate label name and a rule naming no label at their inputs', () => {
    const d = draftWithLabel('system_u:object_r:http_packet_t:s0');
    d.labels.push({ ...newLabel('http_packet') });
    d.rules[0]!.secmark = 'ftp_packet';
    const problems = draftProblems(d);
    expect(problems[labelKey(d.labels[1]!, 'name')]).toBe(
      'is already used by layout.secmarks[0] (got "http_packet")',
    );
    expect(problems['rules.0.set.secmark']).toContain('"ftp_packet" is not a label of the layout');
  });
});
