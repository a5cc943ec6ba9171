import { and, asc, desc, eq, gte, inArray, isNotNull, isNull, lt, ne, not, or, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { DbOrTx } from '../../db/client.js';
import {
  additionalRationales,
  incidentReferences,
  platformReferrals,
  referenceCounters,
  referralEvents,
  referralPlatforms,
  referrals,
  referralPlatformStatusCounts,
  referralStatusCounts,
  subjects,
  users,
} from '../../db/schema/index.js';
import { OVERDUE_STATUSES } from '../../domain/queue-rules.js';
import { createSafeguardingRepository } from './safeguarding.repository.js';
import { referralVisible } from '../restriction/restriction.sql.js';
import { restrictedByStatus } from '../restriction/restriction.repository.js';
import { REFERRAL_STATUSES, type Ethnicity, type EthnicityRecordedAs, type ReferralStatus, type Sex } from '../../domain/vocabulary.js';

export type ReferralRow = typeof referrals.$inferSelect;
export type NewReferralRow = typeof referrals.$inferInsert;

export type ReferralFilter = {
  requesterId?: string;
  /** Any of these statuses (none or empty: every status). */
  statuses?: readonly ReferralStatus[];
  platform?: string;
  /** A user id, or null for unassigned. */
  assigneeId?: string | null;
  /** Submitted strictly before this instant ("more than N days ago"). */
  submittedBefore?: Date;
  /** Submitted at or after this instant ("within N days"). */
  submittedSince?: Date;
  /**
   * Overdue as at this cutoff (domain/queue-rules.ts): still submitted or in review, submitted
   * before it. `overdue: false` keeps the rest.
   */
  overdue?: { cutoff: Date; is: boolean };
  /** This human reference exactly (stored form: domain/referral-reference.ts). */
  reference?: string;
  /** Returned by QA and not yet sent again: in review with a draft author (only a QA return leads back there). */
  returned?: true;
};

export type ReferralSort = 'submitted_desc' | 'submitted_asc' | 'status';

export type StatusCounts = Record<ReferralStatus, number>;

/** True when the filter restricts nothing but the status, so `referral_status_counts` answers its counts. */
const statusOnly = (f: ReferralFilter) =>
  !f.requesterId &&
  !f.platform &&
  f.assigneeId === undefined &&
  !f.submittedBefore &&
  !f.submittedSince &&
  !f.overdue &&
  f.reference === undefined &&
  !f.returned;

/** True when the filter restricts nothing but a platform and the status: `referral_platform_status_counts` answers. */
const platformOnly = (f: ReferralFilter) => f.platform !== undefined && statusOnly({ ...f, platform: undefined });

/** The referrals in these statuses (none or empty: every status). */
export const totalOf = (counts: StatusCounts, statuses?: readonly ReferralStatus[]) =>
  (statuses?.length ? statuses : REFERRAL_STATUSES).reduce((n, s) => n + counts[s], 0);

const assignee = alias(users, 'assignee');
const safeguarding = createSafeguardingRepository();

const summaryColumns = {
  referral: referrals,
  assignee: { id: assignee.id, username: assignee.username, name: assignee.displayName },
};

/** Life-cycle order (DESIGN.md), for sorting by status. */
const statusOrder = sql`array_position(array['submitted','in_review','awaiting_qa','referred','closed']::text[], ${referrals.status})`;

const ORDER: Record<ReferralSort, SQL[]> = {
  submitted_desc: [desc(referrals.submittedAt), desc(referrals.reference)],
  submitted_asc: [asc(referrals.submittedAt), asc(referrals.reference)],
  // The oldest first within a status: the queue is worked in order of waiting.
  status: [asc(statusOrder), asc(referrals.submittedAt), asc(referrals.reference)],
};

/**
 * The filters as one SQL condition, never matching a restricted referral (DPA 2018 s.47, decision
 * 023: no list, search or count of the unit shows one). The platform filter reads the referral's own copy of its
 * platforms, so a filtered page or count needs no join: at 1 M referrals a semi-join on
 * referral_platforms was planned as a hash join over all of a platform's entries (issue 4).
 */
function where(f: ReferralFilter): SQL | undefined {
  const awaitingReview = inArray(referrals.status, [...OVERDUE_STATUSES]);
  return and(
    referralVisible,
    f.requesterId ? eq(referrals.requesterId, f.requesterId) : undefined,
    f.statuses?.length ? inArray(referrals.status, [...f.statuses]) : undefined,
    f.platform ? sql`${f.platform} = any(${referrals.platforms})` : undefined,
    f.assigneeId === null ? isNull(referrals.assigneeId) : f.assigneeId ? eq(referrals.assigneeId, f.assigneeId) : undefined,
    f.submittedBefore ? lt(referrals.submittedAt, f.submittedBefore) : undefined,
    f.submittedSince ? gte(referrals.submittedAt, f.submittedSince) : undefined,
    f.overdue
      ? f.overdue.is
        ? and(awaitingReview, lt(referrals.submittedAt, f.overdue.cutoff))
        : or(not(awaitingReview), gte(referrals.submittedAt, f.overdue.cutoff))
      : undefined,
    f.reference !== undefined ? eq(referrals.reference, f.reference) : undefined,
    f.returned ? and(eq(referrals.status, 'in_review'), isNotNull(referrals.draftAuthorId)) : undefined,
  );
}

/**
 * The ids of a page in life-cycle order, oldest first within a status: one arm per status, each
 * reading `referrals_status_idx` (status, submitted_at) in order and stopping once it has the
 * rows this page could need, then merged. Ordering by the status's position over an IN list would
 * read and sort every referral in those statuses (all of them, unfiltered) for 25 rows.
 */
function statusOrderedIds(db: DbOrTx, f: ReferralFilter, offset: number, pageSize: number): SQL {
  const statuses = REFERRAL_STATUSES.filter((s) => !f.statuses?.length || f.statuses.includes(s));
  const arms = statuses.map((status, k) =>
    db
      .select({ id: referrals.id, k: sql.raw(String(k)).as('k'), submittedAt: referrals.submittedAt, reference: referrals.reference })
      .from(referrals)
      .where(where({ ...f, statuses: [status] }))
      .orderBy(asc(referrals.submittedAt), asc(referrals.reference))
      .limit(offset + pageSize),
  );
  return sql`(select x.id from (${sql.join(arms, sql` union all `)}) x order by x.k, x.submitted_at, x.reference limit ${pageSize} offset ${offset})`;
}

/** Queries only; every function takes the connection or transaction it runs in. */
export function createReferralsRepository() {
  return {
    /**
     * Gives a referral inserted with a provisional reference the next number of the year's
     * sequence (OHRT-2026-000123), in one statement. The counter row stays locked until commit, so
     * intake does this as late as it can (issue 4): every statement after it is time other intakes
     * wait.
     */
    async assignReference(tx: DbOrTx, id: string, prefix: string, year: number): Promise<string> {
      const { rows } = await tx.execute<{ reference: string }>(sql`
        with n as (
          insert into ${referenceCounters} (year, last) values (${year}, 1)
          on conflict (year) do update set last = ${referenceCounters.last} + 1
          returning last
        )
        update ${referrals} set reference = ${`${prefix}-${year}-`} || lpad(n.last::text, greatest(6, length(n.last::text)), '0')
        from n where ${referrals.id} = ${id}
        returning ${referrals.reference} as reference`);
      return rows[0]!.reference;
    },

    /**
     * Serialises intakes of one piece of content until the transaction ends, so that two
     * requesters submitting the same URL at once cannot both open a referral.
     */
    lockContentKey: (tx: DbOrTx, key: string) => tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`content:${key}`}))`),

    async openByContentKey(tx: DbOrTx, key: string) {
      const [row] = await tx
        .select({ id: referrals.id, reference: referrals.reference })
        .from(referrals)
        // A restricted referral is not combined into (its reference would be shown): a new one is opened.
        .where(and(eq(referrals.contentKey, key), ne(referrals.status, 'closed'), referralVisible))
        .orderBy(asc(referrals.submittedAt))
        .limit(1);
      return row;
    },

    async insert(
      tx: DbOrTx,
      row: NewReferralRow,
      children: {
        platforms: string[];
        incidentReferences: Pick<typeof incidentReferences.$inferInsert, 'system' | 'reference'>[];
        subjects: (Pick<typeof subjects.$inferInsert, 'name' | 'category' | 'ageBand'> & {
          dateOfBirth?: string;
          ethnicity?: Ethnicity;
          ethnicityRecordedAs?: EthnicityRecordedAs;
          sex?: Sex;
        })[];
      },
    ) {
      const [r] = await tx
        .insert(referrals)
        .values({ ...row, platforms: [...children.platforms].sort() })
        .returning();
      const id = r!.id;
      // One multi-row insert per child table; what they wrote is returned for the answer.
      await tx.insert(referralPlatforms).values(children.platforms.map((platform) => ({ referralId: id, platform })));
      const incidents = children.incidentReferences.length
        ? await tx
            .insert(incidentReferences)
            .values(children.incidentReferences.map((x, position) => ({ referralId: id, position, ...x })))
            .returning()
        : [];
      const subjectRows = children.subjects.length
        ? await tx
            .insert(subjects)
            .values(
              children.subjects.map((s, position) => ({
                referralId: id,
                position,
                name: s.name,
                category: s.category,
                ageBand: s.ageBand,
                dateOfBirth: s.dateOfBirth ?? null,
                // Issue 15 point 5: stored for the equality aggregates, never shown (decision 025).
                ethnicity: s.ethnicity ?? null,
                ethnicityRecordedAs: s.ethnicity ? (s.ethnicityRecordedAs ?? null) : null,
                sex: s.sex ?? null,
              })),
            )
            .returning()
        : [];
      const byPosition = (a: { position: number }, b: { position: number }) => a.position - b.position;
      return { referral: r!, incidentReferences: incidents.sort(byPosition), subjects: subjectRows.sort(byPosition) };
    },

    async addEvent(tx: DbOrTx, e: typeof referralEvents.$inferInsert) {
      const [row] = await tx.insert(referralEvents).values(e).returning();
      return row!;
    },

    addRationale: (tx: DbOrTx, r: typeof additionalRationales.$inferInsert) => tx.insert(additionalRationales).values(r),

    /** Finds by id (uuid) or human reference. */
    async byIdOrReference(tx: DbOrTx, idOrReference: string) {
      const isUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(idOrReference);
      const [row] = await tx
        .select()
        .from(referrals)
        .where(
          isUuid ? or(eq(referrals.id, idOrReference), eq(referrals.reference, idOrReference)) : eq(referrals.reference, idOrReference),
        );
      return row;
    },

    /** Everything the detail shows, in one round trip per table, run together. */
    async detail(tx: DbOrTx, id: string) {
      const [head, incidents, subjectRows, rationales, events, prs, answers] = await Promise.all([
        tx.select(summaryColumns).from(referrals).leftJoin(assignee, eq(assignee.id, referrals.assigneeId)).where(eq(referrals.id, id)),
        tx.select().from(incidentReferences).where(eq(incidentReferences.referralId, id)).orderBy(asc(incidentReferences.position)),
        tx.select().from(subjects).where(eq(subjects.referralId, id)).orderBy(asc(subjects.position)),
        tx.select().from(additionalRationales).where(eq(additionalRationales.referralId, id)).orderBy(asc(additionalRationales.addedAt)),
        tx
          .select({ event: referralEvents, actor: { id: users.id, username: users.username, name: users.displayName } })
          .from(referralEvents)
          .leftJoin(users, eq(users.id, referralEvents.actorId))
          .where(eq(referralEvents.referralId, id))
          .orderBy(asc(referralEvents.at), asc(referralEvents.id)),
        tx.select().from(platformReferrals).where(eq(platformReferrals.referralId, id)).orderBy(asc(platformReferrals.platform)),
        safeguarding.list(tx, id),
      ]);
      const h = head[0];
      if (!h) return undefined;
      return {
        ...h,
        incidentReferences: incidents,
        subjects: subjectRows,
        additionalRationales: rationales,
        events,
        platformReferrals: prs,
        safeguarding: answers,
      };
    },

    /**
     * One page of referrals, newest first unless sorted.
     *
     * The page's ids are picked first (filter, order, OFFSET/LIMIT over `referrals` alone, no join
     * or per-row subquery; unfiltered, from `referrals_submitted_idx` alone), and only those rows
     * get their columns, platforms and assignee; every ORDER ends with the unique reference, so
     * sorting the picked rows again keeps the page's order. A deep page therefore skips index
     * entries rather than computing the rows it throws away.
     */
    pageItems(db: DbOrTx, f: ReferralFilter, page: number, pageSize: number, sort: ReferralSort = 'submitted_desc') {
      const offset = (page - 1) * pageSize;
      const pageIds =
        sort === 'status'
          ? statusOrderedIds(db, f, offset, pageSize)
          : db
              .select({ id: referrals.id })
              .from(referrals)
              .where(where(f))
              .orderBy(...ORDER[sort])
              .limit(pageSize)
              .offset(offset);
      return db
        .select(summaryColumns)
        .from(referrals)
        .leftJoin(assignee, eq(assignee.id, referrals.assigneeId))
        .where(inArray(referrals.id, pageIds))
        .orderBy(...ORDER[sort]);
    },

    /**
     * Referrals per status under the filter (its statuses ignored). Over the whole unit, or one
     * platform, they are read from the counts kept by triggers (`referral_status_counts`,
     * `referral_platform_status_counts`); under any other filter, counted.
     */
    async countsByStatus(db: DbOrTx, f: ReferralFilter): Promise<StatusCounts> {
      const counts = Object.fromEntries(REFERRAL_STATUSES.map((s) => [s, 0])) as StatusCounts;
      const kept = statusOnly(f)
        ? db.select({ status: referralStatusCounts.status, n: referralStatusCounts.n }).from(referralStatusCounts)
        : platformOnly(f)
          ? db
              .select({ status: referralPlatformStatusCounts.status, n: referralPlatformStatusCounts.n })
              .from(referralPlatformStatusCounts)
              .where(eq(referralPlatformStatusCounts.platform, f.platform!))
          : undefined;
      if (kept) {
        // The kept counts hold restricted referrals too: they are taken off, so the totals agree with the list (decision 023).
        const [rows, hidden] = await Promise.all([kept, restrictedByStatus(db, statusOnly(f) ? undefined : f.platform)]);
        for (const r of rows) if (r.status in counts) counts[r.status as ReferralStatus] = Number(r.n);
        for (const r of hidden) if (r.status in counts) counts[r.status] -= r.n;
        return counts;
      }
      const counted = await db
        .select({ status: referrals.status, n: sql<number>`count(*)::int` })
        .from(referrals)
        .where(where({ ...f, statuses: undefined }))
        .groupBy(referrals.status);
      for (const r of counted) counts[r.status] = r.n;
      return counts;
    },

    /**
     * How many referrals the filter matches: from the kept counts (see countsByStatus) when it is
     * the status or the status and a platform, where a count would read nearly every referral;
     * otherwise counted.
     */
    async count(db: DbOrTx, f: ReferralFilter): Promise<number> {
      if (statusOnly(f) || platformOnly(f)) return totalOf(await this.countsByStatus(db, f), f.statuses);
      const [row] = await db
        .select({ n: sql<number>`count(*)::int` })
        .from(referrals)
        .where(where(f));
      return row?.n ?? 0;
    },

    async userIdByUsername(db: DbOrTx, username: string) {
      const [u] = await db.select({ id: users.id }).from(users).where(eq(users.username, username));
      return u?.id;
    },
  };
}

type ReferralsRepository = ReturnType<typeof createReferralsRepository>;
export type ReferralDetailRows = NonNullable<Awaited<ReturnType<ReferralsRepository['detail']>>>;
export type ReferralSummaryRow = Awaited<ReturnType<ReferralsRepository['pageItems']>>[number];
