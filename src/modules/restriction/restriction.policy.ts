import { hasAnyRole, type Actor } from '../../domain/actor.js';
import { AUDITORS } from '../../domain/roles.js';

/** DPA 2018 s.47 (issue 15 points 2, 8): an auditor restricts a referral and releases it. */
export const RESTRICTORS = AUDITORS;

/**
 * Who still sees a restricted referral: the auditors alone (issue 15 point 2). To everyone else it
 * does not exist: every route under it answers the unknown path's 404 (decision 023).
 */
export const seesRestricted = (actor: Pick<Actor, 'roles'> | null) => actor !== null && hasAnyRole(actor, AUDITORS);
