// The deploy side of the service as the deploy view uses it: history with versions and the live deployment,
// pending deployments across targets, the target remembered per layout, rollback with a countdown, uninstall,
// and a layout that is live somewhere refused for deletion.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { apiFailure, exampleDocument } from '../testing/examples';
import { FakeHost } from '../testing/fake-host';
import { type Backend, createBackend } from './index';

const edge = () => exampleDocument('edge-router');

let dir: string;
let backend: Backend;
let host: FakeHost;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mw-deploy-service-'));
  host = new FakeHost();
  backend = createBackend({ dbPath: join(dir, 'db.sqlite'), host });
  await backend.service.createLayout({ name: 'edge', document: edge(), note: 'first' });
  await backend.service.saveLayout({ name: 'edge', document: edge(), note: 'second' });
});
afterEach(() => {
  backend.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('deploying from the app', () => {
  it('remembers the target chosen for each layout, none before the first choice', async () => {
    const api = backend.service;
    expect(await api.getLayoutTarget({ name: 'edge' })).toEqual({ target: null });
    await api.setLayoutTarget({ name: 'edge', target: 'netns:lab' });
    expect(await api.getLayoutTarget({ name: 'edge' })).toEqual({ target: 'netns:lab' });
    await api.renameLayout({ from: 'edge', to: 'edge2' });
    expect(await api.getLayoutTarget({ name: 'edge2' })).toEqual({ target: 'netns:lab' });
    await expect(api.getLayoutTarget({ name: 'nope' })).rejects.toThrow('no layout named "nope"');
  });

  it('shows each deployment with its version, note and who, and marks the live one', async () => {
    const api = backend.service;
    await api.apply({ name: 'edge', version: 1, target: 'netns:lab', confirmTimeout: 0 });
    await api.apply({ name: 'edge', version: 2, target: 'netns:lab', confirmTimeout: 30 });
    const history = await api.history({ target: 'netns:lab' });
    expect(history.map((h) => [h.layoutVersion, h.note, h.outcome, h.live])).toEqual([
      [1, 'first', 'confirmed', false],
      [2, 'second', 'pending', true],
    ]);
    expect(history[0]!.by).toEqual(expect.any(String));
  });

  it('lists pending deployments on every target deployed to, with their layout', async () => {
    const api = backend.service;
    await api.apply({ name: 'edge', version: 1, target: 'netns:lab', confirmTimeout: 30 });
    await api.apply({ name: 'edge', version: 2, target: 'local', confirmTimeout: 0 });
    expect(await api.pendingDeployments()).toEqual([
      {
        target: 'netns:lab',
        id: 'd1',
        secondsLeft: 42,
        deadline: '2026-01-01T00:01:00.000Z',
        documentName: 'edge-router',
        layoutName: 'edge',
        layoutVersion: 1,
      },
    ]);
    host.expire('netns:lab');
    expect(await api.pendingDeployments()).toEqual([]);
  });

  it('rolls back with a countdown by applying the earlier deployment’s saved version again', async () => {
    const api = backend.service;
    await api.apply({ name: 'edge', version: 1, target: 'netns:lab', confirmTimeout: 0 });
    await api.apply({ name: 'edge', version: 2, target: 'netns:lab', confirmTimeout: 0 });
    const back = await api.rollback({ target: 'netns:lab', to: 'd1', confirmTimeout: 20 });
    expect(back.outcome).toBe('pending');
    expect(host.calls).toContain('apply netns:lab 20');
    const last = (await api.history({ target: 'netns:lab' })).at(-1)!;
    expect([last.layoutVersion, last.purpose, last.live]).toEqual([1, 'rollback to d1', true]);
  });

  it('refuses to delete a layout live on a target, naming it, until it is uninstalled there', async () => {
    const api = backend.service;
    await api.apply({ name: 'edge', target: 'netns:lab', confirmTimeout: 0 });
    const refused = await apiFailure(api.deleteLayout({ name: 'edge' }));
    expect([refused.kind, refused.field]).toEqual(['conflict', 'name']);
    expect(refused.message).toBe(
      'layout "edge" is live on netns:lab: uninstall it there or deploy another layout first',
    );
    expect(await api.listLayouts()).toHaveLength(1);
    expect(await api.uninstall({ target: 'netns:lab' })).toEqual({ removed: true });
    expect((await api.history({ target: 'netns:lab' })).some((h) => h.live)).toBe(false);
    await api.deleteLayout({ name: 'edge' });
    expect(await api.listLayouts()).toEqual([]);
  });

  it('says which files and unit Keep writes', async () => {
    const writes = await backend.service.keepWrites({ target: 'netns:lab' });
    expect(writes.files.length).toBeGreaterThan(0);
    expect(writes.unit).toMatch(/markwright-restore/);
  });
});
