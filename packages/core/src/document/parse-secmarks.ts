import type { Field, SecmarkLabel } from '../layout/types';
import { nameProblem } from '../layout/validate';
import type { Reader } from './reader';

/** The key of a policy rule's `set` that names a label; no field may take this name. */
export const SECMARK_KEY = 'secmark';

/** nft limits object names and xt SECMARK limits `--selctx` to 256 bytes (SECMARK_SECCTX_MAX) with the NUL. */
const CONTEXT_MAX = 255;
const PART = '[A-Za-z0-9_.-]+';
/** `user:role:type` plus an optional MLS/MCS level such as `s0` or `s0-s0:c0.c1023`. */
const CONTEXT = new RegExp(`^${PART}:${PART}:${PART}(:[A-Za-z0-9_.,:-]+)?$`);

/** Why a context is not `user:role:type[:level]`, or null when it is. */
export function contextProblem(context: string): string | null {
  if (context.length > CONTEXT_MAX) return `is longer than ${CONTEXT_MAX} characters`;
  if (!CONTEXT.test(context))
    return 'must be a security context user:role:type[:level], e.g. "system_u:object_r:http_packet_t:s0"';
  return null;
}

function readLabel(r: Reader, raw: unknown, path: string): SecmarkLabel | undefined {
  const obj = r.object(raw, path, ['name', 'context', 'persist']);
  if (!obj) return undefined;
  let name = r.string(obj.name, `${path}.name`, 200);
  const nameIssue = name === undefined ? null : nameProblem(name);
  if (nameIssue) name = r.fail(`${path}.name`, name, `label name ${nameIssue}`);
  let context = r.string(obj.context, `${path}.context`, 1000);
  const contextIssue = context === undefined ? null : contextProblem(context);
  if (contextIssue) context = r.fail(`${path}.context`, context, contextIssue);
  const persist = obj.persist === undefined ? false : r.boolean(obj.persist, `${path}.persist`);
  if (name === undefined || context === undefined || persist === undefined) return undefined;
  return { name, context, persist };
}

/** Read `layout.secmarks`: each label checked, names unique and distinct from field names. */
export function readSecmarks(
  r: Reader,
  raw: unknown,
  fields: readonly Field[],
  path = 'layout.secmarks',
): SecmarkLabel[] {
  const list = r.array(raw, path);
  if (!list) return [];
  const labels: SecmarkLabel[] = [];
  const seen = new Map<string, number>();
  list.forEach((item, i) => {
    const at = `${path}[${i}]`;
    const label = readLabel(r, item, at);
    if (!label) return;
    if (seen.has(label.name)) {
      r.fail(`${at}.name`, label.name, `is already used by ${path}[${seen.get(label.name)}]`);
      return;
    }
    if (fields.some((f) => f.name === label.name)) {
      r.fail(`${at}.name`, label.name, 'is already the name of a field');
      return;
    }
    seen.set(label.name, i);
    labels.push(label);
  });
  return labels;
}
