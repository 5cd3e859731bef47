export * from './consumers';
export * from './interim-parse';
export * from './probe';
export * from './versions';
