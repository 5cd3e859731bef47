import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatOwnedIpRule } from '@markwright/core';
import { describe, expect, it } from 'vitest';
import { SAMPLE_DOC } from '../testing/sample-doc';
import { diffOwned, formatChanges } from './diff';
import { ownedStateFromDocument, readDocument } from './owned-from-document';
import { sameState } from './owned-table';
import {
  DEFAULT_OWNERSHIP,
  digestOf,
  EMPTY_STATE,
  REPLACE_HEADER,
  scriptDigest,
  tableBodyOf,
  wrapTableBody,
} from './ownership';
import { restoreUnitTemplate, targetDropIn } from './persistence';

describe('owned state', () => {
  it('wraps a table body so it replaces only our table, tagged with its digest', () => {
    const body = 'table inet markwright {\n\tchain c {\n\t}\n}\n';
    const script = wrapTableBody(body);
    expect(script.startsWith(REPLACE_HEADER)).toBe(true);
    expect(tableBodyOf(script)).toBe(body);
    expect(scriptDigest(script)).toBe(digestOf(body));
    expect(script).toContain(`{ 0x${digestOf(body).toString(16).padStart(8, '0')} }`);
    expect(wrapTableBody('')).toBe(REPLACE_HEADER);
    expect(scriptDigest(REPLACE_HEADER)).toBeNull();
  });

  it('compiles a document: table inet markwright, tagged ip rules in our range', () => {
    const doc = readDocument(JSON.stringify(SAMPLE_DOC), 'doc.json');
    const s = ownedStateFromDocument(doc, DEFAULT_OWNERSHIP);
    expect(tableBodyOf(s.nftScript)).toContain('iifname "r0" udp dport 6001 meta mark set');
    expect(s.ipRules).toEqual({
      v4: ['priority 10100 from all fwmark 0x200/0x300 lookup 100 proto 77'],
      v6: [],
    });
    expect(s.tcFilters).toEqual([]);
  });

  it('refuses an ip rule priority outside our range, naming the field', () => {
    const bad = {
      ...SAMPLE_DOC,
      policy: { ...SAMPLE_DOC.policy, routes: [{ when: { uplink: 'two' }, table: 100, priority: 500 }] },
    };
    expect(() => ownedStateFromDocument(readDocument(JSON.stringify(bad), 'd'), DEFAULT_OWNERSHIP)).toThrow(
      /policy\.routes\[0\]\.priority.*10000\.\.10999/,
    );
  });

  it('prints ip rules as ip rule show does (full mask omitted, main by name)', () => {
    expect(
      formatOwnedIpRule({
        family: 4,
        priority: 10001,
        not: false,
        fwmark: { value: 1, mask: 0xffffffff },
        action: { kind: 'table', table: '254' },
        protocol: '77',
      }),
    ).toBe('priority 10001 from all fwmark 0x1 lookup main proto 77');
  });

  it('diffs live against wanted, human and JSON', () => {
    const wanted = {
      ...EMPTY_STATE,
      ipRules: { v4: ['priority 10100 from all fwmark 0x1 lookup 100 proto 77'], v6: [] },
    };
    const live = {
      ...EMPTY_STATE,
      ipRules: { v4: ['priority 10101 from all fwmark 0x2 lookup 100 proto 77'], v6: [] },
    };
    const changes = diffOwned(live, wanted);
    expect(changes).toEqual([
      {
        kind: 'ip-rule',
        action: 'remove',
        text: '-4 priority 10101 from all fwmark 0x2 lookup 100 proto 77',
      },
      { kind: 'ip-rule', action: 'add', text: '-4 priority 10100 from all fwmark 0x1 lookup 100 proto 77' },
    ]);
    expect(formatChanges(changes)).toContain('1 to add, 1 to remove');
    expect(formatChanges(diffOwned(wanted, wanted))).toContain('no changes');
    expect(sameState(live, wanted)).toBe(false);
  });

  it('ships the restore unit template it writes; a netns instance runs in its namespace only if it exists', () => {
    const here = fileURLToPath(new URL('.', import.meta.url));
    const shipped = readFileSync(
      join(here, '../../../../packaging/systemd/markwright-restore@.service'),
      'utf8',
    );
    expect(shipped).toBe(restoreUnitTemplate());
    expect(shipped).toContain('ExecStart=/usr/sbin/nft -j -f /etc/markwright/targets/%i/ruleset.json');
    expect(targetDropIn({ kind: 'netns', name: 'r1' })).toBe(
      '[Unit]\nConditionPathExists=/run/netns/r1\nAfter=network.target\n\n[Service]\nNetworkNamespacePath=/run/netns/r1\n',
    );
    expect(targetDropIn({ kind: 'local' })).toContain('Before=network-pre.target');
  });
});
