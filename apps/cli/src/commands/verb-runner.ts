// Where a deploy verb runs: in this process as root, in the local helper through pkexec, or in the box's own
// helper over SSH (ssh:[user@]host[:port]). Every way takes the same request as data and returns the same report.

import { InputError, isSshTargetText, parseSshTarget } from '@markwright/core';
import {
  type HelperCall,
  HelperClient,
  type Ownership,
  openSession,
  ownershipFor,
  parseRequest,
  parseTarget,
  RemoteSession,
  runningAsRoot,
  runVerb,
  type Target,
} from '@markwright/host';
import { flag, type ParsedArgs } from '../args';
import type { CommandIo } from '../io';

export type VerbRunner = <T>(call: Omit<HelperCall, 'target'>) => Promise<T>;

/** A verb runner for one target, and how to end its session (the helper, or the SSH connection). */
export interface VerbSession {
  readonly target: string;
  readonly run: VerbRunner;
  close(): Promise<void>;
}

/** Every --target given, a comma-separated list counting as several. */
export function targetsOf(args: ParsedArgs): string[] {
  const values = (args.flags.get('target') ?? []).flatMap((v) => v.split(','));
  if (values.length === 0)
    throw new InputError('--target', undefined, 'is required (local, netns:NAME or ssh:[user@]host[:port])');
  return values;
}

/** Check every target's form before any is touched. */
export function checkTargets(targets: readonly string[]): void {
  for (const t of targets) {
    if (isSshTargetText(t)) parseSshTarget(t);
    else parseTarget(t);
  }
}

/** The one target of a verb that takes one. */
export function singleTarget(args: ParsedArgs): string {
  const targets = targetsOf(args);
  if (targets.length > 1)
    throw new InputError('--target', targets.join(','), 'takes one target here (apply takes several)');
  return targets[0]!;
}

/** The ip rule range Markwright owns on the target: every verb acts only on rules inside it. */
function rangeOf(args: ParsedArgs): { rulePriorities?: string } {
  const rulePriorities = flag(args, 'rule-priorities');
  ownershipFor(rulePriorities, '--rule-priorities');
  return rulePriorities === undefined ? {} : { rulePriorities };
}

function remoteSession(args: ParsedArgs, target: string): VerbSession {
  const session = new RemoteSession(parseSshTarget(target), {
    configFile: flag(args, 'ssh-config'),
    // With an SSH target these name the box's folders: its helper runs there as root.
    stateDir: flag(args, 'state-dir'),
    rootDir: flag(args, 'root-dir'),
  });
  const range = rangeOf(args);
  return {
    target,
    run: (call) => session.request({ ...call, ...range }),
    close: () => session.close(),
  };
}

export function openVerbSession(args: ParsedArgs, target: string, io: CommandIo): VerbSession {
  if (isSshTargetText(target)) return remoteSession(args, target);
  parseTarget(target);
  const range = rangeOf(args);
  const stateDir = flag(args, 'state-dir');
  const rootDir = flag(args, 'root-dir');
  if (runningAsRoot()) {
    return {
      target,
      run: async <T>(call: Omit<HelperCall, 'target'>) => {
        const request = parseRequest({ ...call, ...range, target, id: 0 });
        const open = (t: Target, ownership: Ownership) =>
          openSession({ target: t, stateDir, rootDir, ownership });
        const warn = (problem: string) => io.stderr(`markwright: skipped ${problem}\n`);
        return (await runVerb(request, open, warn, rootDir ?? '/')) as T;
      },
      close: async () => {},
    };
  }
  // The helper's folders are fixed: a user elevating through polkit cannot choose where root writes.
  if (stateDir !== undefined || rootDir !== undefined) {
    const [name, value] = stateDir !== undefined ? ['--state-dir', stateDir] : ['--root-dir', rootDir];
    throw new InputError(
      name,
      value,
      'can only be chosen when running as root (the helper uses its fixed folders)',
    );
  }
  const client = new HelperClient();
  return {
    target,
    run: async <T>(call: Omit<HelperCall, 'target'>) => {
      return await client.request<T>({ ...call, ...range, target } as HelperCall);
    },
    close: () => client.close(),
  };
}

/**
 * What the box's own helper probes on an ssh: target (rules read from every view, consumers with their evidence,
 * hazards): the same report `probe` makes locally, over one connection closed afterwards.
 */
export async function probeOverSsh<T>(args: ParsedArgs, target: string, io: CommandIo): Promise<T> {
  const session = openVerbSession(args, target, io);
  try {
    return await session.run<T>({ verb: 'probe' });
  } finally {
    await session.close();
  }
}
