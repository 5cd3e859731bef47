import type { TcFilter } from '../ir/types';

const INGRESS_PARENTS = new Set(['ingress', 'ffff:', 'ffff:fff1', 'ffff:fff2']);

export interface TcDecision {
  readonly filter: string | null;
  readonly classid: string | null;
}

export function tcFilterText(f: TcFilter): string {
  const c = f.classifier;
  const head = `dev ${f.dev} parent ${f.parent} prio ${f.priority}`;
  const cls = f.classid ? ` classid ${f.classid}` : '';
  if (c.kind === 'fw') return `${head} handle 0x${c.handle.toString(16)}/0x${c.mask.toString(16)} fw${cls}`;
  if (c.kind === 'u32-mark')
    return `${head} u32 match mark 0x${c.value.toString(16)} 0x${c.mask.toString(16)}${cls}`;
  return `${head} ${c.text}`;
}

/** tc egress classification on one device: the first fw / u32-mark filter (by priority) the mark matches. */
export class TcEgress {
  private readonly byDev = new Map<string, { filter: TcFilter; text: string }[]>();

  constructor(filters: readonly TcFilter[]) {
    for (const f of filters) {
      if (INGRESS_PARENTS.has(f.parent)) continue;
      const list = this.byDev.get(f.dev) ?? [];
      list.push({ filter: f, text: tcFilterText(f) });
      this.byDev.set(f.dev, list);
    }
    for (const list of this.byDev.values()) list.sort((a, b) => a.filter.priority - b.filter.priority);
  }

  /** How many devices have egress filters. */
  get devices(): number {
    return this.byDev.size;
  }

  hasDevice(dev: string): boolean {
    return this.byDev.has(dev);
  }

  classify(dev: string, mark: number): TcDecision {
    for (const { filter, text } of this.byDev.get(dev) ?? []) {
      const c = filter.classifier;
      // cls_fw compares the masked mark with the handle as stored (a handle with bits outside the mask never matches).
      const hit =
        (c.kind === 'fw' && (mark & c.mask) >>> 0 === c.handle) ||
        (c.kind === 'u32-mark' && (mark & c.mask) >>> 0 === c.value);
      if (hit) return { filter: text, classid: filter.classid ?? null };
    }
    return { filter: null, classid: null };
  }
}
