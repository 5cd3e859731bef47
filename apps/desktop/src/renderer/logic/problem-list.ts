// All problems of a draft as a list a person can act on: where each is (field name or policy item), what
// is wrong, and which view and field to go to.

import type { DraftDocument } from './draft';

export interface ProblemItem {
  readonly key: string;
  readonly where: string;
  readonly message: string;
  readonly view: 'designer' | 'policy';
  /** The field to select, for field problems. */
  readonly fieldId: number | null;
}

export function problemList(draft: DraftDocument, problems: Readonly<Record<string, string>>): ProblemItem[] {
  return Object.entries(problems).map(([key, message]) => {
    const parts = key.split('.');
    if (parts[0] === 'fields') {
      const id = Number(parts[1]);
      const field = draft.fields.find((f) => f.id === id);
      const what = parts.slice(2).join(' ');
      return {
        key,
        where: `${field?.name || 'unnamed field'}: ${what}`,
        message,
        view: 'designer',
        fieldId: id,
      };
    }
    if (parts[0] === 'labels') {
      const label = draft.labels.find((l) => l.id === Number(parts[1]));
      const what = parts.slice(2).join(' ');
      return {
        key,
        where: `label ${label?.name || '(unnamed)'}: ${what}`,
        message,
        view: 'designer',
        fieldId: null,
      };
    }
    if (parts[0] === 'name') return { key, where: 'layout name', message, view: 'designer', fieldId: null };
    if (!['rules', 'routes', 'classes'].includes(parts[0]!))
      return { key, where: key, message, view: 'designer', fieldId: null };
    const index = Number(parts[1]);
    const kind = parts[0] === 'rules' ? 'rule' : parts[0] === 'routes' ? 'route' : 'class';
    const label = parts[0] === 'rules' ? (draft.rules[index]?.name ?? `${index + 1}`) : `${index + 1}`;
    return {
      key,
      where: `${kind} ${label}: ${parts.slice(2).join(' ')}`,
      message,
      view: 'policy',
      fieldId: null,
    };
  });
}
