// The privileged helper's protocol: one JSON object per line on stdin and stdout. The helper reads every request
// as untrusted data and validates it again here, whatever the caller checked already.

import { type ErrorShape, InputError } from '@markwright/core';
import { parseTarget } from '../exec/target';

/** The only verbs the helper runs: the ones that need CAP_NET_ADMIN or the root-owned state folder. */
export const HELPER_VERBS = [
  'probe',
  'plan',
  'apply',
  'confirm',
  'rollback',
  'status',
  'history',
  'uninstall',
  'impact',
  'trace',
] as const;
export type HelperVerb = (typeof HELPER_VERBS)[number];

export interface HelperRequest {
  readonly id: number;
  readonly verb: HelperVerb;
  /** `local` or `netns:NAME`. */
  readonly target: string;
  /** plan and apply: the `markwright/1` document as JSON text. */
  readonly document?: string;
  /** plan and apply: where the document came from, recorded in the history (never opened by the helper). */
  readonly documentPath?: string;
  /** apply: seconds until an unconfirmed deployment reverts (0 = none). */
  readonly confirmTimeout?: number;
  /** Every verb but probe: `LO-HI`, the ip rule priorities Markwright owns on the target. */
  readonly rulePriorities?: string;
  /** rollback: the deployment to go back to. */
  readonly to?: string;
  /**
   * apply and rollback: check the live box after the change (one test packet per policy rule); kept when it does
   * what the document says, reverted at once otherwise (`--confirm-when-verified`).
   */
  readonly verify?: boolean;
  /** trace: the nft match of the packets to trace (checked again by the trace: tests only). */
  readonly match?: string;
  /** trace: how long to wait for a matching packet, 1..120 seconds. */
  readonly seconds?: number;
}

export type HelperResponse =
  | { readonly id: number; readonly ok: true; readonly result: unknown }
  | { readonly id: number; readonly ok: false; readonly error: ErrorShape };

/** The first line the helper prints once it runs as root with its folders checked. */
export interface HelperHello {
  readonly hello: 'markwright-helper';
  readonly protocol: 1;
}

export const HELPER_HELLO: HelperHello = { hello: 'markwright-helper', protocol: 1 };

/** Longest request line the helper reads (a document is a few kilobytes; this bounds memory, not documents). */
export const MAX_REQUEST_BYTES = 4 * 1024 * 1024;
const MAX_DOCUMENT_CHARS = 2 * 1024 * 1024;
const DEPLOYMENT_ID = /^[A-Za-z0-9_.:-]{1,80}$/;

// Every verb that touches owned state takes the ip rule range Markwright owns on the target.
const FIELDS: Record<HelperVerb, readonly string[]> = {
  probe: [],
  plan: ['document', 'documentPath', 'rulePriorities'],
  apply: ['document', 'documentPath', 'rulePriorities', 'confirmTimeout', 'verify'],
  confirm: ['rulePriorities'],
  rollback: ['to', 'rulePriorities', 'verify'],
  status: ['rulePriorities'],
  history: ['rulePriorities'],
  uninstall: ['rulePriorities'],
  impact: ['document', 'documentPath', 'rulePriorities'],
  trace: ['match', 'seconds', 'document', 'documentPath'],
};

function isVerb(value: unknown): value is HelperVerb {
  return typeof value === 'string' && (HELPER_VERBS as readonly string[]).includes(value);
}

function text(field: string, value: unknown, max: number): string {
  if (typeof value !== 'string') throw new InputError(field, value, 'must be a string');
  if (value.length > max)
    throw new InputError(field, `${value.slice(0, 40)}...`, `is longer than ${max} characters`);
  return value;
}

/** Check one decoded request line; anything unexpected is refused naming the field. */
export function parseRequest(value: unknown): HelperRequest {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new InputError('request', value, 'must be a JSON object');
  const raw = value as Record<string, unknown>;
  if (!Number.isSafeInteger(raw.id) || (raw.id as number) < 0)
    throw new InputError('id', raw.id, 'must be a non-negative integer');
  if (!isVerb(raw.verb)) throw new InputError('verb', raw.verb, `must be one of ${HELPER_VERBS.join(', ')}`);
  const verb = raw.verb;
  const allowed = new Set(['id', 'verb', 'target', ...FIELDS[verb]]);
  for (const key of Object.keys(raw)) {
    if (!allowed.has(key)) throw new InputError(key, raw[key], `is not accepted by ${verb}`);
  }
  parseTarget(text('target', raw.target, 80));
  const request: { -readonly [K in keyof HelperRequest]: HelperRequest[K] } = {
    id: raw.id as number,
    verb,
    target: raw.target as string,
  };
  if (
    verb === 'plan' ||
    verb === 'apply' ||
    verb === 'impact' ||
    (verb === 'trace' && raw.document !== undefined)
  ) {
    request.document = text('document', raw.document, MAX_DOCUMENT_CHARS);
    if (raw.documentPath !== undefined) {
      const path = text('documentPath', raw.documentPath, 4096);
      // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
      if (/[\u0000-\u001f\u007f]/.test(path))
        throw new InputError('documentPath', path, 'has control characters');
      request.documentPath = path;
    }
  }
  if (raw.rulePriorities !== undefined)
    request.rulePriorities = text('rulePriorities', raw.rulePriorities, 11);
  if (verb === 'apply') {
    const t = raw.confirmTimeout ?? 60;
    if (!Number.isInteger(t) || (t as number) < 0 || (t as number) > 86_400)
      throw new InputError('confirmTimeout', t, 'must be whole seconds 0..86400');
    request.confirmTimeout = t as number;
  }
  if (verb === 'trace') {
    request.match = text('match', raw.match, 400);
    const t = raw.seconds ?? 30;
    if (!Number.isInteger(t) || (t as number) < 1 || (t as number) > 120)
      throw new InputError('seconds', t, 'must be whole seconds 1..120');
    request.seconds = t as number;
  }
  if ((verb === 'apply' || verb === 'rollback') && raw.verify !== undefined) {
    if (typeof raw.verify !== 'boolean') throw new InputError('verify', raw.verify, 'must be true or false');
    request.verify = raw.verify;
  }
  if (verb === 'rollback' && raw.to !== undefined) {
    const to = text('to', raw.to, 80);
    if (!DEPLOYMENT_ID.test(to)) throw new InputError('to', to, 'is not a deployment id');
    request.to = to;
  }
  return request;
}
