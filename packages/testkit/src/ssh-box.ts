import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { link, Netns } from './netns';
import { run } from './run';
import { makeTempDir, removeTempDir } from './temp';

/**
 * admin (a0 198.51.100.1) ──── box (b0 198.51.100.2, a real sshd on port 22)
 * A "remote box" for SSH targets: the box namespace runs Debian's sshd with a generated host key that accepts one
 * generated user key for root. Everything ssh runs there runs inside the box namespace. The admin side's client
 * configuration (alias `box`, the user key, a private known_hosts that holds the box's key) is a file in a private
 * folder, passed with `ssh -F`: the machine's own sshd configuration and ~/.ssh are never read or written.
 */
export interface SshBox {
  readonly admin: Netns;
  readonly box: Netns;
  readonly dir: string;
  /** Client configuration for `ssh -F`; `Host box` reaches the box as root. */
  readonly clientConfig: string;
  readonly knownHosts: string;
  readonly address: string;
  /** The box's host key as a known_hosts line (`198.51.100.2 ssh-ed25519 AAAA...`). */
  readonly knownHostsLine: string;
  /** The private key sshd accepts for root (for an agent, or `ssh -i`). */
  readonly userKey: string;
  /** The box's current host key fingerprint as `ssh-keygen -l` prints it (`SHA256:...`). */
  hostKeyFingerprint(): string;
  /** Replace the box's host key with a new one (sshd re-reads it on each connection). */
  rekey(): void;
  /** Pids of the sshd processes serving connections (not the listener). */
  sessionPids(): number[];
  destroy(): void;
}

export const SSH_BOX_ADDRESS = '198.51.100.2';

function keygen(file: string): void {
  run(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', 'markwright-test', '-f', file]);
}

async function waitForListening(child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (/Server listening on/.test(log())) return;
    if (child.exitCode !== null) throw new Error(`sshd exited ${child.exitCode}: ${log()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`sshd did not start: ${log()}`);
}

export async function createSshBox(prefix: string): Promise<SshBox> {
  const made: Netns[] = [];
  const dir = makeTempDir(`${prefix}-ssh`);
  let sshd: ChildProcess | null = null;
  const destroy = () => {
    sshd?.kill('SIGKILL');
    // Every process left in the box (sessions, a watchdog) goes with it.
    for (const ns of made) {
      const pids = run(['ip', 'netns', 'pids', ns.name], { allowFail: true })
        .stdout.split('\n')
        .filter(Boolean);
      for (const pid of pids) run(['kill', '-9', pid], { allowFail: true });
      ns.destroy();
    }
    removeTempDir(dir);
  };
  try {
    const admin = Netns.create(`${prefix}-a`);
    made.push(admin);
    const box = Netns.create(`${prefix}-b`);
    made.push(box);
    link(admin, 'a0', '198.51.100.1/24', box, 'b0', `${SSH_BOX_ADDRESS}/24`);

    const hostKey = join(dir, 'host_key');
    const userKey = join(dir, 'user_key');
    keygen(hostKey);
    keygen(userKey);
    const authorized = join(dir, 'authorized_keys');
    writeFileSync(authorized, readFileSync(`${userKey}.pub`));
    chmodSync(authorized, 0o600);
    const sshdConfig = join(dir, 'sshd_config');
    writeFileSync(
      sshdConfig,
      [
        `ListenAddress ${SSH_BOX_ADDRESS}`,
        'Port 22',
        `HostKey ${hostKey}`,
        `PidFile ${join(dir, 'sshd.pid')}`,
        `AuthorizedKeysFile ${authorized}`,
        'PermitRootLogin prohibit-password',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'UsePAM no',
        // The key files sit in a temp folder under /tmp, which StrictModes would refuse as world-writable.
        'StrictModes no',
        'PrintMotd no',
        'PrintLastLog no',
        'MaxSessions 20',
        // scp and Ansible's file transfers use the SFTP protocol.
        'Subsystem sftp internal-sftp',
        'LogLevel VERBOSE',
        '',
      ].join('\n'),
    );
    const knownHosts = join(dir, 'known_hosts');
    const hostPub = () => readFileSync(`${hostKey}.pub`, 'utf8').trim().split(' ').slice(0, 2).join(' ');
    const knownHostsLine = `${SSH_BOX_ADDRESS} ${hostPub()}`;
    writeFileSync(knownHosts, `${knownHostsLine}\n`);
    const clientConfig = join(dir, 'ssh_config');
    writeFileSync(
      clientConfig,
      [
        'Host box',
        `  HostName ${SSH_BOX_ADDRESS}`,
        '  User root',
        `  IdentityFile ${userKey}`,
        '  IdentitiesOnly yes',
        '  IdentityAgent none',
        `  UserKnownHostsFile ${knownHosts}`,
        '  GlobalKnownHostsFile /dev/null',
        '',
      ].join('\n'),
    );

    // sshd needs /run/sshd; it gets a private /run (tmpfs in its own mount namespace) so the machine's is untouched.
    let log = '';
    sshd = spawn(
      'ip',
      [
        'netns',
        'exec',
        box.name,
        'unshare',
        '--mount',
        '--propagation',
        'private',
        '--',
        'sh',
        '-c',
        'mount -t tmpfs tmpfs /run && mkdir -m 0755 /run/sshd && exec "$@"',
        'sh',
        '/usr/sbin/sshd',
        '-D',
        '-e',
        '-f',
        sshdConfig,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    sshd.stderr!.setEncoding('utf8').on('data', (c: string) => {
      log = (log + c).slice(-20_000);
    });
    await waitForListening(sshd, () => log);
    const listener = sshd.pid;

    return {
      admin,
      box,
      dir,
      clientConfig,
      knownHosts,
      address: SSH_BOX_ADDRESS,
      knownHostsLine,
      userKey,
      hostKeyFingerprint() {
        const printed = run(['ssh-keygen', '-l', '-f', `${hostKey}.pub`]).stdout;
        const m = /SHA256:\S+/.exec(printed);
        if (!m) throw new Error(`ssh-keygen printed no fingerprint: ${printed}`);
        return m[0];
      },
      rekey() {
        run(['rm', '-f', hostKey, `${hostKey}.pub`]);
        keygen(hostKey);
      },
      sessionPids() {
        const pids = run(['ip', 'netns', 'pids', box.name], { allowFail: true })
          .stdout.split('\n')
          .filter(Boolean);
        return pids.map(Number).filter((pid) => pid !== listener && readComm(pid) === 'sshd');
      },
      destroy,
    };
  } catch (error) {
    destroy();
    throw error;
  }
}

function readComm(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}
