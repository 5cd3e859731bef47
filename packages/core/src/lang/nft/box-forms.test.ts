import { describe, expect, it } from 'vitest';
import { bitUsage } from '../../analyze/bit-usage';
import { parseNftJson } from './json';
import { normalizeNftRule } from './normalize';
import { parseNftText } from './text';

// How boxes print rules: nft 1.0.6 lists iptables-nft rules with `!` flags and iptables' own translations,
// and names protocols and address types. Expected texts are what nft 1.0.6 listed in a scratch namespace.

describe('nft listings of real boxes', () => {
  it.each([
    ['ct state ! related,established drop', 'ct state ! established,related drop'],
    ['ct state ! established accept', 'ct state ! established accept'],
    ['ct status ! dnat drop', 'ct status ! dnat drop'],
    ['meta l4proto 17 accept', 'meta l4proto udp accept'],
    ['ip protocol 17 accept', 'ip protocol udp accept'],
    ['ip6 nexthdr 17 accept', 'ip6 nexthdr udp accept'],
    ['meta l4proto { 6, 17 } accept', 'meta l4proto { tcp, udp } accept'],
    ['fib saddr type != 2 drop', 'fib saddr type != local drop'],
    ['fib daddr type { 1, 2 } accept', 'fib daddr type { unicast, local } accept'],
    ['ct state 8 accept', 'ct state new accept'],
  ])('normalizes %s as nft lists it', (input, listed) => {
    expect(normalizeNftRule(input)).toEqual({ ok: true, text: listed });
  });

  it('reads `ct state !` as none of the states', () => {
    const { tables } = parseNftText('table inet t { chain c { ct state ! related,established drop } }');
    expect(tables[0]!.chains[0]!.rules[0]!.exprs[0]).toEqual({
      kind: 'ctstate',
      states: ['established', 'related'],
      invert: true,
    });
  });

  it('refuses undefined symbols as mark values, as nft does ("Could not parse packet mark")', () => {
    for (const rule of ['ct mark set foo', 'meta mark set bar']) {
      const r = normalizeNftRule(rule);
      expect(r.ok, rule).toBe(false);
      expect(!r.ok && r.message).toMatch(/is not a defined symbol/);
    }
  });

  it('refuses a jump to a chain a later command declares, as nft -f does', () => {
    const later =
      'table inet t {\n chain a {\n  meta mark vmap { 1 : jump b }\n }\n}\ntable inet t {\n chain b {\n }\n}\n';
    expect(() => parseNftText(later)).toThrow(/line 3, column 3: expected chain "b" declared before/);
    const flat = 'add table inet t\nadd chain inet t a\nadd rule inet t a jump b\nadd chain inet t b\n';
    expect(() => parseNftText(flat)).toThrow(/line 3, column 19: expected chain "b" declared before/);
    // Inside one table block nft declares every chain first, and named maps are resolved later.
    expect(() =>
      parseNftText('table inet t {\n chain a {\n  meta mark vmap { 1 : jump b }\n }\n chain b {\n }\n}\n'),
    ).not.toThrow();
    expect(() => parseNftText('table inet t { chain a { jump nowhere } }')).toThrow(/there is none/);
  });
});

describe('iptables-nft rules in nft dumps', () => {
  // What `nft list ruleset` printed for `-j CONNMARK --save-mark --nfmask 0x220 --ctmask 0x220` and
  // `--restore-mark --nfmask 0xff0000 --ctmask 0xff0000` made by iptables-nft 1.8.9.
  const listing = `table ip mangle {
	chain PREROUTING {
		type filter hook prerouting priority mangle; policy accept;
		counter packets 0 bytes 0 ct mark set mark and 0x220
		counter packets 0 bytes 0 meta mark set ct mark and 0xff0000
		meta mark & 0x00000fff == 0x00000539 counter packets 0 bytes 0 ct mark set ct mark xor 0x111 and 0xfffff000
	}
}
`;

  it('reads translated CONNMARK save/restore as the xt target: masked, other bits kept', () => {
    const [save, restore, xset] = bitUsage(parseNftText(listing));
    expect(save).toMatchObject({ writes: { ctmark: 0x220 }, wholeMarkWrite: { ctmark: false } });
    expect(restore).toMatchObject({ writes: { fwmark: 0xff0000 }, wholeMarkWrite: { fwmark: false } });
    // `-j CONNMARK --set-xmark 0x111/0xfff` (Istio ambient): the kernel sets 0x111 under 0xfff.
    expect(xset).toMatchObject({ writes: { ctmark: 0xfff }, wholeMarkWrite: { ctmark: false } });
    // The same text in a table of one's own is nft's own statement, which clears the other bits.
    const own = bitUsage(parseNftText(listing.replace('table ip mangle', 'table ip mine')));
    expect(own.map((u) => u.wholeMarkWrite)).toEqual([
      { fwmark: false, ctmark: true },
      { fwmark: true, ctmark: false },
      { fwmark: false, ctmark: false },
    ]);
  });

  it('treats xt mark extensions in nft JSON as using the whole mark, and says how to get the exact bits', () => {
    const json = JSON.stringify({
      nftables: [
        { table: { family: 'ip', name: 'mangle', handle: 1 } },
        {
          chain: {
            family: 'ip',
            table: 'mangle',
            name: 'PREROUTING',
            handle: 1,
            type: 'filter',
            hook: 'prerouting',
            prio: -150,
            policy: 'accept',
          },
        },
        ...[
          [{ counter: { packets: 0, bytes: 0 } }, { xt: { type: 'target', name: 'MARK' } }],
          [{ xt: { type: 'match', name: 'connmark' } }, { accept: null }],
          [{ xt: { type: 'target', name: 'CONNMARK' } }],
          [{ xt: { type: 'match', name: 'comment' } }, { accept: null }],
        ].map((expr, i) => ({
          rule: { family: 'ip', table: 'mangle', chain: 'PREROUTING', handle: 2 + i, expr },
        })),
      ],
    });
    const [mark, connmark, connmarkTarget, comment] = bitUsage(parseNftJson(json));
    expect(mark).toMatchObject({
      rule: 'counter xt target MARK',
      writes: { fwmark: 0xffffffff },
      wholeMarkWrite: { fwmark: true, ctmark: false },
    });
    expect(mark!.note).toMatch(/xt target MARK .*give --host-rules an iptables-save/);
    expect(connmark).toMatchObject({ reads: { ctmark: 0xffffffff }, wholeMarkWrite: { fwmark: false } });
    expect(connmarkTarget!.wholeMarkWrite).toEqual({ fwmark: true, ctmark: true });
    expect(comment).toMatchObject({ reads: { fwmark: 0, ctmark: 0 }, uncertain: false });
    expect(comment!.note).toBeUndefined();
  });
});
