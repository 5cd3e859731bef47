export * from './match-kinds';
export * from './statements';
export * from './types';
