export * from './envelope';
export * from './http-client';
export * from './schema';
export * from './types';
