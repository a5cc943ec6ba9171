import { and, asc, desc, eq, ilike, inArray, isNull, or, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import {
  additionalRationales,
  captures,
  intelligenceRecords,
  personaUses,
  platformReferrals,
  referrals,
  reviews,
  subjectAccessItems,
  subjectAccessRequests,
  subjects,
  users,
} from '../../db/schema/index.js';

/** Rows each source reads at most per search, before the guard's reading confirms them (decision 024). */
const CANDIDATES = 500;
const likeEscaped = (s: string) => `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
const anyLike = (columns: AnyColumn[], words: string[]): SQL | undefined =>
  words.length ? or(...columns.flatMap((c) => words.map((w) => ilike(c, likeEscaped(w))))) : undefined;

/** One text of the search: what it is, where it is, and the texts to read. */
export type Candidate = {
  kind: string;
  id: string;
  referralId: string | null;
  reference: string | null;
  texts: string[];
  dateOfBirth?: string | null;
};

/** Queries only (DPA 2018 s.45); every function takes the connection or transaction it runs in. */
export function createSubjectAccessRepository() {
  return {
    /**
     * Every text that could mention the person, prefiltered in the database by any of `words` (parts
     * of names and handles, the date of birth's year) and bounded per source; the service confirms
     * each with the data-sharing guard's reading. The one query that joins subjects across referrals
     * besides the equality aggregates (issue 15 point 6).
     */
    async candidates(db: DbOrTx, words: string[], dateOfBirth: string | undefined): Promise<Candidate[]> {
      const ref = { reference: referrals.reference };
      const [subj, rats, adds, revs, drafts, intel, caps, uses] = await Promise.all([
        db
          .select({ id: subjects.id, referralId: subjects.referralId, name: subjects.name, dob: subjects.dateOfBirth, ...ref })
          .from(subjects)
          .innerJoin(referrals, eq(referrals.id, subjects.referralId))
          .where(or(anyLike([subjects.name], words), dateOfBirth ? eq(subjects.dateOfBirth, dateOfBirth) : undefined))
          .orderBy(desc(referrals.submittedAt))
          .limit(CANDIDATES),
        db
          .select({ id: referrals.id, text: referrals.rationale, ...ref })
          .from(referrals)
          .where(anyLike([referrals.rationale], words))
          .orderBy(desc(referrals.submittedAt))
          .limit(CANDIDATES),
        db
          .select({
            id: additionalRationales.id,
            referralId: additionalRationales.referralId,
            text: additionalRationales.rationale,
            ...ref,
          })
          .from(additionalRationales)
          .innerJoin(referrals, eq(referrals.id, additionalRationales.referralId))
          .where(anyLike([additionalRationales.rationale], words))
          .limit(CANDIDATES),
        db
          .select({ id: reviews.id, referralId: reviews.referralId, a: reviews.researchSummary, b: reviews.rationale, ...ref })
          .from(reviews)
          .innerJoin(referrals, eq(referrals.id, reviews.referralId))
          .where(anyLike([reviews.researchSummary, reviews.rationale], words))
          .limit(CANDIDATES),
        db
          .select({ referralId: platformReferrals.referralId, platform: platformReferrals.platform, text: platformReferrals.draft, ...ref })
          .from(platformReferrals)
          .innerJoin(referrals, eq(referrals.id, platformReferrals.referralId))
          .where(anyLike([platformReferrals.draft], words))
          .limit(CANDIDATES),
        db
          .select({
            referralId: intelligenceRecords.referralId,
            a: intelligenceRecords.summary,
            b: intelligenceRecords.rationale,
            c: intelligenceRecords.breach,
            ...ref,
          })
          .from(intelligenceRecords)
          .innerJoin(referrals, eq(referrals.id, intelligenceRecords.referralId))
          .where(anyLike([intelligenceRecords.summary, intelligenceRecords.rationale, intelligenceRecords.breach], words))
          .limit(CANDIDATES),
        db
          .select({ id: captures.id, referralId: captures.referralId, text: captures.originalName, ...ref })
          .from(captures)
          .innerJoin(referrals, eq(referrals.id, captures.referralId))
          .where(anyLike([captures.originalName], words))
          .limit(CANDIDATES),
        db
          .select({ id: personaUses.id, referralId: personaUses.referralId, a: personaUses.purpose, b: personaUses.subject, ...ref })
          .from(personaUses)
          .leftJoin(referrals, eq(referrals.id, personaUses.referralId))
          .where(anyLike([personaUses.purpose, personaUses.subject], words))
          .orderBy(desc(personaUses.at))
          .limit(CANDIDATES),
      ]);
      const texts = (...t: (string | null)[]) => t.filter((x): x is string => !!x);
      return [
        ...subj.map((r) => ({
          kind: 'subject',
          id: r.id,
          referralId: r.referralId,
          reference: r.reference,
          texts: [r.name],
          dateOfBirth: r.dob,
        })),
        ...rats.map((r) => ({ kind: 'referral_rationale', id: r.id, referralId: r.id, reference: r.reference, texts: [r.text] })),
        ...adds.map((r) => ({ kind: 'additional_rationale', id: r.id, referralId: r.referralId, reference: r.reference, texts: [r.text] })),
        ...revs.map((r) => ({ kind: 'review', id: r.id, referralId: r.referralId, reference: r.reference, texts: texts(r.a, r.b) })),
        ...drafts.map((r) => ({
          kind: 'platform_draft',
          id: `${r.referralId}:${r.platform}`,
          referralId: r.referralId,
          reference: r.reference,
          texts: [r.text],
        })),
        ...intel.map((r) => ({
          kind: 'intelligence_record',
          id: r.referralId,
          referralId: r.referralId,
          reference: r.reference,
          texts: texts(r.a, r.b, r.c),
        })),
        ...caps.map((r) => ({ kind: 'capture', id: r.id, referralId: r.referralId, reference: r.reference, texts: texts(r.text) })),
        ...uses.map((r) => ({ kind: 'persona_use', id: r.id, referralId: r.referralId, reference: r.reference, texts: texts(r.b, r.a) })),
      ];
    },

    /** The records picked, for the bundle, each with what the redaction needs of its referral. */
    async items(db: DbOrTx, keys: { kind: string; id: string }[]) {
      const ids = (kind: string) => keys.filter((k) => k.kind === kind).map((k) => k.id);
      const none = <T>() => Promise.resolve([] as T[]);
      const draftKeys = ids('platform_draft').map((k) => k.split(':') as [string, string]);
      const [subj, rats, adds, revs, drafts, intel, caps, uses] = await Promise.all([
        ids('subject').length
          ? db
              .select()
              .from(subjects)
              .where(inArray(subjects.id, ids('subject')))
          : none<typeof subjects.$inferSelect>(),
        ids('referral_rationale').length
          ? db
              .select({ id: referrals.id, rationale: referrals.rationale, submittedAt: referrals.submittedAt })
              .from(referrals)
              .where(inArray(referrals.id, ids('referral_rationale')))
          : none<{ id: string; rationale: string; submittedAt: Date }>(),
        ids('additional_rationale').length
          ? db
              .select()
              .from(additionalRationales)
              .where(inArray(additionalRationales.id, ids('additional_rationale')))
          : none<typeof additionalRationales.$inferSelect>(),
        ids('review').length
          ? db
              .select()
              .from(reviews)
              .where(inArray(reviews.id, ids('review')))
          : none<typeof reviews.$inferSelect>(),
        draftKeys.length
          ? db
              .select()
              .from(platformReferrals)
              .where(or(...draftKeys.map(([r, p]) => and(eq(platformReferrals.referralId, r), eq(platformReferrals.platform, p)))))
          : none<typeof platformReferrals.$inferSelect>(),
        ids('intelligence_record').length
          ? db
              .select()
              .from(intelligenceRecords)
              .where(inArray(intelligenceRecords.referralId, ids('intelligence_record')))
          : none<typeof intelligenceRecords.$inferSelect>(),
        ids('capture').length
          ? db
              .select({
                id: captures.id,
                referralId: captures.referralId,
                originalName: captures.originalName,
                requestedAt: captures.requestedAt,
                sourceUrl: captures.sourceUrl,
              })
              .from(captures)
              .where(inArray(captures.id, ids('capture')))
          : none<{ id: string; referralId: string; originalName: string | null; requestedAt: Date; sourceUrl: string | null }>(),
        ids('persona_use').length
          ? db
              .select()
              .from(personaUses)
              .where(inArray(personaUses.id, ids('persona_use')))
          : none<typeof personaUses.$inferSelect>(),
      ]);
      return { subj, rats, adds, revs, drafts, intel, caps, uses };
    },

    /** The references of referrals, by id. */
    async references(db: DbOrTx, ids: string[]) {
      if (!ids.length) return new Map<string, string>();
      const rows = await db.select({ id: referrals.id, reference: referrals.reference }).from(referrals).where(inArray(referrals.id, ids));
      return new Map(rows.map((r) => [r.id, r.reference]));
    },

    /** Who else is named on these referrals: their subjects, applicants, and every user's name (officers and staff). */
    async thirdParties(db: DbOrTx, referralIds: string[]) {
      const [subj, apps, adds, staff] = await Promise.all([
        referralIds.length
          ? db
              .select({ id: subjects.id, name: subjects.name, dob: subjects.dateOfBirth })
              .from(subjects)
              .where(inArray(subjects.referralId, referralIds))
          : Promise.resolve([]),
        referralIds.length
          ? db.select({ name: referrals.applicantName }).from(referrals).where(inArray(referrals.id, referralIds))
          : Promise.resolve([]),
        referralIds.length
          ? db
              .select({ name: additionalRationales.applicantName })
              .from(additionalRationales)
              .where(inArray(additionalRationales.referralId, referralIds))
          : Promise.resolve([]),
        db.select({ name: users.displayName }).from(users),
      ]);
      return { subjects: subj, people: [...apps, ...adds, ...staff].map((p) => p.name) };
    },

    insertRequest: async (tx: DbOrTx, row: typeof subjectAccessRequests.$inferInsert) =>
      (await tx.insert(subjectAccessRequests).values(row).returning())[0]!,
    insertItems: (tx: DbOrTx, rows: (typeof subjectAccessItems.$inferInsert)[]) =>
      rows.length ? tx.insert(subjectAccessItems).values(rows) : Promise.resolve(),

    async request(db: DbOrTx, id: string, lock = false) {
      const q = db.select().from(subjectAccessRequests).where(eq(subjectAccessRequests.id, id));
      const [row] = lock ? await q.for('update') : await q;
      return row;
    },
    requestItems: (db: DbOrTx, id: string) =>
      db
        .select()
        .from(subjectAccessItems)
        .where(eq(subjectAccessItems.requestId, id))
        .orderBy(asc(subjectAccessItems.kind), asc(subjectAccessItems.itemId)),
    updateRequest: (tx: DbOrTx, id: string, set: Partial<typeof subjectAccessRequests.$inferInsert>) =>
      tx.update(subjectAccessRequests).set(set).where(eq(subjectAccessRequests.id, id)),

    /** Open requests, the soonest due first (an extension's date when extended). */
    open: (db: DbOrTx, limit: number) =>
      db
        .select()
        .from(subjectAccessRequests)
        .where(isNull(subjectAccessRequests.completedAt))
        .orderBy(sql`coalesce(${subjectAccessRequests.extendedTo}, ${subjectAccessRequests.dueOn})`, asc(subjectAccessRequests.createdAt))
        .limit(limit),
  };
}

export type SubjectAccessRepository = ReturnType<typeof createSubjectAccessRepository>;
