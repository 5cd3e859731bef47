export * from './client';
export * from './dirs';
export * from './protocol';
export * from './server';
export * from './verbs';
