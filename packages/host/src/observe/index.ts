export * from './conntrack-list';
export * from './impact';
export * from './impact-compute';
export * from './monitor-lines';
export * from './trace';
export * from './trace-guard';
export * from './trace-path';
export * from './trace-table';
