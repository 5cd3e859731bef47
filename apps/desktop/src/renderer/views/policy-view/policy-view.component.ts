// Policy: rules in field terms (packet match -> field values to set), route bindings (field values -> routing
// table) and class bindings (field values -> tc class), with the emitted nft, iptables, ip rule and tc text
// previewed live as the policy is edited.

import { html, LitElement, nothing } from 'lit';
import '../../components/field-values/field-values.component';
import { lintFindingStyles, lintFindings } from '../../components/lint-findings/lint-findings';
import { StoreController } from '../../controllers/store-controller';
import { draftContext, lintContext } from '../../data/contexts';
import type { DraftStore } from '../../data/draft/draft-store';
import type { DraftDocument, DraftFieldValues, DraftRule } from '../../logic/draft';
import type { Problems } from '../../logic/draft-problems';
import { PREVIEW_SYNTAXES, type PreviewSyntax, previewDocument } from '../../logic/policy-preview';
import { viewStyles } from '../../styles/layout';
import { baseStyles } from '../../styles/theme';
import { policyViewStyles } from './policy-view.styles';

const SYNTAXES = PREVIEW_SYNTAXES;

const HOOKS: readonly DraftRule['hook'][] = ['prerouting', 'output', 'forward', 'postrouting'];

type TextKey = 'name' | 'proto' | 'iif' | 'oif' | 'saddr' | 'daddr' | 'sport' | 'dport';

export class PolicyView extends LitElement {
  static override styles = [baseStyles, ...viewStyles, policyViewStyles, lintFindingStyles];
  static override properties = { syntax: { state: true } };

  syntax: PreviewSyntax = 'nft';
  private readonly layout = new StoreController(this, draftContext);
  private readonly lint = new StoreController(this, lintContext);

