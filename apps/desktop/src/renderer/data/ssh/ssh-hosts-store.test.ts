// The SSH host list on the in-memory backend: an address checked with its field named, the key shown before it
// is used, the accepted host among the deploy targets, a changed key shown beside the old one and accepted only
// by hand, removal asked first and refused while a deployment is live there.

import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryApi } from '../../testing/memory-api';
import { AppData } from '../app-data';

const opened: AppData[] = [];
afterEach(() => {
  for (const d of opened.splice(0)) d.dispose();
});

async function start() {
  const api = createMemoryApi();
  const data = new AppData(api);
  opened.push(data);
  await data.start();
  await data.deploy.show();
  await data.sshHosts.show();
  return { api, data, hosts: data.sshHosts };
}

describe('SSH hosts in the app', () => {
  it('a malformed address stays beside the input with its field and value; nothing is added', async () => {
    const { hosts } = await start();
    hosts.setAddress('root@-x');
    await hosts.add();
    expect(hosts.addError).toMatch(/^address: host must be a name or address .*\(got "ssh:root@-x"\)/);
    expect(hosts.hosts).toEqual([]);
    hosts.setAddress('   ');
    await hosts.add();
    expect(hosts.addError).toMatch(/^address:/);
  });

  it('a new host shows its fingerprint and becomes a target only once its key is accepted', async () => {
    const { data, hosts } = await start();
    hosts.setAddress('admin@edge-1:2222');
    await hosts.add();
    expect(hosts.addError).toBeNull();
    expect(hosts.addressText).toBe('');
    expect(hosts.hosts[0]).toMatchObject({ target: 'ssh:admin@edge-1:2222', state: 'unverified' });
    expect(hosts.hosts[0]!.offered[0]!.fingerprint).toMatch(/^SHA256:/);
    expect(data.deploy.targets).not.toContain('ssh:admin@edge-1:2222');
    await hosts.accept('ssh:admin@edge-1:2222');
    expect(hosts.hosts[0]!.state).toBe('accepted');
    expect(data.deploy.targets).toContain('ssh:admin@edge-1:2222');
  });

  it('a changed key is shown beside the accepted one and replaces it only when accepted again', async () => {
    const { api, hosts } = await start();
    hosts.setAddress('edge-2');
    await hosts.add();
    await hosts.accept('ssh:edge-2');
    const old = hosts.hosts[0]!.accepted[0]!.fingerprint;
    api.ssh.rekey('ssh:edge-2');
    await hosts.fetchKey('ssh:edge-2');
    expect(hosts.hosts[0]).toMatchObject({ state: 'changed', accepted: [{ fingerprint: old }] });
    const fresh = hosts.hosts[0]!.offered[0]!.fingerprint;
    expect(fresh).not.toBe(old);
    await hosts.accept('ssh:edge-2');
    expect(hosts.hosts[0]).toMatchObject({
      state: 'accepted',
      accepted: [{ fingerprint: fresh }],
      offered: [],
    });
  });

  it('removing asks first, is refused beside the host while a deployment is live there, then removes it', async () => {
    const { api, data, hosts } = await start();
    hosts.setAddress('edge-3');
    await hosts.add();
    await hosts.accept('ssh:edge-3');
    api.ssh.live.add('ssh:edge-3');
    hosts.askRemove('ssh:edge-3');
    expect(hosts.removeAsked).toBe('ssh:edge-3');
    await hosts.remove('ssh:edge-3');
    expect(hosts.hostErrors['ssh:edge-3']).toMatch(/live deployment: uninstall it there first/);
    expect(hosts.hosts).toHaveLength(1);
    api.ssh.live.delete('ssh:edge-3');
    await hosts.remove('ssh:edge-3');
    expect(hosts.hosts).toEqual([]);
    expect(hosts.hostErrors).toEqual({});
    expect(data.deploy.targets).not.toContain('ssh:edge-3');
  });
});
