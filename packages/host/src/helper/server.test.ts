import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { EnvironmentError } from '../exec/errors';
import { answer, serveHelper } from './server';
import type { SessionOpener } from './verbs';

const unreachable: SessionOpener = async () => {
  throw new EnvironmentError('no kernel in this test');
};

describe('helper loop', () => {
  it('answers a refused request with a typed error and never runs it', async () => {
    let opened = 0;
    const open: SessionOpener = async (t, ownership) => {
      opened++;
      return unreachable(t, ownership);
    };
    expect(await answer('{"id":4,"verb":"exec","target":"local"}', open)).toMatchObject({
      id: 4,
      ok: false,
      error: { kind: 'input', field: 'verb', message: expect.stringMatching(/^verb:/) },
    });
    expect(await answer('not json', open)).toMatchObject({ id: -1, ok: false, error: { kind: 'input' } });
    expect(opened).toBe(0);
  });

  it('environment failures are environment errors (exit 2 in the command line)', async () => {
    expect(await answer('{"id":1,"verb":"status","target":"local"}', unreachable)).toEqual({
      id: 1,
      ok: false,
      error: { kind: 'environment', field: null, message: 'no kernel in this test' },
    });
  });

  it('a document that is not markwright/1 is refused as input before any session opens', async () => {
    const response = await answer(
      JSON.stringify({
        id: 2,
        verb: 'plan',
        target: 'local',
        document: '{"format":"other"}',
        documentPath: '/d.json',
      }),
      unreachable,
    );
    expect(response).toMatchObject({ ok: false, error: { kind: 'input' } });
  });

  it('says hello, answers each line in order, and ends with its input', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let text = '';
    output.setEncoding('utf8').on('data', (c: string) => {
      text += c;
    });
    const done = serveHelper(input, output, unreachable);
    input.write('{"id":1,"verb":"status","target":"local"}\n{"id":2,"verb":"hist');
    input.write('ory","target":"netns:x"}\n\n');
    input.end('{"id":3,"verb":"nope","target":"local"}\n');
    await done;
    const lines = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines[0]).toEqual({ hello: 'markwright-helper', protocol: 1 });
    expect(lines.slice(1).map((l) => [l.id, l.ok, l.error.kind])).toEqual([
      [1, false, 'environment'],
      [2, false, 'environment'],
      [3, false, 'input'],
    ]);
  });
});
