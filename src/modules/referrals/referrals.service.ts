import { randomUUID } from 'node:crypto';
import type { Config } from '../../config.js';
import type { Db, DbOrTx } from '../../db/client.js';
import type { Actor } from '../../domain/actor.js';
import { contentKey, urlMatchesPlatforms } from '../../domain/content-url.js';
import { londonToday } from '../../domain/dates.js';
import { daysBefore, overdueCutoff } from '../../domain/queue-rules.js';
import { DuplicateReferral, NotFound, ValidationFailed, type FieldError } from '../../errors.js';
import type { AuditService } from '../audit/audit.service.js';
import type { LifecycleService } from '../casework/lifecycle.service.js';
import type { PlatformRow, PlatformsService } from '../platforms/platforms.service.js';
import { maySeeReferral, readsAllReferrals } from './referrals.policy.js';
import { presentCombined, presentDetail, presentSummary, type ReferralDetail } from './referrals.presenter.js';
import { createReferralsRepository, totalOf, type ReferralDetailRows, type ReferralFilter } from './referrals.repository.js';
import { referralSchemas, type ListQuery, type NewReferral } from './referrals.schemas.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Matches no user: an assignee filter naming nobody finds nothing.
const NOBODY = '00000000-0000-0000-0000-000000000000';

export type SubmitResult =
  { kind: 'created'; referral: ReferralDetail } | { kind: 'combined'; referral: ReturnType<typeof presentCombined> };

