import { defineConfig } from 'vitest/config';

// Flows drive one browser or Electron app each and make kernel namespaces: run the files one at a time.
// The global set-up rebuilds any shipped bundle older than its sources, so the flows never drive a stale app.
export default defineConfig({
  test: {
    include: ['flows/**/*.spec.ts', 'harness/**/*.test.ts'],
    globalSetup: ['harness/build.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
