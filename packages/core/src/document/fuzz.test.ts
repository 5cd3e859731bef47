import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../bits/errors';
import { decodeMark, encodeFields } from '../layout/encode';
import { explainMark } from '../reservations/explain';
import { checkDocument, parseDocument } from './check';
import { serializeDocument } from './serialize';

const repoRoot = path.resolve(import.meta.dirname, '../../../..');
const examples = ['edge-router', 'k8s-node', 'wireguard-box'].map(
  (name) => JSON.parse(readFileSync(path.join(repoRoot, 'examples', `${name}.json`), 'utf8')) as unknown,
);

/** Replace the value at a pseudo-random place in a JSON tree with `replacement`. */
function mutate(tree: unknown, choices: readonly number[], replacement: unknown): unknown {
  const [choice, ...rest] = choices;
  if (choice === undefined || typeof tree !== 'object' || tree === null) return replacement;
  const keys = Object.keys(tree);
  if (keys.length === 0) return replacement;
  const key = keys[choice % keys.length]!;
  const copy = (Array.isArray(tree) ? [...tree] : { ...tree }) as Record<string, unknown>;
  copy[key] = mutate((tree as Record<string, unknown>)[key], rest, replacement);
  return copy;
}

/** Mutations that keep most of a document intact, so deep checks are reached. */
const mutatedDocument = fc
  .tuple(
    fc.constantFrom(...examples),
    fc.array(fc.nat(), { maxLength: 7 }),
    fc.oneof(
      fc.jsonValue(),
      fc.integer({ min: -5, max: 2 ** 33 }),
      fc.constantFrom(
        '0x3f00',
        '0xffffffff',
        'isp1',
        'isp2',
        '1:30',
        'wan0',
        '10.0.0.0/8',
        -1,
        1.5,
        null,
        {},
        [],
      ),
    ),
  )
  .map(([doc, choices, replacement]) => mutate(doc, choices, replacement));

const anyInput = fc.oneof(fc.anything(), fc.jsonValue(), mutatedDocument);

/** Run f; only an InputError may escape. */
function onlyInputErrors(f: () => unknown): void {
  try {
    f();
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    expect(error.message.length).toBeGreaterThan(error.field.length);
  }
}

describe('fuzzing documents', () => {
  it('checkDocument never throws, and reports errors exactly when it returns no document', () => {
    fc.assert(
      fc.property(anyInput, (input) => {
        const { document, errors } = checkDocument(input);
        expect(document === null).toBe(errors.length > 0);
        for (const e of errors) {
          // The catch-all in checkDocument is a safety net, never a way of reporting.
          expect(e.message).not.toMatch(/^cannot be read/);
          expect(typeof e.field).toBe('string');
          expect(e.message).not.toBe('');
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('parseDocument throws nothing but InputError, and what it accepts round-trips', () => {
    fc.assert(
      fc.property(anyInput, (input) => {
        onlyInputErrors(() => {
          const doc = parseDocument(input);
          expect(parseDocument(serializeDocument(doc))).toEqual(doc);
        });
      }),
      { numRuns: 2000 },
    );
  });
});

describe('fuzzing values', () => {
  const layouts = examples.map((e) => parseDocument(e).layout);
  const value = fc.oneof(
    fc.jsonValue(),
    fc.anything(),
    fc.constantFrom('isp1', 'wg1', 'storage', true, 0, 1, 2, 3),
  );

  it('encodeFields and decodeMark throw nothing but InputError', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...layouts),
        fc.dictionary(
          fc.constantFrom('uplink', 'bulk', 'path', 'tenant', 'tunnel', 'local-only', 'x'),
          value,
        ),
        fc.constantFrom('fwmark', 'connmark'),
        fc.oneof(fc.integer({ min: 0, max: 0xffffffff }), fc.double(), fc.integer()),
        (layout, values, space, mark) => {
          onlyInputErrors(() => encodeFields(layout, values as never, space as never));
          onlyInputErrors(() => decodeMark(layout, mark, space as never));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('explainMark throws nothing but InputError', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.integer({ min: 0, max: 0xffffffff }), fc.double(), fc.integer(), fc.anything()),
        fc.option(fc.constantFrom(...layouts), { nil: undefined }),
        fc.oneof(fc.constantFrom('fwmark', 'connmark'), fc.string()),
        (mark, layout, space) => {
          onlyInputErrors(() =>
            explainMark(mark as number, { ...(layout && { layout }), space: space as never }),
          );
        },
      ),
      { numRuns: 1000 },
    );
  });
});
