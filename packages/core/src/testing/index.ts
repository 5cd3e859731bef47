// Test support of core, for its own tests and for other packages' tests and benchmarks
// (`@markwright/core/testing`): IR builders, documents, the dual-WAN router, random boxes, and fast-check arbitraries of nft rules.
export * from './documents';
export * from './dual-wan';
export * from './ir-builders';
export * from './nft-ir-arbitrary';
export * from './nft-random-rules';
export * from './random-box';
