import { hex8 } from '../bits/u32';
import { decodeMark } from '../layout/encode';
import type { Layout } from '../layout/types';
import type { Disagreement, PacketOutcome } from '../reports/confirm';
import type { PacketResult } from '../reports/types';
import { tableName } from '../simulate/routing';

// Expected vs seen for one packet. Only what the document governs is compared: its layout's fields (other bits
// belong to other software), the verdict, the route table and device, and the tc class where the document binds
// one. A field's value is shown by its name where the layout names it.

/** The outcome the simulator computed, in the shape the live check reads back. */
export function outcomeOf(r: PacketResult): PacketOutcome {
  const routed = r.destination === 'local' || r.oif !== null;
  const accept = r.verdict === 'accept' && routed;
  return {
    verdict: accept ? 'accept' : 'drop',
    mark: r.mark,
    ctmark: r.ctmark,
    table: accept && r.table !== null ? tableName(r.table) : null,
    oif: accept ? r.oif : null,
    class: accept ? (r.classid ?? null) : null,
  };
}

function fieldText(value: string | number, raw: number, defined: boolean): string {
  if (defined) return String(value);
  return raw === 0 ? 'unset (0)' : `${raw} (not a value of the field)`;
}

const where = (o: PacketOutcome): string =>
  o.verdict === 'drop' ? 'dropped' : o.oif === null ? 'delivered locally' : `leaves by ${o.oif}`;

/** Every way `seen` differs from `expected` in what the document governs. */
export function compareOutcome(
  layout: Layout,
  rule: string,
  expected: PacketOutcome,
  seen: PacketOutcome,
): Disagreement[] {
  const out: Disagreement[] = [];
  const differ = (field: string, e: string, s: string) => {
    if (e !== s) out.push({ rule, field, expected: e, seen: s });
  };
  // A packet that never left has no marks or route to compare: the verdict is the whole story.
  if (expected.verdict !== seen.verdict) {
    differ('verdict', where(expected), where(seen));
    return out;
  }
  if (expected.verdict === 'drop') return out;
  for (const space of ['fwmark', 'connmark'] as const) {
    const e = decodeMark(layout, space === 'fwmark' ? expected.mark : expected.ctmark, space);
    const s = decodeMark(layout, space === 'fwmark' ? seen.mark : seen.ctmark, space);
    e.forEach((ef, i) => {
      const sf = s[i]!;
      if (ef.raw === sf.raw) return;
      const markName = space === 'fwmark' ? 'mark' : 'ct mark';
      const e2 = `${fieldText(ef.value, ef.raw, ef.defined)} (${markName} ${hex8(space === 'fwmark' ? expected.mark : expected.ctmark)})`;
      const s2 = `${fieldText(sf.value, sf.raw, sf.defined)} (${markName} ${hex8(space === 'fwmark' ? seen.mark : seen.ctmark)})`;
      out.push({ rule, field: ef.field, expected: e2, seen: s2 });
    });
  }
  // Local delivery has no route table to compare (the kernel's `local` table answers before any rule).
  if (expected.oif !== null || seen.oif !== null)
    differ('table', expected.table ?? '(none)', seen.table ?? '(none)');
  differ('oif', expected.oif ?? '(local)', seen.oif ?? '(local)');
  if (expected.class !== null) differ('class', expected.class, seen.class ?? '(no class)');
  return out;
}
