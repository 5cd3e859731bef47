import { describe, expect, it } from 'vitest';
import { checkDocument, parseDocument } from './check';
import { contextProblem } from './parse-secmarks';
import { serializeDocument } from './serialize';

type Json = Record<string, unknown>;
const bulk = { name: 'bulk', kind: 'flag', offset: 26 };
const http = { name: 'http_packet', context: 'system_u:object_r:http_packet_t:s0', persist: true };

function doc(secmarks: unknown, rules: unknown[] = [], fields: unknown[] = [bulk]): Json {
  return { format: 'markwright/1', name: 'labels', layout: { fields, secmarks }, policy: { rules } };
}

function errorsOf(json: unknown): string[] {
  const { document, errors } = checkDocument(json);
  if (errors.length > 0) expect(document).toBeNull();
  return errors.map((e) => `${e.field}: ${e.message}`);
}

const web = (set: unknown): Json => ({ name: 'web', match: { proto: 'tcp', dport: 80 }, set });

describe('security labels in documents', () => {
  it('reads labels and a rule setting one beside field values, and writes them back equal', () => {
    const d = parseDocument(
      doc(
        [http, { name: 'dns', context: 'system_u:object_r:dns_packet_t' }],
        [web({ secmark: 'http_packet', bulk: 1 }), web({ secmark: 'dns' })].map((r, i) => ({
          ...r,
          name: `r${i}`,
        })),
      ),
    );
    expect(d.layout.secmarks).toEqual([
      http,
      { name: 'dns', context: 'system_u:object_r:dns_packet_t', persist: false },
    ]);
    expect(d.policy.rules[0]).toMatchObject({ set: { bulk: 1 }, secmark: 'http_packet' });
    expect(d.policy.rules[1]).toMatchObject({ set: {}, secmark: 'dns' });
    const json = serializeDocument(d);
    expect(json.layout).toEqual({
      fields: [{ name: 'bulk', space: 'fwmark', kind: 'flag', offset: 26 }],
      secmarks: [http, { name: 'dns', context: 'system_u:object_r:dns_packet_t' }],
    });
    expect(parseDocument(json)).toEqual(d);
  });

  it('accepts MLS ranges with categories and refuses contexts that are not user:role:type[:level]', () => {
    expect(contextProblem('system_u:object_r:http_packet_t:s0-s0:c0.c1023')).toBeNull();
    expect(contextProblem('unconfined_u:object_r:user_t')).toBeNull();
    expect(contextProblem('http_packet_t')).toMatch(/user:role:type/);
    expect(contextProblem('system_u:object_r:')).toMatch(/user:role:type/);
    expect(contextProblem('a:b:c d')).toMatch(/user:role:type/);
    expect(contextProblem(`a:b:${'t'.repeat(300)}`)).toMatch(/longer than 255/);
  });

  it('names the path of every bad label', () => {
    expect(
      errorsOf(
        doc([
          { name: 'Http', context: 'system_u:object_r:http_packet_t:s0' },
          { name: 'x', context: 'http_packet_t' },
          { name: 'y', context: 'u:r:t', persist: 'yes', colour: 1 },
          { name: 'bulk', context: 'u:r:t' },
          http,
          { ...http, context: 'u:r:t' },
        ]),
      ),
    ).toEqual([
      'layout.secmarks[0].name: label name must start with a-z and use only a-z, 0-9, "_" and "-" (got "Http")',
      'layout.secmarks[1].context: must be a security context user:role:type[:level], e.g. "system_u:object_r:http_packet_t:s0" (got "http_packet_t")',
      'layout.secmarks[2].colour: unknown key "colour" (known: name, context, persist) (got 1)',
      'layout.secmarks[2].persist: must be true or false (got "yes")',
      'layout.secmarks[3].name: is already the name of a field (got "bulk")',
      'layout.secmarks[5].name: is already used by layout.secmarks[4] (got "http_packet")',
    ]);
    expect(errorsOf(doc({ name: 'x' }))).toEqual(['layout.secmarks: must be an array (got {"name":"x"})']);
  });

  it('refuses a rule naming an unknown label, more than one label, or a field called secmark', () => {
    expect(errorsOf(doc([http], [web({ secmark: 'ssh_packet' })]))).toEqual([
      'policy.rules[0].set.secmark: "ssh_packet" is not a label of the layout (layout.secmarks: http_packet) (got "ssh_packet")',
    ]);
    expect(errorsOf(doc(undefined, [web({ secmark: 'http_packet' })]))).toEqual([
      'policy.rules[0].set.secmark: "http_packet" is not a label of the layout (layout.secmarks: none) (got "http_packet")',
    ]);
    expect(errorsOf(doc([http], [web({ secmark: ['http_packet', 'http_packet'] })]))).toEqual([
      'policy.rules[0].set.secmark: a rule sets at most one label (got ["http_packet","http_packet"])',
    ]);
    expect(errorsOf(doc([http], [web({ secmark: 7 })]))).toEqual([
      'policy.rules[0].set.secmark: must name a label (got 7)',
    ]);
    expect(errorsOf(doc([http], [], [{ name: 'secmark', kind: 'flag', offset: 1 }]))).toEqual([
      'layout.fields[0].name: is reserved: policy rules write "secmark" to name a label (got "secmark")',
    ]);
    expect(errorsOf(doc([http], [web({})]))).toEqual([
      'policy.rules[0].set: must name at least one field (got {})',
    ]);
  });
});
