/**
 * DESIGN.md "Roles", grouped as the rules use them. Each group is spelled out here and nowhere
 * else: the life cycle and each module's policy (`<module>.policy.ts`) name these, and routes,
 * pages, templates and services ask the policies. (test/route-roles.test.ts spells the roles out
 * again on purpose: it is the independent specification.)
 */
import type { Role } from './vocabulary.js';

/** The unit: operatives, sergeants and inspectors, who read every referral. */
export const UNIT = ['operative', 'sergeant', 'inspector'] as const satisfies readonly Role[];
/** The unit's case workers: operatives, and sergeants, who may do all an operative may. */
export const CASE_WORKERS = ['operative', 'sergeant'] as const satisfies readonly Role[];
/** Sergeants: they assign work and quality-assure drafts (SOP 10.2). */
export const SERGEANTS = ['sergeant'] as const satisfies readonly Role[];
/** Operatives: the ones work is assigned to (issue 3). */
export const OPERATIVES = ['operative'] as const satisfies readonly Role[];
/** Requesters: officers and staff from across the force (SOP 8.1). */
export const REQUESTERS = ['requester'] as const satisfies readonly Role[];
/** Admins: users, roles and the platform directory; no case content. */
export const ADMINS = ['admin'] as const satisfies readonly Role[];
/** Auditors: the audit log. */
export const AUDITORS = ['auditor'] as const satisfies readonly Role[];
/** Supervisors: sergeants and inspectors, who place and release legal holds (CPIA 1996, SOP 10.8). */
export const SUPERVISORS = ['sergeant', 'inspector'] as const satisfies readonly Role[];
/** Retention (SOP 2.2, 10.8): sergeants and inspectors, who hold and release, and auditors, who check deletions. */
export const RETENTION_READERS = ['sergeant', 'inspector', 'auditor'] as const satisfies readonly Role[];
/** Authorising officers: a Detective Inspector or equivalent, who authorises and reviews personas (FOI 003). */
export const AUTHORISING_OFFICERS = ['authorising_officer'] as const satisfies readonly Role[];
/** The persona register's oversight figures (issue 14 point 6): authorising officers and auditors. */
export const PERSONA_OVERSIGHT = [...AUTHORISING_OFFICERS, ...AUDITORS] as const satisfies readonly Role[];
/** To requesters and admins the persona register does not exist (issue 14 point 8): 404 on its every route. */
export const PERSONA_HIDDEN_FROM = [...REQUESTERS, ...ADMINS] as const satisfies readonly Role[];
/** The persona register and its use logs: case workers, inspectors (who read everything in the unit) and authorising officers. */
export const PERSONA_READERS = [...CASE_WORKERS, 'inspector', ...AUTHORISING_OFFICERS] as const satisfies readonly Role[];
/** Issue 14 point 3: a persona's secret is revealed to an operative, sergeant or authorising officer. */
export const PERSONA_REVEALERS = [...CASE_WORKERS, ...AUTHORISING_OFFICERS] as const satisfies readonly Role[];
/** A sergeant, who assigns work, or an authorising officer assigns a persona to a case worker. */
export const PERSONA_ASSIGNERS = [...SERGEANTS, ...AUTHORISING_OFFICERS] as const satisfies readonly Role[];
/** Who see the whole register; an operative who is none of these sees the personas assigned to them. */
export const PERSONA_WHOLE_REGISTER = [...SUPERVISORS, ...AUTHORISING_OFFICERS] as const satisfies readonly Role[];
/** The reports on children, equality and transparency (issue 15 point 8): inspectors and auditors. */
export const REPORT_READERS = ['inspector', ...AUDITORS] as const satisfies readonly Role[];
