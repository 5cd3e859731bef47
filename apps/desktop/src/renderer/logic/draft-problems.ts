// The problems of a draft, each keyed by the input it belongs to (`fields.3.name`, keyed by field id so it
// follows the field while the list changes; `rules.0.dport`), so each view can show it next to that input.
// The rules are core's: the draft becomes `markwright/1` JSON and core's checkDocument (the check behind
// `layout check` and every save) reports on it; each error's JSON path is mapped back to its input. Checked here
// are only what that JSON cannot say: an enum value name listed twice (a JSON object keeps one) and the layout
// name the API accepts (the rule its schema applies). A typed offset and width go through the same check.

import { layoutNameProblem as apiNameProblem } from '@markwright/api/names';
import { checkDocument } from '@markwright/core';
import { type DraftDocument, type DraftField, type DraftLabel, draftToDocument } from './draft';

export type Problems = Readonly<Record<string, string>>;

export const fieldKey = (f: DraftField, part: string): string => `fields.${f.id}.${part}`;

/** A label's inputs are keyed by its id too: `labels.7.context`. */
export const labelKey = (l: DraftLabel, part: string): string => `labels.${l.id}.${part}`;

/** The key every problem no input shows is filed under (the problem list still names it). */
export const DOCUMENT_KEY = 'document';

export function draftProblems(draft: DraftDocument): Record<string, string> {
  const out: Record<string, string> = {};
  const name = layoutNameProblem(draft.name);
  if (name) out.name = name;
  for (const field of draft.fields) repeatedValueNames(field, out);
  for (const error of checkDocument(draftToDocument(draft)).errors) {
    // One message per input: the first core reports (its own problems come before clashes with others).
    out[inputKey(draft, error.field, error.message)] ??= error.message;
  }
  return out;
}

/** Why the API would refuse this layout name, or null. */
export function layoutNameProblem(name: string): string | null {
  const problem = apiNameProblem(name);
  return problem === null ? null : `layout name ${JSON.stringify(name)} ${problem}`;
}

function repeatedValueNames(field: DraftField, out: Record<string, string>): void {
  const seen = new Set<string>();
  field.values.forEach((v, j) => {
    if (seen.has(v.name)) out[fieldKey(field, `values.${j}.name`)] = `"${v.name}" is listed twice`;
    seen.add(v.name);
  });
}

/**
 * Why a typed offset and width do not place a field, in core's words (the placement rules of the document
 * check, applied to a one-field layout), or null when they make a span.
 */
export function spanProblem(offsetText: string, widthText: string): string | null {
  const number = (text: string) => (/^[0-9]+$/.test(text.trim()) ? Number(text.trim()) : text);
  const field = { name: 'span', kind: 'int', offset: number(offsetText), width: number(widthText) };
  const { errors } = checkDocument({ format: 'markwright/1', name: 'span', layout: { fields: [field] } });
  const first = errors[0];
  if (!first) return null;
  // "must be ..." needs the input's name in front; other messages name offset and width themselves.
  const part = first.field.slice(first.field.lastIndexOf('.') + 1);
  return first.message.startsWith('must') ? `${part} ${first.message}` : first.message;
}

const FIELD_PATH = /^layout\.fields\[(\d+)\](?:\.([A-Za-z]+)(?:\.(.*))?)?$/;
const LABEL_PATH = /^layout\.secmarks\[(\d+)\](?:\.([A-Za-z]+))?$/;
const POLICY_PATH = /^policy\.(rules|routes|classes)\[(\d+)\](?:\.(.*))?$/;

/** The input a document path (`layout.fields[2].values.isp1`, `policy.rules[0].match.dport[1]`) came from. */
export function inputKey(draft: DraftDocument, path: string, message = ''): string {
  if (path === 'name') return 'name';
  const field = FIELD_PATH.exec(path);
  if (field) {
    const f = draft.fields[Number(field[1])];
    if (!f) return DOCUMENT_KEY;
    const part = field[2];
    // Placement errors (offset, width, mask, none given) belong to the field's bits.
    if (part === undefined || part === 'offset' || part === 'width' || part === 'mask')
      return fieldKey(f, 'mask');
    if (part === 'values' && field[3] !== undefined) {
      const j = f.values.findIndex((v) => v.name === field[3]);
      if (j < 0) return fieldKey(f, 'values');
      return fieldKey(f, `values.${j}.${message.startsWith('value name') ? 'name' : 'value'}`);
    }
    return fieldKey(f, part);
  }
  const label = LABEL_PATH.exec(path);
  if (label) {
    const l = draft.labels[Number(label[1])];
    return l ? labelKey(l, label[2] ?? 'name') : DOCUMENT_KEY;
  }
  const item = POLICY_PATH.exec(path);
  if (item) {
    const [, list, index, rest = ''] = item;
    const part = policyPart(rest.replace(/\[\d+\]$/, ''));
    return part === '' ? `${list}.${index}` : `${list}.${index}.${part}`;
  }
  return DOCUMENT_KEY;
}

/** The draft keeps match fields as `match.<field>` and every other match key (proto, ports, addresses) flat. */
function policyPart(rest: string): string {
  if (rest === 'match.fields' || rest === 'match') return 'match';
  if (rest.startsWith('match.fields.')) return `match.${rest.slice('match.fields.'.length)}`;
  if (rest.startsWith('match.')) return rest.slice('match.'.length);
  return rest;
}
