export * from './deploy';
export * from './types';
