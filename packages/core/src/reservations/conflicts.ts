import type { RuleBitUsage } from '../analyze/types';
import { InputError } from '../bits/errors';
import { hex, u32 } from '../bits/u32';
import type { Field, FieldSpace, Layout } from '../layout/types';
import type { Conflict } from '../reports/types';
import { type BoxVersion, spansOverlap, spanText, type VersionSpan } from './consumer-versions';
import { KNOWN_CONSUMERS } from './consumers';
import { consumerOfRule } from './detect';
import { hostLabelConflicts, knownLabelConflicts } from './label-conflicts';
import type { KnownConsumer } from './types';

export interface KnownConflictOptions {
  /** Fields the policy routes on (ip rule fwmark). Default: every fwmark field, since any of them may be. */
  readonly routedFields?: readonly string[];
  /** Consumer ids to check against. Default: all of KNOWN_CONSUMERS. */
  readonly consumers?: readonly string[];
  /** Consumer ids seen on the box: their conflicts are `detected`, the others `catalogue`. Default: none. */
  readonly detected?: ReadonlySet<string>;
  /** The versions found on the box, by consumer id: only those versions' behaviour counts. Default: none. */
  readonly versions?: ReadonlyMap<string, BoxVersion>;
}

/** Whether behaviour of some versions applies to the box; with its version unknown, it does (the union). */
const applies = (span: VersionSpan | undefined, box: BoxVersion | undefined) =>
  !span || !box || spansOverlap(span, box.span);

/** The versions a behaviour belongs to, and what the box runs or that its version was not found. */
function versionNote(
  versions: string | undefined,
  span: VersionSpan | undefined,
  box: BoxVersion | undefined,
  presence: Conflict['presence'],
): string {
  if (!versions && !span) return '';
  const which = versions ?? spanText(span!);
  if (!span) return ` [${which}]`;
  if (box) return ` [${which}; this box runs ${spanText(box.span)}: ${box.evidence}]`;
  if (presence === 'detected')
    return ` [${which}; its version was not found on this box, so every version counts]`;
  return ` [${which}]`;
}

function selectConsumers(ids: readonly string[] | undefined): readonly KnownConsumer[] {
  if (!ids) return KNOWN_CONSUMERS;
  return ids.map((id) => {
    const found = KNOWN_CONSUMERS.find((c) => c.id === id);
    if (!found) throw new InputError('consumers', id, 'is not a known consumer id');
    return found;
  });
}

function consumerConflicts(
  field: Field,
  consumer: KnownConsumer,
  routed: boolean,
  presence: Conflict['presence'],
  box: BoxVersion | undefined,
): Conflict[] {
  const out: Conflict[] = [];
  const ref = `source: ${consumer.source}`;
  // A persisted fwmark field also lives, at the same bits, in the ct mark.
  const spaces: FieldSpace[] =
    field.persist && field.space === 'fwmark' ? ['fwmark', 'connmark'] : [field.space];
  for (const space of spaces) {
    const where = space === field.space ? space : 'connmark (its persisted copy)';
    // An overwrite in every version says it all; one in some versions comes beside the shared bits.
    const whole = consumer.overwritesWholeMark.includes(space) && applies(consumer.wholeMarkSpan, box);
    const always = !consumer.wholeMarkVersions && !consumer.wholeMarkSpan;
    for (const use of whole && always ? [] : consumer.bits) {
      const shared = u32(use.mask & field.mask);
      if (use.space !== space || shared === 0 || !applies(use.span, box)) continue;
      out.push({
        field: field.name,
        consumer: consumer.id,
        bits: hex(shared),
        source: 'known',
        severity: 'shares-bits',
        detail: `${consumer.name} ${use.access} ${space} bits ${hex(use.mask)} (${use.meaning})${versionNote(use.versions, use.span, box, presence)}, shared in the ${where}; ${ref}`,
        presence,
      });
    }
    if (whole) {
      out.push({
        field: field.name,
        consumer: consumer.id,
        bits: hex(field.mask),
        source: 'known',
        severity: 'whole-mark-overwrite',
        detail: `${consumer.name} overwrites the whole ${where}: ${consumer.wholeMarkNote ?? 'a non-bitwise write'}${versionNote(consumer.wholeMarkVersions, consumer.wholeMarkSpan, box, presence)}; ${ref}`,
        presence,
      });
    }
  }
  if (routed && consumer.setsSrcValidMark && applies(consumer.srcValidMarkSpan, box)) {
    out.push({
      field: field.name,
      consumer: consumer.id,
      bits: hex(field.mask),
      source: 'known',
      severity: 'sysctl-side-effect',
      detail:
        `${consumer.name} sets net.ipv4.conf.all.src_valid_mark=1, so reverse-path checks look up routes with the ` +
        `fwmark and fwmark ip rules on "${field.name}" apply to them too` +
        `${versionNote(undefined, consumer.srcValidMarkSpan, box, presence)}; ${ref}`,
      presence,
    });
  }
  if (routed) {
    for (const sysctl of consumer.sysctls ?? []) {
      out.push({
        field: field.name,
        consumer: consumer.id,
        bits: hex(field.mask),
        source: 'known',
        severity: 'sysctl-side-effect',
        detail: `${consumer.name} sets ${sysctl.name}=${sysctl.value}${versionNote(sysctl.versions, undefined, box, presence)}: ${sysctl.effect}; ${ref}`,
        presence,
      });
    }
  }
  return out;
}

