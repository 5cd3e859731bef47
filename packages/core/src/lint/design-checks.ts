import type { MarkwrightDocument } from '../document/types';
import { encodeFields } from '../layout/encode';
import type { LintFinding } from '../reports/types';
import { describe, type Flow, matchedRuleNames, ruleMatched } from './run-flows';

// Findings about the design itself: fields nothing reads or writes, persisted fields re-decided on every packet,
// and policy rules the representative packets show to be unreachable or overwritten.

/** Fields no rule, route binding or class binding reads, and fields no rule sets. */
export function fieldFindings(doc: MarkwrightDocument): LintFinding[] {
  const out: LintFinding[] = [];
  const read = new Set<string>();
  const set = new Set<string>();
  for (const r of doc.policy.rules) {
    for (const name of Object.keys(r.match?.fields ?? {})) read.add(name);
    for (const name of Object.keys(r.set ?? {})) set.add(name);
  }
  for (const b of [...doc.policy.routes, ...doc.policy.classes]) {
    for (const name of Object.keys(b.when ?? {})) read.add(name);
  }
  doc.layout.fields.forEach((f, i) => {
    const path = `layout.fields[${i}]`;
    if (!read.has(f.name)) {
      out.push({
        code: 'field-never-read',
        severity: 'warning',
        path,
        message: `nothing reads "${f.name}": no rule matches it and no route or class binding selects by it`,
      });
    }
    if (!set.has(f.name)) {
      out.push({
        code: 'field-never-set',
        severity: 'warning',
        path,
        message: `no rule sets "${f.name}"${read.has(f.name) ? ': what reads it only ever sees the value 0' : ''}`,
      });
    }
  });
  return out;
}

/** Persisted fields a rule sets on every packet: the restored value is overwritten, replies re-decided. */
export function persistFindings(doc: MarkwrightDocument): LintFinding[] {
  const out: LintFinding[] = [];
  doc.layout.fields.forEach((f, i) => {
    if (!f.persist || f.newOnly) return;
    const setters = doc.policy.rules.flatMap((r, k) =>
      r.set && f.name in r.set ? [`policy.rules[${k}]`] : [],
    );
    if (setters.length === 0) return;
    out.push({
      code: 'persist-without-newonly',
      severity: 'warning',
      path: `layout.fields[${i}]`,
      message: `"${f.name}" is saved to the connection but ${setters.join(', ')} ${setters.length === 1 ? 'sets' : 'set'} it on every packet, overwriting the restored value; set "newOnly": true so the first packet decides`,
    });
  });
  return out;
}

/** Does the packet's final mark still hold every value the rule wrote (per mark space)? */
function keepsAnyValue(doc: MarkwrightDocument, flow: Flow, mark: number, ctmark: number): boolean {
  const values = flow.rule.set ?? {};
  for (const [name, value] of Object.entries(values)) {
    const field = doc.layout.fields.find((f) => f.name === name);
    if (!field) continue;
    const enc = encodeFields(doc.layout, { [name]: value }, field.space);
    const held = field.space === 'fwmark' ? mark : ctmark;
    if (((held ^ enc.value) & enc.mask) === 0) return true;
  }
  return Object.keys(values).length === 0;
}

/**
 * Policy rules the representative packets of their own match never reach, or reach only to have every field
 * they set overwritten by later rules.
 */
export function shadowedRuleFindings(doc: MarkwrightDocument, flows: readonly Flow[]): LintFinding[] {
  const out: LintFinding[] = [];
  for (const flow of flows) {
    const first = flow.packets[0]!;
    const reached = flow.packets.some((p) => ruleMatched(p.result, flow.rule.name));
    if (!reached) {
      const needs = Object.entries(flow.rule.match?.fields ?? {})
        .map(([k, v]) => `${k}=${String(v)}`)
        .join(', ');
      out.push({
        code: 'shadowed-rule',
        severity: 'warning',
        path: flow.path,
        message: `no packet reaches "${flow.rule.name}": its own packet ${describe(first.spec)} does not match it${needs ? ` (nothing sets ${needs} before it)` : ''}`,
      });
      continue;
    }
    if (first.result.verdict !== 'accept' || !ruleMatched(first.result, flow.rule.name)) continue;
    if (keepsAnyValue(doc, flow, first.result.mark, first.result.ctmark)) continue;
    const names = matchedRuleNames(first.result);
    const later = names.slice(names.lastIndexOf(flow.rule.name) + 1).filter((n) => n !== flow.rule.name);
    const by = later.at(-1);
    if (by === undefined) continue;
    const k = doc.policy.rules.findIndex((r) => r.name === by);
    out.push({
      code: 'shadowed-rule',
      severity: 'warning',
      path: flow.path,
      message: `"${flow.rule.name}" has no effect: policy.rules[${k}] ("${by}") overwrites every field it sets on the same packets`,
    });
  }
  return out;
}
