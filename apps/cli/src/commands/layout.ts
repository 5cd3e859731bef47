import {
  type BoxVersion,
  type CheckReport,
  type Conflict,
  checkReport,
  detectConsumers,
  type Field,
  findConsumer,
  hex8,
  InputError,
  isSshTargetText,
  type MarkwrightDocument,
  versionsFromRules,
} from '@markwright/core';
import { bitUsage, type RuleBitUsage } from '@markwright/core/analyze';
import { parseRulesetAuto } from '@markwright/core/lang';
import {
  DEFAULT_OWNERSHIP,
  EnvironmentError,
  openRunner,
  parseTarget,
  probe,
  ToolError,
} from '@markwright/host';
import { flag, type ParsedArgs, parseArgs } from '../args';
import { readJsonFile, readTextFile } from '../input-file';
import { type Command, type CommandIo, EXIT } from '../io';
import { probeOverSsh } from './verb-runner';

const USAGE =
  'usage: markwright layout check FILE [--host-rules FILE ...] [--target local|netns:NAME|ssh:[user@]host[:port] [--root-dir DIR]] [--json]';

interface HostRules {
  readonly usages: RuleBitUsage[];
  /** Table and chain names, which give some consumers away even where their rules touch no mark. */
  readonly names: string[];
}

/** Bit usage of every rule in an iptables-save, nft text or `nft -j list ruleset` file; errors name the file. */
function readHostRules(file: string): HostRules {
  const text = readTextFile(file);
  try {
    const { ruleset } = parseRulesetAuto(text);
    const names = ruleset.tables.flatMap((t) => [
      `table ${t.family} ${t.name}`,
      ...t.chains.map((c) => `chain ${t.family} ${t.name} ${c.name}`),
    ]);
    return { usages: bitUsage(ruleset), names };
  } catch (error) {
    throw error instanceof InputError ? error.within(file) : error;
  }
}

/**
 * What probe finds on a live target: its rules (ours excluded later), every consumer it detects with evidence,
 * and the versions it found.
 */
async function probeTarget(
  args: ParsedArgs,
  target: string,
  io: CommandIo,
): Promise<{ usages: RuleBitUsage[]; evidence: Evidence; versions: Versions }> {
  // A box over SSH is probed by its own helper (--root-dir then names the box's folder).
  const report = isSshTargetText(target)
    ? await probeOverSsh<Awaited<ReturnType<typeof probe>>>(args, target, io)
    : await probe(await openRunner(parseTarget(target)), DEFAULT_OWNERSHIP, {
        rootDir: flag(args, 'root-dir') ?? '/',
      });
  return {
    usages: bitUsage(report.box.ruleset),
    evidence: new Map(report.consumers.map((c) => [c.consumer, [...c.evidence]])),
    versions: new Map(
      report.consumers.flatMap((c) =>
        c.version ? [[c.consumer, { consumer: c.consumer, ...c.version }]] : [],
      ),
    ),
  };
}

type Versions = Map<string, BoxVersion>;

type Evidence = Map<string, string[]>;

const merge = (into: Evidence, from: ReadonlyMap<string, readonly string[]>) => {
  for (const [id, seen] of from) into.set(id, [...new Set([...(into.get(id) ?? []), ...seen])]);
};

function describeField(f: Field): string {
  const last = (f.offset ?? 0) + (f.width ?? 1) - 1;
  const place =
    f.offset === undefined ? 'by mask' : f.offset === last ? `bit ${last}` : `bits ${f.offset}-${last}`;
  const values =
    f.kind === 'enum'
      ? ` {${Object.entries(f.values ?? {})
          .map(([k, v]) => `${k}=${v}`)
          .join(', ')}}`
      : f.kind === 'int' && (f.min !== undefined || f.max !== undefined)
        ? ` ${f.min ?? 0}..${f.max ?? 'max'}`
        : '';
  const attrs = [f.persist && 'persist', f.newOnly && 'newOnly'].filter(Boolean).join(' ');
  return `  ${f.name.padEnd(16)} ${f.space.padEnd(8)} ${hex8(f.mask)}  ${place.padEnd(10)} ${f.kind}${values}${attrs ? `  ${attrs}` : ''}`;
}

const WHAT: Record<Conflict['severity'], string> = {
  'shares-bits': 'shares bits',
  'whole-mark-overwrite': 'overwrites the whole mark of',
  'sysctl-side-effect': 'changes a sysctl that affects',
  'rule-priority': 'puts ip rules at the priority of',
  'routing-table': 'fills the routing table of',
  'label-overwrite': 'labels packets, replacing the label',
};

/** Bits of a mask as ranges: `24-25, 31`. */
function bitRanges(mask: number): string {
  const out: string[] = [];
  for (let bit = 0; bit < 32; bit++) {
    if (((mask >>> bit) & 1) === 0) continue;
    let last = bit;
    while (last < 31 && ((mask >>> (last + 1)) & 1) === 1) last++;
    out.push(last === bit ? `${bit}` : `${bit}-${last}`);
    bit = last;
  }
  return out.join(', ');
}

