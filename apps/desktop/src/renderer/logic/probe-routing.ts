// A probed box's routes written back as `ip -j route show table all` prints them, so the simulator can route
// packets the way that box would.

import type { Route } from '@markwright/core';

export function routesToIpJson(routes: readonly Route[]): string {
  return JSON.stringify(
    routes.map((r) => {
      const o: Record<string, unknown> = {
        dst: r.dst.prefix === 0 ? 'default' : `${r.dst.address}/${r.dst.prefix}`,
      };
      if (r.type !== 'unicast') o.type = r.type;
      if (r.gateway !== undefined) o.gateway = r.gateway;
      if (r.dev !== undefined) o.dev = r.dev;
      if (r.table !== 'main') o.table = r.table;
      if (r.metric !== undefined) o.metric = r.metric;
      if (r.prefsrc !== undefined) o.prefsrc = r.prefsrc;
      if (r.protocol !== undefined) o.protocol = r.protocol;
      if (r.scope !== undefined) o.scope = r.scope;
      return o;
    }),
  );
}
