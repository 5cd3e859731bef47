import type { Reader } from './reader';
import type { Coexistence } from './types';

const REASON_MAX = 512;

const CONSUMER_ID = /^[a-z0-9][a-z0-9-]{0,63}$/;

/**
 * `coexists`: a list of `{consumer, reason}`; each consumer an id (checked against the known consumers by
 * `checkReport`), named once, with a non-empty reason.
 */
export function readCoexists(r: Reader, raw: unknown): Coexistence[] | undefined {
  const list = r.array(raw, 'coexists');
  if (!list) return undefined;
  const out: Coexistence[] = [];
  const seen = new Set<string>();
  list.forEach((item, i) => {
    const path = `coexists[${i}]`;
    const obj = r.object(item, path, ['consumer', 'reason']);
    if (!obj) return;
    const consumer = r.string(obj.consumer, `${path}.consumer`, 64);
    const reason = r.string(obj.reason, `${path}.reason`, REASON_MAX);
    if (consumer === undefined || reason === undefined) return;
    if (!CONSUMER_ID.test(consumer)) {
      r.fail(`${path}.consumer`, consumer, 'must be a consumer id such as "tailscale"');
      return;
    }
    if (seen.has(consumer)) {
      r.fail(`${path}.consumer`, consumer, 'is acknowledged twice');
      return;
    }
    if (reason.trim() === '') {
      r.fail(`${path}.reason`, reason, 'must say why the two can share the box');
      return;
    }
    seen.add(consumer);
    out.push({ consumer, reason });
  });
  return out;
}
