// The service with the real core: canonical storage, errors that name the document field, conflicts from known
// consumers and from a box's rules, and simulation of a stored layout.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { apiFailure, exampleDocument } from '../testing/examples';
import { FakeHost } from '../testing/fake-host';
import { type Backend, createBackend } from './index';

let dir: string;
let backend: Backend;
let host: FakeHost;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mw-service-'));
  host = new FakeHost();
  backend = createBackend({ dbPath: join(dir, 'db.sqlite'), host });
});
afterEach(() => {
  backend.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('MarkwrightService with core', () => {
  it('stores the canonical form of a valid document and exports it unchanged', async () => {
    const edge = exampleDocument('edge-router');
    const summary = await backend.service.createLayout({ name: 'edge', document: edge });
    expect(summary).toMatchObject({ name: 'edge', currentVersion: 1, fieldCount: 3 });
    const stored = (await backend.service.getLayout({ name: 'edge' })).document;
    const { text } = await backend.service.exportDocument({ name: 'edge' });
    expect(JSON.parse(text)).toEqual(stored);
    expect((await backend.service.checkDocument({ document: JSON.parse(text) })).valid).toBe(true);
    // Re-importing the export gives the same document as a new version.
    expect(await backend.service.importDocument({ text })).toMatchObject({
      name: 'edge-router',
      currentVersion: 1,
    });
    expect((await backend.service.getLayout({ name: 'edge-router' })).document).toEqual(stored);
  });

  it('refuses overlapping fields, a value too large and a bad mark, naming the field, saving nothing', async () => {
    const edge = exampleDocument('edge-router') as { layout: { fields: Record<string, unknown>[] } };
    const overlapping = structuredClone(edge);
    overlapping.layout.fields[1]!.offset = 25; // inside uplink's bits 24-25
    const tooLarge = structuredClone(edge);
    (tooLarge.layout.fields[0]!.values as Record<string, number>).isp3 = 9; // 2 bits hold 0-3
    for (const document of [overlapping, tooLarge]) {
      const error = await apiFailure(backend.service.createLayout({ name: 'bad', document }));
      expect(error.kind).toBe('invalid-input');
      expect(error.field).toMatch(/^document\.layout\.fields/);
      expect(error.message).toMatch(/^the document is not valid: layout\.fields/);
    }
    expect(await backend.service.listLayouts()).toEqual([]);
  });

  it('lists known consumers whose bits a layout shares', async () => {
    const clash = {
      format: 'markwright/1',
      name: 'clash',
      layout: {
        fields: [
          { name: 'ts', space: 'fwmark', kind: 'flag', offset: 18 },
          { name: 'kube', space: 'fwmark', kind: 'flag', offset: 14 },
        ],
      },
      policy: { rules: [] },
    };
    const report = await backend.service.checkDocument({ document: clash });
    expect(report.valid).toBe(true);
    const consumers = new Set(report.conflicts.map((c) => c.consumer));
    expect(consumers.has('kube-proxy')).toBe(true);
    expect(report.conflicts.every((c) => c.source === 'known')).toBe(true);
  });

  it("reports conflicts with a box's own rules", async () => {
    const doc = {
      format: 'markwright/1',
      name: 'low',
      layout: { fields: [{ name: 'low', space: 'fwmark', kind: 'int', offset: 0, width: 4 }] },
      policy: { rules: [] },
    };
    const hostRules = [
      '*mangle\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -i eth0 -j MARK --set-xmark 0x1/0xff\nCOMMIT\n',
    ];
    const report = await backend.service.checkDocument({ document: doc, hostRules });
    const host = report.conflicts.filter((c) => c.source === 'host');
    expect(host.length).toBeGreaterThan(0);
    expect(host[0]!.field).toBe('low');
  });

  it('simulates a stored document: the policy sets the field on the packet', async () => {
    const report = await backend.service.simulate({
      document: exampleDocument('edge-router'),
      packets: [
        { iif: 'lan0', saddr: '192.168.1.10', daddr: '198.51.100.9', proto: 'udp', sport: 4000, dport: 5060 },
      ],
    });
    expect(report.packets).toHaveLength(1);
    // uplink=isp2 (2 << 24) and interactive (1 << 27)
    expect(report.packets[0]!.mark & 0x0b000000).toBe(0x0a000000);
  });

  it('plans and applies the stored version, mirroring the deployment with its layout', async () => {
    await backend.service.createLayout({ name: 'edge', document: exampleDocument('edge-router') });
    await backend.service.apply({ name: 'edge', target: 'netns:lab', confirmTimeout: 30 });
    const row = backend.store.db
      .prepare('SELECT layout_name, layout_version, outcome FROM deployments')
      .get();
    expect(row).toEqual({ layout_name: 'edge', layout_version: 1, outcome: 'pending' });
    const sent = host.records.get('netns:lab')![0]!.document;
    expect(JSON.parse(sent)).toEqual((await backend.service.getLayout({ name: 'edge' })).document);
  });

  it('suggests free bits, priorities and tables on a probed target, clear of the document given', async () => {
    // The fake box's rules use fwmark bit 14 (0x4000); the document takes bits 0-1 and priority 10000, table 100.
    const document = {
      format: 'markwright/1',
      name: 'taken',
      layout: { fields: [{ name: 'low', space: 'fwmark', kind: 'int', offset: 0, width: 2 }] },
      policy: { routes: [{ when: { low: 1 }, table: 100, priority: 10000 }] },
    };
    const report = await backend.service.suggest({ target: 'netns:lab', width: 2, document });
    expect(report.target).toBe('netns:lab');
    for (const run of report.fwmark) expect(Number.parseInt(run.mask, 16) & 0x4003).toBe(0);
    expect(report.priorities).toEqual({ from: 10001, to: 10010 });
    expect(report.tables).toEqual([101, 102]);
    const plain = await backend.service.suggest({ target: 'netns:lab' });
    expect(plain.priorities).toEqual({ from: 10000, to: 10009 });
    expect(plain.tables[0]).toBe(100);
    // A document the check refuses is refused here too, naming its field.
    const refused = await apiFailure(
      backend.service.suggest({
        target: 'local',
        document: { ...document, layout: { fields: [{ name: 'X' }] } },
      }),
    );
    expect(refused.message).toMatch(/layout\.fields\[0\]/);
  });
});
