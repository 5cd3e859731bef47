export * from './detect';
export * from './iproute/index';
export * from './iptables/index';
export * from './nft/index';
export * from './tc/index';
