export * from './errors';
export * from './migrations';
export * from './open';
export * from './paths';
export * from './ssh-hosts';
export * from './store';
