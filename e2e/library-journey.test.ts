import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actorOf } from '../test/harness.js';
import { removedMusic } from '../test/library-support.js';
import { makeMedia } from '../test/media.js';
import { chromiumAvailable, expectAccessible } from './support/browser.js';
import { startJourney, type Journey } from './support/journey.js';

/**
 * The Domain library and retention in the browser (SOP 10.8, 2.2; issue 13): an inspector finds
 * what expires soon, keeps a hold whose review has come with a new review date, and sees the
 * retention page; an auditor sees the deletion certificate the sweep left. axe-core checks each page.
 */
describe.runIf(chromiumAvailable())('the library and retention in the browser', () => {
  const TODAY = new Date('2026-12-05T10:00:00Z');
  let now: Date | null = null;
  let journey: Journey, server: Journey['server'], page: Page, watch: Journey['watch'];
  let dir: string;
  let soon: Awaited<ReturnType<typeof removedMusic>>;
  let held: Awaited<ReturnType<typeof removedMusic>>;
  let gone: Awaited<ReturnType<typeof removedMusic>>;

  beforeAll(async () => {
    ({ server, page, watch } = journey = await startJourney({ jobs: 'send', clock: () => now ?? TODAY }));
    await journey.user(['inspector'], { username: 'di.achterberg', displayName: 'DI Saskia Achterberg' });
    await journey.user(['auditor'], { username: 'ms.ferreira', displayName: 'Ana Ferreira' });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'library-journey-'));
    const track = (n: number) => ({ filename: `track-${n}.mp3`, data: fs.readFileSync(path.join(dir, `track-${n}.mp3`)) });
    for (const n of [1, 2, 3]) await makeMedia(dir, `track-${n}.mp3`, 'mp3', 1, 400 + 100 * n);
    const setNow = (d: Date | null) => (now = d);
    soon = await removedMusic(server, setNow, '2025-12-20', track(1), { contentTitle: 'Zone 2 – “Kitchen Talk”' });
    held = await removedMusic(server, setNow, '2025-10-01', track(2), { contentTitle: 'Block 6 – “Risky Road”' });
    gone = await removedMusic(server, setNow, '2025-11-02', track(3), { contentTitle: 'Unknown T – “Homerton”' });
    // Held in the summer, its review date has come.
    await server.services.library.placeHold(actorOf(held.made.people.sergeant), held.entry.id, {
      investigationReference: 'Op Trident 26/114',
      reason: 'Played at the scene before the stabbing',
      reviewOn: '2026-12-05',
    });
  });
  afterAll(async () => {
    await journey?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const as = (username: string) => journey.as(username);

  it('an inspector finds what expires soon and keeps a hold due for review with a new review date', async () => {
    await as('di.achterberg');
    await page.getByRole('link', { name: 'Library', exact: true }).click();
    await expectAccessible(page);
    await page.getByLabel('Expiring within 30 days').check();
    await page.locator('[data-qa="search"]').click();
    // Due already (the sweep has not run yet) or within 30 days; never the held one.
    await expect.poll(() => page.locator('table tbody tr').count()).toBe(2);
    const rows = await page.locator('table tbody').innerText();
    expect(rows).toContain('Zone 2 – “Kitchen Talk”');
    expect(rows).toContain('Unknown T – “Homerton”');
    expect(rows).not.toContain('Risky Road');
    await expectAccessible(page);

    await page.goto(`${server.baseUrl}/library/${held.entry.id}`);
    expect(await page.locator('[data-qa="hold-review-due"]').innerText()).toContain('due for review on 5 December 2026');
    await page.locator('[data-qa="keep"]').click();
    await expectAccessible(page);
    expect(await page.locator('.govuk-error-summary').innerText()).toContain('Enter why the investigation still needs the entry');
    await page.locator('[data-qa="keep-reason"]').fill('Retrial listed for March');
    await page.locator('#keepReviewOn-day').fill('31');
    await page.locator('#keepReviewOn-month').fill('3');
    await page.locator('#keepReviewOn-year').fill('2027');
    await page.locator('[data-qa="keep"]').click();
    await expect.poll(() => page.locator('.govuk-notification-banner').innerText()).toContain('The hold is kept');
    expect(await page.locator('[data-qa="hold"]').innerText()).toContain('31 March 2027');
    expect(await page.locator('[data-qa="hold-review-due"]').count()).toBe(0);
    await expectAccessible(page);
  });

  it('the retention page lists what expires and what is held; the auditor sees the certificate the sweep left', async () => {
    await page.getByRole('link', { name: 'Retention', exact: true }).click();
    const expiring = await page.locator('[data-qa="expiring"]').innerText();
    expect(expiring).toContain(soon.made.reference);
    expect(expiring).toContain('Expired 2 November 2026: deleted at the next sweep');
    expect(await page.locator('[data-qa="held"]').innerText()).toContain('Op Trident 26/114');
    expect(await page.locator('[data-qa="no-review-due"]').count()).toBe(1);
    expect(await page.locator('[data-qa="certificates"]').count()).toBe(0);
    await expectAccessible(page);

    const swept = await server.services.retention.sweep({ dryRun: false });
    // The library's lines; the referrals closed by those removals over 12 months ago go too (issue 15 point 1).
    const library = swept.filter((s) => s.entity === 'library_entry');
    expect(library.map((s) => [s.reference, s.outcome])).toEqual([[gone.made.reference, 'deleted']]);
    expect(swept.filter((s) => s.entity === 'referral').map((s) => s.reference)).toContain(gone.made.reference);
    await as('ms.ferreira');
    await page.getByRole('link', { name: 'Retention', exact: true }).click();
    const certificates = await page.locator('[data-qa="certificates"]').innerText();
    expect(certificates).toContain(gone.made.reference);
    expect(certificates).not.toContain('Homerton');
    // An auditor reads the references, not the library (the unit's).
    expect(await page.locator('[data-qa="entry-link"]').count()).toBe(0);
    await expectAccessible(page);
    expect(watch.cspErrors).toEqual([]);
  });

  it('an inspector holds a closed referral from its page, and is asked before releasing (issue 15 point 1)', async () => {
    await as('di.achterberg');
    await page.goto(`${server.baseUrl}/referrals/${soon.made.id}`);
    await page.locator('[data-qa="retention-link"] a').click();
    expect(await page.locator('[data-qa="not-held"]').innerText()).toContain('20 December 2026');
    await expectAccessible(page);
    await page.locator('[data-qa="investigation-reference"]').fill('Op Nightjar 26/201');
    await page.locator('[data-qa="hold-reason"]').fill('Footage used in a charging decision');
    await page.locator('#reviewOn-day').fill('1');
    await page.locator('#reviewOn-month').fill('6');
    await page.locator('#reviewOn-year').fill('2027');
    await page.locator('[data-qa="hold"]').click();
    await expect.poll(() => page.locator('.govuk-notification-banner').innerText()).toContain('held for the investigation');
    await page.locator('[data-qa="release-reason"]').fill('No further action by the CPS');
    await page.locator('[data-qa="release"]').click();
    await expect.poll(() => page.locator('h1').innerText()).toContain('Are you sure you want to release the hold?');
    await expectAccessible(page);
    await page.locator('[data-qa="confirm-release"]').click();
    await expect.poll(() => page.locator('.govuk-notification-banner').innerText()).toContain('The hold is released');
    expect(watch.cspErrors).toEqual([]);
  });
});
