import { hex8 } from '../../bits/u32';
import type { Chain, NamedSet, Ruleset, SetElement, Table } from '../../ir/types';
import { emitNftRule, verdictText } from './print-rule';
import { priorityText } from './priority';
import { formatCidr, markIntervalText } from './values';

// IR -> an `nft -f` script laid out as `nft list ruleset` prints it.

function elementText(e: SetElement, markKeys: boolean): string {
  if (e.kind === 'opaque') return e.text;
  const fmt = (n: number) => (markKeys ? hex8(n) : String(n));
  const key =
    e.kind === 'cidr'
      ? formatCidr(e.cidr)
      : markKeys
        ? markIntervalText(e.range[0], e.range[1])
        : e.range[0] === e.range[1]
          ? fmt(e.range[0])
          : `${fmt(e.range[0])}-${fmt(e.range[1])}`;
  if (e.value === undefined) return key;
  return `${key} : ${typeof e.value === 'number' ? hex8(e.value) : verdictText(e.value)}`;
}

function setText(s: NamedSet): string {
  const lines = [
    `\t${s.isMap ? 'map' : 'set'} ${s.name} {`,
    `\t\t${s.type.startsWith('typeof ') ? '' : 'type '}${s.type}`,
  ];
  if (s.flags.length) lines.push(`\t\tflags ${s.flags.join(',')}`);
  for (const x of s.extra ?? []) lines.push(`\t\t${x}`);
  if (s.elements.length) {
    const markKeys =
      /^(typeof )?(meta mark|ct mark|mark)\b/.test(s.type.replace(/^typeof /, 'typeof ')) ||
      /^mark\b/.test(s.type);
    lines.push(
      `\t\telements = { ${s.elements.map((e) => elementText(e, markKeys)).join(',\n\t\t\t     ')} }`,
    );
  }
  lines.push('\t}');
  return lines.join('\n');
}

function chainText(c: Chain, t: Table): string {
  const lines = [`\tchain ${c.name} {`];
  if (c.base) {
    const dev = c.base.device !== undefined ? ` device "${c.base.device}"` : '';
    lines.push(
      `\t\ttype ${c.base.type} hook ${c.base.hook}${dev} priority ${priorityText(c.base.priority, t.family, c.base.hook)}; policy ${c.base.policy};`,
    );
  }
  for (const r of c.rules) lines.push(`\t\t${emitNftRule(r)}`);
  lines.push('\t}');
  return lines.join('\n');
}

export function emitNftTable(t: Table): string {
  const blocks: string[] = [];
  const head: string[] = [];
  if (t.flags?.length) head.push(`\tflags ${t.flags.join(',')}`);
  if (t.comment !== undefined) head.push(`\tcomment "${t.comment}"`);
  if (head.length) blocks.push(head.join('\n'));
  // Objects come first: sets and rules may refer to them.
  for (const o of t.objects ?? []) {
    blocks.push(`\t${o.kind} ${o.name} {\n${o.body.map((l) => `\t\t${l}\n`).join('')}\t}`);
  }
  for (const s of t.secmarks) blocks.push(`\tsecmark ${s.name} {\n\t\t"${s.context}"\n\t}`);
  for (const s of t.sets) blocks.push(setText(s));
  for (const c of t.chains) blocks.push(chainText(c, t));
  return `table ${t.family} ${t.name} {\n${blocks.join('\n\n')}${blocks.length ? '\n' : ''}}\n`;
}

/** The whole ruleset as an `nft -f` script (tables as `nft list ruleset` prints them). */
export function emitNftText(ruleset: Ruleset): string {
  return ruleset.tables.map(emitNftTable).join('');
}
