import {
  type BoxConfig,
  InputError,
  type IpRule,
  type MarkwrightDocument,
  parseDocument,
  parseJsonText,
  type TcFilter,
} from '@markwright/core';
import { compileDocument } from '@markwright/core/compile';
import { emitNftTable, formatIpRule } from '@markwright/core/lang';
import type { OwnedState } from '../types';
import { OWNED_TABLE, type Ownership, wrapTableBody } from './ownership';

const shortHex = (n: number): string => `0x${(n >>> 0).toString(16)}`;

/** Read and check a markwright/1 document (core's checks; InputError names the field). */
export function readDocument(text: string, source: string): MarkwrightDocument {
  return parseDocument(parseJsonText(text, source));
}

export function ownedTableBody(box: BoxConfig): string {
  const table = box.ruleset.tables.find((t) => t.family === 'inet' && t.name === OWNED_TABLE);
  return table && table.chains.length > 0 ? emitNftTable(table) : '';
}

const RESERVED_TABLES: Record<string, string> = { '253': 'default', '254': 'main', '255': 'local' };

/** An ip rule in the `priority N ...` form that `ip rule add` takes and `ip rule show` prints back. */
export function formatOwnedIpRule(rule: IpRule): string {
  const shown = formatIpRule(rule); // `PRIO:\tfrom all ...`, as ip rule show prints it
  // iproute2 prints the reserved tables by name.
  const named = shown.replace(/ lookup (253|254|255)\b/, (_, n: string) => ` lookup ${RESERVED_TABLES[n]}`);
  return `priority ${rule.priority} ${named.slice(named.indexOf('\t') + 1)}`;
}

/** A tc filter as a `tc -batch` line (the fw classifier; kernels without cls_fw refuse it at apply). */
export function formatOwnedTcFilter(f: TcFilter): string {
  const head = `filter add dev ${f.dev} parent ${f.parent} protocol ${f.protocol} prio ${f.priority}`;
  const c = f.classifier;
  const body =
    c.kind === 'fw'
      ? `handle ${shortHex(c.handle)}/${shortHex(c.mask)} fw`
      : c.kind === 'u32-mark'
        ? `u32 match mark ${shortHex(c.value)} ${shortHex(c.mask)}`
        : c.text;
  return `${head} ${body}${f.classid ? ` classid ${f.classid}` : ''}`;
}

/** Everything Markwright will own for this document; priorities outside our ranges are refused. */
export function ownedStateFromDocument(doc: MarkwrightDocument, ownership: Ownership): OwnedState {
  const box = compileDocument(doc, {
    ruleProtocol: ownership.ipRuleProtocol,
    tcPriorityBase: ownership.tcPriorities[0],
  });
  const [lo, hi] = ownership.ipRulePriorities;
  box.ipRules.forEach((r) => {
    if (r.priority < lo || r.priority > hi) {
      const i = doc.policy.routes.findIndex((b) => b.priority === r.priority);
      throw new InputError(
        `policy.routes[${i}].priority`,
        r.priority,
        `must be within Markwright's ip rule range ${lo}..${hi}`,
      );
    }
  });
  const [tlo, thi] = ownership.tcPriorities;
  box.tcFilters.forEach((f, i) => {
    if (f.priority < tlo || f.priority > thi) {
      throw new InputError(
        `policy.classes[${i}].priority`,
        f.priority,
        `must be within Markwright's tc range ${tlo}..${thi}`,
      );
    }
  });
  return {
    nftScript: wrapTableBody(ownedTableBody(box)),
    ipRules: {
      v4: box.ipRules.filter((r) => r.family === 4).map(formatOwnedIpRule),
      v6: box.ipRules.filter((r) => r.family === 6).map(formatOwnedIpRule),
    },
    tcFilters: box.tcFilters.map(formatOwnedTcFilter),
  };
}
