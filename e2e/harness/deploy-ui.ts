// Steps in the Deploy view: choose the target, plan, apply with a confirm timeout, keep, and read the history
// table, all through what the view shows.

import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { showView, textOf, UI_TIMEOUT, waitForText, waitIdle } from './ui';

/** Opens the Deploy view on `target` (`netns:NAME`), once the view has listed it. */
export async function openDeployTarget(page: Page, target: string): Promise<void> {
  await showView(page, 'deploy');
  await page.getByTestId('target').selectOption(target, { timeout: UI_TIMEOUT });
  await waitForText(page.getByTestId('history'), new RegExp(`History on ${target}`));
  await waitIdle(page);
}

/** Plans the chosen version for the chosen target; Apply is enabled only after this. */
export async function planDeploy(page: Page): Promise<void> {
  await page.getByTestId('plan').click();
  await withStatus(page, () => page.getByTestId('plan-report').waitFor({ timeout: 60_000 }));
  await waitIdle(page);
}

export type OutcomeState =
  | 'pending'
  | 'applied'
  | 'kept'
  | 'verified'
  | 'reverted'
  | 'rolled-back'
  | 'uninstalled'
  | 'other';

/** Waits until the deploy outcome is in one of `states` (its data-state); returns the state and its text. */
export async function waitForOutcome(
  page: Page,
  states: readonly OutcomeState[],
  timeout = 60_000,
): Promise<{ state: OutcomeState; text: string }> {
  const outcome = page.getByTestId('deploy-outcome');
  const read = async () =>
    (await outcome.count()) === 0 ? '' : ((await outcome.getAttribute('data-state')) ?? '');
  await withStatus(page, () =>
    expect.poll(read, { timeout }).toSatisfy((state: string) => states.includes(state as OutcomeState)),
  );
  return { state: (await read()) as OutcomeState, text: await textOf(outcome) };
}

/** Turns off "Confirm when verified" (the default): the countdown and Keep by hand. */
export async function byHand(page: Page): Promise<void> {
  await page.getByTestId('confirm-verified').setChecked(false);
}

/** Plans and applies the chosen version with a confirm timeout; returns once the countdown is shown. */
export async function applyWithCountdown(page: Page, seconds: number): Promise<number> {
  await byHand(page);
  await page.getByTestId('confirm-timeout').fill(String(seconds));
  await planDeploy(page);
  await page.getByTestId('apply').click();
  const { text } = await waitForOutcome(page, ['pending']);
  expect(text).toMatch(/^Applied: keep it before the countdown ends/);
  await page.getByTestId('countdown').waitFor({ timeout: UI_TIMEOUT });
  return Number(await textOf(page.getByTestId('countdown')));
}

/** Waits until the countdown shows fewer seconds than `from` (it follows the host's deadline). */
export async function countdownBelow(page: Page, from: number): Promise<number> {
  await expect
    .poll(async () => Number(await textOf(page.getByTestId('countdown'))), { timeout: UI_TIMEOUT })
    .toBeLessThan(from);
  return Number(await textOf(page.getByTestId('countdown')));
}

/** The host's refusal when another markwright process (the countdown's own status poll) holds the lock. */
const LOCK_REFUSAL = /Confirming: another markwright operation/;

/**
 * Presses Keep and waits for the confirmation. When the press collides with the countdown's status poll the
 * host refuses it (the lock is held) and the status line says so, with the countdown still running; a user
 * presses Keep again, and so does this step (at most twice more, each time printed).
 */
export async function keepDeployment(page: Page): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    await page.getByTestId('keep').click();
    const outcome = page.getByTestId('deploy-outcome');
    const seen = async () =>
      `${await outcome.getAttribute('data-state')}\n${await textOf(page.getByTestId('status'))}`;
    await withStatus(page, () => expect.poll(seen, { timeout: 60_000 }).toMatch(/^kept\n|\nConfirming: /));
    if ((await outcome.getAttribute('data-state')) === 'kept') {
      const kept = /^Kept: deployment (\S+) confirmed$/.exec(await textOf(outcome));
      if (!kept) throw new Error(`Kept, but the outcome reads "${await textOf(outcome)}"`);
      return kept[1]!;
    }
    const status = await textOf(page.getByTestId('status'));
    if (!LOCK_REFUSAL.test(status) || attempt === 3) throw new Error(`Keep was refused: ${status}`);
    console.warn(
      `Keep refused while the countdown's status poll held the host lock (attempt ${attempt}): ${status}`,
    );
  }
}

/** Runs a wait; when it fails, the error also carries what the app's status line said. */
export async function withStatus<T>(page: Page, wait: () => Promise<T>): Promise<T> {
  try {
    return await wait();
  } catch (error) {
    const status = await textOf(page.getByTestId('status')).catch(() => '(no status line)');
    throw new Error(`${(error as Error).message}\nstatus line: ${status}`, { cause: error });
  }
}

export interface HistoryRow {
  readonly id: string;
  /** The host's outcome (`confirmed`, `reverted`, `rolled-back`, ...), as the row carries it. */
  readonly outcome: string;
}

/** The history table as shown (the host lists the oldest deployment first). */
export async function historyRows(page: Page): Promise<HistoryRow[]> {
  const rows = page.getByTestId('history').locator('tr[data-deployment]');
  const out: HistoryRow[] = [];
  for (let i = 0; i < (await rows.count()); i++) {
    const id = (await rows.nth(i).getAttribute('data-deployment'))!;
    out.push({ id, outcome: await outcomeOf(page, id) });
  }
  return out;
}

async function outcomeOf(page: Page, id: string): Promise<string> {
  const cell = page.getByTestId(`history-${id}-outcome`);
  return (await cell.count()) === 0 ? '' : ((await cell.getAttribute('data-outcome')) ?? '');
}

/** Waits until the history shows deployment `id` with the host's `outcome`. */
export async function waitForHistory(page: Page, id: string, outcome: string): Promise<void> {
  await withStatus(page, () => expect.poll(() => outcomeOf(page, id), { timeout: 60_000 }).toBe(outcome));
}

/** The label the history shows for deployment `id` (applied, confirmed, reverted by timeout, ...). */
export async function historyLabel(page: Page, id: string): Promise<string> {
  return textOf(page.getByTestId(`history-${id}-outcome`));
}