/**
 * Where the layout meets known consumers: labels against consumers that label packets too, shared bits (in the field's space, and in the ct mark for persisted
 * fields), whole-mark overwriters, and src_valid_mark side effects on routed fwmark fields.
 */
export function knownConflicts(layout: Layout, options: KnownConflictOptions = {}): Conflict[] {
  const consumers = selectConsumers(options.consumers);
  const routed = new Set(
    options.routedFields ?? layout.fields.filter((f) => f.space === 'fwmark').map((f) => f.name),
  );
  const out: Conflict[] = [];
  for (const field of layout.fields) {
    const isRouted = field.space === 'fwmark' && routed.has(field.name);
    for (const consumer of consumers) {
      const presence = options.detected?.has(consumer.id) ? 'detected' : 'catalogue';
      const box = options.versions?.get(consumer.id);
      out.push(...consumerConflicts(field, consumer, isRouted, presence, box));
    }
  }
  out.push(...knownLabelConflicts(layout, consumers, options.detected));
  return out;
}

/** Our own table on a live box: its rules are the layout itself, not a conflict with it. */
const OWN_TABLE = /^(inet|ip|ip6) markwright\b/;
const RULE_TEXT_MAX = 160;

function describeRule(usage: RuleBitUsage): string {
  const rule =
    usage.rule.length > RULE_TEXT_MAX ? `${usage.rule.slice(0, RULE_TEXT_MAX - 3)}...` : usage.rule;
  return `${usage.where}: ${rule}`;
}

/**
 * Where the layout meets rules already on the host (from bitUsage of a parsed ruleset): rules that write or
 * match the layout's bits, and rules that replace a whole mark. Rules in Markwright's own table are skipped.
 */
export function hostConflicts(layout: Layout, usages: readonly RuleBitUsage[]): Conflict[] {
  const out: Conflict[] = [];
  for (const usage of usages) {
    if (OWN_TABLE.test(usage.where)) continue;
    const consumer = describeRule(usage);
    const consumerId = consumerOfRule(usage);
    const uncertain = usage.note
      ? ` (${usage.note})`
      : usage.uncertain
        ? ' (the rule has parts that are not modelled: bits are a lower bound)'
        : '';
    for (const field of layout.fields) {
      const spaces: FieldSpace[] =
        field.persist && field.space === 'fwmark' ? ['fwmark', 'connmark'] : [field.space];
      for (const space of spaces) {
        const key = space === 'fwmark' ? 'fwmark' : 'ctmark';
        const where = space === field.space ? space : 'connmark (the persisted copy)';
        const add = (severity: Conflict['severity'], bits: number, what: string) =>
          out.push({
            field: field.name,
            consumer,
            bits: hex(bits),
            source: 'host',
            severity,
            detail: `${what}${uncertain}`,
            presence: 'detected',
            ...(consumerId && { consumerId }),
          });
        if (usage.wholeMarkWrite[key]) {
          add('whole-mark-overwrite', field.mask, `the rule replaces the whole ${where} of "${field.name}"`);
          continue;
        }
        const written = u32(usage.writes[key] & field.mask);
        const read = u32(usage.reads[key] & field.mask & ~written);
        if (written !== 0)
          add('shares-bits', written, `the rule writes ${where} bits ${hex(written)} of "${field.name}"`);
        if (read !== 0)
          add('shares-bits', read, `the rule matches on ${where} bits ${hex(read)} of "${field.name}"`);
      }
    }
  }
  out.push(...hostLabelConflicts(layout, usages, (where) => OWN_TABLE.test(where), describeRule));
  return out;
}
