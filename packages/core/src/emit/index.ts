export * from './describe-rule';
export * from './iproute/index';
export * from './iptables/index';
export * from './nft/index';
export * from './rule-text';
export * from './tc/index';
