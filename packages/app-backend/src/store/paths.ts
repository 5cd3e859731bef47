import { homedir } from 'node:os';
import { join } from 'node:path';

/** `$XDG_DATA_HOME/markwright/markwright.db`, or `~/.local/share/markwright/markwright.db` per the XDG spec. */
export function defaultDatabasePath(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string {
  const dataHome = env.XDG_DATA_HOME?.startsWith('/') ? env.XDG_DATA_HOME : join(home, '.local', 'share');
  return join(dataHome, 'markwright', 'markwright.db');
}
