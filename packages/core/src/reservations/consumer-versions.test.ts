import { describe, expect, it } from 'vitest';
import { bitUsage } from '../analyze/bit-usage';
import { parseRulesetAuto } from '../lang/detect';
import { checkReport } from './check-report';
import {
  type BoxVersion,
  compareVersions,
  exactSpan,
  spansOverlap,
  spanText,
  versionFromOutput,
  versionsFromPackages,
  versionsFromRules,
} from './consumer-versions';

describe('version spans', () => {
  it('compare dotted versions numerically and overlap half-open spans', () => {
    expect(compareVersions('1.96.2', '1.98')).toBe(-1);
    expect(compareVersions('1.100.0', '1.98')).toBe(1);
    expect(compareVersions('1.98', '1.98.0')).toBe(0);
    expect(exactSpan('1.97.3')).toEqual({ since: '1.97.3', before: '1.97.4' });
    expect(spansOverlap(exactSpan('1.97.3'), { before: '1.100' })).toBe(true);
    expect(spansOverlap(exactSpan('1.100.0'), { before: '1.100' })).toBe(false);
    expect(spansOverlap({ since: '1.100' }, { since: '1.96' })).toBe(true);
    expect(spansOverlap({ since: '1.96', before: '1.100' }, { since: '1.100' })).toBe(false);
    expect(spanText(exactSpan('1.97.3'))).toBe('1.97.3');
    expect(spanText({ since: '1.96', before: '1.100' })).toBe('>= 1.96, < 1.100');
  });

  it('read `tailscale version` output and package databases', () => {
    expect(versionFromOutput('1.96.2\n  tailscale commit: abc\n')).toBe('1.96.2');
    expect(versionFromOutput('1.102.0-t3d1f2e\n')).toBe('1.102.0');
    expect(versionFromOutput('command not found')).toBeNull();
    const dpkg = {
      path: '/var/lib/dpkg/status',
      text:
        'Package: tailscale\nStatus: install ok installed\nVersion: 1.98.1\n\n' +
        'Package: firehol\nStatus: deinstall ok config-files\nVersion: 3.1.7+ds-2\n\n' +
        'Package: docker.io\nStatus: install ok installed\nVersion: 1:20.10.24+dfsg1-1+b3\n',
    };
    const opkg = {
      path: '/usr/lib/opkg/status',
      text: 'Package: mwan3\nVersion: 2.11.16-1\nStatus: install user installed\n',
    };
    const apk = {
      path: '/lib/apk/db/installed',
      text: 'C:Q1abc=\nP:pbr\nV:1.1.7-r12\n\nP:busybox\nV:1.36\n',
    };
    expect(versionsFromPackages([dpkg, opkg, apk])).toEqual([
      { consumer: 'tailscale', span: exactSpan('1.98.1'), evidence: 'package tailscale 1.98.1 (dpkg)' },
      {
        consumer: 'docker',
        span: exactSpan('20.10.24'),
        evidence: 'package docker.io 1:20.10.24+dfsg1-1+b3 (dpkg)',
      },
      { consumer: 'mwan3', span: exactSpan('2.11.16'), evidence: 'package mwan3 2.11.16-1 (opkg)' },
      { consumer: 'pbr', span: exactSpan('1.1.7'), evidence: 'package pbr 1.1.7-r12 (apk)' },
    ]);
  });
});

// Tailscale's restore rule as each version writes it (util/linuxfw AddConnmarkSaveRule), in both modes.
const nft = (rule: string) =>
  `table ip mangle {\n\tchain PREROUTING {\n\t\ttype filter hook prerouting priority mangle; policy accept;\n\t\t${rule}\n\t}\n}\n`;
const xt = (rule: string) => `*mangle\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING ${rule}\nCOMMIT\n`;
const usages = (text: string) => bitUsage(parseRulesetAuto(text).ruleset);

