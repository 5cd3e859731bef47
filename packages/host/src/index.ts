export * from './confirm/index';
export * from './deploy/index';
export * from './exec/index';
export * from './helper/index';
export * from './observe/index';
export * from './probe/index';
export * from './remote/index';
export * from './types';
