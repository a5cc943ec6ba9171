import { hasAnyRole, type Actor } from '../../domain/actor.js';
import { CASE_WORKERS, SERGEANTS, UNIT } from '../../domain/roles.js';
import type { ReferralStatus } from '../../domain/vocabulary.js';

/** SOP 9.1: the case workers capture content for a referral they may work. */
export const CAPTURERS = CASE_WORKERS;
/** The unit reads captures and plays them back; every view is a consultation (issue 12 point 4). */
export const EVIDENCE_READERS = UNIT;
/** SOP 3.1.2, 6.3: the case workers make evidence packages for an investigation. */
export const PACKAGERS = CASE_WORKERS;

type Workable = { status: ReferralStatus; assigneeId: string | null };

/**
 * Why this person may not capture for this referral, or null when they may: a referral they may
 * work is open and assigned to them, or open and they are a sergeant (who may do all an operative
 * may, for any referral of the unit).
 */
export function captureRefusal(actor: Pick<Actor, 'id' | 'roles'>, referral: Workable): { status: 403 | 409; message: string } | null {
  if (!hasAnyRole(actor, CAPTURERS)) return { status: 403, message: 'Only an operative or a sergeant may capture evidence' };
  if (referral.status === 'closed') return { status: 409, message: 'The referral is closed: no more evidence can be captured for it' };
  if (hasAnyRole(actor, SERGEANTS) || referral.assigneeId === actor.id) return null;
  return { status: 403, message: 'Only the operative the referral is assigned to, or a sergeant, may capture evidence for it' };
}

export const mayReadEvidence = (actor: Pick<Actor, 'roles'>) => hasAnyRole(actor, EVIDENCE_READERS);
export const mayPackage = (actor: Pick<Actor, 'roles'>) => hasAnyRole(actor, PACKAGERS);
