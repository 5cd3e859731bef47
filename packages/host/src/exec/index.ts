export * from './elevation';
export * from './errors';
export * from './fake-runner';
export * from './open';
export * from './runner';
export * from './target';
