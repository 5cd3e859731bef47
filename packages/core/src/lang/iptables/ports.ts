import { InputError } from '../../bits/errors';
import type { Range } from '../../ir/types';
import { SERVICES } from '../../net/services';
import type { ModuleSpec, XtOpt } from './modules';
import type { XtModuleInfo, XtPorts } from './xt-rule';

// Ports as the tcp, udp and multiport matches take them, and the tcp/udp match itself.

/** Refuse an option given twice, as iptables does. */
export function once(opts: readonly XtOpt[]): void {
  // Modules carry a handful of options: comparing pairs is cheaper than a Set per rule.
  for (let j = 1; j < opts.length; j++) {
    const o = opts[j]!;
    for (let k = 0; k < j; k++) {
      if (opts[k]!.name === o.name) {
        throw new InputError(`--${o.name}`, o.values.join(' '), 'can only be used once');
      }
    }
  }
}

// ---- ports --------------------------------------------------------------------------------------

export function parsePort(text: string, field: string): number {
  const service = SERVICES[text];
  if (service !== undefined) return service;
  if (!/^[0-9]+$/.test(text)) {
    throw new InputError(field, text, 'is not a port number or a well-known service name (0-65535)');
  }
  const n = Number(text);
  if (n > 65535) throw new InputError(field, text, 'is out of range (0-65535)');
  return n;
}

/** `N`, `N:M`, `:M`, `N:` as tcp/udp/multiport accept them. */
export function parsePortRange(text: string, field: string): Range {
  const colon = text.indexOf(':');
  if (colon === -1) {
    const n = parsePort(text, field);
    return [n, n];
  }
  const lo = colon === 0 ? 0 : parsePort(text.slice(0, colon), field);
  const hi = colon === text.length - 1 ? 65535 : parsePort(text.slice(colon + 1), field);
  if (lo > hi) throw new InputError(field, text, 'has its first port above the last');
  return [lo, hi];
}

export const formatRange = (r: Range): string => (r[0] === r[1] ? String(r[0]) : `${r[0]}:${r[1]}`);
const formatPorts = (name: string, p: XtPorts): string =>
  `${p.invert ? '! ' : ''}--${name} ${p.ranges.map(formatRange).join(',')}`;

type PortsInfo = XtModuleInfo & { kind: 'ports' };

/** `-m tcp`/`-m udp` options: source before destination, as iptables-save prints them. */
export const printPortPair = (info: PortsInfo): string =>
  [info.src && formatPorts('sport', info.src), info.dst && formatPorts('dport', info.dst)]
    .filter((t) => t !== undefined)
    .join(' ');

export const printMultiport = (info: PortsInfo): string =>
  info.src
    ? formatPorts('sports', info.src)
    : info.dst
      ? formatPorts('dports', info.dst)
      : formatPorts('ports', info.either!);

const TCP_FLAGS = ['FIN', 'SYN', 'RST', 'PSH', 'ACK', 'URG'];

function parseTcpFlags(text: string): number {
  let bits = 0;
  for (const name of text.split(',')) {
    const upper = name.toUpperCase();
    if (upper === 'ALL') bits |= 0x3f;
    else if (upper === 'NONE') continue;
    else {
      const i = TCP_FLAGS.indexOf(upper);
      if (i === -1) throw new InputError('--tcp-flags', text, `unknown TCP flag "${name}"`);
      bits |= 1 << i;
    }
  }
  return bits;
}

function formatTcpFlags(bits: number): string {
  if (bits === 0) return 'NONE';
  return TCP_FLAGS.filter((_, i) => bits & (1 << i)).join(',');
}

export function portModule(withTcpExtras: boolean): ModuleSpec {
  const options: Record<string, number> = { sport: 1, 'source-port': 1, dport: 1, 'destination-port': 1 };
  if (withTcpExtras) Object.assign(options, { 'tcp-flags': 2, syn: 0, 'tcp-option': 1 });
  return {
    options,
    invertible: Object.keys(options),
    build(opts) {
      // One pass over the options, without per-option copies: this runs for most rules of a large ruleset.
      // Both spellings of a port option, and --syn with --tcp-flags, count as the same option for "once".
      let sport: XtOpt | undefined;
      let dport: XtOpt | undefined;
      let option: XtOpt | undefined;
      let flags: XtOpt | undefined;
      let syn: XtOpt | undefined;
      for (const o of opts) {
        const key =
          o.name === 'source-port'
            ? 'sport'
            : o.name === 'destination-port'
              ? 'dport'
              : o.name === 'syn'
                ? 'tcp-flags'
                : o.name;
        const taken =
          key === 'sport' ? sport : key === 'dport' ? dport : key === 'tcp-option' ? option : (flags ?? syn);
        if (taken) throw new InputError(`--${key}`, o.values.join(' '), 'can only be used once');
        if (key === 'sport') sport = o;
        else if (key === 'dport') dport = o;
        else if (key === 'tcp-option') option = o;
        else if (o.name === 'syn') syn = o;
        else flags = o;
      }
      const src: XtPorts | undefined = sport
        ? { ranges: [parsePortRange(sport.values[0]!, '--sport')], invert: sport.invert }
        : undefined;
      const dst: XtPorts | undefined = dport
        ? { ranges: [parsePortRange(dport.values[0]!, '--dport')], invert: dport.invert }
        : undefined;
      const info: XtModuleInfo = src
        ? dst
          ? { kind: 'ports', src, dst }
          : { kind: 'ports', src }
        : dst
          ? { kind: 'ports', dst }
          : { kind: 'ports' };
      const pair = printPortPair(info);
      const parts = pair === '' ? [] : [pair];
      if (option) parts.push(`${option.invert ? '! ' : ''}--tcp-option ${option.values[0]}`);
      if (flags) {
        const mask = parseTcpFlags(flags.values[0]!);
        const cmp = parseTcpFlags(flags.values[1]!);
        parts.push(`${flags.invert ? '! ' : ''}--tcp-flags ${formatTcpFlags(mask)} ${formatTcpFlags(cmp)}`);
      } else if (syn) parts.push(`${syn.invert ? '! ' : ''}--tcp-flags FIN,SYN,RST,ACK SYN`);
      const text = parts.join(' ');
      return option || flags || syn ? { text } : { text, info };
    },
  };
}
