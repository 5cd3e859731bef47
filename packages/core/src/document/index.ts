export * from './check';
export * from './json-text';
export * from './serialize';
export * from './types';
