export * from './check-report';
export * from './conflicts';
export * from './consumers';
export * from './detect';
export * from './explain';
export * from './route-conflicts';
export * from './types';
