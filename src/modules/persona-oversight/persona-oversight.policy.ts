import { hasAnyRole, type Actor } from '../../domain/actor.js';
import { AUTHORISING_OFFICERS, PERSONA_OVERSIGHT } from '../../domain/roles.js';

/** The oversight figures (issue 14 point 6): authorising officers and auditors; never public. */
export const OVERSIGHT_READERS = PERSONA_OVERSIGHT;

/** The overdue reviews by persona are the authorising officers' work list; an auditor sees their number. */
export const seesOverdueList = (actor: Pick<Actor, 'roles'>) => hasAnyRole(actor, AUTHORISING_OFFICERS);
