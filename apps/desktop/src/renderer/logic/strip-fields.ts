import type { DraftField } from './draft';
import type { StripField } from './strip-cells';

/** The fields of one mark as a strip draws them; colours follow the field's place in the whole layout. */
export function toStripFields(fields: readonly DraftField[], space: 'fwmark' | 'connmark'): StripField[] {
  const out: StripField[] = [];
  fields.forEach((f, i) => {
    if (f.space === space)
      out.push({ id: f.id, name: f.name || `field ${i + 1}`, mask: f.mask, colorIndex: i });
  });
  return out;
}

/**
 * The fields whose bits the conntrack mark holds: connmark fields, and fwmark fields marked persist (saved to
 * the same bits of the ct mark and restored from there).
 */
export function ctmarkStripFields(fields: readonly DraftField[]): StripField[] {
  const out: StripField[] = [];
  fields.forEach((f, i) => {
    if (f.space === 'connmark' || f.persist)
      out.push({ id: f.id, name: f.name || `field ${i + 1}`, mask: f.mask, colorIndex: i });
  });
  return out;
}
