import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { bundleRemoteHelper, SAMPLE_DOC } from '@markwright/host/testing';
import { environmentSkip, kernelSkip, makeTempDir, removeTempDir, type SshBox } from '@markwright/testkit';
import { bundleMain } from './cli-bundle';

// What the command-line suites against a real sshd in a namespace share: the reason to skip, the document they
// deploy, the CLI bundle with the box's helper beside it, and running the CLI from the lab's admin namespace.

/** Skip `what` without the kernel tools, openssh-server (and, when asked, ansible-core). */
export function sshSkip(what: string, tools: readonly string[], needsAnsible = false): string | null {
  const missing = !existsSync('/usr/sbin/sshd') || !existsSync('/usr/bin/ssh');
  const noAnsible = needsAnsible && !existsSync('/usr/bin/ansible-playbook');
  return (
    kernelSkip(what, tools) ??
    environmentSkip(
      what,
      missing || noAnsible
        ? `${needsAnsible ? 'openssh-server and ansible-core are' : 'openssh-server is'} not installed`
        : null,
    )
  );
}

/** The sample document steering UDP to `port` arriving on `iif`, as file text (`name` replaces its name). */
export function steerDocument(port: number, iif = 'b0', name?: string): string {
  const d = structuredClone(SAMPLE_DOC) as {
    name: string;
    policy: { rules: { match: Record<string, unknown> }[] };
  };
  if (name) d.name = name;
  d.policy.rules[0]!.match = { iif, proto: 'udp', dport: port };
  return JSON.stringify(d);
}

export interface CliOutcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** A private CLI bundle with the box's helper beside it, and the state and root folders the box's helper uses. */
export interface SshSuite {
  readonly dir: string;
  readonly script: string;
  readonly stateDir: string;
  readonly rootDir: string;
  /** The CLI run in the lab's admin namespace, where `ssh:box` resolves through the lab's client config. */
  inAdmin(lab: SshBox, args: readonly string[], timeout?: number): CliOutcome;
  /** `--ssh-config`, `--state-dir` and `--root-dir` for a run reaching the box over SSH. */
  sshOptions(lab: SshBox): string[];
  cleanup(): void;
}

export function openSshSuite(prefix: string, stateName = 'state'): SshSuite {
  const dir = makeTempDir(prefix);
  const bundle = bundleMain();
  bundleRemoteHelper(bundle.dir);
  const stateDir = join(dir, stateName);
  const rootDir = join(dir, 'root');
  mkdirSync(stateDir, { mode: 0o700 });
  mkdirSync(rootDir);
  return {
    dir,
    script: bundle.script,
    stateDir,
    rootDir,
    inAdmin: (lab, args, timeout = 120_000) => {
      const r = spawnSync('ip', ['netns', 'exec', lab.admin.name, process.execPath, bundle.script, ...args], {
        encoding: 'utf8',
        timeout,
      });
      return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
    },
    sshOptions: (lab) => ['--ssh-config', lab.clientConfig, '--state-dir', stateDir, '--root-dir', rootDir],
    cleanup: () => {
      removeTempDir(bundle.dir);
      removeTempDir(dir);
    },
  };
}
