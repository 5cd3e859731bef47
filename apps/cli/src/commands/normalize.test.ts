import { describe, expect, it } from 'vitest';
import { runCommand } from '../testing/run-command';
import normalize from './normalize';

const run = (args: string[], stdin = '') => runCommand(normalize, args, stdin);

describe('normalize --syntax iptables', () => {
  it('prints one ok/error line per input line, as iptables-save would', async () => {
    const input = [
      '-j MARK --set-mark 10',
      '-m mark --mark 4294967296',
      '-p tcp --dport 80 -m connmark ! --mark 0x10/16 -j CONNMARK --save-mark --mask 0xff',
      '-j CONNMARK',
    ].join('\n');
    const { code, out } = await run(['--syntax', 'iptables', '--table', 'mangle'], `${input}\n`);
    expect(code).toBe(0);
    const lines = out.split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[0]).toBe('ok\t-j MARK --set-xmark 0xa/0xffffffff');
    expect(lines[1]).toMatch(/^error\t.*--mark.*out of range/);
    expect(lines[2]).toBe(
      'ok\t-p tcp -m tcp --dport 80 -m connmark ! --mark 0x10/0x10 -j CONNMARK --save-mark --nfmask 0xff --ctmask 0xff',
    );
    expect(lines[3]).toMatch(/^error\t.*needs an operation/);
  });
  it('applies the table: SECMARK only in mangle or security', async () => {
    const { out } = await run(
      ['--syntax', 'iptables'],
      '-j SECMARK --selctx system_u:object_r:ssh_packet_t:s0\n',
    );
    expect(out).toMatch(/^error\t.*SECMARK is only valid in the 'mangle' or 'security' table/);
  });
  it('reads IPv6 rules with --family 6', async () => {
    const { out } = await run(['--syntax', 'iptables', '--family', '6'], '-s 2001:DB8:0:0::1/64 -j ACCEPT\n');
    expect(out).toBe('ok\t-s 2001:db8::/64 -j ACCEPT\n');
  });
  it('refuses an unknown syntax or family naming the flag', async () => {
    await expect(run(['--syntax', 'pf'], '')).rejects.toThrow(/--syntax: must be iptables or nft/);
    await expect(run(['--syntax', 'iptables', '--family', '5'], '')).rejects.toThrow(
      /--family: must be 4 or 6/,
    );
  });
  it('hands nft lines to the nft normalizer', async () => {
    const { out } = await run(['--syntax', 'nft'], 'meta mark set 0x10\n');
    expect(out).toMatch(/^(ok|error)\t/);
  });
});