  override render() {
    const store = this.layout.value;
    const draft = store?.draft;
    if (!store || !draft) return html`<div class="panel">No layout is open. Open one from Layouts.</div>`;
    const problems = store.problems;
    const preview = Object.keys(problems).length === 0 ? previewDocument(draft, this.syntax) : null;
    const fwmarkFields = draft.fields.filter((f) => f.space === 'fwmark');
    return html`
      <div class="col">
        <div class="panel">
          <div class="head"><h2>Rules</h2>
            <button data-testid="add-rule" @click=${() => store.addPolicyItem('rules')}>Add rule</button></div>
          ${draft.rules.length === 0 ? html`<p class="muted">No rules: add one to set fields on matching packets.</p>` : nothing}
          ${draft.rules.map((r, i) => this.renderRule(store, draft, r, i, problems))}
        </div>
        <div class="panel">
          <div class="head"><h2>Routes</h2>
            <button data-testid="add-route" @click=${() => store.addPolicyItem('routes')}>Add route</button></div>
          ${draft.routes.map(
            (r, i) => html`<div class="card" data-testid="route-${i}">
              ${this.whenLine(`routes.${i}.when`, fwmarkFields, r.when, problems, (when) => store.patchPolicyItem('routes', i, { when }))}
              <div class="line">
                ${this.textCell(`routes.${i}.table`, 'table', r.table, problems, (table) => store.patchPolicyItem('routes', i, { table }))}
                ${this.textCell(`routes.${i}.priority`, 'priority', r.priority, problems, (priority) => store.patchPolicyItem('routes', i, { priority }))}
                <div class="cell"><label for="routes.${i}.family">family</label>
                  <select id="routes.${i}.family" data-testid="routes.${i}.family" @change=${(e: Event) =>
                    store.patchPolicyItem('routes', i, {
                      family: (e.target as HTMLSelectElement).value as '4' | '6' | 'both',
                    })}>
                    ${(['both', '4', '6'] as const).map((f) => html`<option value=${f} ?selected=${r.family === f}>${f === 'both' ? 'IPv4 + IPv6' : `IPv${f}`}</option>`)}
                  </select></div>
                <button class="danger" data-testid="remove-route-${i}" @click=${() => store.removePolicyItem('routes', i)}>Remove</button>
              </div>
              ${lintFindings(this.lint.value?.at(`policy.routes[${i}]`) ?? [], `lint-route-${i}`)}</div>`,
          )}
        </div>
        <div class="panel">
          <div class="head"><h2>Classes</h2>
            <button data-testid="add-class" @click=${() => store.addPolicyItem('classes')}>Add class</button></div>
          ${draft.classes.map(
            (c, i) => html`<div class="card" data-testid="class-${i}">
              ${this.whenLine(`classes.${i}.when`, fwmarkFields, c.when, problems, (when) => store.patchPolicyItem('classes', i, { when }))}
              <div class="line">
                ${this.textCell(`classes.${i}.dev`, 'device', c.dev, problems, (dev) => store.patchPolicyItem('classes', i, { dev }))}
                ${this.textCell(`classes.${i}.classid`, 'class id', c.classid, problems, (classid) => store.patchPolicyItem('classes', i, { classid }))}
                ${this.textCell(`classes.${i}.parent`, 'parent', c.parent, problems, (parent) => store.patchPolicyItem('classes', i, { parent }))}
                ${this.textCell(`classes.${i}.priority`, 'prio', c.priority, problems, (priority) => store.patchPolicyItem('classes', i, { priority }))}
                <button class="danger" data-testid="remove-class-${i}" @click=${() => store.removePolicyItem('classes', i)}>Remove</button>
              </div></div>`,
          )}
        </div>
      </div>
      <div class="col">
        <div class="panel">
          <h2>Preview</h2>
          <div role="tablist" aria-label="syntax">
            ${SYNTAXES.map(
              (
                s,
              ) => html`<button role="tab" data-testid="preview-${s.id}" aria-selected=${this.syntax === s.id ? 'true' : 'false'}
                @click=${() => {
                  this.syntax = s.id;
                }}>${s.title}</button>`,
            )}
          </div>
          ${
            preview === null
              ? html`<p class="error" data-testid="preview-blocked">Fix the errors in the layout or policy to see the emitted rules.</p>`
              : preview.ok
                ? html`<pre data-testid="preview-text">${preview.text || '(nothing to emit)'}</pre>`
                : html`<p class="error" data-testid="preview-error">${preview.error}</p>`
          }
        </div>
      </div>
    `;
  }

  private renderRule(store: DraftStore, draft: DraftDocument, r: DraftRule, i: number, problems: Problems) {
    const set = (key: TextKey) => (v: string) => store.patchPolicyItem('rules', i, { [key]: v });
    return html`<div class="card" data-testid="rule-${i}">
      ${lintFindings(this.lint.value?.at(`policy.rules[${i}]`) ?? [], `lint-rule-${i}`)}
      <div class="line">
        ${this.textCell(`rules.${i}.name`, 'name', r.name, problems, set('name'))}
        <div class="cell"><label for="rules.${i}.hook">hook</label>
          <select id="rules.${i}.hook" data-testid="rules.${i}.hook" @change=${(e: Event) =>
            store.patchPolicyItem('rules', i, {
              hook: (e.target as HTMLSelectElement).value as DraftRule['hook'],
            })}>
            ${HOOKS.map((h) => html`<option ?selected=${h === r.hook}>${h}</option>`)}
          </select></div>
        ${this.textCell(`rules.${i}.proto`, 'proto', r.proto, problems, set('proto'), true)}
        ${this.textCell(`rules.${i}.iif`, 'iif', r.iif, problems, set('iif'), true)}
        ${this.textCell(`rules.${i}.oif`, 'oif', r.oif, problems, set('oif'), true)}
        ${this.textCell(`rules.${i}.saddr`, 'saddr', r.saddr, problems, set('saddr'))}
        ${this.textCell(`rules.${i}.daddr`, 'daddr', r.daddr, problems, set('daddr'))}
        ${this.textCell(`rules.${i}.sport`, 'sport', r.sport, problems, set('sport'), true)}
        ${this.textCell(`rules.${i}.dport`, 'dport', r.dport, problems, set('dport'), true)}
        <button class="danger" data-testid="remove-rule-${i}" aria-label="remove rule ${r.name}" @click=${() => store.removePolicyItem('rules', i)}>Remove</button>
      </div>
      <div class="line"><span class="tag">when</span>
        <mw-field-values .fields=${draft.fields} .values=${r.matchFields} .problems=${problems} key-prefix="rules.${i}.match"
          @values-change=${(e: CustomEvent<DraftFieldValues>) => store.patchPolicyItem('rules', i, { matchFields: e.detail })}></mw-field-values>
        <span class="tag">set</span>
        <mw-field-values .fields=${draft.fields.filter((f) => f.space === 'fwmark' || !r.hook.startsWith('post'))} .values=${r.set} .problems=${problems} key-prefix="rules.${i}.set"
          @values-change=${(e: CustomEvent<DraftFieldValues>) => store.patchPolicyItem('rules', i, { set: e.detail })}></mw-field-values>
        ${this.labelCell(store, draft, r, i, problems)}</div>
      ${this.itemError(`rules.${i}.match`, problems)} ${this.itemError(`rules.${i}.set`, problems)}
      ${this.itemError(`rules.${i}.hook`, problems)}
    </div>`;
  }

