export * from './algebra';
export * from './algebra-types';
export * from './errors';
export * from './masked-value';
export * from './u32';
