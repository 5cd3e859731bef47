import { AuthRefused, InputError, LockHeld } from '@markwright/core';
import { describe, expect, it } from 'vitest';
import { EnvironmentError } from '../exec/errors';
import { HelperClient } from './client';

const node = (script: string) => [process.execPath, '-e', script];

/** Answers every request with its id and this process's pid, as the helper would with a real result. */
const ECHO_HELPER = node(`
  process.stdout.write(JSON.stringify({ hello: 'markwright-helper', protocol: 1 }) + '\\n');
  let buf = '';
  process.stdin.setEncoding('utf8').on('data', (c) => {
    buf += c;
    let i;
    while ((i = buf.indexOf('\\n')) >= 0) {
      const req = JSON.parse(buf.slice(0, i));
      buf = buf.slice(i + 1);
      const res = req.verb === 'apply'
        ? { id: req.id, ok: false, error: { kind: 'input', field: 'document', message: 'document: bad' } }
        : req.verb === 'confirm'
          ? { id: req.id, ok: false, error: { kind: 'lock-held', field: null, message: 'another operation' } }
          : { id: req.id, ok: true, result: { verb: req.verb, pid: process.pid } };
      process.stdout.write(JSON.stringify(res) + '\\n');
    }
  });
`);

describe('helper client', () => {
  it('runs every request of a session in one helper process (one authorisation, not one per second)', async () => {
    const client = new HelperClient({ argv: ECHO_HELPER });
    try {
      const results = [];
      for (let i = 0; i < 5; i++)
        results.push(await client.request<{ pid: number }>({ verb: 'status', target: 'local' }));
      expect(new Set(results.map((r) => r.pid)).size).toBe(1);
      const probe = await client.request({ verb: 'probe', target: 'netns:r' });
      expect(probe).toMatchObject({ verb: 'probe', pid: results[0]!.pid });
    } finally {
      await client.close();
    }
  });

  it('a refusal inside the helper keeps its kind', async () => {
    const client = new HelperClient({ argv: ECHO_HELPER });
    try {
      const error = await client.request({ verb: 'apply', target: 'local', document: '{}' }).catch((e) => e);
      expect(error).toBeInstanceOf(InputError);
      expect(error).toMatchObject({ kind: 'input', field: 'document', message: 'document: bad' });
      const held = await client.request({ verb: 'confirm', target: 'local' }).catch((e) => e);
      expect(held).toBeInstanceOf(LockHeld);
      expect(held).toBeInstanceOf(EnvironmentError);
    } finally {
      await client.close();
    }
  });

  it('polkit refusing (pkexec exit 127) is "not authorised", never an empty probe', async () => {
    const client = new HelperClient({
      argv: node(
        `process.stderr.write('Error executing command as another user: Not authorized\\n'); process.exit(127)`,
      ),
      viaPkexec: true,
    });
    const error = await client.request({ verb: 'probe', target: 'local' }).catch((e) => e);
    expect(error).toBeInstanceOf(AuthRefused);
    expect(error).toBeInstanceOf(EnvironmentError);
    expect(String(error)).toMatch(
      /not authorised: polkit refused org\.markwright\.manage \(Error executing command as another user: Not authorized\)/,
    );
  });

  it('a cancelled authentication (pkexec exit 126) is "not authorised" too', async () => {
    const client = new HelperClient({ argv: node('process.exit(126)'), viaPkexec: true });
    await expect(client.request({ verb: 'status', target: 'local' })).rejects.toThrow(
      /not authorised: the authentication for org\.markwright\.manage was cancelled/,
    );
  });

  it('a helper that stops before answering says why, as an environment error', async () => {
    const client = new HelperClient({
      argv: node(
        `process.stderr.write('markwright-helper: state dir /var/lib/markwright is not owned by root (uid 1000)\\n'); process.exit(2)`,
      ),
      viaPkexec: true,
    });
    const error = await client.request({ verb: 'status', target: 'local' }).catch((e) => e);
    expect(error).toBeInstanceOf(EnvironmentError);
    expect(error).not.toBeInstanceOf(AuthRefused);
    expect(String(error)).toMatch(
      /helper stopped \(2\): state dir \/var\/lib\/markwright is not owned by root/,
    );
  });

  it('a helper that dies mid-request rejects the waiting request, and the next one starts a new session', async () => {
    const client = new HelperClient({
      argv: node(
        `process.stdout.write('{"hello":"markwright-helper","protocol":1}\\n'); process.stdin.once('data', () => process.exit(3))`,
      ),
    });
    await expect(client.request({ verb: 'status', target: 'local' })).rejects.toThrow(/helper stopped \(3\)/);
    await expect(client.request({ verb: 'status', target: 'local' })).rejects.toThrow(/helper stopped \(3\)/);
  });
});
