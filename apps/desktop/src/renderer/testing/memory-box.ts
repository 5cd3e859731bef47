// The deploy and simulate side of the in-memory backend, for tests that switch between views: two targets, a
// probe of a box that has one routing table, no deployment yet, a plan computed by core (every owned line is an addition to an
// empty box) and the simulator run on the compiled document (deploying is in memory-deploy).

import type { DocumentJson, MarkwrightApi, SimulateInput } from '@markwright/api';
import type { IpRule, PlanReport, ProbeReport, Route } from '@markwright/core';
import { findHazards, parseDocument, type SimulationReport, suggestForProbe } from '@markwright/core';
import { compileDocument } from '@markwright/core/compile';
import { emitNftText, parseBoxFile } from '@markwright/core/lang';
import { lintDocument } from '@markwright/core/lint';
import { simulate } from '@markwright/core/simulate';

export const MEMORY_TARGETS = ['local', 'netns:lab'];

const NO_STATE = { nftScript: '', ipRules: { v4: [], v6: [] }, tcFilters: [] };

/**
 * The lab namespace runs Tailscale and reloads an nftables.conf that flushes the ruleset; neither box has a security
 * module that maps secmark contexts (as on the machine the tests run on).
 */
const LAB = {
  consumers: [
    {
      consumer: 'tailscale',
      evidence: ['ip mangle ts-postrouting #1: ts-postrouting'],
      fwmarkBits: '0x00ff0000',
      ctmarkBits: '0x00000000',
    },
  ],
  hazards: findHazards({
    networkd: null,
    nftablesConf: { path: '/etc/nftables.conf', text: '#!/usr/sbin/nft -f\nflush ruleset\n' },
  }),
};

export function probeReport(target: string): ProbeReport {
  const lab = target === 'netns:lab';
  return {
    target,
    tools: { nft: '1.0.6', iptables: null, iptablesBackend: null, ip: '6.1.0', tc: '6.1.0', conntrack: null },
    box: {
      ruleset: { tables: [] },
      ipRules: [],
      routes: [
        {
          family: 4,
          table: '100',
          type: 'unicast',
          dst: { family: 4, address: '0.0.0.0', prefix: 0 },
          dev: 'wan2',
        },
      ],
      tcFilters: [],
    },
    bitsInUse: { fwmark: '0x0', ctmark: '0x0' },
    consumers: lab ? LAB.consumers : [],
    owned: { table: false, ipRules: 0, tcFilters: 0 },
    ...(lab && { hazards: LAB.hazards }),
    secmark: {
      accepted: false,
      lsms: null,
      reason:
        'the kernel refuses every secmark context tried in a scratch namespace: system_u:object_r:unlabeled_t:s0 (selinux): ENOENT',
    },
  };
}

export function planReport(target: string, name: string, json: DocumentJson): PlanReport {
  const nftScript = emitNftText(compileDocument(parseDocument(json)).ruleset);
  const lines = nftScript.split('\n').filter((l) => l.trim() !== '');
  return {
    target,
    document: name,
    wanted: { ...NO_STATE, nftScript },
    live: NO_STATE,
    changes: lines.map((text) => ({ kind: 'nft', action: 'add', text })),
    check: { ok: true, message: null },
  };
}

export function simulateDocument(input: SimulateInput): SimulationReport {
  if (!input.document || input.routes || input.ipRules || input.ruleset) {
    throw new Error('the in-memory backend simulates a document alone');
  }
  return simulate(compileDocument(parseDocument(input.document)), input.packets);
}

/** The deploy-side methods, reading stored documents through `documentOf`. */
export function memoryBox(
  calls: string[],
  documentOf: (name: string, version?: number) => DocumentJson,
): Pick<MarkwrightApi, 'listTargets' | 'probe' | 'plan' | 'simulate' | 'suggest' | 'lint'> {
  return {
    async listTargets() {
      calls.push('listTargets');
      return [...MEMORY_TARGETS];
    },
    async probe({ target }) {
      calls.push('probe');
      return probeReport(target);
    },
    async plan({ name, version, target }) {
      calls.push('plan');
      return planReport(target, name, documentOf(name, version));
    },
    async suggest({ target, width, document }) {
      calls.push('suggest');
      return suggestForProbe(probeReport(target), {
        ...(width !== undefined && { width }),
        ...(document !== undefined && { document: parseDocument(document) }),
      });
    },
    async simulate(input) {
      calls.push('simulate');
      return simulateDocument(input);
    },
    // Linting follows every edit by itself: it is not one of the calls tests count.
    async lint(input) {
      const box = (part: 'routes' | 'ipRules', text: string | undefined) =>
        text === undefined ? [] : (parseBoxFile(text, part).box[part] ?? []);
      return lintDocument(parseDocument(input.document), {
        routes: box('routes', input.routes) as Route[],
        ipRules: box('ipRules', input.ipRules) as IpRule[],
      });
    },
  };
}
