import { hasAnyRole, type Actor } from '../../domain/actor.js';
import { REQUESTERS, UNIT } from '../../domain/roles.js';

/** DESIGN.md "Roles": the unit reads every referral; a requester reads only their own (SOP 8.1). */
const UNIT_READERS = UNIT;
/** Who may reach the referral routes at all. Admin and auditor have no access to case content. */
export const REFERRAL_READERS = [...REQUESTERS, ...UNIT_READERS] as const;
/** SOP 8.1: referrals are submitted by officers and staff from across the force. */
export const REFERRAL_SUBMITTERS = REQUESTERS;

export const readsAllReferrals = (actor: Pick<Actor, 'roles'>) => hasAnyRole(actor, UNIT_READERS);
export const maySubmitReferrals = (actor: Pick<Actor, 'roles'>) => hasAnyRole(actor, REFERRAL_SUBMITTERS);

/**
 * DESIGN.md "Who sees what": the unit sees the whole referral; a requester who holds no unit role
 * sees only what they gave and what happened to it (minimisation inside the force). A person who
 * is both a requester and in the unit sees the unit's view.
 */
export type ReferralView = 'unit' | 'requester';
export const referralViewFor = (actor: Pick<Actor, 'roles'>): ReferralView => (readsAllReferrals(actor) ? 'unit' : 'requester');

/** May this person see this referral? Pure; the service answers 404 when not (its existence is not disclosed). */
export function maySeeReferral(actor: Pick<Actor, 'id' | 'roles'>, referral: { requesterId: string }): boolean {
  if (readsAllReferrals(actor)) return true;
  return maySubmitReferrals(actor) && referral.requesterId === actor.id;
}
