// Test support for the shells built on the backend: the contract suite every transport passes, a backend over an
// in-memory store with fake host and tools, and those fakes.
export * from './api-contract';
export * from './backend-fixture';
export * from './examples';
export * from './fake-host';
export * from './fake-tools';
