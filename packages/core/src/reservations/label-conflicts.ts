import type { RuleBitUsage } from '../analyze/types';
import type { Layout } from '../layout/types';
import type { Conflict } from '../reports/types';
import { LABEL_WRITE } from './detect';
import type { KnownConsumer } from './types';

/** What a label conflict names instead of bits: the packet's one security label. */
export const LABEL_BITS = 'secmark';

const versionNote = (versions: string | undefined) => (versions ? ` [${versions}]` : '');

/**
 * A layout's labels against consumers that label packets too: a packet has one label, so whichever rule runs
 * last decides it, and a connection keeps the first label saved to it.
 */
export function knownLabelConflicts(
  layout: Layout,
  consumers: readonly KnownConsumer[],
  detected: ReadonlySet<string> | undefined,
): Conflict[] {
  const out: Conflict[] = [];
  for (const label of layout.secmarks ?? []) {
    for (const consumer of consumers) {
      const labels = consumer.labels;
      if (!labels) continue;
      out.push({
        field: label.name,
        consumer: consumer.id,
        bits: LABEL_BITS,
        source: 'known',
        severity: 'label-overwrite',
        detail: `${consumer.name} labels packets in ${labels.where}: ${labels.meaning}${versionNote(labels.versions)}; label "${label.name}" and its labels replace each other${label.persist ? ', and a connection keeps whichever label is saved first' : ''}; source: ${consumer.source}`,
        presence: detected?.has(consumer.id) ? 'detected' : 'catalogue',
      });
    }
  }
  return out;
}

/** Rules on the host (outside Markwright's table) that label packets, against each of the layout's labels. */
export function hostLabelConflicts(
  layout: Layout,
  usages: readonly RuleBitUsage[],
  isOurs: (where: string) => boolean,
  describe: (usage: RuleBitUsage) => string,
): Conflict[] {
  const labels = layout.secmarks ?? [];
  if (labels.length === 0) return [];
  const out: Conflict[] = [];
  for (const usage of usages) {
    if (isOurs(usage.where) || !LABEL_WRITE.test(usage.rule)) continue;
    for (const label of labels) {
      out.push({
        field: label.name,
        consumer: describe(usage),
        bits: LABEL_BITS,
        source: 'host',
        severity: 'label-overwrite',
        detail: `the rule sets a packet or connection label: the packet's one label is whichever of it and "${label.name}" runs last`,
        presence: 'detected',
        consumerId: 'selinux-secmark',
      });
    }
  }
  return out;
}
