import type { Actor } from '../../domain/actor.js';
import type { LibraryEvent } from '../../domain/vocabulary.js';
import { londonToday } from '../../domain/dates.js';
import { addDays, libraryExpiresOn } from '../../domain/library-retention.js';
import type { Db, Tx } from '../../db/client.js';
import { Forbidden, InvalidTransition, NotFound } from '../../errors.js';
import type { AuditService } from '../audit/audit.service.js';
import { indexEntryTerms } from './library-match.service.js';
import { mayHold } from './library.policy.js';
import { presentEntry, presentEntryDetail } from './library.presenter.js';
import { createLibraryRepository, type EntryFilter, type EntryRow } from './library.repository.js';
import { holdSchemas, placedHold, type HoldInput, type HoldReviewInput, type LibraryQuery, type ReleaseInput } from './library.schemas.js';

export type LibraryDeps = { db: Db; clock: () => Date; audit: AuditService };

/** What the platform-referrals service is given: the entry made inside the decision's own transaction. */
export type LibraryEntryMaker = (tx: Tx, actor: Actor, referralId: string, removedOn: string, now: Date) => Promise<string | null>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NO_HOLD = { holdInvestigationReference: null, holdReason: null, holdPlacedBy: null, holdPlacedAt: null, holdReviewOn: null };

/**
 * The Domain library (SOP 10.8, 2.2; DESIGN.md "Domain library"): removed musical content with
 * the intelligence record's fields, kept 12 calendar months from its first removal unless held
 * for an investigation (CPIA 1996). Each change is one transaction with its history row and its
 * audit entry. Reading an entry is no consultation: it holds the intelligence record's fields
 * about the content, none of the referral's subjects (decision 011).
 */
