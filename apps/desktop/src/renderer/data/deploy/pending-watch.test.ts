import type { DeployStatus } from '@markwright/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PendingWatch } from './pending-watch';

afterEach(() => {
  vi.useRealTimers();
});

const pending = (secondsLeft: number): DeployStatus => ({
  target: 'netns:r',
  state: 'pending',
  pending: { id: 'd1', secondsLeft, deadline: '2026-01-01T00:00:10Z' },
  last: null,
  liveMatchesLast: true,
});

describe('pending watch', () => {
  it('polls the status each second, shows the seconds left and reports once when it settles', async () => {
    vi.useFakeTimers();
    const answers = [
      pending(3),
      pending(2),
      pending(0.4),
      { ...pending(0), state: 'confirmed', pending: null } as DeployStatus,
    ];
    const updates: number[] = [];
    const settled: DeployStatus[] = [];
    const ctl = new PendingWatch(
      async () => answers.shift() ?? answers[answers.length - 1]!,
      () => updates.push(1),
      (s) => settled.push(s),
      1000,
    );
    ctl.follow('netns:r');
    await vi.advanceTimersByTimeAsync(0);
    expect(ctl.secondsLeft).toBe(3);
    await vi.advanceTimersByTimeAsync(1000);
    expect(ctl.secondsLeft).toBe(2);
    await vi.advanceTimersByTimeAsync(1000);
    expect(ctl.secondsLeft).toBe(1);
    expect(ctl.active).toBe(true);
    await vi.advanceTimersByTimeAsync(1000);
    expect(ctl.active).toBe(false);
    expect(settled.map((s) => s.state)).toEqual(['confirmed']);
    await vi.advanceTimersByTimeAsync(5000);
    expect(settled).toHaveLength(1);
    expect(updates.length).toBeGreaterThan(3);
  });
});
