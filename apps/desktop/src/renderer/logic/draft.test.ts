import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contiguousSpan, draftFromDocument, draftToDocument } from './draft';
import { diffLines } from './text-diff';

const repoRoot = resolve(import.meta.dirname, '../../../../..');

const edge = {
  format: 'markwright/1',
  name: 'edge',
  layout: {
    fields: [
      {
        name: 'uplink',
        space: 'fwmark',
        kind: 'enum',
        offset: 24,
        width: 2,
        values: { isp1: 1, isp2: 2 },
        persist: true,
      },
      { name: 'bulk', space: 'fwmark', kind: 'flag', offset: 26 },
      { name: 'spread', space: 'connmark', kind: 'int', mask: 0x101, min: 1, max: 3 },
    ],
  },
  policy: {
    rules: [{ name: 'voip via isp2', match: { proto: 'udp', dport: 5555 }, set: { uplink: 'isp2' } }],
    routes: [
      { when: { uplink: 'isp2' }, table: 100, priority: 10002 },
      { when: { uplink: 'isp1' }, table: 200, priority: 10003, family: 4 },
    ],
    classes: [
      { when: { bulk: 1 }, dev: 'wan0', classid: '1:30' },
      { when: { bulk: true }, dev: 'wan1', classid: '1:30', parent: '1:', priority: 49001 },
    ],
  },
};

describe('draft documents', () => {
  it('round-trips the documented example, with optional binding keys', () => {
    expect(draftToDocument(draftFromDocument(edge))).toEqual(edge);
  });
  it('keeps what the form does not edit on a route binding: owned tables, iif, from, not, suppress_prefixlength', () => {
    const routed = {
      ...edge,
      policy: {
        ...edge.policy,
        routes: [
          {
            when: { uplink: 'isp2' },
            table: 200,
            priority: 10002,
            iif: 'lan0',
            from: '10.70.0.0/24',
            not: false,
            owns: {
              routes: [{ to: 'default', via: '192.0.2.1', dev: 'wan2' }],
              copy: [{ dev: 'lan0', connected: true }],
            },
          },
          { table: 'main', priority: 9000, suppress_prefixlength: 0 },
        ],
      },
    };
    expect(draftToDocument(draftFromDocument(routed))).toEqual(routed);
  });
  it('round-trips the shipped examples', () => {
    for (const name of ['edge-router', 'k8s-node', 'wireguard-box']) {
      const doc = JSON.parse(readFileSync(resolve(repoRoot, 'examples', `${name}.json`), 'utf8'));
      expect(draftToDocument(draftFromDocument(doc))).toEqual(doc);
    }
  });
  it('derives masks from offset and width', () => {
    const d = draftFromDocument(edge);
    expect(d.fields.map((f) => f.mask)).toEqual([0x0300_0000, 0x0400_0000, 0x101]);
  });
  it('finds contiguous spans only', () => {
    expect(contiguousSpan(0x0300_0000)).toEqual({ offset: 24, width: 2 });
    expect(contiguousSpan(0xffff_ffff)).toEqual({ offset: 0, width: 32 });
    expect(contiguousSpan(0x101)).toBeNull();
    expect(contiguousSpan(0)).toBeNull();
  });
});

describe('line diff', () => {
  it('marks added and removed lines around common ones', () => {
    expect(diffLines('a\nb\nc', 'a\nc\nd')).toEqual([
      { kind: 'same', text: 'a' },
      { kind: 'remove', text: 'b' },
      { kind: 'same', text: 'c' },
      { kind: 'add', text: 'd' },
    ]);
  });
});
