export * from './environment';
export * from './input';
export * from './report';
export * from './printable';
