import type { Family, Hook } from '../../ir/types';
import type { TokenStream } from './lexer';

// nft(8) "Standard priority names": the name's value depends on the family (bridge differs) and hook.

const INET: Readonly<Record<string, number>> = {
  raw: -300,
  mangle: -150,
  dstnat: -100,
  filter: 0,
  security: 50,
  srcnat: 100,
};
const BRIDGE: Readonly<Record<string, number>> = { dstnat: -300, filter: -200, out: 100, srcnat: 300 };

export function priorityNames(family: Family): Readonly<Record<string, number>> {
  return family === 'bridge' ? BRIDGE : INET;
}

/** `-150`, `mangle`, `filter + 10`, `dstnat - 5` -> number. */
export function priorityValue(
  text: string,
  family: Family,
  _hook: Hook,
  ts: TokenStream,
  at: number,
): number {
  const t = text.replace(/\s+/g, '');
  if (/^-?\d+$/.test(t)) return Number(t);
  const m = /^([a-z]+)(?:([+-])(\d+))?$/.exec(t);
  const base = m ? priorityNames(family)[m[1]!] : undefined;
  if (!m || base === undefined)
    return ts.fail(
      `a priority (a number or ${Object.keys(priorityNames(family)).join(', ')}, with optional +/- N)`,
      at,
    );
  const off = m[3] ? Number(m[3]) : 0;
  return m[2] === '-' ? base - off : base + off;
}

/** The form `nft list` prints: standard names where nft uses them, else the number. */
export function priorityText(priority: number, family: Family, hook: Hook): string {
  const names = priorityNames(family);
  const allowed = (name: string): boolean =>
    family === 'bridge' ||
    !['dstnat', 'srcnat'].includes(name) ||
    (name === 'dstnat' ? hook === 'prerouting' : hook === 'postrouting');
  for (const [name, value] of Object.entries(names)) {
    if (!allowed(name)) continue;
    if (family === 'netdev' && name !== 'filter') continue;
    if (priority === value) return name;
    if (Math.abs(priority - value) <= 10 && family !== 'netdev') {
      return priority > value ? `${name} + ${priority - value}` : `${name} - ${value - priority}`;
    }
  }
  return String(priority);
}
