// The design linter in the app: a dual-WAN layout that marks HTTPS from the LAN into table 200 and restores the
// mark on replies. With the router's routes given on the simulator view, the reply goes back out wan2: the policy
// view shows `reply-path` on the rule's card and the designer lists it under the rule; a field nothing reads is
// shown under the field.

import { DUAL_WAN_PASTED_ROUTES, dualWanFile } from '@markwright/core/testing';
import { expect, it } from 'vitest';
import { describeFlow } from '../harness/flow';
import { importDocument, showView, textOf, waitForText } from '../harness/ui';

const ROUTES = DUAL_WAN_PASTED_ROUTES;

const base = dualWanFile();
const dualWan = {
  ...base,
  name: 'dual-wan-lint',
  layout: { fields: [...base.layout.fields, { name: 'bulk', kind: 'flag', offset: 26 }] },
  policy: {
    ...base.policy,
    rules: [
      ...base.policy.rules,
      { name: 'backups are bulk', match: { iif: 'lan0', proto: 'tcp', dport: 873 }, set: { bulk: 1 } },
    ],
  },
};

describeFlow('lint findings beside the rule and the field', {}, (ctx) => {
  it('shows a field nothing reads under the field, before any routes are given', async () => {
    const { page } = ctx;
    await importDocument(page, dualWan);
    await showView(page, 'designer');
    await waitForText(page.getByTestId('lint-field-bulk'), 'field-never-read');
    expect(await textOf(page.getByTestId('lint-field-bulk'))).toMatch(/nothing reads "bulk"/);
    expect(await page.getByTestId('lint-rule-0').count()).toBe(0);
  });

  it("shows reply-path next to the rule once the router's routes are given", async () => {
    const { page } = ctx;
    await showView(page, 'simulator');
    await page.getByText('Box routing (optional)').click();
    await page.getByTestId('sim-routes').fill(ROUTES);
    await showView(page, 'policy');
    const onRule = page.getByTestId('rule-0').getByTestId('lint-rule-0');
    await waitForText(onRule, 'reply-path');
    expect(await textOf(onRule)).toMatch(/the reply leaves by wan2, but the connection arrived on lan0/);
    expect(await page.getByTestId('rule-1').getByTestId('lint-rule-1').count()).toBe(0);
    await waitForText(page.getByTestId('route-0').getByTestId('lint-route-0'), 'table-incomplete');
    await showView(page, 'designer');
    await waitForText(page.getByTestId('lint').getByTestId('lint-rule-0'), 'reply-path');
  });
});
