// ssh refuses an unknown or changed host key under StrictHostKeyChecking=yes before anything runs. It does not
// show the offered key for an unknown host, so the refusal is explained here: the key the box offers (read
// with ssh-keyscan, which authenticates nothing and runs nothing) and how to accept it after checking it.

import { EnvironmentError } from '../exec/errors';
import { spawnCollect } from '../exec/runner';
import { toolPath } from '../exec/tool-path';
import { clientTool, type SshSession } from './ssh-session';

/** The host key was refused (unknown or changed); no command ran on the box. */
export class HostKeyError extends EnvironmentError {
  constructor(
    message: string,
    readonly change: 'unknown' | 'changed',
    readonly fingerprints: readonly string[],
  ) {
    super(message);
  }
}

export function hostKeyRefused(stderr: string): boolean {
  return /Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED|No \S+ host key is known/.test(
    stderr,
  );
}

/** Each key a host offers, as `SHA256:... (TYPE)`, with the known_hosts lines that would accept them. */
export async function scanHostKeys(
  hostname: string,
  port: number,
  netns?: string,
): Promise<{ fingerprints: string[]; lines: string }> {
  const scan = await spawnCollect([
    ...clientTool('ssh-keyscan', netns),
    '-T',
    '5',
    '-p',
    String(port),
    hostname,
  ]);
  const lines = scan.stdout
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'))
    .join('\n');
  if (lines === '') return { fingerprints: [], lines: '' };
  const printed = await spawnCollect([toolPath('ssh-keygen'), '-l', '-f', '-'], `${lines}\n`);
  const fingerprints = printed.stdout
    .split('\n')
    .map((l) => /^\d+ (SHA256:\S+) .* \((\w+)\)$/.exec(l.trim()))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => `${m[1]} (${m[2]})`);
  return { fingerprints, lines };
}

/** A key a host offers: its type as ssh-keygen names it, its SHA256 fingerprint, and the key itself. */
export interface ScannedHostKey {
  readonly type: string;
  readonly fingerprint: string;
  /** `ssh-ed25519 AAAA...`, as a known_hosts line holds it after the host pattern. */
  readonly publicKey: string;
}

/** Each key the host offers (ssh-keyscan's default types), one entry per key, with its fingerprint. */
export async function scanHostKeyList(
  hostname: string,
  port: number,
  netns?: string,
): Promise<ScannedHostKey[]> {
  const { lines } = await scanHostKeys(hostname, port, netns);
  const keys: ScannedHostKey[] = [];
  for (const line of lines.split('\n').filter(Boolean)) {
    const [, type, data] = line.trim().split(/\s+/);
    if (!type || !data) continue;
    const printed = await spawnCollect([toolPath('ssh-keygen'), '-l', '-f', '-'], `${line}\n`);
    const m = /^\d+ (SHA256:\S+) .* \((\w+)\)$/.exec(printed.stdout.trim());
    if (printed.code === 0 && m) keys.push({ type: m[2]!, fingerprint: m[1]!, publicKey: `${type} ${data}` });
  }
  return keys;
}

export async function explainHostKeyRefusal(session: SshSession, stderr: string): Promise<HostKeyError> {
  const changed = /REMOTE HOST IDENTIFICATION HAS CHANGED/.test(stderr);
  const resolved = await session.resolve();
  const { fingerprints } = await scanHostKeys(resolved.hostname, resolved.port, session.options.netns).catch(
    () => ({
      fingerprints: [] as string[],
    }),
  );
  const knownHosts = resolved.knownHostsFiles[0] ?? '~/.ssh/known_hosts';
  const where = resolved.port === 22 ? resolved.hostname : `[${resolved.hostname}]:${resolved.port}`;
  const offered = fingerprints.length ? fingerprints.join(', ') : 'no key could be read';
  const accept = changed
    ? `if the box was really re-keyed, check the new key on the box (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub), then remove the old one with: ssh-keygen -f ${knownHosts} -R '${where}', and accept the new one`
    : `check it on the box (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub), then accept it with: ssh-keyscan -p ${resolved.port} ${resolved.hostname} >> ${knownHosts}`;
  return new HostKeyError(
    `${session.label}: host key ${changed ? 'CHANGED' : 'unknown'}, refused before anything ran; the box offers ${offered}; ${accept}`,
    changed ? 'changed' : 'unknown',
    fingerprints,
  );
}
