import type { Db } from '../../db/client.js';
import type { Actor } from '../../domain/actor.js';
import { InvalidTransition, NotFound } from '../../errors.js';
import type { AuditService } from '../audit/audit.service.js';
import { createRestrictionRepository } from './restriction.repository.js';
import { seesRestricted } from './restriction.policy.js';

type Deps = { db: Db; clock: () => Date; audit: AuditService };

/**
 * DPA 2018 s.47 (issue 15 point 2): an auditor restricts a referral with a reason and releases it
 * with a reason. Each is one transaction with its audit entry; the reasons stay in
 * `referral_restrictions`, never in the audit detail (they are free text, and may name someone).
 */
export function createRestrictionService({ db, clock, audit }: Deps) {
  const repo = createRestrictionRepository();

  async function change(actor: Actor, id: string, to: 'restricted' | 'released', reason: string) {
    if (!(await repo.head(db, id))) throw new NotFound('No such referral');
    return db.transaction(async (tx) => {
      const r = await repo.lock(tx, id);
      if (!r) throw new NotFound('No such referral');
      const now = clock();
      if (to === 'restricted') {
        if (r.restrictedAt) throw new InvalidTransition(`${r.reference} is already restricted: release it first`);
        const row = await repo.restrict(tx, id, actor.id, reason, now);
        await audit.record(tx, {
          actor,
          operation: 'alter',
          entity: 'referral',
          entityId: id,
          purpose: 'DPA 2018 s.47: processing restricted',
          detail: { restriction: 'placed', restrictionId: row.id },
        });
        return { referralId: id, reference: r.reference, restricted: true, restrictionId: row.id, at: now.toISOString() };
      }
      if (!r.restrictedAt) throw new InvalidTransition(`${r.reference} is not restricted`);
      const row = await repo.release(tx, id, actor.id, reason, now);
      await audit.record(tx, {
        actor,
        operation: 'alter',
        entity: 'referral',
        entityId: id,
        purpose: 'DPA 2018 s.47: restriction released',
        detail: { restriction: 'released', restrictionId: row?.id ?? null },
      });
      return { referralId: id, reference: r.reference, restricted: false, restrictionId: row?.id ?? null, at: now.toISOString() };
    });
  }

  return {
    restrict: (actor: Actor, id: string, reason: string) => change(actor, id, 'restricted', reason),
    release: (actor: Actor, id: string, reason: string) => change(actor, id, 'released', reason),

    /** The auditor's page: the referral's reference, whether it is restricted, and every restriction and release. */
    async state(_actor: Actor, id: string) {
      const head = await repo.head(db, id);
      if (!head) throw new NotFound('No such referral');
      const history = await repo.history(db, id);
      return {
        referralId: head.id,
        reference: head.reference,
        contentTitle: head.contentTitle,
        restricted: head.restrictedAt !== null,
        history: history.map((h) => ({
          restrictedAt: h.restriction.restrictedAt.toISOString(),
          restrictedBy: h.restrictedBy,
          reason: h.restriction.reason,
          releasedAt: h.restriction.releasedAt?.toISOString() ?? null,
          releasedBy: h.releasedBy?.id ? h.releasedBy : null,
          releaseReason: h.restriction.releaseReason,
        })),
      };
    },

    /** The referrals restricted now (auditors), paged. */
    async list(_actor: Actor, page: number, pageSize: number) {
      const { rows, total } = await repo.restricted(db, (page - 1) * pageSize, pageSize);
      return {
        items: rows.map((r) => ({ ...r, restrictedAt: r.restrictedAt.toISOString() })),
        total,
        page,
        pageSize,
      };
    },

    /** A reference typed on the auditor's page, to its referral's id (undefined when there is none). */
    idOf: (reference: string) => repo.idByReference(db, reference),

    /**
     * The route guard's question (decision 023): is what this route names hidden from this person?
     * A restricted referral, or a library entry made from one, is, to anyone but an auditor.
     */
    async hides(actor: Actor | null, target: { referral?: string; entry?: string }) {
      if (seesRestricted(actor)) return false;
      if (target.referral !== undefined && (await repo.referralRestricted(db, target.referral))) return true;
      return target.entry !== undefined && (await repo.entryRestricted(db, target.entry));
    },
  };
}

export type RestrictionService = ReturnType<typeof createRestrictionService>;
