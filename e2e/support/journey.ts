import type { Page } from 'playwright-core';
import type { Role } from '../../src/domain/vocabulary.js';
import { SESSION_COOKIE } from '../../src/plugins/auth.js';
import type { TestUser } from '../../test/harness.js';
import { launchBrowser, watchPage } from './browser.js';
import { startServer } from './server.js';

/**
 * What every browser journey sets up: the app on a loopback port, one Chromium page watched for
 * CSP errors, the people of the journey, and `as` to change who is signed in. People arrive
 * signed in through a session cookie from the auth service: the sign-in form has its own journey
 * (e2e/intake-journey.test.ts) and tests (test/auth.test.ts), and going through it at every change
 * of person cost each journey seconds and could trip its per-address rate limit.
 */
export async function startJourney(options: Parameters<typeof startServer>[0] = {}) {
  const server = await startServer(options);
  const browser = await launchBrowser().catch(async (err: unknown) => {
    await server.close();
    throw err;
  });
  const page: Page = await browser.context.newPage();
  const watch = watchPage(page);
  const people = new Map<string, TestUser>();
  return {
    server,
    page,
    watch,
    /** A person of the journey (test/harness.ts `user`), whom `as` knows by their username. */
    async user(roles: Role[], over: Parameters<typeof server.user>[1] = {}) {
      const u = await server.user(roles, over);
      people.set(u.username, u);
      return u;
    },
    /** Signed in as `username` (whoever was before is signed out), on the home page. */
    async as(username: string) {
      const u = people.get(username);
      if (!u) throw new Error(`no person ${username} in this journey`);
      await browser.context.clearCookies();
      const session = await server.services.auth.startSession(u.id);
      await browser.context.addCookies([{ name: SESSION_COOKIE, value: session, url: server.baseUrl }]);
      await page.goto(`${server.baseUrl}/`);
    },
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

export type Journey = Awaited<ReturnType<typeof startJourney>>;
