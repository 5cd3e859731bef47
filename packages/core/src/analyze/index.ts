export * from './bit-usage';
export * from './describe-rule';
export * from './types';
