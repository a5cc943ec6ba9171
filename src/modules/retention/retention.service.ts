import type { Db, Tx } from '../../db/client.js';
import { libraryEntries } from '../../db/schema/index.js';
import type { Actor } from '../../domain/actor.js';
import { londonToday } from '../../domain/dates.js';
import { addDays } from '../../domain/library-retention.js';
import {
  ERASE_PURPOSE,
  isDue,
  isReferralDue,
  libraryCertificate,
  libraryRule,
  REFERRAL_ERASE_PURPOSE,
  referralCertificate,
  referralExpiresOn,
  referralRule,
  type Certificate,
  type SweepItem,
} from '../../domain/retention.js';
import { Forbidden } from '../../errors.js';
import type { EvidenceStore } from '../../storage/evidence-store.js';
import type { AuditService } from '../audit/audit.service.js';
import { createEvidenceRepository } from '../evidence/evidence.repository.js';
import { seesRestricted } from '../restriction/restriction.policy.js';
import { referralVisible, visibleThrough } from '../restriction/restriction.sql.js';
import { mayReadCertificates } from './retention.policy.js';
import { createReferralRetentionRepository } from './referral-retention.repository.js';
import { createRetentionRepository } from './retention.repository.js';
import type { CertificatesQuery } from './retention.schemas.js';

/** A hold as the held lists read it (a library entry's or a referral's: the same columns). */
type HoldRow = {
  investigationReference: string | null;
  reason: string | null;
  placedAt: Date | null;
  reviewOn: string | null;
  placedBy: { id: string; username: string; name: string } | null;
};

export type RetentionDeps = { db: Db; clock: () => Date; audit: AuditService; store: EvidenceStore };

/** Entries one sweep deletes at most; the rest are the next sweep's (the job runs daily). */
const SWEEP_LIMIT = 1_000;
/** Crash recovery looks back this far over certificates for bytes left stored (decision 017). */
const MEND_DAYS = 30;
/** Rows at most in each list of the upcoming view. */
const UPCOMING_LIMIT = 500;

/**
 * The retention sweep, its certificates and what goes next (SOP 10.8, 2.2; DESIGN.md "Domain
 * library", "Data protection and fairness"; decision 017). Each entry goes in one transaction of
 * its own with its certificate, its `erase` audit entry and the object rows nothing else holds;
 * the bytes go after the commit, each under its hash's lock.
 */
