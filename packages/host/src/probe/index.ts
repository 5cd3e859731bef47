export * from './consumers';
export * from './probe';
export * from './versions';
