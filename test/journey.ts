import { expect } from 'vitest';
import { castOf as castFrom, type CastSpec } from './factories.js';
import type { ApiAnswer, Browser, TestApp, TestUser } from './harness.js';

/**
 * Every step of a referral's life cycle (DESIGN.md "Referral life cycle"), through the API and
 * through the pages, by a cast of realistic people, for the tests that need a referral that has
 * everything: subjects, a review with research and factors, drafts, a QA return then approval, a
 * submission with the platform's reference, a not_removed decision, an appeal and the final word.
 * The words of the unit's working are distinctive so that a test can look for them anywhere.
 */

/** A fixed "now": 10 March 2026, mid-morning in London (GMT, so London time is UTC). */
export const JOURNEY_NOW = new Date('2026-03-10T10:00:00Z');
const TODAY = { day: '10', month: '3', year: '2026' };

/** The people, with names a reader would notice on a page (unicode, hyphens, apostrophes). */
export const NAMES = {
  requester: 'PC Aoife Ní Bhriain-Jones',
  otherRequester: 'PCSO Dev Patel',
  requesterOperative: 'PC Kwame Mensah-Boateng',
  operative: 'DC Olúwaseun Adé-Okafor',
  operative2: 'DC Tomasz Wiśniewski',
  sergeant: 'DS Siân O’Connor-Hughes',
  sergeant2: 'DS Zoë van der Berg',
  inspector: 'DI Priya Raman',
  admin: 'Sys Admin',
  auditor: 'Ms Grace Auditor',
} as const;
export type Cast = Record<keyof typeof NAMES, TestUser>;

/** Who holds which roles: one person is both a requester and an operative. */
const ROLES = {
  requester: ['requester'],
  otherRequester: ['requester'],
  requesterOperative: ['requester', 'operative'],
  operative: ['operative'],
  operative2: ['operative'],
  sergeant: ['sergeant'],
  sergeant2: ['sergeant'],
  inspector: ['inspector'],
  admin: ['admin'],
  auditor: ['auditor'],
} as const;

export const castOf = (t: TestApp): Promise<Cast> =>
  castFrom(
    t,
    Object.fromEntries(
      (Object.keys(NAMES) as (keyof typeof NAMES)[]).map((k) => [k, { displayName: NAMES[k], roles: [...ROLES[k]] }]),
    ) as CastSpec,
  ) as Promise<Cast>;

/** The unit's working: a requester must never see any of these (DESIGN.md "Who sees what"). */
export const UNIT_WORKING = {
  researchSummary: 'Seen on CRIMINT beside two stabbings in Peckham this year',
  factorNote: 'Goads the Zed-Block estate by name',
  reviewRationale: 'Brandishes a blade at the camera, likely to provoke retaliation',
  draft: 'Please remove this video: a machete is brandished at the camera as a threat.',
  qaComment: 'Cite the harassment clause as well – merci',
  externalReference: 'YT-TF-2026-00417',
  appealReason: 'Resubmitted to the escalation team: the machete is plainly visible',
  intelligenceSummary: 'Drill video goading a rival estate after the March stabbing',
  // DESIGN.md "Safeguarding": optional for adults, recorded when given; the unit's, not the requester's.
  safeguardingDetail: 'Checked with Southwark MASH (ref MASH-26-0311): not needed, both subjects are adults',
} as const;

/** What the requester gave: they always see these. */
export const REQUESTER_GAVE = {
  contentTitle: 'Drill video – “Zone 2 Smoke”',
  rationale: 'Threatens a named rival group after the stabbing on 3 March.',
  subject: '@smoke_zone2',
} as const;

