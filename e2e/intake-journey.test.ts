import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminUsersPage } from './pages/admin-users.page.js';
import { ReferralIntakePages } from './pages/referral-intake.page.js';
import { SignInPage } from './pages/sign-in.page.js';
import { chromiumAvailable, expectAccessible } from './support/browser.js';
import { startJourney, type Journey } from './support/journey.js';

/**
 * Issue 2's journey as people make it: the first admin takes over the service and adds a
 * requester; the requester signs in for the first time, makes a referral through the question
 * pages (correcting one error on the way) and finds it under My referrals (SOP 8.1-8.4).
 */
describe.runIf(chromiumAvailable())('intake journey in the browser', () => {
  let journey: Journey, server: Journey['server'], page: Page, watch: Journey['watch'];
  let requesterPassword = '';

  beforeAll(async () => {
    ({ server, page, watch } = journey = await startJourney());
  });
  afterAll(() => journey?.close());

  it('the first admin signs in with the one-time password, must change it, and adds a requester', async () => {
    const signIn = new SignInPage(page, server.baseUrl);
    await signIn.signIn('admin', server.adminPassword);
    await page.waitForURL('**/account/password');
    await signIn.changePassword(server.adminPassword, 'a new admin passphrase 2026');
    await page.waitForURL(/\/\?passwordChanged=1$/);
    await expectAccessible(page);
    expect(await page.locator('.govuk-notification-banner').textContent()).toContain('Your password has been changed');

    requesterPassword = await new AdminUsersPage(page, server.baseUrl).addUser({
      username: 'pc.jones',
      displayName: 'PC Sam Jones',
      ocu: 'Central South',
      unit: 'Gangs Unit',
      roles: ['requester'],
    });
    expect(await page.locator('[data-qa="users-table"]').textContent()).toContain('pc.jones');
    await signIn.signOut();
    await page.waitForURL('**/sign-in');
  });

  it('the requester makes a referral through the question pages, correcting an error, and sees it under My referrals', async () => {
    const signIn = new SignInPage(page, server.baseUrl);
    await signIn.signIn('pc.jones', requesterPassword);
    await page.waitForURL('**/account/password');
    await signIn.changePassword(requesterPassword, 'my own long passphrase');
    await page.waitForURL(/passwordChanged=1/);

    const intake = new ReferralIntakePages(page, server.baseUrl);
    await intake.start();
    // An ftp:// address is refused with an error summary that links to the field (SOP 8.3.5).
    await intake.content('Drill video goading rivals', 'ftp://example.org/video');
    expect(await page.locator('.govuk-error-summary').textContent()).toContain('There is a problem');
    expect(await page.locator('.govuk-error-summary a').first().getAttribute('href')).toBe('#contentUrl');
    expect(await page.title()).toMatch(/^Error: /);
    await intake.content('Drill video goading rivals', 'https://www.youtube.com/watch?v=e2eJourney1');

    await intake.platforms(['youtube']);
    await intake.uploaded({ day: '3', month: '11', year: '2026' });
    await intake.incident({ system: 'CAD', reference: '1234/03NOV' });
    await intake.rationale('Goads a rival group days after a stabbing; likely to provoke retaliation.');
    await intake.subjects(
      { name: 'Rapper Handle', category: 'suspect', ageBand: '16_17' },
      { action: 'already_known', detail: 'Known to Southwark MASH, ref MASH/26/118' },
    );

    // Check your answers: the applicant comes from the profile (SOP 8.3.1).
    expect(await page.locator('[data-qa="applicant"]').textContent()).toContain('PC Sam Jones');
    expect(await page.locator('[data-qa="answers"]').textContent()).toContain('Drill video goading rivals');
    const reference = await intake.send();
    expect(reference).toMatch(/^OHRT-\d{4}-\d{6}$/);

    await page.goto(`${server.baseUrl}/referrals/mine`);
    await expectAccessible(page);
    expect(await page.locator('[data-qa="my-referrals"]').textContent()).toContain(reference);
    await page.locator('[data-qa="referral-link"]').first().click();
    await expectAccessible(page);
    expect(await page.locator('main').textContent()).toContain('Drill video goading rivals');
    expect(watch.cspErrors).toEqual([]);
  });
});
