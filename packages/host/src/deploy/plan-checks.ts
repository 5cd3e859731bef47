import type { BoxConfig, IpRule, MarkwrightDocument, SecmarkSupport, TcFilter } from '@markwright/core';
import { ownedTables } from '@markwright/core/compile';
import type { Runner } from '../exec/runner';
import type { PlanProblem } from '../types';
import type { KernelCapabilities } from './capabilities';
import type { Ownership } from './ownership';
import { ownedTableProblems } from './route-checks';
import { probeSecmarkSupport } from './secmark-lsm';

/** What the plan found the box cannot apply (blocking) and what applies but may not do what is meant. */
export interface PlanFindings {
  readonly problems: PlanProblem[];
  readonly notes: string[];
}

// Qdiscs that have classes, so a filter on them can pick one.
const CLASSFUL = new Set(['htb', 'hfsc', 'cbq', 'drr', 'prio', 'qfq', 'ets', 'mq', 'multiq', 'mqprio']);

interface ListedRule {
  readonly priority: number;
  readonly protocol?: string;
}

const routeIndex = (doc: MarkwrightDocument, r: IpRule): number =>
  doc.policy.routes.findIndex((b) => b.priority === r.priority);

async function checkIpRules(
  runner: Runner,
  doc: MarkwrightDocument,
  box: BoxConfig,
  ownership: Ownership,
  caps: KernelCapabilities,
  out: PlanFindings,
): Promise<void> {
  for (const family of [4, 6] as const) {
    const rules = box.ipRules.filter((r) => r.family === family);
    if (rules.length === 0) continue;
    const field = (r: IpRule) => `policy.routes[${routeIndex(doc, r)}]`;
    const listed = await runner.run(['ip', `-${family}`, '-j', 'rule', 'show'], { allowFail: true });
    if ((family === 6 && !caps.ipv6Rules) || listed.code !== 0) {
      out.problems.push({
        part: 'ip-rule',
        kind: 'environment',
        field: `${field(rules[0]!)}.family`,
        value: family,
        message: `IPv${family} policy rules are not available on this box (${listed.stderr.trim() || 'IPv6 disabled'})`,
      });
      continue;
    }
    const foreign = (JSON.parse(listed.stdout || '[]') as ListedRule[]).filter(
      (l) => l.protocol !== String(ownership.ipRuleProtocol),
    );
    const tablesSeen = new Set<string>();
    // Tables the document owns are filled by apply: route-checks looks at them.
    const owned = new Set(ownedTables(doc).map((t) => String(t.table)));
    for (const r of rules) {
      const taken = foreign.find((l) => l.priority === r.priority);
      if (taken) {
        out.problems.push({
          part: 'ip-rule',
          kind: 'document',
          field: `${field(r)}.priority`,
          value: r.priority,
          message: `is taken by an IPv${family} rule Markwright does not own (${JSON.stringify(taken)}); choose a free priority`,
        });
      }
      if (r.action.kind !== 'table' || tablesSeen.has(r.action.table) || owned.has(r.action.table)) continue;
      tablesSeen.add(r.action.table);
      const routes = await runner.run(['ip', `-${family}`, 'route', 'show', 'table', r.action.table], {
        allowFail: true,
      });
      if (routes.code !== 0 || routes.stdout.trim() === '') {
        out.notes.push(
          `${field(r)}.table: table ${r.action.table} has no IPv${family} routes on this box; marked packets fall through to the next rule`,
        );
      }
    }
  }
}

async function checkTcFilter(
  runner: Runner,
  f: TcFilter,
  at: string,
  caps: KernelCapabilities,
  out: PlanFindings,
): Promise<void> {
  const problem = (field: string, value: unknown, message: string, kind: PlanProblem['kind'] = 'document') =>
    out.problems.push({ part: 'tc', kind, field: `${at}${field}`, value, message });
  const link = await runner.run(['ip', 'link', 'show', 'dev', f.dev], { allowFail: true });
  if (link.code !== 0) {
    problem('.dev', f.dev, 'no such device on this box');
    return;
  }
  const qdiscs = await runner.run(['tc', '-j', 'qdisc', 'show', 'dev', f.dev], { allowFail: true });
  const listed = JSON.parse(qdiscs.stdout || '[]') as { kind: string; handle: string; root?: boolean }[];
  const parent =
    f.parent === 'root'
      ? listed.find((q) => q.root)
      : listed.find((q) => q.handle === `${f.parent.split(':')[0]}:`);
  if (!parent || !CLASSFUL.has(parent.kind)) {
    const where = f.parent === 'root' ? 'root' : f.parent;
    const seen = parent ? ` (it has ${parent.kind}, which has no classes)` : '';
    problem('.parent', f.parent, `${f.dev} has no classful ${where} qdisc${seen}; add one (e.g. htb) first`);
    return;
  }
  if (f.classid) {
    // The text listing: `tc -j class show` prints htb classes as text too (iproute2 6.1), so it is no safer.
    const classes = await runner.run(['tc', 'class', 'show', 'dev', f.dev], { allowFail: true });
    const ids = [...classes.stdout.matchAll(/^class \S+ (\S+)/gm)].map((m) => m[1]);
    if (!ids.includes(f.classid)) problem('.classid', f.classid, `${f.dev} has no class ${f.classid}`);
  }
  if (f.classifier.kind === 'fw' && !caps.tcFw) {
    problem(
      '',
      'fw',
      'the tc fw classifier (cls_fw) is not available in this kernel; load or build cls_fw to bind marks to classes',
      'environment',
    );
  }
}

