import { describe, expect, it } from 'vitest';
import { HELPER_VERBS, parseRequest } from './protocol';

const doc = '{"format":"markwright/1"}';

describe('helper requests are validated inside the helper', () => {
  it('accepts the ten verbs with their data', () => {
    expect(HELPER_VERBS).toEqual([
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
    ]);
    expect(parseRequest({ id: 1, verb: 'status', target: 'netns:r1' })).toEqual({
      id: 1,
      verb: 'status',
      target: 'netns:r1',
    });
    expect(
      parseRequest({ id: 2, verb: 'apply', target: 'local', document: doc, documentPath: '/home/a/d.json' }),
    ).toMatchObject({ verb: 'apply', confirmTimeout: 60, document: doc });
    expect(
      parseRequest({ id: 3, verb: 'rollback', target: 'local', to: '20260101-000000000-0a1b' }),
    ).toMatchObject({
      to: '20260101-000000000-0a1b',
    });
    expect(parseRequest({ id: 4, verb: 'impact', target: 'local', document: doc })).toMatchObject({
      document: doc,
    });
    expect(parseRequest({ id: 5, verb: 'trace', target: 'local', match: 'udp dport 5060' })).toEqual({
      id: 5,
      verb: 'trace',
      target: 'local',
      match: 'udp dport 5060',
      seconds: 30,
    });
    expect(() =>
      parseRequest({ id: 6, verb: 'trace', target: 'local', match: 'udp', seconds: 9999 }),
    ).toThrow(/seconds/);
    expect(() => parseRequest({ id: 7, verb: 'trace', target: 'local' })).toThrow(/match/);
  });

  it.each([
    [{ id: 1, verb: 'exec', target: 'local' }, /^verb: must be one of probe, plan/],
    [{ id: 1, verb: 'shell', target: 'local', argv: ['/bin/sh'] }, /^verb:/],
    [{ id: 1, verb: 'status', target: 'local', stateDir: '/tmp/x' }, /^stateDir: is not accepted by status/],
    [
      { id: 1, verb: 'apply', target: 'local', document: doc, rootDir: '/' },
      /^rootDir: is not accepted by apply/,
    ],
    [{ id: 1, verb: 'status', target: 'netns:../../etc' }, /^--target: namespace name/],
    [{ id: 1, verb: 'status', target: 'remote' }, /^--target: must be local or netns:NAME/],
    [{ id: 1, verb: 'plan', target: 'local' }, /^document: must be a string/],
    [
      { id: 1, verb: 'apply', target: 'local', document: doc, confirmTimeout: -1 },
      /^confirmTimeout: must be whole seconds/,
    ],
    [{ id: 1, verb: 'apply', target: 'local', document: doc, confirmTimeout: 1.5 }, /^confirmTimeout:/],
    [
      { id: 1, verb: 'apply', target: 'local', document: doc, documentPath: 'a\nb' },
      /^documentPath: has control characters/,
    ],
    [{ id: 1, verb: 'rollback', target: 'local', to: '../x' }, /^to: is not a deployment id/],
    [{ id: -1, verb: 'status', target: 'local' }, /^id: must be a non-negative integer/],
    [[1, 2], /^request: must be a JSON object/],
    [null, /^request: must be a JSON object/],
  ])('refuses %j naming the field', (request, message) => {
    expect(() => parseRequest(request)).toThrow(message);
  });

  it('takes the live check as a boolean on apply and rollback only', () => {
    const base = { id: 1, target: 'netns:lab' };
    expect(parseRequest({ ...base, verb: 'apply', document: doc, verify: true }).verify).toBe(true);
    expect(parseRequest({ ...base, verb: 'rollback', verify: false }).verify).toBe(false);
    expect(() => parseRequest({ ...base, verb: 'apply', document: doc, verify: 'yes' })).toThrow(
      /verify.*must be true or false/,
    );
    expect(() => parseRequest({ ...base, verb: 'plan', document: doc, verify: true })).toThrow(
      /verify.*not accepted by plan/,
    );
  });

  it('bounds the document it will parse', () => {
    expect(() =>
      parseRequest({ id: 1, verb: 'plan', target: 'local', document: 'x'.repeat(3 * 1024 * 1024) }),
    ).toThrow(/^document: is longer than/);
  });
});
