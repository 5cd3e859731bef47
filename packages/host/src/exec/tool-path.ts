import { accessSync, constants } from 'node:fs';
import { EnvironmentError } from './errors';

/**
 * Where kernel tools are looked up: fixed system folders, never the caller's PATH. A desktop user's PATH has no
 * /usr/sbin, and a privileged process must not run whatever a PATH entry the user controls names `nft`.
 */
export const TOOL_DIRS: readonly string[] = ['/usr/sbin', '/usr/bin', '/sbin', '/bin'];

const found = new Map<string, string>();

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The absolute path of a tool (`nft`, `ip`, `tc`, ...); an absolute name is kept as it is. */
export function toolPath(name: string, dirs: readonly string[] = TOOL_DIRS): string {
  if (name.startsWith('/')) return name;
  if (name.includes('/') || name === '')
    throw new EnvironmentError(`tool name ${JSON.stringify(name)} is not a plain name`);
  const key = `${dirs.join(':')}\0${name}`;
  const cached = found.get(key);
  if (cached) return cached;
  for (const dir of dirs) {
    const candidate = `${dir}/${name}`;
    if (executable(candidate)) {
      found.set(key, candidate);
      return candidate;
    }
  }
  throw new EnvironmentError(`${name} is not installed (looked in ${dirs.join(', ')})`);
}