/**
 * Each label's context must be known to an LSM, or `nft add secmark` fails with ENOENT. First the kernel is asked
 * whether any security module maps contexts at all (the probe's scratch-namespace test): where none does, every
 * label is refused with that reason. Otherwise `nft -c` of a lone object in a scratch table asks the kernel about
 * each context without committing anything.
 */
export async function checkSecmarks(
  runner: Runner,
  doc: MarkwrightDocument,
  out: PlanFindings,
  support: () => Promise<SecmarkSupport> = probeSecmarkSupport,
): Promise<void> {
  const labels = doc.layout.secmarks ?? [];
  if (labels.length === 0) return;
  const kernel = await support();
  if (!kernel.accepted) {
    for (const [i, label] of labels.entries())
      out.problems.push({
        part: 'secmark',
        kind: 'environment',
        field: `layout.secmarks[${i}].context`,
        value: label.context,
        message: `no security module on this box accepts this context: ${kernel.reason}`,
      });
    return;
  }
  for (const [i, label] of labels.entries()) {
    const script = `table inet mwplancheck {\n  secmark s { ${JSON.stringify(label.context)} }\n}\n`;
    const res = await runner.run(['nft', '-c', '-f', '-'], { input: script, allowFail: true });
    if (res.code === 0) continue;
    const lsm = /No such file or directory/.test(res.stderr);
    out.problems.push({
      part: 'secmark',
      kind: 'environment',
      field: `layout.secmarks[${i}].context`,
      value: label.context,
      message: lsm
        ? `no security module on this box accepts this context (nft secmark: ENOENT; ${kernel.reason}); load a policy that defines it`
        : `nft refuses the label: ${res.stderr.trim().split('\n')[0]}`,
    });
  }
}

async function readSysctl(runner: Runner, key: string): Promise<string | null> {
  const res = await runner.run(['cat', `/proc/sys/${key.replaceAll('.', '/')}`], { allowFail: true });
  return res.code === 0 ? res.stdout.trim() : null;
}

/**
 * IPv4 rules that route by mark rely on rp_filter leaving marked replies alone: with strict/loose rp_filter the
 * reverse lookup ignores the mark unless src_valid_mark is set; forwarded traffic needs forwarding on.
 */
async function checkSysctls(runner: Runner, doc: MarkwrightDocument, box: BoxConfig, out: PlanFindings) {
  if (!box.ipRules.some((r) => r.family === 4 && r.fwmark)) return;
  const rp = await readSysctl(runner, 'net.ipv4.conf.all.rp_filter');
  const valid = await readSysctl(runner, 'net.ipv4.conf.all.src_valid_mark');
  if (rp !== null && rp !== '0' && valid === '0') {
    out.notes.push(
      `sysctl net.ipv4.conf.all.rp_filter=${rp} with src_valid_mark=0: replies routed by mark may be dropped; set net.ipv4.conf.all.src_valid_mark=1`,
    );
  }
  const forwarding = doc.policy.rules.some((r) => r.match.iif !== undefined);
  if (forwarding && (await readSysctl(runner, 'net.ipv4.ip_forward')) === '0') {
    out.notes.push(
      'sysctl net.ipv4.ip_forward=0: arriving packets the rules mark are delivered locally or dropped, never forwarded',
    );
  }
}

/** Dry-run every part the document needs beyond nft, reading the box only. */
export async function planChecks(
  runner: Runner,
  doc: MarkwrightDocument,
  box: BoxConfig,
  ownership: Ownership,
  caps: KernelCapabilities,
): Promise<PlanFindings> {
  const out: PlanFindings = { problems: [], notes: [] };
  await checkIpRules(runner, doc, box, ownership, caps, out);
  out.problems.push(...(await ownedTableProblems(runner, doc, ownership)));
  for (const [i, f] of box.tcFilters.entries())
    await checkTcFilter(runner, f, `policy.classes[${i}]`, caps, out);
  await checkSecmarks(runner, doc, out);
  if (box.ipRules.length > 0) await checkSysctls(runner, doc, box, out);
  return out;
}
