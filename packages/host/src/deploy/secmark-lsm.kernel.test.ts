import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from '@markwright/core';
import { kernelSkip, makeTempDir, removeTempDir } from '@markwright/testkit';
import { describe, expect, it } from 'vitest';
import { createSystemRunner } from '../exec/runner';
import { checkSecmarks, type PlanFindings } from './plan-checks';
import { probeSecmarkSupport } from './secmark-lsm';

const skip = kernelSkip('secmark support probe', ['ip', 'nft']);

const namespaces = () => execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });

// This kernel has no security module that maps contexts: `nft add secmark` fails with ENOENT for any context.
describe.skipIf(skip)('secmark support on this kernel', () => {
  it('is refused in a scratch namespace, with what was tried, and the namespace is gone afterwards', async () => {
    const before = namespaces();
    const support = await probeSecmarkSupport();
    expect(support.accepted).toBe(false);
    expect(support.context).toBeUndefined();
    expect(support.reason).toMatch(/refuses every secmark context tried in a scratch namespace/);
    // securityfs is not mounted here: every module's context is tried.
    expect(support.reason).toContain('system_u:object_r:unlabeled_t:s0 (selinux): ENOENT');
    expect(namespaces()).toBe(before);
  });

  it('reads the active modules from securityfs under the root given', async () => {
    const root = makeTempDir('mw-lsm-');
    try {
      mkdirSync(join(root, 'sys/kernel/security'), { recursive: true });
      writeFileSync(join(root, 'sys/kernel/security/lsm'), 'lockdown,capability,yama\n');
      const support = await probeSecmarkSupport(root);
      expect(support).toEqual({
        accepted: false,
        lsms: ['lockdown', 'capability', 'yama'],
        reason: 'no security module that labels packets is active (active: lockdown, capability, yama)',
      });
    } finally {
      removeTempDir(root);
    }
  });

  it('makes plan refuse every label with the probe reason', async () => {
    const doc = parseDocument({
      format: 'markwright/1',
      name: 'labels',
      layout: {
        fields: [],
        secmarks: [
          { name: 'http_packet', context: 'system_u:object_r:http_packet_t:s0' },
          { name: 'dns_packet', context: 'system_u:object_r:dns_packet_t:s0' },
        ],
      },
    });
    const found: PlanFindings = { problems: [], notes: [] };
    await checkSecmarks(createSystemRunner({ kind: 'local' }), doc, found);
    expect(found.problems.map((p) => p.field)).toEqual([
      'layout.secmarks[0].context',
      'layout.secmarks[1].context',
    ]);
    expect(found.problems[0]!.message).toMatch(
      /^no security module on this box accepts this context: the kernel refuses every secmark context/,
    );
  });
});
