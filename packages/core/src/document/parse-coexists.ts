import { KNOWN_CONSUMERS } from '../reservations/consumers';
import type { Reader } from './reader';
import type { Coexistence } from './types';

const REASON_MAX = 512;

/** `coexists`: a list of `{consumer, reason}`; each consumer a known id, named once, with a non-empty reason. */
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
    if (!KNOWN_CONSUMERS.some((c) => c.id === consumer)) {
      const known = KNOWN_CONSUMERS.map((c) => c.id).join(', ');
      r.fail(`${path}.consumer`, consumer, `is not a known consumer id (known: ${known})`);
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
