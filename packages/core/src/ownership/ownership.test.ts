import { describe, expect, it } from 'vitest';
import { compileOwned } from '../compile/owned';
import { EDGE } from '../testing/documents';
import { DEFAULT_OWNERSHIP } from './ownership';
import { digestOf, replaceScript } from './replace-script';

describe('ownership', () => {
  it('replaces only the named table, tagged with the digest of its body', () => {
    const body = 'table inet mw {\n\tchain c {\n\t}\n}\n';
    const script = replaceScript(body, 'mw');
    expect(script.startsWith('add table inet mw\ndelete table inet mw\ntable inet mw {\n')).toBe(true);
    expect(script).toContain(`{ 0x${digestOf(body).toString(16).padStart(8, '0')} }`);
    expect(replaceScript('', 'mw')).toBe('add table inet mw\ndelete table inet mw\n');
  });

  it('compiles class bindings without a priority into the owned tc range and refuses routes outside it', () => {
    const doc = EDGE;
    const { loads } = compileOwned(doc);
    expect(loads.tcFilters[0]).toContain(` prio ${DEFAULT_OWNERSHIP.tcPriorities[0]} `);
    expect(loads.ipRules.v4).toEqual([
      'priority 10002 from all fwmark 0x2000000/0x3000000 lookup 100 proto 77',
      'priority 10001 from all fwmark 0x1000000/0x3000000 lookup main proto 77',
    ]);
    expect(() => compileOwned(doc, { ...DEFAULT_OWNERSHIP, ipRulePriorities: [20000, 20999] })).toThrow(
      "policy.routes[0].priority: must be within Markwright's ip rule range 20000..20999 (got 10002)",
    );
  });
});
