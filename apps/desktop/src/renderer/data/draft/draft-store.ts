// The open layout: the draft being edited (validated by core on every edit), the server's check report
// (conflicts with known consumers), the selected field, and saving it as a new version. The designer and the
// policy view render it and call its methods; nothing invalid is ever sent to be saved.

import type { MarkwrightApi } from '@markwright/api';
import type { CheckReport, FieldSpace } from '@markwright/core';
import {
  type DraftClass,
  type DraftDocument,
  type DraftField,
  type DraftLabel,
  type DraftRoute,
  type DraftRule,
  draftFromDocument,
  draftToDocument,
  emptyDraft,
  newClass,
  newField,
  newLabel,
  newRoute,
  newRule,
} from '../../logic/draft';
import { draftProblems } from '../../logic/draft-problems';
import type { ActivityStore } from '../activity/activity-store';
import { DataStore } from '../data-store';
import { describeError } from '../errors';

/** How long typing may pause before the server's conflict check runs. */
const CHECK_DELAY_MS = 250;

/** What saving needs to know of the layouts list. */
export interface LayoutLibrary {
  has(name: string): boolean;
  refresh(): Promise<void>;
}

export type SaveState = { readonly tone: 'invalid' | 'unsaved' | 'saved'; readonly text: string };

type PolicyList = 'rules' | 'routes' | 'classes';
type PolicyItem<L extends PolicyList> = DraftDocument[L][number];

export class DraftStore extends DataStore {
  /** Name and version of the layout the draft was loaded from (null for a layout not saved yet). */
  openLayout: { name: string; version: number } | null = null;
  draft: DraftDocument | null = null;
  problems: Record<string, string> = {};
  check: CheckReport | null = null;
  selectedFieldId: number | null = null;
  /** The version note being typed; it goes with the next save. */
  note = '';
  private savedJson = '';
  private checkTimer: ReturnType<typeof setTimeout> | undefined;
  private checkSeq = 0;

  constructor(
    private readonly api: MarkwrightApi,
    private readonly activity: ActivityStore,
    private readonly library: LayoutLibrary,
  ) {
    super();
    // Whether saving is possible depends on calls in flight too.
    activity.addEventListener('change', () => this.notify());
  }

  get dirty(): boolean {
    return this.draft !== null && JSON.stringify(draftToDocument(this.draft)) !== this.savedJson;
  }

  /** Problems found here plus the errors the server's check reported. */
  get problemCount(): number {
    return Object.keys(this.problems).length + (this.check?.valid === false ? this.check.errors.length : 0);
  }

  /** Problems here, or a server check that refused the document. */
  get hasErrors(): boolean {
    return Object.keys(this.problems).length > 0 || this.check?.valid === false;
  }

  /** Nothing invalid is saved: local problems or errors the server's check found. */
  get canSave(): boolean {
    return this.draft !== null && !this.hasErrors && !this.activity.busy;
  }

  get saveState(): SaveState {
    const n = this.problemCount;
    if (n > 0) return { tone: 'invalid', text: `${n} problem${n === 1 ? '' : 's'}: not saved` };
    if (this.dirty || !this.openLayout) return { tone: 'unsaved', text: 'Unsaved changes' };
    return { tone: 'saved', text: 'Saved' };
  }

  async open(name: string): Promise<boolean> {
    const layout = await this.activity.run(`Opening ${name}`, () => this.api.getLayout({ name }));
    if (!layout) return false;
    this.load(draftFromDocument(layout.document), { name: layout.name, version: layout.version });
    this.activity.setStatus('info', `Opened ${layout.name} v${layout.version}`);
    return true;
  }

  /** A new, unsaved layout in the designer. */
  startNew(name: string): void {
    this.load(emptyDraft(name), null);
    this.savedJson = '';
    this.activity.setStatus('info', `New layout ${name}: add fields, then save`);
  }

  /** Nothing open any more (the layout was deleted). */
  close(): void {
    clearTimeout(this.checkTimer);
    this.draft = null;
    this.openLayout = null;
    this.check = null;
    this.problems = {};
    this.notify();
  }

  private load(draft: DraftDocument, from: { name: string; version: number } | null): void {
    this.draft = draft;
    this.openLayout = from;
    this.note = '';
    this.savedJson = JSON.stringify(draftToDocument(draft));
    this.selectedFieldId = draft.fields[0]?.id ?? null;
    this.revalidate();
  }

  /** Applies an edit to the draft and validates it at once (the server check follows shortly). */
  edit(change: (draft: DraftDocument) => void): void {
    if (!this.draft) return;
    change(this.draft);
    this.revalidate();
  }

  setNote(note: string): void {
    this.note = note;
    this.notify();
  }

  select(fieldId: number | null): void {
    this.selectedFieldId = fieldId;
    this.notify();
  }

  rename(name: string): void {
    this.edit((d) => {
      d.name = name;
    });
  }

  /** True while any call is in flight. */
  get busy(): boolean {
    return this.activity.busy;
  }

  /** A new field on the given bits, named field<N>, and selected; `persist` for one saved to the ct mark. */
  addField(space: FieldSpace, mask: number, persist = false): void {
    const draft = this.draft;
    if (!draft) return;
    let n = draft.fields.length + 1;
    while (draft.fields.some((f) => f.name === `field${n}`)) n++;
    const field = newField(space, mask, `field${n}`);
    field.persist = persist;
    this.edit((d) => d.fields.push(field));
    this.select(field.id);
  }

