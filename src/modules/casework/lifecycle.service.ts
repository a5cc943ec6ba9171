import type { Db, Tx } from '../../db/client.js';
import type { Actor } from '../../domain/actor.js';
import { decide, type Action, type LifecycleEvent, type ReferralState } from '../../domain/lifecycle.js';
import { Forbidden, InvalidTransition, NotFound } from '../../errors.js';
import type { AuditService } from '../audit/audit.service.js';
import { createLifecycleRepository } from './lifecycle.repository.js';
import type { AuditOperation } from '../../domain/vocabulary.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type TransitionContext = { tx: Tx; state: ReferralState; next: ReferralState; event: LifecycleEvent; now: Date };

export type TransitionOptions = {
  /** Shown on the timeline (a QA return's reason, an appeal's reason). */
  comment?: string | null;
  /** DPA 2018 s.62: `alter` unless the step discloses data (a submission to a platform). */
  operation?: AuditOperation;
  /** DPA 2018 s.62(2): the justification, where the step has one of its own (a disclosure's). */
  purpose?: string | null;
  recipient?: string | null;
  auditDetail?: Record<string, unknown>;
  /**
   * The step's own data (the review, drafts, a submission's reference), written in the same
   * transaction after the state machine has accepted the step and before the new state is saved.
   */
  write?: (ctx: TransitionContext) => Promise<void>;
};

/**
 * Every life-cycle step goes through here (DESIGN.md "Referral life cycle"): lock the referral,
 * ask the pure state machine, then write the step's data, the new status, one event and one audit
 * entry in one transaction. A refused step writes nothing: 409 for the wrong state, 403 for the
 * wrong person.
 */
export function createLifecycleService(db: Db, audit: AuditService, clock: () => Date) {
  const repo = createLifecycleRepository();

  return {
    async apply(actor: Actor, referralId: string, action: Action, options: TransitionOptions = {}) {
      if (!UUID.test(referralId)) throw new NotFound('No such referral');
      return db.transaction(async (tx) => {
        const state = await repo.lockState(tx, referralId);
        if (!state) throw new NotFound('No such referral');
        const decision = decide(state, action, actor);
        if (!decision.ok)
          throw decision.refusal.kind === 'wrong_actor'
            ? new Forbidden(decision.refusal.message)
            : new InvalidTransition(decision.refusal.message);
        const { next, event } = decision;
        const now = clock();
        await options.write?.({ tx, state, next, event, now });
        await repo.saveState(tx, referralId, next, next.status === 'closed' ? now : null);
        await repo.addEvent(tx, {
          referralId,
          at: now,
          actorId: actor.id,
          action: event.action,
          fromStatus: event.fromStatus,
          toStatus: event.toStatus,
          platform: event.platformChange?.platform ?? null,
          comment: options.comment ?? null,
        });
        await audit.record(tx, {
          actor,
          operation: options.operation ?? 'alter',
          entity: 'referral',
          entityId: referralId,
          purpose: options.purpose ?? null,
          recipient: options.recipient ?? null,
          detail: {
            action: event.action,
            from: event.fromStatus,
            to: event.toStatus,
            ...(event.platformChange ? { platform: event.platformChange.platform } : {}),
            ...options.auditDetail,
          },
        });
        return { state, next, event };
      });
    },
  };
}

export type LifecycleService = ReturnType<typeof createLifecycleService>;
