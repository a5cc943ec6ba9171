import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaseworkPages } from './pages/casework.page.js';
import { ReferralIntakePages } from './pages/referral-intake.page.js';
import { chromiumAvailable, expectAccessible } from './support/browser.js';
import { startJourney, type Journey } from './support/journey.js';

/** Today in London, as the date inputs take it. */
function londonToday() {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', year: 'numeric', month: 'numeric', day: 'numeric' })
      .formatToParts(new Date())
      .map((p) => [p.type, p.value]),
  );
  return { day: parts.day!, month: parts.month!, year: parts.year! };
}

/**
 * DESIGN.md "Safeguarding (children and exploitation)" in the browser: a requester adds a child
 * subject and is asked what has been done to keep the child safe (an error first, then the
 * answer); the operative sees it, cannot send the review without their own answer, then does.
 * axe-core checks every page on the way, error pages included.
 */
describe.runIf(chromiumAvailable())('safeguarding in the browser', () => {
  let journey: Journey, server: Journey['server'], page: Page, watch: Journey['watch'];
  let referralId = '';

  beforeAll(async () => {
    ({ server, page, watch } = journey = await startJourney());
    await journey.user(['requester'], { username: 'pc.okoro', displayName: 'PC Chidi Okoro' });
    await journey.user(['operative'], { username: 'dc.lindqvist', displayName: 'DC Maja Lindqvist' });
  });
  afterAll(() => journey?.close());

  const as = (username: string) => journey.as(username);

  it('the requester is asked the safeguarding question for a child subject and sees the answer on check your answers', async () => {
    await as('pc.okoro');
    const intake = new ReferralIntakePages(page, server.baseUrl);
    await intake.start();
    await intake.content('Video threatening a Year 8 pupil', 'https://www.youtube.com/watch?v=safeguard01');
    await intake.platforms(['youtube']);
    await intake.uploaded({ day: '1', month: '11', year: '2026' });
    await intake.incident();
    await intake.rationale('Names and threatens a 12-year-old outside her school.');
    await intake.addSubject({ name: 'Zara Nwosu', category: 'victim', ageBand: 'under_13' });

    expect(page.url()).toBe(`${server.baseUrl}/referrals/new/safeguarding`);
    expect(await page.locator('h1').textContent()).toContain('What has been done to keep the child safe?');
    // Continue without an answer: the error summary links to both fields.
    await page.locator('[data-qa="continue"]').click();
    await expectAccessible(page);
    expect(await page.title()).toMatch(/^Error: /);
    const links = await page.locator('.govuk-error-summary a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    expect(links).toEqual(['#action', '#detail']);

    await intake.safeguarding({ action: 'referred', detail: 'Referred to Haringey MASH, ref MASH-2026-7731' });
    await page.locator('[data-qa="continue"]').click();
    await expectAccessible(page);
    const answers = (await page.locator('[data-qa="answers"]').textContent()) ?? '';
    expect(answers).toContain('Referred to a safeguarding team');
    expect(answers).toContain('Haringey MASH, ref MASH-2026-7731');
    await intake.send();
    await page.locator('[data-qa="view-referral"]').click();
    referralId = page.url().split('/').pop()!;
  });

  it('the operative sees the answer, cannot send the review without their own, then sends it', async () => {
    await as('dc.lindqvist');
    const casework = new CaseworkPages(page, server.baseUrl);
    await casework.open(referralId);
    expect(await page.locator('[data-qa="safeguarding"]').textContent()).toContain('Haringey MASH, ref MASH-2026-7731');
    await casework.claim();

    await casework.fillReview({ platform: 'youtube', clause: 'harassment_cyberbullying', reviewedOn: londonToday() });
    await casework.previewReview();
    expect(await page.locator('.govuk-error-summary').textContent()).toContain('Record what has been done to safeguard the child');
    expect(await page.locator('.govuk-error-summary a').first().getAttribute('href')).toBe('#safeguardingAction');
    await page.locator('.govuk-error-summary a').first().click();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('safeguardingAction');

    await casework.fillSafeguarding({ action: 'already_known', detail: 'Open to Haringey children’s social care, case 55102' });
    await casework.previewReview();
    await casework.sendReview();
    expect(await casework.status()).toMatch(/Awaiting QA/i);
    const panel = (await page.locator('[data-qa="safeguarding-answers"]').textContent()) ?? '';
    expect(panel).toContain('Requester, at intake');
    expect(panel).toContain('Reviewer, at review');
    expect(panel).toContain('case 55102');
    const timeline = (await page.locator('[data-qa="timeline"]').textContent()) ?? '';
    expect(timeline).toContain('Safeguarding answer recorded');
    expect(timeline).toContain('Reviewer, at review: Already known to a safeguarding team.');
    expect(watch.cspErrors).toEqual([]);
  });
});
