export * from './environment';
export * from './input';
export * from './printable';
export * from './report';
