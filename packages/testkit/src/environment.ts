import { existsSync } from 'node:fs';
import { it } from 'vitest';
import { corpusDir } from './paths';
import { hasCommand } from './run';

/**
 * `MARKWRIGHT_STRICT=1` (set by `.ci/run`): a test whose environment is missing (no root, a kernel tool, the
 * shared corpus, Chromium) fails instead of skipping. Developers' machines keep the skip.
 */
export const STRICT = process.env.MARKWRIGHT_STRICT === '1';

/**
 * The one way a test skips because of its environment. Returns `reason` for `describe.skipIf`/`it.skipIf` and
 * prints it, so a skip is never silent; under MARKWRIGHT_STRICT=1 a reason also adds a failing test named
 * after `what`, so CI cannot pass with the suite skipped.
 */
export function environmentSkip(what: string, reason: string | null): string | null {
  if (!reason) return null;
  console.log(`skipped: ${what}: ${reason}`);
  if (STRICT) {
    it(`${what} can run here (MARKWRIGHT_STRICT=1)`, () => {
      throw new Error(`${what} cannot run: ${reason}`);
    });
  }
  return reason;
}

/**
 * A skip that is a known fact of the machine rather than a missing set-up step (the Electron binary cannot be
 * downloaded everywhere): printed and named, never turned into a failure, not even under MARKWRIGHT_STRICT=1.
 */
export function machineFactSkip(what: string, reason: string | null): string | null {
  if (reason)
    console.log(`skipped: ${what}: ${reason} (a fact of this machine; allowed under MARKWRIGHT_STRICT=1)`);
  return reason;
}

/** Why kernel tests cannot run here (not root, a tool missing), or null when they can. */
export function kernelSkipReason(tools: readonly string[] = ['ip', 'nft']): string | null {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return 'kernel tests need root';
  const missing = tools.filter((tool) => !hasCommand(tool));
  if (missing.length > 0) return `kernel tests need ${missing.join(', ')}`;
  return null;
}

/** Skip `what` unless it runs as root with every tool in `tools`. */
export function kernelSkip(what: string, tools: readonly string[] = ['ip', 'nft']): string | null {
  return environmentSkip(what, kernelSkipReason(tools));
}

/** Skip `what` unless `../shared/corpus/<sub>` exists beside the repository. */
export function corpusSkip(what: string, sub = ''): string | null {
  const dir = corpusDir(sub);
  return environmentSkip(what, existsSync(dir) ? null : `corpus not found at ${dir}`);
}
