import { InputError } from '../bits/errors';
import type { CheckError } from '../reports/types';
import { readCoexists } from './parse-coexists';
import { DESCRIPTION_MAX, readLayout } from './parse-layout';
import { readPolicy } from './parse-policy';
import { Reader, ROOT } from './reader';
import { DOCUMENT_FORMAT, type MarkwrightDocument } from './types';

const DOCUMENT_KEYS = ['format', 'name', 'description', 'layout', 'policy', 'coexists'];

export interface DocumentCheck {
  /** The document when it has no errors, else null. */
  readonly document: MarkwrightDocument | null;
  readonly errors: CheckError[];
}

/** Validate a `markwright/1` document read from JSON, collecting every error. Never throws. */
export function checkDocument(json: unknown): DocumentCheck {
  const r = new Reader();
  try {
    const obj = r.object(json, ROOT, DOCUMENT_KEYS);
    if (!obj) return { document: null, errors: r.errors };
    if (obj.format !== DOCUMENT_FORMAT) {
      r.fail('format', obj.format, `must be "${DOCUMENT_FORMAT}"`);
    }
    const name = r.string(obj.name, 'name', 128);
    if (name !== undefined && name.trim() === '') r.fail('name', name, 'must not be empty');
    const description =
      obj.description === undefined ? undefined : r.string(obj.description, 'description', DESCRIPTION_MAX);
    const layout = readLayout(r, obj.layout);
    const policy = layout ? readPolicy(r, obj.policy, layout) : undefined;
    const coexists = obj.coexists === undefined ? undefined : readCoexists(r, obj.coexists);
    if (r.errors.length > 0 || !layout || !policy || name === undefined) {
      return { document: null, errors: r.errors };
    }
    const document: MarkwrightDocument = {
      format: DOCUMENT_FORMAT,
      name,
      ...(description !== undefined && { description }),
      layout,
      policy,
      ...(coexists && { coexists }),
    };
    return { document, errors: [] };
  } catch (error) {
    // Checking must never throw: an unforeseen shape is still reported as an error of the document.
    const message = error instanceof Error ? error.message : String(error);
    return {
      document: null,
      errors: [...r.errors, { field: 'document', message: `cannot be read: ${message}` }],
    };
  }
}

/** Validate and return the document, or throw an InputError naming the first problem's JSON path. */
export function parseDocument(json: unknown): MarkwrightDocument {
  const { document, errors } = checkDocument(json);
  if (document) return document;
  const first = errors[0] ?? { field: 'document', message: 'is not a valid document' };
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more problem(s))` : '';
  throw new DocumentError(first.field, json, `${first.message}${more}`, errors);
}

/** A document with problems: `errors` holds all of them; the message names the first. */
export class DocumentError extends InputError {
  constructor(
    field: string,
    value: unknown,
    detail: string,
    readonly errors: readonly CheckError[],
  ) {
    super(field, value, detail);
    // Each collected message already shows the value it refers to.
    this.message = `${field}: ${detail}`;
  }
}
