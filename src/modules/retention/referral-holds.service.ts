import type { Db, Tx } from '../../db/client.js';
import type { Actor } from '../../domain/actor.js';
import { londonToday } from '../../domain/dates.js';
import { referralExpiresOn } from '../../domain/retention.js';
import { Forbidden, InvalidTransition, NotFound } from '../../errors.js';
import type { AuditService } from '../audit/audit.service.js';
import { mayHold } from '../library/library.policy.js';
import { createReferralRetentionRepository, type HoldColumns, type ReferralRetentionRepository } from './referral-retention.repository.js';
import { holdSchemas, placedHold, type HoldInput, type HoldReviewInput, type ReleaseInput } from '../library/library.schemas.js';

export type ReferralHoldDeps = { db: Db; clock: () => Date; audit: AuditService };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NO_HOLD = { holdInvestigationReference: null, holdReason: null, holdPlacedBy: null, holdPlacedAt: null, holdReviewOn: null };
type Row = NonNullable<Awaited<ReturnType<ReferralRetentionRepository['lockForHold']>>>;
type Change = {
  hold: HoldColumns;
  action: 'hold_placed' | 'hold_reviewed' | 'hold_released';
  comment: string;
  detail: Record<string, unknown>;
};

/**
 * Holds on closed referrals (SOP 2.2, DPA 2018 s.39, CPIA 1996; issue 15 point 1; decision 022): a
 * sergeant or an inspector keeps a closed referral for an investigation beyond its 12 months, reviews
 * the hold (kept in place with a new review date, never released and placed again), and releases it.
 * As the library's holds: each change is one transaction with its referral event and its audit entry,
 * whose detail holds the investigation reference and dates only (no reason: free text, DPA s.62).
 */
export function createReferralHoldService({ db, clock, audit }: ReferralHoldDeps) {
  const repo = createReferralRetentionRepository();
  const today = () => londonToday(clock());
  const schemas = holdSchemas(today);

  async function lockClosed(tx: Tx, actor: Actor, id: string) {
    if (!mayHold(actor)) throw new Forbidden('Only a sergeant or an inspector may hold or release a referral');
    const row = UUID.test(id) ? await repo.lockForHold(tx, id) : undefined;
    if (!row) throw new NotFound('No such referral');
    // An open referral is never swept: it is held once closed, with 12 months to do so (decision 022).
    if (row.status !== 'closed' || !row.closedAt) throw new InvalidTransition('Only a closed referral is held: it is kept while open');
    return row;
  }

  /** One change of a referral's hold: the row, its event and its audit entry in one transaction; 409s from `change`. */
  async function changeHold(actor: Actor, id: string, change: (row: Row, now: Date) => Change) {
    await db.transaction(async (tx) => {
      const row = await lockClosed(tx, actor, id);
      const now = clock();
      const { hold, action, comment, detail } = change(row, now);
      await repo.setHold(tx, id, hold);
      await repo.addEvent(tx, { referralId: id, at: now, actorId: actor.id, action, comment });
      await audit.record(tx, {
        actor,
        operation: 'alter',
        entity: 'referral',
        entityId: id,
        purpose: 'CPIA 1996, SOP 2.2: a closed referral kept for an investigation',
        detail: { reference: row.reference, ...detail },
      });
    });
    return holdOf(id);
  }

  /** The referral's retention and hold, as the API and the hold page show them. */
  async function holdOf(id: string) {
    const row = UUID.test(id) ? await repo.withHolder(db, id) : undefined;
    if (!row) throw new NotFound('No such referral');
    const { r, by } = row;
    return {
      id: r.id,
      reference: r.reference,
      status: r.status,
      closedAt: r.closedAt?.toISOString() ?? null,
      expiresOn: r.closedAt ? referralExpiresOn(r.closedAt) : null,
      hold: r.holdPlacedAt
        ? {
            investigationReference: r.holdInvestigationReference ?? '',
            reason: r.holdReason ?? '',
            placedBy: by ?? { id: '', username: '', name: 'Unknown' },
            placedAt: r.holdPlacedAt.toISOString(),
            reviewOn: r.holdReviewOn ?? '',
            reviewDue: r.holdReviewOn !== null && r.holdReviewOn <= today(),
          }
        : null,
    };
  }

  return {
    schemas: () => schemas,

    /** The retention of one referral and its hold (sergeants and inspectors: the route says). */
    get: (_actor: Actor, id: string) => holdOf(id),

    /** CPIA 1996: keep a closed referral for an investigation until released; one hold at a time (409). */
    place: (actor: Actor, id: string, input: HoldInput) =>
      changeHold(actor, id, (row, now) => {
        if (row.holdPlacedAt)
          throw new InvalidTransition(`This referral is already held for ${row.holdInvestigationReference}: release that hold first`);
        return {
          hold: placedHold(actor.id, input, now),
          action: 'hold_placed',
          comment: `${input.investigationReference}: ${input.reason} (review on ${input.reviewOn})`,
          detail: { hold: 'placed', investigationReference: input.investigationReference, reviewOn: input.reviewOn },
        };
      }),

    /** The hold reviewed and still needed: a new review date, kept in place (the sweep never finds it unheld). */
    review: (actor: Actor, id: string, input: HoldReviewInput) =>
      changeHold(actor, id, (row) => {
        if (!row.holdPlacedAt) throw new InvalidTransition('This referral is not held: place a hold instead');
        return {
          hold: { holdReviewOn: input.reviewOn },
          action: 'hold_reviewed',
          comment: `${row.holdInvestigationReference}: ${input.reason} (review on ${input.reviewOn})`,
          detail: { hold: 'reviewed', investigationReference: row.holdInvestigationReference, reviewOn: input.reviewOn },
        };
      }),

    /** The hold ends; the referral's 12 months from closure (SOP 2.2) apply again. 409 when not held. */
    release: (actor: Actor, id: string, input: ReleaseInput) =>
      changeHold(actor, id, (row) => {
        if (!row.holdPlacedAt) throw new InvalidTransition('This referral is not held');
        return {
          hold: NO_HOLD,
          action: 'hold_released',
          comment: `${row.holdInvestigationReference}: ${input.reason}`,
          detail: { hold: 'released', investigationReference: row.holdInvestigationReference },
        };
      }),
  };
}
