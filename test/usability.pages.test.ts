import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { referralIn, type State, REVIEW_TO_YOUTUBE_AND_INSTAGRAM as reviewBody } from './factories.js';
import { createTestApp, type TestApp, type TestUser } from './harness.js';

/**
 * Issue 10, point 6: what a newcomer tripped on in the pages. Each test names the trip.
 */
const NOW = new Date('2026-03-10T10:00:00Z');

let t: TestApp;
let requester: TestUser;
let otherRequester: TestUser;
let operative: TestUser;
let sergeant: TestUser;
let inspector: TestUser;
let auditor: TestUser;
let seq = 0;

beforeAll(async () => {
  t = await createTestApp({ clock: () => NOW });
  requester = await t.user(['requester'], { displayName: 'PC Siân O’Brien-Ng' });
  otherRequester = await t.user(['requester']);
  operative = await t.user(['operative'], { displayName: 'DC Ola Adé' });
  sergeant = await t.user(['sergeant'], { displayName: 'DS Sam Sergeant' });
  inspector = await t.user(['inspector']);
  auditor = await t.user(['auditor']);
});
afterAll(() => t.close());

const api = async (u: TestUser, method: 'GET' | 'POST', url: string, payload?: unknown) =>
  method === 'GET' ? (await t.api(u)).get(url) : (await t.api(u)).post(url, payload);

/** A referral in `state` by `by`, worked by `worker` (the operative unless said), sent to QA with `reviewBody`. */
async function referral(state: State, by: TestUser = requester, worker: TestUser = operative) {
  seq++;
  const referral = {
    contentTitle: `Drill video “Ends” — part ${seq}`,
    platforms: ['youtube', 'instagram'],
    incidentReferences: [],
    rationale: 'Taunts a rival group after a stabbing.',
    subjects: [],
  };
  return referralIn(t, state, { people: { requester: by, operative: worker }, referral, review: reviewBody });
}
const submitted = (by?: TestUser) => referral('submitted', by);
const awaitingQa = (by?: TestUser) => referral('awaiting_qa', by);

describe('withdrawing asks for confirmation and a reason', () => {
  it('offers a link to a confirmation page, refuses an empty reason, then withdraws with the reason on the timeline', async () => {
    const r = await submitted();
    const b = await t.browser(requester);
    const detail = await b.get(`/referrals/${r.id}`);
    expect(detail.body).toMatch(new RegExp(`href="/referrals/${r.id}/withdraw"[^>]*data-qa="withdraw"`));

    const confirm = await b.get(`/referrals/${r.id}/withdraw`);
    expect(confirm.statusCode).toBe(200);
    expect(confirm.body).toContain('<h1 class="govuk-heading-l">Are you sure you want to withdraw this referral?</h1>');
    expect(confirm.body).toContain(`<title>Are you sure you want to withdraw ${r.reference}? – Referral Desk</title>`);
    expect(confirm.body).toContain(`href="/referrals/${r.id}" data-qa="keep"`);

    const empty = await b.post(`/referrals/${r.id}/withdraw`, { reason: '   ' });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('href="#reason">Enter why you are withdrawing the referral');
    expect((await api(requester, 'GET', `/api/v1/referrals/${r.id}`)).json.status).toBe('submitted');

    const done = await b.post(`/referrals/${r.id}/withdraw`, { reason: 'Taken down by the uploader <script>alert(1)</script>' });
    expect(done.headers.location).toBe(`/referrals/${r.id}?withdrawn=1`);
    const after = await b.get(`/referrals/${r.id}?withdrawn=1`);
    // The banner comes before the heading (GOV.UK: success banners at the top of the main content).
    expect(after.body.indexOf('data-qa="success-banner"')).toBeGreaterThan(-1);
    expect(after.body.indexOf('data-qa="success-banner"')).toBeLessThan(after.body.indexOf('<h1'));
    expect(after.body).toContain('Withdrawn by the requester');
    // The reason is for the unit, on the timeline (a requester's own view shows no comments: DESIGN.md "Who sees what").
    const unitView = await (await t.browser(operative)).get(`/referrals/${r.id}`);
    expect(unitView.body).toContain('Taken down by the uploader &lt;script&gt;');
    // Once withdrawn the confirmation page is refused as the API refuses the step: 409.
    expect((await b.get(`/referrals/${r.id}/withdraw`)).statusCode).toBe(409);
  });

  it("keeps another requester's referral hidden (404) and refuses the unit (403) on the confirmation page", async () => {
    const r = await submitted();
    expect((await (await t.browser(otherRequester)).get(`/referrals/${r.id}/withdraw`)).statusCode).toBe(404);
    expect((await (await t.browser(operative)).get(`/referrals/${r.id}/withdraw`)).statusCode).toBe(403);
  });

  it('API: takes an optional reason as the timeline comment; refuses a reason over 1,000 characters naming reason', async () => {
    const plain = await submitted();
    const res = await api(requester, 'POST', `/api/v1/referrals/${plain.id}/withdraw`, {});
    expect(res.status).toBe(200);
    expect((await api(operative, 'GET', `/api/v1/referrals/${plain.id}`)).json.timeline.at(-1)).not.toHaveProperty('comment');

    const r = await submitted();
    const long = await api(requester, 'POST', `/api/v1/referrals/${r.id}/withdraw`, { reason: 'x'.repeat(1001) });
    expect(long.status).toBe(400);
    expect(long.json.fields.map((f: { path: string }) => f.path)).toEqual(['reason']);
    const ok = await api(requester, 'POST', `/api/v1/referrals/${r.id}/withdraw`, { reason: 'Já removido pelo autor' });
    expect(ok.status).toBe(200);
    const seen = (await api(operative, 'GET', `/api/v1/referrals/${r.id}`)).json;
    expect(seen.timeline.at(-1)).toMatchObject({ action: 'withdrawn', comment: 'Já removido pelo autor' });
  });
});

