import { hasAnyRole, type Actor } from '../../domain/actor.js';
import { STEP_ROLES } from '../../domain/lifecycle.js';
import { CASE_WORKERS, UNIT } from '../../domain/roles.js';

/** SOP 9, 10.1: the case workers review and draft (domain/lifecycle.ts decides each review). */
export const REVIEWERS = STEP_ROLES.review;
/** SOP 10.2: only a sergeant quality-assures, and never their own drafts. */
export const QA_ROLES = STEP_ROLES.qa;
/** SOP 10.4: the unit reads the intelligence record; an inspector reads everything in the unit. */
export const INTELLIGENCE_READERS = UNIT;
/** SOP 10.4: the case workers enter it into the force system and record its reference back. */
export const INTELLIGENCE_RECORDERS = CASE_WORKERS;

export const mayReview = (actor: Pick<Actor, 'roles'>) => hasAnyRole(actor, REVIEWERS);
export const mayQa = (actor: Pick<Actor, 'roles'>) => hasAnyRole(actor, QA_ROLES);
export const mayRecordIntelligenceReference = (actor: Pick<Actor, 'roles'>) => hasAnyRole(actor, INTELLIGENCE_RECORDERS);
