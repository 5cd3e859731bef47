export * from './check';
export * from './json-text';
export * from './parse-secmarks';
export * from './serialize';
export * from './types';