  /** The security label the rule sets (`set.secmark`), chosen among the layout's labels. */
  private labelCell(store: DraftStore, draft: DraftDocument, r: DraftRule, i: number, problems: Problems) {
    const id = `rules.${i}.set.secmark`;
    const err = problems[id];
    const names = draft.labels.map((l) => l.name);
    if (names.length === 0 && r.secmark === '') return nothing;
    return html`<div class="cell"><label for=${id}>label</label>
      <select id=${id} data-testid=${id} aria-invalid=${err ? 'true' : 'false'}
        @change=${(e: Event) => store.patchPolicyItem('rules', i, { secmark: (e.target as HTMLSelectElement).value })}>
        <option value="" ?selected=${r.secmark === ''}>none</option>
        ${names.map((n) => html`<option value=${n} ?selected=${n === r.secmark}>${n}</option>`)}
        ${r.secmark !== '' && !names.includes(r.secmark) ? html`<option value=${r.secmark} selected>${r.secmark}</option>` : nothing}
      </select>
      ${err ? html`<span class="error" data-testid="${id}-error">label: ${err}</span>` : nothing}</div>`;
  }

  /** The field values a route or class binding selects on, with the error about them as a whole. */
  private whenLine(
    key: string,
    fields: DraftDocument['fields'],
    values: DraftFieldValues,
    problems: Problems,
    onChange: (values: DraftFieldValues) => void,
  ) {
    return html`<div class="line"><span class="tag">when</span>
        <mw-field-values .fields=${fields} .values=${values} .problems=${problems} key-prefix=${key}
          @values-change=${(e: CustomEvent<DraftFieldValues>) => onChange(e.detail)}></mw-field-values></div>
      ${this.itemError(key, problems)}`;
  }

  private itemError(key: string, problems: Problems) {
    return problems[key]
      ? html`<div class="error" data-testid="${key}-error">${problems[key]}</div>`
      : nothing;
  }

  private textCell(
    id: string,
    label: string,
    value: string,
    problems: Problems,
    onInput: (v: string) => void,
    short = false,
  ) {
    const err = problems[id];
    return html`<div class="cell"><label for=${id}>${label}</label>
      <input id=${id} class=${short ? 'short' : ''} type="text" data-testid=${id} .value=${value}
        aria-invalid=${err ? 'true' : 'false'} @input=${(e: Event) => onInput((e.target as HTMLInputElement).value)} />
      ${err ? html`<span class="error" data-testid="${id}-error">${err}</span>` : nothing}</div>`;
  }
}

customElements.define('mw-policy-view', PolicyView);

declare global {
  interface HTMLElementTagNameMap {
    'mw-policy-view': PolicyView;
  }
}
