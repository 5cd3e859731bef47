import { readFileSync } from 'node:fs';
import { DIGEST_SET, OWNED_TABLE } from '../deploy/ownership';
import { FakeRunner } from '../exec/fake-runner';
import type { NftObject } from '../types';

const SCRIPT_CHAIN = 'loaded_script';
const at = { family: 'inet', table: OWNED_TABLE };

/**
 * A tiny in-memory box for unit tests: our nft table as listed objects (a script loaded as text becomes one
 * rule whose comment holds it), ip rules per family and tc filters, answering the exact commands the deploy
 * code runs. `failOn` makes a command fail like the tool.
 */
export class FakeKernel {
  table: NftObject[] | null = null;
  rules: Record<'v4' | 'v6', string[]> = { v4: [], v6: [] };
  tc: string[] = [];
  failOn: ((argv: readonly string[], input?: string) => string | null) | null = null;
  readonly runner = new FakeRunner();

  constructor() {
    this.runner.on((argv, input) => this.answer(argv, input));
  }

  /** The script the table was loaded from (null: no table). */
  get nftScript(): string | null {
    if (!this.table) return null;
    const rule = this.table.find((o) => o.rule?.chain === SCRIPT_CHAIN);
    return rule ? String(rule.rule!.comment) : '';
  }
  set nftScript(script: string | null) {
    if (script === null || !script.includes(`table inet ${OWNED_TABLE} {`)) {
      this.table = null;
      return;
    }
    const digest = /deployment_digest \{ 0x([0-9a-f]+) \}/.exec(script);
    this.table = [
      { table: { family: 'inet', name: OWNED_TABLE } },
      ...(digest
        ? [{ set: { ...at, name: DIGEST_SET, type: 'mark', elem: [Number.parseInt(digest[1]!, 16)] } }]
        : []),
      { chain: { ...at, name: SCRIPT_CHAIN } },
      { rule: { ...at, chain: SCRIPT_CHAIN, expr: [], comment: script } },
    ];
  }

  private loadJson(text: string) {
    const commands = (JSON.parse(text) as { nftables: Record<string, NftObject>[] }).nftables;
    for (const command of commands) {
      const [verb, object] = Object.entries(command)[0]!;
      if (verb === 'delete' && object.table) this.table = null;
      else if (verb === 'add' && object.table) this.table ??= [object];
      else if (verb === 'add') this.table = [...(this.table ?? []), object];
    }
  }

  private answer(argv: readonly string[], input: string | undefined) {
    const failure = this.failOn?.(argv, input);
    if (failure) return { code: 1, stderr: failure };
    const cmd = argv.join(' ');
    if (cmd === 'nft -f -') {
      this.nftScript = input ?? '';
      return {};
    }
    if (argv.slice(0, 3).join(' ') === 'nft -j -f' && argv.length === 4) {
      this.loadJson(readFileSync(argv[3]!, 'utf8'));
      return {};
    }
    if (cmd === `nft -j list table inet ${OWNED_TABLE}`) {
      if (!this.table) return { code: 1, stderr: 'Error: No such file or directory' };
      const listed = this.table.map((o, handle) => {
        const [kind, body] = Object.entries(o)[0]!;
        return { [kind]: { ...body, handle } };
      });
      return { stdout: JSON.stringify({ nftables: [{ metainfo: { version: 'fake' } }, ...listed] }) };
    }
    if (cmd === `nft list table inet ${OWNED_TABLE}`) {
      if (!this.table) return { code: 1, stderr: 'No such file or directory' };
      // Rules added after the script list inside the table, as nft would show them.
      const extra = this.table
        .filter((o) => o.rule && o.rule.chain !== SCRIPT_CHAIN)
        .map((o) => `\t\t${String(o.rule!.comment)}\n`)
        .join('');
      const script = this.nftScript ?? '';
      const end = script.lastIndexOf('}\n', script.indexOf(`add set inet ${OWNED_TABLE}`) >>> 0);
      return { stdout: end === -1 ? script : `${script.slice(0, end)}${extra}${script.slice(end)}` };
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
