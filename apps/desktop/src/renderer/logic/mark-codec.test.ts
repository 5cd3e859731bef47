import { describe, expect, it } from 'vitest';
import { newField } from './draft';
import { decodeMark, encodeValues, fieldNumber, parseMarkText, ruleTexts } from './mark-codec';

function uplink() {
  const f = newField('fwmark', 0x0300_0000, 'uplink');
  f.kind = 'enum';
  f.values = [
    { name: 'isp1', value: '1' },
    { name: 'isp2', value: '2' },
  ];
  return f;
}
const bulk = () => newField('fwmark', 0x0400_0000, 'bulk');

describe('mark text', () => {
  it('reads decimal and hex', () => {
    expect(parseMarkText('0x2000000')).toEqual({ ok: true, value: 0x0200_0000 });
    expect(parseMarkText(' 4096 ')).toEqual({ ok: true, value: 4096 });
  });
  it('says what is wrong with the text', () => {
    expect(parseMarkText('0xzz')).toEqual({
      ok: false,
      error: 'mark: is not a number (expected decimal or 0x-hex) (got "0xzz")',
    });
    expect(parseMarkText('0x100000000')).toMatchObject({
      ok: false,
      error: expect.stringContaining('larger'),
    });
    expect(parseMarkText('-1')).toMatchObject({ ok: false, error: expect.stringContaining('negative') });
    expect(parseMarkText('010')).toMatchObject({ ok: false, error: expect.stringContaining('octal') });
  });
});

describe('decode', () => {
  it('reads each field and names enum values', () => {
    const d = decodeMark([uplink(), bulk()], 0x0600_0010);
    expect(d.fields).toEqual([
      { name: 'uplink', raw: 2, label: 'isp2' },
      { name: 'bulk', raw: 1, label: null },
    ]);
    expect(d.unowned).toBe(0x10);
  });
});

describe('encode', () => {
  it('combines picked values into one v/m', () => {
    expect(encodeValues([uplink(), bulk()], { uplink: 'isp2', bulk: '1' })).toEqual({
      ok: true,
      value: 0x0600_0000,
      mask: 0x0700_0000,
    });
    expect(encodeValues([uplink(), bulk()], { uplink: '', bulk: '1' })).toEqual({
      ok: true,
      value: 0x0400_0000,
      mask: 0x0400_0000,
    });
  });
  it('refuses values that do not fit, per field', () => {
    expect(encodeValues([uplink(), bulk()], { uplink: '4', bulk: 'x' })).toEqual({
      ok: false,
      errors: {
        uplink: 'enum field "uplink" takes one of its value names (got 4)',
        bulk: 'flag field "bulk" takes 0, 1, true or false (got "x")',
      },
    });
    expect(fieldNumber(uplink(), 'isp9')).toBe(
      'is not a value of enum field "uplink" (known: isp1, isp2) (got "isp9")',
    );
    const zone = newField('fwmark', 0xf0, 'zone');
    expect(fieldNumber(zone, '16')).toBe('is outside the range of int field "zone" (0..15) (got 16)');
    expect(fieldNumber(zone, '0x0f')).toBe(15);
  });
});

describe('rule text', () => {
  it('prints a packet-mark match and write as iptables-save, nft list and ip rule write them', () => {
    expect(ruleTexts('fwmark', 0x0200_0000, 0x0300_0000)).toEqual({
      iptablesMatch: '-m mark --mark 0x2000000/0x3000000',
      iptablesSet: '-j MARK --set-xmark 0x2000000/0x3000000',
      nftMatch: 'meta mark & 0x03000000 == 0x02000000',
      // nft widens the mask by the bits the write sets, as nft 1.0.6 lists it.
      nftSet: 'meta mark set meta mark & 0xfeffffff | 0x02000000',
      ipRule: 'ip rule add fwmark 0x2000000/0x3000000 lookup TABLE',
    });
  });
  it('uses connmark forms and no ip rule for the conntrack mark; full masks print bare', () => {
    const t = ruleTexts('connmark', 5, 0xffff_ffff);
    expect(t.iptablesMatch).toBe('-m connmark --mark 0x5');
    expect(t.nftMatch).toBe('ct mark 0x00000005');
    expect(t.nftSet).toBe('ct mark set 0x00000005');
    expect(t.ipRule).toBeNull();
  });
});
