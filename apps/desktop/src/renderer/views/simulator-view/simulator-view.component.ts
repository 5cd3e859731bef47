// Simulator: a packet (or a flow of packets) through the open layout's compiled rules. For each packet the hook
// path is drawn, every step lists the mark and ct mark with bits coloured by field, matched rules stand out,
// and the routing decision is shown.

import type { PacketResult, StepLabels, TraceStep } from '@markwright/core';
import { html, LitElement, nothing } from 'lit';
import '../../components/hook-diagram/hook-diagram.component';
import '../../components/live-trace/live-trace.component';
import '../../components/mark-bits/mark-bits.component';
import { StoreController } from '../../controllers/store-controller';
import { deployContext, draftContext, simulationContext } from '../../data/contexts';
import { hookPath } from '../../logic/hook-path';
import { type PacketForm, PRESETS } from '../../logic/packet-form';
import { colorClassOf, type StripField } from '../../logic/strip-cells';
import { ctmarkStripFields, toStripFields } from '../../logic/strip-fields';
import { hasLabels, labelsAfter } from '../../logic/trace-labels';
import { viewStyles } from '../../styles/layout';
import { baseStyles, fieldColors } from '../../styles/theme';
import { simulatorViewStyles } from './simulator-view.styles';

const LABELS: Record<keyof PacketForm, string> = {
  iif: 'iif',
  oif: 'oif',
  saddr: 'saddr',
  daddr: 'daddr',
  proto: 'proto',
  sport: 'sport',
  dport: 'dport',
  mark: 'socket mark',
  count: 'packets',
  replyIif: 'reply iif',
};

export class SimulatorView extends LitElement {
  static override styles = [baseStyles, ...viewStyles, simulatorViewStyles, fieldColors];

  private readonly simulation = new StoreController(this, simulationContext);
  private readonly layout = new StoreController(this, draftContext);
  private readonly deploy = new StoreController(this, deployContext);

