export * from './strict-json';
