// The design linter's findings for the open layout: the draft run through the simulator (`api.lint`) on the
// routes and ip rules given on the simulator view, re-run shortly after each edit. Views ask for the findings at
// a document path (a rule, a route binding, a field) and show them beside it.

import type { MarkwrightApi } from '@markwright/api';
import type { LintFinding } from '@markwright/core';
import { draftToDocument } from '../../logic/draft';
import { DataStore } from '../data-store';
import type { DraftStore } from '../draft/draft-store';
import type { SimulationStore } from '../simulation/simulation-store';

/** How long editing may pause before the design is linted again. */
const LINT_DELAY_MS = 300;

export class LintStore extends DataStore {
  findings: readonly LintFinding[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private seq = 0;
  /** What was last linted (document and routing texts), so unrelated changes do not lint again. */
  private linted = '';

  constructor(
    private readonly api: MarkwrightApi,
    private readonly draft: DraftStore,
    private readonly simulation: SimulationStore,
  ) {
    super();
    draft.addEventListener('change', () => this.schedule());
    simulation.addEventListener('change', () => this.schedule());
  }

  /** Findings about `path` itself or anything inside it (`policy.rules[0]` holds `policy.rules[0].match`). */
  at(path: string): LintFinding[] {
    return this.findings.filter(
      (f) => f.path === path || f.path.startsWith(`${path}.`) || f.path.startsWith(`${path}[`),
    );
  }

  private schedule(): void {
    const draft = this.draft.draft;
    if (!draft || Object.keys(this.draft.problems).length > 0) {
      clearTimeout(this.timer);
      this.linted = '';
      if (this.findings.length > 0) {
        this.findings = [];
        this.notify();
      }
      return;
    }
    const document = draftToDocument(draft);
    const input = {
      document,
      ...(this.simulation.routesText.trim() !== '' && { routes: this.simulation.routesText }),
      ...(this.simulation.ipRulesText.trim() !== '' && { ipRules: this.simulation.ipRulesText }),
    };
    const key = JSON.stringify(input);
    if (key === this.linted) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.run(input, key), LINT_DELAY_MS);
  }

  private async run(input: Parameters<MarkwrightApi['lint']>[0], key: string): Promise<void> {
    const seq = ++this.seq;
    this.linted = key;
    try {
      const report = await this.api.lint(input);
      if (seq !== this.seq) return;
      this.findings = report.findings;
    } catch {
      // A document the server refuses is the draft check's to report; it has no findings.
      if (seq !== this.seq) return;
      this.findings = [];
    }
    this.notify();
  }

  dispose(): void {
    clearTimeout(this.timer);
  }
}