  override render() {
    const sim = this.simulation.value;
    const draft = this.layout.value?.draft;
    if (!sim || !draft) return html`<div class="panel">No layout is open. Open one from Layouts.</div>`;
    const form = sim.form;
    const parsed = sim.packets;
    const errors = parsed.ok ? {} : parsed.errors;
    const probe = this.deploy.value?.probe;
    const fw = toStripFields(draft.fields, 'fwmark');
    const ct = ctmarkStripFields(draft.fields);
    return html`
      <div class="panel">
        <h2>Packet</h2>
        <form @submit=${(e: Event) => {
          e.preventDefault();
          void sim.run();
        }}>
          <label for="preset">preset</label>
          <select id="preset" data-testid="sim-preset" @change=${(e: Event) => sim.choosePreset((e.target as HTMLSelectElement).value)}>
            <option value="">choose…</option>
            ${PRESETS.map((p) => html`<option value=${p.id}>${p.title}</option>`)}
          </select>
          ${(Object.keys(LABELS) as (keyof PacketForm)[]).map(
            (key) => html`<label for="sim-${key}">${LABELS[key]}</label>
              <input id="sim-${key}" type="text" data-testid="sim-${key}" .value=${form[key]}
                placeholder=${key === 'iif' ? 'empty: locally generated' : key === 'replyIif' ? 'empty: no replies' : ''}
                aria-invalid=${errors[key] ? 'true' : 'false'}
                @input=${(e: Event) => sim.setInput(key, (e.target as HTMLInputElement).value)} />
              ${errors[key] ? html`<span class="error" data-testid="sim-${key}-error">${errors[key]}</span>` : nothing}`,
          )}
          <details class="full">
            <summary>Box routing (optional)</summary>
            ${
              probe
                ? html`<button type="button" data-testid="sim-use-probe" @click=${() => sim.useProbedRoutes()}>Use the routes probed on ${probe.target}</button>`
                : html`<p class="muted">Probe a target on Deploy to use its routes here.</p>`
            }
            <label for="sim-routes">routes: <span class="mono">ip -j route show table all</span></label>
            <textarea id="sim-routes" data-testid="sim-routes" .value=${sim.routesText}
              @input=${(e: Event) => sim.setRouting('routes', (e.target as HTMLTextAreaElement).value)}></textarea>
            <label for="sim-iprules">ip rules: <span class="mono">ip -j rule</span></label>
            <textarea id="sim-iprules" data-testid="sim-iprules" .value=${sim.ipRulesText}
              @input=${(e: Event) => sim.setRouting('ipRules', (e.target as HTMLTextAreaElement).value)}></textarea>
          </details>
          <span></span>
          <button class="primary" type="submit" data-testid="simulate" ?disabled=${!sim.canRun}>Simulate</button>
          <span></span>
          <button type="button" data-testid="trace-live" ?disabled=${!sim.canTrace} title="Wait for the next such packet on the target chosen on Deploy and show the kernel's path"
            @click=${() => void sim.traceLive()}>${sim.traceTarget === null ? 'Trace live (choose a target on Deploy)' : sim.tracing ? `Tracing on ${sim.traceTarget}…` : `Trace live on ${sim.traceTarget}`}</button>
          ${sim.blocked ? html`<span class="error full" data-testid="sim-blocked">Fix the layout's errors first.</span>` : nothing}
        </form>
        <h3 class="legend-title">Fields</h3>
        <div class="legend">${draft.fields.map((f, i) => html`<span class=${colorClassOf(i)}>${f.name} (${f.space})</span>`)}</div>
      </div>
      <div class="col" data-testid="sim-result">
        ${sim.report ? sim.report.packets.map((p, i) => this.renderPacket(p, i, fw, ct)) : html`<div class="panel muted">Choose a packet and press Simulate.</div>`}
      </div>
      ${sim.live ? html`<mw-live-trace .report=${sim.live} .simulated=${sim.report?.packets[0] ?? null} .fields=${fw} .ctFields=${ct}></mw-live-trace>` : nothing}
    `;
  }

  private renderPacket(p: PacketResult, i: number, fw: StripField[], ct: StripField[]) {
    // The label column appears once the layout labels anything: a packet then shows its label and its
    // connection's after every step, also where they are unset.
    const labelled = (this.layout.value?.draft?.labels.length ?? 0) > 0 || hasLabels(p);
    return html`<div class="panel" data-testid="packet-${i}">
      <h2>Packet ${i + 1}</h2>
      <mw-hook-diagram .stages=${hookPath(p)}></mw-hook-diagram>
      <div class="summary">
        <span>verdict <b class="verdict-${p.verdict}" data-testid="packet-${i}-verdict">${p.verdict}</b>${
          p.flags?.length
            ? html` <b class="error" data-testid="packet-${i}-wrong-way">wrong way</b>`
            : nothing
        }</span>
        <span>mark <mw-mark-bits .mark=${p.mark} .fields=${fw}></mw-mark-bits></span>
        <span>ct mark <mw-mark-bits .mark=${p.ctmark} .fields=${ct}></mw-mark-bits></span>
        <span>table <b data-testid="packet-${i}-table">${p.table ?? '—'}</b></span>
        <span>out <b data-testid="packet-${i}-oif">${p.oif ?? '—'}</b></span>
        ${p.classid ? html`<span>class <b data-testid="packet-${i}-classid">${p.classid}</b></span>` : nothing}
        ${
          labelled
            ? html`<span>label <b class="mono" data-testid="packet-${i}-secmark">${p.secmark ?? '—'}</b></span>
              <span>ct label <b class="mono" data-testid="packet-${i}-ctsecmark">${p.ctsecmark ?? '—'}</b></span>`
            : nothing
        }
      </div>
      ${(p.flags ?? []).map((f) => html`<div class="error" data-testid="packet-${i}-flag">${f.code}: ${f.message}</div>`)}
      ${
        p.notes?.length
          ? html`<ul class="notes" data-testid="packet-${i}-notes">
              ${p.notes.map((note) => html`<li>${note}</li>`)}
            </ul>`
          : nothing
      }
      <table>
        <tr><th>step</th><th>where</th><th>what</th><th>mark / ct mark after</th>${labelled ? html`<th>label / ct label after</th>` : nothing}</tr>
        ${p.steps.map((s, j) => this.renderStep(s, i, j, fw, ct, labelled ? labelsAfter(p.steps, j) : null))}
      </table>
    </div>`;
  }

  private renderStep(
    s: TraceStep,
    i: number,
    j: number,
    fw: StripField[],
    ct: StripField[],
    labels: StepLabels | null,
  ) {
    const id = `packet-${i}-step-${j}`;
    // The label cell closes every row when the layout labels packets.
    const extra =
      labels === null
        ? nothing
        : html`<td class="labels" data-testid="${id}-labels"><span class="tag">pkt</span>
            <span class="mono" data-testid="${id}-secmark">${labels.secmark ?? '—'}</span><br /><span class="tag">ct</span>
            <span class="mono" data-testid="${id}-ctsecmark">${labels.ctsecmark ?? '—'}</span></td>`;
    switch (s.kind) {
      case 'rule':
        return html`<tr class=${s.matched ? 'matched' : ''} data-testid=${id} data-kind="rule" data-matched=${s.matched ? 'true' : 'false'}>
          <td class="kind">${s.matched ? 'matched' : 'rule'}</td>
          <td>${s.hook}<br /><span class="muted">${s.family} ${s.table} ${s.chain}</span></td>
          <td class="rule mono">${s.rule}${s.verdict ? html` <b>${s.verdict}</b>` : nothing}${s.note ? html`<div class="muted">${s.note}</div>` : nothing}</td>
          ${this.marks(s.markAfter, s.ctmarkAfter, fw, ct, s.markBefore, s.ctmarkBefore)}
        ${extra}</tr>`;
      case 'policy':
        return html`<tr data-testid=${id} data-kind="policy"><td class="kind">policy</td>
          <td>${s.hook}<br /><span class="muted">${s.table} ${s.chain}</span></td><td>${s.verdict}</td>
          ${this.marks(s.mark, s.ctmark, fw, ct)}${extra}</tr>`;
      case 'conntrack':
        return html`<tr data-testid=${id} data-kind="conntrack"><td class="kind">conntrack</td><td>${s.direction}</td>
          <td data-testid="${id}-state">${s.state}</td>${this.marks(null, s.ctmark, fw, ct)}${extra}</tr>`;
      case 'route':
        return html`<tr class=${s.rule ? 'matched' : ''} data-testid=${id} data-kind="route"><td class="kind">routing</td><td>${s.reason}</td>
          <td data-testid="${id}-route">${s.rule ? html`<span class="mono">${s.rule.text}</span><br />` : html`<span class="muted">no ip rule matched</span><br />`}
            table <b>${s.table ?? '—'}</b> ${s.route ? html`<span class="mono">${s.route}</span>` : nothing} → <b>${s.oif ?? s.result}</b> (${s.result})</td>
          ${this.marks(s.mark, null, fw, ct)}${extra}</tr>`;
      case 'tc':
        return html`<tr class=${s.filter ? 'matched' : ''} data-testid=${id} data-kind="tc"><td class="kind">tc</td><td>${s.dev}</td>
          <td class="mono">${s.filter ?? 'no filter matched'}${s.classid ? html` → class <b>${s.classid}</b>` : nothing}</td>
          ${this.marks(s.mark, null, fw, ct)}${extra}</tr>`;
      case 'secmark':
        return html`<tr data-testid=${id} data-kind="secmark"><td class="kind">secmark</td><td>${s.space}</td>
          <td class="mono">${s.rule}: ${s.before ?? '—'} → ${s.after ?? '—'}</td><td></td>${extra}</tr>`;
    }
  }

  /** The mark and ct mark after a step, each bit tinted by its field; bits the step changed are outlined. */
  private marks(
    mark: number | null,
    ctmark: number | null,
    fw: StripField[],
    ct: StripField[],
    markBefore: number | null = null,
    ctmarkBefore: number | null = null,
  ) {
    return html`<td class="marks">
      ${mark === null ? nothing : html`<div><span class="tag">mark</span><mw-mark-bits .mark=${mark} .previous=${markBefore} .fields=${fw}></mw-mark-bits></div>`}
      ${ctmark === null ? nothing : html`<div><span class="tag">ct</span><mw-mark-bits .mark=${ctmark} .previous=${ctmarkBefore} .fields=${ct}></mw-mark-bits></div>`}
    </td>`;
  }
}

customElements.define('mw-simulator-view', SimulatorView);

declare global {
  interface HTMLElementTagNameMap {
    'mw-simulator-view': SimulatorView;
  }
}
