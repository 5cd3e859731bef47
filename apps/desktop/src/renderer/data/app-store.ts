// The app's state: the layouts list, the open layout's draft (validated on every edit), the server's check
// report (conflicts with known consumers), the probed target, and the last status message. Views read it
// through the store context and call its methods; every change fires `change`.

import type { LayoutSummary, MarkwrightApi } from '@markwright/api';
import type { CheckReport, ProbeReport } from '@markwright/core';
import { type DraftDocument, draftFromDocument, draftToDocument, emptyDraft } from '../logic/draft';
import { validateDocument } from '../logic/validation';
import { describeError } from './errors';

export type StatusTone = 'info' | 'ok' | 'error';

export interface Status {
  readonly tone: StatusTone;
  readonly text: string;
}

/** How long typing may pause before the server's conflict check runs. */
const CHECK_DELAY_MS = 250;

export class AppStore extends EventTarget {
  layouts: LayoutSummary[] = [];
  /** Name and version of the layout the draft was loaded from (null for a layout not saved yet). */
  openLayout: { name: string; version: number } | null = null;
  draft: DraftDocument | null = null;
  problems: Record<string, string> = {};
  check: CheckReport | null = null;
  selectedFieldId: number | null = null;
  probe: ProbeReport | null = null;
  status: Status | null = null;
  busy = false;
  private savedJson = '';
  private checkTimer: ReturnType<typeof setTimeout> | undefined;
  private checkSeq = 0;

  constructor(readonly api: MarkwrightApi) {
    super();
  }

  get dirty(): boolean {
    return this.draft !== null && JSON.stringify(draftToDocument(this.draft)) !== this.savedJson;
  }

  /** Nothing invalid is saved: local problems or errors the server's check found. */
  get canSave(): boolean {
    return (
      this.draft !== null &&
      Object.keys(this.problems).length === 0 &&
      this.check?.valid !== false &&
      !this.busy
    );
  }

  notify(): void {
    this.dispatchEvent(new Event('change'));
  }

  setStatus(tone: StatusTone, text: string): void {
    this.status = { tone, text };
    this.notify();
  }

  /** Runs an API call, turning its failure into the status line (and rethrowing nothing). */
  async run<T>(what: string, call: () => Promise<T>): Promise<T | undefined> {
    this.busy = true;
    this.notify();
    try {
      return await call();
    } catch (error) {
      this.setStatus('error', `${what}: ${describeError(error)}`);
      return undefined;
    } finally {
      this.busy = false;
      this.notify();
    }
  }

  async refreshLayouts(): Promise<void> {
    const list = await this.run('Listing layouts', () => this.api.listLayouts());
    if (list) {
      this.layouts = list;
      this.notify();
    }
  }

  async open(name: string): Promise<boolean> {
    const layout = await this.run(`Opening ${name}`, () => this.api.getLayout({ name }));
    if (!layout) return false;
    this.loadDraft(draftFromDocument(layout.document), { name: layout.name, version: layout.version });
    this.setStatus('info', `Opened ${layout.name} v${layout.version}`);
    return true;
  }

  /** A new, unsaved layout in the designer. */
  startNew(name: string): void {
    this.loadDraft(emptyDraft(name), null);
    this.savedJson = '';
    this.setStatus('info', `New layout ${name}: add fields, then save`);
  }

  private loadDraft(draft: DraftDocument, from: { name: string; version: number } | null): void {
    this.draft = draft;
    this.openLayout = from;
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

  select(fieldId: number | null): void {
    this.selectedFieldId = fieldId;
    this.notify();
  }

  private revalidate(): void {
    if (!this.draft) return;
    this.problems = validateDocument(this.draft);
    if (this.status?.tone === 'ok') this.status = null;
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

  async save(note?: string): Promise<boolean> {
    if (!this.draft) return false;
    if (!this.canSave) {
      this.setStatus('error', 'Not saved: fix the errors shown next to the fields first');
      return false;
    }
    const draft = this.draft;
    const document = draftToDocument(draft);
    const input = note ? { name: draft.name, document, note } : { name: draft.name, document };
    const renamedUnsaved = this.openLayout === null || this.openLayout.name !== draft.name;
    const exists = this.layouts.some((l) => l.name === draft.name);
    const summary = await this.run('Saving', () =>
      renamedUnsaved && !exists ? this.api.createLayout(input) : this.api.saveLayout(input),
    );
    if (!summary) return false;
    this.openLayout = { name: summary.name, version: summary.currentVersion };
    this.savedJson = JSON.stringify(document);
    await this.refreshLayouts();
    this.setStatus('ok', `Saved ${summary.name} v${summary.currentVersion}`);
    return true;
  }

  async probeTarget(target: string): Promise<ProbeReport | undefined> {
    const report = await this.run(`Probing ${target}`, () => this.api.probe({ target }));
    if (report) {
      this.probe = report;
      this.notify();
    }
    return report;
  }

  dispose(): void {
    clearTimeout(this.checkTimer);
  }
}
