import { InputError } from '../bits/errors';
import { DOCUMENT_FORMAT, type MarkwrightDocument } from '../document/types';
import type { BoxConfig, Chain, Ruleset, Table } from '../ir/types';
import { layoutErrors } from '../layout/validate';
import { baseChainFor, chainRules, hooksInUse } from './chains';
import { compileClasses } from './classes';
import { persistMask } from './field-bits';
import { LABEL_HOOKS, labelBaseChain, labelChainRules, labelledRules, nftLabelChains } from './labels';
import { type CompileOptions, type ResolvedOptions, resolveOptions } from './options';
import type { Flavour } from './packet-match';
import { type CompiledPolicyRule, compilePolicyRule } from './policy-rules';
import { compileRoutes } from './routes';
import { fieldShape, listAt, objectAt } from './shape';
import { declaredTableRoutes } from './tables';

/** The value at a `a.b[2].c` path inside the document, so errors can show what was given. */
function valueAt(root: unknown, path: string): unknown {
  let at: unknown = root;
  for (const key of path.split(/\.|\[(\d+)\]/).filter((k) => k !== undefined && k !== '')) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}

function assertCompilable(doc: MarkwrightDocument): void {
  if (doc === null || typeof doc !== 'object')
    throw new InputError('document', doc, 'must be a markwright/1 object');
  if (doc.format !== DOCUMENT_FORMAT)
    throw new InputError('format', doc.format, `must be "${DOCUMENT_FORMAT}"`);
  if (!doc.layout || !Array.isArray(doc.layout.fields))
    throw new InputError('layout.fields', doc.layout, 'must be a list of fields');
  doc.layout.fields.forEach((f, i) => {
    fieldShape(f, `layout.fields[${i}]`);
  });
  const [first] = layoutErrors(doc.layout);
  if (first) throw new InputError(first.field, valueAt(doc, first.field), first.message);
}

function compilePolicy(doc: MarkwrightDocument, flavour: Flavour): CompiledPolicyRule[] {
  return listAt(doc.policy?.rules, 'policy.rules').map((rule, i) =>
    compilePolicyRule(
      doc.layout,
      objectAt(rule, `policy.rules[${i}]`, 'a policy rule'),
      flavour,
      `policy.rules[${i}]`,
    ),
  );
}

function nftTable(doc: MarkwrightDocument, options: ResolvedOptions): Table {
  const compiled = compilePolicy(doc, 'nft');
  const persist = persistMask(doc.layout);
  const family = options.families.length === 1 ? options.families[0]! : null;
  const chains: Chain[] = hooksInUse(compiled).map((hook) => ({
    name: hook,
    base: baseChainFor(hook),
    rules: chainRules(hook, compiled, persist, 'nft', family),
  }));
  chains.push(...nftLabelChains(labelledRules(doc, compiled), family));
  const secmarks = (doc.layout.secmarks ?? []).map((l) => ({ name: l.name, context: l.context }));
  return { family: 'inet', name: options.table, origin: 'nft', chains, sets: [], secmarks };
}

/**
 * Compile a document into everything Markwright owns on a box: the nft table `inet markwright` (policy rules
 * setting fields with masked writes, persisted fields saved and restored through the ct mark), ip rules for
 * `routes` tagged with Markwright's protocol, the routes declared in the tables it owns (same tag), and tc `fw` filters for `classes`. Throws InputError naming the
 * document path and value of the first problem.
 */
export function compileDocument(doc: MarkwrightDocument, options: CompileOptions = {}): BoxConfig {
  assertCompilable(doc);
  const resolved = resolveOptions(options);
  return {
    ruleset: { tables: [nftTable(doc, resolved)] },
    ipRules: compileRoutes(doc.layout, listAt(doc.policy?.routes, 'policy.routes'), resolved),
    routes: declaredTableRoutes(doc, resolved.ruleProtocol, resolved.families),
    tcFilters: compileClasses(doc.layout, listAt(doc.policy?.classes, 'policy.classes'), resolved),
  };
}

/** iptables refuses chain names of 29 characters or more (XT_EXTENSION_MAXNAMELEN, with the NUL). */
const XT_CHAIN_MAX = 28;

/**
 * The same policy as iptables/ip6tables mangle rules: one chain per hook, `MARKWRIGHT-PREROUTING` and so on,
 * jumped to from the built-in chain, with persistence as exact CONNMARK `--restore-mark`/`--save-mark`
 * `--nfmask P --ctmask P`. One table per family in the options (`ip` for iptables, `ip6` for ip6tables).
 */
export function compileIptablesRuleset(doc: MarkwrightDocument, options: CompileOptions = {}): Ruleset {
  assertCompilable(doc);
  const resolved = resolveOptions(options);
  const compiled = compilePolicy(doc, 'iptables');
  const persist = persistMask(doc.layout);
  const prefix = resolved.table.toUpperCase();
  const labelled = labelledRules(doc, compiled);
  const tables: Table[] = resolved.families.map((family) => {
    const chains: Chain[] = [];
    const own: Chain[] = [];
    for (const hook of hooksInUse(compiled)) {
      const builtin = hook.toUpperCase();
      const name = `${prefix}-${builtin}`;
      if (name.length > XT_CHAIN_MAX) {
        throw new InputError(
          'table',
          resolved.table,
          `is too long for iptables chain names (${name} is over ${XT_CHAIN_MAX} characters)`,
        );
      }
      chains.push({
        name: builtin,
        base: baseChainFor(hook),
        rules: [{ exprs: [{ kind: 'verdict', verdict: { kind: 'jump', target: name } }] }],
      });
      own.push({ name, rules: chainRules(hook, compiled, persist, 'iptables', family) });
    }
    return {
      family: family === 4 ? 'ip' : 'ip6',
      name: 'mangle',
      origin: 'iptables',
      chains: [...chains, ...own],
      sets: [],
      secmarks: [],
    };
  });
  for (const family of resolved.families) {
    const security = securityTable(prefix, labelled, family);
    if (security) tables.push(security);
  }
  return { tables };
}

/** The iptables `security` table labelling packets: `MARKWRIGHT-INPUT` ... jumped to from the built-ins. */
function securityTable(
  prefix: string,
  labelled: ReturnType<typeof labelledRules>,
  family: 4 | 6,
): Table | null {
  const chains: Chain[] = [];
  const own: Chain[] = [];
  for (const hook of LABEL_HOOKS) {
    const rules = labelChainRules(hook, labelled, 'iptables', family);
    if (rules.length === 0) continue;
    const builtin = hook.toUpperCase();
    const name = `${prefix}-${builtin}`;
    chains.push({
      name: builtin,
      base: labelBaseChain(hook),
      rules: [{ exprs: [{ kind: 'verdict', verdict: { kind: 'jump', target: name } }] }],
    });
    own.push({ name, rules });
  }
  if (own.length === 0) return null;
  return {
    family: family === 4 ? 'ip' : 'ip6',
    name: 'security',
    origin: 'iptables',
    chains: [...chains, ...own],
    sets: [],
    secmarks: [],
  };
}
