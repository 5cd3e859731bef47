import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { draftFromDocument } from './draft';
import { previewDocument } from './policy-preview';

const repoRoot = resolve(import.meta.dirname, '../../../../..');
const edge = () =>
  draftFromDocument(JSON.parse(readFileSync(resolve(repoRoot, 'examples/edge-router.json'), 'utf8')));

describe('policy preview', () => {
  it('prints the compiled policy in each syntax', () => {
    const nft = previewDocument(edge(), 'nft');
    expect(nft.ok && nft.text).toContain('table inet markwright');
    expect(nft.ok && nft.text).toContain('udp dport 5060-5061');
    const xt = previewDocument(edge(), 'iptables');
    expect(xt.ok && xt.text).toContain('*mangle');
    expect(xt.ok && xt.text).toContain('COMMIT');
    const rules = previewDocument(edge(), 'iproute');
    expect(rules.ok && rules.text).toContain('# ip -4 -batch -');
    expect(rules.ok && rules.text).toContain('rule add priority 10001 fwmark 0x1000000/0x3000000 table 100');
    const tc = previewDocument(edge(), 'tc');
    expect(tc.ok && tc.text).toContain(
      'filter add dev wan0 parent 1: protocol all prio 49000 handle 0x8000000/0x8000000 fw classid 1:10',
    );
  });
  it('reports a document core refuses instead of throwing', () => {
    const d = edge();
    d.rules[0]!.set = { nosuchfield: '1' };
    const p = previewDocument(d, 'nft');
    expect(p.ok).toBe(false);
    expect(!p.ok && p.error).toContain('nosuchfield');
  });
});
