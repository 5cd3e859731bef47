import { connmarkTargetWrite } from '../../bits/xt-mark';
import type { Family, Rule, RuleExpr } from '../../ir/types';

// `nft list ruleset` prints the xt CONNMARK target of an iptables-nft rule through iptables' own translation:
// `--save-mark --nfmask M --ctmask M` as `ct mark set mark and M` and `--restore-mark` likewise as
// `meta mark set ct mark and M`. Those texts mean "clear every other bit" in nft, but the kernel runs the xt
// target, which keeps them. nft lists its own rules as `meta mark & 0x0000000M`, so the translated spelling
// (`mark and`, hex without padding) in a table iptables-nft manages can only be such a target. The same goes
// for `--set-xmark V/M`, whose translation applies the xor before the mask.

const XTABLES_TABLES = new Set(['filter', 'nat', 'mangle', 'raw', 'security']);
const SAVE = /\bct mark set mark and (0x[0-9a-f]+)\b/;
const RESTORE = /\bmeta mark set ct mark and (0x[0-9a-f]+)\b/;
/** `--set-xmark V/M` translates as `ct mark set ct mark xor V and ~M`: nft would xor first, the kernel clears first. */
const SET_XMARK = /\bct mark set ct mark xor (0x[0-9a-f]+) and (0x[0-9a-f]+)\b/;

/** Whether a table has the family and name of one iptables-nft manages. */
export const isXtablesTable = (family: Family, name: string): boolean =>
  (family === 'ip' || family === 'ip6') && XTABLES_TABLES.has(name);

/** The rule with a translated CONNMARK save/restore read as the xt target it lists (masked, keeping other bits). */
export function xtConnmarkFromListing(rule: Rule, line: string): Rule {
  const xset = SET_XMARK.exec(line);
  if (xset) {
    const value = Number.parseInt(xset[1]!, 16) >>> 0;
    const keep = Number.parseInt(xset[2]!, 16) >>> 0;
    const write = connmarkTargetWrite({
      mode: 'set',
      ctmark: value,
      ctmask: ~keep >>> 0,
      nfmask: 0xffffffff,
      shiftDir: 'left',
      shiftBits: 0,
    });
    return replaceWrite(rule, 'ct', write);
  }
  const save = SAVE.exec(line);
  const restore = save ? null : RESTORE.exec(line);
  const m = save ?? restore;
  if (!m) return rule;
  const mask = Number.parseInt(m[1]!, 16) >>> 0;
  const dst = save ? 'ct' : 'meta';
  const write = connmarkTargetWrite({
    mode: save ? 'save' : 'restore',
    ctmark: 0,
    ctmask: mask,
    nfmask: mask,
    shiftDir: 'left',
    shiftBits: 0,
  });
  return replaceWrite(rule, dst, write);
}

/** The rule with its first write to `dst` replaced. */
function replaceWrite(rule: Rule, dst: 'meta' | 'ct', write: ReturnType<typeof connmarkTargetWrite>): Rule {
  let replaced = false;
  const exprs = rule.exprs.map((e): RuleExpr => {
    if (replaced || e.kind !== 'markWrite' || e.write.dst !== dst) return e;
    replaced = true;
    return { kind: 'markWrite', write };
  });
  return replaced ? { ...rule, exprs } : rule;
}
