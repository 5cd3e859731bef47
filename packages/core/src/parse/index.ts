export * from '../lang/iproute/index';
export * from '../lang/iptables/index';
export * from '../lang/nft/index';
export * from '../lang/tc/index';
export * from './detect';
