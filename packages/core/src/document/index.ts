export * from './check';
export * from './json-text';
export { RESERVED_TABLES, ROUTE_PRIORITY_MAX, ROUTE_PRIORITY_MIN } from './parse-routes';
export * from './parse-secmarks';
export * from './route-families';
export * from './serialize';
export * from './types';
