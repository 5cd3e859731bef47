// The deploy view's right column: the plan (changes with each problem beside its lines, live connections) and
// the target's history (version, note, who and when, outcome, the live deployment, rollback asked first).

import type { DeploymentEntry } from '@markwright/api';
import { html, nothing } from 'lit';
import type { DeployStore } from '../../data/deploy/deploy-store';
import { outcomeLabel, planLines } from '../../logic/deploy-history';

export function renderPlan(deploy: DeployStore) {
  const plan = deploy.plan;
  if (!plan)
    return html`<div class="panel"><h2>Plan</h2><p class="muted">${
      deploy.target === null
        ? 'Choose a target, then plan to see what would change.'
        : `Plan to see what version ${deploy.version ?? '?'} would change on ${deploy.target}.`
    }</p></div>`;
  const changed = plan.changes.filter((c) => c.action !== 'keep').length;
  const problems = plan.problems ?? [];
  return html`<div class="panel" data-testid="plan-report">
    <h2>Plan of v${deploy.version} for ${plan.target}: ${changed} change${changed === 1 ? '' : 's'}</h2>
    ${deploy.shownPlan?.applied ? html`<p class="muted" data-testid="plan-applied">Applied: this is live on ${plan.target} now; plan again to see what Apply would change.</p>` : nothing}
    <p data-testid="plan-check" class=${plan.check.ok ? '' : 'error'}>nft check: ${plan.check.ok ? 'ok' : plan.check.message}</p>
    ${problems.length ? html`<p class="error" data-testid="plan-problems">${problems.length} problem${problems.length === 1 ? '' : 's'}: this box cannot take the plan as it is.</p>` : nothing}
    <pre class="changes" data-testid="plan-changes">${planLines(plan).map((line) =>
      line.kind === 'change'
        ? html`<div class=${line.change.action} data-testid="plan-line" data-kind=${line.change.kind}>${line.change.action === 'add' ? '+' : line.change.action === 'remove' ? '-' : ' '} [${line.change.kind}] ${line.change.text}</div>`
        : html`<div class="error problem" role="alert" data-testid="plan-problem" data-part=${line.problem.part} data-field=${line.problem.field}>! [${line.problem.part}] ${line.problem.field}: ${line.problem.message}</div>`,
    )}</pre>
    ${(plan.notes ?? []).map((n) => html`<p class="muted" data-testid="plan-note">${n}</p>`)}
    ${renderImpact(deploy)}
  </div>`;
}

/** Which live connections the plan would move or break, grouped by the policy rule behind it. */
function renderImpact(deploy: DeployStore) {
  const impact = deploy.impact;
  if (!impact) return html`<p class="muted">Live connections: reading…</p>`;
  const changed = impact.changed;
  return html`<div data-testid="plan-impact">
    <h3>Live connections: ${changed.length} of ${impact.connections} would change</h3>
    <ul>${(impact.groups ?? []).map((g) => html`<li data-testid="impact-group">${g.summary}</li>`)}</ul>
    ${
      changed.length
        ? html`<table>
            <tr><th>connection</th><th>before</th><th>after</th></tr>
            ${changed.slice(0, 50).map(
              (c) => html`<tr class=${c.breaks ? 'error' : ''} data-testid="impact-change">
                <td class="mono">${c.flow.proto} ${c.flow.saddr}:${c.flow.sport ?? '-'} → ${c.flow.daddr}:${c.flow.dport ?? '-'}</td>
                <td>${c.before.verdict} via ${c.before.oif ?? '—'} (table ${c.before.table ?? '—'})</td>
                <td>${c.breaks ? html`<b>breaks</b> ` : nothing}${c.after.verdict} via ${c.after.oif ?? '—'} (table ${c.after.table ?? '—'})</td>
              </tr>`,
            )}
          </table>`
        : nothing
    }
  </div>`;
}

