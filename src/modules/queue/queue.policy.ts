import { hasAnyRole, type Actor } from '../../domain/actor.js';
import { ASSIGNEE_ROLES, STEP_ROLES } from '../../domain/lifecycle.js';
import { CASE_WORKERS, UNIT } from '../../domain/roles.js';

/** Who works from the queue (issue 3): the unit, which reads every referral. */
export const QUEUE_READERS = UNIT;
/** SOP 8.5-8.6: the case workers claim a submitted referral (domain/lifecycle.ts decides). */
export const CLAIMERS = STEP_ROLES.claim;
/** Only a sergeant assigns work to someone else. */
export const ASSIGNERS = STEP_ROLES.assign;
/** SOP 8.5: an operative's own deployment, opened without a request; a sergeant may do all an operative may. */
export const SELF_TASKERS = CASE_WORKERS;

export const mayReadQueue = (actor: Pick<Actor, 'roles'>) => hasAnyRole(actor, QUEUE_READERS);
export const mayClaim = (actor: Pick<Actor, 'roles'>) => hasAnyRole(actor, CLAIMERS);
export const mayAssign = (actor: Pick<Actor, 'roles'>) => hasAnyRole(actor, ASSIGNERS);
export const maySelfTask = (actor: Pick<Actor, 'roles'>) => hasAnyRole(actor, SELF_TASKERS);
/** Issue 3: a referral is assigned only to an operative. */
export const mayBeAssigned = (user: Pick<Actor, 'roles'>) => hasAnyRole(user, ASSIGNEE_ROLES);
