// A designer stand-in for the inspector test: one field edited through the inspector, validated on every edit.

import '../../components/field-inspector/field-inspector.component';
import { emptyDraft, newField } from '../../logic/draft';
import { draftProblems } from '../../logic/draft-problems';
import { adoptTokens } from '../../styles/tokens';

adoptTokens(document);
const other = newField('fwmark', 0x0400_0000, 'bulk');
const field = newField('fwmark', 0x0300_0000, 'uplink');
field.kind = 'enum';
field.values = [
  { name: 'isp1', value: '1' },
  { name: 'isp2', value: '2' },
];
const inspector = document.createElement('mw-field-inspector');
const refresh = () => {
  inspector.field = { ...field };
  inspector.problems = draftProblems({ ...emptyDraft('edge'), fields: [other, field] });
};
inspector.addEventListener('field-update', (e) => {
  Object.assign(field, (e as CustomEvent<{ patch: object }>).detail.patch);
  refresh();
});
refresh();
document.body.append(inspector);
Object.assign(globalThis, { field: () => ({ ...field }), ready: true });
