// Reads every import of the workspace's packages and checks them against scripts/import-rules.mjs: the
// package graph, forbidden Node modules, imports into apps/, and cycles (between packages, and between the
// top-level folders of one package's src/).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';

const SOURCE = /\.(ts|tsx|mts|cts|mjs|js)$/;
const SKIP_DIRS = new Set(['node_modules', 'dist', 'results', '.turbo', 'native']);
const TEST_FILE = /\.(test|spec)\.[cm]?[jt]sx?$/;
const NODE_BUILTINS = new Set(builtinModules);

/** Workspace packages: every folder of packages/ and apps/ with a package.json, plus e2e/ and bench/. */
export function findPackages(root) {
  const dirs = [];
  for (const group of ['packages', 'apps']) {
    const base = join(root, group);
    if (!existsSync(base)) continue;
    for (const name of readdirSync(base).sort()) dirs.push(join(group, name));
  }
  dirs.push('e2e', 'bench');
  return dirs
    .filter((dir) => existsSync(join(root, dir, 'package.json')))
    .map((dir) => ({ dir, name: JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')).name }));
}

function sourceFiles(dir) {
  const out = [];
  const walk = (d) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        if (!SKIP_DIRS.has(entry.name) && !entry.name.startsWith('.')) walk(join(d, entry.name));
      } else if (SOURCE.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(join(d, entry.name));
    }
  };
  walk(dir);
  return out.sort();
}

const STATIC =
  /(?:^|[\n;}])\s*(?:import|export)\s+(?:type\s+)?(?:[\w*${}\s,]+?\s+from\s+)?['"]([^'"\n]+)['"]/g;
const DYNAMIC = /\b(?:import|require)\(\s*['"]([^'"\n]+)['"]\s*\)/g;

/** Import specifiers of one file with their line numbers (comment lines ignored). */
export function importsOf(text) {
  const code = text.replace(/^\s*(\/\/|\*|\/\*).*$/gm, (line) => ' '.repeat(line.length));
  const found = [];
  for (const pattern of [STATIC, DYNAMIC]) {
    for (const m of code.matchAll(pattern)) {
      const at = m.index + m[0].lastIndexOf(m[1]);
      found.push({ spec: m[1], line: code.slice(0, at).split('\n').length });
    }
  }
  return found.sort((a, b) => a.line - b.line);
}

/** Everything the checker needs: the package of every import, and the rules it breaks. */
export function checkImports(root, rules) {
  const packages = findPackages(root);
  const byName = new Map(packages.map((p) => [p.name, p]));
  const owner = (abs) =>
    packages
      .filter((p) => abs === join(root, p.dir) || abs.startsWith(join(root, p.dir) + sep))
      .sort((a, b) => b.dir.length - a.dir.length)[0];
  const violations = [];
  const edges = new Map(); // "from\0to" -> { count, testOnly }
  const folderEdges = new Map(); // package -> Map(folder -> Set(folder)) for production files
  let fileCount = 0;
  let importCount = 0;

  for (const pkg of packages) {
    const rule = rules.PACKAGES[pkg.name];
    if (!rule) {
      violations.push(`${pkg.dir}/package.json: package ${pkg.name} has no line in scripts/import-rules.mjs`);
      continue;
    }
    for (const file of sourceFiles(join(root, pkg.dir))) {
      fileCount++;
      const rel = relative(root, file);
      const isTest = TEST_FILE.test(file) || rel.split(sep).includes('testing') || rule.testSupport === true;
      const folder = rules.FOLDERS.find((f) => rel.startsWith(f.dir + sep));
      const may = folder?.may ?? rule.may;
      const nodeAllowed = folder ? folder.node !== false : rule.node !== false;
      for (const { spec, line } of importsOf(readFileSync(file, 'utf8'))) {
        importCount++;
        const where = `${rel}:${line}`;
        const target = classify(spec, file);
        if (target.kind === 'node') {
          if (!nodeAllowed && !isTest) {
            violations.push(
              `${where}: imports ${spec}: ${folder ? folder.dir : pkg.name} may not use Node modules`,
            );
          }
          continue;
        }
        if (target.kind === 'external') {
          const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
          if (!isTest && folder?.external?.forbid.includes(name))
            violations.push(`${where}: imports ${spec}: ${folder.dir} may not (${folder.why})`);
          continue;
        }
        const to = target.kind === 'package' ? byName.get(target.name) : owner(target.path);
        if (!to) {
          if (target.kind === 'relative' && !target.path.startsWith(root + sep))
            violations.push(`${where}: imports ${spec}: outside the repository`);
          continue;
        }
        if (to === pkg) {
          if (target.kind === 'package' && !isTest)
            violations.push(`${where}: imports its own package by name (${spec}); use a relative import`);
          if (target.kind === 'relative' && !isTest) addFolderEdge(folderEdges, pkg, root, file, target.path);
          continue;
        }
        const key = `${pkg.name}\0${to.name}`;
        const edge = edges.get(key) ?? { count: 0, testOnly: true };
        edge.count++;
        edge.testOnly &&= isTest;
        edges.set(key, edge);
        if (target.kind === 'relative')
          violations.push(
            `${where}: imports ${spec}: reaches into ${to.dir} by path; import ${to.name} instead`,
          );
        const allowed =
          may === '*' ||
          may.includes(to.name) ||
          (isTest && to.name === '@markwright/testkit' && pkg.name !== '@markwright/testkit');
        if (!allowed) {
          const why = to.dir.startsWith('apps/')
            ? 'nothing imports from apps/'
            : `${folder ? folder.dir : pkg.name} may import only ${listOf(may)}${folder ? ` (${folder.why})` : ''}`;
          violations.push(`${where}: imports ${spec}: ${why}`);
        }
      }
    }
  }

  const productionGraph = new Map(packages.map((p) => [p.name, new Set()]));
  for (const [key, edge] of edges) {
    const [from, to] = key.split('\0');
    if (!edge.testOnly) productionGraph.get(from).add(to);
  }
  for (const cycle of cycles(productionGraph))
    violations.push(`package cycle: ${[...cycle, cycle[0]].join(' -> ')}`);
  const allowed = rules.ALLOWED_FOLDER_CYCLES ?? [];
  const sameSet = (a, b) => a.length === b.length && a.every((x) => b.includes(x));
  const seen = new Set();
  for (const [pkgName, graph] of folderEdges) {
    for (const cycle of cycles(graph)) {
      const known = allowed.find((c) => c.package === pkgName && sameSet(c.folders, cycle));
      if (known) seen.add(known);
      else
        violations.push(
          `folder cycle in ${pkgName}: ${[...cycle, cycle[0]].map((f) => `${f}/`).join(' -> ')}`,
        );
    }
  }
  const present = (c) => {
    const pkg = byName.get(c.package);
    return pkg !== undefined && c.folders.every((folder) => existsSync(join(root, pkg.dir, 'src', folder)));
  };
  for (const c of allowed.filter((entry) => !seen.has(entry) && present(entry)))
    violations.push(
      `allowed folder cycle ${c.folders.join(' <-> ')} in ${c.package} no longer occurs: remove it`,
    );
  return { packages, edges, violations, fileCount, importCount };

  function classify(spec, file) {
    if (spec.startsWith('node:') || NODE_BUILTINS.has(spec.split('/')[0])) return { kind: 'node' };
    if (spec.startsWith('.')) return { kind: 'relative', path: resolve(dirname(file), spec) };
    const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
    return byName.has(name) ? { kind: 'package', name } : { kind: 'external' };
  }
}

