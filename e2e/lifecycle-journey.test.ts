import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaseworkPages } from './pages/casework.page.js';
import { ReferralIntakePages } from './pages/referral-intake.page.js';
import { chromiumAvailable, expectAccessible } from './support/browser.js';
import { startJourney, type Journey } from './support/journey.js';

/** A London calendar day and clock time some minutes ago, as the forms take them. */
function londonAgo(minutes: number) {
  const d = new Date(Date.now() - minutes * 60_000);
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/London',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hour12: false,
    })
      .formatToParts(d)
      .map((p) => [p.type, p.value]),
  );
  return { day: { day: parts.day!, month: parts.month!, year: parts.year! }, time: `${parts.hour}:${parts.minute}` };
}

/**
 * Issue 3's whole life cycle by three people through the pages (SOP 8-10): a requester refers,
 * an operative claims and reviews, a sergeant returns it with a comment, the operative reviews
 * again, the sergeant approves; the operative sends it, records the platform's refusal, appeals,
 * records the removal; the requester sees the outcome. axe-core checks every page on the way.
 */
describe.runIf(chromiumAvailable())('life cycle in the browser', () => {
  let journey: Journey, server: Journey['server'], page: Page, watch: Journey['watch'];
  let casework: CaseworkPages;
  let referralId = '';
  let reference = '';
  const today = londonAgo(0).day;

  beforeAll(async () => {
    ({ server, page, watch } = journey = await startJourney());
    await journey.user(['requester'], { username: 'pc.requester', displayName: 'PC Rae Quest' });
    await journey.user(['operative'], { username: 'pc.operative', displayName: 'PC Opie Ratt' });
    await journey.user(['sergeant'], { username: 'ps.sergeant', displayName: 'PS Sarge Ant' });
    casework = new CaseworkPages(page, server.baseUrl);
  });
  afterAll(() => journey?.close());

  const as = (username: string) => journey.as(username);

  it('a requester refers content', async () => {
    await as('pc.requester');
    const intake = new ReferralIntakePages(page, server.baseUrl);
    await intake.start();
    await intake.content('Drill video taunting rivals', 'https://www.youtube.com/watch?v=lifecycle01');
    await intake.platforms(['youtube']);
    await intake.uploaded({ day: '1', month: '11', year: '2026' });
    await intake.incident();
    await intake.rationale('Mocks a stabbing and names the rival group; likely retaliation.');
    await intake.subjects();
    reference = await intake.send();
    await page.locator('[data-qa="view-referral"]').click();
    referralId = page.url().split('/').pop()!;
    expect(await casework.status()).toContain('Submitted');
  });

  it('an operative claims and reviews it; the sergeant returns it with a comment', async () => {
    await as('pc.operative');
    await page.goto(`${server.baseUrl}/queue`);
    await expectAccessible(page);
    expect(await page.locator('main').textContent()).toContain(reference);
    await casework.open(referralId);
    await casework.claim();
    expect(await casework.status()).toContain('In review');
    await casework.reviewAndRefer({ platform: 'youtube', clause: 'violent_criminal_organisations', reviewedOn: today });
    expect(await casework.status()).toContain('Awaiting QA');

    await as('ps.sergeant');
    await casework.open(referralId);
    await casework.qaReturn('Cite the harassment clause as well.');
    expect(await casework.status()).toContain('In review');
    expect(await page.locator('[data-qa="timeline"]').textContent()).toContain('Cite the harassment clause as well.');
  });

  it('the operative reviews again and the sergeant, not the author, approves it', async () => {
    await as('pc.operative');
    await casework.open(referralId);
    // SOP 10.2: the author is never offered QA.
    expect(await page.locator('[data-qa="quality-assure"]').count()).toBe(0);
    await casework.reviewAndRefer({ platform: 'youtube', clause: 'harassment_cyberbullying', reviewedOn: today });

    await as('ps.sergeant');
    await casework.open(referralId);
    await casework.qaApprove();
    expect(await casework.status()).toContain('Referred');
    await page.locator('[data-qa="intelligence-record-link"]').click();
    await expectAccessible(page);
    expect(await page.locator('main').textContent()).toContain('B2P');
  });

  it('the operative sends it, records a refusal, appeals, and records the removal; the requester sees it', async () => {
    await as('pc.operative');
    await casework.open(referralId);
    // Not before the approval (a minute ago at most): the form takes the minute.
    const sent = londonAgo(0);
    await casework.recordSubmission('youtube', sent.day, sent.time, 'TF-2026-0042');
    await casework.recordDecision('youtube', 'not_removed', today);
    await casework.recordAppeal('youtube', 'The video names the group and the victim; the platform missed the context.');
    await casework.recordDecision('youtube', 'removed', today);
    expect(await casework.status()).toContain('Closed');
    expect(await casework.status()).toContain('Removed');

    await as('pc.requester');
    await page.goto(`${server.baseUrl}/referrals/mine`);
    await expectAccessible(page);
    const row = page.locator('[data-qa="my-referrals"] tr', { hasText: reference });
    expect(await row.textContent()).toMatch(/Removed/i);
    expect(watch.cspErrors, watch.cspErrors.join('\n')).toEqual([]);
  });
});
