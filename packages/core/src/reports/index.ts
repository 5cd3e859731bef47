export * from './confirm';
export * from './deploy';
export * from './errors';
export * from './layouts';
export * from './observe';
export * from './ssh-hosts';
export * from './types';
export * from './verify';
