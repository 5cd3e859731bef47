export * from './match-kinds';
export * from './types';
