import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PlanReport } from '@markwright/host';
import { kernelSkip, Netns } from '@markwright/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleCli, type CliRun } from '../testing/cli-bundle';
import { privateTarget } from '../testing/run-command';

const skip = kernelSkip('secmark plan tests', ['ip', 'nft']);

const HTTP = 'system_u:object_r:http_packet_t:s0';
const DOC = {
  format: 'markwright/1',
  name: 'labels',
  layout: {
    fields: [{ name: 'bulk', kind: 'flag', offset: 26 }],
    secmarks: [{ name: 'http_packet', context: HTTP, persist: true }],
  },
  policy: {
    rules: [
      { name: 'web', match: { proto: 'tcp', dport: 80 }, set: { secmark: 'http_packet' } },
      { name: 'bulk', match: { proto: 'udp', dport: 9 }, set: { bulk: 1 } },
    ],
  },
};

// Whether the LSM takes the label is the kernel's answer, found the same way plan finds it: where it takes it
// the plan is clean; where it does not (this machine: no LSM, ENOENT) plan and apply refuse the whole document.
describe.skipIf(skip)('documents with security labels on a kernel whose LSM refuses them', () => {
  let ns: Netns;
  let dir: string;
  let cli: CliRun;
  let doc: string;
  const common = () => privateTarget(ns.name, dir);

  beforeAll(() => {
    ns = Netns.create('lblplan');
    ({ cli, dir } = bundleCli());
    doc = join(dir, 'labels.json');
    writeFileSync(doc, JSON.stringify(DOC));
  });
  afterAll(() => {
    ns?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** The kernel's own answer, asked as plan asks it: does any LSM map the context? */
  const accepted = () =>
    ns.exec(['nft', '-c', '-f', '-'], {
      input: `table inet probe {\n  secmark s { "${HTTP}" }\n}\n`,
      allowFail: true,
    }).code === 0;

  it('plan refuses the labelled document as an environment problem (exit 2), naming the label, with the mark rule fine', () => {
    const r = cli(['plan', doc, ...common(), '--json']);
    const report = JSON.parse(r.stdout) as PlanReport;
    if (accepted()) {
      expect(r.code, r.stderr).toBe(0);
      return;
    }
    expect(r.code, r.stderr).toBe(2);
    expect(report.problems!.map((p) => [p.part, p.kind, p.field])).toEqual([
      ['secmark', 'environment', 'layout.secmarks[0].context'],
    ]);
  });

  it('apply refuses the whole document before touching the box (exit 2): nothing of it is loaded', () => {
    if (accepted()) return;
    const r = cli(['apply', doc, ...common()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /layout\.secmarks: security labels http_packet \(system_u:object_r:http_packet_t:s0\) cannot be deployed: no security module .* Nothing was applied/,
    );
    expect(ns.exec(['nft', 'list', 'tables']).stdout.trim()).toBe('');
    expect(ns.exec(['ip', 'rule', 'show']).stdout).not.toContain('proto 77');
    expect(cli(['status', ...common(), '--json']).stdout).not.toContain('"confirmed"');
  });
});
