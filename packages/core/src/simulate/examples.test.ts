import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileDocument } from '../compile/index';
import { parseDocument } from '../document/index';
import type { BoxConfig, Route } from '../ir/types';
import type { PacketSpec } from '../reports/types';
import { localRoute, route } from '../testing/ir-builders';
import { simulate } from './simulate';
import { formatTrace } from './trace-text';

// The shipped examples, compiled and run through the simulator: what the admin sees for typical packets.

const repoRoot = resolve(import.meta.dirname, '../../../..');
const compiled = (name: string, routes: Route[]): BoxConfig => {
  const doc = parseDocument(JSON.parse(readFileSync(resolve(repoRoot, 'examples', `${name}.json`), 'utf8')));
  return { ...compileDocument(doc), routes };
};

function run(box: BoxConfig, packets: PacketSpec[]) {
  const report = simulate(box, packets);
  return { report, text: formatTrace(report, packets) };
}

describe('examples', () => {
  it('edge-router: VoIP leaves by isp2 in the priority class; the uplink sticks to the connection', () => {
    const box = compiled('edge-router', [
      localRoute('192.168.1.1', 'lan0'),
      localRoute('192.0.2.10', 'wan0'),
      localRoute('198.51.100.10', 'wan1'),
      route('main', '192.168.1.0/24', 'lan0', { scope: 'link', prefsrc: '192.168.1.1' }),
      route('main', '0.0.0.0/0', 'wan0', { gateway: '192.0.2.1' }),
      route('100', '0.0.0.0/0', 'wan0', { gateway: '192.0.2.1' }),
      route('200', '0.0.0.0/0', 'wan1', { gateway: '198.51.100.1' }),
    ]);
    const voip: PacketSpec = {
      iif: 'lan0',
      saddr: '192.168.1.20',
      daddr: '203.0.113.50',
      proto: 'udp',
      sport: 5060,
      dport: 5060,
    };
    const web: PacketSpec = {
      iif: 'lan0',
      saddr: '192.168.1.21',
      daddr: '203.0.113.80',
      proto: 'tcp',
      sport: 40000,
      dport: 443,
    };
    const { report, text } = run(box, [voip, voip, web]);
    expect(report.packets.map((p) => p.oif)).toEqual(['wan1', 'wan1', 'wan0']);
    expect(report.packets[0]!.classid).toBe('1:10');
    expect(text).toMatchSnapshot();
  });

  it('k8s-node: iSCSI from the node is re-routed to the storage table by its output mark', () => {
    const box = compiled('k8s-node', [
      localRoute('10.0.0.5', 'eth0'),
      localRoute('10.20.255.5', 'stor0'),
      route('main', '10.0.0.0/24', 'eth0', { scope: 'link', prefsrc: '10.0.0.5' }),
      route('main', '0.0.0.0/0', 'eth0', { gateway: '10.0.0.1' }),
      route('110', '10.20.0.0/16', 'stor0', { scope: 'link' }),
      route('120', '0.0.0.0/0', 'bak0', { gateway: '10.30.255.1' }),
    ]);
    const iscsi: PacketSpec = {
      saddr: '10.0.0.5',
      daddr: '10.20.1.9',
      proto: 'tcp',
      sport: 50000,
      dport: 3260,
      mark: 0,
    };
    const dns: PacketSpec = {
      saddr: '10.0.0.5',
      daddr: '10.20.1.9',
      proto: 'udp',
      sport: 50001,
      dport: 53,
      mark: 0,
    };
    const { report, text } = run(box, [iscsi, dns]);
    expect(report.packets.map((p) => p.oif)).toEqual(['stor0', 'eth0']);
    expect(
      report.packets[0]!.steps.filter((s) => s.kind === 'route').map((s) => s.kind === 'route' && s.reason),
    ).toEqual(['output', 'reroute']);
    expect(text).toMatchSnapshot();
  });

  it('wireguard-box: the work subnet goes through wg1, streaming goes direct', () => {
    const box = compiled('wireguard-box', [
      localRoute('192.168.1.10', 'eth0'),
      localRoute('10.99.255.2', 'wg1'),
      route('main', '192.168.1.0/24', 'eth0', { scope: 'link', prefsrc: '192.168.1.10' }),
      route('main', '0.0.0.0/0', 'eth0', { gateway: '192.168.1.1' }),
      route('51821', '0.0.0.0/0', 'wg1', { scope: 'link' }),
      route('300', '0.0.0.0/0', 'eth0', { gateway: '192.168.1.1' }),
      route('301', '192.168.1.0/24', 'eth0', { scope: 'link' }),
    ]);
    const work: PacketSpec = {
      saddr: '192.168.1.10',
      daddr: '10.99.3.4',
      proto: 'tcp',
      sport: 41000,
      dport: 22,
      mark: 0,
    };
    const stream: PacketSpec = {
      saddr: '192.168.1.10',
      daddr: '192.0.2.80',
      proto: 'tcp',
      sport: 41001,
      dport: 443,
      mark: 0,
    };
    const { report, text } = run(box, [work, stream]);
    expect(report.packets.map((p) => p.oif)).toEqual(['wg1', 'eth0']);
    expect(report.packets.map((p) => p.table)).toEqual(['51821', '300']);
    expect(text).toMatchSnapshot();
  });
});
