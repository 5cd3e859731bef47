import { describe, expect, it } from 'vitest';
import { readDocument } from '../deploy/owned-from-document';
import { DEFAULT_OWNERSHIP } from '../deploy/ownership';
import { SAMPLE_DOC } from '../testing/sample-doc';
import { ansibleExport } from './ansible-role';

const doc = () => {
  const d = structuredClone(SAMPLE_DOC) as Record<string, unknown> & { policy: { classes: unknown[] } };
  d.policy.classes = [{ when: { uplink: 'two' }, dev: 'eth1', parent: '1:', classid: '1:20' }];
  return readDocument(JSON.stringify(d), 'doc.json');
};

describe('ansible export', () => {
  const files = ansibleExport(doc(), DEFAULT_OWNERSHIP, 'doc.json');
  const tasks = files.get('roles/markwright/tasks/main.yml')!;
  const handlers = files.get('roles/markwright/handlers/main.yml')!;

  it('writes the playbook for group markwright, an example inventory and the role', () => {
    expect([...files.keys()].sort()).toEqual([
      'inventory.ini',
      'playbook.yml',
      'roles/markwright/defaults/main.yml',
      'roles/markwright/files/ip-rules.v4',
      'roles/markwright/files/ip-rules.v6',
      'roles/markwright/files/markwright-ansible.service',
      'roles/markwright/files/ruleset.nft',
      'roles/markwright/files/tc.batch',
      'roles/markwright/handlers/main.yml',
      'roles/markwright/meta/main.yml',
      'roles/markwright/tasks/main.yml',
    ]);
    expect(files.get('playbook.yml')).toMatch(/hosts: markwright\n/);
    expect(files.get('inventory.ini')).toMatch(/^\[markwright\]$/m);
  });

  it('installs the same script apply loads, validated with nft -c first, reloading through handlers', () => {
    expect(files.get('roles/markwright/files/ruleset.nft')).toMatch(/^add table inet markwright\n/);
    expect(tasks).toMatch(/validate: \/usr\/sbin\/nft -c -f %s/);
    expect(tasks).toMatch(/notify: reload markwright/);
    // Read-only probes still run under --check, so a missing table is reported as a pending change.
    expect(tasks.match(/check_mode: false/g)).toHaveLength(3);
    expect(files.get('roles/markwright/files/ip-rules.v4')).toMatch(
      /^rule add priority 10100 .* proto 77\n$/,
    );
    expect(handlers).toMatch(/select\('ge', 10000\) \| select\('le', 10999\)/);
    expect(handlers).toMatch(/tc, filter, del, dev, "eth1", parent, "1:"/);
    expect(files.get('roles/markwright/files/tc.batch')).toMatch(/dev eth1 parent 1: .*prio 49/);
  });

  it('uses command argv lists only, never a shell', () => {
    for (const text of [tasks, handlers]) {
      expect(text).not.toMatch(/ansible\.builtin\.shell|\braw:/);
      for (const m of text.matchAll(/ansible\.builtin\.command:\n\s+(\w+):/g)) expect(m[1]).toBe('argv');
    }
  });
});
