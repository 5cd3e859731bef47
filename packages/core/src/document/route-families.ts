import type { RouteBinding, TableRoute } from './types';

const prefixFamily = (text: string): 4 | 6 => (text.includes(':') ? 6 : 4);

/** The families a binding's ip rule is installed for: `family`, narrowed by the family of `from`/`to`. */
export function bindingFamilies(binding: Pick<RouteBinding, 'family' | 'from' | 'to'>): (4 | 6)[] {
  const prefix = binding.from ?? binding.to;
  if (prefix !== undefined) return [prefixFamily(prefix)];
  return binding.family === 4 ? [4] : binding.family === 6 ? [6] : [4, 6];
}

/**
 * The families one owned route is written for: the family its destination or gateway names, or every family
 * of its binding (`default dev wg0`, `default` blackhole).
 */
export function tableRouteFamilies(route: TableRoute, families: readonly (4 | 6)[]): (4 | 6)[] {
  if (route.to !== 'default') return [prefixFamily(route.to)];
  if (route.via !== undefined) return [prefixFamily(route.via)];
  return [...families];
}
