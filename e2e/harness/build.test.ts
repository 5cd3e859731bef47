import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir, removeTempDir } from '@markwright/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { rebuildStale } from './build';

describe('rebuilding the bundles the flows drive', () => {
  const dir = makeTempDir('build');
  afterAll(() => removeTempDir(dir));
  const source = join(dir, 'src/app.ts');
  const output = join(dir, 'dist/app.js');
  mkdirSync(join(dir, 'src'));
  mkdirSync(join(dir, 'dist'));
  writeFileSync(source, 'export {};\n');
  writeFileSync(output, '// an older bundle\n');
  utimesSync(output, new Date(2000, 0, 1), new Date(2000, 0, 1));
  const bundle = { dir, outputs: [output], sources: [join(dir, 'src')] };

  it('fails when the rebuild of a stale bundle fails, even though an older bundle exists', () => {
    writeFileSync(join(dir, 'build.mjs'), "console.error('syntax error in app.ts'); process.exit(3);\n");
    expect(() => rebuildStale([bundle])).toThrow(/failed \(3\): syntax error in app\.ts/);
  });

  it('rebuilds a stale bundle and leaves a fresh one alone', () => {
    writeFileSync(
      join(dir, 'build.mjs'),
      "import { writeFileSync } from 'node:fs'; writeFileSync('dist/app.js', '// rebuilt\\n');\n",
    );
    expect(() => rebuildStale([bundle])).not.toThrow();
    writeFileSync(join(dir, 'build.mjs'), 'process.exit(1);\n');
    expect(() => rebuildStale([bundle])).not.toThrow();
  });
});
