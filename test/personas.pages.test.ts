import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { users } from '../src/db/schema/index.js';
import { referralIn } from './factories.js';
import { actorOf, PASSWORD, type TestApp, type TestUser } from './harness.js';
import { personaApp, personaCast, personaIn, personaInput, type PersonaCast } from './personas-support.js';
import { capturedLog, findSecrets, scanForSecrets } from './secret-scan.js';

/**
 * The persona register's pages (FOI 003; issue 14 points 1-5, 7-9): each page per role, errors
 * linked to their fields, the reveal's one-time answer, and no secret in any other page. Every
 * page body of this file is kept and scanned for the secrets at the end.
 */
const START = new Date('2026-03-10T10:00:00Z');
let now = START;
let t: TestApp;
let cast: PersonaCast;
const pages: { url: string; body: string; reveal: boolean }[] = [];
const secrets = new Set<string>();
const log = capturedLog();

beforeAll(async () => {
  t = await personaApp({ clock: () => now, personas: { repeatedViewing: { uses: 1, days: 28 } }, logger: log.logger });
  cast = await personaCast(t);
});
afterAll(() => t?.close());

/** A browser as `u` whose every page is kept for the final scan. */
async function as(u: TestUser) {
  const b = await t.browser(u);
  const keep = <R extends { body: string; statusCode: number }>(url: string, res: R, reveal = false) => {
    pages.push({ url, body: res.body, reveal: reveal && res.statusCode === 200 });
    return res;
  };
  return {
    get: async (url: string) => keep(url, await b.get(url)),
    post: async (url: string, form: Record<string, string> = {}) => keep(url, await b.post(url, form), url.endsWith('/reveal')),
  };
}
async function made(status: 'requested' | 'active' | 'suspended' | 'retired' | 'refused', by?: TestUser) {
  const p = await personaIn(t, cast, status, { by });
  secrets.add(p.password);
  return p;
}
const tableRows = (html: string) => html.match(/data-qa="persona-link"/g)?.length ?? 0;

describe('the register (issue 14 point 1)', () => {
  it('lists the whole register for a sergeant, only the assigned personas for an operative, with filters and paging', async () => {
    const mine = await made('active');
    const hostile = '<img src=x onerror=alert(1)> “Zoë”';
    const sergeants = await personaIn(t, cast, 'requested', { by: cast.sergeant, input: { userName: hostile } });
    secrets.add(sergeants.password);
    const all = await (await as(cast.sergeant)).get('/personas');
    expect(all.statusCode).toBe(200);
    // Escaped, never markup, in the list and on the persona's page.
    expect(all.body).toContain('&lt;img src=x onerror=alert(1)&gt; “Zoë”');
    expect(all.body).not.toContain(hostile);
    expect((await (await as(cast.sergeant)).get(`/personas/${sergeants.id}`)).body).not.toContain(hostile);
    expect(all.body).toContain(`href="/personas/${mine.id}"`);
    expect(all.body).toContain(`href="/personas/${sergeants.id}"`);
    expect(all.body).toContain('data-qa="request-persona"');
    const operative = await (await as(cast.operative)).get('/personas');
    expect(operative.body).toContain(`href="/personas/${mine.id}"`);
    expect(operative.body).not.toContain(`href="/personas/${sergeants.id}"`);
    const other = await (await as(cast.otherOperative)).get('/personas');
    expect(other.body).toContain('No personas match.');
    // Filters as a GET form: status, website, review overdue.
    const s = await as(cast.sergeant);
    const requested = (await s.get('/personas?status=requested')).body;
    expect(requested).toContain(`href="/personas/${sergeants.id}"`);
    expect(requested).not.toContain(`href="/personas/${mine.id}"`);
    expect((await s.get('/personas?website=tiktok.com')).body).toContain('No personas match.');
    expect((await s.get('/personas?reviewOverdue=true')).body).toContain('No personas match.');
    const bad = await s.get('/personas?status=pending');
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('href="#status"');
    // A filter not understood lists nothing rather than the whole register.
    expect(bad.body).not.toContain('data-qa="persona-table"');
    // Inspectors and authorising officers read it, and do not ask for personas.
    for (const u of [cast.inspector, cast.officer]) {
      const page = await (await as(u)).get('/personas');
      expect(page.body).toContain(`href="/personas/${mine.id}"`);
      expect(page.body).not.toContain('data-qa="request-persona"');
    }
  });

  it('tags an overdue review, and pages past 25 rows', async () => {
    const p = await made('active', cast.sergeant);
    for (let i = 0; i < 25; i++) await personaIn(t, cast, 'requested', { by: cast.sergeant });
    now = new Date('2026-07-01T09:00:00Z');
    try {
      const s = await as(cast.sergeant);
      const overdue = (await s.get('/personas?reviewOverdue=true')).body;
      expect(overdue).toContain(`href="/personas/${p.id}"`);
      expect(overdue).toContain('data-qa="overdue"');
      const first = (await s.get('/personas')).body;
      expect(tableRows(first)).toBe(25);
      expect(first).toContain('href="/personas?page=2"');
      expect(tableRows((await s.get('/personas?page=2')).body)).toBeGreaterThan(1);
    } finally {
      now = START;
    }
  });

  it('does not exist for requesters and admins: 404 on every page and no header link', async () => {
    const p = await made('active');
    for (const u of [cast.requester, cast.admin]) {
      const b = await as(u);
      for (const url of ['/personas', '/personas/new', `/personas/${p.id}`, `/personas/${p.id}/uses`, `/personas/${p.id}/reveal`]) {
        const res = await b.get(url);
        expect(res.statusCode, url).toBe(404);
        expect(res.body).toContain('Page not found');
      }
      expect((await b.get('/')).body).not.toContain('href="/personas"');
    }
    expect((await (await as(cast.auditor)).get('/personas')).statusCode).toBe(403);
    expect((await (await as(cast.operative)).get('/')).body).toContain('href="/personas"');
  });
});

