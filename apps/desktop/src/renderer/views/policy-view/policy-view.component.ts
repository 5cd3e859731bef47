// Policy: rules in field terms (packet match -> field values to set), route bindings (field values -> routing
// table) and class bindings (field values -> tc class), with the emitted nft, iptables, ip rule and tc text
// previewed live as the policy is edited.

import { html, LitElement, nothing } from 'lit';
import '../../components/field-values/field-values.component';
import { StoreController } from '../../controllers/store-controller';
import type { DraftDocument, DraftFieldValues, DraftRule } from '../../logic/draft';
import { type PreviewSyntax, previewDocument } from '../../logic/policy-preview';
import { baseStyles } from '../../styles/theme';
import { policyViewStyles } from './policy-view.styles';

const SYNTAXES: readonly { id: PreviewSyntax; title: string }[] = [
  { id: 'nft', title: 'nft' },
  { id: 'iptables', title: 'iptables' },
  { id: 'ip-rule', title: 'ip rule' },
  { id: 'tc', title: 'tc' },
];

const emptyRule = (n: number): DraftRule => ({
  name: `rule${n}`,
  hook: 'prerouting',
  proto: '',
  iif: '',
  oif: '',
  saddr: '',
  daddr: '',
  sport: '',
  dport: '',
  matchFields: {},
  set: {},
});

type TextKey = 'name' | 'proto' | 'iif' | 'oif' | 'saddr' | 'daddr' | 'sport' | 'dport';

export class PolicyView extends LitElement {
  static override styles = [baseStyles, policyViewStyles];
  static override properties = { syntax: { state: true } };

  syntax: PreviewSyntax = 'nft';
  private readonly ctl = new StoreController(this);

  private edit(change: (d: DraftDocument) => void): void {
    this.ctl.store?.edit(change);
  }

