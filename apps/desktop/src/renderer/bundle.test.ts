import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const entry = fileURLToPath(new URL('./main.ts', import.meta.url));

describe('the renderer bundle', () => {
  it('carries the API contract without its zod schemas (those validate on the backend side)', async () => {
    const out = await build({
      entryPoints: [entry],
      bundle: true,
      write: false,
      platform: 'browser',
      format: 'esm',
      target: 'chrome120',
      minify: true,
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(out.metafile.inputs);
    expect(inputs.filter((f) => f.includes('node_modules/zod') || f.includes('/.pnpm/zod@'))).toEqual([]);
    expect(inputs.some((f) => f.includes('packages/api/src/names.ts'))).toBe(true);
    expect(inputs.filter((f) => f.startsWith('node:') || f.includes('packages/host/'))).toEqual([]);
  });
});
