export { type Addr, cidrTest, parseAddr, tryParseAddr } from './address';
export { Conntrack, type CtEntry } from './conntrack';
export { type SimPacket, toSimPacket } from './packet';
export { ipRuleText, type RouteDecision, Router, tableName } from './routing';
export { type SimulateOptions, Simulator, type SimulatorOptions, simulate } from './simulate';
export { tcFilterText } from './tc';
export { formatTrace } from './trace-text';
