import { randomBytes } from 'node:crypto';
import { release } from 'node:os';
import { join } from 'node:path';
import { spawnCollect } from '../exec/runner';
import { readJson, writeJsonAtomic } from './atomic-file';
import { CorruptStateError } from './state-errors';

/** Kernel features a plan needs that tools cannot report: found by trying them in a throwaway namespace. */
export interface KernelCapabilities {
  /** `uname -r` the answers were found on; a new kernel is probed again. */
  readonly kernel: string;
  /** cls_fw: `tc filter ... fw` (what Markwright writes for class bindings). */
  readonly tcFw: boolean;
  /** cls_u32 with `match mark`. */
  readonly tcU32: boolean;
  /** Whether IPv6 policy rules can be listed (IPv6 not disabled). */
  readonly ipv6Rules: boolean;
}

const CACHE_FILE = 'capabilities.json';

/**
 * Try a classifier on the loopback of a namespace made only for this (htb root, one class), so the target's
 * own devices and qdiscs are never touched; the namespace is removed whatever happens.
 */
async function probeKernel(): Promise<KernelCapabilities> {
  const ns = `mw-cap-${process.pid}-${randomBytes(3).toString('hex')}`;
  const run = (argv: string[]) => spawnCollect(argv);
  const added = await run(['ip', 'netns', 'add', ns]);
  if (added.code !== 0) {
    return { kernel: release(), tcFw: false, tcU32: false, ipv6Rules: false };
  }
  try {
    const tc = (...w: string[]) => run(['tc', '-n', ns, ...w]);
    await run(['ip', '-n', ns, 'link', 'set', 'lo', 'up']);
    await tc('qdisc', 'add', 'dev', 'lo', 'root', 'handle', '1:', 'htb');
    await tc('class', 'add', 'dev', 'lo', 'parent', '1:', 'classid', '1:1', 'htb', 'rate', '1mbit');
    const filter = ['filter', 'add', 'dev', 'lo', 'parent', '1:', 'protocol', 'all'];
    const fw = await tc(...filter, 'prio', '1', 'handle', '0x1/0xff', 'fw', 'classid', '1:1');
    const u32 = await tc(...filter, 'prio', '2', 'u32', 'match', 'mark', '0x1', '0xff', 'flowid', '1:1');
    const v6 = await run(['ip', '-n', ns, '-6', 'rule', 'show']);
    return { kernel: release(), tcFw: fw.code === 0, tcU32: u32.code === 0, ipv6Rules: v6.code === 0 };
  } finally {
    await run(['ip', 'netns', 'del', ns]);
  }
}

/** The target's capabilities: read from its state folder when probed on this kernel, else probed and saved. */
export async function kernelCapabilities(stateDir: string): Promise<KernelCapabilities> {
  const path = join(stateDir, CACHE_FILE);
  let cached: Partial<KernelCapabilities> | null = null;
  try {
    cached = readJson(path) as Partial<KernelCapabilities> | null;
  } catch (error) {
    if (!(error instanceof CorruptStateError)) throw error;
    // a cache that cannot be trusted is probed again and rewritten
  }
  if (
    cached &&
    cached.kernel === release() &&
    typeof cached.tcFw === 'boolean' &&
    typeof cached.tcU32 === 'boolean' &&
    typeof cached.ipv6Rules === 'boolean'
  )
    return cached as KernelCapabilities;
  const found = await probeKernel();
  writeJsonAtomic(path, found);
  return found;
}
