export * from './consumers';
export * from './hazards';
export * from './probe';
export * from './versions';
