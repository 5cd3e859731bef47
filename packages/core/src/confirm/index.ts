export { compareOutcome, outcomeOf } from './compare';
export {
  DEFAULT_DESTINATION,
  DEFAULT_DPORT,
  firstPort,
  hostInPrefix,
  type ProbePlan,
  probePackets,
} from './probe-packets';
export { buildVerification, expectedOutcomes, formatVerification, type SentProbe } from './verification';
