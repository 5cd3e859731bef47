// A designer stand-in for the strip test: keeps the fields and applies the strip's events to them.

import '../../components/bit-strip/bit-strip.component';
import type { StripField } from '../../logic/strip-cells';
import { adoptTokens } from '../../styles/tokens';

adoptTokens(document);
const strip = document.createElement('mw-bit-strip');
strip.mode = 'edit';
strip.space = 'fwmark';
document.body.append(strip);
const state = { fields: [] as StripField[], events: [] as string[], nextId: 1 };
const render = () => {
  strip.fields = [...state.fields];
};
strip.addEventListener('field-create', (e) => {
  const { mask } = (e as CustomEvent<{ mask: number }>).detail;
  const id = state.nextId++;
  state.fields.push({ id, name: `f${id}`, mask, colorIndex: id - 1 });
  strip.selectedId = id;
  state.events.push(`create ${mask}`);
  render();
});
strip.addEventListener('field-change', (e) => {
  const { id, mask } = (e as CustomEvent<{ id: number; mask: number }>).detail;
  const f = state.fields.find((x) => x.id === id);
  if (f) state.fields[state.fields.indexOf(f)] = { ...f, mask };
  state.events.push(`change ${id} ${mask}`);
  render();
});
strip.addEventListener('field-select', (e) => {
  strip.selectedId = (e as CustomEvent<{ id: number }>).detail.id;
});
strip.addEventListener('placement-refused', (e) => {
  state.events.push(`refused ${(e as CustomEvent<{ reason: string }>).detail.reason}`);
});
Object.assign(globalThis, {
  stripState: state,
  strip,
  masks: () => state.fields.map((f) => f.mask),
  ready: true,
});
