import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { referralIn } from '../test/factories.js';
import { chromiumAvailable, expectAccessible, launchBrowser, watchPage } from './support/browser.js';
import { startServer } from './support/server.js';

/**
 * Issue 15 points 4, 5, 7 in a real browser: the reports' pages pass axe (WCAG 2.2 AA) at desktop and
 * phone widths with the page's own CSP, the equality chart included (an inline SVG with a title and a
 * description, labelled in words so that it reads without colour).
 */
describe.skipIf(!chromiumAvailable())('the reports in a browser', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let session: string;

  beforeAll(async () => {
    server = await startServer({ clock: () => new Date('2026-03-10T10:00:00Z') });
    const many = (n: number, ethnicity: string) =>
      Array.from({ length: n }, (_, i) => ({
        name: `@e2e_${ethnicity}_${i}`,
        category: 'other',
        ageBand: '18_24',
        ethnicity,
        ethnicityRecordedAs: 'self_defined',
      }));
    await referralIn(server, 'closed', {
      closing: 'removed',
      referral: { subjects: [...many(8, 'white_british'), ...many(6, 'black_african'), ...many(5, 'asian_pakistani')] },
    });
    const inspector = await server.user(['inspector']);
    session = await server.services.auth.startSession(inspector.id);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  for (const width of [1280, 390])
    it(`passes axe on every report page at ${width} px`, async () => {
      const page = await browser.context.newPage();
      await browser.context.addCookies([{ name: 'rd_session', value: session, url: server.baseUrl }]);
      await page.setViewportSize({ width, height: 900 });
      const watched = watchPage(page);
      for (const url of ['/reports', '/reports/children', '/reports/equality?from=2026-01-01', '/reports/transparency?year=2026']) {
        const res = await page.goto(`${server.baseUrl}${url}`);
        expect(res?.status(), url).toBe(200);
        await expectAccessible(page);
        // Nothing widens the page past the screen: wide tables scroll in their box, the chart shrinks.
        expect(await page.evaluate(() => document.documentElement.scrollWidth), url).toBeLessThanOrEqual(width);
      }
      await page.goto(`${server.baseUrl}/reports/equality?from=2026-01-01`);
      expect(await page.locator('[data-qa="equality-chart"] svg title').textContent()).toContain('times the White rate');
      expect(watched.cspErrors).toEqual([]);
      await page.close();
    });
});