/** One line per catalogue-only consumer: what would collide if it were installed. */
function foldCatalogue(conflicts: readonly Conflict[]): string[] {
  const byConsumer = new Map<string, Conflict[]>();
  for (const c of conflicts) byConsumer.set(c.consumer, [...(byConsumer.get(c.consumer) ?? []), c]);
  return [...byConsumer.entries()].map(([id, list]) => {
    const name = findConsumer(id)?.name ?? id;
    const parts = [...new Set(list.map((c) => c.severity))].map((severity) => {
      const same = list.filter((c) => c.severity === severity);
      const fields = [...new Set(same.map((c) => c.field))].join(', ');
      if (severity !== 'shares-bits') return `${WHAT[severity]} ${fields}`;
      const bits = same.reduce((m, c) => (m | Number.parseInt(c.bits, 16)) >>> 0, 0);
      return `${WHAT[severity]} ${bitRanges(bits)} (${fields})`;
    });
    return `  if you install ${name}: ${parts.join('; ')}`;
  });
}

/** Detected conflicts in full (they are warnings); catalogue-only ones folded; acknowledged ones with their reason. */
function conflictLines(report: CheckReport): string[] {
  const lines: string[] = [];
  const detected = report.conflicts.filter((c) => c.presence === 'detected');
  const catalogue = report.conflicts.filter((c) => c.presence !== 'detected');
  if (detected.length === 0) {
    lines.push('conflicts on this box: none');
  } else {
    lines.push(`conflicts on this box (${detected.length}; they do not make the document invalid):`);
    for (const c of detected) {
      lines.push(`  ${c.field}: ${c.severity} with ${c.consumer} [${c.source}] on bits ${c.bits}`);
      if (c.detail) lines.push(`      ${c.detail}`);
      if (c.evidence?.length) lines.push(`      seen: ${c.evidence.join('; ')}`);
    }
  }
  if (catalogue.length > 0) {
    lines.push('', 'not on this box (known consumers from the catalogue):', ...foldCatalogue(catalogue));
  }
  const acknowledged = report.acknowledged ?? [];
  if (acknowledged.length > 0) {
    lines.push('', 'acknowledged (coexists):');
    for (const id of new Set(acknowledged.map((c) => c.consumerId ?? c.consumer))) {
      const first = acknowledged.find((c) => (c.consumerId ?? c.consumer) === id)!;
      const n = acknowledged.filter((c) => (c.consumerId ?? c.consumer) === id).length;
      lines.push(`  ${id}: ${n} conflict(s) silenced: ${first.reason}`);
    }
  }
  return lines;
}

function readable(file: string, doc: MarkwrightDocument | null, report: CheckReport): string {
  const lines: string[] = [];
  if (!doc) {
    lines.push(`${file}: invalid, ${report.errors.length} error(s)`);
    for (const e of report.errors) lines.push(`  ${e.field}: ${e.message}`);
    return `${lines.join('\n')}\n`;
  }
  const p = doc.policy;
  lines.push(
    `${file}: valid document "${doc.name}" (${doc.layout.fields.length} fields, ${p.rules.length} rules, ` +
      `${p.routes.length} routes, ${p.classes.length} classes)`,
    '',
    'fields:',
    ...doc.layout.fields.map(describeField),
    '',
  );
  lines.push(...conflictLines(report));
  return `${lines.join('\n')}\n`;
}

const layout: Command = async (io) => {
  const [sub, ...rest] = io.args;
  if (sub !== 'check') {
    throw new InputError('layout', sub ?? null, `unknown subcommand; ${USAGE}`);
  }
  const args = parseArgs(rest, ['host-rules', 'target', 'root-dir', 'ssh-config', 'state-dir'], ['json']);
  if (args.positionals.length !== 1) {
    throw new InputError(
      'FILE',
      args.positionals.join(' ') || null,
      `expected exactly one document file; ${USAGE}`,
    );
  }
  const file = args.positionals[0]!;
  const json = args.switches.has('json');
  const hostFiles = args.flags.get('host-rules') ?? [];

  // Host rule files are read first, so a broken one is reported whatever the document holds.
  const host = hostFiles.map(readHostRules);
  const hostUsage = host.flatMap((h) => h.usages);
  const evidence: Evidence = new Map(
    detectConsumers(
      hostUsage,
      host.flatMap((h) => h.names),
    ).map((c) => [c.consumer, [...c.evidence]]),
  );
  // What the host rules' shapes tell; a version probe finds (command, package) is surer and replaces it.
  const versions: Versions = new Map(versionsFromRules(hostUsage).map((v) => [v.consumer, v]));
  const target = flag(args, 'target');
  if (target === undefined && args.flags.has('root-dir'))
    throw new InputError('--root-dir', flag(args, 'root-dir')!, `only with --target; ${USAGE}`);
  if (target !== undefined) {
    try {
      const live = await probeTarget(args, target, io);
      hostUsage.push(...live.usages);
      merge(evidence, live.evidence);
      for (const [id, v] of live.versions) versions.set(id, v);
    } catch (error) {
      if (error instanceof EnvironmentError || error instanceof ToolError) {
        io.stderr(`markwright: ${error.message}\n`);
        return EXIT.environment;
      }
      throw error;
    }
  }
  let report: CheckReport;
  let doc: MarkwrightDocument | null = null;
  try {
    const { document, ...checked } = checkReport(readJsonFile(file), hostUsage, { evidence, versions });
    doc = document;
    report = checked;
  } catch (error) {
    if (!(error instanceof InputError) || !json) throw error;
    const message = error.message.slice(error.field.length + 2);
    report = { valid: false, errors: [{ field: error.field, message }], conflicts: [] };
  }

  io.stdout(json ? `${JSON.stringify(report, null, 2)}\n` : readable(file, doc, report));
  return report.valid ? EXIT.ok : EXIT.badInput;
};

export default layout;
