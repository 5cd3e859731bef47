// The renderer-side client: token from the URL fragment (once, then only from the tab's storage), the preload
// bridge unwrapped, and typed errors rebuilt from envelopes.

import { afterEach, beforeEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import { apiFromBridge, hasToken, type PreloadBridge, readToken, tokenInAddress } from './client';
import { errorFromShape, unwrapEnvelope } from './envelope';
import { createHttpApi } from './http-client';
import { API_METHODS } from './methods';
import { methodSchemas } from './schema';
import { ApiError, type MarkwrightApi } from './types';

class MemoryStorage {
  readonly items = new Map<string, string>();
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.items.set(key, value);
  }
}

describe('readToken', () => {
  let storage: MemoryStorage;
  let replaced: string[];
  beforeEach(() => {
    storage = new MemoryStorage();
    replaced = [];
    vi.stubGlobal('sessionStorage', storage);
    vi.stubGlobal('history', { replaceState: (_s: unknown, _t: string, url: string) => replaced.push(url) });
  });
  afterEach(() => vi.unstubAllGlobals());

  it('takes the token from #token=..., keeps it for the tab and removes it from the address bar', () => {
    vi.stubGlobal('location', { hash: '#token=abc_DEF-123', pathname: '/', search: '' });
    expect(readToken()).toBe('abc_DEF-123');
    expect(storage.getItem('markwright.token')).toBe('abc_DEF-123');
    expect(replaced).toEqual(['/']);
    vi.stubGlobal('location', { hash: '', pathname: '/', search: '' });
    expect(readToken()).toBe('abc_DEF-123');
  });

  it('tells whether a token is in the address or kept for the tab', () => {
    vi.stubGlobal('location', { hash: '', pathname: '/', search: '' });
    expect([hasToken(), tokenInAddress()]).toEqual([false, false]);
    vi.stubGlobal('location', { hash: '#token=new_1', pathname: '/', search: '' });
    expect([hasToken(), tokenInAddress()]).toEqual([true, true]);
    readToken();
    vi.stubGlobal('location', { hash: '', pathname: '/', search: '' });
    expect([hasToken(), tokenInAddress()]).toEqual([true, false]);
  });

  it('ignores other fragments and fails with an environment error when there is no token', () => {
    vi.stubGlobal('location', { hash: '#/designer', pathname: '/', search: '' });
    expect(() => readToken()).toThrow(ApiError);
    expect(replaced).toEqual([]);
    try {
      readToken();
    } catch (error) {
      expect((error as ApiError).kind).toBe('environment');
    }
  });
});

describe('transport envelopes', () => {
  it('rebuilds errors with kind and field, and refuses malformed ones', () => {
    const error = errorFromShape({
      kind: 'invalid-input',
      message: 'name: must not be empty',
      field: 'name',
    });
    expect([error.kind, error.message, error.field]).toEqual([
      'invalid-input',
      'name: must not be empty',
      'name',
    ]);
    expect(errorFromShape({ kind: 'boom', message: 'x' }).kind).toBe('internal');
    expect(errorFromShape({ kind: 'lock-held', message: 'held' }).kind).toBe('lock-held');
    expect(errorFromShape({ kind: 'not-authorised', message: 'no' }).kind).toBe('not-authorised');
    expect(() => unwrapEnvelope('nope')).toThrow(/malformed reply/);
    expect(unwrapEnvelope({ ok: true, value: 3 })).toBe(3);
  });

  it('unwraps the preload bridge, throwing ApiError for error envelopes', async () => {
    const bridge = Object.fromEntries(
      API_METHODS.map((m) => [
        m,
        async (argument: unknown) =>
          m === 'listLayouts'
            ? { ok: true, value: [{ argument }] }
            : { ok: false, error: { kind: 'not-found', message: `no ${m}` } },
      ]),
    ) as PreloadBridge;
    const api = apiFromBridge(bridge);
    expect(await api.listLayouts()).toEqual([{ argument: null }]);
    await expect(api.getLayout({ name: 'x' })).rejects.toMatchObject({
      kind: 'not-found',
      message: 'no getLayout',
    });
  });

  it('reports an unreachable server and a refusal page as environment errors', async () => {
    const down = createHttpApi({
      baseUrl: 'http://127.0.0.1:1',
      token: 't',
      fetch: async () => {
        throw new TypeError('fetch failed');
      },
    });
    await expect(down.listLayouts()).rejects.toMatchObject({ kind: 'environment' });
    const refused = createHttpApi({
      baseUrl: '',
      token: 't',
      fetch: async () => new Response('Forbidden: Host "x" is not this server\n', { status: 403 }),
    });
    await expect(refused.listLayouts()).rejects.toMatchObject({ kind: 'environment', message: /403/ });
  });

  it('has a schema for exactly the methods of the API', () => {
    expect(Object.keys(methodSchemas).sort()).toEqual([...API_METHODS].sort());
    expectTypeOf<keyof typeof methodSchemas>().toEqualTypeOf<keyof MarkwrightApi>();
  });
  it('types each method argument as its schema accepts it', () => {
    expectTypeOf<Parameters<MarkwrightApi['apply']>[0]>().toEqualTypeOf<{
      name: string;
      version?: number | undefined;
      target: string;
      confirmTimeout?: number | undefined;
      verify?: boolean | undefined;
    }>();
    expect(methodSchemas.apply.safeParse({ name: 'x', target: 'local', confirmTimeout: 5 }).success).toBe(
      true,
    );
    expect(methodSchemas.apply.safeParse({ name: 'x', target: 'local', verify: true }).success).toBe(true);
    expect(methodSchemas.rollback.safeParse({ target: 'local', verify: 1 }).success).toBe(false);
    expect(methodSchemas.audit.parse(null)).toEqual({});
  });
});
