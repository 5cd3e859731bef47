import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { kernelSkip, makeTempDir, Netns, removeTempDir } from '@markwright/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_OWNERSHIP } from '../deploy/ownership';
import { createSystemRunner } from '../exec/runner';
import { probe } from './probe';
import { targetNamespace } from './system-evidence';

const skip = kernelSkip('presence kernel tests', ['ip', 'nft', 'sleep']);

/** A long sleep under a daemon's name, so the kernel shows that name in /proc/PID/comm. */
function startAs(dir: string, name: string, prefix: string[] = []): ChildProcess {
  const path = join(dir, name);
  copyFileSync('/bin/sleep', path);
  return spawn(prefix[0] ?? path, [...prefix.slice(1), ...(prefix.length ? [path] : []), '300'], {
    stdio: 'ignore',
  });
}

async function commIs(pid: number, name: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === name) return;
    } catch {
      // not started yet
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`process ${pid} never showed as ${name}`);
}

describe.skipIf(skip)('presence by process in a real network namespace', () => {
  let ns: Netns;
  let dir: string;
  const started: ChildProcess[] = [];
  beforeAll(async () => {
    ns = Netns.create('prsn');
    dir = makeTempDir('mw-presence-procs-');
    // nordvpnd runs inside the namespace (ip netns exec execs it in place: same pid); mullvad-daemon on the host.
    const inside = startAs(dir, 'nordvpnd', ['ip', 'netns', 'exec', ns.name]);
    const outside = startAs(dir, 'mullvad-daemon');
    started.push(inside, outside);
    await commIs(inside.pid!, 'nordvpnd');
    await commIs(outside.pid!, 'mullvad-daemon');
  });
  afterAll(() => {
    for (const child of started) if (child.pid && child.exitCode === null) process.kill(child.pid, 'SIGKILL');
    ns?.destroy();
    if (dir) removeTempDir(dir);
  });

  it("counts the daemon running in the target's namespace and not the one on the host", async () => {
    const target = { kind: 'netns', name: ns.name } as const;
    expect(targetNamespace('/', target)).toBe(readlinkSync(`/proc/${started[0]!.pid}/ns/net`));
    const report = await probe(createSystemRunner(target), DEFAULT_OWNERSHIP);
    const ids = report.consumers.map((c) => c.consumer);
    expect(report.consumers.find((c) => c.consumer === 'nordvpn')?.evidence).toEqual(['process nordvpnd']);
    expect(ids).not.toContain('mullvad');
  });
});
