import { describe, expect, it } from 'vitest';
import type { RuleBitUsage } from '../analyze/types';
import { checkReport } from './check-report';
import { findConsumer } from './consumers';
import { consumerOfRule } from './detect';

const labelled = {
  format: 'markwright/1',
  name: 'web',
  layout: {
    fields: [{ name: 'web', kind: 'flag', offset: 3 }],
    secmarks: [{ name: 'http_packet', context: 'system_u:object_r:http_packet_t:s0', persist: true }],
  },
  policy: { rules: [{ name: 'http', match: { proto: 'tcp', dport: 80 }, set: { secmark: 'http_packet' } }] },
};

const usage = (where: string, rule: string): RuleBitUsage => ({
  where,
  rule,
  reads: { fwmark: 0, ctmark: 0 },
  writes: { fwmark: 0, ctmark: 0 },
  wholeMarkWrite: { fwmark: false, ctmark: false },
  uncertain: false,
});

// As the SELinux notebook's security-table example writes them (iptables-save form).
const selinuxRules = [
  usage('ip security NEWCONN #1', '-A NEWCONN -j SECMARK --selctx system_u:object_r:test_server_packet_t:s0'),
  usage('ip security NEWCONN #2', '-A NEWCONN -j CONNSECMARK --save'),
  usage('ip security INPUT #2', '-A INPUT -m state --state RELATED,ESTABLISHED -j CONNSECMARK --restore'),
];

describe('label consumers', () => {
  it('are catalogued with sources like mark consumers', () => {
    for (const id of ['selinux-secmark', 'firewalld']) {
      const consumer = findConsumer(id)!;
      expect(consumer.labels?.where).toMatch(/security/);
      expect(consumer.source).toMatch(/\.(md|py|c)\b/);
    }
  });

  it('are catalogue-only conflicts of a labelled layout on a box without them, one per label', () => {
    const report = checkReport(labelled);
    const labels = report.conflicts.filter((c) => c.severity === 'label-overwrite');
    // Catalogue order: firewalld (hosts) before the label-only consumers.
    expect(labels.map((c) => [c.field, c.consumer, c.bits, c.presence])).toEqual([
      ['http_packet', 'firewalld', 'secmark', 'catalogue'],
      ['http_packet', 'selinux-secmark', 'secmark', 'catalogue'],
    ]);
    expect(labels.find((c) => c.consumer === 'selinux-secmark')!.detail).toMatch(
      /a connection keeps whichever label is saved first; source: SELinuxProject\/selinux-notebook/,
    );
  });

  it('are detected from a box whose security table labels packets, with each labelling rule in full', () => {
    expect(selinuxRules.map(consumerOfRule)).toEqual([
      'selinux-secmark',
      'selinux-secmark',
      'selinux-secmark',
    ]);
    const report = checkReport(labelled, selinuxRules);
    const known = report.conflicts.find((c) => c.source === 'known' && c.consumer === 'selinux-secmark');
    expect(known?.presence).toBe('detected');
    const host = report.conflicts.filter((c) => c.source === 'host');
    expect(host).toHaveLength(3);
    expect(host[0]).toMatchObject({
      field: 'http_packet',
      severity: 'label-overwrite',
      presence: 'detected',
    });
    expect(host[0]!.consumer).toMatch(/^ip security NEWCONN #1: -A NEWCONN -j SECMARK/);
    // Detected conflicts come first.
    expect(report.conflicts.findIndex((c) => c.presence === 'catalogue')).toBeGreaterThan(3);
  });

  it('leave a layout without labels, and our own labelling table, alone', () => {
    const plain = checkReport(
      { ...labelled, layout: { fields: labelled.layout.fields }, policy: {} },
      selinuxRules,
    );
    expect(plain.conflicts.filter((c) => c.severity === 'label-overwrite')).toEqual([]);
    const ours = usage('inet markwright label-input #2', 'tcp dport 80 meta secmark set "http_packet"');
    const report = checkReport(labelled, [ours]);
    expect(report.conflicts.filter((c) => c.presence === 'detected')).toEqual([]);
  });

  it('reads nft labelling rules as well as xt ones', () => {
    expect(consumerOfRule(usage('ip6 security input #1', 'ct state new ct secmark set meta secmark'))).toBe(
      'selinux-secmark',
    );
    expect(consumerOfRule(usage('ip filter INPUT #1', '-A INPUT -j MARK --set-mark 0x1'))).toBeUndefined();
  });
});
