import { defineConfig } from 'vitest/config';

// Flows drive one browser or Electron app each and share kernel namespaces per spec: run files one at a time.
export default defineConfig({
  test: {
    include: ['flows/**/*.spec.ts'],
    passWithNoTests: true,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
