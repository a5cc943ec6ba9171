import { randomUUID } from 'node:crypto';
import type { Config } from '../../config.js';
import type { Db, DbOrTx } from '../../db/client.js';
import type { Actor } from '../../domain/actor.js';
import type { ReferralState } from '../../domain/lifecycle.js';
import { contentKey, urlMatchesPlatforms } from '../../domain/content-url.js';
import { londonToday } from '../../domain/dates.js';
import { daysBefore, overdueCutoff } from '../../domain/queue-rules.js';
import { DuplicateReferral, Forbidden, NotFound, ValidationFailed, type FieldError } from '../../errors.js';
import type { AuditService } from '../audit/audit.service.js';
import type { LifecycleService } from '../casework/lifecycle.service.js';
import type { PlatformRow, PlatformsService } from '../platforms/platforms.service.js';
import { maySeeReferral, readsAllReferrals, referralViewFor, type ReferralView } from './referrals.policy.js';
import {
  lifecycleStateOfRows,
  presentCombined,
  presentDetail,
  presentForRequester,
  presentRequesterSummary,
  presentSummary,
  type ReferralDetail,
  type RequesterReferral,
} from './referrals.presenter.js';
import { createReferralsRepository, totalOf, type ReferralDetailRows, type ReferralFilter } from './referrals.repository.js';
import { createSafeguardingRepository } from './safeguarding.repository.js';
import { referralSchemas, type ListQuery, type NewReferral } from './referrals.schemas.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Matches no user: an assignee filter naming nobody finds nothing.
const NOBODY = '00000000-0000-0000-0000-000000000000';

/**
 * DPA 2018 s.62(2): the justification of a consultation, one fixed text per kind of reader. Only a
 * read that shows personal data (a referral's subjects) is a consultation; a command's answer is
 * part of the command (issue 10).
 */
export const CONSULT_PURPOSE: Record<ReferralView, string> = {
  unit: 'Casework on the referral (SOP 8-10)',
  requester: 'The requester reading their own referral',
};

/** One referral as this reader may see it (DESIGN.md "Who sees what"). */
export type ReferralAnswer = ReferralDetail | RequesterReferral;

/** The referral page's read: the view, and the life-cycle state for the steps it offers. */
export type ReferralPageRead =
  | { view: 'unit'; referral: ReferralDetail; state: ReferralState }
  | { view: 'requester'; referral: RequesterReferral; state: ReferralState };

