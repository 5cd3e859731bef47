import {
  type BoxConfig,
  type Chain,
  InputError,
  type IpRule,
  type MarkwrightDocument,
  parseDocument,
  parseJsonText,
  type TcFilter,
} from '@markwright/core';
import { compileDocument } from '@markwright/core/compile';
import { emitNftRule } from '@markwright/core/emit';
import type { OwnedState } from '../types';
import { OWNED_TABLE, type Ownership, wrapTableBody } from './ownership';

const shortHex = (n: number): string => `0x${(n >>> 0).toString(16)}`;

/** Read and check a markwright/1 document (core's checks; InputError names the field). */
export function readDocument(text: string, source: string): MarkwrightDocument {
  return parseDocument(parseJsonText(text, source));
}

// The table text is assembled here from core's per-rule emitter; `emitNftText` will replace this once core
// exports it.
function chainText(chain: Chain): string {
  const lines: string[] = [];
  if (chain.base) {
    const b = chain.base;
    lines.push(
      `type ${b.type} hook ${b.hook}${b.device ? ` device "${b.device}"` : ''} priority ${b.priority}; policy ${b.policy};`,
    );
  }
  for (const rule of chain.rules) lines.push(emitNftRule(rule));
  return `\tchain ${chain.name} {\n${lines.map((l) => `\t\t${l}\n`).join('')}\t}\n`;
}

export function ownedTableBody(box: BoxConfig): string {
  const table = box.ruleset.tables.find((t) => t.family === 'inet' && t.name === OWNED_TABLE);
  if (!table || table.chains.length === 0) return '';
  if (table.sets.length > 0 || table.secmarks.length > 0) {
    throw new InputError(
      'policy',
      table.sets.map((s) => s.name),
      'named sets and secmark objects cannot be deployed yet',
    );
  }
  return `table inet ${OWNED_TABLE} {\n${table.chains.map(chainText).join('')}}\n`;
}

const cidrText = (c: { address: string; prefix: number; family: 4 | 6 }) =>
  c.prefix === (c.family === 4 ? 32 : 128) ? c.address : `${c.address}/${c.prefix}`;

/** An ip rule in the `priority N ...` form that `ip rule add` takes and `ip rule show` prints back. */
export function formatOwnedIpRule(rule: IpRule): string {
  const parts = [`priority ${rule.priority}`];
  if (rule.not) parts.push('not');
  parts.push(`from ${rule.from ? cidrText(rule.from) : 'all'}`);
  if (rule.to) parts.push(`to ${cidrText(rule.to)}`);
  if (rule.fwmark) {
    const { value, mask } = rule.fwmark;
    parts.push(`fwmark ${shortHex(value)}${mask === 0xffffffff ? '' : `/${shortHex(mask)}`}`);
  }
  if (rule.iif) parts.push(`iif ${rule.iif}`);
  if (rule.oif) parts.push(`oif ${rule.oif}`);
  const a = rule.action;
  if (a.kind === 'table') parts.push(`lookup ${a.table === '254' ? 'main' : a.table}`);
  else if (a.kind === 'goto') parts.push(`goto ${a.priority}`);
  else parts.push(a.kind);
  if (rule.suppressPrefixlength !== undefined)
    parts.push(`suppress_prefixlength ${rule.suppressPrefixlength}`);
  if (rule.protocol) parts.push(`proto ${rule.protocol}`);
  return parts.join(' ');
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
