import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ownedKernelState } from '@markwright/host/testing';
import { createSshBox, makeTempDir, Netns, removeTempDir, type SshBox } from '@markwright/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleMain, type CliRun } from '../testing/cli-bundle';
import { sshSkip, steerDocument } from '../testing/ssh-suite';

const skip = sshSkip('ansible export tests', ['ip', 'nft', 'tc'], true);

interface Recap {
  ok: number;
  changed: number;
  failed: number;
  output: string;
}

describe.skipIf(skip)('markwright export --to ansible, run by ansible-playbook against a real sshd', () => {
  let lab: SshBox;
  let other: Netns;
  let dir: string;
  let cli: CliRun;
  let bundleDir: string;
  let out: string;
  let root: string;

  /** ansible-playbook from the admin namespace; every file it writes stays in the private folder. */
  const playbook = (extra: string[] = []): Recap => {
    const r = spawnSync(
      'ip',
      [
        'netns',
        'exec',
        lab.admin.name,
        'ansible-playbook',
        '-i',
        join(dir, 'inventory.ini'),
        join(out, 'playbook.yml'),
        '-e',
        `markwright_root=${root}`,
        ...extra,
      ],
      {
        encoding: 'utf8',
        timeout: 900_000,
        env: {
          ...process.env,
          ANSIBLE_CONFIG: join(dir, 'ansible.cfg'),
          ANSIBLE_HOME: join(dir, 'ansible-home'),
        },
      },
    );
    const m = /box\s*:\s*ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)/.exec(r.stdout);
    if (!m || r.status !== 0)
      throw new Error(`ansible-playbook exited ${r.status}: ${r.stdout}\n${r.stderr}`);
    return { ok: Number(m[1]), changed: Number(m[2]), failed: Number(m[4]), output: r.stdout };
  };

  beforeAll(async () => {
    lab = await createSshBox('ans');
    other = Netns.create('ans-o');
    dir = makeTempDir('ansible');
    out = join(dir, 'export');
    root = join(dir, 'root');
    ({ cli, dir: bundleDir } = bundleMain());
    writeFileSync(join(dir, 'inventory.ini'), '[markwright]\nbox\n');
    writeFileSync(
      join(dir, 'ansible.cfg'),
      [
        '[defaults]',
        `local_tmp = ${join(dir, 'local-tmp')}`,
        `remote_tmp = ${join(dir, 'remote-tmp')}`,
        'host_key_checking = True',
        'interpreter_python = /usr/bin/python3',
        'retry_files_enabled = False',
        'nocolor = True',
        'forks = 1',
        // A loaded machine can take longer than the default 10 s to finish sshd's banner exchange.
        'timeout = 120',
        '[ssh_connection]',
        `ssh_args = -F ${lab.clientConfig} -o ControlMaster=auto -o ControlPersist=120s -o ServerAliveInterval=10 -o ServerAliveCountMax=6`,
        `control_path_dir = ${join(dir, 'cp')}`,
        'pipelining = True',
        '',
      ].join('\n'),
    );
    for (const [name, port] of [
      ['v1', 6001],
      ['v2', 6002],
    ] as const)
      writeFileSync(join(dir, `${name}.json`), steerDocument(port));
  }, 90_000);
  afterAll(() => {
    lab?.destroy();
    other?.destroy();
    if (bundleDir) removeTempDir(bundleDir);
    if (dir) removeTempDir(dir);
  });

  it('writes the playbook, an example inventory and the role', () => {
    const r = cli(['export', join(dir, 'v1.json'), '--to', 'ansible', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(readdirSync(join(out, 'roles', 'markwright')).sort()).toEqual([
      'defaults',
      'files',
      'handlers',
      'meta',
      'tasks',
    ]);
    expect(existsSync(join(out, 'inventory.ini'))).toBe(true);
    expect(cli(['export', join(dir, 'v1.json'), '--to', 'puppet', out])).toMatchObject({ code: 1 });
  });

  it('--check on a fresh box reports the change and touches nothing', () => {
    const check = playbook(['--check']);
    expect(check.changed).toBeGreaterThan(0);
    expect(lab.box.exec(['nft', 'list', 'tables']).stdout).not.toMatch(/markwright/);
    expect(existsSync(join(root, 'etc'))).toBe(false);
  }, 600_000);

  it('the first run changes, the second changes nothing, and the state equals markwright apply', () => {
    expect(playbook().changed).toBeGreaterThan(0);
    expect(playbook().changed).toBe(0);
    const applied = cli([
      'apply',
      join(dir, 'v1.json'),
      '--target',
      `netns:${other.name}`,
      '--confirm-timeout',
      '0',
      '--state-dir',
      join(dir, 'state'),
      '--root-dir',
      join(dir, 'cli-root'),
    ]);
    expect(applied.code, applied.stderr).toBe(0);
    expect(ownedKernelState(lab.box)).toBe(ownedKernelState(other));
    expect(ownedKernelState(lab.box)).toMatch(/dport 6001/);
    expect(
      existsSync(join(root, 'etc/systemd/system/multi-user.target.wants/markwright-ansible.service')),
    ).toBe(true);
  }, 2_700_000);
});
