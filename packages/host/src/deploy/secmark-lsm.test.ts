import { parseDocument } from '@markwright/core';
import { describe, expect, it } from 'vitest';
import type { Runner } from '../exec/runner';
import { checkSecmarks, type PlanFindings } from './plan-checks';
import { contextsToTry } from './secmark-lsm';

const doc = parseDocument({
  format: 'markwright/1',
  name: 'labels',
  layout: { fields: [], secmarks: [{ name: 'http_packet', context: 'system_u:object_r:http_packet_t:s0' }] },
});

/** A runner that answers `nft -c` as a kernel whose SELinux policy does not define the context. */
const refusing = (calls: string[][]): Runner =>
  ({
    target: { kind: 'local' },
    run: async (argv: string[]) => {
      calls.push(argv);
      return { code: 1, stdout: '', stderr: 'Error: Could not process rule: No such file or directory\n' };
    },
  }) as unknown as Runner;

describe('secmark support', () => {
  it('offers only the contexts of active modules that label packets', () => {
    expect(contextsToTry(['lockdown', 'capability', 'selinux'])).toEqual([
      ['selinux', 'system_u:object_r:unlabeled_t:s0'],
    ]);
    expect(contextsToTry(['capability', 'apparmor'])).toEqual([['apparmor', 'unconfined']]);
    expect(contextsToTry([])).toEqual([]);
    expect(contextsToTry(null).map(([lsm]) => lsm)).toEqual(['selinux', 'apparmor', 'smack']);
  });

  it('asks the kernel about each context once a module accepts contexts at all', async () => {
    const calls: string[][] = [];
    const found: PlanFindings = { problems: [], notes: [] };
    const selinux = async () => ({
      accepted: true,
      lsms: ['selinux'],
      context: 'system_u:object_r:unlabeled_t:s0',
      reason: 'selinux accepts system_u:object_r:unlabeled_t:s0 (active: selinux)',
    });
    await checkSecmarks(refusing(calls), doc, found, selinux);
    expect(calls).toEqual([['nft', '-c', '-f', '-']]);
    expect(found.problems).toEqual([
      expect.objectContaining({
        field: 'layout.secmarks[0].context',
        kind: 'environment',
        message: expect.stringMatching(
          /^no security module on this box accepts this context \(nft secmark: ENOENT; selinux accepts/,
        ),
      }),
    ]);
  });

  it('refuses every label without asking about each when no module accepts any context', async () => {
    const calls: string[][] = [];
    const found: PlanFindings = { problems: [], notes: [] };
    const none = async () => ({
      accepted: false,
      lsms: [],
      reason: 'no security module that labels packets is active (active: none)',
    });
    await checkSecmarks(refusing(calls), doc, found, none);
    expect(calls).toEqual([]);
    expect(found.problems[0]!.message).toBe(
      'no security module on this box accepts this context: no security module that labels packets is active (active: none)',
    );
  });
});
