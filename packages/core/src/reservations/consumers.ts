import { HOST_CONSUMERS } from './consumers-hosts';
import { KUBERNETES_CONSUMERS } from './consumers-kubernetes';
import { LABEL_CONSUMERS } from './consumers-labels';
import { CLUSTER_ADDON_CONSUMERS, ROUTER_CONSUMERS } from './consumers-routers';
import { VPN_CONSUMERS } from './consumers-vpn';
import type { KnownConsumer } from './types';

/** Every known consumer of mark bits (marks-facts.md section B), in table order by group. */
export const KNOWN_CONSUMERS: readonly KnownConsumer[] = [
  ...KUBERNETES_CONSUMERS,
  ...CLUSTER_ADDON_CONSUMERS,
  ...VPN_CONSUMERS,
  ...HOST_CONSUMERS,
  ...ROUTER_CONSUMERS,
  ...LABEL_CONSUMERS,
];

export function findConsumer(id: string): KnownConsumer | undefined {
  return KNOWN_CONSUMERS.find((c) => c.id === id);
}
