import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PlanReport } from '@markwright/host';
import { ownedKernelState, SAMPLE_DOC } from '@markwright/host/testing';
import { kernelSkip, Netns } from '@markwright/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleCli, type CliRun } from '../testing/cli-bundle';
import { privateTarget } from '../testing/run-command';

const skip = kernelSkip('plan check tests', ['ip', 'nft', 'tc']);

type Doc = typeof SAMPLE_DOC & { policy: { classes: unknown[] } };
const docWith = (edit: (d: Doc) => void): Doc => {
  const d = structuredClone(SAMPLE_DOC) as Doc;
  edit(d);
  return d;
};

describe.skipIf(skip)('plan dry-runs ip rules, tc and sysctls before anything is touched', () => {
  let ns: Netns;
  let dir: string;
  let cli: CliRun;
  const docs: Record<string, string> = {};
  const common = () => privateTarget(ns.name, dir);
  /** Whether this kernel has cls_fw, as plan's capability probe found (cached in the target's state folder). */
  const fwHere = () =>
    JSON.parse(readFileSync(join(dir, 'state', `netns-${ns.name}`, 'capabilities.json'), 'utf8'))
      .tcFw as boolean;
  const plan = (name: string) => {
    const r = cli(['plan', docs[name]!, ...common(), '--json']);
    return { code: r.code, stderr: r.stderr, report: r.stdout ? (JSON.parse(r.stdout) as PlanReport) : null };
  };

  beforeAll(() => {
    ns = Netns.create('pln');
    ns.exec(['ip', 'link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1']);
    ns.exec(['ip', 'link', 'add', 'r0', 'type', 'veth', 'peer', 'name', 'r9']);
    ns.exec(['ip', 'link', 'set', 'v0', 'up']);
    ns.exec(['tc', 'qdisc', 'add', 'dev', 'v1', 'root', 'handle', '1:', 'htb']);
    ns.exec(['tc', 'class', 'add', 'dev', 'v1', 'parent', '1:', 'classid', '1:2', 'htb', 'rate', '1mbit']);
    ns.exec(['tc', 'class', 'add', 'dev', 'v1', 'parent', '1:2', 'classid', '1:20', 'htb', 'rate', '1mbit']);
    ns.exec(['ip', 'rule', 'add', 'priority', '10200', 'fwmark', '0x5', 'table', '7']);
    ns.exec(['ip', 'route', 'add', 'unreachable', 'default', 'table', '100']);
    ({ cli, dir } = bundleCli());
    const write = (name: string, doc: unknown) => {
      docs[name] = join(dir, `${name}.json`);
      writeFileSync(docs[name]!, JSON.stringify(doc));
    };
    write('fits', SAMPLE_DOC);
    write(
      'noQdisc',
      docWith((d) => d.policy.classes.push({ when: { uplink: 'two' }, dev: 'v0', classid: '1:2' })),
    );
    write(
      'noDev',
      docWith((d) => d.policy.classes.push({ when: { uplink: 'two' }, dev: 'wan9', classid: '1:2' })),
    );
    write(
      'noClass',
      docWith((d) => d.policy.classes.push({ when: { uplink: 'two' }, dev: 'v1', classid: '1:7' })),
    );
    write(
      'nestedClass',
      docWith((d) => d.policy.classes.push({ when: { uplink: 'two' }, dev: 'v1', classid: '1:20' })),
    );
    write(
      'fw',
      docWith((d) => d.policy.classes.push({ when: { uplink: 'two' }, dev: 'v1', classid: '1:2' })),
    );
    write(
      'taken',
      docWith((d) => {
        d.policy.routes[0]!.priority = 10200;
      }),
    );
    write('labelled', {
      ...SAMPLE_DOC,
      layout: {
        ...SAMPLE_DOC.layout,
        secmarks: [{ name: 'http_packet', context: 'system_u:object_r:http_packet_t:s0' }],
      },
      policy: {
        ...SAMPLE_DOC.policy,
        rules: [
          ...SAMPLE_DOC.policy.rules,
          { name: 'web', match: { proto: 'tcp', dport: 80 }, set: { secmark: 'http_packet' } },
        ],
      },
    });
    write(
      'emptyTable',
      docWith((d) => {
        d.policy.routes[0]!.table = 101;
      }),
    );
  });
  afterAll(() => {
    ns?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a document that fits the box plans clean (exit 0, no problems)', () => {
    const { code, report, stderr } = plan('fits');
    expect(code, stderr).toBe(0);
    expect(report!.problems!).toEqual([]);
  });

  it('a tc class on a device without a qdisc is refused at plan naming the parent (exit 1)', () => {
    const { code, report } = plan('noQdisc');
    expect(code).toBe(1);
    expect(report!.problems!).toEqual([
      expect.objectContaining({
        part: 'tc',
        kind: 'document',
        field: 'policy.classes[0].parent',
        value: 'root',
      }),
    ]);
    const text = cli(['plan', docs.noQdisc!, ...common()]).stdout;
    expect(text).toMatch(/cannot apply \(tc\): policy\.classes\[0\]\.parent: v0 has no classful root qdisc/);
  });

  it('a missing device or class is named by its field (exit 1)', () => {
    expect(plan('noDev').report!.problems!.map((p) => p.field)).toEqual(['policy.classes[0].dev']);
    expect(plan('noDev').code).toBe(1);
    // The class check reads the device's classes from the kernel (`tc class show`), whether or not this kernel
    // has the fw classifier the binding is written with: without it, that is a second, separate problem.
    const noClass = plan('noClass');
    expect(noClass.code).toBe(1);
    const [missing, ...rest] = noClass.report!.problems!;
    expect(missing).toEqual({
      part: 'tc',
      kind: 'document',
      field: 'policy.classes[0].classid',
      value: '1:7',
      message: 'v1 has no class 1:7',
    });
    expect(rest.map((p) => [p.kind, p.value])).toEqual(fwHere() ? [] : [['environment', 'fw']]);
    expect(cli(['plan', docs.noClass!, ...common()]).stdout).toMatch(
      /cannot apply \(tc\): policy\.classes\[0\]\.classid: v1 has no class 1:7/,
    );
    // Classes below the root one are found too (1:20 under 1:2), and 1:2 itself.
    for (const name of ['nestedClass', 'fw']) {
      expect(plan(name).report!.problems!.filter((p) => p.field.endsWith('.classid'))).toEqual([]);
    }
  });

  it('a kernel without the fw classifier is an environment refusal (exit 2) naming fw', () => {
    const { code, report } = plan('fw');
    if (fwHere()) {
      expect(code).toBe(0);
      return;
    }
    expect(code).toBe(2);
    expect(report!.problems!).toEqual([
      expect.objectContaining({ part: 'tc', kind: 'environment', field: 'policy.classes[0]', value: 'fw' }),
    ]);
    expect(report!.problems![0]!.message).toMatch(/fw classifier \(cls_fw\) is not available in this kernel/);
  });

  it('an ip rule priority taken by a foreign rule is refused; an empty routing table is a note', () => {
    const taken = plan('taken');
    expect(taken.code).toBe(1);
    expect(taken.report!.problems![0]).toMatchObject({
      part: 'ip-rule',
      field: 'policy.routes[0].priority',
      value: 10200,
    });
    const empty = plan('emptyTable');
    expect(empty.code).toBe(0);
    expect(empty.report!.notes!.join('\n')).toMatch(
      /policy\.routes\[0\]\.table: table 101 has no IPv4 routes/,
    );
  });

  it('a secmark context no security module accepts is an environment refusal naming the label', () => {
    const { code, report } = plan('labelled');
    // This kernel has no LSM that takes secmark contexts; a box with SELinux would plan clean.
    const accepted = ns.exec(['nft', '-c', '-f', '-'], {
      input: 'table inet probe {\n  secmark s { "system_u:object_r:http_packet_t:s0" }\n}\n',
      allowFail: true,
    });
    if (accepted.code === 0) {
      expect(report!.problems!).toEqual([]);
      return;
    }
    expect(code).toBe(2);
    expect(report!.problems!).toEqual([
      expect.objectContaining({
        part: 'secmark',
        kind: 'environment',
        field: 'layout.secmarks[0].context',
        value: 'system_u:object_r:http_packet_t:s0',
      }),
    ]);
    expect(report!.problems![0]!.message).toMatch(/no security module on this box accepts this context/);
  });

  it('the sysctls routing by mark relies on are read on the box and named in notes', () => {
    const sysctl = (key: string, value: number) => ns.exec(['sysctl', '-q', '-w', `${key}=${value}`]);
    const sysctlNotes = () => plan('fits').report!.notes!.filter((n) => n.startsWith('sysctl '));
    sysctl('net.ipv4.conf.all.rp_filter', 1);
    sysctl('net.ipv4.conf.all.src_valid_mark', 0);
    sysctl('net.ipv4.ip_forward', 0);
    expect(sysctlNotes()).toEqual([
      'sysctl net.ipv4.conf.all.rp_filter=1 with src_valid_mark=0: replies routed by mark may be dropped; set net.ipv4.conf.all.src_valid_mark=1',
      'sysctl net.ipv4.ip_forward=0: arriving packets the rules mark are delivered locally or dropped, never forwarded',
    ]);
    sysctl('net.ipv4.conf.all.src_valid_mark', 1);
    sysctl('net.ipv4.ip_forward', 1);
    expect(sysctlNotes()).toEqual([]);
    expect(plan('fits').code).toBe(0);
  });

  it('planning touched nothing: no owned state, foreign state unchanged', () => {
    expect(ownedKernelState(ns)).toBe('(no table)\n--\n\n--\n');
    expect(ns.exec(['tc', 'filter', 'show', 'dev', 'v1']).stdout).toBe('');
    expect(ns.exec(['ip', 'rule', 'show', 'priority', '10200']).stdout).toMatch(/fwmark 0x5 lookup 7/);
  });
});
