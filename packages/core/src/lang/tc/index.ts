export { parseTcFiltersJson } from './filters';
export * from './language';
export * from './print';
