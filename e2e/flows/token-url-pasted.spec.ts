// Serve mode: a tab opened without the session token says how to get one instead of an empty app, and the token
// address pasted into that open tab (only the fragment changes, so the page is not reloaded) starts the app.

import { expect, it } from 'vitest';
import { describeFlow } from '../harness/flow';
import { waitForApp } from '../harness/launcher';
import { textOf } from '../harness/ui';

describeFlow('the token URL pasted into an open tab', {}, (ctx) => {
  it.skipIf(ctx.launcher === 'electron')(
    'says how to get a token, then opens the app without a reload',
    async () => {
      const url = ctx.session.url!;
      const bare = url.slice(0, url.indexOf('#'));
      const tab = await ctx.page.context().newPage();
      await tab.goto(bare);
      const notice = tab.getByTestId('no-token');
      await notice.waitFor();
      expect(await textOf(notice)).toContain('markwright serve');
      expect(await tab.getByTestId('tab-layouts').count()).toBe(0);
      await tab.evaluate(() => {
        (globalThis as { sameDocument?: boolean }).sameDocument = true;
      });
      await tab.goto(url);
      await waitForApp(tab);
      expect(await notice.count()).toBe(0);
      expect(await tab.evaluate(() => (globalThis as { sameDocument?: boolean }).sameDocument)).toBe(true);
      // The token is taken out of the address bar and calls work.
      expect(new URL(tab.url()).hash).toBe('');
      await tab.getByTestId('no-layouts').waitFor();
      await tab.close();
    },
  );
});
