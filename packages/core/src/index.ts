export * from './bits/index';
export * from './document/index';
export * from './ir/index';
export * from './layout/index';
export * from './net/index';
export * from './ownership/index';
export * from './reports/index';
export * from './reservations/index';
