import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

// The import rules of docs/architecture.md on small trees written here, and on the repository itself.
const script = join(import.meta.dirname, 'check-imports.mjs');
const dirs = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const PACKAGES = {
  'packages/core': '@markwright/core',
  'packages/api': '@markwright/api',
  'packages/host': '@markwright/host',
  'packages/app-backend': '@markwright/app-backend',
  'packages/testkit': '@markwright/testkit',
  'apps/cli': '@markwright/cli',
  'apps/desktop': '@markwright/desktop',
};

/** A workspace with every package and a clean set of imports, plus `extra` files (path -> source). */
function tree(extra = {}) {
  const root = mkdtempSync(join(tmpdir(), 'mw-imports-'));
  dirs.push(root);
  const files = {
    'packages/core/src/bits/u32.ts': 'export const u32 = (n: number): number => n >>> 0;\n',
    'packages/core/src/layout/encode.ts': "import { u32 } from '../bits/u32';\nexport const encode = u32;\n",
    'packages/core/src/layout/encode.test.ts':
      "import { readFileSync } from 'node:fs';\nimport { Netns } from '@markwright/testkit';\n",
    'packages/host/src/exec/run.ts':
      "import { spawnSync } from 'node:child_process';\nimport { u32 } from '@markwright/core';\n",
    'packages/app-backend/src/service.ts':
      "import { run } from '@markwright/host';\nimport type { Api } from '@markwright/api';\n",
    'apps/cli/src/main.ts': "import { createBackend } from '@markwright/app-backend';\n",
    'apps/desktop/src/renderer/app.ts':
      "import { encode } from '@markwright/core';\nimport { client } from '@markwright/api';\n",
    'apps/desktop/src/main/main.ts':
      "import { app } from 'electron';\nimport { service } from '@markwright/app-backend';\n",
    ...extra,
  };
  for (const [dir, name] of Object.entries(PACKAGES)) {
    mkdirSync(join(root, dir), { recursive: true });
    writeFileSync(join(root, dir, 'package.json'), JSON.stringify({ name }));
  }
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

function check(root) {
  const run = spawnSync(process.execPath, [script, root], { encoding: 'utf8' });
  return { code: run.status, out: run.stdout + run.stderr };
}

describe('scripts/check-imports.mjs', () => {
  it('passes a tree that keeps the rules and prints its package graph', () => {
    const r = check(tree());
    expect(r.out).toContain('imports: ok');
    expect(r.out).toMatch(/@markwright\/host +-> @markwright\/core \(1\)/);
    expect(r.out).toMatch(/@markwright\/core +-> \(nothing\); tests only: @markwright\/testkit \(1\)/);
    expect(r.code).toBe(0);
  });

  it.each([
    [
      'core imports a Node module',
      { 'packages/core/src/bits/io.ts': "import { readFileSync } from 'node:fs';\n" },
      /packages\/core\/src\/bits\/io\.ts:1: imports node:fs: @markwright\/core may not use Node modules/,
    ],
    [
      'core imports host',
      { 'packages/core/src/bits/x.ts': "\n\nimport { run } from '@markwright/host';\n" },
      /packages\/core\/src\/bits\/x\.ts:3: imports @markwright\/host: @markwright\/core may import only itself/,
    ],
    [
      'core imports a type from outside core',
      { 'packages/core/src/bits/t.ts': "import type { Backend } from '@markwright/app-backend';\n" },
      /t\.ts:1: imports @markwright\/app-backend/,
    ],
    [
      'the renderer imports host',
      { 'apps/desktop/src/renderer/x.ts': "import { probe } from '@markwright/host';\n" },
      /renderer\/x\.ts:1: imports @markwright\/host: apps\/desktop\/src\/renderer may import only @markwright\/core, @markwright\/api/,
    ],
    [
      'the renderer imports app-backend',
      { 'apps/desktop/src/renderer/x.ts': "import { service } from '@markwright/app-backend';\n" },
      /renderer\/x\.ts:1: imports @markwright\/app-backend/,
    ],
    [
      'the renderer imports a Node module',
      { 'apps/desktop/src/renderer/x.ts': "const fs = await import('node:fs');\n" },
      /renderer\/x\.ts:1: imports node:fs: apps\/desktop\/src\/renderer may not use Node modules/,
    ],
    [
      'a package imports from apps/ by path',
      { 'packages/host/src/testing/entry.ts': "import * as verbs from '../../../../apps/cli/src/main';\n" },
      /entry\.ts:1: imports \.\.\/\.\.\/\.\.\/\.\.\/apps\/cli\/src\/main: reaches into apps\/cli by path/,
    ],
    [
      'host depends on app-backend (against the direction)',
      { 'packages/host/src/x.ts': "export { service } from '@markwright/app-backend';\n" },
      /host\/src\/x\.ts:1: imports @markwright\/app-backend: @markwright\/host may import only @markwright\/core/,
    ],
    [
      'one app imports the other',
      { 'apps/cli/src/serve.ts': "import { x } from '@markwright/desktop';\n" },
      /imports @markwright\/desktop: nothing imports from apps\//,
    ],
    [
      'production code imports testkit',
      { 'packages/host/src/y.ts': "import { Netns } from '@markwright/testkit';\n" },
      /host\/src\/y\.ts:1: imports @markwright\/testkit/,
    ],
    [
      'two folders of a package import each other',
      { 'packages/core/src/bits/z.ts': "import { encode } from '../layout/encode';\n" },
      /folder cycle in @markwright\/core: (bits\/ -> layout\/ -> bits\/|layout\/ -> bits\/ -> layout\/)/,
    ],
    [
      'a package nobody wrote a rule for',
      { 'packages/extra/package.json': '{"name":"@markwright/extra"}' },
      /package @markwright\/extra has no line in scripts\/import-rules\.mjs/,
    ],
  ])('fails when %s', (_what, extra, message) => {
    const r = check(tree(extra));
    expect(r.out).toMatch(message);
    expect(r.out).toMatch(/imports: \d+ broken rule/);
    expect(r.code).toBe(1);
  });

  it('passes on this repository', () => {
    const r = check(join(import.meta.dirname, '..'));
    expect(r.out).toContain('imports: ok');
    expect(r.code).toBe(0);
  });
});
