import { consumerOfRule, detectConsumers as detectInRules } from '@markwright/core';
import type { DetectedConsumer } from '../types';

/** The known consumer a table, chain or rule text gives away (core's signatures), or null. */
export function consumerSignature(text: string): string | null {
  return consumerOfRule({ where: text, rule: '' }) ?? null;
}

export interface RuleEvidence {
  /** Where the rule lives (`table inet foo chain bar`), matched against the signatures too. */
  readonly where: string;
  readonly text: string;
  readonly fwmarkBits: number;
  readonly ctmarkBits: number;
}

const hex = (n: number) => `0x${(n >>> 0).toString(16).padStart(8, '0')}`;

/** Known consumers present among these rules and names (core's signatures), with the bits their rules use. */
export function detectConsumers(
  rules: readonly RuleEvidence[],
  names: readonly string[] = [],
): DetectedConsumer[] {
  const usages = rules.map((r) => ({
    where: r.where,
    rule: r.text,
    reads: { fwmark: r.fwmarkBits, ctmark: r.ctmarkBits },
    writes: { fwmark: 0, ctmark: 0 },
  }));
  return detectInRules(usages, names).map((c) => ({
    consumer: c.consumer,
    evidence: c.evidence,
    fwmarkBits: hex(c.fwmarkBits),
    ctmarkBits: hex(c.ctmarkBits),
  }));
}