export function renderHistory(deploy: DeployStore) {
  const live = deploy.live;
  const waiting = deploy.pending.of(deploy.target) !== null;
  return html`<div class="panel" data-testid="history">
    <h2>History on ${deploy.target ?? '(no target chosen)'}</h2>
    ${
      deploy.target === null
        ? nothing
        : html`<p data-testid="history-live">${live ? html`Live now: <b>${live.id}</b> (${live.layoutName ? `${live.layoutName} v${live.layoutVersion}` : live.documentName})` : 'Nothing of Markwright is live here.'}</p>`
    }
    ${
      deploy.history.length === 0
        ? html`<p class="muted">No deployments yet.</p>`
        : html`<table>
            <tr><th>id</th><th>version</th><th>note</th><th>by, when</th><th>outcome</th><th></th></tr>
            ${deploy.history.map(
              (
                r,
              ) => html`<tr data-testid="history-${r.id}" data-deployment=${r.id} class=${r.live ? 'live' : ''}>
                <td class="mono">${r.id}${r.live ? html` <b data-testid="history-live-marker">live</b>` : nothing}</td>
                <td data-testid="history-${r.id}-version">${r.layoutName ? `${r.layoutName} v${r.layoutVersion}` : r.documentName}</td>
                <td>${r.purpose ?? r.note ?? ''}</td>
                <td class="muted">${r.by ?? '—'}, ${new Date(r.appliedAt).toLocaleString()}</td>
                <td data-testid="history-${r.id}-outcome" data-outcome=${r.outcome} title=${r.message ?? ''}>${outcomeLabel(r)}</td>
                <td>${
                  deploy.rollbackAsked === r.id
                    ? html`<span role="alertdialog" data-testid="confirm-rollback">${rollbackQuestion(deploy, r.id)}
                        <button class="danger" data-testid="confirm-rollback-yes" ?disabled=${deploy.timeoutSeconds === null}
                          @click=${() => void deploy.rollback()}>Roll back</button>
                        <button data-testid="confirm-rollback-no" @click=${() => deploy.askRollback(null)}>Cancel</button></span>`
                    : html`<button data-testid="rollback-${r.id}" ?disabled=${waiting || r.live}
                        @click=${() => deploy.askRollback(r.id)}>Roll back to this…</button>`
                }</td>
              </tr>
              ${renderEnding(r)}`,
            )}
          </table>`
    }
    ${deploy.errors.rollback ? html`<p class="error" role="alert" data-testid="rollback-error">${deploy.errors.rollback}</p>` : nothing}
  </div>`;
}

/** What "Roll back to this" asks: the same confirmation an apply would get (the live check or a countdown). */
function rollbackQuestion(deploy: DeployStore, id: string): string {
  return deploy.verify
    ? `Roll back to ${id}? The box is checked right after: kept when it does what that version says, put back at once when not.`
    : `Roll back to ${id} with a ${deploy.timeoutSeconds ?? '?'} s countdown?`;
}

/** Outcomes whose row says why, under it: the error or the live check's reason, and what is live again. */
const ENDINGS_EXPLAINED = new Set(['failed', 'reverted-by-verification']);

/**
 * Why a deployment did not stay, under its row and kept with the history: the error (or why the live check
 * reverted it) and what was restored; for a revert by verification, each disagreement as expected vs seen.
 */
function renderEnding(r: DeploymentEntry) {
  if (!ENDINGS_EXPLAINED.has(r.outcome)) return nothing;
  const disagreements = r.verification?.disagreements ?? [];
  return html`<tr class="ending" data-testid="history-${r.id}-ending"><td colspan="6">
    ${r.message ? html`<p class="error" data-testid="history-${r.id}-message">${r.message}</p>` : nothing}
    ${r.restored ? html`<p class="muted" data-testid="history-${r.id}-restored">${r.restored}</p>` : nothing}
    ${
      disagreements.length
        ? html`<table class="disagreements">
            <tr><th>rule</th><th>field</th><th>expected</th><th>seen</th></tr>
            ${disagreements.map(
              (d) => html`<tr class="error" data-testid="history-${r.id}-disagreement">
                <td>${d.rule}</td><td class="mono">${d.field}</td><td class="mono">${d.expected}</td><td class="mono">${d.seen}</td>
              </tr>`,
            )}
          </table>`
        : nothing
    }
  </td></tr>`;
}
