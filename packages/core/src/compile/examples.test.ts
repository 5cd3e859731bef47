import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@markwright/testkit';
import { describe, expect, it } from 'vitest';
import { evaluateWrite } from '../bits/algebra';
import { u32 } from '../bits/u32';
import { parseDocument } from '../document/check';
import { layoutMask } from '../layout/encode';
import { compileDocument, compileIptablesRuleset } from './compile-document';
import { persistMask } from './field-bits';

const examplesDir = join(repoRoot, 'examples');
// The examples ship in the repository: none found is a failure, never a skip.
const files = readdirSync(examplesDir).filter((f) => f.endsWith('.json'));

describe('the shipped example documents compile', () => {
  it('finds the examples', () => {
    expect(files.length).toBeGreaterThan(0);
  });
  it.each(files)('%s', (file) => {
    const doc = parseDocument(JSON.parse(readFileSync(join(examplesDir, file), 'utf8')));
    const box = compileDocument(doc);
    const table = box.ruleset.tables[0]!;
    expect(table.chains.map((c) => c.name).slice(0, 2)).toEqual(['prerouting', 'output']);
    // Every policy rule shows up, under its name, in the chain of its hook.
    for (const rule of doc.policy.rules) {
      const chain = table.chains.find((c) => c.name === (rule.hook ?? 'prerouting'))!;
      expect(chain.rules.some((r) => r.comment === rule.name)).toBe(true);
    }
    const families = doc.policy.routes.map((r) => (r.family === undefined || r.family === 'both' ? 2 : 1));
    expect(box.ipRules).toHaveLength(families.reduce((a, b) => a + b, 0));
    expect(box.tcFilters).toHaveLength(doc.policy.classes.length);
    const allowed = {
      meta: layoutMask(doc.layout, 'fwmark'),
      ct: u32(layoutMask(doc.layout, 'connmark') | persistMask(doc.layout)),
    };
    const tables = [table, ...compileIptablesRuleset(doc).tables];
    for (const expr of tables.flatMap((t) => t.chains.flatMap((c) => c.rules.flatMap((r) => r.exprs)))) {
      if (expr.kind !== 'markWrite') continue;
      const changed = evaluateWrite(expr.write, { meta: 0xffffffff, ct: 0xffffffff }) ^ 0xffffffff;
      expect(u32(changed & ~allowed[expr.write.dst])).toBe(0);
    }
  });
});
