export * from './owned-loads';
export * from './owned-routes';
export * from './ownership';
export * from './replace-script';
