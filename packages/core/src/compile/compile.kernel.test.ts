import { type ChildProcess, spawn } from 'node:child_process';
import { createRouterLab, kernelSkipReason, type RouterLab, sendUdp } from '@markwright/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MarkwrightDocument } from '../document/types';
import { emitIpRuleBatch } from '../emit/iproute/index';
import type { Table } from '../ir/types';
import { parseNftJson, parseNftText } from '../parse/nft/index';
import { compileDocument } from './compile-document';
import { nftReplaceScript } from './nft-script';
import { field } from './test-documents';

const skip = kernelSkipReason(['ip', 'nft', 'conntrack']);
if (skip) console.log(`skipping compile kernel tests: ${skip}`);

const UPLINK = 0x03000000;
const ISP2 = 0x02000000;
const FOREIGN_META = 0x10;
const FOREIGN_CT = 0x100;

/** uplink persists and is chosen on a connection's first packet only: later packets get it by restore alone. */
const DOC: MarkwrightDocument = {
  format: 'markwright/1',
  name: 'lab',
  layout: {
    fields: [
      field('uplink', 24, 2, { kind: 'enum', values: { isp1: 1, isp2: 2 }, persist: true, newOnly: true }),
      field('bulk', 26, 1),
    ],
  },
  policy: {
    rules: [
      { name: 'port 5002 via isp2', match: { proto: 'udp', dport: 5002 }, set: { uplink: 'isp2' } },
      {
        name: 'router 5003 via isp2',
        hook: 'output',
        match: { proto: 'udp', dport: 5003 },
        set: { uplink: 'isp2' },
      },
      { name: 'port 5004 bulk', match: { proto: 'udp', dport: 5004 }, set: { bulk: 1 } },
    ],
    routes: [{ when: { uplink: 'isp2' }, table: 100, priority: 10002 }],
    classes: [],
  },
};

