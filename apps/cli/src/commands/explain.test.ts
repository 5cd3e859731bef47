import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../testing/run-command';
import explain from './explain';

const repoRoot = resolve(import.meta.dirname, '../../../..');
const edge = join(repoRoot, 'examples', 'edge-router.json');

const run = (args: string[]) => runCommand(explain, args);

describe('explain', () => {
  it('decodes a mark against a document bit by bit, in a readable table', async () => {
    const { code, out } = await run(['0x02004000', '--doc', edge]);
    expect(code).toBe(0);
    expect(out).toMatch(/^mark 0x02004000 in the fwmark against document "edge-router"/);
    expect(out).toMatch(/\n +14 +0x00004000 +\(unassigned\) +kube-proxy \(masquerade bit/);
    expect(out).toMatch(/\n +25 +0x02000000 +uplink +calico \(/);
    expect(out).toMatch(/\n {2}uplink = isp2 \(2\)\n {2}bulk = 0\n/);
    expect(out).toMatch(/unassigned set bits: 0x00004000/);
    expect(out).toMatch(/kube-proxy masq 0x00004000\/0x00004000: KUBE-MARK-MASQ/);
    expect(out).toMatch(/sources:\n {2}kube-proxy: kubernetes pkg\/proxy/);
  });

  it('prints the explanation as JSON', async () => {
    const { out } = await run(['33570816', '--doc', edge, '--json']);
    const e = JSON.parse(out);
    expect(e).toMatchObject({
      document: 'edge-router',
      mark: 0x02004000,
      hex: '0x02004000',
      space: 'fwmark',
      unassigned: 0x4000,
    });
    expect(e.bits.map((b: { bit: number; field: string | null }) => [b.bit, b.field])).toEqual([
      [14, null],
      [25, 'uplink'],
    ]);
    expect(e.fields[0]).toEqual({ field: 'uplink', value: 'isp2', raw: 2, mask: 0x03000000, defined: true });
  });

  it('works without a document and in the connmark', async () => {
    const { out } = await run(['0xf41', '--space', 'connmark']);
    expect(out).toMatch(/^mark 0x00000f41 in the connmark\n/);
    expect(out).toMatch(/mullvad split-tunnel 0x00000f41: split-tunnel/);
    expect((await run(['0'])).out).toMatch(/no bits set/);
  });

  it('refuses bad marks, spaces and documents naming them', async () => {
    await expect(run(['0x100000000'])).rejects.toThrow('MARK: is larger than 0xffffffff (got "0x100000000")');
    await expect(run(['-1'])).rejects.toThrow(/MARK: must not be negative/);
    await expect(run(['mark'])).rejects.toThrow(/MARK: is not a number/);
    await expect(run([])).rejects.toThrow(/MARK: expected exactly one mark/);
    await expect(run(['1', '--space', 'secmark'])).rejects.toThrow(
      '--space: must be fwmark or connmark (got "secmark")',
    );
    await expect(run(['1', '--doc', join(repoRoot, 'nothing.json')])).rejects.toThrow(
      /nothing\.json: cannot be read/,
    );
  });
});
