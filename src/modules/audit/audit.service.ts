import type { Db, DbOrTx } from '../../db/client.js';
import { chainTail, checkLink, GENESIS_HASH, type ChainFault, type StoredLink } from '../../domain/audit-chain.js';
import type { Actor } from '../../domain/actor.js';
import { auditVerificationsRepository, type AuditCheck } from './audit-verifications.repository.js';
import { createAuditRepository, type AuditFilter } from './audit.repository.js';
import type { AuditOperation } from '../../domain/vocabulary.js';

export type AuditEntry = {
  actor: Pick<Actor, 'id' | 'username'> | null;
  operation: AuditOperation;
  entity: string;
  entityId?: string | null;
  purpose?: string | null;
  /** For disclosures: to whom. */
  recipient?: string | null;
  detail?: Record<string, unknown> | null;
};

export type VerifyResult = { ok: true; entries: number } | { ok: false; entries: number; fault: ChainFault };

/** Entities whose entries are keyed by a referral's id: the audit page names the referral by its reference. */
const REFERRAL_ENTITIES: readonly string[] = ['referral', 'intelligence_record'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const referralIdOf = (e: { entity: string; entityId: string | null }) =>
  REFERRAL_ENTITIES.includes(e.entity) && e.entityId && UUID.test(e.entityId) ? e.entityId : null;

/** Entries per read in `verify`: large enough that round trips do not count, small enough to stream. */
const VERIFY_BATCH = 20_000;
/** Reads `verify` keeps asked for beyond the one it is checking. */
const READ_AHEAD = 2;

export function createAuditService(db: Db, clock: () => Date) {
  const repo = createAuditRepository();
  return {
    /**
     * Appends one entry inside the caller's transaction, so the entry and the change it records
     * commit or roll back together (DPA 2018 s.62). The append is one statement (decision 008), so
     * an entry that records no change of its own (a consultation) may be appended on `db` alone.
     */
    async record(tx: DbOrTx, e: AuditEntry) {
      const entry = {
        at: clock(),
        actorId: e.actor?.id ?? null,
        actorUsername: e.actor?.username ?? null,
        operation: e.operation,
        entity: e.entity,
        entityId: e.entityId ?? null,
        purpose: e.purpose ?? null,
        recipient: e.recipient ?? null,
        detail: e.detail ?? null,
      };
      await repo.append(tx, { ...entry, tail: chainTail(entry) });
    },

    /**
     * Recomputes the whole chain in order, range by range of `batch` entries; stops at the first
     * bad entry. The database builds the next ranges (on PostgreSQL, each on its own connection)
     * while this one is hashed: reading is what limits a verify, and one backend alone left the
     * process idle half the time (issue 4). At most `READ_AHEAD + 1` ranges are held at once.
     */
    async verify(batch = VERIFY_BATCH): Promise<VerifyResult> {
      let prevSeq = 0;
      let prevHash = GENESIS_HASH;
      let entries = 0;
      let asked = 0;
      const ahead: Promise<StoredLink[]>[] = [];
      const askNext = () => {
        const read = repo.linksBetween(db, asked, asked + batch);
        // An early return leaves reads unawaited: never let them surface as unhandled.
        read.catch(() => undefined);
        ahead.push(read);
        asked += batch;
      };
      while (ahead.length < READ_AHEAD) askNext();
      for (;;) {
        const links = await ahead.shift()!;
        // A short range is the end of the chain, or a gap: then the entry after it comes next.
        const end = links.length < batch;
        if (!end) askNext();
        else {
          const after = await repo.linkAfter(db, links.length ? links[links.length - 1]![0] : prevSeq);
          if (after) links.push(after);
        }
        for (const link of links) {
          const fault = checkLink({ seq: prevSeq, hash: prevHash }, link);
          if (fault) {
            // Nothing is left running on the connection once the answer is given.
            await Promise.allSettled(ahead);
            return { ok: false, entries, fault };
          }
          prevSeq = link[0];
          prevHash = link[11];
          entries++;
        }
        if (end) break;
      }
      await Promise.allSettled(ahead);
      const prev = { seq: prevSeq, hash: prevHash };
      const head = await repo.head(db);
      if (!head || head.seq !== prev.seq || head.hash !== prev.hash) {
        return {
          ok: false,
          entries,
          fault: {
            seq: head?.seq ?? prev.seq,
            problem: `the chain's head is entry ${head?.seq}, but the last entry found is ${prev.seq}: entries were removed from the end`,
          },
        };
      }
      return { ok: true, entries };
    },

    /** Verifies the chain and keeps the result, for the auditors' page (the nightly job, issue 11). */
    async verifyAndRecord(): Promise<VerifyResult> {
      const startedAt = clock();
      const result = await this.verify();
      await auditVerificationsRepository.add(db, {
        startedAt,
        finishedAt: clock(),
        ok: result.ok,
        entries: result.entries,
        faultSeq: result.ok ? null : result.fault.seq,
        faultProblem: result.ok ? null : result.fault.problem,
      });
      return result;
    },

    /** The last stored check, or null before the first. */
    lastCheck: (): Promise<AuditCheck | null> => auditVerificationsRepository.latest(db),

    /**
     * One page of entries, newest first. An entry about a referral carries the referral's
     * `reference` (one look-up for the page, not one per entry), or null once it is gone.
     */
    async list(filter: AuditFilter, page: number, pageSize: number) {
      const { items, total } = await repo.page(db, filter, page, pageSize);
      const ids = [...new Set(items.map(referralIdOf).filter((id) => id !== null))];
      const references = await repo.referralReferences(db, ids);
      return { items: items.map((e) => ({ ...e, reference: references.get(referralIdOf(e) ?? '') ?? null })), total };
    },
  };
}

export type AuditService = ReturnType<typeof createAuditService>;
