export * from './envelope';
export * from './http-client';
export * from './methods';
export * from './schema';
export * from './types';
