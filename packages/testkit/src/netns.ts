import { randomBytes } from 'node:crypto';
import { type RunOptions, type RunResult, run } from './run';

const live = new Set<string>();

// Namespaces are removed when the test process exits even if a test forgot or crashed mid-way.
process.once('exit', () => {
  for (const name of live) run(['ip', 'netns', 'del', name], { allowFail: true });
});

// The one place namespaces are made and removed: kernel tests, the e2e harness and `simulate --verify` (its
// scratch box) all use it.

/** A network namespace made for one test or one verification, with a unique name; never the root namespace. */
export class Netns {
  private constructor(readonly name: string) {}

  /** `prefix` says what it is for; the name gets the pid and random bytes so parallel runs never collide. */
  static create(prefix: string): Netns {
    const name = `mw-${prefix}-${process.pid}-${randomBytes(3).toString('hex')}`.slice(0, 40);
    run(['ip', 'netns', 'add', name]);
    live.add(name);
    const ns = new Netns(name);
    ns.exec(['ip', 'link', 'set', 'lo', 'up']);
    return ns;
  }

  exec(argv: readonly string[], options: Omit<RunOptions, 'netns'> = {}): RunResult {
    return run(argv, { ...options, netns: this.name });
  }

  /** Load an nft script with `nft -f -`. */
  nft(script: string, options: Omit<RunOptions, 'netns' | 'input'> = {}): RunResult {
    return this.exec(['nft', '-f', '-'], { ...options, input: script });
  }

  sysctl(key: string, value: string): void {
    this.exec(['sysctl', '-q', '-w', `${key}=${value}`]);
  }

  destroy(): void {
    if (!live.has(this.name)) return;
    run(['ip', 'netns', 'del', this.name], { allowFail: true });
    live.delete(this.name);
  }
}

/** Run fn with fresh namespaces, always removing them afterwards. */
export async function withNetns<T>(
  prefixes: readonly string[],
  fn: (...ns: Netns[]) => Promise<T> | T,
): Promise<T> {
  const made: Netns[] = [];
  try {
    for (const prefix of prefixes) made.push(Netns.create(prefix));
    return await fn(...made);
  } finally {
    for (const ns of made) ns.destroy();
  }
}

/**
 * A veth pair between two namespaces, named `aDev` in a and `bDev` in b, both up. It is created in a's
 * namespace directly and renamed there, so the root namespace never holds it and names in a and b may repeat.
 */
export function veth(a: Netns, aDev: string, b: Netns, bDev: string): void {
  const tmpA = `mwa${randomBytes(4).toString('hex')}`;
  const tmpB = `mwb${randomBytes(4).toString('hex')}`;
  a.exec(['ip', 'link', 'add', tmpA, 'type', 'veth', 'peer', 'name', tmpB, 'netns', b.name]);
  a.exec(['ip', 'link', 'set', tmpA, 'name', aDev]);
  b.exec(['ip', 'link', 'set', tmpB, 'name', bDev]);
  a.exec(['ip', 'link', 'set', aDev, 'up']);
  b.exec(['ip', 'link', 'set', bDev, 'up']);
}

/** Add an address (CIDR) to a device; IPv6 ones without duplicate address detection, so they are usable at once. */
export function addAddress(ns: Netns, dev: string, cidr: string): void {
  ns.exec(['ip', 'addr', 'add', cidr, 'dev', dev, ...(cidr.includes(':') ? ['nodad'] : [])]);
}

/** Connect two namespaces with a veth pair and give each end an address (CIDR). */
export function link(a: Netns, aDev: string, aAddr: string, b: Netns, bDev: string, bAddr: string): void {
  veth(a, aDev, b, bDev);
  addAddress(a, aDev, aAddr);
  addAddress(b, bDev, bAddr);
}