export function createRetentionService({ db, clock, audit, store }: RetentionDeps) {
  const repo = createRetentionRepository();
  const evidence = createEvidenceRepository();
  const referralRepo = createReferralRetentionRepository();

  /**
   * The object rows of `hashes` that nothing else holds any more, deleted inside the record's
   * transaction (decision 017). Sorted, so two sweeps take the hashes' locks in one order; a kept
   * object keeps its images. Returns the hashes whose rows went: their bytes go after the commit.
   */
  async function freeObjects(tx: Tx, hashes: readonly string[]) {
    const freed: string[] = [];
    for (const sha of hashes) {
      await evidence.lockBytes(tx, sha);
      if (await evidence.isHeld(tx, sha)) continue;
      const derived = await repo.derivedOf(tx, sha);
      if (!derived) continue;
      await repo.deleteObject(tx, sha);
      freed.push(sha);
      for (const image of derived.sort()) {
        await evidence.lockBytes(tx, image);
        if (await evidence.isHeld(tx, image)) continue;
        await repo.deleteObject(tx, image);
        freed.push(image);
      }
    }
    return freed;
  }

  /** The certificate and the `erase` entry (ids, reference, hashes and counts: no personal data, DPA 2018 s.62). */
  async function certify(tx: Tx, certificate: Certificate, freed: readonly string[], purpose: string) {
    const saved = await repo.insertCertificate(tx, certificate);
    await audit.record(tx, {
      actor: null,
      operation: 'erase',
      entity: certificate.entity,
      entityId: certificate.entityId,
      purpose,
      detail: { reference: certificate.reference, certificateId: saved.id, sha256s: saved.sha256s, objectsDeleted: freed.length },
    });
  }

  /**
   * Deletes one due entry, or answers null when another sweep has it, it is gone, or it was held
   * meanwhile. Returns the hashes whose rows went: their bytes are deleted after the commit.
   */
  const eraseEntry = (id: string, today: string) =>
    db.transaction(async (tx) => {
      const entry = await repo.lockEntry(tx, id);
      // Re-checked under the lock: a hold placed since, or another sweep that deleted it, leaves it.
      if (!entry || !isDue(entry, today)) return null;
      const hashes = [...new Set(await repo.entryHashes(tx, id))].sort();
      await repo.deleteEntry(tx, id);
      const freed = await freeObjects(tx, hashes);
      await certify(tx, libraryCertificate(entry, hashes, clock()), freed, ERASE_PURPOSE);
      return { freed };
    });

  /**
   * Deletes one due closed referral and all it holds (SOP 2.2, DPA 2018 s.39; issue 15 point 1;
   * decision 022), its report facts first copied to the retained tables (decision 021), in one
   * transaction; null as `eraseEntry`.
   */
  const eraseReferral = (id: string, today: string) =>
    db.transaction(async (tx) => {
      const referral = await referralRepo.lock(tx, id);
      if (!referral || !isReferralDue(referral, today)) return null;
      const hashes = [...new Set(await referralRepo.hashes(tx, id))].sort();
      await referralRepo.keepFacts(tx, id);
      await referralRepo.delete(tx, id);
      const freed = await freeObjects(tx, hashes);
      await certify(tx, referralCertificate(referral, hashes, clock()), freed, REFERRAL_ERASE_PURPOSE);
      return { freed };
    });

  /** One record through its transaction: the line for the answer, the bytes freed after the commit. */
  async function sweepOne(
    line: Omit<SweepItem, 'deleted' | 'outcome'>,
    erase: () => Promise<{ freed: string[] } | null>,
    onError?: (reference: string, err: unknown) => void,
  ): Promise<SweepItem> {
    let done;
    try {
      done = await erase();
    } catch (err) {
      onError?.(line.reference, err);
      return { ...line, deleted: false, outcome: 'failed' };
    }
    if (!done) return { ...line, deleted: false, outcome: 'skipped' };
    for (const sha of done.freed) await deleteBytes(sha);
    return { ...line, deleted: true, outcome: 'deleted' };
  }

  /** The race rule (decision 017): the bytes go only while no row holds them, under the hash's lock. */
  const deleteBytes = (sha256: string) =>
    db.transaction(async (tx) => {
      await evidence.lockBytes(tx, sha256);
      if (!(await repo.hasObject(tx, sha256))) await store.delete(sha256);
    });

  /** Bytes a crash left stored after their certificate's commit: deleted now, when still without a row. */
  async function mend() {
    const since = new Date(clock().getTime() - MEND_DAYS * 24 * 3600 * 1000);
    for (const sha of await repo.orphanCandidates(db, since)) if ((await store.size(sha)) !== null) await deleteBytes(sha);
  }

  return {
    /**
     * Deletes every library entry expired and not held (a dry run only lists them), one
     * transaction each: a failure leaves that entry whole and the sweep goes on. Idempotent, and
     * safe from several processes at once (each entry is deleted, and certified, once).
     */
    async sweep({ dryRun, onError }: { dryRun: boolean; onError?: (reference: string, err: unknown) => void }): Promise<SweepItem[]> {
      const today = londonToday(clock());
      const items: SweepItem[] = [];
      for (const entry of await repo.dueEntries(db, today, SWEEP_LIMIT)) {
        const line = { reference: entry.reference, entity: 'library_entry' as const, rule: libraryRule(entry) };
        items.push(dryRun ? { ...line, deleted: false, outcome: 'due' } : await sweepOne(line, () => eraseEntry(entry.id, today), onError));
      }
      const referralsDue = (await referralRepo.expiringBy(db, today, SWEEP_LIMIT)).filter((r) => isReferralDue(r, today));
      for (const referral of referralsDue) {
        const line = { reference: referral.reference, entity: 'referral' as const, rule: referralRule(referral) };
        items.push(
          dryRun ? { ...line, deleted: false, outcome: 'due' } : await sweepOne(line, () => eraseReferral(referral.id, today), onError),
        );
      }
      if (!dryRun) await mend();
      return items;
    },

    /** The certificates, newest first (auditor: DESIGN.md "Roles"). */
    async certificates(actor: Actor, q: CertificatesQuery) {
      if (!mayReadCertificates(actor)) throw new Forbidden('Only an auditor may read the deletion certificates');
      const { rows, total } = await repo.certificates(db, (q.page - 1) * q.pageSize, q.pageSize);
      return {
        items: rows.map((c) => ({
          id: c.id,
          deletedAt: c.deletedAt.toISOString(),
          entity: c.entity,
          entityId: c.entityId,
          reference: c.reference,
          rule: c.rule,
          sha256s: c.sha256s,
        })),
        total,
        page: q.page,
        pageSize: q.pageSize,
      };
    },

    /**
     * What goes in the next `days` days, what is held and why, and which holds are due for review
     * (review date today or past: reviewed, never silently kept). Library entries, then closed
     * referrals (issue 15 point 1); each item says its `kind`.
     */
    async upcoming(actor: Actor, days: number) {
      const today = londonToday(clock());
      const until = addDays(today, days);
      // DPA 2018 s.47: a restricted referral, and its library entry, are listed to auditors alone (decision 023).
      const all = seesRestricted(actor);
      const referralsShown = all ? undefined : referralVisible;
      const entriesShown = all ? undefined : visibleThrough(libraryEntries.referralId);
      const expiringReferrals = (await referralRepo.expiringBy(db, until, UPCOMING_LIMIT, referralsShown))
        .map((r) => ({ kind: 'referral' as const, id: r.id, reference: r.reference, expiresOn: referralExpiresOn(r.closedAt) }))
        .filter((r) => r.expiresOn <= until);
      const expiring = [
        ...(await repo.expiring(db, until, UPCOMING_LIMIT, entriesShown)).map((e) => ({
          kind: 'library_entry' as const,
          id: e.id,
          reference: e.reference,
          expiresOn: e.expiresOn,
        })),
        ...expiringReferrals,
      ];
      const holdOf = (h: HoldRow) => ({
        investigationReference: h.investigationReference ?? '',
        reason: h.reason ?? '',
        placedBy: h.placedBy ?? { id: '', username: '', name: 'Unknown' },
        placedAt: h.placedAt!.toISOString(),
        reviewOn: h.reviewOn ?? '',
        reviewDue: h.reviewOn !== null && h.reviewOn <= today,
      });
      const held = [
        ...(await repo.held(db, UPCOMING_LIMIT, entriesShown)).map((h) => ({
          kind: 'library_entry' as const,
          id: h.entry.id,
          reference: h.entry.reference,
          expiresOn: h.entry.expiresOn,
          hold: holdOf(h),
        })),
        ...(await referralRepo.held(db, UPCOMING_LIMIT, referralsShown)).map((h) => ({
          kind: 'referral' as const,
          id: h.referral.id,
          reference: h.referral.reference,
          expiresOn: referralExpiresOn(h.referral.closedAt),
          hold: holdOf(h),
        })),
      ];
      return { today, until, days, expiring, held, reviewDue: held.filter((h) => h.hold.reviewDue) };
    },
  };
}
