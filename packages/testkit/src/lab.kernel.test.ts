import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kernelSkip } from './environment';
import { createRouterLab, type RouterLab, sendUdp } from './lab';
import { run } from './run';

const skip = kernelSkip('router lab tests', ['ip', 'nft']);

describe.skipIf(skip)('router lab', () => {
  let lab: RouterLab;
  beforeAll(() => {
    lab = createRouterLab('kit');
  });
  afterAll(() => lab?.destroy());

  it('routes by the main table, and by table 100 when an ip rule selects a mark', () => {
    lab.received(5001);
    sendUdp(lab.client, { daddr: lab.farAddress, dport: 5001, sport: 40001, count: 2 });
    expect(lab.received(5001)).toEqual({ uplink1: 2, uplink2: 0 });

    lab.router.nft(
      'table ip t {\n  chain pre {\n    type filter hook prerouting priority mangle;\n    udp dport 5002 meta mark set 0x2\n  }\n}\n',
    );
    lab.router.exec(['ip', 'rule', 'add', 'fwmark', '0x2', 'lookup', '100', 'priority', '100']);
    lab.received(5002);
    sendUdp(lab.client, { daddr: lab.farAddress, dport: 5002, sport: 40002, count: 3 });
    expect(lab.received(5002)).toEqual({ uplink1: 0, uplink2: 3 });
  });

  it('never creates namespaces outside the lab', () => {
    const names = run(['ip', 'netns', 'list']).stdout;
    expect(names).toContain(lab.router.name);
  });
});
