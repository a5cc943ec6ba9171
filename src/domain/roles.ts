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
