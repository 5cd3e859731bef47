import { InputError } from '../../bits/errors';
import type { TcFilter } from '../../ir/types';

const hex = (n: number): string => `0x${(n >>> 0).toString(16)}`;

function parentWords(parent: string): string[] {
  if (parent === 'ingress' || parent === 'egress') return [parent];
  if (parent === 'root') return ['root'];
  if (!/^[0-9a-fA-F]{0,4}:[0-9a-fA-F]{0,4}$/.test(parent))
    throw new InputError('parent', parent, 'must be root, ingress, egress or a handle like 1:');
  return ['parent', parent];
}

function word(w: string, field: string): string {
  if (!/^[A-Za-z0-9_.:@/+-]+$/.test(w)) throw new InputError(field, w, 'is not a word tc -batch can read');
  return w;
}

/** The words after `tc filter add` for one filter. */
export function tcFilterAddWords(f: TcFilter): string[] {
  const where = `tc filter ${f.dev} prio ${f.priority}`;
  const w = [
    'dev',
    word(f.dev, `${where}.dev`),
    ...parentWords(f.parent),
    'protocol',
    word(f.protocol, `${where}.protocol`),
    'prio',
    String(f.priority),
  ];
  const c = f.classifier;
  if (c.kind === 'fw') {
    // cls_fw compares the masked mark with the handle as stored: handle bits outside the mask never match.
    if ((c.handle & ~c.mask) >>> 0 !== 0)
      throw new InputError(
        `${where}.handle`,
        `${hex(c.handle)}/${hex(c.mask)}`,
        'has bits outside its mask and would never match',
      );
    w.push('handle', c.mask === 0xffffffff ? hex(c.handle) : `${hex(c.handle)}/${hex(c.mask)}`, 'fw');
    if (f.classid) w.push('classid', word(f.classid, `${where}.classid`));
  } else if (c.kind === 'u32-mark') {
    // tc refuses this itself: Illegal "mark" (impossible combination).
    if ((c.value & ~c.mask) >>> 0 !== 0)
      throw new InputError(
        `${where}.mark`,
        `${hex(c.value)} ${hex(c.mask)}`,
        'has bits outside its mask (tc refuses an impossible mark)',
      );
    w.push('u32', 'match', 'mark', hex(c.value), hex(c.mask));
    if (f.classid) w.push('flowid', word(f.classid, `${where}.classid`));
  } else {
    throw new InputError(where, c.text, 'is a classifier Markwright does not write');
  }
  return w;
}

/** `tc -batch` lines, one `filter add ...` per filter (fw: `handle V/M fw classid C`). */
export function emitTcBatch(filters: readonly TcFilter[]): string {
  return filters.map((f) => `filter add ${tcFilterAddWords(f).join(' ')}\n`).join('');
}
