// Flow 7: bad input in the UI (overlapping fields, a value too large for its field, an invalid mark text, a
// broken document to import): each error appears next to its input, Save and Deploy are refused, and the
// database file holds exactly what it held before (same SQL dump, same row counts).

import { expect, it } from 'vitest';
import { steerDocument } from '../fixtures/documents';
import { hasSqliteShell, snapshotDatabase } from '../harness/database';
import { describeFlow } from '../harness/flow';
import { importDocument, screenshot, showView, UI_TIMEOUT, waitForText, waitIdle } from '../harness/ui';

const skip = hasSqliteShell()
  ? null
  : 'the sqlite3 shell is needed to read the database from outside the app';

describeFlow('bad input is refused and never reaches the database', { skip }, (ctx) => {
  let before: ReturnType<typeof snapshotDatabase>;

  it('starts from a saved valid layout', async () => {
    const { page } = ctx;
    await importDocument(page, steerDocument('steer', 6000));
    await waitForText(page.getByTestId('save-state'), 'Saved');
    await waitIdle(page);
    before = snapshotDatabase(ctx.workspace.dbPath);
    expect(before.rows.layout_versions).toBe(1);
  });

  it('shows an overlap next to the new field and refuses to save', async () => {
    const { page } = ctx;
    await page.getByTestId('add-fwmark').click();
    await page.getByTestId('field-name').fill('probe');
    await page.getByTestId('field-offset').fill('9');
    await waitForText(
      page.getByTestId('field-mask-error'),
      /"uplink" and "probe" overlap in fwmark bits 0x200/,
    );
    expect(await page.getByTestId('field-offset').getAttribute('aria-invalid')).toBe('false');
    await waitForText(page.getByTestId('save-state'), /problem.*not saved/);
    expect(await page.getByTestId('save').isDisabled()).toBe(true);
    await page.getByTestId('field-delete').click();
    await waitForText(page.getByTestId('save-state'), 'Saved');
  });

  it('shows a value too large for its field next to that value', async () => {
    const { page } = ctx;
    await page.getByTestId('field-chip-uplink').click();
    await page.getByTestId('value-number-1').fill('7');
    await waitForText(
      page.getByTestId('value-number-1-error'),
      /value 7 does not fit in the 2 bit\(s\) of "uplink" \(0\.\.3\)/,
    );
    expect(await page.getByTestId('value-number-1').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByTestId('save').isDisabled()).toBe(true);
    // The problems list names where the error is.
    await waitForText(page.getByTestId('problems'), /does not fit/);
  });

  it('shows an invalid mark text next to the decode input and the simulator socket mark', async () => {
    const { page } = ctx;
    await page.getByTestId('bench-mark').fill('0x1zz');
    await waitForText(page.getByTestId('bench-mark-error'), /0x1zz/);
    expect(await page.getByTestId('bench-mark').getAttribute('aria-invalid')).toBe('true');
    await screenshot(page, ctx.launcher, 'designer-errors');

    await showView(page, 'simulator');
    await page.getByTestId('sim-mark').fill('mark-me');
    await waitForText(page.getByTestId('sim-mark-error'), /mark-me/);
    expect(await page.getByTestId('simulate').isDisabled()).toBe(true);
    await waitForText(page.getByTestId('sim-blocked'), /Fix the layout's errors first/);
  });

  it('refuses to plan or apply while the layout has errors', async () => {
    const { page } = ctx;
    await showView(page, 'deploy');
    await waitForText(page.getByTestId('deploy-blocked'), /The layout has errors/);
    expect(await page.getByTestId('plan').isDisabled()).toBe(true);
    expect(await page.getByTestId('apply').isDisabled()).toBe(true);
    await page.getByTestId('confirm-timeout').fill('0');
    await waitForText(page.getByTestId('confirm-timeout-error'), /"0" is not 1 to 3600 seconds/);
  });

  it('refuses a broken document on import with the offending field named', async () => {
    const { page } = ctx;
    const broken = steerDocument('steer-broken', 6000) as { layout: { fields: Record<string, unknown>[] } };
    broken.layout.fields.push({ name: 'clash', space: 'fwmark', kind: 'flag', offset: 9 });
    await showView(page, 'layouts');
    await page.getByTestId('import-text').fill(JSON.stringify(broken));
    await page.getByTestId('import').click();
    await waitForText(
      page.getByTestId('status'),
      /Importing: .*layout\.fields\[1\]\.mask: fields "uplink" and "clash" overlap in fwmark bits 0x200/,
      UI_TIMEOUT,
    );
    await page.getByTestId('import-text').fill('{"format": "markwright/1", "name": ');
    await page.getByTestId('import').click();
    await waitForText(page.getByTestId('status'), /Importing: .*not JSON/);
    await waitForText(page.getByTestId('layout-list'), /steer\s*v1/);
    expect(await page.getByTestId('layout-row-steer-broken').count()).toBe(0);
  });

  it('leaves the database exactly as it was', async () => {
    await waitIdle(ctx.page);
    expect(snapshotDatabase(ctx.workspace.dbPath)).toEqual(before);
    expect(ctx.session.pageErrors).toEqual([]);
  });
});
