// Routes in the tables a document owns, in the one line form deploy adds, deletes, reads back and stores:
// `[TYPE] DST [via GW] [dev DEV] table T proto P metric M [src S]` (the words after `ip -4|-6 route add`).
import type { Route } from '../ir/types';
import type { OwnedRoutes } from '../reports/deploy';

export const NO_OWNED_ROUTES: OwnedRoutes = { tables: [], v4: [], v6: [] };

/** Tables no document may own: unspecified, and the kernel's default, main and local. */
const KERNEL_TABLES = new Set([0, 253, 254, 255]);
/** Route types that have no device (IPv6 lists them on `lo`). */
const DEVICELESS = new Set(['blackhole', 'unreachable', 'prohibit', 'throw']);
const TYPES = new Set(['unicast', 'local', 'broadcast', 'anycast', ...DEVICELESS]);

/** IPv6 routes added without a metric get 1024; IPv4 ones 0 (what `ip -j route` then leaves out). */
const metricOf = (r: Route): number => r.metric ?? (r.family === 6 ? 1024 : 0);

/** One owned route as a line; the same route read back from the kernel gives the same line. */
export function formatOwnedRoute(r: Route): string {
  const w: string[] = r.type === 'unicast' ? [] : [r.type];
  w.push(r.dst.prefix === 0 ? 'default' : `${r.dst.address}/${r.dst.prefix}`);
  if (r.gateway !== undefined) w.push('via', r.gateway);
  if (r.dev !== undefined && !DEVICELESS.has(r.type)) w.push('dev', r.dev);
  w.push('table', r.table, 'proto', r.protocol ?? '0', 'metric', String(metricOf(r)));
  if (r.prefsrc !== undefined) w.push('src', r.prefsrc);
  return w.join(' ');
}

/** Owned routes of a list, as lines per family. */
export function ownedRouteLines(routes: readonly Route[], tables: readonly number[]): OwnedRoutes {
  const line = (family: 4 | 6) => routes.filter((r) => r.family === family).map(formatOwnedRoute);
  return { tables: [...tables], v4: line(4), v6: line(6) };
}

const ADDRESS = /^[0-9A-Fa-f:.]{2,45}$/;
const DST = /^(default|[0-9A-Fa-f:.]{2,45}\/\d{1,3})$/;
const DEV = /^[^/\s:'"\\#]{1,15}$/;

/**
 * Why a line is not an owned route Markwright may write (null when it is one): plain words in the form above,
 * our protocol, and a table the document owns. Checked by the side that runs `ip route` with privilege.
 */
export function ownedRouteProblem(line: unknown, tables: readonly number[], protocol: number): string | null {
  if (typeof line !== 'string') return 'must be a route line';
  const w = line.split(' ');
  let i = 0;
  if (TYPES.has(w[i] ?? '') && w[i] !== 'unicast') i++;
  const type = i === 1 ? w[0]! : 'unicast';
  if (!DST.test(w[i] ?? '')) return `must name its destination as "default" or ADDRESS/PREFIX (got ${w[i]})`;
  i++;
  if (w[i] === 'via') {
    if (!ADDRESS.test(w[i + 1] ?? '')) return 'via must be followed by an address';
    i += 2;
  }
  if (w[i] === 'dev') {
    if (!DEV.test(w[i + 1] ?? '') || DEVICELESS.has(type)) return 'dev must be followed by an interface name';
    i += 2;
  }
  if (w[i] !== 'table' || !/^\d{1,10}$/.test(w[i + 1] ?? '')) return 'must name its table by number';
  const table = Number(w[i + 1]);
  if (KERNEL_TABLES.has(table) || !tables.includes(table))
    return `table ${table} is not a table the document owns (${tables.join(', ') || 'none'})`;
  i += 2;
  if (w[i] !== 'proto' || w[i + 1] !== String(protocol))
    return `must carry Markwright's protocol (proto ${protocol})`;
  i += 2;
  if (w[i] !== 'metric' || !/^\d{1,10}$/.test(w[i + 1] ?? '')) return 'must give its metric';
  i += 2;
  if (w[i] === 'src') {
    if (!ADDRESS.test(w[i + 1] ?? '')) return 'src must be followed by an address';
    i += 2;
  }
  if (i !== w.length) return `has unexpected words (${w.slice(i).join(' ')})`;
  return null;
}

/** The table number of a line `ownedRouteProblem` accepted. */
export const ownedRouteTable = (line: string): number => Number(/ table (\d+) /.exec(line)?.[1]);
