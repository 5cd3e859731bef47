import { type ChildProcess, spawn } from 'node:child_process';
import { createRouterLab, kernelSkip, type RouterLab, sendUdp } from '@markwright/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MarkwrightDocument } from '../document/types';
import type { Table } from '../ir/types';
import { emitIpRuleBatch } from '../lang/iproute/print';
import { emitIptablesRestore } from '../lang/iptables/print';
import { parseNftJson, parseNftText } from '../lang/nft/index';
import { emitNftTable } from '../lang/nft/print-text';
import { replaceScript } from '../ownership/replace-script';
import { field } from '../testing/documents';
import { compileDocument, compileIptablesRuleset } from './compile-document';

const skip = kernelSkip('compile kernel tests', ['ip', 'nft', 'conntrack', 'iptables-restore']);

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

/** The router lab plus another tool's nft table, a route back to the LAN in table 100, and an echo server. */
interface FlowLab {
  readonly lab: RouterLab;
  /** Packets to port 5002 that carried the foreign bit and isp2 together after the mangle chains. */
  foreignCount(): number;
  ctEntry(dport: number): string;
  ctMark(dport: number): number;
  /** Wait until uplink2's reply has made the port's connection ESTABLISHED. */
  waitForReply(dport: number): Promise<void>;
  destroy(): void;
}