describe.skipIf(skip)('compiled rules in the kernel', () => {
  let lab: RouterLab;
  let echo: ChildProcess | undefined;
  const box = compileDocument(DOC, { families: 4 });
  const script = nftReplaceScript(box.ruleset.tables[0]!);

  const foreignCount = (): number => {
    const listing = JSON.parse(
      lab.router.exec(['nft', '-j', 'list', 'chain', 'ip', 'foreign', 'check']).stdout,
    );
    type Item = { rule?: { expr: { counter?: { packets: number } }[] } };
    const rule = (listing.nftables as Item[]).find((item) => item.rule)?.rule;
    return rule?.expr.find((e) => e.counter)?.counter?.packets ?? 0;
  };
  const ctEntry = (dport: number): string =>
    lab.router
      .exec(['conntrack', '-L', '-p', 'udp', '--dport', String(dport)], { allowFail: true })
      .stdout.split('\n')
      .find((l) => l.includes(`dport=${dport}`)) ?? '';
  const ctMark = (dport: number): number => Number(/mark=(\d+)/.exec(ctEntry(dport))?.[1] ?? Number.NaN);

  beforeAll(async () => {
    lab = createRouterLab('cmp');
    // Another tool's table: it sets its own bits in both marks (after conntrack, before our mangle chains) and
    // counts packets that carry its bit and isp2 together after our chains ran.
    lab.router.nft(
      `table ip foreign {
  chain pre {
    type filter hook prerouting priority -190; policy accept;
    meta mark set meta mark | ${FOREIGN_META}
    ct mark set ct mark | ${FOREIGN_CT}
  }
  chain check {
    type filter hook prerouting priority -140; policy accept;
    udp dport 5002 meta mark & ${FOREIGN_META | UPLINK} == ${FOREIGN_META | ISP2} counter
  }
}
`,
    );
    // Replies to the LAN must still find the LAN when the mark selects table 100.
    lab.router.exec(['ip', 'route', 'add', '10.70.0.0/24', 'dev', 'r0', 'table', '100']);
    // uplink2 answers port 5002 so the flow's later packets are ESTABLISHED in the router's conntrack. It binds
    // the far address: a wildcard socket would answer from its link address, which conntrack sees as new.
    echo = spawn(
      'ip',
      [
        'netns',
        'exec',
        lab.uplink2.name,
        process.execPath,
        '-e',
        "const s=require('node:dgram').createSocket('udp4');s.on('message',(m,r)=>s.send(m,r.port,r.address));s.bind(5002,process.argv[1],()=>console.log('ready'));",
        lab.farAddress,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise<void>((resolve, reject) => {
      echo!.stdout!.once('data', () => resolve());
      echo!.once('exit', (code) => reject(new Error(`echo server exited ${code}`)));
    });
  });

  afterAll(() => {
    if (echo?.pid !== undefined) echo.kill();
    lab?.destroy();
  });

  it('loads with nft -f, twice, replacing only table inet markwright', () => {
    const foreignBefore = lab.router.exec(['nft', 'list', 'table', 'ip', 'foreign']).stdout;
    lab.router.nft(script);
    lab.router.nft(script);
    const tables = lab.router.exec(['nft', 'list', 'tables']).stdout.trim().split('\n');
    expect(tables.sort()).toEqual(['table inet markwright', 'table ip foreign']);
    expect(lab.router.exec(['nft', 'list', 'table', 'ip', 'foreign']).stdout).toBe(foreignBefore);
    const listed = lab.router.exec(['nft', 'list', 'table', 'inet', 'markwright']).stdout;
    expect(listed).toContain('type route hook output priority mangle; policy accept;');
    expect(listed.match(/comment "markwright: restore persisted fields"/g)).toHaveLength(6);
  });

  it('reads back from the kernel as the same IR (nft -j list and nft list)', () => {
    const strip = (t: Table) =>
      t.chains.map((c) => ({ ...c, rules: c.rules.map(({ exprs, comment }) => ({ exprs, comment })) }));
    const compiled = box.ruleset.tables[0]!;
    const json = parseNftJson(lab.router.exec(['nft', '-j', 'list', 'table', 'inet', 'markwright']).stdout)
      .tables[0]!;
    expect(strip(json)).toEqual(compiled.chains);
    const text = parseNftText(lab.router.exec(['nft', 'list', 'table', 'inet', 'markwright']).stdout)
      .tables[0]!;
    expect(strip(text)).toEqual(compiled.chains);
  });

  it('loads the ip rules with ip -batch, tagged with our protocol', () => {
    lab.router.exec(['ip', '-batch', '-'], { input: emitIpRuleBatch(box.ipRules) });
    const rules = lab.router.exec(['ip', 'rule', 'show']).stdout;
    expect(rules).toContain('10002:\tfrom all fwmark 0x2000000/0x3000000 lookup 100 proto 77');
  });

  it('loads the IPv6 rules with ip -6 -batch', () => {
    const v6 = compileDocument(DOC, { families: 6 }).ipRules;
    expect(v6.map((r) => r.family)).toEqual([6]);
    lab.router.exec(['ip', '-6', '-batch', '-'], { input: emitIpRuleBatch(v6) });
    expect(lab.router.exec(['ip', '-6', 'rule', 'show']).stdout).toContain(
      '10002:\tfrom all fwmark 0x2000000/0x3000000 lookup 100 proto 77',
    );
  });

  it('sends matching flows by table 100 (uplink2) and others by main (uplink1)', () => {
    lab.received(5002);
    lab.received(5004);
    sendUdp(lab.client, { daddr: lab.farAddress, dport: 5002, sport: 41002, count: 1 });
    sendUdp(lab.client, { daddr: lab.farAddress, dport: 5004, sport: 41004, count: 2 });
    expect(lab.received(5002)).toEqual({ uplink1: 0, uplink2: 1 });
    expect(lab.received(5004)).toEqual({ uplink1: 2, uplink2: 0 });
  });

  it('saves the persisted field into the ct mark, keeping the ct bits another tool set', async () => {
    expect(ctMark(5002)).toBe(ISP2 | FOREIGN_CT);
    // The bulk flag is not persisted: its connection's ct mark holds only the foreign bit.
    expect(ctMark(5004)).toBe(FOREIGN_CT);
  });

  it('restores the field on later packets of the flow (the policy sets it on new connections only)', async () => {
    // Wait until uplink2's reply has made the connection ESTABLISHED.
    for (let i = 0; i < 50 && !ctEntry(5002).includes('src=203.0.113.7'); i++)
      await new Promise((r) => setTimeout(r, 50));
    for (let i = 0; i < 50 && ctEntry(5002).includes('[UNREPLIED]'); i++)
      await new Promise((r) => setTimeout(r, 50));
    expect(ctEntry(5002)).not.toContain('[UNREPLIED]');
    sendUdp(lab.client, { daddr: lab.farAddress, dport: 5002, sport: 41002, count: 3 });
    expect(lab.received(5002)).toEqual({ uplink1: 0, uplink2: 4 });
    // Every packet of the flow carried the foreign bit and isp2 together after our chain.
    expect(foreignCount()).toBe(4);
    // A new flow to the same port from another source port is chosen afresh (and also by the policy rule).
    sendUdp(lab.client, { daddr: lab.farAddress, dport: 5002, sport: 41012, count: 1 });
    expect(lab.received(5002)).toEqual({ uplink1: 0, uplink2: 5 });
  });

  it('re-routes locally generated packets whose mark the output chain changed', () => {
    lab.received(5003);
    sendUdp(lab.router, { daddr: lab.farAddress, dport: 5003, sport: 41003, count: 2 });
    expect(lab.received(5003)).toEqual({ uplink1: 0, uplink2: 2 });
  });
});
