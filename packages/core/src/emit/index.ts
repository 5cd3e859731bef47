export * from '../lang/iproute/print';
export * from '../lang/iptables/print';
export * from '../lang/nft/print';
export * from '../lang/tc/print';
export * from './describe-rule';
export * from './rule-text';