export type SubmitResult =
  | { kind: 'created'; referral: ReferralDetail | (RequesterReferral & { warnings: FieldError[] }) }
  | { kind: 'combined'; referral: ReturnType<typeof presentCombined> };

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
  const safeguarding = createSafeguardingRepository();
  const today = () => londonToday(clock());
  const schemas = referralSchemas(today);

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

  /** A list's row as this person may see it. */
  const summaryFor = (actor: Actor) => (referralViewFor(actor) === 'unit' ? presentSummary : presentRequesterSummary);

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

  /**
   * The rows of a referral this person may see; anyone else's is 404 (its existence is not
   * disclosed). The reads run together on the pool, outside any transaction.
   */
  async function readable(actor: Actor, id: string) {
    if (!UUID.test(id)) throw new NotFound('No such referral');
    const [directory, rows] = await Promise.all([platforms.list(), repo.detail(db, id)]);
    if (!rows || !maySeeReferral(actor, rows.referral)) throw new NotFound('No such referral');
    return { rows, directory };
  }

  const unitView = (rows: ReferralDetailRows, directory: PlatformRow[]) =>
    presentDetail(rows, hostWarnings(rows.referral.contentUrl, rows.referral.platforms, directory));

  /** DESIGN.md "Who sees what": the unit's whole referral, or the requester's allow-listed view. */
  const answerFor = (actor: Actor, rows: ReferralDetailRows, directory: PlatformRow[]): ReferralAnswer =>
    referralViewFor(actor) === 'unit' ? unitView(rows, directory) : presentForRequester(rows);

  /**
   * DPA 2018 s.62: showing a referral that names subjects is a consultation, logged with its
   * purpose. The entry is one statement (decision 008), so it needs no transaction of its own;
   * the answer is given only once it is committed (issue 4).
   */
  async function consulted(actor: Actor, rows: ReferralDetailRows) {
    if (!rows.subjects.length) return;
    await audit.record(db, {
      actor,
      operation: 'consult',
      entity: 'referral',
      entityId: rows.referral.id,
      purpose: CONSULT_PURPOSE[referralViewFor(actor)],
      detail: { subjects: rows.subjects.length },
    });
  }

  return {
    today,
    /** The referral schemas, reading today's date in London as they validate (the API and every intake page use these). */
    schemas: () => schemas,

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
            // DESIGN.md "Safeguarding": what this requester did about a child is kept with the referral too.
            if (input.safeguarding) await safeguarding.record(tx, existing.id, { stage: 'intake', ...input.safeguarding }, actor.id, now);
            // DPA 2018 s.62: two requesters' information about one piece of content is combined.
            await audit.record(tx, {
              actor,
              operation: 'combine',
              entity: 'referral',
              entityId: existing.id,
              detail: { addedRationale: true, ...(input.safeguarding ? { safeguarding: input.safeguarding.action } : {}) },
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
          // DESIGN.md "Safeguarding": the requester's answer, if they gave one, with its own timeline entry.
          const answered = input.safeguarding
            ? await safeguarding.record(tx, row.id, { stage: 'intake', ...input.safeguarding }, actor.id, now)
            : undefined;
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
              // The action only: the detail may name people (it stays in the referral).
              ...(input.safeguarding ? { safeguarding: input.safeguarding.action } : {}),
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
              events: [{ event, actor: person }, ...(answered ? [{ event: answered.event, actor: person }] : [])],
              platformReferrals: [],
              safeguarding: answered ? [{ answer: answered.answer, recorder: person }] : [],
            },
          };
        },
      );
      if (written.kind === 'created') {
        const warnings = hostWarnings(input.contentUrl, input.platforms, directory);
        // The requester's view, and the intake's check of the URL they gave.
        const referral =
          referralViewFor(actor) === 'unit' ? presentDetail(written.rows, warnings) : { ...presentForRequester(written.rows), warnings };
        return { kind: 'created', referral };
      }
      // On the embedded database, never query `db` while a transaction is open: read after it ends.
      return { kind: 'combined', referral: presentCombined(await detailOf(db, written.id, directory)) };
    },

    /**
     * One referral with its timeline, as this person may see it (DESIGN.md "Who sees what"). A
     * requester sees only their own (anyone else's: 404). Opening one that names subjects is a
     * consultation of personal data (DPA 2018 s.62).
     */
    async get(actor: Actor, id: string): Promise<ReferralAnswer> {
      const { rows, directory } = await readable(actor, id);
      await consulted(actor, rows);
      return answerFor(actor, rows, directory);
    },

    /**
     * The updated referral a command answers with (DESIGN.md "Every transition answers 200 with
     * the updated referral"), as this person may see it. It is part of the command, whose own
     * audit entry records it, not a consultation: nothing is logged here (DPA 2018 s.62, issue 10).
     */
    async updated(actor: Actor, id: string): Promise<ReferralAnswer> {
      const { rows, directory } = await readable(actor, id);
      return answerFor(actor, rows, directory);
    },

    /**
     * The withdraw confirmation page: it names the referral by its reference and title and shows no
     * personal data, so it is not a consultation; the state decides whether withdrawal is offered.
     */
    async forWithdrawal(actor: Actor, id: string) {
      const { rows } = await readable(actor, id);
      const { id: referralId, reference, contentTitle } = rows.referral;
      return { referral: { id: referralId, reference, contentTitle }, state: lifecycleStateOfRows(rows) };
    },

    /** The referral page: the view this person may see, a consultation as `get`, and the state for its steps. */
    async page(actor: Actor, id: string): Promise<ReferralPageRead> {
      const { rows, directory } = await readable(actor, id);
      await consulted(actor, rows);
      const state = lifecycleStateOfRows(rows);
      return referralViewFor(actor) === 'unit'
        ? { view: 'unit', referral: unitView(rows, directory), state }
        : { view: 'requester', referral: presentForRequester(rows), state };
    },

    /**
     * The unit's view for its own steps (review, QA, platform steps): their forms, which show no
     * subjects, and the API's answer to a step, which is part of the step (issue 10). Neither is a
     * consultation. Only for the unit: a requester is refused (the routes keep them out anyway).
     */
    async forCasework(actor: Actor, id: string): Promise<ReferralDetail> {
      if (referralViewFor(actor) !== 'unit') throw new Forbidden('Only the unit works on referrals');
      const { rows, directory } = await readable(actor, id);
      return unitView(rows, directory);
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
      return { items: items.map(summaryFor(actor)), total, page: q.page, pageSize: q.pageSize };
    },

    /** The list and its counts per status (the unit's work queue): the total is the counts' sum, not a second count. */
    async listWithCounts(actor: Actor, q: ListQuery) {
      if (referralViewFor(actor) !== 'unit') throw new Forbidden('The work queue is the unit’s');
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
      return { items: items.map(summaryFor(actor)), total, page, pageSize };
    },

    /** DESIGN.md life cycle: the requester withdraws before review, with an optional reason; closed with outcome withdrawn. */
    async withdraw(actor: Actor, id: string, reason?: string) {
      if (!UUID.test(id)) throw new NotFound('No such referral');
      // Someone else's referral is not disclosed to a requester: 404, as for reading it.
      const r = await repo.byIdOrReference(db, id);
      if (!r || !maySeeReferral(actor, r)) throw new NotFound('No such referral');
      // The reason is the timeline's comment, as a QA return's is. Answers what changed.
      return lifecycle.apply(actor, id, { kind: 'withdraw' }, { comment: reason || null });
    },
  };
}

export type ReferralsService = ReturnType<typeof createReferralsService>;
