export * from './deploy';
export * from './observe';
export * from './types';
