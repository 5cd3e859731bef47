export * from './owned-loads';
export * from './ownership';
export * from './replace-script';
