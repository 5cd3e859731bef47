// A polkit set-up for normal-user flows, made by the test and removed by it, also when a test fails: two
// unprivileged users (one allowed org.markwright.manage by a rules.d rule, one not), the system D-Bus and
// polkitd started by hand when they are not running (no systemd here), and a folder each user owns.

import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const POLKITD = '/usr/lib/polkit-1/polkitd';
const DBUS_DAEMON = '/usr/bin/dbus-daemon';
const DBUS_SEND = '/usr/bin/dbus-send';
const BUS_SOCKET = '/run/dbus/system_bus_socket';
const BUS_PID = '/run/dbus/pid';
const RULES_DIR = '/etc/polkit-1/rules.d';

export interface TestUser {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  /** A folder only this user owns (its database, its documents). */
  readonly dir: string;
}

export interface PolkitLab {
  readonly allowed: TestUser;
  readonly refused: TestUser;
  dispose(): void;
}

/** Why the normal-user flows cannot run here, or null. */
export function polkitSkipReason(): string | null {
  if (process.getuid?.() !== 0) return 'normal-user flows need root to create users and start polkitd';
  for (const path of [POLKITD, DBUS_DAEMON, DBUS_SEND, '/usr/bin/pkexec', '/usr/sbin/useradd']) {
    if (!existsSync(path)) return `normal-user flows need ${path} (Debian packages dbus, polkitd, pkexec)`;
  }
  return null;
}

function sh(argv: readonly string[], allowFail = false): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', timeout: 30_000 });
  const result = { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? String(r.error ?? '') };
  if (result.code !== 0 && !allowFail)
    throw new Error(`${argv.join(' ')} exited ${result.code}: ${result.stderr}`);
  return result;
}

function busAnswers(): boolean {
  const r = sh(
    [
      DBUS_SEND,
      '--system',
      '--print-reply',
      '--dest=org.freedesktop.DBus',
      '/',
      'org.freedesktop.DBus.GetId',
    ],
    true,
  );
  return r.code === 0;
}

function polkitOnBus(): boolean {
  const r = sh(
    [
      DBUS_SEND,
      '--system',
      '--print-reply',
      '--dest=org.freedesktop.DBus',
      '/',
      'org.freedesktop.DBus.NameHasOwner',
      'string:org.freedesktop.PolicyKit1',
    ],
    true,
  );
  return r.code === 0 && /boolean true/.test(r.stdout);
}

function waitUntil(check: () => boolean, what: string, ms = 15_000): void {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return;
    spawnSync('/usr/bin/sleep', ['0.1']);
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}`);
}

function createUser(name: string): TestUser {
  sh(['/usr/sbin/useradd', '--no-create-home', '--user-group', '--shell', '/usr/sbin/nologin', name]);
  const uid = Number(sh(['/usr/bin/id', '-u', name]).stdout.trim());
  const gid = Number(sh(['/usr/bin/id', '-g', name]).stdout.trim());
  const dir = mkdtempSync(join(tmpdir(), `markwright-${name}-`));
  chownSync(dir, uid, gid);
  chmodSync(dir, 0o700);
  return { name, uid, gid, dir };
}

function rule(user: string): string {
  return `// Written by a Markwright test; removed when it ends.
polkit.addRule(function (action, subject) {
  if (action.id == "org.markwright.manage" && subject.user == "${user}") return polkit.Result.YES;
});
`;
}

/** Start what is missing, write the rule, and return the lab; `dispose` undoes exactly what this made. */
export function createPolkitLab(prefix: string): PolkitLab {
  const undo: (() => void)[] = [];
  const dispose = () => {
    for (const step of undo.reverse()) {
      try {
        step();
      } catch {}
    }
    undo.length = 0;
  };
  try {
    const tag = randomBytes(2).toString('hex');
    const users: TestUser[] = [];
    for (const role of ['a', 'b']) {
      const user = createUser(`mw${prefix}${role}${tag}`.slice(0, 30));
      users.push(user);
      undo.push(() => {
        rmSync(user.dir, { recursive: true, force: true });
        sh(['/usr/sbin/userdel', user.name], true);
      });
    }
    const [allowed, refused] = users as [TestUser, TestUser];
    const ruleFile = join(RULES_DIR, `49-markwright-test-${allowed.name}.rules`);
    mkdirSync(RULES_DIR, { recursive: true });
    writeFileSync(ruleFile, rule(allowed.name), { mode: 0o644 });
    undo.push(() => rmSync(ruleFile, { force: true }));

    if (!busAnswers()) {
      // A socket left by a daemon that is gone would stop a new one from binding.
      rmSync(BUS_SOCKET, { force: true });
      rmSync(BUS_PID, { force: true });
      mkdirSync('/run/dbus', { recursive: true });
      const pid = Number(sh([DBUS_DAEMON, '--system', '--fork', '--print-pid']).stdout.trim());
      undo.push(() => {
        try {
          process.kill(pid, 'SIGTERM');
        } catch {}
        waitUntil(() => !existsSync(`/proc/${pid}`), `dbus-daemon ${pid} to exit`, 5_000);
        rmSync(BUS_SOCKET, { force: true });
        rmSync(BUS_PID, { force: true });
      });
      waitUntil(busAnswers, 'the system bus');
    }
    let polkitd: ChildProcess | null = null;
    if (!polkitOnBus()) {
      polkitd = spawn(POLKITD, ['--no-debug'], { stdio: 'ignore' });
      const child = polkitd;
      undo.push(() => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        waitUntil(
          () => child.pid === undefined || !existsSync(`/proc/${child.pid}/status`) || zombie(child.pid),
          `polkitd ${child.pid} to exit`,
          5_000,
        );
      });
      waitUntil(polkitOnBus, 'polkitd on the system bus');
    } else {
      // A running polkitd picks up the new rule by watching rules.d.
      spawnSync('/usr/bin/sleep', ['1']);
    }
    return { allowed, refused, dispose };
  } catch (error) {
    dispose();
    throw error;
  }
}

function zombie(pid: number): boolean {
  try {
    return /^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return true;
  }
}
