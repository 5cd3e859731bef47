import { describe, expect, it } from 'vitest';
import type { TcFilter } from '../../ir/types';
import { parseTcFiltersJson } from './filters';
import { emitTcBatch } from './print-batch';

// Dumps shaped as iproute2's print code writes them (f_fw.c fw_print_opt: "fw": {"mark","mask"} with print_0xhex;
// f_u32.c u32_print_opt: fwmark_value/fwmark_mask/fwmark_success), as the kernel here has no cls_fw.
const FW_DUMP = JSON.stringify([
  { protocol: 'all', pref: 5, kind: 'fw', chain: 0 },
  {
    protocol: 'all',
    pref: 5,
    kind: 'fw',
    chain: 0,
    options: { fw: { mark: '0x10', mask: '0xff' }, classid: '1:20' },
  },
  {
    protocol: 'all',
    pref: 6,
    kind: 'fw',
    chain: 0,
    options: { fw: { mark: '0x2', mask: '0xffffffff' }, classid: '1:30' },
  },
  { protocol: 'ip', pref: 7, kind: 'u32', chain: 0 },
  { protocol: 'ip', pref: 7, kind: 'u32', chain: 0, options: { fh: '800:', ht_divisor: 1 } },
  {
    protocol: 'ip',
    pref: 7,
    kind: 'u32',
    chain: 0,
    options: {
      fh: '800::800',
      order: 2048,
      key_ht: '800',
      bkt: '0',
      flowid: '1:20',
      fwmark_value: '0x20',
      fwmark_mask: '0xff',
      fwmark_success: 0,
    },
  },
  { protocol: 'ip', pref: 8, kind: 'basic', chain: 0, options: { handle: '0x1', flowid: '1:10' } },
]);

describe('tc -j filter show', () => {
  it('reads fw handles and u32 mark matches, skipping header and hash-table entries', () => {
    expect(parseTcFiltersJson(FW_DUMP, 'eth0', '1:')).toEqual([
      {
        dev: 'eth0',
        parent: '1:',
        protocol: 'all',
        priority: 5,
        classifier: { kind: 'fw', handle: 0x10, mask: 0xff },
        classid: '1:20',
      },
      {
        dev: 'eth0',
        parent: '1:',
        protocol: 'all',
        priority: 6,
        classifier: { kind: 'fw', handle: 0x2, mask: 0xffffffff },
        classid: '1:30',
      },
      {
        dev: 'eth0',
        parent: '1:',
        protocol: 'ip',
        priority: 7,
        classifier: { kind: 'u32-mark', value: 0x20, mask: 0xff },
        classid: '1:20',
      },
      {
        dev: 'eth0',
        parent: '1:',
        protocol: 'ip',
        priority: 8,
        classifier: { kind: 'opaque', text: 'basic {"handle":"0x1","flowid":"1:10"}' },
        classid: '1:10',
      },
    ]);
  });
  it('reads the older "handle" object form of fw and empty output', () => {
    const old = JSON.stringify([
      { protocol: 'all', pref: 1, kind: 'fw', options: { handle: { mark: '0x8', mask: '0x8' } } },
    ]);
    expect(parseTcFiltersJson(old, 'v0')[0]!.classifier).toEqual({ kind: 'fw', handle: 8, mask: 8 });
    expect(parseTcFiltersJson('', 'v0')).toEqual([]);
    expect(() => parseTcFiltersJson('{', 'v0')).toThrow(/tc filter: is not valid JSON/);
  });
  it('writes tc -batch lines and re-reads the same filters through the dump shape', () => {
    const filters = parseTcFiltersJson(FW_DUMP, 'eth0', '1:').filter((f) => f.classifier.kind !== 'opaque');
    expect(emitTcBatch(filters)).toBe(
      [
        'filter add dev eth0 parent 1: protocol all prio 5 handle 0x10/0xff fw classid 1:20',
        'filter add dev eth0 parent 1: protocol all prio 6 handle 0x2 fw classid 1:30',
        'filter add dev eth0 parent 1: protocol ip prio 7 u32 match mark 0x20 0xff flowid 1:20',
        '',
      ].join('\n'),
    );
  });
  it('refuses filters that can never match, as tc does for u32', () => {
    const f: TcFilter = {
      dev: 'v0',
      parent: 'egress',
      protocol: 'all',
      priority: 1,
      classifier: { kind: 'u32-mark', value: 0x1ff, mask: 0xff00 },
    };
    expect(() => emitTcBatch([f])).toThrow(/bits outside its mask/);
    expect(() => emitTcBatch([{ ...f, classifier: { kind: 'fw', handle: 0x3, mask: 0x1 } }])).toThrow(
      /never match/,
    );
    expect(() => emitTcBatch([{ ...f, classifier: { kind: 'opaque', text: 'basic' } }])).toThrow(
      /does not write/,
    );
  });
});
