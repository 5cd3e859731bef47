import { describe, expect, it } from 'vitest';
import type { TcFilter } from '../ir/types';
import { baseChain, box, labPacket, rule, setXmark, table } from '../testing/ir-builders';
import { simulate } from './simulate';

const filters: TcFilter[] = [
  {
    dev: 'r1',
    parent: '1:',
    protocol: 'ip',
    priority: 2,
    classifier: { kind: 'u32-mark', value: 0x10, mask: 0xf0 },
    classid: '1:20',
  },
  {
    dev: 'r1',
    parent: '1:',
    protocol: 'ip',
    priority: 1,
    classifier: { kind: 'fw', handle: 0x1, mask: 0xf },
    classid: '1:10',
  },
  {
    dev: 'r1',
    parent: 'ingress',
    protocol: 'ip',
    priority: 1,
    classifier: { kind: 'fw', handle: 0x2, mask: 0xf },
    classid: '1:99',
  },
  {
    dev: 'r1',
    parent: '1:',
    protocol: 'ip',
    priority: 3,
    classifier: { kind: 'fw', handle: 0x100, mask: 0xf },
    classid: '1:30',
  },
];

describe('tc egress', () => {
  const b = (mark: number) =>
    box([table('t', [baseChain('post', 'postrouting', -150, [rule(setXmark('meta', mark))])])], {
      tcFilters: filters,
    });

  it('classifies on the oif with the mark as it leaves postrouting, first filter by priority', () => {
    const r = simulate(b(0x11), [labPacket()]).packets[0]!;
    expect(r.classid).toBe('1:10');
    expect(r.steps.at(-1)).toMatchObject({ kind: 'tc', dev: 'r1', classid: '1:10', mark: 0x11 });
    // fw misses ((0x12 & 0xf) != 1); the u32 mark filter at priority 2 catches it.
    expect(simulate(b(0x12), [labPacket()]).packets[0]!.classid).toBe('1:20');
    expect(simulate(b(0x1a), [labPacket()]).packets[0]!.classid).toBe('1:20');
    expect(simulate(b(0x30), [labPacket()]).packets[0]!.classid).toBe(null);
    expect(simulate(b(0x12f), [labPacket()]).packets[0]!.classid).toBe(null);
    expect(simulate(b(0x10), [labPacket()]).packets[0]!.classid).toBe('1:20');
  });

  it('ignores ingress filters and a fw handle with bits outside its mask', () => {
    expect(simulate(b(0x2), [labPacket()]).packets[0]!.classid).toBe(null);
    expect(simulate(b(0x100), [labPacket()]).packets[0]!.classid).toBe(null);
  });
});
