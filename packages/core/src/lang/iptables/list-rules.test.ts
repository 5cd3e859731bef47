import { describe, expect, it } from 'vitest';
import { parseRulesetAuto } from '../detect';
import { parseIptablesListRules } from './list-rules';

// `iptables -S` and `iptables -t nat -S` as iptables 1.8.9 printed them in a scratch namespace.
const FILTER = `-P INPUT ACCEPT
-P FORWARD DROP
-P OUTPUT ACCEPT
-N KUBE-FORWARD
-A FORWARD -j KUBE-FORWARD
-A KUBE-FORWARD -m mark --mark 0x4000/0x4000 -j ACCEPT
`;
const NAT = `-P PREROUTING ACCEPT
-P INPUT ACCEPT
-P OUTPUT ACCEPT
-P POSTROUTING ACCEPT
-N KUBE-MARK-MASQ
-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000
`;

describe('iptables -S', () => {
  it('reads one table, telling it by its built-in chains', () => {
    const rs = parseIptablesListRules(FILTER);
    expect(rs.tables.map((t) => t.name)).toEqual(['filter']);
    const forward = rs.tables[0]!.chains.find((c) => c.name === 'FORWARD')!;
    expect(forward.base?.policy).toBe('drop');
    expect(rs.tables[0]!.chains.find((c) => c.name === 'KUBE-FORWARD')!.rules).toHaveLength(1);
  });

  it('reads several pasted tables, and is detected automatically', () => {
    const { syntax, ruleset } = parseRulesetAuto(`${FILTER}${NAT}`);
    expect(syntax).toBe('iptables-rules');
    expect(ruleset.tables.map((t) => t.name)).toEqual(['filter', 'nat']);
    const masq = ruleset.tables[1]!.chains.find((c) => c.name === 'KUBE-MARK-MASQ')!;
    expect(masq.rules[0]!.exprs[0]).toMatchObject({ kind: 'markWrite' });
  });

  it('takes the table from the caller when given, and names the line of an error', () => {
    expect(
      parseIptablesListRules('-N X\n-A X -j MARK --set-mark 1\n', { table: 'mangle' }).tables[0]!.name,
    ).toBe('mangle');
    expect(() =>
      parseIptablesListRules('-P INPUT ACCEPT\n-P FORWARD ACCEPT\n-P OUTPUT ACCEPT\n-A INPUT --bogus\n'),
    ).toThrow(/line 4/);
  });
});
