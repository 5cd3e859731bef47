import { afterEach, describe, expect, it, vi } from 'vitest';
import { newField } from '../logic/draft';
import { createMemoryApi } from '../testing/memory-api';
import { AppStore } from './app-store';

afterEach(() => {
  vi.useRealTimers();
});

async function storeWithLayout() {
  const api = createMemoryApi();
  await api.createLayout({
    name: 'edge',
    document: {
      format: 'markwright/1',
      name: 'edge',
      layout: { fields: [] },
      policy: { rules: [], routes: [], classes: [] },
    },
  });
  const store = new AppStore(api);
  await store.refreshLayouts();
  await store.open('edge');
  return { api, store };
}

describe('app store', () => {
  it('opens a layout clean and tracks unsaved edits', async () => {
    const { store } = await storeWithLayout();
    expect(store.dirty).toBe(false);
    store.edit((d) => d.fields.push(newField('fwmark', 0xf, 'zone')));
    expect(store.dirty).toBe(true);
    expect(store.problems).toEqual({});
  });

  it('never sends an invalid draft to the backend', async () => {
    const { api, store } = await storeWithLayout();
    store.edit((d) => {
      d.fields.push(newField('fwmark', 0xf, 'a'));
      d.fields.push(newField('fwmark', 0x18, 'b'));
    });
    expect(store.canSave).toBe(false);
    expect(await store.save()).toBe(false);
    expect(store.status?.text).toBe('Not saved: fix the errors shown next to the fields first');
    expect(api.calls.filter((c) => c === 'saveLayout' || c === 'createLayout')).toEqual(['createLayout']);
    expect((await api.listVersions({ name: 'edge' })).length).toBe(1);
  });

  it('saves a valid draft as a new version', async () => {
    const { api, store } = await storeWithLayout();
    store.edit((d) => d.fields.push(newField('fwmark', 0xf, 'zone')));
    expect(await store.save('zone field')).toBe(true);
    expect(store.dirty).toBe(false);
    expect(store.openLayout).toEqual({ name: 'edge', version: 2 });
    expect(await api.listVersions({ name: 'edge' })).toMatchObject([
      { version: 1 },
      { version: 2, note: 'zone field' },
    ]);
  });

  it('runs the server check once typing pauses, and only for the latest draft', async () => {
    vi.useFakeTimers();
    const { api, store } = await storeWithLayout();
    api.calls.length = 0;
    store.edit((d) => d.fields.push(newField('fwmark', 0x1, 'a')));
    store.edit((d) => d.fields.push(newField('fwmark', 0x2, 'b')));
    expect(api.calls).toEqual([]);
    await vi.advanceTimersByTimeAsync(300);
    expect(api.calls).toEqual(['checkDocument']);
    expect(store.check).toEqual({ valid: true, errors: [], conflicts: [] });
  });

  it('turns a failed call into the status line', async () => {
    const { store } = await storeWithLayout();
    expect(await store.open('missing')).toBe(false);
    expect(store.status).toEqual({
      tone: 'error',
      text: 'Opening missing: name: no layout is named "missing"',
    });
  });
});
