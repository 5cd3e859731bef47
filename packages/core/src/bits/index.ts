export * from './algebra';
export * from './algebra-types';
export * from './masked-value';
export * from './u32';
