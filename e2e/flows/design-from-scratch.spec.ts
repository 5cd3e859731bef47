// Flow 1: design a layout from scratch in the designer (drag fields, name values), save twice, close the app,
// start a fresh instance on the same database: the layout, its fields and values, and its versions are there.

import { expect, it } from 'vitest';
import { queryRows } from '../harness/database';
import { describeFlow } from '../harness/flow';
import { dragBits, dragHandle, screenshot, showView, textOf, UI_TIMEOUT, waitForText } from '../harness/ui';

describeFlow('design a layout from scratch and find it again after a restart', {}, (ctx) => {
  it('creates the layout and drags its fields on both strips', async () => {
    const { page } = ctx;
    await page.getByTestId('new-layout-name').fill('edge');
    await page.getByTestId('create-layout').click();
    await waitForText(page.getByTestId('save-state'), 'Saved');
    await waitForText(page.getByTestId('open-version'), 'v1');

    // A two-bit enum on fwmark bits 24-25, dragged from bit 25 to bit 24.
    await dragBits(page, 'fwmark', 25, 24);
    await waitForText(page.getByTestId('field-mask'), '0x3000000');
    await page.getByTestId('field-name').fill('uplink');
    await page.getByTestId('field-kind').selectOption('enum');
    await page.getByTestId('value-add').click();
    await page.getByTestId('value-add').click();
    await page.getByTestId('value-name-0').fill('isp1');
    await page.getByTestId('value-name-1').fill('isp2');
    await page.getByTestId('field-persist').check();

    // A one-bit flag at bit 26: a click is a one-bit drag.
    await dragBits(page, 'fwmark', 26, 26);
    await waitForText(page.getByTestId('field-mask'), '0x4000000');
    await page.getByTestId('field-name').fill('bulk');

    // A four-bit integer in the conntrack mark's low nibble, dragged from bit 0 up to bit 3.
    await dragBits(page, 'connmark', 0, 3);
    await waitForText(page.getByTestId('field-mask'), '0xf');
    await page.getByTestId('field-name').fill('tenant');
    await page.getByTestId('field-min').fill('1');
    await page.getByTestId('field-max').fill('12');
    // Widen it to five bits by dragging its high edge from bit 3 to bit 4.
    await dragHandle(page, 'connmark', 3, 'high', 4);
    await waitForText(page.getByTestId('field-mask'), '0x1f');

    for (const name of ['uplink', 'bulk', 'tenant']) {
      await page.getByTestId(`field-span-${name}`).waitFor({ timeout: UI_TIMEOUT });
    }
    await waitForText(page.getByTestId('save-state'), 'Unsaved changes');
    await page.getByTestId('save-note').fill('first design');
    await page.getByTestId('save').click();
    await waitForText(page.getByTestId('save-state'), 'Saved');
    await waitForText(page.getByTestId('open-version'), 'v2');
  });

  it('moves a field by dragging it and saves a third version', async () => {
    const { page } = ctx;
    // Grab the bulk flag at bit 26 and drop it on bit 27.
    await dragBits(page, 'fwmark', 26, 27);
    await page.getByTestId('field-chip-bulk').click();
    await waitForText(page.getByTestId('field-mask'), '0x8000000');
    await page.getByTestId('save-note').fill('bulk moved to bit 27');
    await page.getByTestId('save').click();
    await waitForText(page.getByTestId('open-version'), 'v3');
    // The conflict check follows the moved flag: Calico claims 0xffff0000, bit 27 included.
    await waitForText(page.getByTestId('conflict-bulk-calico'), /bulk\s*↔\s*calico\s*on\s*0x8000000/);
    await screenshot(page, ctx.launcher, 'designer');
    expect(
      queryRows(
        ctx.workspace.dbPath,
        "SELECT v.version, v.field_count, coalesce(v.note, '') FROM layout_versions v JOIN layouts l ON l.id = v.layout_id WHERE l.name = 'edge' ORDER BY v.version",
      ),
    ).toEqual(['1|0|', '2|3|first design', '3|3|bulk moved to bit 27']);
  });

  it('shows everything in a fresh instance on the same database', async () => {
    const page = await ctx.session.restart();
    await waitForText(page.getByTestId('layout-row-edge'), /edge\s*v3\s*3/);
    await page.getByTestId('open-edge').click();
    await waitForText(page.getByTestId('open-version'), 'v3');
    await waitForText(page.getByTestId('save-state'), 'Saved');

    await page.getByTestId('field-chip-uplink').click();
    await waitForText(page.getByTestId('field-mask'), '0x3000000');
    expect(await page.getByTestId('field-kind').inputValue()).toBe('enum');
    expect(await page.getByTestId('value-name-0').inputValue()).toBe('isp1');
    expect(await page.getByTestId('value-number-0').inputValue()).toBe('1');
    expect(await page.getByTestId('value-name-1').inputValue()).toBe('isp2');
    expect(await page.getByTestId('value-number-1').inputValue()).toBe('2');
    expect(await page.getByTestId('field-persist').isChecked()).toBe(true);
    await page.getByTestId('field-chip-bulk').click();
    await waitForText(page.getByTestId('field-mask'), '0x8000000');
    await page.getByTestId('field-chip-tenant').click();
    await waitForText(page.getByTestId('field-mask'), '0x1f');
    expect(await page.getByTestId('field-space').inputValue()).toBe('connmark');
    expect(await page.getByTestId('field-max').inputValue()).toBe('12');

    await showView(page, 'layouts');
    await page.getByTestId('versions-edge').click();
    for (const [version, note] of [
      [1, ''],
      [2, 'first design'],
      [3, 'bulk moved to bit 27'],
    ] as const) {
      await waitForText(page.getByTestId(`version-${version}`), new RegExp(`v${version}\\s*${note}`));
    }
    // The diff between v2 and v3 shows the move of the flag.
    const diff = await textOf(page.getByTestId('version-diff'));
    expect(diff).toMatch(/- +"offset": 26/);
    expect(diff).toMatch(/\+ +"offset": 27/);
    await screenshot(page, ctx.launcher, 'layouts');

    // The dark theme, one toggle press at a time (system, light, dark).
    const toggle = page.getByTestId('theme-toggle');
    for (const theme of ['light', 'dark']) {
      await toggle.click();
      await waitForText(toggle, `Theme: ${theme}`);
    }
    await showView(page, 'designer');
    await screenshot(page, ctx.launcher, 'designer-dark');
    expect(ctx.session.pageErrors).toEqual([]);
  });
});