  override render() {
    const store = this.ctl.store;
    const draft = store?.draft;
    if (!store || !draft) return html`<div class="panel">No layout is open. Open one from Layouts.</div>`;
    const problems = store.problems;
    const preview = Object.keys(problems).length === 0 ? previewDocument(draft, this.syntax) : null;
    return html`
      <div class="col">
        <div class="panel">
          <div class="head"><h2>Rules</h2>
            <button data-testid="add-rule" @click=${() => this.edit((d) => d.rules.push(emptyRule(d.rules.length + 1)))}>Add rule</button></div>
          ${draft.rules.length === 0 ? html`<p class="muted">No rules: add one to set fields on matching packets.</p>` : nothing}
          ${draft.rules.map((r, i) => this.renderRule(draft, r, i, problems))}
        </div>
        <div class="panel">
          <div class="head"><h2>Routes</h2>
            <button data-testid="add-route" @click=${() => this.edit((d) => d.routes.push({ when: {}, table: '100', priority: String(10000 + d.routes.length), family: 'both' }))}>Add route</button></div>
          ${draft.routes.map(
            (r, i) => html`<div class="card" data-testid="route-${i}">
              <div class="line"><span class="tag">when</span>
                <mw-field-values .fields=${draft.fields.filter((f) => f.space === 'fwmark')} .values=${r.when} .problems=${problems}
                  key-prefix="routes.${i}.when" @values-change=${(e: CustomEvent<DraftFieldValues>) =>
                    this.edit((d) => {
                      d.routes[i]!.when = e.detail;
                    })}></mw-field-values></div>
              <div class="line">
                ${this.textCell(`routes.${i}.table`, 'table', r.table, problems, (v) =>
                  this.edit((d) => {
                    d.routes[i]!.table = v;
                  }),
                )}
                ${this.textCell(`routes.${i}.priority`, 'priority', r.priority, problems, (v) =>
                  this.edit((d) => {
                    d.routes[i]!.priority = v;
                  }),
                )}
                <div class="cell"><label for="routes.${i}.family">family</label>
                  <select id="routes.${i}.family" data-testid="routes.${i}.family" @change=${(e: Event) =>
                    this.edit((d) => {
                      d.routes[i]!.family = (e.target as HTMLSelectElement).value as '4' | '6' | 'both';
                    })}>
                    ${(['both', '4', '6'] as const).map((f) => html`<option value=${f} ?selected=${r.family === f}>${f === 'both' ? 'IPv4 + IPv6' : `IPv${f}`}</option>`)}
                  </select></div>
                <button class="danger" data-testid="remove-route-${i}" @click=${() => this.edit((d) => d.routes.splice(i, 1))}>Remove</button>
              </div></div>`,
          )}
        </div>
        <div class="panel">
          <div class="head"><h2>Classes</h2>
            <button data-testid="add-class" @click=${() => this.edit((d) => d.classes.push({ when: {}, dev: 'eth0', classid: '1:10', parent: '', priority: String(49000 + d.classes.length) }))}>Add class</button></div>
          ${draft.classes.map(
            (c, i) => html`<div class="card" data-testid="class-${i}">
              <div class="line"><span class="tag">when</span>
                <mw-field-values .fields=${draft.fields.filter((f) => f.space === 'fwmark')} .values=${c.when} .problems=${problems}
                  key-prefix="classes.${i}.when" @values-change=${(e: CustomEvent<DraftFieldValues>) =>
                    this.edit((d) => {
                      d.classes[i]!.when = e.detail;
                    })}></mw-field-values></div>
              <div class="line">
                ${this.textCell(`classes.${i}.dev`, 'device', c.dev, problems, (v) =>
                  this.edit((d) => {
                    d.classes[i]!.dev = v;
                  }),
                )}
                ${this.textCell(`classes.${i}.classid`, 'class id', c.classid, problems, (v) =>
                  this.edit((d) => {
                    d.classes[i]!.classid = v;
                  }),
                )}
                ${this.textCell(`classes.${i}.parent`, 'parent', c.parent, problems, (v) =>
                  this.edit((d) => {
                    d.classes[i]!.parent = v;
                  }),
                )}
                ${this.textCell(`classes.${i}.priority`, 'prio', c.priority, problems, (v) =>
                  this.edit((d) => {
                    d.classes[i]!.priority = v;
                  }),
                )}
                <button class="danger" data-testid="remove-class-${i}" @click=${() => this.edit((d) => d.classes.splice(i, 1))}>Remove</button>
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

  private renderRule(
    draft: DraftDocument,
    r: DraftRule,
    i: number,
    problems: Readonly<Record<string, string>>,
  ) {
    const set = (key: TextKey) => (v: string) =>
      this.edit((d) => {
        d.rules[i]![key] = v;
      });
    return html`<div class="card" data-testid="rule-${i}">
      <div class="line">
        ${this.textCell(`rules.${i}.name`, 'name', r.name, problems, set('name'))}
        <div class="cell"><label for="rules.${i}.hook">hook</label>
          <select id="rules.${i}.hook" data-testid="rules.${i}.hook" @change=${(e: Event) =>
            this.edit((d) => {
              d.rules[i]!.hook = (e.target as HTMLSelectElement).value as DraftRule['hook'];
            })}>
            ${(['prerouting', 'output', 'forward', 'postrouting'] as const).map((h) => html`<option ?selected=${h === r.hook}>${h}</option>`)}
          </select></div>
        ${this.textCell(`rules.${i}.proto`, 'proto', r.proto, problems, set('proto'), true)}
        ${this.textCell(`rules.${i}.iif`, 'iif', r.iif, problems, set('iif'), true)}
        ${this.textCell(`rules.${i}.oif`, 'oif', r.oif, problems, set('oif'), true)}
        ${this.textCell(`rules.${i}.saddr`, 'saddr', r.saddr, problems, set('saddr'))}
        ${this.textCell(`rules.${i}.daddr`, 'daddr', r.daddr, problems, set('daddr'))}
        ${this.textCell(`rules.${i}.sport`, 'sport', r.sport, problems, set('sport'), true)}
        ${this.textCell(`rules.${i}.dport`, 'dport', r.dport, problems, set('dport'), true)}
        <button class="danger" data-testid="remove-rule-${i}" aria-label="remove rule ${r.name}" @click=${() => this.edit((d) => d.rules.splice(i, 1))}>Remove</button>
      </div>
      <div class="line"><span class="tag">when</span>
        <mw-field-values .fields=${draft.fields} .values=${r.matchFields} .problems=${problems} key-prefix="rules.${i}.match"
          @values-change=${(e: CustomEvent<DraftFieldValues>) =>
            this.edit((d) => {
              d.rules[i]!.matchFields = e.detail;
            })}></mw-field-values>
        <span class="tag">set</span>
        <mw-field-values .fields=${draft.fields.filter((f) => f.space === 'fwmark' || !r.hook.startsWith('post'))} .values=${r.set} .problems=${problems} key-prefix="rules.${i}.set"
          @values-change=${(e: CustomEvent<DraftFieldValues>) =>
            this.edit((d) => {
              d.rules[i]!.set = e.detail;
            })}></mw-field-values></div>
      ${problems[`rules.${i}.set`] ? html`<div class="error" data-testid="rules.${i}.set-error">${problems[`rules.${i}.set`]}</div>` : nothing}
    </div>`;
  }

  private textCell(
    id: string,
    label: string,
    value: string,
    problems: Readonly<Record<string, string>>,
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
