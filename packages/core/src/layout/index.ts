export * from './allocate';
export * from './encode';
export * from './field-values';
export * from './types';
export * from './validate';
