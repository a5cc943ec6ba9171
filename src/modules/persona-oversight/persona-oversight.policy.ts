import { hasAnyRole, type Actor } from '../../domain/actor.js';
import { ADMINS, AUTHORISING_OFFICERS, PERSONA_OVERSIGHT, REQUESTERS } from '../../domain/roles.js';
import type { Role } from '../../domain/vocabulary.js';

/** The oversight figures (issue 14 point 6): authorising officers and auditors; never public. */
export const OVERSIGHT_READERS = PERSONA_OVERSIGHT;

/**
 * Issue 14 point 8: to requesters and admins the persona register does not exist. Someone holding
 * no role but those gets 404 on its routes, as on an unknown path; anyone else without the route's
 * role gets the usual 403.
 */
const NOT_TOLD: readonly Role[] = [...REQUESTERS, ...ADMINS];
export const registerHiddenFrom = (actor: Pick<Actor, 'roles'>) => actor.roles.every((r) => NOT_TOLD.includes(r));

/** The overdue reviews by persona are the authorising officers' work list; an auditor sees their number. */
export const seesOverdueList = (actor: Pick<Actor, 'roles'>) => hasAnyRole(actor, AUTHORISING_OFFICERS);