describe('requesting a persona (issue 14 point 2)', () => {
  it('links each error to its field and never sends the password back; then requests it', async () => {
    const b = await as(cast.operative);
    const form = await b.get('/personas/new');
    expect(form.body).toMatch(/<input[^>]+id="password"[^>]+type="password"[^>]+autocomplete="new-password"/);
    const password = `Hunter2 ✓ ${Date.now()}`;
    secrets.add(password).add('RECOVERY-77QZ-PAGES');
    const bad = await b.post('/personas', {
      website: '',
      yearJoined: 'twenty',
      userName: 'jade <script>',
      emailAddress: 'not-an-email',
      password,
      recoveryCodes: 'RECOVERY-77QZ-PAGES',
      'dateOfBirthUsed-day': '31',
      'dateOfBirthUsed-month': '2',
      'dateOfBirthUsed-year': '2001',
      justification: '',
    });
    expect(bad.statusCode).toBe(400);
    for (const id of ['website', 'yearJoined', 'emailAddress', 'dateOfBirthUsed', 'justification'])
      expect(bad.body, id).toMatch(new RegExp(`href="#${id}(-day)?"`));
    expect(bad.body).toContain('jade &lt;script&gt;');
    expect(bad.body).toContain('data-qa="secrets-again"');
    expect(bad.body).not.toContain(password);
    expect(bad.body).not.toContain('RECOVERY-77QZ-PAGES');
    const input = personaInput();
    secrets.add(input.password);
    const ok = await b.post('/personas', {
      ...input,
      yearJoined: String(input.yearJoined),
      'dateOfBirthUsed-day': '14',
      'dateOfBirthUsed-month': '7',
      'dateOfBirthUsed-year': '2001',
    });
    expect(ok.statusCode).toBe(302);
    const page = await b.get(ok.headers.location as string);
    expect(page.body).toContain('The persona is requested');
    expect(page.body).toContain('Password: held');
    expect(page.body).toContain('14 July 2001');
  });

  it('refuses a request without the form’s token (CSRF), and makes nothing', async () => {
    const before = (await t.services.personas.list(actorOf(cast.sergeant), { page: 1, pageSize: 1, reviewOverdue: undefined })).total;
    const b = await as(cast.operative);
    await b.get('/personas/new');
    const res = await b.post('/personas', { _csrf: 'forged', ...personaInput(), yearJoined: '2021' });
    expect(res.statusCode).toBe(403);
    expect((await t.services.personas.list(actorOf(cast.sergeant), { page: 1, pageSize: 1, reviewOverdue: undefined })).total).toBe(before);
  });
});

