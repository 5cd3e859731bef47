import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  apply,
  EMPTY_STATE,
  openSession,
  parseTarget,
  persistencePaths,
  ToolError,
  wrapTableBody,
} from '@markwright/host';
import { addForeignState, foreignState, ownedKernelState, SAMPLE_DOC } from '@markwright/host/testing';
import { kernelSkip, Netns, waitFor } from '@markwright/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleCli, type CliRun, type CliSpawn } from '../testing/cli-bundle';
import { privateTarget } from '../testing/run-command';

const skip = kernelSkip('deploy fault tests', ['ip', 'nft', 'iptables', 'tc']);

type Doc = Omit<typeof SAMPLE_DOC, 'policy'> & {
  policy: Omit<(typeof SAMPLE_DOC)['policy'], 'classes'> & { classes: unknown[] };
};
function variant(port: number, table: number, priority: number): Doc {
  const d = structuredClone(SAMPLE_DOC) as Doc;
  d.policy.rules[0]!.match.dport = port;
  d.policy.routes[0]!.table = table;
  d.policy.routes[0]!.priority = priority;
  return d;
}

describe.skipIf(skip)('deploy faults through the command line', () => {
  let ns: Netns;
  let dir: string;
  let cli: CliRun;
  let cliAsync: CliSpawn;
  let before: string;
  let ownedA: string;
  const docs: Record<string, string> = {};
  const common = () => privateTarget(ns.name, dir);
  const stateDir = () => join(dir, 'state', `netns-${ns.name}`);
  const foreign = () => foreignState(ns, 'v0');
  const statusJson = () => JSON.parse(cli(['status', ...common(), '--json']).stdout);

  beforeAll(() => {
    ns = Netns.create('flt');
    ns.exec(['ip', 'link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1']);
    ns.exec(['ip', 'link', 'set', 'v0', 'up']);
    addForeignState(ns, 'v0');
    ({ cli, cliAsync, dir } = bundleCli());
    const write = (name: string, doc: unknown) => {
      docs[name] = join(dir, `${name}.json`);
      writeFileSync(docs[name]!, typeof doc === 'string' ? doc : JSON.stringify(doc));
    };
    write('a', variant(6001, 100, 10100));
    write('b', variant(6005, 101, 10200));
    write('c', variant(6006, 102, 10300));
    const withClass = variant(6007, 103, 10400);
    withClass.policy.classes = [{ when: { uplink: 'two' }, dev: 'v0', classid: '1:2', priority: 49001 }];
    write('tc', withClass);
    write('bad', {
      ...variant(6001, 100, 10100),
      layout: { fields: [{ name: 'uplink', kind: 'enum', offset: 31, width: 4 }] },
    });
    write('notjson', '{"format":');
    before = foreign();
  });
  afterAll(() => {
    ns?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('an invalid document exits 1 and touches nothing', () => {
    for (const doc of [docs.bad!, docs.notjson!, join(dir, 'missing.json')]) {
      const r = cli(['apply', doc, ...common()]);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toMatch(/markwright: \S+/);
    }
    expect(cli(['apply', docs.a!, '--target', 'netns:no/such']).code).toBe(1);
    expect(
      cli(['apply', docs.a!, '--target', 'netns:mw-none-such', '--state-dir', join(dir, 'x')]).code,
    ).toBe(2);
    expect(ownedKernelState(ns)).toBe('(no table)\n--\n\n--\n');
    expect(foreign()).toBe(before);
    expect(existsSync(stateDir())).toBe(false);
  });

  it("not root: the helper through pkexec, else exit 2 saying what is missing; no folder of the caller's", () => {
    chmodSync(dir, 0o755);
    const asNobody = (extra: string[]) =>
      spawnSync(
        process.execPath,
        [join(dir, 'markwright.mjs'), 'apply', docs.a!, '--target', 'local', ...extra],
        {
          uid: 65534,
          gid: 65534,
          encoding: 'utf8',
          env: { PATH: '/usr/bin:/bin' },
        },
      );
    const r = asNobody([]);
    expect(r.status, r.stderr).toBe(2);
    // Without the package: the helper is missing. With it: nobody has no polkit authorisation here.
    expect(r.stderr).toMatch(
      /privileged helper \/usr\/lib\/markwright\/markwright-helper is not installed|not authorised/,
    );
    const chosen = asNobody(['--state-dir', join(dir, 'nobody')]);
    expect(chosen.status).toBe(1);
    expect(chosen.stderr).toMatch(/--state-dir: can only be chosen when running as root/);
    expect(existsSync(join(dir, 'nobody'))).toBe(false);
  });

  it('plan shows the diff and nft -c verdict, in human and JSON form', () => {
    const human = cli(['plan', docs.a!, ...common()]);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toContain('+ -4 priority 10100 from all fwmark 0x200/0x300 lookup 100 proto 77');
    expect(human.stdout).toContain('nft -c: ok');
    const json = JSON.parse(cli(['plan', docs.a!, ...common(), '--json']).stdout);
    expect(json.check).toEqual({ ok: true, message: null });
    expect(
      json.changes.some((c: { kind: string; action: string }) => c.kind === 'nft' && c.action === 'add'),
    ).toBe(true);
  });

  it('apply with --confirm-timeout 0 is confirmed at once', () => {
    const r = cli(['apply', docs.a!, ...common(), '--confirm-timeout', '0', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).deployment.outcome).toBe('confirmed');
    ownedA = ownedKernelState(ns);
    expect(ownedA).toContain('udp dport 6001');
    expect(statusJson().state).toBe('confirmed');
    expect(foreign()).toBe(before);
  });

  it.each(['after-snapshot', 'after-nft', 'after-ip-rules', 'after-tc'])(
    'killed %s: the watchdog puts the old state back, never a mix',
    async (point) => {
      const r = cli(['apply', docs.b!, ...common(), '--confirm-timeout', '30'], {
        MARKWRIGHT_TEST_CRASH_AT: point,
      });
      expect(r.signal).toBe('SIGKILL');
      await waitFor(
        () => !existsSync(join(stateDir(), 'journal.json')),
        15_000,
        'the journal to be finished',
      );
      expect(ownedKernelState(ns)).toBe(ownedA);
      const s = statusJson();
      expect([s.state, s.liveMatchesLast]).toEqual(['confirmed', true]);
      const last = JSON.parse(cli(['history', ...common(), '--json']).stdout).pop();
      expect(last.outcome).toBe('failed');
      expect(foreign()).toBe(before);
    },
  );

  it('killed while pending: status says pending, and the deadline still fires', async () => {
    const r = cli(['apply', docs.b!, ...common(), '--confirm-timeout', '3'], {
      MARKWRIGHT_TEST_CRASH_AT: 'pending',
    });
    expect(r.signal).toBe('SIGKILL');
    expect(ownedKernelState(ns)).toContain('udp dport 6005');
    const s = statusJson();
    expect(s.state).toBe('pending');
    expect(s.pending.secondsLeft).toBeGreaterThan(0);
    await waitFor(() => ownedKernelState(ns) === ownedA, 15_000, 'the revert at the deadline');
    await waitFor(() => !existsSync(join(stateDir(), 'pending.json')), 5_000, 'pending to clear');
    const last = JSON.parse(cli(['history', ...common(), '--json']).stdout).pop();
    expect(last.outcome).toBe('reverted');
    expect(foreign()).toBe(before);
  });

  it('a second apply while one runs gets a clear error (exit 2)', async () => {
    const first = cliAsync(['apply', docs.b!, ...common(), '--confirm-timeout', '0'], {
      MARKWRIGHT_TEST_PAUSE_AT: 'after-snapshot:2500',
    });
    await waitFor(() => existsSync(join(stateDir(), 'journal.json')), 10_000, 'the first apply to start');
    const second = cli(['apply', docs.c!, ...common(), '--confirm-timeout', '0']);
    expect(second.code).toBe(2);
    expect(second.stderr).toMatch(/another markwright operation \(pid \d+\)/);
    // Reading status does not wait for the lock.
    expect(cli(['status', ...common()]).code).toBe(0);
    const done = await first;
    expect(done.code, done.stderr).toBe(0);
    expect(ownedKernelState(ns)).toContain('udp dport 6005');
  });

  it('rollback --to an earlier deployment restores it exactly', () => {
    const history = JSON.parse(cli(['history', ...common(), '--json']).stdout) as {
      id: string;
      outcome: string;
    }[];
    const first = history.find((d) => d.outcome === 'confirmed')!;
    const r = cli(['rollback', '--to', first.id, ...common()]);
    expect(r.code, r.stderr).toBe(0);
    expect(ownedKernelState(ns)).toBe(ownedA);
    expect(cli(['rollback', '--to', 'nope', ...common()]).code).toBe(1);
    expect(foreign()).toBe(before);
  });

  it('status reports drift when someone changes our state, and a new apply repairs it', () => {
    ns.exec(['ip', 'rule', 'del', 'priority', '10100']);
    const drifted = statusJson();
    expect([drifted.state, drifted.liveMatchesLast]).toEqual(['drifted', false]);
    expect(cli(['apply', docs.a!, ...common(), '--confirm-timeout', '0']).code).toBe(0);
    expect(ownedKernelState(ns)).toBe(ownedA);
    expect(statusJson().state).toBe('confirmed');
  });

  it('a failing tc step (no fw classifier here) is compensated: nothing changes', () => {
    const r = cli(['apply', docs.tc!, ...common(), '--confirm-timeout', '0']);
    if (r.code === 0) return; // a kernel with cls_fw accepts it; the compensation path is then unit-tested only
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/tc -batch/);
    expect(ownedKernelState(ns)).toBe(ownedA);
    expect(foreign()).toBe(before);
    // History keeps the failed apply, its error and what is live again.
    const records = JSON.parse(cli(['history', ...common(), '--json']).stdout) as {
      outcome: string;
      message: string;
      restored?: string;
      documentName: string;
    }[];
    const failed = records.at(-1)!;
    expect(failed.outcome).toBe('failed');
    expect(failed.message).toMatch(/^failed: .*tc -batch/);
    expect(failed.restored).toMatch(
      /^the previous state was restored: deployment \S+ \(uplink-steer; 1 ip rules, 0 tc filters\)$/,
    );
    expect(cli(['history', ...common()]).stdout).toMatch(
      /failed .*\(failed: .*; the previous state was restored/,
    );
    expect(statusJson().state).toBe('confirmed');
  });

  it('nft rejecting a script changes nothing and reports its message and line', async () => {
    const ctx = await openSession({
      target: parseTarget(`netns:${ns.name}`),
      stateDir: join(dir, 'state'),
      rootDir: join(dir, 'root'),
    });
    const broken = {
      ...EMPTY_STATE,
      nftScript: wrapTableBody('table inet markwright {\n\tchain c {\n\t\tmeta mark set bogus\n\t}\n}\n'),
    };
    const err = await apply(ctx, {
      wanted: broken,
      document: 'x',
      documentName: 'x',
      confirmTimeout: 0,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ToolError);
    expect(String(err)).toMatch(/stdin:\d+:\d+-\d+: Error/);
    expect(ownedKernelState(ns)).toBe(ownedA);
  });

  it('a crafted journal or record is one line naming the file (exit 2); other verbs keep working', () => {
    const noStack = (text: string) => {
      expect(text.trim().split('\n')).toHaveLength(1);
      expect(text).not.toMatch(/\n\s+at /);
    };
    const journal = join(stateDir(), 'journal.json');
    const live = ownedKernelState(ns);
    writeFileSync(
      journal,
      JSON.stringify({
        op: 'revert',
        deploymentId: null,
        pid: 999_999_999,
        startedAt: new Date().toISOString(),
        restoreTo: {
          nftScript: '',
          ipRules: { v4: [], v6: [] },
          tcFilters: [],
          nft: [{ table: { family: 'ip', name: 'other' } }],
        },
        tcLines: ['qdisc add dev v0 root handle 1: htb'],
        draft: null,
      }),
    );
    const refused = cli(['status', ...common()]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`${journal}: `);
    noStack(refused.stderr);
    // Verbs that do not need the journal still work.
    expect(cli(['history', ...common(), '--json']).code).toBe(0);
    expect(cli(['plan', docs.a!, ...common()]).code).toBe(0);
    rmSync(journal);
    const history = JSON.parse(cli(['history', ...common(), '--json']).stdout) as { id: string }[];
    const crafted = '20200101-000000000-0001';
    const record = join(stateDir(), 'deployments', `${crafted}.json`);
    const shape = JSON.parse(cli(['history', ...common(), '--json']).stdout)[0];
    writeFileSync(
      record,
      JSON.stringify({
        ...shape,
        id: crafted,
        state: { ...shape.state, ipRules: { v4: ['priority 500 from all lookup main proto 77'], v6: [] } },
      }),
    );
    const listed = cli(['history', ...common(), '--json']);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toHaveLength(history.length);
    expect(listed.stderr).toContain(`${record}: record.state.ipRules.v4[0] must start with priority`);
    const back = cli(['rollback', '--to', crafted, ...common()]);
    expect(back.code).toBe(2);
    expect(back.stderr).toContain(`${record}: `);
    noStack(back.stderr);
    rmSync(record);
    expect(ownedKernelState(ns)).toBe(live);
    expect(foreign()).toBe(before);
  });

  it('uninstall removes our state and the restore files, and only those', () => {
    expect(existsSync(persistencePaths(join(dir, 'root'), parseTarget(`netns:${ns.name}`)).wants)).toBe(true);
    const r = cli(['uninstall', ...common()]);
    expect(r.code, r.stderr).toBe(0);
    expect(ownedKernelState(ns)).toBe('(no table)\n--\n\n--\n');
    expect(existsSync(persistencePaths(join(dir, 'root'), parseTarget(`netns:${ns.name}`)).wants)).toBe(
      false,
    );
    expect(foreign()).toBe(before);
  });
});
