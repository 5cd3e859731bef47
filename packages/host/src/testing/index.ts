// Test support for packages that drive the host: foreign state on a router, a sample document, a fake kernel,
// and the revert watchdog bundled for tests that run deploy verbs as processes.
export * from './fake-kernel';
export * from './foreign';
export * from './helper-bundle';
export * from './hostile-args';
export * from './sample-doc';
export * from './watchdog-bundle';