describe('a persona’s page (issue 14 points 2-5)', () => {
  it('offers each person only the forms they may use; the creator never sees authorise', async () => {
    const p = await made('requested');
    const forms = async (u: TestUser) => {
      const body = (await (await as(u)).get(`/personas/${p.id}`)).body;
      return ['decision-form', 'use-form', 'review-form', 'assign-form', 'reveal-link'].filter((f) => body.includes(`data-qa="${f}"`));
    };
    expect(await forms(cast.operative)).toEqual([]);
    expect(await forms(cast.officer)).toEqual(['decision-form', 'assign-form']);
    expect(await forms(cast.sergeant)).toEqual(['assign-form']);
    expect(await forms(cast.inspector)).toEqual([]);
    // An authorising officer who asked for it (as a sergeant too) is not offered the decision, and is refused it.
    const both = await t.user(['sergeant', 'authorising_officer']);
    const own = await made('requested', both);
    const mineBody = (await (await as(both)).get(`/personas/${own.id}`)).body;
    expect(mineBody).not.toContain('data-qa="decision-form"');
    expect(
      (await (await as(both)).post(`/personas/${own.id}/authorisation`, { decision: 'authorise', decisionReason: 'Mine' })).statusCode,
    ).toBe(403);

    const officer = await as(cast.officer);
    await officer.get(`/personas/${p.id}`);
    const bad = await officer.post(`/personas/${p.id}/authorisation`, { decisionReason: '' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('href="#decision"');
    expect(bad.body).toContain('href="#decisionReason"');
    const ok = await officer.post(`/personas/${p.id}/authorisation`, {
      decision: 'authorise',
      decisionReason: 'Necessary for Op Lantern.',
    });
    expect(ok.statusCode).toBe(302);
    expect((await officer.get(ok.headers.location as string)).body).toContain('The persona is authorised.');
    expect(await forms(cast.operative)).toEqual(['use-form', 'reveal-link']);
    expect(await forms(cast.officer)).toEqual(['review-form', 'assign-form', 'reveal-link']);
    expect(await forms(cast.sergeant)).toEqual(['assign-form']);
  });

  it('assigns a case worker, who then sees the persona and may use it', async () => {
    const p = await made('active');
    const s = await as(cast.sergeant);
    await s.get(`/personas/${p.id}`);
    expect((await s.post(`/personas/${p.id}/assignees`, { userId: '' })).body).toContain('href="#userId"');
    expect((await (await as(cast.otherOperative)).get(`/personas/${p.id}`)).statusCode).toBe(404);
    expect((await s.post(`/personas/${p.id}/assignees`, { userId: cast.otherOperative.id })).statusCode).toBe(302);
    const page = (await (await as(cast.otherOperative)).get(`/personas/${p.id}`)).body;
    expect(page).toContain('data-qa="use-form"');
    expect(page).toContain(cast.otherOperative.displayName);
  });

  it('records a use, asks the RIPA 2000 question on a repeated referral, and keeps the answer in the use log', async () => {
    const p = await made('active');
    const referral = await referralIn(t, 'in_review');
    const b = await as(cast.operative);
    await b.get(`/personas/${p.id}`);
    const empty = await b.post(`/personas/${p.id}/uses`, { usePurpose: '', referralReference: 'XYZ' });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('href="#referralReference"');
    const first = await b.post(`/personas/${p.id}/uses`, {
      usePurpose: 'View the closed story',
      referralReference: referral.reference.toLowerCase(),
    });
    expect(first.statusCode).toBe(302);
    const use = { usePurpose: 'View it again', referralReference: referral.reference };
    const prompted = await b.post(`/personas/${p.id}/uses`, use);
    expect(prompted.statusCode).toBe(409);
    expect(prompted.body).toContain('data-qa="repeated-viewing"');
    expect(prompted.body).toContain('RIPA 2000');
    expect(prompted.body).toContain('href="#repeatedViewingAnswer"');
    expect(prompted.body).toContain('View it again');
    expect((await b.post(`/personas/${p.id}/uses`, { ...use, repeatedViewingAnswer: 'not_needed' })).statusCode).toBe(302);
    const log = await (await as(cast.officer)).get(`/personas/${p.id}/uses`);
    expect(log.statusCode).toBe(200);
    expect(log.body).toContain('View the closed story');
    expect(log.body).toContain('Prompted: not needed');
    expect(log.body).toContain(cast.operative.displayName);
    // Issue 14 point 6: the referral's reference, linked only for those who may open referrals (the unit).
    expect(log.body).not.toContain(`href="/referrals/${referral.id}"`);
    expect(log.body).toContain(`<span class="app-nowrap" data-qa="referral-reference">${referral.reference}</span>`);
    expect((await (await as(cast.sergeant)).get(`/personas/${p.id}/uses`)).body).toContain(
      `<a class="govuk-link app-nowrap" href="/referrals/${referral.id}" data-qa="referral-link">${referral.reference}</a>`,
    );
    expect(log.body).toContain('data-qa="table-scroll"');
  });

  it('refuses a use while the review is overdue (409, the reason in the summary), until an officer reviews it', async () => {
    const p = await made('active');
    now = new Date('2026-07-01T09:00:00Z');
    try {
      const b = await as(cast.operative);
      expect((await b.get(`/personas/${p.id}`)).body).toContain('data-qa="review-overdue"');
      const refused = await b.post(`/personas/${p.id}/uses`, { usePurpose: 'Check messages', investigationReference: 'Op Lantern' });
      expect(refused.statusCode).toBe(409);
      expect(refused.body).toContain('href="#use-form"');
      expect(refused.body).toContain('must review it before it is used again');
      const officer = await as(cast.officer);
      await officer.get(`/personas/${p.id}`);
      const bad = await officer.post(`/personas/${p.id}/reviews`, {
        necessity: 'Op Lantern paused',
        proportionality: '',
        reviewDecision: 'suspend',
      });
      expect(bad.statusCode).toBe(400);
      for (const id of ['proportionality', 'reviewReason']) expect(bad.body).toContain(`href="#${id}"`);
      const ok = await officer.post(`/personas/${p.id}/reviews`, {
        necessity: 'Still needed',
        proportionality: 'Limited viewing only',
        reviewDecision: 'continue',
      });
      expect(ok.statusCode).toBe(302);
      const after = (await officer.get(`/personas/${p.id}`)).body;
      expect(after).toContain('Limited viewing only');
      expect(after).not.toContain('data-qa="review-overdue"');
      expect(
        (await b.post(`/personas/${p.id}/uses`, { usePurpose: 'Check messages', investigationReference: 'Op Lantern' })).statusCode,
      ).toBe(302);
    } finally {
      now = START;
    }
  });
});

describe('the reveal (issue 14 point 3)', () => {
  it('re-renders a wrong own password with its error, counted as a failed sign-in; shows the secret once, not cached', async () => {
    const p = await made('active');
    const b = await as(cast.operative);
    const form = await b.get(`/personas/${p.id}/reveal`);
    expect(form.statusCode).toBe(200);
    expect(form.body).not.toContain(p.password);
    const missing = await b.post(`/personas/${p.id}/reveal`, { purpose: '', currentPassword: '' });
    expect(missing.body).toContain('href="#purpose"');
    expect(missing.body).toContain('href="#currentPassword"');
    const wrong = await b.post(`/personas/${p.id}/reveal`, {
      purpose: 'Log in for Op Lantern',
      currentPassword: 'not mine',
      kind: 'password',
    });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.body).toContain('href="#currentPassword"');
    expect(wrong.body).toContain('That is not your password');
    expect(wrong.body).toContain('Log in for Op Lantern');
    expect(wrong.body).not.toContain(p.password);
    expect((await t.db.select().from(users).where(eq(users.id, cast.operative.id)))[0]!.failedSignIns).toBe(1);
    const shown = await b.post(`/personas/${p.id}/reveal`, {
      purpose: 'Log in for Op Lantern',
      currentPassword: PASSWORD,
      kind: 'password',
    });
    expect(shown.statusCode).toBe(200);
    expect(shown.headers['cache-control']).toBe('no-store');
    expect(shown.body).toContain(p.password.replace('&', '&amp;'));
    expect(shown.headers.location).toBeUndefined();
    // Not offered, and refused, to whom it does not belong.
    expect((await (await as(cast.inspector)).get(`/personas/${p.id}/reveal`)).statusCode).toBe(403);
    expect((await (await as(cast.sergeant)).post(`/personas/${p.id}/reveal`, { purpose: 'x', currentPassword: PASSWORD })).statusCode).toBe(
      403,
    );
  });

  it('finds no secret in any page but a reveal’s answer, nor in any log line or stored column', async () => {
    const p = await made('active');
    for (const u of [cast.operative, cast.sergeant, cast.officer, cast.inspector]) {
      const b = await as(u);
      for (const url of ['/personas', '/personas?page=2', `/personas/${p.id}`, `/personas/${p.id}/uses`]) await b.get(url);
    }
    expect(secrets.size).toBeGreaterThan(10);
    // A page shows a secret HTML-escaped: look for that form too.
    const all = [...secrets].flatMap((x) => [x, x.replace(/&/g, '&amp;')]);
    const inPages = pages.filter((pg) => !pg.reveal).flatMap((pg) => findSecrets(pg.url, pg.body, all));
    expect(inPages).toEqual([]);
    expect(log.lines.length).toBeGreaterThan(10);
    expect(await scanForSecrets(t.db, all, { logLines: log.lines })).toEqual([]);
    expect(pages.filter((pg) => pg.reveal)).toHaveLength(1);
  });
});
