import { DIGEST_SET, OWNED_TABLE } from '../deploy/ownership';
import { FakeRunner } from '../exec/fake-runner';

/**
 * A tiny in-memory box for unit tests: our nft table (as its loaded script), ip rules per family and tc
 * filters, answering the exact commands the deploy code runs. `failOn` makes a command fail like the tool.
 */
export class FakeKernel {
  nftScript: string | null = null;
  rules: Record<'v4' | 'v6', string[]> = { v4: [], v6: [] };
  tc: string[] = [];
  failOn: ((argv: readonly string[], input?: string) => string | null) | null = null;
  readonly runner = new FakeRunner();

  constructor() {
    this.runner.on((argv, input) => this.answer(argv, input));
  }

  private answer(argv: readonly string[], input: string | undefined) {
    const failure = this.failOn?.(argv, input);
    if (failure) return { code: 1, stderr: failure };
    const cmd = argv.join(' ');
    if (cmd === 'nft -f -') {
      const body = input ?? '';
      this.nftScript = body.includes(`table inet ${OWNED_TABLE} {`) ? body : null;
      return {};
    }
    if (cmd === `nft -j list set inet ${OWNED_TABLE} ${DIGEST_SET}`) {
      const m = this.nftScript && /deployment_digest \{ 0x([0-9a-f]+) \}/.exec(this.nftScript);
      if (!m) return { code: 1, stderr: 'Error: No such file or directory' };
      return { stdout: JSON.stringify({ nftables: [{ set: { elem: [Number.parseInt(m[1]!, 16)] } }] }) };
    }
    if (cmd === 'nft list tables inet')
      return { stdout: this.nftScript ? `table inet ${OWNED_TABLE}\n` : '' };
    if (cmd === `nft list table inet ${OWNED_TABLE}`) {
      return this.nftScript ? { stdout: this.nftScript } : { code: 1, stderr: 'No such file or directory' };
    }
    const ruleShow = /^ip -(4|6) rule show$/.exec(cmd);
    if (ruleShow) {
      const fam = ruleShow[1] === '4' ? 'v4' : 'v6';
      const lines = this.rules[fam].map((r) => r.replace(/^priority (\d+) /, '$1:\t'));
      return {
        stdout: ['0:\tfrom all lookup local', ...lines, '32766:\tfrom all lookup main', ''].join('\n'),
      };
    }
    const batch = /^ip -(4|6) -batch -$/.exec(cmd);
    if (batch) {
      const fam = batch[1] === '4' ? 'v4' : 'v6';
      for (const line of (input ?? '').split('\n').filter(Boolean)) {
        if (line.startsWith('rule add ')) this.rules[fam].push(line.slice('rule add '.length));
        else this.rules[fam] = this.rules[fam].filter((r) => r !== line.slice('rule del '.length));
      }
      return {};
    }
    const tcShow = /^tc -j filter show dev (\S+) parent (\S+)$/.exec(cmd);
    if (tcShow) {
      const mine = this.tc
        .map((l) =>
          /dev (\S+) parent (\S+) protocol (\S+) prio (\d+) handle (\S+)\/(\S+) fw classid (\S+)/.exec(l),
        )
        .filter((m) => m && m[1] === tcShow[1] && m[2] === tcShow[2]);
      return {
        stdout: JSON.stringify(
          mine.map((m) => ({
            kind: 'fw',
            protocol: m![3],
            pref: Number(m![4]),
            options: { handle: m![5], mask: m![6], classid: m![7] },
          })),
        ),
      };
    }
    if (cmd === 'tc -batch -') {
      for (const line of (input ?? '').split('\n').filter(Boolean)) {
        if (line.startsWith('filter add')) this.tc.push(line);
        else {
          const m = /dev (\S+) parent (\S+) prio (\d+)/.exec(line)!;
          this.tc = this.tc.filter(
            (l) => !l.includes(`dev ${m[1]} parent ${m[2]} `) || !l.includes(` prio ${m[3]} `),
          );
        }
      }
      return {};
    }
    if (cmd === 'nft -c -f -') return {};
    return { code: 127, stderr: `fake kernel does not know: ${cmd}` };
  }
}
