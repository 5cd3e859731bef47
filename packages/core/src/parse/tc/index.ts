export { parseTcFiltersJson } from './filters';
