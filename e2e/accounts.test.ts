import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignInPage } from './pages/sign-in.page.js';
import { chromiumAvailable, expectAccessible, launchBrowser, watchPage } from './support/browser.js';
import { startServer } from './support/server.js';

describe.runIf(chromiumAvailable())('accounts in the browser', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  let browser: { context: BrowserContext; close: () => Promise<void> };
  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('the first admin signs in with the one-time password, must change it, and signs out', async () => {
    const page = await browser.context.newPage();
    const watch = watchPage(page);
    const signIn = new SignInPage(page, server.baseUrl);
    await signIn.signIn('admin', server.adminPassword);
    await page.waitForURL('**/account/password');
    await expect.poll(() => page.locator('h1').textContent()).toContain('Change your password');
    await signIn.changePassword(server.adminPassword, 'a new admin passphrase 2026');
    await page.waitForURL(/\/\?passwordChanged=1$/);
    await expectAccessible(page);
    expect(await page.locator('.govuk-notification-banner').textContent()).toContain('Your password has been changed');
    await signIn.signOut();
    await page.waitForURL('**/sign-in');
    expect(watch.cspErrors).toEqual([]);
  });
});