/** Referral intake (SOP 8.1-8.4), reading and withdrawal. */
export function createReferralsService(
  db: Db,
  audit: AuditService,
  platforms: PlatformsService,
  lifecycle: LifecycleService,
  config: Config,
  clock: () => Date,
) {
  const repo = createReferralsRepository();
  const today = () => londonToday(clock());

  /** SOP 8.3.6: each platform must be a key of the directory; unknown keys are named by position. */
  function platformErrors(keys: readonly string[], directory: PlatformRow[], path = 'platforms'): FieldError[] {
    const known = new Set(directory.map((p) => p.key));
    return keys.flatMap((k, i) => (known.has(k) ? [] : [{ path: `${path}[${i}]`, message: `${k} is not a platform in the directory` }]));
  }

  /**
   * SOP 8.3.5-8.3.6: a URL on a host none of the chosen platforms uses is accepted (links get
   * shortened and mirrored) but flagged for a person to look at.
   */
  function hostWarnings(url: string, keys: readonly string[], directory: PlatformRow[]): FieldError[] {
    const hosts = directory.filter((p) => keys.includes(p.key)).flatMap((p) => p.hosts);
    if (!hosts.length || urlMatchesPlatforms(url, hosts)) return [];
    const names = directory.filter((p) => keys.includes(p.key)).map((p) => p.name);
    return [
      { path: 'contentUrl', message: `The URL's address is not one ${names.join(' or ')} uses. Check the URL and the platforms chosen.` },
    ];
  }

  async function loadDetail(tx: DbOrTx, id: string) {
    const rows = await repo.detail(tx, id);
    if (!rows) throw new NotFound('No such referral');
    return rows;
  }

  // The directory is read before a transaction opens: on the embedded database a query outside
  // the transaction would wait for it to end.
  async function detailOf(tx: DbOrTx, id: string, directory: PlatformRow[]) {
    const rows = await loadDetail(tx, id);
    return presentDetail(rows, hostWarnings(rows.referral.contentUrl, rows.referral.platforms, directory));
  }

  return {
    today,
    /** The referral schemas for today's date in London (the API and every intake page use these). */
    schemas: () => referralSchemas(today()),

    async checkPlatforms(keys: readonly string[]) {
      return platformErrors(keys, await platforms.list());
    },

    async hostWarnings(url: string, keys: readonly string[]) {
      return hostWarnings(url, keys, await platforms.list());
    },

    /**
     * SOP 8.1-8.4: a requester submits a referral. Deconfliction: a URL an open referral already
     * has is refused with that referral named, unless the requester asks (duplicateOf) for their
     * rationale to be added to it instead.
     *
     * SOP 8.5 self-tasking (`selfTaskedReason` given): an operative opens the referral themselves,
     * as its applicant, with the reason recorded; it starts `in_review`, assigned to them, with a
     * `self_tasked` event. The same content already open is still refused (no combining: they
     * should claim the open one instead).
     */
    async submit(actor: Actor, input: NewReferral, options: { selfTaskedReason?: string } = {}): Promise<SubmitResult> {
      const selfTasked = options.selfTaskedReason !== undefined;
      const directory = await platforms.list();
      const bad = platformErrors(input.platforms, directory);
      if (bad.length) throw new ValidationFailed(bad);
      const key = contentKey(input.contentUrl);
      const now = clock();

      // The reference number and then the audit entry are the transaction's last writes and nothing
      // is read after them: they lock the reference_counters and audit_head rows until commit, so
      // they come last (issue 4). A new referral's answer is made of the rows its inserts returned,
      // not read back; a combined one is read back once the transaction has ended.
      const written = await db.transaction(
        async (tx): Promise<{ kind: 'combined'; id: string } | { kind: 'created'; rows: ReferralDetailRows }> => {
          await repo.lockContentKey(tx, key);
          const existing = await repo.openByContentKey(tx, key);
          if (existing) {
            const asked = input.duplicateOf;
            if (selfTasked) throw new DuplicateReferral(existing);
            if (asked !== existing.id && asked !== existing.reference) throw new DuplicateReferral(existing);
            await repo.addRationale(tx, {
              referralId: existing.id,
              requesterId: actor.id,
              applicantName: actor.displayName,
              rationale: input.rationale,
              addedAt: now,
            });
            await repo.addEvent(tx, { referralId: existing.id, at: now, actorId: actor.id, action: 'rationale_added' });
            // DPA 2018 s.62: two requesters' information about one piece of content is combined.
            await audit.record(tx, {
              actor,
              operation: 'combine',
              entity: 'referral',
              entityId: existing.id,
              detail: { addedRationale: true },
            });
            return { kind: 'combined', id: existing.id };
          }

          // A provisional reference until the number is taken, last but one (see assignReference).
          const id = randomUUID();
          const inserted = await repo.insert(
            tx,
            {
              id,
              reference: `pending:${id}`,
              status: selfTasked ? 'in_review' : 'submitted',
              requesterId: actor.id,
              assigneeId: selfTasked ? actor.id : null,
              selfTaskedReason: options.selfTaskedReason ?? null,
              // SOP 8.3.1: applicant details from the signed-in profile, never from the form.
              applicantName: actor.displayName,
              applicantOcu: actor.ocu,
              applicantUnit: actor.unit,
              contentTitle: input.contentTitle,
              contentUrl: input.contentUrl,
              contentKey: key,
              contentUploadedOn: input.contentUploadedOn,
              rationale: input.rationale,
              submittedAt: now,
            },
            { platforms: input.platforms, incidentReferences: input.incidentReferences, subjects: input.subjects },
          );
          const row = inserted.referral;
          const event = await repo.addEvent(tx, {
            referralId: row.id,
            at: now,
            actorId: actor.id,
            action: selfTasked ? 'self_tasked' : 'submitted',
            toStatus: row.status,
            comment: options.selfTaskedReason ?? null,
          });
          const reference = await repo.assignReference(tx, id, config.referencePrefix, Number(londonToday(now).slice(0, 4)));
          // DPA 2018 s.62 "collection"; counts only, no personal data in the log.
          await audit.record(tx, {
            actor,
            operation: 'collect',
            entity: 'referral',
            entityId: row.id,
            detail: {
              reference,
              platforms: input.platforms.length,
              incidentReferences: input.incidentReferences.length,
              subjects: input.subjects.length,
              ...(selfTasked ? { selfTasked: true } : {}),
            },
          });
          const person = { id: actor.id, username: actor.username, name: actor.displayName };
          return {
            kind: 'created',
            rows: {
              referral: { ...row, reference },
              assignee: selfTasked ? person : null,
              incidentReferences: inserted.incidentReferences,
              subjects: inserted.subjects,
              additionalRationales: [],
              events: [{ event, actor: person }],
              platformReferrals: [],
            },
          };
        },
      );
      if (written.kind === 'created')
        return { kind: 'created', referral: presentDetail(written.rows, hostWarnings(input.contentUrl, input.platforms, directory)) };
      // On the embedded database, never query `db` while a transaction is open: read after it ends.
      return { kind: 'combined', referral: presentCombined(await detailOf(db, written.id, directory)) };
    },

    /**
     * One referral with its timeline. A requester sees only their own (anyone else's: 404).
     * Opening one that names subjects is a consultation of personal data (DPA 2018 s.62).
     */
    async get(actor: Actor, id: string) {
      if (!UUID.test(id)) throw new NotFound('No such referral');
      // The reads run together on the pool, outside any transaction (each statement sees committed
      // data either way). The consultation's audit entry is one statement (decision 008), so it
      // needs no transaction of its own; the answer is given only once it is committed (issue 4).
      const [directory, rows] = await Promise.all([platforms.list(), repo.detail(db, id)]);
      if (!rows || !maySeeReferral(actor, rows.referral)) throw new NotFound('No such referral');
      if (rows.subjects.length)
        await audit.record(db, {
          actor,
          operation: 'consult',
          entity: 'referral',
          entityId: id,
          detail: { subjects: rows.subjects.length },
        });
      return presentDetail(rows, hostWarnings(rows.referral.contentUrl, rows.referral.platforms, directory));
    },

    /**
     * The list's query as a repository filter (also used by the work queue's counts). A requester
     * is held to their own referrals whatever they ask for. Ages and overdue are as at the clock's now.
     */
    async listFilter(actor: Actor, q: Omit<ListQuery, 'page' | 'pageSize' | 'sort'>): Promise<ReferralFilter> {
      const now = clock();
      const filter: ReferralFilter = { statuses: q.status, reference: q.reference };
      if (!readsAllReferrals(actor)) filter.requesterId = actor.id;
      if (q.platform) {
        if (platformErrors([q.platform], await platforms.list()).length)
          throw new ValidationFailed([{ path: 'platform', message: `${q.platform} is not a platform in the directory` }]);
        filter.platform = q.platform;
      }
      if (q.assignee === 'me' || q.assignee === 'mine') filter.assigneeId = actor.id;
      else if (q.assignee === 'none' || q.assignee === 'unassigned') filter.assigneeId = null;
      else if (q.assignee)
        filter.assigneeId = UUID.test(q.assignee) ? q.assignee : ((await repo.userIdByUsername(db, q.assignee)) ?? NOBODY);
      if (q.olderThanDays !== undefined) filter.submittedBefore = daysBefore(now, q.olderThanDays);
      if (q.withinDays !== undefined) filter.submittedSince = daysBefore(now, q.withinDays);
      if (q.overdue !== undefined) filter.overdue = { cutoff: overdueCutoff(now), is: q.overdue };
      return filter;
    },

    /** Listing shows no subjects, so it is not a consultation. A requester sees only their own. */
    async list(actor: Actor, q: ListQuery) {
      const filter = await this.listFilter(actor, q);
      const [items, total] = await Promise.all([repo.pageItems(db, filter, q.page, q.pageSize, q.sort), repo.count(db, filter)]);
      return { items: items.map(presentSummary), total, page: q.page, pageSize: q.pageSize };
    },

    /** The list and its counts per status (the work queue): the total is the counts' sum, not a second count. */
    async listWithCounts(actor: Actor, q: ListQuery) {
      const filter = await this.listFilter(actor, q);
      const [items, counts] = await Promise.all([repo.pageItems(db, filter, q.page, q.pageSize, q.sort), repo.countsByStatus(db, filter)]);
      return { items: items.map(presentSummary), total: totalOf(counts, filter.statuses), counts, page: q.page, pageSize: q.pageSize };
    },

    /** Per status, under the list's other filters. */
    async counts(actor: Actor, q: Omit<ListQuery, 'page' | 'pageSize' | 'sort'>) {
      return repo.countsByStatus(db, await this.listFilter(actor, q));
    },

    /** "My referrals": what this person submitted, newest first, whatever else their roles allow. */
    async mine(actor: Actor, page: number, pageSize: number) {
      const mine = { requesterId: actor.id };
      const [items, total] = await Promise.all([repo.pageItems(db, mine, page, pageSize), repo.count(db, mine)]);
      return { items: items.map(presentSummary), total, page, pageSize };
    },

    /** DESIGN.md life cycle: the requester withdraws before review, with an optional reason; closed with outcome withdrawn. */
    async withdraw(actor: Actor, id: string, reason?: string) {
      if (!UUID.test(id)) throw new NotFound('No such referral');
      // Someone else's referral is not disclosed to a requester: 404, as for reading it.
      const r = await repo.byIdOrReference(db, id);
      if (!r || !maySeeReferral(actor, r)) throw new NotFound('No such referral');
      // The reason is the timeline's comment, as a QA return's is.
      await lifecycle.apply(actor, id, { kind: 'withdraw' }, { comment: reason || null });
      return this.get(actor, id);
    },
  };
}

export type ReferralsService = ReturnType<typeof createReferralsService>;
