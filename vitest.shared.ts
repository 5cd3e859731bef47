import { defineConfig } from 'vitest/config';

/** Every package's unit and kernel tests: files beside the code, time for kernel namespaces to come up. */
export const packageTestConfig = defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    passWithNoTests: true,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
