import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestBackend, type TestBackend } from '../testing/backend-fixture';

/** Valid for the fake document tools these tests use. */
const FAKE_VALID = { format: 'markwright/1', name: 'x', layout: { fields: [] } };

let t: TestBackend;
beforeEach(() => {
  t = openTestBackend();
});
afterEach(() => t.cleanup());

const refusal = async (method: string, argument: unknown) => {
  const envelope = await t.backend.dispatch(method, argument);
  if (envelope.ok) throw new Error(`${method} was not refused`);
  return envelope.error;
};

describe('SSH hosts through the API', () => {
  it('a malformed address is refused naming the field and the value, and nothing is kept', async () => {
    for (const [address, why] of [
      ['root@-evil', /host must be a name or address/],
      ['1root@box', /user must be/],
      ['box:99999', /port must be 1\.\.65535/],
      ['fe80::1', /write an IPv6 address as \[address\]/],
    ] as const) {
      const error = await refusal('addSshHost', { address });
      expect(error).toMatchObject({ kind: 'invalid-input', field: 'address' });
      expect(error.message).toMatch(why);
      expect(error.message).toContain(JSON.stringify(`ssh:${address}`));
    }
    expect(await refusal('addSshHost', { address: '' })).toMatchObject({ field: 'address' });
    expect(t.backend.store.sshHosts.list()).toEqual([]);
  });

  it('targets and fingerprints are checked at the boundary', async () => {
    expect(await refusal('plan', { name: 'x', target: 'ssh:-oProxyCommand=x' })).toMatchObject({
      kind: 'invalid-input',
      field: 'target',
    });
    expect(
      await refusal('acceptSshHostKey', { target: 'ssh:box', fingerprints: ['MD5:00:11'] }),
    ).toMatchObject({ kind: 'invalid-input', field: 'fingerprints[0]' });
    expect(await refusal('removeSshHost', { target: 'local' })).toMatchObject({ field: 'target' });
  });

  it('a host that is not listed cannot be used, accepted or removed', async () => {
    const plan = await refusal('plan', { name: 'x', target: 'ssh:admin@edge-1' });
    expect(plan.kind).toBe('not-found');
    await t.backend.service.createLayout({ name: 'x', document: FAKE_VALID });
    const error = await refusal('plan', { name: 'x', target: 'ssh:admin@edge-1' });
    expect(error).toMatchObject({ kind: 'invalid-input', field: 'target' });
    expect(error.message).toMatch(/not in the SSH host list: add it and accept its host key first/);
    const fp = `SHA256:${'A'.repeat(43)}`;
    expect(
      await refusal('acceptSshHostKey', { target: 'ssh:admin@edge-1', fingerprints: [fp] }),
    ).toMatchObject({
      kind: 'not-found',
    });
    expect(await refusal('removeSshHost', { target: 'ssh:admin@edge-1' })).toMatchObject({
      kind: 'not-found',
    });
  });

  it('an SSH host is a target once its key is accepted, and a layout can remember it', async () => {
    const T = 'ssh:admin@edge-1:2222';
    const listed = async () => {
      const targets = await t.backend.dispatch('listTargets', undefined);
      return targets.ok && (targets.value as string[]).includes(T);
    };
    await t.backend.service.createLayout({ name: 'x', document: FAKE_VALID });
    t.backend.store.sshHosts.add(T);
    const fingerprint = `SHA256:${'B'.repeat(43)}`;
    t.backend.store.sshHosts.recordOffered(T, [
      { type: 'ED25519', publicKey: 'ssh-ed25519 AAAA', fingerprint },
    ]);
    expect(await listed()).toBe(false);
    await t.backend.dispatch('acceptSshHostKey', { target: T, fingerprints: [fingerprint] });
    expect(await listed()).toBe(true);
    const set = await t.backend.dispatch('setLayoutTarget', { name: 'x', target: T });
    expect(set).toEqual({ ok: true, value: { target: T } });
  });
});
