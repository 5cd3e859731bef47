export * from './envelope';
export * from './http-client';
export * from './methods';
export * from './names';
export * from './schema';
export * from './types';
