// The design linter in the app: a dual-WAN layout that marks HTTPS from the LAN into table 200 and restores the
// mark on replies. With the router's routes given on the simulator view, the reply goes back out wan2: the policy
// view shows `reply-path` on the rule's card and the designer lists it under the rule; a field nothing reads is
// shown under the field.

import { expect, it } from 'vitest';
import { describeFlow } from '../harness/flow';
import { importDocument, showView, textOf, waitForText } from '../harness/ui';

const ROUTES = `default via 192.0.2.1 dev wan1
10.0.0.0/24 dev lan0 proto kernel scope link src 10.0.0.1
192.0.2.0/24 dev wan1 proto kernel scope link src 192.0.2.2
198.51.100.0/24 dev wan2 proto kernel scope link src 198.51.100.2
default via 198.51.100.1 dev wan2 table 200
`;

const dualWan = {
  format: 'markwright/1',
  name: 'dual-wan-lint',
  layout: {
    fields: [
      {
        name: 'uplink',
        kind: 'enum',
        offset: 24,
        width: 2,
        values: { isp1: 1, isp2: 2 },
        persist: true,
        newOnly: true,
      },
      { name: 'bulk', kind: 'flag', offset: 26 },
    ],
  },
  policy: {
    rules: [
      { name: 'https via isp2', match: { iif: 'lan0', proto: 'tcp', dport: 443 }, set: { uplink: 'isp2' } },
      { name: 'backups are bulk', match: { iif: 'lan0', proto: 'tcp', dport: 873 }, set: { bulk: 1 } },
    ],
    routes: [{ when: { uplink: 'isp2' }, table: 200, priority: 10002, family: 4 }],
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