describe('plain words: status and event labels from one map, clause titles not keys', () => {
  it('shows "Awaiting QA" and "Sent to QA", "Returned by QA", "Approved" on the timeline, and clause titles', async () => {
    const r = await awaitingQa();
    const b = await t.browser(operative);
    const waiting = await b.get(`/referrals/${r.id}`);
    expect(waiting.body).toMatch(/data-qa="status"><strong class="govuk-tag[^"]*">\s*Awaiting QA\s*</);
    expect(waiting.body).toMatch(/moj-timeline__title">Sent to QA</);
    expect(waiting.body).not.toMatch(/Reviewed refer|Awaiting qa/);

    const ret = await api(sergeant, 'POST', `/api/v1/referrals/${r.id}/qa`, { decision: 'return', comment: 'Cite firearms.' });
    expect(ret.status, ret.body).toBe(200);
    expect((await b.get(`/referrals/${r.id}`)).body).toMatch(/moj-timeline__title">Returned by QA</);

    await api(operative, 'POST', `/api/v1/referrals/${r.id}/review`, reviewBody);
    const approve = await api(sergeant, 'POST', `/api/v1/referrals/${r.id}/qa`, {
      decision: 'approve',
      comment: '',
      intelligence: { summary: 'Drill video goading a rival group.', sourceEvaluation: 'B', intelligenceAssessment: 2, handlingCode: 'P' },
    });
    expect(approve.status, approve.body).toBe(200);
    const referred = await b.get(`/referrals/${r.id}`);
    expect(referred.body).toMatch(/moj-timeline__title">Approved</);
    // SOP 9.4: the directory's titles, never the keys.
    const youtube = /data-qa="platform-referral-youtube"[\s\S]*?<\/dl>/.exec(referred.body)![0];
    expect(youtube).toContain('Violent criminal organisations<br>Firearms');
    expect(youtube).not.toContain('violent_criminal_organisations');

    // The requester's list spells the status the same way.
    const mine = await (await t.browser(requester)).get('/referrals/mine');
    expect(mine.body).toContain('Referred');
    expect(mine.body).not.toMatch(/Awaiting qa|In_review/);
  });

  it('the 403 page: its title and heading say the same', async () => {
    const res = await (await t.browser(auditor)).get('/queue');
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('<title>You cannot see this page – Referral Desk</title>');
    expect(res.body).toContain('<h1 class="govuk-heading-l" data-qa="error-heading">You cannot see this page</h1>');
  });
});

describe('the review: filled drafts, and a preview before sending to QA', () => {
  const decode = (x: string) =>
    x
      .replace(/&#39;/g, "'")
      .replace(/&quot;/g, '"')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&');
  const formFor = (draft: string) => ({
    contentFormat: 'video',
    factors: ['inflammatory_language'],
    note_inflammatory_language: 'Says “we’ll ride on” the rival estate <b>tonight</b>',
    researchSummary: 'Two linked stabbings.',
    researchReferences: '',
    'reviewedOn-day': '10',
    'reviewedOn-month': '3',
    'reviewedOn-year': '2026',
    outcome: 'refer',
    rationale: 'Goads a rival group; "likely" to provoke violence.',
    refer_youtube: 'yes',
    terms_youtube: ['firearms', 'violent_criminal_organisations'],
    draft_youtube: draft,
    draft_instagram: '',
    step: 'preview',
  });

  it('shows no {{placeholders}}, previews the final text, "Change" keeps every value, "Send to QA" sends it', async () => {
    const r = await referral('in_review');
    const b = await t.browser(operative);
    const page = await b.get(`/referrals/${r.id}/review`);
    expect(page.body).not.toMatch(/\{\{\s*\w+\s*\}\}/);
    const draft = decode(/<textarea[^>]*id="draft_youtube"[^>]*>([\s\S]*?)<\/textarea>/.exec(page.body)![1]!.trim());
    expect(draft).toContain('[the terms you tick above]');
    expect(draft).toContain('[the rationale you write above]');

    const preview = await b.post(`/referrals/${r.id}/review`, formFor(draft));
    expect(preview.statusCode).toBe(200);
    expect(preview.body).toContain('<h1 class="govuk-heading-l">Check the referrals before sending them to QA</h1>');
    const shown = decode(/data-qa="preview-draft-youtube">([\s\S]*?)<\/pre>/.exec(preview.body)![1]!);
    expect(shown).toContain('Firearms\nViolent criminal organisations');
    expect(shown).toContain('Why: Goads a rival group; "likely" to provoke violence.');
    expect(shown).not.toMatch(/\{\{|\[the /);
    // Nothing is recorded by a preview.
    expect((await api(operative, 'GET', `/api/v1/referrals/${r.id}`)).json.status).toBe('in_review');

    // "Change": the form again, as it was, hostile text escaped and intact.
    const hidden = Object.fromEntries(
      [...preview.body.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)]
        .filter((m) => m[1] !== '_csrf')
        .map((m) => [m[1]!, decode(m[2]!)]),
    );
    expect(hidden.note_inflammatory_language).toBe('Says “we’ll ride on” the rival estate <b>tonight</b>');
    expect(preview.body).not.toContain('<b>tonight</b>');
    const change = await b.post(`/referrals/${r.id}/review`, { ...formFor(draft), step: 'change' });
    expect(change.statusCode).toBe(200);
    expect(change.body).toContain('Says “we’ll ride on” the rival estate &lt;b&gt;tonight&lt;/b&gt;');
    expect(change.body).toMatch(/value="firearms" checked/);

    // Without the CSRF token nothing is sent.
    expect((await b.post(`/referrals/${r.id}/review`, { ...formFor(draft), step: 'send', _csrf: 'forged' })).statusCode).toBe(403);
    const sent = await b.post(`/referrals/${r.id}/review`, { ...formFor(draft), step: 'send' });
    expect(sent.headers.location).toBe(`/referrals/${r.id}?reviewed=qa`);
    const stored = (await api(operative, 'GET', `/api/v1/referrals/${r.id}`)).json;
    expect(stored.status).toBe('awaiting_qa');
    expect(stored.platformReferrals[0].draft).toBe(shown);
    const after = await b.get(`/referrals/${r.id}?reviewed=qa`);
    expect(after.body.indexOf('Sent to QA')).toBeLessThan(after.body.indexOf('<h1'));
  });

  it('refuses a draft with a gap left to fill, on the form and in the API (400 naming the draft)', async () => {
    const r = await referral('in_review');
    const b = await t.browser(operative);
    await b.get(`/referrals/${r.id}/review`);
    const gap = await b.post(`/referrals/${r.id}/review`, formFor('Please remove this. Ticket: {{ticketNumber}}'));
    expect(gap.statusCode).toBe(400);
    expect(gap.body).toContain('href="#draft_youtube">The referral to YouTube still has a gap to fill: replace {{ticketNumber}}');
    const viaApi = await api(operative, 'POST', `/api/v1/referrals/${r.id}/review`, {
      ...reviewBody,
      platformReferrals: [{ platform: 'youtube', termsBreached: ['firearms'], draft: 'See [the terms you tick above] for why.' }],
    });
    expect(viaApi.status).toBe(400);
    expect(viaApi.json.fields).toEqual([
      {
        path: 'platformReferrals[0].draft',
        message: 'The referral to YouTube still has a gap to fill: replace [the terms you tick above]',
      },
    ]);
  });
});

describe('the intelligence record prints (SOP 10.4, 6.3)', () => {
  it('has a print button for JavaScript only, and the protective marking and handling code above the heading', async () => {
    const r = await awaitingQa();
    const approve = await api(sergeant, 'POST', `/api/v1/referrals/${r.id}/qa`, {
      decision: 'approve',
      comment: '',
      intelligence: {
        summary: 'Drill video goading a rival group.',
        sourceEvaluation: 'B',
        intelligenceAssessment: 2,
        handlingCode: 'C',
        handlingConditions: 'Not to be shared outside the force without the OHRT sergeant’s consent',
      },
    });
    expect(approve.status, approve.body).toBe(200);
    const page = await (await t.browser(inspector)).get(`/referrals/${r.id}/intelligence`);
    expect(page.statusCode).toBe(200);
    const marking = /<p class="app-marking" data-qa="marking">([\s\S]*?)<\/p>/.exec(page.body)![1]!;
    expect(marking).toContain('OFFICIAL-SENSITIVE');
    expect(marking).toContain('Handling code C:');
    expect(marking).toContain('sergeant’s consent');
    expect(page.body.indexOf('data-qa="marking"')).toBeLessThan(page.body.indexOf('<h1'));
    expect(page.body).toMatch(
      /<button type="button" class="[^"]*app-js-only[^"]*" data-module="app-print" data-qa="print">Print this record<\/button>/,
    );
    // The print stylesheet hides what is not the record.
    const css = (await t.app.inject({ method: 'GET', url: '/assets/app/app.css' })).body;
    const print = css.slice(css.indexOf('@media print'));
    for (const hidden of [
      '.govuk-template__header',
      '.govuk-service-navigation',
      '.govuk-footer',
      'form',
      '.govuk-button',
      '.app-no-print',
    ])
      expect(print).toContain(hidden);
    const js = (await t.app.inject({ method: 'GET', url: '/assets/app/init.js' })).body;
    expect(js).toContain('querySelectorAll(\'[data-module="app-print"]\')');
  });
});

describe('the queue finds a referral by its reference', () => {
  it('opens the referral for its exact, lower-case or zero-less reference, and says when none has it', async () => {
    const r = await submitted();
    const b = await t.browser(operative);
    const [prefix, year, number] = r.reference.split('-') as [string, string, string];
    for (const typed of [r.reference, r.reference.toLowerCase(), `${prefix.toLowerCase()}-${year}-${Number(number)}`]) {
      const res = await b.get(`/queue?reference=${encodeURIComponent(typed)}`);
      expect(res.statusCode, typed).toBe(302);
      expect(res.headers.location).toBe(`/referrals/${r.id}`);
    }
    const none = await b.get(`/queue?reference=${prefix}-${year}-999999`);
    expect(none.statusCode).toBe(200);
    expect(none.body).toContain(`No referral has the reference ${prefix}-${year}-999999.`);
    const bad = await b.get(`/queue?reference=${encodeURIComponent("drill' or 1=1")}`);
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('href="#reference">Enter a reference like OHRT-2026-000123');
  });

  it('API: GET /referrals?reference= finds it; a requester finds only their own', async () => {
    const r = await submitted();
    const found = await api(operative, 'GET', `/api/v1/referrals?reference=${r.reference.toLowerCase()}`);
    expect(found.json).toMatchObject({ total: 1, items: [{ id: r.id }] });
    expect((await api(requester, 'GET', `/api/v1/referrals?reference=${r.reference}`)).json.total).toBe(1);
    expect((await api(otherRequester, 'GET', `/api/v1/referrals?reference=${r.reference}`)).json.total).toBe(0);
    const bad = await api(operative, 'GET', '/api/v1/referrals?reference=nonsense');
    expect(bad.status).toBe(400);
    expect(bad.json.fields.map((f: { path: string }) => f.path)).toEqual(['reference']);
  });

  it('wraps the queue table in a box that scrolls on a phone', async () => {
    const res = await (await t.browser(operative)).get('/queue');
    expect(res.body).toMatch(/<div class="app-table-scroll" role="region" aria-label="Referrals in the queue" tabindex="0"[^>]*>\s*<table/);
  });
});

describe("each role's home page shows what needs them, with counts", () => {
  it('operative: open work assigned to them and what QA returned, each returned one linked to its review', async () => {
    const op = await t.user(['operative'], { displayName: 'DC Zoë Ó Dálaigh' });
    const a = await referral('in_review', requester, op);
    const returned = await referral('in_review', requester, op);
    expect((await api(op, 'POST', `/api/v1/referrals/${returned.id}/review`, reviewBody)).status).toBe(200);
    expect(
      (await api(sergeant, 'POST', `/api/v1/referrals/${returned.id}/qa`, { decision: 'return', comment: 'Add the clause.' })).status,
    ).toBe(200);
    const home = await (await t.browser(op)).get('/');
    expect(home.body).toMatch(/data-qa="my-open-work"><strong class="app-count">2<\/strong> in review, assigned to you/);
    expect(home.body).toMatch(/data-qa="returned-count"><strong class="app-count">1<\/strong> returned by QA to you/);
    expect(home.body).toContain(`href="/referrals/${returned.id}/review">${returned.reference}</a>`);
    expect(home.body).not.toContain(`href="/referrals/${a.id}/review"`);
    expect(home.body).not.toContain('data-qa="sergeant-work"');
  });

  it('sergeant: awaiting QA and overdue, counted across the unit', async () => {
    const b = await t.browser(sergeant);
    const before = await b.get('/');
    const count = (html: string, qa: string) => Number(new RegExp(`data-qa="${qa}"><strong class="app-count">(\\d+)<`).exec(html)![1]);
    const waiting = count(before.body, 'awaiting-qa-count');
    await awaitingQa();
    const after = await b.get('/');
    expect(count(after.body, 'awaiting-qa-count')).toBe(waiting + 1);
    expect(after.body).toMatch(/href="\/queue\?status=awaiting_qa" data-qa="awaiting-qa-count">/);
    expect(after.body).toContain('Awaiting QA');
    expect(after.body).toMatch(/href="\/queue\?overdue=true" data-qa="overdue-count">/);
  });

  it('inspector: the queue by status; auditor: the audit log; requester: their referrals; none sees another role’s work', async () => {
    const insp = await (await t.browser(inspector)).get('/');
    expect(insp.body).toContain('data-qa="unit-queue"');
    expect(insp.body).not.toContain('data-qa="my-work"');
    const aud = await (await t.browser(auditor)).get('/');
    expect(aud.body).toContain('href="/audit"');
    expect(aud.body).not.toContain('data-qa="unit-queue"');
    const fresh = await t.user(['requester']);
    await submitted(fresh);
    const req = await (await t.browser(fresh)).get('/');
    expect(req.body).toMatch(/data-qa="requested-open"><strong class="app-count">1<\/strong> open/);
    expect(req.body).not.toContain('data-qa="unit-queue"');
  });
});
