import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteRoles } from '../src/plugins/auth.js';
import { createTestApp, type TestApp, type TestUser } from './harness.js';
import { ROLES, type Role } from '../src/domain/vocabulary.js';

/**
 * Who may call what (DESIGN.md "Roles"). This table is the specification: every registered
 * route must appear here with exactly these roles, and every route answers every role as it says.
 */
const REQUESTER = ['requester'] as const;
// Case content: a requester sees their own; admins and auditors see none (DESIGN.md "Roles").
const READ_CASES = ['requester', 'operative', 'sergeant', 'inspector'] as const;
// The unit's casework: operatives, and sergeants who may do all an operative may.
const CASEWORKERS = ['operative', 'sergeant'] as const;
const UNIT = ['operative', 'sergeant', 'inspector'] as const;
const PERSONA_READERS = ['operative', 'sergeant', 'inspector', 'authorising_officer'] as const;
const TABLE: Record<string, RouteRoles> = {
  'GET /health': 'public',
  'GET /api/v1/openapi.json': 'public',
  'GET /favicon.ico': 'public',
  'GET /sign-in': 'public',
  'POST /sign-in': 'public',
  'POST /sign-out': 'signed_in',
  'GET /account/password': 'signed_in',
  'POST /account/password': 'signed_in',
  'GET /': 'signed_in',
  'GET /api/v1/platforms': 'signed_in',
  'GET /admin/users': ['admin'],
  'GET /admin/users/new': ['admin'],
  'POST /admin/users/new': ['admin'],
  'GET /admin/users/:id': ['admin'],
  'POST /admin/users/:id': ['admin'],
  'GET /admin/users/:id/deactivate': ['admin'],
  'POST /admin/users/:id/deactivate': ['admin'],
  'POST /admin/users/:id/reactivate': ['admin'],
  'POST /admin/users/:id/unlock': ['admin'],
  'GET /audit': ['auditor'],
  'POST /audit/verify': ['auditor'],
  'GET /referrals/new': REQUESTER,
  'GET /referrals/new/content': REQUESTER,
  'POST /referrals/new/content': REQUESTER,
  'GET /referrals/new/platforms': REQUESTER,
  'POST /referrals/new/platforms': REQUESTER,
  'GET /referrals/new/uploaded': REQUESTER,
  'POST /referrals/new/uploaded': REQUESTER,
  'GET /referrals/new/incident-references': REQUESTER,
  'POST /referrals/new/incident-references': REQUESTER,
  'GET /referrals/new/rationale': REQUESTER,
  'POST /referrals/new/rationale': REQUESTER,
  'GET /referrals/new/subjects': REQUESTER,
  'POST /referrals/new/subjects': REQUESTER,
  'GET /referrals/new/subjects/add': REQUESTER,
  'POST /referrals/new/subjects/add': REQUESTER,
  'GET /referrals/new/check': REQUESTER,
  'POST /referrals/new/check': REQUESTER,
  'GET /referrals/new/duplicate': REQUESTER,
  'POST /referrals/new/duplicate': REQUESTER,
  'GET /referrals/new/subjects/list': REQUESTER,
  'POST /referrals/new/subjects/:index/remove': REQUESTER,
  'GET /referrals/new/safeguarding': REQUESTER,
  'POST /referrals/new/safeguarding': REQUESTER,
  'GET /referrals/new/confirmation': REQUESTER,
  'GET /referrals/mine': REQUESTER,
  'GET /referrals/:id/withdraw': REQUESTER,
  'POST /referrals/:id/withdraw': REQUESTER,
  'POST /api/v1/referrals': REQUESTER,
  'POST /api/v1/referrals/:id/withdraw': REQUESTER,
  'GET /referrals/:id': READ_CASES,
  'GET /api/v1/referrals': READ_CASES,
  'GET /api/v1/referrals/:id': READ_CASES,
  'POST /api/v1/referrals/:id/platform-referrals/:platform/submission': CASEWORKERS,
  'GET /referrals/:id/platform-referrals/:platform/submission': CASEWORKERS,
  'POST /referrals/:id/platform-referrals/:platform/submission': CASEWORKERS,
  'POST /api/v1/referrals/:id/platform-referrals/:platform/decision': CASEWORKERS,
  'GET /referrals/:id/platform-referrals/:platform/decision': CASEWORKERS,
  'POST /referrals/:id/platform-referrals/:platform/decision': CASEWORKERS,
  'POST /api/v1/referrals/:id/platform-referrals/:platform/appeal': CASEWORKERS,
  'GET /referrals/:id/platform-referrals/:platform/appeal': CASEWORKERS,
  'POST /referrals/:id/platform-referrals/:platform/appeal': CASEWORKERS,
  'POST /api/v1/referrals/:id/review': CASEWORKERS,
  'GET /api/v1/referrals/:id/draft': CASEWORKERS,
  'POST /api/v1/referrals/:id/qa': ['sergeant'],
  'GET /api/v1/referrals/:id/intelligence': UNIT,
  'POST /api/v1/referrals/:id/intelligence/reference': CASEWORKERS,
  'GET /referrals/:id/review': CASEWORKERS,
  'POST /referrals/:id/review': CASEWORKERS,
  'GET /referrals/:id/qa': ['sergeant'],
  'POST /referrals/:id/qa': ['sergeant'],
  'GET /referrals/:id/intelligence': UNIT,
  'POST /referrals/:id/intelligence/reference': CASEWORKERS,
  'GET /queue': UNIT,
  'GET /api/v1/referrals/counts': UNIT,
  'POST /api/v1/referrals/:id/claim': CASEWORKERS,
  'POST /api/v1/referrals/self-tasked': CASEWORKERS,
  'POST /referrals/:id/claim': CASEWORKERS,
  'GET /referrals/:id/assign': ['sergeant'],
  'POST /referrals/:id/assign': ['sergeant'],
  'GET /referrals/self-task': CASEWORKERS,
  'POST /referrals/self-task': CASEWORKERS,
  'GET /admin/platforms': ['admin'],
  'GET /admin/platforms/new': ['admin'],
  'POST /admin/platforms/new': ['admin'],
  'GET /admin/platforms/:key': ['admin'],
  'POST /admin/platforms/:key': ['admin'],
  // Evidence (issue 12, SOP 9.1, 3.1.2): the case workers capture and package; the unit reads.
  'POST /api/v1/referrals/:id/captures': CASEWORKERS,
  'GET /api/v1/referrals/:id/captures': UNIT,
  'GET /api/v1/referrals/:id/captures/:captureId': UNIT,
  'GET /api/v1/referrals/:id/captures/:captureId/content': UNIT,
  'GET /api/v1/referrals/:id/captures/:captureId/contact-sheet': UNIT,
  'GET /api/v1/referrals/:id/captures/:captureId/waveform': UNIT,
  'POST /api/v1/referrals/:id/evidence-packages': CASEWORKERS,
  'GET /api/v1/referrals/:id/evidence-packages/:packageId': CASEWORKERS,
  'GET /referrals/:id/evidence': UNIT,
  'POST /referrals/:id/evidence/upload': CASEWORKERS,
  'POST /referrals/:id/evidence/url': CASEWORKERS,
  'GET /referrals/:id/evidence/:captureId': UNIT,
  'GET /referrals/:id/evidence/package': CASEWORKERS,
  'POST /referrals/:id/evidence/package': CASEWORKERS,
  'GET /api/v1/library': UNIT,
  'GET /api/v1/library/:entryId': UNIT,
  'POST /api/v1/library/:entryId/hold': ['sergeant', 'inspector'],
  'POST /api/v1/library/:entryId/hold/review': ['sergeant', 'inspector'],
  'POST /api/v1/library/:entryId/hold/release': ['sergeant', 'inspector'],
  'POST /api/v1/library/match': UNIT,
  'GET /library': UNIT,
  'GET /library/:entryId': UNIT,
  'POST /library/:entryId/hold': ['sergeant', 'inspector'],
  'POST /library/:entryId/hold/review': ['sergeant', 'inspector'],
  'POST /library/:entryId/hold/release': ['sergeant', 'inspector'],
  // Retention (SOP 2.2, 10.8): certificates are the auditor's; what goes next, the holders' and the auditor's.
  'GET /api/v1/retention/certificates': ['auditor'],
  'GET /api/v1/retention/upcoming': ['sergeant', 'inspector', 'auditor'],
  'GET /retention': ['sergeant', 'inspector', 'auditor'],
  // Issue 15 point 1: holds on closed referrals (CPIA 1996), as the library's holds.
  'POST /api/v1/referrals/:id/hold': ['sergeant', 'inspector'],
  'POST /api/v1/referrals/:id/hold/review': ['sergeant', 'inspector'],
  'POST /api/v1/referrals/:id/hold/release': ['sergeant', 'inspector'],
  'GET /referrals/:id/hold': ['sergeant', 'inspector'],
  'POST /referrals/:id/hold': ['sergeant', 'inspector'],
  'POST /referrals/:id/hold/review': ['sergeant', 'inspector'],
  'POST /referrals/:id/hold/release': ['sergeant', 'inspector'],
  // The persona register (FOI 003, issue 14): readers are the case workers, inspectors and authorising officers.
  'GET /api/v1/personas': PERSONA_READERS,
  'POST /api/v1/personas': CASEWORKERS,
  'GET /api/v1/personas/uses': PERSONA_READERS,
  'GET /api/v1/personas/:id': PERSONA_READERS,
  'POST /api/v1/personas/:id/authorisation': ['authorising_officer'],
  'POST /api/v1/personas/:id/reveal': ['operative', 'sergeant', 'authorising_officer'],
  'GET /api/v1/personas/:id/uses': PERSONA_READERS,
  'POST /api/v1/personas/:id/uses': CASEWORKERS,
  'POST /api/v1/personas/:id/reviews': ['authorising_officer'],
  'POST /api/v1/personas/:id/assignees': ['sergeant', 'authorising_officer'],
  'POST /api/v1/personas/:id/withdrawal': ['operative', 'sergeant', 'authorising_officer'],
  'GET /personas': PERSONA_READERS,
  'GET /personas/new': CASEWORKERS,
  'POST /personas': CASEWORKERS,
  'GET /personas/uses': PERSONA_READERS,
  'GET /personas/:id': PERSONA_READERS,
  'POST /personas/:id/authorisation': ['authorising_officer'],
  'POST /personas/:id/uses': CASEWORKERS,
  'POST /personas/:id/reviews': ['authorising_officer'],
  'POST /personas/:id/assignees': ['sergeant', 'authorising_officer'],
  'GET /personas/:id/reveal': ['operative', 'sergeant', 'authorising_officer'],
  'POST /personas/:id/reveal': ['operative', 'sergeant', 'authorising_officer'],
  'GET /personas/:id/uses': PERSONA_READERS,
  'GET /personas/:id/withdrawal': ['operative', 'sergeant', 'authorising_officer'],
  'POST /personas/:id/withdrawal': ['operative', 'sergeant', 'authorising_officer'],
  // The persona register's oversight figures (issue 14 point 6): authorising officers and auditors.
  'GET /api/v1/personas/oversight': ['authorising_officer', 'auditor'],
  'GET /api/v1/personas/oversight.csv': ['authorising_officer', 'auditor'],
  // The reports on children, equality and transparency (issue 15 point 8): inspectors and auditors.
  'GET /api/v1/reports/children': ['inspector', 'auditor'],
  'GET /api/v1/reports/equality': ['inspector', 'auditor'],
  'GET /api/v1/reports/transparency': ['inspector', 'auditor'],
  'GET /reports': ['inspector', 'auditor'],
  'GET /reports/children': ['inspector', 'auditor'],
  'GET /reports/equality': ['inspector', 'auditor'],
  'GET /reports/transparency': ['inspector', 'auditor'],
  // Restriction (DPA 2018 s.47, issue 15 points 2, 8): the auditor's.
  'POST /api/v1/referrals/:id/restriction': ['auditor'],
  'POST /api/v1/referrals/:id/restriction/release': ['auditor'],
  'GET /api/v1/referrals/:id/restriction': ['auditor'],
  'GET /api/v1/restrictions': ['auditor'],
  'GET /restrictions': ['auditor'],
  'GET /referrals/:id/restriction': ['auditor'],
  'POST /referrals/:id/restriction': ['auditor'],
  'POST /referrals/:id/restriction/release': ['auditor'],
  // Subject access (DPA 2018 s.45, s.54, issue 15 points 3, 8): the auditor's.
  'GET /api/v1/subject-access/search': ['auditor'],
  'POST /api/v1/subject-access/requests': ['auditor'],
  'GET /api/v1/subject-access/requests': ['auditor'],
  'GET /api/v1/subject-access/requests/:id': ['auditor'],
  'POST /api/v1/subject-access/requests/:id/extension': ['auditor'],
  'POST /api/v1/subject-access/requests/:id/completion': ['auditor'],
  'GET /api/v1/subject-access/requests/:id/bundle': ['auditor'],
  'GET /subject-access': ['auditor'],
  'POST /subject-access/requests': ['auditor'],
  'GET /subject-access/requests': ['auditor'],
  'GET /subject-access/requests/:id': ['auditor'],
  'POST /subject-access/requests/:id/extension': ['auditor'],
  'POST /subject-access/requests/:id/completion': ['auditor'],
};