  /** The keyboard path to a new field: the lowest free bit of the mark. */
  addFieldOnFreeBit(space: FieldSpace): void {
    const draft = this.draft;
    if (!draft) return;
    const used = draft.fields.filter((f) => f.space === space).reduce((m, f) => m | f.mask, 0);
    for (let bit = 0; bit < 32; bit++) {
      if (((used >>> bit) & 1) === 0) {
        this.addField(space, (1 << bit) >>> 0);
        return;
      }
    }
    this.activity.setStatus('error', `No free bit left in the ${space}`);
  }

  patchField(id: number, patch: Partial<DraftField>): void {
    this.edit((d) => {
      const f = d.fields.find((x) => x.id === id);
      if (f) Object.assign(f, patch);
    });
  }

  removeField(id: number): void {
    this.edit((d) => {
      d.fields = d.fields.filter((f) => f.id !== id);
    });
    this.select(this.draft?.fields[0]?.id ?? null);
  }

  /** A new security label named label<N> (then edited in the labels panel); returns its id. */
  addLabel(): number | null {
    const draft = this.draft;
    if (!draft) return null;
    let n = draft.labels.length + 1;
    while (draft.labels.some((l) => l.name === `label${n}`)) n++;
    const label = newLabel(`label${n}`);
    this.edit((d) => d.labels.push(label));
    return label.id;
  }

  /** Edits a label; a new name is followed by the rules that set it, so renaming never breaks them. */
  patchLabel(id: number, patch: Partial<Omit<DraftLabel, 'id'>>): void {
    this.edit((d) => {
      const label = d.labels.find((l) => l.id === id);
      if (!label) return;
      if (patch.name !== undefined && patch.name !== label.name)
        for (const r of d.rules) if (r.secmark === label.name) r.secmark = patch.name;
      Object.assign(label, patch);
    });
  }

  /** Removes a label and the rules' references to it (a rule then sets fields only). */
  removeLabel(id: number): void {
    this.edit((d) => {
      const label = d.labels.find((l) => l.id === id);
      if (!label) return;
      d.labels = d.labels.filter((l) => l.id !== id);
      for (const r of d.rules) if (r.secmark === label.name) r.secmark = '';
    });
  }

  /** Adds a rule, route or class binding with the defaults a person starts from. */
  addPolicyItem(list: PolicyList): void {
    this.edit((d) => {
      if (list === 'rules') d.rules.push(newRule(d.rules.length + 1));
      else if (list === 'routes') d.routes.push(newRoute(d.routes.length));
      else d.classes.push(newClass(d.classes.length));
    });
  }

  /** A new route binding on a given ip rule priority and table (as suggested for the box). */
  addRoute(priority: number, table: number): void {
    this.edit((d) => {
      d.routes.push({ ...newRoute(d.routes.length), priority: String(priority), table: String(table) });
    });
  }

  patchPolicyItem<L extends PolicyList>(list: L, index: number, patch: Partial<PolicyItem<L>>): void {
    this.edit((d) => {
      const item = d[list][index] as DraftRule | DraftRoute | DraftClass | undefined;
      if (item) Object.assign(item, patch);
    });
  }

  removePolicyItem(list: PolicyList, index: number): void {
    this.edit((d) => {
      d[list].splice(index, 1);
    });
  }

  private revalidate(): void {
    if (!this.draft) return;
    this.problems = draftProblems(this.draft);
    this.activity.clearSuccess();
    this.notify();
    clearTimeout(this.checkTimer);
    if (Object.keys(this.problems).length === 0)
      this.checkTimer = setTimeout(() => void this.runCheck(), CHECK_DELAY_MS);
    else this.check = null;
  }

  /** The server-side check: core's full validation plus conflicts with known consumers. */
  async runCheck(): Promise<void> {
    if (!this.draft) return;
    const seq = ++this.checkSeq;
    try {
      const report = await this.api.checkDocument({ document: draftToDocument(this.draft) });
      if (seq !== this.checkSeq) return;
      this.check = report;
    } catch (error) {
      if (seq !== this.checkSeq) return;
      this.check = {
        valid: false,
        errors: [{ field: 'document', message: describeError(error) }],
        conflicts: [],
      };
    }
    this.notify();
  }

  /** Saves the draft as a new version, with `note` or else the note typed so far (then cleared). */
  async save(note = this.note.trim()): Promise<boolean> {
    if (!this.draft) return false;
    if (!this.canSave) {
      this.activity.setStatus('error', 'Not saved: fix the errors shown next to the fields first');
      return false;
    }
    const draft = this.draft;
    const document = draftToDocument(draft);
    const input = note ? { name: draft.name, document, note } : { name: draft.name, document };
    const renamedUnsaved = this.openLayout === null || this.openLayout.name !== draft.name;
    const create = renamedUnsaved && !this.library.has(draft.name);
    const summary = await this.activity.run('Saving', () =>
      create ? this.api.createLayout(input) : this.api.saveLayout(input),
    );
    if (!summary) return false;
    this.openLayout = { name: summary.name, version: summary.currentVersion };
    this.savedJson = JSON.stringify(document);
    this.note = '';
    this.notify();
    await this.library.refresh();
    this.activity.setStatus('ok', `Saved ${summary.name} v${summary.currentVersion}`);
    return true;
  }

  dispose(): void {
    clearTimeout(this.checkTimer);
  }
}
