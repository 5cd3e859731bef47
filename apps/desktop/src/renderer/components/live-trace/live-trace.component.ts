// <mw-live-trace>: the kernel's path of a traced packet, shown beside the simulated one: each rule that acted, who
// owns it (a Markwright policy rule, a known consumer, or foreign), the marks after it decoded into the layout's
// fields, and the first step where the live path parts from the simulation outlined.

import type { LiveTraceStep, PacketResult, RuleOwner, TraceReport } from '@markwright/core';
import { html, LitElement, nothing } from 'lit';
import type { StripField } from '../../logic/strip-cells';
import { firstDifference } from '../../logic/trace-compare';
import { tableStyles } from '../../styles/layout';
import { baseStyles, fieldColors } from '../../styles/theme';
import '../mark-bits/mark-bits.component';
import { liveTraceStyles } from './live-trace.styles';

const ownerText = (o: RuleOwner | undefined): string =>
  !o
    ? ''
    : o.kind === 'markwright'
      ? `Markwright${o.rule ? `: ${o.rule}` : ''}`
      : o.kind === 'consumer'
        ? o.consumer
        : 'foreign';

export class LiveTrace extends LitElement {
  static override styles = [baseStyles, tableStyles, fieldColors, liveTraceStyles];
  static override properties = {
    report: { attribute: false },
    simulated: { attribute: false },
    fields: { attribute: false },
    ctFields: { attribute: false },
  };

  report: TraceReport | null = null;
  simulated: PacketResult | null = null;
  fields: readonly StripField[] = [];
  ctFields: readonly StripField[] = [];

  override render() {
    const report = this.report;
    if (!report) return nothing;
    const p = report.packets[0];
    if (!p)
      return html`<div class="panel" data-testid="live-trace"><h2>Live on ${report.target}</h2>
        <p class="muted" data-testid="live-none">No packet matching <span class="mono">${report.match}</span> came by.</p></div>`;
    const diff = this.simulated ? firstDifference(this.simulated, p) : null;
    return html`<div class="panel" data-testid="live-trace">
      <h2>Live on ${report.target}</h2>
      <p class="muted">${p.packet.proto} ${p.packet.saddr}:${p.packet.sport ?? ''} → ${p.packet.daddr}:${p.packet.dport ?? ''}
        ${p.packet.iif ? `in ${p.packet.iif}` : ''} at ${p.startedAt}</p>
      <p data-testid="live-difference">${
        !this.simulated
          ? 'Simulate the packet to compare.'
          : diff
            ? html`<b class="error">The live path parts from the simulation at the outlined step.</b>`
            : 'The live path matches the simulation.'
      }</p>
      <table>
        <tr><th>where</th><th>rule</th><th>owner</th><th>mark / ct mark after</th></tr>
        ${p.steps.map((s, i) => this.renderStep(s, i, diff?.live === i))}
      </table>
      <p>verdict <b data-testid="live-verdict">${p.verdict}</b></p>
    </div>`;
  }

  private renderStep(s: LiveTraceStep, i: number, differs: boolean) {
    const id = `live-step-${i}`;
    const fieldText = s.fields?.mark.map((f) => `${f.field}=${f.value}`).join(' ') ?? '';
    if (s.kind === 'rule') {
      return html`<tr class=${differs ? 'differs' : ''} data-testid=${id} data-differs=${differs ? 'true' : 'false'}>
        <td>${s.hook}<br /><span class="muted">${s.family} ${s.table} ${s.chain}</span></td>
        <td class="mono">${s.rule}${s.verdict ? html` <b>${s.verdict}</b>` : nothing}</td>
        <td class="owner ${s.owner?.kind ?? ''}" data-testid="${id}-owner">${ownerText(s.owner)}</td>
        <td><mw-mark-bits .mark=${s.markAfter} .previous=${s.markBefore} .fields=${this.fields}></mw-mark-bits>
          <mw-mark-bits .mark=${s.ctmarkAfter} .previous=${s.ctmarkBefore} .fields=${this.ctFields}></mw-mark-bits>
          <div class="fields" data-testid="${id}-fields">${fieldText}</div></td>
      </tr>`;
    }
    if (s.kind === 'policy') {
      return html`<tr data-testid=${id}><td>${s.hook}<br /><span class="muted">${s.table} ${s.chain}</span></td>
        <td>policy ${s.verdict}</td><td></td>
        <td><mw-mark-bits .mark=${s.mark} .fields=${this.fields}></mw-mark-bits><div class="fields">${fieldText}</div></td></tr>`;
    }
    return nothing;
  }
}

customElements.define('mw-live-trace', LiveTrace);

declare global {
  interface HTMLElementTagNameMap {
    'mw-live-trace': LiveTrace;
  }
}
