export * from './address';
export * from './cidr';
export * from './conntrack';
export * from './interface';
export * from './names';
export * from './protocols';
export * from './services';
export * from './tc-handle';