/** Production imports between the top-level entries of a package's src/ (folders, or root files). */
function addFolderEdge(folderEdges, pkg, root, file, targetPath) {
  const src = join(root, pkg.dir, 'src') + sep;
  if (!file.startsWith(src) || !targetPath.startsWith(src)) return;
  const top = (p) => p.slice(src.length).split(sep)[0].replace(SOURCE, '');
  const [a, b] = [top(file), top(targetPath)];
  if (a === b || a === 'index' || b === 'index') return;
  const graph = folderEdges.get(pkg.name) ?? new Map();
  folderEdges.set(pkg.name, graph);
  if (!graph.has(a)) graph.set(a, new Set());
  if (!graph.has(b)) graph.set(b, new Set());
  graph.get(a).add(b);
}

/** Strongly connected components with more than one node (Tarjan), each as a list of nodes. */
export function cycles(graph) {
  let index = 0;
  const stack = [];
  const info = new Map();
  const found = [];
  const visit = (v) => {
    info.set(v, { index, low: index, onStack: true });
    index++;
    stack.push(v);
    for (const w of graph.get(v) ?? []) {
      if (!info.has(w)) {
        visit(w);
        info.get(v).low = Math.min(info.get(v).low, info.get(w).low);
      } else if (info.get(w).onStack) info.get(v).low = Math.min(info.get(v).low, info.get(w).index);
    }
    if (info.get(v).low === info.get(v).index) {
      const component = [];
      let w;
      do {
        w = stack.pop();
        info.get(w).onStack = false;
        component.push(w);
      } while (w !== v);
      if (component.length > 1) found.push(component.reverse());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!info.has(v)) visit(v);
  return found;
}

const listOf = (may) => (may.length === 0 ? 'itself' : may.join(', '));

/** The package graph as text: one line per package, its production edges, then test-only ones. */
export function formatGraph({ packages, edges }) {
  const width = Math.max(...packages.map((p) => p.name.length));
  return packages
    .map((p) => {
      const out = [...edges].filter(([key]) => key.startsWith(`${p.name}\0`));
      const fmt = (list) => list.map(([key, e]) => `${key.split('\0')[1]} (${e.count})`).join(', ');
      const prod = out.filter(([, e]) => !e.testOnly);
      const tests = out.filter(([, e]) => e.testOnly);
      const line = `${p.name.padEnd(width)} -> ${prod.length ? fmt(prod) : '(nothing)'}`;
      return tests.length ? `${line}; tests only: ${fmt(tests)}` : line;
    })
    .join('\n');
}
