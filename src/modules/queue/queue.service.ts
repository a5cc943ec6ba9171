import type { Actor } from '../../domain/actor.js';
import { Forbidden, NotFound, ValidationFailed } from '../../errors.js';
import type { Db } from '../../db/client.js';
import type { LifecycleService } from '../casework/lifecycle.service.js';
import type { ReferralDetail } from '../referrals/referrals.presenter.js';
import type { ReferralsService } from '../referrals/referrals.service.js';
import type { ListQuery, NewReferral } from '../referrals/referrals.schemas.js';
import { mayAssign, mayBeAssigned } from './queue.policy.js';
import { createQueueRepository } from './queue.repository.js';
import type { CountsQuery } from './queue.schemas.js';

/** What the work queue is built from. */
export type QueueDeps = { db: Db; clock: () => Date; lifecycle: LifecycleService; referrals: ReferralsService };

/**
 * The work queue (issue 3): counts per status, claiming and assigning (SOP 8.5-8.6) and
 * self-tasked referrals (SOP 8.5). The list itself is the referrals service's `list`; every
 * state change goes through the lifecycle service.
 */
export function createQueueService({ db, clock, lifecycle, referrals }: QueueDeps) {
  const repo = createQueueRepository();

  /** 400 at `assignee` unless it names an active operative. Read before any transaction opens. */
  async function operativeFor(idOrUsername: string) {
    const u = await repo.userByIdOrUsername(db, idOrUsername);
    const fail = (message: string) => new ValidationFailed([{ path: 'assignee', message }]);
    if (!u) throw fail(`There is no user ${idOrUsername}`);
    if (!u.active) throw fail(`${u.name} is deactivated and cannot be given work`);
    if (!mayBeAssigned(u)) throw fail(`${u.name} is not an operative; a referral can be assigned only to an operative`);
    return u;
  }

  return {
    /** Per status, under the list's other filters; a requester is held to their own (the routes keep them out anyway). */
    counts: (actor: Actor, q: CountsQuery) => referrals.counts(actor, q),

    /** The queue page: one page of referrals, its total and the counts per status, read together. */
    async queue(actor: Actor, q: ListQuery) {
      const now = clock();
      return { ...(await referrals.listWithCounts(actor, q)), now };
    },

    /** Who a sergeant can assign work to. */
    operatives: () => repo.activeOperatives(db),

    /** What the assign page shows of a referral. */
    async referralHead(id: string) {
      const r = await repo.referralHead(db, id);
      if (!r) throw new NotFound('No such referral');
      return r;
    },

    /**
     * SOP 8.5-8.6: with no assignee, the caller claims the referral (`submitted` → `in_review`,
     * assigned to them). A sergeant may name an active operative to assign it to instead, also
     * from `in_review` (reassignment). Wrong state 409, wrong person 403: nothing changes.
     * Answers what changed (a command never reads the referral back: issue 10).
     */
    async claim(actor: Actor, referralId: string, assignee?: string) {
      if (assignee === undefined) return lifecycle.apply(actor, referralId, { kind: 'claim' });
      if (!mayAssign(actor)) throw new Forbidden('Only a sergeant may assign a referral to someone else');
      const to = await operativeFor(assignee);
      return lifecycle.apply(
        actor,
        referralId,
        { kind: 'assign', assigneeId: to.id, assigneeRoles: to.roles },
        { auditDetail: { assigneeId: to.id } },
      );
    },

    /**
     * SOP 8.5: an operative's self-tasked deployment, opened with a recorded reason: created
     * `in_review`, assigned to them, through the intake's own validation, insert and deconfliction.
     */
    async selfTask(actor: Actor, input: NewReferral, selfTaskedReason: string): Promise<ReferralDetail> {
      const result = await referrals.submit(actor, input, { selfTaskedReason });
      // Without duplicateOf nothing is combined, and a caseworker is answered in the unit's view.
      if (result.kind !== 'created' || !('requesterId' in result.referral))
        throw new Error('A self-tasked referral is created in the unit’s view');
      return result.referral;
    },
  };
}
