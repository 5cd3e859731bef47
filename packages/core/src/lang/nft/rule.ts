import { printLinear } from '../../bits/nft-ops';
import type { Family, Rule, RuleExpr, Verdict } from '../../ir/types';
import { applyPayloadDependencies } from './dependencies';
import { exprText, parseExpr } from './expr';
import { parseExprItem } from './expr-items';
import { TokenStream, tokenize } from './lexer';
import { emitNftExpr } from './print-rule';
import { beginRefusals, firstRefusal } from './refusals';
import { parseRhs } from './rhs';
import { markLinear, NAT, opaque, skipOpaque } from './rule-common';
import {
  anonymousChain,
  canonicalReject,
  NAT_FLAGS,
  parseLog,
  parseQueue,
  parseTargetStatement,
} from './statements';

export { markKeyOf } from './mark-key';
export { anonymousChainText, canonicalReject } from './statements';

/** A parsed rule: the IR plus each item's text exactly as `nft list` prints it. */
export interface ParsedRule {
  readonly rule: Rule;
  readonly canonical: string;
  /** Set when nft 1.0.6 refuses the rule (newer nft accepts it): nft's message. */
  readonly refusal?: string;
}

const VERDICTS = new Set(['accept', 'drop', 'return', 'continue']);
const OPAQUE_STATEMENTS = new Set([
  'notrack',
  'limit',
  'quota',
  'dup',
  'fwd',
  'tproxy',
  'synproxy',
  'flow',
  'set',
  'update',
  'add',
  'delete',
  'xt',
  'last',
]);

/** Parse a rule body (what follows `nft add rule FAMILY TABLE CHAIN`). */
export function parseNftRuleBody(body: string, context: { family?: Family } = {}): Rule {
  return parseNftRuleDetailed(body, context).rule;
}

export function parseNftRuleDetailed(body: string, _context: { family?: Family } = {}): ParsedRule {
  const tokens = tokenize(body, 'rule').filter((t) => t.kind !== 'newline');
  return parseRuleTokens(new TokenStream(tokens, body, 'rule'));
}

export function parseRuleTokens(ts: TokenStream): ParsedRule {
  beginRefusals();
  const exprs: RuleExpr[] = [];
  const canon: string[] = [];
  let comment: string | undefined;
  let counters: { packets: number; bytes: number } | undefined;
  const push = (e: RuleExpr, text = emitNftExpr(e)) => {
    exprs.push(e);
    canon.push(text);
  };
  while (!ts.atEnd()) {
    const start = ts.index;
    const t = ts.peek()!;
    const w = t.kind === 'word' ? t.text : '';
    if (t.kind === 'punct' && t.text === ';') {
      ts.index++;
      continue;
    }
    if (VERDICTS.has(w)) {
      ts.index++;
      push({ kind: 'verdict', verdict: { kind: w } as Verdict });
    } else if ((w === 'jump' || w === 'goto') && ts.is('{', 1)) {
      push(opaque(anonymousChain(ts, start), 'statement', true, true));
    } else if (w === 'jump' || w === 'goto') {
      ts.index++;
      push({ kind: 'verdict', verdict: { kind: w, target: ts.word('a chain name') } });
    } else if (w === 'comment') {
      ts.index++;
      const c = ts.next('a comment string');
      comment = c.text;
    } else if (w === 'counter') {
      ts.index++;
      if (ts.accept('name')) {
        const keyAt = ts.index;
        const key = parseExpr(ts);
        const lin = markLinear(key, ts, keyAt);
        const keyText = lin ? printLinear(lin, true) : exprText(key);
        const text = ts.accept('map')
          ? `counter name ${keyText} map ${parseRhs(ts, true).text}`
          : `counter name ${keyText}`;
        push(opaque(text, 'statement', /\bmark\b/.test(text), false));
        continue;
      }
      if (ts.accept('packets')) {
        const packets = Number(ts.word('a packet count'));
        ts.expect('bytes');
        counters = { packets, bytes: Number(ts.word('a byte count')) };
      }
      // `nft list` shows the counter's values (zero for a new rule).
      push({ kind: 'counter' }, `counter packets ${counters?.packets ?? 0} bytes ${counters?.bytes ?? 0}`);
    } else if (w === 'log') push(parseLog(ts, start));
    else if (w === 'reject') {
      ts.index++;
      if (ts.accept('with')) {
        const from = ts.index;
        skipOpaque(ts, from);
        push({ kind: 'verdict', verdict: canonicalReject(ts.slice(from)) });
      } else push({ kind: 'verdict', verdict: { kind: 'reject' } });
    } else if (w === 'queue') push(parseQueue(ts, start));
    else if (NAT.has(w)) {
      ts.index++;
      const { text, target, plain } = parseTargetStatement(ts, start, NAT_FLAGS);
      if (plain) push({ kind: 'nat', type: w as 'snat', text, ...(target ? { to: target } : {}) });
      else push(opaque(text, 'statement', /\bmark\b/.test(text), false));
    } else if (w === 'dup' || w === 'fwd' || w === 'tproxy') {
      ts.index++;
      const { text } = parseTargetStatement(ts, start, new Set(['device']));
      push(opaque(text, 'statement', /\bmark\b/.test(text), false));
    } else if (
      OPAQUE_STATEMENTS.has(w) ||
      (w === 'ct' && ['helper', 'timeout', 'expectation', 'count'].includes(ts.peek(1)?.text ?? ''))
    ) {
      ts.index++;
      push(opaque(skipOpaque(ts, start), 'statement', false, false));
    } else parseExprItem(ts, start, push);
  }
  const deps = applyPayloadDependencies(exprs);
  if (deps.dropped.size || deps.changed.size) {
    const texts = canon.map((t, i) => (deps.changed.has(i) ? emitNftExpr(deps.retyped[i]!) : t));
    exprs.splice(0, exprs.length, ...deps.exprs);
    canon.splice(0, canon.length, ...texts.filter((_, i) => !deps.dropped.has(i)));
  }
  const rule: Rule = {
    exprs,
    ...(comment !== undefined ? { comment } : {}),
    ...(counters ? { counters } : {}),
  };
  if (comment !== undefined) canon.push(`comment "${comment}"`);
  const refusal = firstRefusal();
  return { rule, canonical: canon.join(' '), ...(refusal ? { refusal } : {}) };
}
