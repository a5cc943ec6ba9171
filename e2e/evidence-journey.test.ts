import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { referralIn } from '../test/factories.js';
import { startMediaServer, type MediaServer } from '../test/media-server.js';
import { makeMedia } from '../test/media.js';
import { childEnv, runToEnd, temporaryDir } from '../test/processes.js';
import { EvidencePages } from './pages/evidence.page.js';
import { chromiumAvailable, expectAccessible } from './support/browser.js';
import { startJourney, type Journey } from './support/journey.js';

/**
 * Issue 12, "Done when", in the browser: an operative uploads a file and captures another from an
 * address (a page with a <video> on a local server), sees the metadata, contact sheet, waveform
 * and playback on the capture and review pages, and exports an evidence package whose hashes
 * verify with the CLI. axe-core checks each page.
 */
describe.runIf(chromiumAvailable())('evidence in the browser', () => {
  let journey: Journey, server: Journey['server'], page: Page, watch: Journey['watch'];
  let media: MediaServer;
  const work = temporaryDir('rd-e2e-evidence-');
  let webm = '';
  let referralId = '';

  beforeAll(async () => {
    ({ server, page, watch } = journey = await startJourney({ jobs: 'work' }));
    webm = await makeMedia(work.dir, 'drill-clip.webm', 'webm', 3);
    const mp4 = await makeMedia(work.dir, 'page-clip.mp4', 'mp4', 2, 660);
    media = await startMediaServer({ 'page-clip.mp4': mp4 });
    const operative = await journey.user(['operative'], { username: 'dc.lindqvist', displayName: 'DC Maja Lindqvist' });
    const sergeant = await journey.user(['sergeant'], { username: 'ps.adeyemi', displayName: 'PS Tunde Adeyemi' });
    // Referred: it has its intelligence record (the package's handling code) and is still open for captures.
    ({ id: referralId } = await referralIn(server, 'referred', { people: { operative, sergeant } }));
    await journey.as('dc.lindqvist');
  });
  afterAll(async () => {
    await journey?.close();
    await media?.close();
    work.remove();
  });

  it('uploads a file and captures a page from its address, showing progress and then the hashes', async () => {
    await page.goto(`${server.baseUrl}/referrals/${referralId}`);
    await page.locator('[data-qa="evidence-link"]').click();
    await expectAccessible(page);
    const evidence = new EvidencePages(page, server.baseUrl);
    await evidence.upload(webm);
    expect(await page.locator('[data-qa="uploaded"]').textContent()).toContain('The file has been stored');
    await expectAccessible(page);
    await evidence.captureUrl(media.url(`/page?src=${encodeURIComponent('files/page-clip.mp4')}&title=Drill`));
    expect(await page.locator('[data-qa="requested"]').textContent()).toContain('fetched in the background');
    const table = await evidence.waitForCaptures(referralId, (t) => !t.includes('Fetching') && !t.includes('Analysing'));
    expect(table).toContain('video/webm');
    expect(table).toContain('yt-dlp');
    expect(await page.locator('[data-qa="sha256"]').count()).toBe(2);
    await expectAccessible(page);
  });

  it('shows a capture’s metadata, contact sheet, waveform and playback', async () => {
    await page.goto(`${server.baseUrl}/referrals/${referralId}/evidence`);
    await page.locator('[data-qa="captures"] a').first().click();
    await expectAccessible(page);
    const analysis = (await page.locator('[data-qa="analysis"]').textContent()) ?? '';
    expect(analysis).toContain('vp8, 320 × 240');
    expect(analysis).toContain('0:03');
    for (const image of ['contact-sheet', 'waveform'])
      expect(await page.locator(`[data-qa="${image}"]`).evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(
        true,
      );
    // The player loads the video from the content endpoint (range requests) and can play it.
    const duration = await page.locator('[data-qa="player"]').evaluate(
      (v: HTMLVideoElement) =>
        new Promise<number>((resolve) => {
          if (v.readyState >= 1) resolve(v.duration);
          v.addEventListener('loadedmetadata', () => resolve(v.duration));
          v.addEventListener('error', () => resolve(-1));
        }),
    );
    expect(duration).toBeGreaterThan(2.5);
    // The referral page lists both captures with their hashes (the review page's panel is tested in test/evidence-pages.test.ts).
    await page.goto(`${server.baseUrl}/referrals/${referralId}`);
    expect(await page.locator('[data-qa="evidence-list"] [data-qa="sha256"]').count()).toBe(2);
    expect(watch.cspErrors).toEqual([]);
  });

  it('exports an evidence package whose hashes verify with the CLI', async () => {
    const evidence = new EvidencePages(page, server.baseUrl);
    await evidence.open(referralId);
    await evidence.makePackage('DC Priya Shah, Operation Larch', 'Evidence for the investigation of the threats in the video');
    await expectAccessible(page);
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-qa="package-download"]').click()]);
    const file = path.join(work.dir, 'package.zip');
    await download.saveAs(file);
    expect(fs.statSync(file).size).toBeGreaterThan(1000);
    const verified = await runToEnd('cli', ['evidence', 'verify', file], {
      env: childEnv({ dataDir: work.dir }),
      timeoutMs: 60_000,
    });
    expect(verified.code, verified.output).toBe(0);
    expect(verified.output.match(/^ok {2}captures\//gm)).toHaveLength(2);
  });
});
