import { API_METHODS, ipcChannel } from '@markwright/api/methods';
import { describe, expect, it, vi } from 'vitest';
import { fake, ipcMain } from '../testing/fake-electron';

vi.mock('electron', () => import('../testing/fake-electron'));

describe('preload', () => {
  it('exposes exactly one frozen object, markwright, with one function per API method', async () => {
    await import('./preload');
    expect(Object.keys(fake.mainWorld)).toEqual(['markwright']);
    const bridge = fake.mainWorld.markwright as Record<string, unknown>;
    expect(Object.keys(bridge).sort()).toEqual([...API_METHODS].sort());
    expect(Object.values(bridge).every((v) => typeof v === 'function')).toBe(true);
    expect(Object.isFrozen(bridge)).toBe(true);
    expect('invoke' in bridge || 'send' in bridge || 'on' in bridge).toBe(false);
  });

  it("sends each method's argument on its own channel", async () => {
    await import('./preload');
    const seen: [string, unknown][] = [];
    for (const method of API_METHODS) {
      ipcMain.handle(ipcChannel(method), (_event, argument) => {
        seen.push([method, argument]);
        return { ok: true, value: null };
      });
    }
    const bridge = fake.mainWorld.markwright as Record<string, (a: unknown) => Promise<unknown>>;
    await bridge.getLayout!({ name: 'edge' });
    await bridge.audit!({ limit: 5 });
    expect(seen).toEqual([
      ['getLayout', { name: 'edge' }],
      ['audit', { limit: 5 }],
    ]);
  });
});