async function createFlowLab(prefix: string): Promise<FlowLab> {
  const lab = createRouterLab(prefix);
  let echo: ChildProcess | undefined;
  try {
    // Another tool's table: it sets its own bits in both marks (after conntrack, before the mangle chains)
    // and counts packets that carry its bit and isp2 together after the mangle chains ran.
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
    const server = spawn(
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
    echo = server;
    await new Promise<void>((resolve, reject) => {
      server.stdout!.once('data', () => resolve());
      server.once('exit', (code) => reject(new Error(`echo server exited ${code}`)));
    });
  } catch (error) {
    echo?.kill();
    lab.destroy();
    throw error;
  }
  const ctEntry = (dport: number): string =>
    lab.router
      .exec(['conntrack', '-L', '-p', 'udp', '--dport', String(dport)], { allowFail: true })
      .stdout.split('\n')
      .find((l) => l.includes(`dport=${dport}`)) ?? '';
  return {
    lab,
    foreignCount() {
      const listing = JSON.parse(
        lab.router.exec(['nft', '-j', 'list', 'chain', 'ip', 'foreign', 'check']).stdout,
      );
      type Item = { rule?: { expr: { counter?: { packets: number } }[] } };
      const rule = (listing.nftables as Item[]).find((item) => item.rule)?.rule;
      return rule?.expr.find((e) => e.counter)?.counter?.packets ?? 0;
    },
    ctEntry,
    ctMark: (dport) => Number(/mark=(\d+)/.exec(ctEntry(dport))?.[1] ?? Number.NaN),
    async waitForReply(dport) {
      for (
        let i = 0;
        i < 60 && (!ctEntry(dport).includes('src=203.0.113.7') || ctEntry(dport).includes('[UNREPLIED]'));
        i++
      ) {
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    destroy() {
      echo?.kill();
      lab.destroy();
    },
  };
}

/** What the compiled policy must do to real traffic, whichever language loaded it. */
function itRoutesAndPersists(get: () => FlowLab): void {
  it('sends matching flows by table 100 (uplink2) and others by main (uplink1)', () => {
    const { lab } = get();
    lab.received(5002);
    lab.received(5004);
    sendUdp(lab.client, { daddr: lab.farAddress, dport: 5002, sport: 41002, count: 1 });
    sendUdp(lab.client, { daddr: lab.farAddress, dport: 5004, sport: 41004, count: 2 });
    expect(lab.received(5002)).toEqual({ uplink1: 0, uplink2: 1 });
    expect(lab.received(5004)).toEqual({ uplink1: 2, uplink2: 0 });
  });

  it('saves the persisted field into the ct mark, keeping the ct bits another tool set', () => {
    expect(get().ctMark(5002)).toBe(ISP2 | FOREIGN_CT);
    // The bulk flag is not persisted: its connection's ct mark holds only the foreign bit.
    expect(get().ctMark(5004)).toBe(FOREIGN_CT);
  });

  it('restores the field on later packets of the flow (the policy sets it on new connections only)', async () => {
    const flow = get();
    const { lab } = flow;
    await flow.waitForReply(5002);
    expect(flow.ctEntry(5002)).not.toContain('[UNREPLIED]');
    sendUdp(lab.client, { daddr: lab.farAddress, dport: 5002, sport: 41002, count: 3 });
    expect(lab.received(5002)).toEqual({ uplink1: 0, uplink2: 4 });
    // Every packet of the flow carried the foreign bit and isp2 together after the mangle chain.
    expect(flow.foreignCount()).toBe(4);
    // A new flow to the same port from another source port is chosen afresh (and also by the policy rule).
    sendUdp(lab.client, { daddr: lab.farAddress, dport: 5002, sport: 41012, count: 1 });
    expect(lab.received(5002)).toEqual({ uplink1: 0, uplink2: 5 });
  });

  it('re-routes locally generated packets whose mark the output chain changed', () => {
    const { lab } = get();
    lab.received(5003);
    sendUdp(lab.router, { daddr: lab.farAddress, dport: 5003, sport: 41003, count: 2 });
    expect(lab.received(5003)).toEqual({ uplink1: 0, uplink2: 2 });
  });
}

describe.skipIf(skip)('compiled nft table and ip rules in the kernel', () => {
  let flow: FlowLab;
  const box = compileDocument(DOC, { families: 4 });
  const script = replaceScript(emitNftTable(box.ruleset.tables[0]!), box.ruleset.tables[0]!.name);
  beforeAll(async () => {
    flow = await createFlowLab('cmp');
  });
  afterAll(() => flow?.destroy());

  it('loads with nft -f, twice, replacing only table inet markwright', () => {
    const { router } = flow.lab;
    const foreignBefore = router.exec(['nft', 'list', 'table', 'ip', 'foreign']).stdout;
    router.nft(script);
    router.nft(script);
    const tables = router.exec(['nft', 'list', 'tables']).stdout.trim().split('\n');
    expect(tables.sort()).toEqual(['table inet markwright', 'table ip foreign']);
    expect(router.exec(['nft', 'list', 'table', 'ip', 'foreign']).stdout).toBe(foreignBefore);
    const listed = router.exec(['nft', 'list', 'table', 'inet', 'markwright']).stdout;
    expect(listed).toContain('type route hook output priority mangle; policy accept;');
    expect(listed.match(/comment "markwright: restore persisted fields"/g)).toHaveLength(6);
  });

  it('replaces in one transaction: a script nft refuses leaves the loaded table as it was', () => {
    const { router } = flow.lab;
    const before = router.exec(['nft', 'list', 'table', 'inet', 'markwright']).stdout;
    const table = box.ruleset.tables[0]!;
    const body = emitNftTable(table).replace(/\n\t}\n}\n$/, '\n\t\tmeta mark set nosuchthing\n\t}\n}\n');
    const broken = replaceScript(body, table.name);
    expect(broken).not.toBe(script);
    expect(router.nft(broken, { allowFail: true }).code).not.toBe(0);
    expect(router.exec(['nft', 'list', 'table', 'inet', 'markwright']).stdout).toBe(before);
  });

  it('reads back from the kernel as the same IR (nft -j list and nft list)', () => {
    const { router } = flow.lab;
    const strip = (t: Table) =>
      t.chains.map((c) => ({ ...c, rules: c.rules.map(({ exprs, comment }) => ({ exprs, comment })) }));
    const compiled = box.ruleset.tables[0]!;
    const json = parseNftJson(router.exec(['nft', '-j', 'list', 'table', 'inet', 'markwright']).stdout)
      .tables[0]!;
    expect(strip(json)).toEqual(compiled.chains);
    const text = parseNftText(router.exec(['nft', 'list', 'table', 'inet', 'markwright']).stdout).tables[0]!;
    expect(strip(text)).toEqual(compiled.chains);
  });

  it('loads the ip rules with ip -batch, tagged with our protocol', () => {
    const { router } = flow.lab;
    router.exec(['ip', '-batch', '-'], { input: emitIpRuleBatch(box.ipRules) });
    expect(router.exec(['ip', 'rule', 'show']).stdout).toContain(
      '10002:\tfrom all fwmark 0x2000000/0x3000000 lookup 100 proto 77',
    );
  });

  it('loads the IPv6 rules with ip -6 -batch', () => {
    const v6 = compileDocument(DOC, { families: 6 }).ipRules;
    expect(v6.map((r) => r.family)).toEqual([6]);
    flow.lab.router.exec(['ip', '-6', '-batch', '-'], { input: emitIpRuleBatch(v6) });
    expect(flow.lab.router.exec(['ip', '-6', 'rule', 'show']).stdout).toContain(
      '10002:\tfrom all fwmark 0x2000000/0x3000000 lookup 100 proto 77',
    );
  });

  itRoutesAndPersists(() => flow);
});

describe.skipIf(skip)('compiled iptables mangle chains in the kernel', () => {
  let flow: FlowLab;
  beforeAll(async () => {
    flow = await createFlowLab('cmpx');
    const { router } = flow.lab;
    const restore = emitIptablesRestore(compileIptablesRuleset(DOC, { families: 4 }), { family: 4 });
    router.exec(['iptables-restore', '--noflush'], { input: restore });
    router.exec(['ip', '-batch', '-'], {
      input: emitIpRuleBatch(compileDocument(DOC, { families: 4 }).ipRules),
    });
  });
  afterAll(() => flow?.destroy());

  it('holds CONNMARK --restore-mark/--save-mark with both masks', () => {
    const saved = flow.lab.router.exec(['iptables-save', '-t', 'mangle']).stdout;
    expect(saved).toContain('-j CONNMARK --restore-mark --nfmask 0x3000000 --ctmask 0x3000000');
    expect(saved).toContain('-j CONNMARK --save-mark --nfmask 0x3000000 --ctmask 0x3000000');
  });

  itRoutesAndPersists(() => flow);
});
