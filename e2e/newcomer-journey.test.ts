import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actorOf, type TestUser } from '../test/harness.js';
import { CaseworkPages } from './pages/casework.page.js';
import { chromiumAvailable, expectAccessible } from './support/browser.js';
import { startJourney, type Journey } from './support/journey.js';

/**
 * Issue 10, point 6: what a newcomer tripped on, in a real browser with axe-core on every page.
 * People arrive signed in (a session cookie from the auth service): the sign-in form has its own
 * journey, and signing in six people here would trip its per-address rate limit.
 */
describe.runIf(chromiumAvailable())('what a newcomer tripped on, in the browser', () => {
  let journey: Journey, server: Journey['server'], page: Page, watch: Journey['watch'];
  let casework: CaseworkPages;
  const people = {} as Record<'requester' | 'operative' | 'sergeant' | 'inspector' | 'auditor', TestUser>;
  const bearer = {} as Record<keyof typeof people, Record<string, string>>;
  let seq = 0;

  beforeAll(async () => {
    ({ server, page, watch } = journey = await startJourney());
    people.requester = await journey.user(['requester'], { displayName: 'PC Siân O’Brien-Ng' });
    people.operative = await journey.user(['operative'], { displayName: 'DC Ola Adé' });
    people.sergeant = await journey.user(['sergeant'], { displayName: 'DS Sam Sergeant' });
    people.inspector = await journey.user(['inspector'], { displayName: 'DI Ines Pector' });
    people.auditor = await journey.user(['auditor'], { displayName: 'Aud Itor' });
    for (const k of Object.keys(people) as (keyof typeof people)[]) bearer[k] = await server.bearer(people[k]);
    casework = new CaseworkPages(page, server.baseUrl);
  });
  afterAll(() => journey?.close());

  const as = (who: keyof typeof people) => journey.as(people[who].username);

  const api = async (who: keyof typeof people, url: string, payload: unknown) => {
    const res = await server.app.inject({
      method: 'POST',
      url,
      headers: { ...bearer[who], 'content-type': 'application/json' },
      payload: JSON.stringify(payload),
    });
    expect(res.statusCode, res.body).toBeLessThan(300);
    return res.json() as { id: string; reference: string };
  };

  async function referral() {
    seq++;
    return api('requester', '/api/v1/referrals', {
      contentTitle: `Drill video “Ends” part ${seq}`,
      contentUrl: `https://www.youtube.com/watch?v=newcomer${String(seq).padStart(3, '0')}`,
      platforms: ['youtube'],
      contentUploadedOn: '2026-01-05',
      incidentReferences: [],
      rationale: 'Mocks a stabbing and names the rival group; likely retaliation.',
    });
  }

  it('a requester withdraws only after confirming, with a reason', async () => {
    const r = await referral();
    await as('requester');
    await expectAccessible(page);
    expect(await page.locator('[data-qa="requested-open"]').textContent()).toMatch(/^\s*1\s+open/);
    await casework.open(r.id);
    await page.locator('[data-qa="withdraw"]').click();
    await page.waitForLoadState('load');
    await expectAccessible(page);
    expect(await page.locator('h1').textContent()).toBe('Are you sure you want to withdraw this referral?');
    // No reason: the form says so, nothing is withdrawn.
    await page.locator('[data-qa="confirm-withdraw"]').click();
    await page.waitForLoadState('load');
    await expectAccessible(page);
    expect(await page.locator('.govuk-error-summary').textContent()).toContain('Enter why you are withdrawing the referral');
    await page.locator('#reason').fill('The uploader deleted the video.');
    await page.locator('[data-qa="confirm-withdraw"]').click();
    await page.waitForLoadState('load');
    await expectAccessible(page);
    expect(await page.locator('main .govuk-notification-banner').first().textContent()).toContain('You withdrew this referral');
    expect(await casework.status()).toContain('Closed');
    // The reason is for the unit, on the timeline (DESIGN.md "Who sees what": a requester's view has no comments).
    await as('operative');
    await casework.open(r.id);
    expect(await page.locator('[data-qa="timeline"]').textContent()).toContain('The uploader deleted the video.');
  });

  it('an operative sees their work on the home page, finds it by reference, and previews the review before QA', async () => {
    const r = await referral();
    await server.services.lifecycle.apply(actorOf(people.operative), r.id, { kind: 'claim' });
    await as('operative');
    await expectAccessible(page);
    expect(await page.locator('[data-qa="my-open-work"]').textContent()).toMatch(/^\s*1\s+in review, assigned to you/);

    // The queue finds it by a reference typed in lower case without its leading zeros.
    await page.goto(`${server.baseUrl}/queue`);
    await expectAccessible(page);
    const [prefix, year, number] = r.reference.split('-') as [string, string, string];
    await page.locator('#reference').fill(`${prefix.toLowerCase()}-${year}-${Number(number)}`);
    await page.locator('[data-qa="find"]').click();
    await page.waitForURL(`${server.baseUrl}/referrals/${r.id}`);
    await expectAccessible(page);

    await page.locator('[data-qa="review-and-assess"]').click();
    await page.waitForLoadState('load');
    await expectAccessible(page);
    expect(await page.locator('#draft_youtube').inputValue()).not.toMatch(/\{\{/);
    await page.locator('input[name="contentFormat"][value="video"]').check();
    await page.locator('input[name="factors"][value="inflammatory_language"]').check();
    await page.locator('#note_inflammatory_language').fill('Names the rival group.');
    await page.locator('#researchSummary').fill('Two linked incidents this year.');
    await page.locator('input[name="outcome"][value="refer"]').check();
    await page.locator('input[name="refer_youtube"]').check();
    await page.locator('input[name="terms_youtube"][value="violent_criminal_organisations"]').check();
    await page.locator('#rationale').fill('Likely to provoke retaliation;\nbreaches the terms.');
    await casework.previewReview();
    const draft = await casework.previewedDraft('youtube');
    expect(draft).toContain('Violent criminal organisations');
    expect(draft).toContain('Why: Likely to provoke retaliation;\nbreaches the terms.');
    expect(draft).not.toMatch(/\{\{|\[the /);

    // "Change" keeps every answer, line breaks included.
    await casework.changeReview();
    expect(await page.locator('#rationale').inputValue()).toBe('Likely to provoke retaliation;\nbreaches the terms.');
    expect(await page.locator('input[name="terms_youtube"][value="violent_criminal_organisations"]').isChecked()).toBe(true);
    await casework.previewReview();
    await casework.sendReview();
    expect(await page.locator('main .govuk-notification-banner').first().textContent()).toContain('Sent to QA');
    expect(await casework.status()).toContain('Awaiting QA');
    expect(await page.locator('[data-qa="timeline"]').textContent()).toContain('Sent to QA');
  });

  it('a sergeant sees what awaits QA; the intelligence record prints without the page around it', async () => {
    await as('sergeant');
    await expectAccessible(page);
    expect(await page.locator('[data-qa="awaiting-qa-count"]').textContent()).toMatch(/^\s*1\s+referral Awaiting QA/);
    await page.locator('[data-qa="awaiting-qa-count"]').click();
    await page.waitForLoadState('load');
    await page.locator('[data-qa="referral-link"]').first().click();
    await page.waitForLoadState('load');
    await casework.qaApprove();
    await page.locator('[data-qa="intelligence-record-link"]').click();
    await page.waitForLoadState('load');
    await expectAccessible(page);
    // The print button is there with JavaScript; it opens the print dialogue (not testable headless).
    expect(await page.locator('[data-qa="print"]').isVisible()).toBe(true);
    await page.emulateMedia({ media: 'print' });
    for (const gone of ['header', '.govuk-footer', '[data-qa="print"]', '[data-qa="intelligence-text"]', 'form'])
      expect(await page.locator(gone).first().isVisible(), gone).toBe(false);
    const marking = page.locator('[data-qa="marking"]');
    expect(await marking.isVisible()).toBe(true);
    expect(await marking.textContent()).toMatch(/OFFICIAL-SENSITIVE\s*Handling code P:/);
    const top = await marking.boundingBox();
    const heading = await page.locator('h1').boundingBox();
    expect(top!.y).toBeLessThan(heading!.y);
    await page.emulateMedia({ media: 'screen' });
  });

  it('the inspector and the auditor find their pages from home; a wide table scrolls in its box on a phone', async () => {
    await as('inspector');
    await expectAccessible(page);
    expect(await page.locator('[data-qa="unit-queue"]').textContent()).toContain('Awaiting QA');
    await as('auditor');
    await expectAccessible(page);
    expect(await page.locator('[data-qa="auditor-pages"] a').getAttribute('href')).toBe('/audit');
    // The 403 page says one thing in its title and heading.
    await page.goto(`${server.baseUrl}/queue`);
    expect(await page.title()).toBe('You cannot see this page – Referral Desk');
    expect(await page.locator('h1').textContent()).toBe('You cannot see this page');

    await as('operative');
    await page.setViewportSize({ width: 375, height: 800 });
    await page.goto(`${server.baseUrl}/queue`);
    await expectAccessible(page);
    const widths = await page.evaluate(() => ({
      page: document.documentElement.scrollWidth,
      box: document.querySelector('.app-table-scroll')!.clientWidth,
      table: document.querySelector('.app-table-scroll table')!.scrollWidth,
    }));
    expect(widths.page).toBeLessThanOrEqual(375);
    expect(widths.table).toBeGreaterThan(widths.box);
    await page.setViewportSize({ width: 1280, height: 800 });
    expect(watch.cspErrors, watch.cspErrors.join('\n')).toEqual([]);
  });
});
