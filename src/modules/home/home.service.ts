import type { Db } from '../../db/client.js';
import type { Actor } from '../../domain/actor.js';
import { overdueCutoff } from '../../domain/queue-rules.js';
import { mayReadQueue } from '../queue/queue.policy.js';
import { maySubmitReferrals } from '../referrals/referrals.policy.js';
import { mayQa, mayReview } from '../review/review.policy.js';
import { presentSummary } from '../referrals/referrals.presenter.js';
import { createReferralsRepository } from '../referrals/referrals.repository.js';

/** How many returned referrals the home page lists by name; the count says if there are more. */
export const RETURNED_SHOWN = 10;

/**
 * What needs this person, for their home page (issue 10): counts read only for the roles they
 * hold, together. Case workers: their open work and what QA returned to them; sergeants: what
 * awaits QA (SOP 10.2) and what is overdue (domain/queue-rules.ts, decision 006); the unit: the
 * queue by status; requesters: their own referrals. Listing is not a consultation: no subjects.
 */
export function createHomeService({ db, clock }: { db: Db; clock: () => Date }) {
  const repo = createReferralsRepository();

  return {
    async needs(actor: Actor) {
      const caseWorker = mayReview(actor);
      const sergeant = mayQa(actor);
      const mineAssigned = { assigneeId: actor.id };
      const returnedToMe = { assigneeId: actor.id, returned: true as const };
      const [assigned, returnedItems, returnedCount, unit, overdue, requested] = await Promise.all([
        caseWorker ? repo.countsByStatus(db, mineAssigned) : undefined,
        caseWorker ? repo.pageItems(db, returnedToMe, 1, RETURNED_SHOWN) : undefined,
        caseWorker ? repo.count(db, returnedToMe) : undefined,
        mayReadQueue(actor) ? repo.countsByStatus(db, {}) : undefined,
        sergeant ? repo.count(db, { overdue: { cutoff: overdueCutoff(clock()), is: true } }) : undefined,
        maySubmitReferrals(actor) ? repo.countsByStatus(db, { requesterId: actor.id }) : undefined,
      ]);
      return {
        caseWork:
          assigned && returnedItems && returnedCount !== undefined
            ? { inReview: assigned.in_review, returned: { count: returnedCount, items: returnedItems.map(presentSummary) } }
            : undefined,
        qa: sergeant && unit && overdue !== undefined ? { awaitingQa: unit.awaiting_qa, overdue } : undefined,
        queue: unit,
        requested: requested
          ? { open: requested.submitted + requested.in_review + requested.awaiting_qa + requested.referred, closed: requested.closed }
          : undefined,
      };
    },
  };
}
