import { InputError, isNetnsName } from '@markwright/core';
import type { Target } from '../types';

/** Parse `local` or `netns:NAME`; the name is checked so it can never smuggle options or paths. */
export function parseTarget(text: string | undefined): Target {
  if (text === undefined) throw new InputError('--target', text, 'is required (local or netns:NAME)');
  if (text === 'local') return { kind: 'local' };
  if (text.startsWith('netns:')) {
    const name = text.slice('netns:'.length);
    if (!isNetnsName(name)) {
      throw new InputError('--target', text, 'namespace name must be 1..64 of [A-Za-z0-9_.-]');
    }
    return { kind: 'netns', name };
  }
  throw new InputError('--target', text, 'must be local or netns:NAME');
}

export function targetLabel(target: Target): string {
  return target.kind === 'local' ? 'local' : `netns:${target.name}`;
}

/** A file-name-safe key for per-target state. */
export function targetKey(target: Target): string {
  return target.kind === 'local' ? 'local' : `netns-${target.name}`;
}
