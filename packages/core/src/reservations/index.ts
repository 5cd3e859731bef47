export * from './check-report';
export * from './conflicts';
export * from './consumers';
export * from './explain';
export * from './types';
