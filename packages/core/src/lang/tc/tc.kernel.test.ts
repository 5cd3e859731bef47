import { kernelSkip, Netns } from '@markwright/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TcFilter } from '../../ir/types';
import { parseTcFiltersJson } from './filters';
import { emitTcBatch } from './print-batch';

const skip = kernelSkip('tc kernel tests', ['ip', 'tc']);

describe.skipIf(skip)('tc -batch and tc -j filter show against the kernel', () => {
  let ns: Netns;
  beforeAll(() => {
    ns = Netns.create('tc');
    ns.exec(['ip', 'link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1']);
    ns.exec(['ip', 'link', 'set', 'v0', 'up']);
    ns.exec(['tc', 'qdisc', 'add', 'dev', 'v0', 'root', 'handle', '1:', 'htb', 'default', '10']);
    for (const id of ['1:10', '1:20', '1:30']) {
      ns.exec(['tc', 'class', 'add', 'dev', 'v0', 'parent', '1:', 'classid', id, 'htb', 'rate', '10mbit']);
    }
  });
  afterAll(() => ns?.destroy());

  const u32: TcFilter[] = [
    {
      dev: 'v0',
      parent: '1:',
      protocol: 'ip',
      priority: 6,
      classifier: { kind: 'u32-mark', value: 0x20, mask: 0xff },
      classid: '1:20',
    },
    {
      dev: 'v0',
      parent: '1:',
      protocol: 'all',
      priority: 7,
      classifier: { kind: 'u32-mark', value: 0x4000, mask: 0x4000 },
      classid: '1:30',
    },
  ];

  it('loads our u32 mark filters and reads them back (mark key shown only with CONFIG_CLS_U32_MARK)', () => {
    ns.exec(['tc', '-batch', '-'], { input: emitTcBatch(u32) });
    const back = parseTcFiltersJson(
      ns.exec(['tc', '-j', 'filter', 'show', 'dev', 'v0', 'parent', '1:']).stdout,
      'v0',
      '1:',
    );
    expect(back.map((f) => [f.priority, f.protocol, f.classid])).toEqual([
      [6, 'ip', '1:20'],
      [7, 'all', '1:30'],
    ]);
    for (const [i, f] of back.entries()) {
      if (f.classifier.kind === 'u32-mark') expect(f).toEqual(u32[i]);
      else console.log(`tc: kernel dump has no u32 mark key (CONFIG_CLS_U32_MARK off): ${f.classifier.kind}`);
    }
  });

  it('agrees with tc on refusing an impossible u32 mark', () => {
    const refused = ns.exec(
      [
        'tc',
        'filter',
        'add',
        'dev',
        'v0',
        'parent',
        '1:',
        'protocol',
        'ip',
        'prio',
        '9',
        'u32',
        'match',
        'mark',
        '0x1ff',
        '0xff00',
        'flowid',
        '1:10',
      ],
      { allowFail: true },
    );
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/impossible combination/);
    expect(() =>
      emitTcBatch([{ ...u32[0]!, classifier: { kind: 'u32-mark', value: 0x1ff, mask: 0xff00 } }]),
    ).toThrow();
  });

  it('emits fw filters tc accepts when the kernel has cls_fw', () => {
    const fw: TcFilter = {
      dev: 'v0',
      parent: '1:',
      protocol: 'all',
      priority: 5,
      classifier: { kind: 'fw', handle: 0x10, mask: 0xff },
      classid: '1:20',
    };
    const r = ns.exec(['tc', '-batch', '-'], { input: emitTcBatch([fw]), allowFail: true });
    if (r.code !== 0 && /classifier not found/i.test(r.stderr)) {
      console.log('tc fw: this kernel has no cls_fw; the fw dump shape is checked in filters.test.ts');
      return;
    }
    expect(r.code).toBe(0);
    const back = parseTcFiltersJson(
      ns.exec(['tc', '-j', 'filter', 'show', 'dev', 'v0', 'parent', '1:']).stdout,
      'v0',
      '1:',
    );
    expect(back).toContainEqual(fw);
  });
});
