export * from './address';
export * from './names';
export * from './protocols';
export * from './services';
