import { InputError } from '../errors/input';

/** A box reached with the system OpenSSH client: `ssh:[user@]host[:port]`. */
export interface SshTarget {
  readonly kind: 'ssh';
  readonly user?: string;
  /** A host name, an alias from ~/.ssh/config, an IPv4 address or an IPv6 address (without brackets). */
  readonly host: string;
  readonly port?: number;
}

// Names reach ssh as one argv element after `--`, and never start with '-', so they cannot become options.
const USER = /^[A-Za-z_][A-Za-z0-9_.-]{0,31}$/;
const HOST_NAME = /^[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,252})$/;
const IPV6 = /^[0-9A-Fa-f:.]{2,45}$/;

export function isSshTargetText(text: string | undefined): boolean {
  return text?.startsWith('ssh:') ?? false;
}

/** Parse `ssh:[user@]host[:port]` (`ssh:[v6addr]:port` for IPv6 with a port), naming --target when it is wrong. */
export function parseSshTarget(text: string, field = '--target'): SshTarget {
  const refuse = (why: string): never => {
    throw new InputError(field, text, why);
  };
  if (!text.startsWith('ssh:')) refuse('must be ssh:[user@]host[:port]');
  let rest = text.slice('ssh:'.length);
  let user: string | undefined;
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    user = rest.slice(0, at);
    rest = rest.slice(at + 1);
    if (!USER.test(user)) refuse('user must be 1..32 of [A-Za-z0-9_.-], starting with a letter or _');
  }
  let host = rest;
  let portText: string | undefined;
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close < 0) refuse('an IPv6 address in brackets needs the closing ]');
    host = rest.slice(1, close);
    const after = rest.slice(close + 1);
    if (after !== '') {
      if (!after.startsWith(':')) refuse('only :port may follow [address]');
      portText = after.slice(1);
    }
    if (!IPV6.test(host) || !host.includes(':')) refuse('the address in brackets must be IPv6');
  } else {
    const colon = rest.indexOf(':');
    if (colon >= 0) {
      if (rest.indexOf(':', colon + 1) >= 0) refuse('write an IPv6 address as [address] or [address]:port');
      host = rest.slice(0, colon);
      portText = rest.slice(colon + 1);
    }
    if (!HOST_NAME.test(host) || host.includes('..'))
      refuse('host must be a name or address of [A-Za-z0-9_.-], not starting with - or .');
  }
  let port: number | undefined;
  if (portText !== undefined) {
    if (!/^\d{1,5}$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535)
      refuse('port must be 1..65535');
    port = Number(portText);
  }
  return {
    kind: 'ssh',
    host,
    ...(user === undefined ? {} : { user }),
    ...(port === undefined ? {} : { port }),
  };
}

/** The target as the user writes it. */
export function sshTargetLabel(t: SshTarget): string {
  const host = t.host.includes(':') ? `[${t.host}]` : t.host;
  return `ssh:${t.user ? `${t.user}@` : ''}${host}${t.port ? `:${t.port}` : ''}`;
}
