import type { Db, DbOrTx } from '../../db/client.js';
import type { AuditOperation } from '../../db/schema/index.js';
import { chainHash, checkLink, type ChainFault } from '../../domain/audit-chain.js';
import type { Actor } from '../../domain/actor.js';
import { createAuditRepository, type AuditFilter } from './audit.repository.js';

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

/** Entries per read in `verify`: large enough that round trips do not count, small enough to stream. */
const VERIFY_BATCH = 20_000;

export function createAuditService(db: Db, clock: () => Date) {
  const repo = createAuditRepository();
  return {
    /**
     * Appends one entry inside the caller's transaction, so the entry and the change it records
     * commit or roll back together (DPA 2018 s.62).
     */
    async record(tx: DbOrTx, e: AuditEntry) {
      const head = await repo.lockHead(tx);
      const row = {
        seq: head.seq + 1,
        at: clock(),
        actorId: e.actor?.id ?? null,
        actorUsername: e.actor?.username ?? null,
        operation: e.operation,
        entity: e.entity,
        entityId: e.entityId ?? null,
        purpose: e.purpose ?? null,
        recipient: e.recipient ?? null,
        detail: e.detail ?? null,
        prevHash: head.hash,
        hash: '',
      };
      row.hash = chainHash(head.hash, row);
      await repo.append(tx, row);
    },

    /**
     * Recomputes the whole chain in order, batch by batch (keyset on seq); stops at the first bad
     * entry. The next batch is read while the current one is hashed, so at most two batches are
     * held at once.
     */
    async verify(): Promise<VerifyResult> {
      let prevSeq = 0;
      let prevHash = '0'.repeat(64);
      let entries = 0;
      let next = repo.linksAfter(db, prevSeq, VERIFY_BATCH);
      for (;;) {
        const batch = await next;
        const n = batch.length;
        if (n === VERIFY_BATCH) {
          next = repo.linksAfter(db, batch[n - 1]![0], VERIFY_BATCH);
          // An early return below leaves this read unawaited: never let it surface as unhandled.
          next.catch(() => undefined);
        }
        for (let i = 0; i < n; i++) {
          const link = batch[i]!;
          const fault = checkLink({ seq: prevSeq, hash: prevHash }, link);
          if (fault) return { ok: false, entries, fault };
          prevSeq = link[0];
          prevHash = link[11];
          entries++;
        }
        if (n < VERIFY_BATCH) break;
      }
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

    list: (filter: AuditFilter, page: number, pageSize: number) => repo.page(db, filter, page, pageSize),
  };
}

export type AuditService = ReturnType<typeof createAuditService>;
