// Which package may import which: dependencies point one way, core <- host <- app-backend <- apps/*.
// A new package is one line here. Test files (*.test.ts, *.spec.ts, testing/ folders) may also import
// @markwright/testkit and Node modules; nothing but e2e/ and bench/ (`may: '*'`) imports from apps/. A package
// reaches another only by its name (test support by its `testing` entry point), never by a relative path.

/** @type {Record<string, { may: readonly string[] | '*', node?: boolean, testSupport?: boolean }>} */
export const PACKAGES = {
  '@markwright/core': { may: [], node: false },
  '@markwright/api': { may: ['@markwright/core'], node: false },
  '@markwright/host': { may: ['@markwright/core'] },
  '@markwright/app-backend': { may: ['@markwright/core', '@markwright/api', '@markwright/host'] },
  // `simulate --verify` builds its scratch box with testkit's netns module, the one place namespaces are made.
  '@markwright/cli': {
    may: [
      '@markwright/core',
      '@markwright/api',
      '@markwright/host',
      '@markwright/app-backend',
      '@markwright/testkit',
    ],
  },
  '@markwright/desktop': { may: ['@markwright/core', '@markwright/api', '@markwright/app-backend'] },
  '@markwright/testkit': { may: ['@markwright/core', '@markwright/host'], testSupport: true },
  '@markwright/e2e': { may: '*' },
  '@markwright/bench': { may: '*' },
};

/** Folders with stricter rules than their package (paths relative to the repository root). */
export const FOLDERS = [
  {
    dir: 'apps/desktop/src/renderer',
    may: ['@markwright/core', '@markwright/api'],
    node: false,
    external: { forbid: ['electron', 'better-sqlite3'] },
    why: 'the renderer runs in the browser and reaches the backend only through the API',
  },
];

/**
 * Cycles between the top-level folders of one package that are known, each with its reason. The check fails
 * on any other cycle, and on an entry here that no longer occurs (so the list only shrinks).
 */
export const ALLOWED_FOLDER_CYCLES = [];
