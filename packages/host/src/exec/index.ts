export * from './errors';
export * from './fake-runner';
export * from './open';
export * from './privilege';
export * from './runner';
export * from './target';
export * from './tool-path';
