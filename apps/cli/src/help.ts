// `markwright --help`: the manual, kept next to the code it describes (the package ships no separate man page).

import { COMMANDS } from './commands/index';

/** Set by the bundler from apps/cli/package.json; `dev` when running from sources. */
export const VERSION = process.env.MARKWRIGHT_BUILD_VERSION ?? 'dev';

const MANUAL = `
DEPLOY OPTIONS (plan, apply, confirm, rollback, status, history, uninstall)
  --target local|netns:NAME|ssh:[user@]host[:port]
                             the box itself, a network namespace on it, or a box over SSH (required);
                             apply takes several (--target A --target B, or A,B): one at a time,
                             stopping at the first failure
  --canary                   apply to several: confirm the first target (after reaching it again on a
                             fresh connection) before any other is touched
  --ssh-config FILE          ssh: targets: this client configuration instead of ~/.ssh/config
  --confirm-timeout S        apply: seconds until an unconfirmed deployment reverts by itself
                             (default 60; 0 keeps it at once and writes the restore files)
  --confirm-when-verified    apply, rollback: check the live box right after the change: one test
                             packet per policy rule (from a scratch namespace into the device it
                             arrives on, or from the box with its socket mark) must end with the
                             fields, route table, device and tc class the document gives it; kept
                             as "verified" when all agree, else reverted at once and exit 3 with
                             each disagreement as expected vs seen
  --rule-priorities LO-HI    plan, apply: where the document's ip rules may sit (default 10000-10999)
  --to ID                    rollback: the deployment to go back to (default: the one before)
  --state-dir DIR            history and journal folder (root only; default /var/lib/markwright);
                             with an ssh: target, the folder on that box
  --root-dir DIR             root of the restore files (root only; default /); ssh: on that box
  --json                     print the report as JSON

WHAT MARKWRIGHT CHANGES
  Only what it owns: table inet markwright, ip rules tagged proto 77 inside the rule priority range,
  and tc filters at priorities 49000..49999. apply is one atomic step, read back and compared; with a
  confirm timeout a watchdog (a systemd transient timer where systemd runs, else a detached root
  process) reverts it unless confirmed. When no watchdog can be started, apply refuses (exit 2).

PRIVILEGE
  Deploy commands need root. Run as a normal user, markwright starts one helper per command,
  /usr/lib/markwright/markwright-helper, through pkexec; polkit asks for an administrator
  (action org.markwright.manage, auth_admin_keep). The helper takes no arguments, runs only the deploy
  verbs with the document and target as data, and keeps its state in /var/lib/markwright (root, 0700).
  A refused or cancelled authorisation ends the command with "not authorised" and exit 2.
  Everything else (layout, explain, parse, compile, simulate, serve) runs as the user.

SSH TARGETS
  ssh:[user@]host[:port] runs the verb on that box with the system OpenSSH client: one connection per
  command (a ControlMaster in a private folder), BatchMode=yes (keys and agent only, no password is
  asked or stored), StrictHostKeyChecking=yes against your ~/.ssh/config and known_hosts. An unknown or
  changed host key is refused before anything runs, with the fingerprint the box offers and how to accept
  it. On the box Markwright runs its own helper as root: /usr/lib/markwright/markwright-helper when the
  markwright package is installed there, else this build's bundle, copied once into
  /var/lib/markwright/cli/HASH after checking the box's Node.js (>= 20). A root login runs it directly;
  another user runs it through sudo -n (a sudoers rule for that one command, never a password). The
  revert watchdog runs on the box: a lost connection still reverts at the deadline, and status shows it
  (newest: ... reverted) when you reconnect.

EXIT STATUS
  0  ok
  1  the input is wrong (the message names the field and the value)
  2  the environment is wrong (missing tool, not authorised, lock held, a tool refused)
  3  the kernel disagreed: the box did not do what the document says (--confirm-when-verified; the
     change was reverted), or simulate --verify found a packet where the kernel and the simulator differ

FILES
  /usr/lib/markwright/               the program (CLI, app pages, helper, watchdog)
  /usr/share/polkit-1/actions/org.markwright.policy   the polkit action
  /var/lib/markwright/               deployment history, journal and lock per target
  /etc/markwright/                   confirmed state restored at boot by markwright-restore units

ENVIRONMENT
  MARKWRIGHT_STATE_DIR, MARKWRIGHT_ROOT_DIR   serve: defaults for --state-dir and --root-dir (root only)

See README.md and docs/document-format.md (in /usr/share/doc/markwright when installed).
`;

export function usage(): string {
  const verbs = Object.entries(COMMANDS)
    .map(([verb, { summary }]) => `  ${verb.padEnd(10)} ${summary}`)
    .join('\n');
  return `markwright ${VERSION}: design, simulate and safely deploy netfilter mark-bit layouts

usage: markwright <command> [options]
       markwright --help | --version

COMMANDS
${verbs}
${MANUAL}`;
}

const DEPLOY_VERBS = new Set(['plan', 'apply', 'confirm', 'rollback', 'status', 'history', 'uninstall']);

/** `markwright VERB --help`: the verb's synopsis and what it does (with the deploy options for deploy verbs). */
export function verbHelp(verb: string): string {
  const summary = COMMANDS[verb]?.summary ?? verb;
  const split = summary.indexOf(': ');
  const [synopsis, what] = split === -1 ? [summary, ''] : [summary.slice(0, split), summary.slice(split + 2)];
  const deploy = DEPLOY_VERBS.has(verb)
    ? `\n${MANUAL.slice(MANUAL.indexOf('DEPLOY OPTIONS'), MANUAL.indexOf('WHAT MARKWRIGHT CHANGES')).trimEnd()}\n`
    : '';
  const lead = synopsis.startsWith(verb) ? synopsis : `${verb} ${synopsis}`;
  return `usage: markwright ${lead}\n${what ? `\n${what}\n` : ''}${deploy}\nGlobal options (--state-dir, --root-dir, --json) may come before or after the command.\n`;
}
