export * from './security';
export * from './server';
export * from './static';
