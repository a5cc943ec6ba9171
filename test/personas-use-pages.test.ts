import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { users } from '../src/db/schema/index.js';
import { referralIn } from './factories.js';
import type { TestApp, TestUser } from './harness.js';
import { personaApp, personaCast, personaIn, type PersonaCast } from './personas-support.js';
import { capturedLog, findSecrets, scanForSecrets } from './secret-scan.js';

/**
 * The use log's pages (FOI 003: per persona and per user; issue 14 points 4, 7) and the assign
 * form: a user's own uses, the referral's reference (linked for the unit), the subject viewed and
 * the repeated-viewing prompt on the page, and who can be assigned. Every page is scanned for the secrets.
 */
let t: TestApp;
let cast: PersonaCast;
const log = capturedLog();
const secrets: string[] = [];
const pages: { url: string; body: string }[] = [];
beforeAll(async () => {
  t = await personaApp({ personas: { repeatedViewing: { uses: 1, days: 28 } }, logger: log.logger });
  cast = await personaCast(t);
});
afterAll(() => t?.close());

async function as(u: TestUser) {
  const b = await t.browser(u);
  const keep = <R extends { body: string }>(url: string, res: R) => (pages.push({ url, body: res.body }), res);
  return {
    get: async (url: string) => keep(url, await b.get(url)),
    post: async (url: string, form: Record<string, string>) => keep(url, await b.post(url, form)),
  };
}
async function active(by?: TestUser) {
  const p = await personaIn(t, cast, 'active', { by });
  secrets.push(p.password);
  return p;
}

describe('your uses of personas (FOI 003: the use log per user)', () => {
  it('lists the caller’s own uses with the persona and the referral’s reference, linked from the register', async () => {
    const me = await t.user(['operative'], { displayName: 'DC Mei-Ling Ó Súilleabháin' });
    const p = await active(me);
    const referral = await referralIn(t, 'in_review');
    const b = await as(me);
    expect((await b.get('/personas')).body).toContain('href="/personas/uses"');
    expect((await b.get('/personas/uses')).body).toContain('data-qa="no-uses"');
    await b.get(`/personas/${p.id}`);
    const used = await b.post(`/personas/${p.id}/uses`, {
      usePurpose: 'Check the story for Op Lantern',
      referralReference: referral.reference,
      subject: 'Jayden Doe (@jd_dr1ll)',
    });
    expect(used.statusCode).toBe(302);
    const mine = await b.get('/personas/uses');
    expect(mine.statusCode).toBe(200);
    expect(mine.body).toContain('Your uses of personas');
    expect(mine.body).toContain(`href="/personas/${p.id}">${p.userName}</a> on instagram.com`);
    expect(mine.body).toContain(`href="/referrals/${referral.id}" data-qa="referral-link">${referral.reference}</a>`);
    expect(mine.body).toContain('Jayden Doe (@jd_dr1ll)');
    expect(mine.body).toContain('data-qa="table-scroll"');
    // Someone else's uses are not in it.
    expect((await (await as(cast.operative)).get('/personas/uses')).body).not.toContain('Check the story for Op Lantern');
    // To requesters and admins the page does not exist.
    for (const u of [cast.requester, cast.admin]) expect((await (await as(u)).get('/personas/uses')).statusCode).toBe(404);
  });
});

describe('the subject viewed and the prompt on the page (issue 14 point 7)', () => {
  it('asks the RIPA 2000 question when the same subject comes back through another persona; links a bad subject’s error', async () => {
    const [a, b] = [await active(), await active()];
    const page = await as(cast.operative);
    await page.get(`/personas/${a.id}`);
    const bad = await page.post(`/personas/${a.id}/uses`, {
      usePurpose: 'View the profile',
      investigationReference: 'Op Zone9 A',
      subject: '@@@',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('href="#subject"');
    expect(bad.body).toContain('value="@@@"');
    expect(
      (
        await page.post(`/personas/${a.id}/uses`, {
          usePurpose: 'View the profile',
          investigationReference: 'Op Zone9 A',
          subject: '@Smoke_Zone9',
        })
      ).statusCode,
    ).toBe(302);
    await page.get(`/personas/${b.id}`);
    const again = { usePurpose: 'View the profile again', investigationReference: 'Op Zone9 B', subject: 'Marcus Bell (@smoke_zone9)' };
    const prompted = await page.post(`/personas/${b.id}/uses`, again);
    expect(prompted.statusCode).toBe(409);
    expect(prompted.body).toContain('data-qa="repeated-viewing"');
    expect(prompted.body).toContain('value="Marcus Bell (@smoke_zone9)"');
    expect((await page.post(`/personas/${b.id}/uses`, { ...again, repeatedViewingAnswer: 'authorised' })).statusCode).toBe(302);
    const logPage = (await (await as(cast.officer)).get(`/personas/${b.id}/uses`)).body;
    expect(logPage).toContain('Marcus Bell (@smoke_zone9)');
    expect(logPage).toContain('Prompted: authorisation in place');
  });
});

describe('error states', () => {
  it('asks for the referral or the investigation a use serves (issue 14 point 4), linked to the reference box', async () => {
    const p = await active();
    const b = await as(cast.operative);
    await b.get(`/personas/${p.id}`);
    const res = await b.post(`/personas/${p.id}/uses`, { usePurpose: 'View the profile' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('href="#referralReference"');
    expect(res.body).toContain('Enter the referral or the investigation the use serves');
  });

  it('asks for a date of birth left blank as missing, not as a format', async () => {
    const b = await as(cast.operative);
    await b.get('/personas/new');
    const res = await b.post('/personas', { website: 'instagram.com' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Enter the date of birth used');
    expect(res.body).not.toContain('must be in the format YYYY-MM-DD');
  });
});

describe('assigning (issue 14 point 2; DESIGN.md "Roles")', () => {
  it('lists every active operative and sergeant not yet assigned, and nobody else', async () => {
    const p = await active();
    const gone = await t.user(['operative'], { displayName: 'DC Left Theforce' });
    await t.db.update(users).set({ active: false }).where(eq(users.id, gone.id));
    const body = (await (await as(cast.officer)).get(`/personas/${p.id}`)).body;
    const form = body.slice(body.indexOf('data-qa="assign-form"'), body.indexOf('</form>', body.indexOf('data-qa="assign-form"')));
    expect(form).toContain(`value="${cast.sergeant.id}">DS Siân O’Connor-Hughes (sergeant)</option>`);
    expect(form).toContain(`value="${cast.otherOperative.id}">DC Zoë Łukasiewicz (operative)</option>`);
    for (const u of [cast.operative, gone, cast.inspector, cast.requester, cast.officer, cast.admin, cast.auditor])
      expect(form, u.displayName).not.toContain(u.id);
    const s = await as(cast.officer);
    await s.get(`/personas/${p.id}`);
    expect((await s.post(`/personas/${p.id}/assignees`, { userId: cast.sergeant.id })).statusCode).toBe(302);
    expect((await s.get(`/personas/${p.id}`)).body).toContain('DS Siân O’Connor-Hughes');
  });

  it('leaves no secret in any page, log line or stored column', async () => {
    expect(secrets.length).toBeGreaterThan(3);
    const all = secrets.flatMap((x) => [x, x.replace(/&/g, '&amp;')]);
    expect(pages.flatMap((pg) => findSecrets(pg.url, pg.body, all))).toEqual([]);
    expect(await scanForSecrets(t.db, all, { logLines: log.lines })).toEqual([]);
  });
});
