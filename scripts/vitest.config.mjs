import { defineConfig } from 'vitest/config';

// The tests of the repository's scripts; fixtures/ holds projects those tests run, never run directly.
export default defineConfig({ test: { include: ['*.test.mjs'], testTimeout: 120_000 } });