export function createLibraryService({ db, clock, audit }: LibraryDeps) {
  const repo = createLibraryRepository();
  const today = () => londonToday(clock());
  const schemas = holdSchemas(today);

  async function present(rows: EntryRow[]) {
    const ids = await repo.captureIdsOf(
      db,
      rows.map((r) => r.id),
    );
    const people = await repo.userNames(db, [...new Set(rows.flatMap((r) => (r.holdPlacedBy ? [r.holdPlacedBy] : [])))]);
    const now = today();
    return rows.map((r) => {
      const by = r.holdPlacedBy ? people.get(r.holdPlacedBy) : undefined;
      return presentEntry(r, { captureIds: ids.get(r.id) ?? [], placedBy: by && { id: r.holdPlacedBy!, ...by }, today: now });
    });
  }

  async function detail(id: string) {
    // The pages pass the address as typed: a malformed id is no entry, without a query.
    const row = UUID.test(id) ? await repo.entry(db, id) : undefined;
    if (!row) throw new NotFound('No such library entry');
    const [entry] = await present([row]);
    return presentEntryDetail(entry!, await repo.entryCaptures(db, id), await repo.history(db, id));
  }

  /** The entry locked for a change of its hold, or 403/404 (the service re-checks the route's roles). */
  async function locked(tx: Tx, actor: Actor, id: string) {
    if (!mayHold(actor)) throw new Forbidden('Only a sergeant or an inspector may hold or release a library entry');
    const row = UUID.test(id) ? await repo.lockEntry(tx, id) : undefined;
    if (!row) throw new NotFound('No such library entry');
    return row;
  }

  type HoldChange = {
    hold: Parameters<ReturnType<typeof createLibraryRepository>['setHold']>[2];
    history: { action: LibraryEvent; investigationReference: string | null; reason: string; reviewOn?: string };
    purpose?: string;
    detail: Record<string, unknown>;
  };

  /** One change of an entry's hold (CPIA 1996): the row, its history and its audit entry in one transaction; 409s from `change`. */
  async function changeHold(actor: Actor, id: string, change: (row: EntryRow, now: Date) => HoldChange) {
    await db.transaction(async (tx) => {
      const row = await locked(tx, actor, id);
      const now = clock();
      const { hold, history, purpose, detail: auditDetail } = change(row, now);
      await repo.setHold(tx, id, hold);
      await repo.insertHistory(tx, { entryId: id, at: now, actorId: actor.id, ...history });
      await audit.record(tx, { actor, operation: 'alter', entity: 'library_entry', entityId: id, purpose, detail: auditDetail });
    });
    return detail(id);
  }

  /**
   * SOP 10.8: a platform removed musical content. Called inside the decision's transaction, so the
   * entry, its captures, its history and its audit entry commit or roll back with the decision.
   * One entry per referral: a later removal (another platform) changes nothing. Null when none was
   * made (there was one already, or no intelligence record to copy).
   */
  const enterRemoved: LibraryEntryMaker = async (tx, actor, referralId, removedOn, now) => {
    const source = await repo.sourceOf(tx, referralId);
    if (!source) return null;
    const { record } = source;
    const entry = await repo.insertEntry(tx, {
      referralId,
      reference: source.reference,
      contentTitle: record.contentTitle, // 10.4.1
      contentUrl: record.contentUrl, // 10.4.2
      platforms: record.platforms, // 10.4.3
      rationale: record.rationale, // 10.4.4
      summary: record.summary, // 10.4.5
      termsBreached: record.breach.split('\n').filter((line) => line.trim()), // 10.4.6
      removedOn,
      expiresOn: libraryExpiresOn(removedOn),
      createdAt: now,
    });
    if (!entry) return null;
    const captured = await repo.storedCaptures(tx, referralId);
    await repo.insertCaptures(tx, entry.id, captured);
    const indexed = await indexEntryTerms(tx, entry.id);
    await repo.insertHistory(tx, { entryId: entry.id, at: now, action: 'entered', actorId: actor.id });
    await audit.record(tx, {
      actor,
      operation: 'collect',
      entity: 'library_entry',
      entityId: entry.id,
      purpose: 'SOP 10.8: removed musical content kept in the Domain library',
      detail: { referralId, reference: source.reference, removedOn, expiresOn: entry.expiresOn, captures: captured.length, indexed },
    });
    return entry.id;
  };

  return {
    today,
    schemas: () => schemas,
    enterRemoved,

    /** Search and filters, newest removal first (issue 13). */
    async list(_actor: Actor, q: LibraryQuery) {
      const now = today();
      const filter: EntryFilter = {
        q: q.q,
        platform: q.platform,
        held: q.held,
        expiresBy: q.expiringWithinDays === undefined ? undefined : addDays(now, q.expiringWithinDays),
        reviewBy: q.reviewDue ? now : undefined,
      };
      // reviewDue=false does not narrow the list: it is "not only those due", as an unticked box.
      const { rows, total } = await repo.page(db, filter, (q.page - 1) * q.pageSize, q.pageSize);
      return { items: await present(rows), total, page: q.page, pageSize: q.pageSize };
    },

    get: (_actor: Actor, id: string) => detail(id),

    /** CPIA 1996: keep the entry for an investigation until the hold is released; one hold at a time (409). */
    placeHold: (actor: Actor, id: string, input: HoldInput) =>
      changeHold(actor, id, (row, now) => {
        if (row.holdPlacedAt)
          throw new InvalidTransition(`This entry is already held for ${row.holdInvestigationReference}: release that hold first`);
        return {
          hold: placedHold(actor.id, input, now),
          history: {
            action: 'hold_placed',
            investigationReference: input.investigationReference,
            reason: input.reason,
            reviewOn: input.reviewOn,
          },
          purpose: 'CPIA 1996: kept for an investigation',
          detail: { hold: 'placed', investigationReference: input.investigationReference, reviewOn: input.reviewOn },
        };
      }),

    /**
     * A hold reviewed and still needed (issue 13: a hold past its review date is listed, never
     * silently kept): the same investigation, a new review date, the reason it is kept. Kept in
     * place, never released and placed again: the sweep must not find it unheld in between.
     */
    reviewHold: (actor: Actor, id: string, input: HoldReviewInput) =>
      changeHold(actor, id, (row) => {
        if (!row.holdPlacedAt) throw new InvalidTransition('This entry is not held: place a hold instead');
        const investigationReference = row.holdInvestigationReference;
        return {
          hold: { holdReviewOn: input.reviewOn },
          history: { action: 'hold_reviewed', investigationReference, reason: input.reason, reviewOn: input.reviewOn },
          purpose: 'CPIA 1996: the hold reviewed and kept',
          detail: { hold: 'reviewed', investigationReference, reviewOn: input.reviewOn },
        };
      }),

    /** The hold ends; the entry's 12 months (SOP 2.2) apply again. 409 when it is not held. */
    releaseHold: (actor: Actor, id: string, input: ReleaseInput) =>
      changeHold(actor, id, (row) => {
        if (!row.holdPlacedAt) throw new InvalidTransition('This entry is not held');
        const investigationReference = row.holdInvestigationReference;
        return {
          hold: NO_HOLD,
          history: { action: 'hold_released', investigationReference, reason: input.reason },
          detail: { hold: 'released', investigationReference },
        };
      }),
  };
}