/**
 * Routes that do not exist for some roles (issue 14 point 8): a caller holding only these roles
 * gets the unknown path's 404, not a 403. Every persona route hides from requesters and admins.
 */
const HIDDEN: Record<string, readonly Role[]> = Object.fromEntries(
  Object.keys(TABLE)
    .filter((route) => / (\/api\/v1)?\/personas(\/|$)/.test(route))
    .map((route) => [route, ['requester', 'admin']]),
);

const key = (r: { method: string; url: string }) => `${r.method} ${r.url}`;

let t: TestApp;
const users = {} as Record<Role, TestUser>;
beforeAll(async () => {
  t = await createTestApp();
  for (const role of ROLES) users[role] = await t.user([role]);
});
afterAll(() => t.close());

describe('every route declares its roles', () => {
  it('matches the table, route for route', () => {
    const registered = t.app.registeredRoutes.filter((r) => !r.url.startsWith('/assets/'));
    const declared = Object.fromEntries(registered.map((r) => [key(r), r.roles]));
    expect(declared).toEqual(TABLE);
    const hidden = Object.fromEntries(registered.flatMap((r) => (r.hiddenFrom ? [[key(r), r.hiddenFrom]] : [])));
    expect(hidden).toEqual(HIDDEN);
  });

  // Every route × every role: a bounded loop of some thousand requests, slow on a loaded two-core machine.
  it('answers every role as the table says', async () => {
    const failures: string[] = [];
    for (const route of t.app.registeredRoutes.filter((r) => !r.url.startsWith('/assets/'))) {
      const allowed = TABLE[key(route)] ?? route.roles; // a route missing from the table fails the test above
      const url = route.url.replace(/:(\w+)/g, '00000000-0000-4000-8000-000000000000');
      const api = url.startsWith('/api/');
      for (const role of [null, ...ROLES] as (Role | null)[]) {
        const headers: Record<string, string> = {};
        let payload: string | undefined;
        if (role) {
          const raw = await t.services.auth.startSession(users[role].id);
          headers.cookie = `rd_session=${raw}`;
        }
        if (route.method !== 'GET') {
          if (api) {
            headers['content-type'] = 'application/json';
            payload = '{}';
          } else {
            // A real form post: take a CSRF token from a page first, so that only the role decides.
            const page = await t.app.inject({ method: 'GET', url: role ? '/account/password' : '/sign-in', headers });
            const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
            const csrfCookie = page.cookies.find((c) => c.name === '_csrf');
            if (csrfCookie) headers.cookie = [headers.cookie, `_csrf=${csrfCookie.value}`].filter(Boolean).join('; ');
            headers['content-type'] = 'application/x-www-form-urlencoded';
            payload = `_csrf=${encodeURIComponent(token)}`;
          }
        }
        const res = await t.app.inject({ method: route.method as 'GET', url, headers, payload });
        const may = allowed === 'public' || (role !== null && (allowed === 'signed_in' || allowed.includes(role)));
        const denied =
          res.statusCode === 401 || res.statusCode === 403 || (res.statusCode === 302 && res.headers.location?.startsWith('/sign-in?'));
        const hides = role !== null && (HIDDEN[key(route)] ?? []).includes(role);
        const expected = may ? 'allowed' : role === null ? 'unauthenticated' : hides ? 'hidden' : 'forbidden';
        // Hidden: the very answer of a path that does not exist.
        const unknown =
          res.statusCode === 404 && (api ? res.body === JSON.stringify({ error: 'Not found' }) : res.body.includes('Page not found'));
        const got = unknown && !may ? 'hidden' : !denied ? 'allowed' : res.statusCode === 403 ? 'forbidden' : 'unauthenticated';
        if (expected !== got) failures.push(`${key(route)} as ${role ?? 'anonymous'}: expected ${expected}, got ${res.statusCode}`);
      }
    }
    expect(failures).toEqual([]);
  }, 120_000);
});