let urls = 0;
/** A referral body with subjects (adults: no safeguarding question) and a URL no other referral has. */
export function referralBody(over: Record<string, unknown> = {}) {
  urls++;
  return {
    contentTitle: REQUESTER_GAVE.contentTitle,
    contentUrl: `https://www.youtube.com/watch?v=jrny${String(urls).padStart(7, '0')}`,
    platforms: ['youtube'],
    contentUploadedOn: '2026-03-01',
    incidentReferences: [{ system: 'CAD', reference: '4471/03MAR26' }],
    rationale: REQUESTER_GAVE.rationale,
    subjects: [
      { name: REQUESTER_GAVE.subject, category: 'suspect', ageBand: '18_24' },
      { name: 'Ola Ní Dhuibhir-Smith', category: 'victim', ageBand: '25_plus', dateOfBirth: '1998-07-14' },
    ],
    ...over,
  };
}

const REVIEW = {
  contentFormat: 'video',
  factors: [{ factor: 'inflammatory_language', note: UNIT_WORKING.factorNote }],
  researchSummary: UNIT_WORKING.researchSummary,
  reviewedOn: '2026-03-10',
  outcome: 'refer',
  rationale: UNIT_WORKING.reviewRationale,
  platformReferrals: [{ platform: 'youtube', termsBreached: ['violent_criminal_organisations'], draft: UNIT_WORKING.draft }],
  safeguarding: { action: 'not_needed', detail: UNIT_WORKING.safeguardingDetail },
};
const GRADING = { summary: UNIT_WORKING.intelligenceSummary, sourceEvaluation: 'B', intelligenceAssessment: 2, handlingCode: 'P' };

/** Each step through the JSON API, as the person who takes it; each answers the response. */
export function apiSteps(t: TestApp, cast: Cast) {
  const post = async (u: TestUser, url: string, payload: unknown = {}) => (await t.api(u)).post(`/api/v1${url}`, payload);
  const get = async (u: TestUser, url: string) => (await t.api(u)).get(`/api/v1${url}`);
  const step = (u: TestUser, kind: string, payload: unknown) => (id: string) =>
    post(u, `/referrals/${id}/platform-referrals/youtube/${kind}`, payload);
  return {
    get,
    post,
    /** Tokens are made (and audited) before a test starts counting. */
    ready: () => Promise.all(Object.values(cast).map((u) => t.api(u))),
    intake: (over: Record<string, unknown> = {}, by: TestUser = cast.requester) => post(by, '/referrals', referralBody(over)),
    claim: (id: string, by: TestUser = cast.operative2) => post(by, `/referrals/${id}/claim`),
    assign: (id: string, to: TestUser = cast.operative) => post(cast.sergeant, `/referrals/${id}/claim`, { assignee: to.username }),
    review: (id: string) => post(cast.operative, `/referrals/${id}/review`, REVIEW),
    qaReturn: (id: string) => post(cast.sergeant, `/referrals/${id}/qa`, { decision: 'return', comment: UNIT_WORKING.qaComment }),
    qaApprove: (id: string) => post(cast.sergeant2, `/referrals/${id}/qa`, { decision: 'approve', comment: '', intelligence: GRADING }),
    submission: step(cast.operative, 'submission', {
      channel: 'trusted_flagger',
      submittedAt: JOURNEY_NOW.toISOString(),
      externalReference: UNIT_WORKING.externalReference,
    }),
    decision: step(cast.operative, 'decision', { outcome: 'not_removed', decidedOn: '2026-03-10' }),
    appeal: step(cast.sergeant, 'appeal', { appeal: true, reason: UNIT_WORKING.appealReason }),
    withdraw: (id: string, by: TestUser = cast.requester) => post(by, `/referrals/${id}/withdraw`),
  };
}
export type ApiSteps = ReturnType<typeof apiSteps>;

/** The whole life cycle through the API, every step checked; the referral ends closed, not removed. */
export async function fullReferral(steps: ApiSteps): Promise<string> {
  const ok = (res: ApiAnswer, status = 200) => {
    expect(res.status, res.body).toBe(status);
    return res.json as { id: string; status: string };
  };
  const { id } = ok(await steps.intake(), 201);
  ok(await steps.claim(id));
  ok(await steps.assign(id));
  ok(await steps.review(id));
  ok(await steps.qaReturn(id));
  ok(await steps.review(id));
  ok(await steps.qaApprove(id));
  ok(await steps.submission(id));
  ok(await steps.decision(id));
  ok(await steps.appeal(id));
  expect(ok(await steps.decision(id)).status).toBe('closed');
  return id;
}

