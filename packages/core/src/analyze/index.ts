export * from './bit-usage';
export * from './types';
