import { InputError } from '../../bits/errors';
import { checkCarriedModule } from './carried';
import { CONNTRACK_CTSTATE, printModuleInfo } from './modules';
import { quoteIfNeeded } from './tokenize';
import type { XtModule, XtModuleInfo, XtProto, XtRule } from './xt-rule';

// Checks and partial models that need the whole rule: conntrack (typed only for --ctstate or --ctdir alone)
// and the protocol a port match or TPROXY needs.

type Fail = (column: number, expected: string, found: string) => never;

const NAT_STATES = new Set(['SNAT', 'DNAT']);
const CTSTATE_WORDS = new Set(['INVALID', 'NEW', 'RELATED', 'ESTABLISHED', 'UNTRACKED', ...NAT_STATES]);

/** An inner error's message without its `(got ...)` tail: the ParseError adds what was found. */
export const reason = (e: InputError): string => e.message.replace(/ \(got .*\)$/s, '');

/** `-m conntrack` words: typed when they are only `[!] --ctstate S` or `--ctdir D`, carried otherwise. */
export function conntrackModule(
  m: { readonly raw: readonly string[]; readonly column: number },
  proto: XtProto | undefined,
  fail: Fail,
  ctx: { readonly family: 4 | 6 },
): XtModule {
  const raw = [...m.raw];
  const onlyCtstate =
    (raw.length === 2 && raw[0] === '--ctstate') ||
    (raw.length === 3 && raw[0] === '!' && raw[1] === '--ctstate');
  const states = onlyCtstate ? raw[raw.length - 1]!.split(',') : [];
  // SNAT and DNAT are conntrack's virtual states (the flow was NATed): the kernel accepts them, the IR's
  // state set does not model them, so such a match is carried as written once its words are checked.
  const natStates = states.filter((s) => NAT_STATES.has(s.toUpperCase()));
  if (natStates.length > 0) {
    const wrong = states.find((s) => !CTSTATE_WORDS.has(s.toUpperCase()));
    if (wrong !== undefined)
      fail(
        m.column,
        `valid conntrack options: --ctstate has an unknown state "${wrong}" (expected INVALID, NEW, RELATED, ESTABLISHED, UNTRACKED, SNAT, DNAT)`,
        'conntrack',
      );
    // iptables-save lists states in bit order, once each.
    const upper = new Set(states.map((s) => s.toUpperCase()));
    const listed = [...CTSTATE_WORDS].filter((s) => upper.has(s)).join(',');
    const text = `${raw[0] === '!' ? '! ' : ''}--ctstate ${listed}`;
    return { name: 'conntrack', text, known: false, words: raw };
  }
  if (onlyCtstate) {
    const invert = raw[0] === '!';
    try {
      const built = CONNTRACK_CTSTATE.build(
        [{ name: 'ctstate', invert, values: [raw[raw.length - 1]!], column: m.column }],
        { family: ctx.family, ...(proto ? { proto } : {}) },
      );
      return {
        name: 'conntrack',
        text: built.text,
        known: true,
        words: raw,
        ...(built.info ? { info: built.info } : {}),
      };
    } catch (e) {
      if (e instanceof InputError) fail(m.column, `valid conntrack options: ${reason(e)}`, 'conntrack');
      throw e;
    }
  }
  const value = raw[1]?.toUpperCase();
  if (raw.length === 2 && raw[0] === '--ctdir' && (value === 'ORIGINAL' || value === 'REPLY')) {
    const info: XtModuleInfo = {
      kind: 'ctdir',
      direction: value === 'ORIGINAL' ? 'original' : 'reply',
      invert: false,
    };
    return { name: 'conntrack', text: printModuleInfo('conntrack', info), known: true, words: raw, info };
  }
  const problem = checkCarriedModule('conntrack', raw, false);
  if (problem) fail(m.column, problem, 'conntrack');
  return { name: 'conntrack', text: raw.map(quoteIfNeeded).join(' '), known: false, words: raw };
}

/** Port matches need their protocol, as libxt_tcp/udp and libxt_TPROXY check. */
export function checkProtocolNeeds(
  rule: XtRule,
  fail: (c: number, e: string, f: string) => never,
  column: number,
): void {
  for (const m of rule.matches) {
    if (
      (m.name === 'tcp' || m.name === 'udp') &&
      (!rule.proto || rule.proto.invert || rule.proto.name !== m.name)
    ) {
      // iptables accepts -m tcp without -p tcp, but the kernel refuses it (xt_tcpudp checks the protocol).
      fail(column, `-p ${m.name} before -m ${m.name}`, rule.proto ? `-p ${rule.proto.name}` : 'no -p');
    }
  }
  if (rule.target?.kind === 'module' && rule.target.module.name === 'TPROXY') {
    if (!rule.proto || rule.proto.invert || (rule.proto.name !== 'tcp' && rule.proto.name !== 'udp')) {
      fail(column, '-p tcp or -p udp with -j TPROXY', rule.proto ? `-p ${rule.proto.name}` : 'no -p');
    }
  }
}