/** The same steps through the pages' forms, as a browser signed in as the person who takes each. */
export function pageSteps(browsers: Record<'requester' | 'operative' | 'operative2' | 'sergeant' | 'sergeant2', Browser>, cast: Cast) {
  const today = (name: string) => ({ [`${name}-day`]: TODAY.day, [`${name}-month`]: TODAY.month, [`${name}-year`]: TODAY.year });
  const redirected = async (res: Promise<{ statusCode: number; body: string; headers: Record<string, unknown> }>) => {
    const r = await res;
    expect([302, 303], r.body).toContain(r.statusCode);
    return r;
  };
  const platformStep = (kind: string, b: Browser, form: Record<string, string>) => async (id: string) => {
    await b.get(`/referrals/${id}/platform-referrals/youtube/${kind}`);
    return redirected(b.post(`/referrals/${id}/platform-referrals/youtube/${kind}`, form));
  };
  return {
    claim: (id: string) => redirected(browsers.operative2.post(`/referrals/${id}/claim`)),
    assign: async (id: string) => {
      await browsers.sergeant.get(`/referrals/${id}/assign`);
      return redirected(browsers.sergeant.post(`/referrals/${id}/assign`, { assignee: cast.operative.id }));
    },
    review: async (id: string) => {
      await browsers.operative.get(`/referrals/${id}/review`);
      return redirected(
        browsers.operative.post(`/referrals/${id}/review`, {
          contentFormat: 'video',
          factors: 'inflammatory_language',
          note_inflammatory_language: UNIT_WORKING.factorNote,
          researchSummary: UNIT_WORKING.researchSummary,
          ...today('reviewedOn'),
          outcome: 'refer',
          rationale: UNIT_WORKING.reviewRationale,
          refer_youtube: 'yes',
          terms_youtube: 'violent_criminal_organisations',
          draft_youtube: UNIT_WORKING.draft,
          safeguardingAction: 'not_needed',
          safeguardingDetail: UNIT_WORKING.safeguardingDetail,
          // The preview's "Send to QA" (issue 10.6) posts the same values with this step.
          step: 'send',
        }),
      );
    },
    qaReturn: async (id: string) => {
      await browsers.sergeant.get(`/referrals/${id}/qa`);
      return redirected(browsers.sergeant.post(`/referrals/${id}/qa`, { decision: 'return', comment: UNIT_WORKING.qaComment }));
    },
    qaApprove: async (id: string) => {
      await browsers.sergeant2.get(`/referrals/${id}/qa`);
      return redirected(
        browsers.sergeant2.post(`/referrals/${id}/qa`, {
          decision: 'approve',
          summary: UNIT_WORKING.intelligenceSummary,
          sourceEvaluation: 'B',
          intelligenceAssessment: '2',
          handlingCode: 'P',
        }),
      );
    },
    submission: platformStep('submission', browsers.operative, {
      channel: 'trusted_flagger',
      ...today('submittedAt'),
      submittedTime: '10:00',
      externalReference: UNIT_WORKING.externalReference,
    }),
    decision: platformStep('decision', browsers.operative, { outcome: 'not_removed', ...today('decidedOn') }),
    appeal: platformStep('appeal', browsers.sergeant, { appeal: 'yes', reason: UNIT_WORKING.appealReason }),
    // The confirmation page (issue 10.6) asks for a reason; opening it is no consultation.
    withdraw: async (id: string) => {
      await browsers.requester.get(`/referrals/${id}/withdraw`);
      return redirected(browsers.requester.post(`/referrals/${id}/withdraw`, { reason: 'The video has already been taken down.' }));
    },
  };
}
