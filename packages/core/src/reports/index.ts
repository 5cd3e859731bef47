export * from './deploy';
export * from './layouts';
export * from './observe';
export * from './types';
export * from './verify';
