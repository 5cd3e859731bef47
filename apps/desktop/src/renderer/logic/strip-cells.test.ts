import { describe, expect, it } from 'vitest';
import { colorClassOf, stripCells, stripSignature } from './strip-cells';

const fields = [
  { id: 1, name: 'uplink', mask: 0x0300_0000, colorIndex: 0 },
  { id: 2, name: 'bulk', mask: 0x0400_0000, colorIndex: 1 },
  { id: 3, name: 'spread', mask: 0x0000_0101, colorIndex: 12 },
];

describe('strip colouring', () => {
  it('draws bit 31 first and colours each field by its layout index', () => {
    const cells = stripCells(fields);
    expect(cells).toHaveLength(32);
    expect(cells[0]!.bit).toBe(31);
    expect(cells[31]!.bit).toBe(0);
    expect(stripSignature(cells, fields)).toBe('.....BAA...............C.......C');
    expect(cells.find((c) => c.bit === 24)!.colorClass).toBe('field-color-0');
    expect(cells.find((c) => c.bit === 26)!.colorClass).toBe('field-color-1');
    expect(colorClassOf(12)).toBe('field-color-2');
  });
  it('marks run edges, so non-contiguous fields get two runs', () => {
    const cells = stripCells(fields);
    const at = (bit: number) => cells.find((c) => c.bit === bit)!;
    expect([at(25).runHigh, at(25).runLow, at(24).runHigh, at(24).runLow]).toEqual([
      true,
      false,
      false,
      true,
    ]);
    expect([at(8).runHigh, at(8).runLow, at(0).runHigh, at(0).runLow]).toEqual([true, true, true, true]);
    expect(at(26).runHigh && at(26).runLow).toBe(true);
  });
  it('shows outside claims and flags the field bits they hit as conflicts', () => {
    const cells = stripCells(fields, {
      claims: [
        { label: 'tailscale', mask: 0x00ff_0000 },
        { label: 'kube-proxy', mask: 0x0000_c000 | 0x0100_0000 },
      ],
    });
    const at = (bit: number) => cells.find((c) => c.bit === bit)!;
    expect(at(24).claims).toEqual(['kube-proxy']);
    expect(at(24).conflict).toBe(true);
    expect(at(16).claims).toEqual(['tailscale']);
    expect(at(16).conflict).toBe(false);
    expect(at(25).conflict).toBe(false);
  });
  it('shows a concrete mark bit by bit and the selection', () => {
    const cells = stripCells(fields, { mark: 0x8000_0001, selectedId: 2 });
    expect(cells[0]!.value).toBe(1);
    expect(cells[1]!.value).toBe(0);
    expect(cells[31]!.value).toBe(1);
    expect(cells.filter((c) => c.selected).map((c) => c.bit)).toEqual([26]);
  });
});