describe('versions from the rules', () => {
  it("tell Tailscale's range from its conntrack restore rule", () => {
    const span = (text: string) => versionsFromRules(usages(text))[0]?.span;
    expect(
      span(
        nft(
          'ct state established,related ct mark & 0x00ff0000 != 0x00000000 meta mark set ct mark & 0x00ff0000',
        ),
      ),
    ).toEqual({ since: '1.100' });
    expect(
      span(
        xt(
          '-m conntrack --ctstate RELATED,ESTABLISHED -m connmark ! --mark 0x0/0xff0000 -j CONNMARK --restore-mark --nfmask 0xff0000 --ctmask 0xff0000',
        ),
      ),
    ).toEqual({ since: '1.100' });
    // Before the endianness fix a little-endian host got the byte-swapped mask.
    expect(span(nft('ct state established,related meta mark set ct mark & 0x0000ff00'))).toEqual({
      since: '1.96',
      before: '1.100',
    });
    expect(
      span(
        xt(
          '-m conntrack --ctstate RELATED,ESTABLISHED -j CONNMARK --restore-mark --nfmask 0xff0000 --ctmask 0xff0000',
        ),
      ),
    ).toEqual({ since: '1.96', before: '1.100' });
    expect(versionsFromRules(usages(nft('meta mark set ct mark')))).toEqual([]);
  });
});

describe('conflicts for the version on the box', () => {
  // Bits 8-15, routed: meets the byte-swapped mask, the whole-mark restore and src_valid_mark.
  const doc = {
    format: 'markwright/1',
    name: 'low-byte',
    layout: { fields: [{ name: 'isp', kind: 'int', offset: 8, width: 8 }] },
    policy: { routes: [{ when: { isp: 1 }, table: 300, priority: 10100 }] },
  };
  const tailscale = (versions?: BoxVersion) =>
    checkReport(doc, [], {
      detected: new Set(['tailscale']),
      ...(versions && { versions: new Map([['tailscale', versions]]) }),
    }).conflicts.filter((c) => c.consumer === 'tailscale');
  const kinds = (cs: ReturnType<typeof tailscale>) => cs.map((c) => c.severity).sort();
  const at = (version: string): BoxVersion => ({
    consumer: 'tailscale',
    span: exactSpan(version),
    evidence: `tailscale version: ${version}`,
  });

  it('before 1.96: only the byte-swapped mask', () => {
    const found = tailscale(at('1.94.2'));
    expect(kinds(found)).toEqual(['shares-bits']);
    expect(found[0]!.detail).toContain('this box runs 1.94.2: tailscale version: 1.94.2');
  });

  it('1.96 to 1.98: the mask, the whole-mark restore and, from 1.98, src_valid_mark', () => {
    expect(kinds(tailscale(at('1.96.4')))).toEqual(['shares-bits', 'whole-mark-overwrite']);
    expect(kinds(tailscale(at('1.98.1')))).toEqual([
      'shares-bits',
      'sysctl-side-effect',
      'whole-mark-overwrite',
    ]);
  });

  it('from 1.100 the mask is right: no shared low byte, the guarded restore still replaces the mark', () => {
    expect(
      kinds(tailscale({ consumer: 'tailscale', span: { since: '1.100' }, evidence: 'rule shape' })),
    ).toEqual(['sysctl-side-effect', 'whole-mark-overwrite']);
  });

  it('with no version found, every version counts and the detail says so', () => {
    const found = tailscale();
    expect(kinds(found)).toEqual(['shares-bits', 'sysctl-side-effect', 'whole-mark-overwrite']);
    for (const c of found) expect(c.detail).toContain('its version was not found on this box');
  });

  it('host rules decide the version by their shape when probe gave none', () => {
    const rules = usages(
      nft(
        'ct state established,related ct mark & 0x00ff0000 != 0x00000000 meta mark set ct mark & 0x00ff0000',
      ),
    );
    const known = checkReport(doc, rules, { detected: new Set(['tailscale']) }).conflicts.filter(
      (c) => c.consumer === 'tailscale',
    );
    expect(kinds(known)).toEqual(['sysctl-side-effect', 'whole-mark-overwrite']);
    expect(known[0]!.detail).toContain('this box runs >= 1.100: rule shape: ip mangle PREROUTING #1');
  });
});
