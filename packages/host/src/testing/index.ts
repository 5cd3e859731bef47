// Test support for packages that drive the host: foreign state on a router, a sample document, a fake kernel,
// and the programs (watchdog, helper, any entry point) bundled for tests that run them as processes.
export * from './bundles';
export * from './fake-deploy';
export * from './fake-kernel';
export * from './foreign';
export * from './helper-bundle';
export * from './hostile-args';
export * from './sample-doc';
