import type { Db } from '../../db/client.js';
import type { Actor } from '../../domain/actor.js';
import { londonToday } from '../../domain/dates.js';
import {
  dueDateOf,
  excerptAround,
  isOverdue,
  isThePerson,
  mentions,
  monthsAfter,
  personOf,
  recordedPerson,
  redact,
  STATUTORY,
  type Person,
} from '../../domain/subject-access.js';
import { wordsOf } from '../../domain/data-sharing-guard.reading.js';
import { InvalidTransition, NotFound, ValidationFailed } from '../../errors.js';
import type { AuditService } from '../audit/audit.service.js';
import { createSubjectAccessRepository } from './subject-access.repository.js';
import { requestSchemas, SAR_LIMITS, type Bundle, type ItemKind, type SearchQuery } from './subject-access.schemas.js';
import { bundleItems } from './subject-access.bundle.js';

type Deps = { db: Db; clock: () => Date; audit: AuditService };
type CreateInput = { subjectName: string; receivedOn: string; itemIds: string[]; restriction?: string };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PAGE_SIZE = 50;

/** `kind:id` into its parts (the id of a platform draft is `referralId:platform`). */
const keyOf = (itemId: string) => {
  const at = itemId.indexOf(':');
  return { kind: itemId.slice(0, at), id: itemId.slice(at + 1) };
};

/** The words the database prefilters by: parts of names and handles of 3 characters or more, and the year of birth. */
function prefilterWords(p: Person): string[] {
  const words = [...p.names.flatMap(wordsOf), ...p.handles, ...p.handles.flatMap(wordsOf)].filter((w) => w.length >= 3);
  return [...new Set([...words, ...p.datesOfBirth.map((d) => d.slice(0, 4))])];
}

/**
 * Subject access (DPA 2018 s.45, s.54; issue 15 point 3; decision 024): the auditor's search across
 * subjects, free text, captures' names and persona use; requests with their due dates, extension
 * and completion; the bundle with the statutory information and the data, third parties redacted.
 * Every search and export is audited without the person's name (s.62 needs the act, not the name).
 */
export function createSubjectAccessService({ db, clock, audit }: Deps) {
  const repo = createSubjectAccessRepository();
  const today = () => londonToday(clock());
  const schemas = requestSchemas(today);

  async function load(id: string) {
    const row = UUID.test(id) ? await repo.request(db, id) : undefined;
    if (!row) throw new NotFound('No such request');
    return row;
  }

  const present = (r: NonNullable<Awaited<ReturnType<typeof repo.request>>>, items: number) => ({
    id: r.id,
    subjectName: r.subjectName,
    receivedOn: r.receivedOn,
    dueOn: dueDateOf(r),
    originalDueOn: r.dueOn,
    extendedTo: r.extendedTo,
    extensionReason: r.extensionReason,
    restriction: r.restrictionReason ? { reason: r.restrictionReason } : null,
    overdue: isOverdue(r, today()),
    completedAt: r.completedAt?.toISOString() ?? null,
    items,
  });

  async function change(actor: Actor, id: string, step: 'extend' | 'complete', input?: { months: 1 | 2; reason: string }) {
    await load(id);
    return db.transaction(async (tx) => {
      const r = (await repo.request(tx, id, true))!;
      if (r.completedAt) throw new InvalidTransition('This request is already completed');
      if (step === 'extend') {
        if (r.extendedTo) throw new InvalidTransition('This request is already extended (s.54: by two months at most, once)');
        const extendedTo = monthsAfter(r.receivedOn, 1 + input!.months);
        await repo.updateRequest(tx, id, { extendedTo, extensionReason: input!.reason });
        await audit.record(tx, {
          actor,
          operation: 'alter',
          entity: 'subject_access_request',
          entityId: id,
          purpose: 'DPA 2018 s.54: time limit extended',
          detail: { extension: input!.months, extendedTo },
        });
      } else {
        await repo.updateRequest(tx, id, { completedAt: clock() });
        await audit.record(tx, {
          actor,
          operation: 'alter',
          entity: 'subject_access_request',
          entityId: id,
          purpose: 'DPA 2018 s.45: request answered',
          detail: { completed: true },
        });
      }
      const after = (await repo.request(tx, id))!;
      return present(after, (await repo.requestItems(tx, id)).length);
    });
  }

  return {
    today,
    schemas: () => schemas,

    /** The search, bounded: at most SAR_LIMITS.maxResults matches, 50 a page. Audited as a consultation, by criteria kind only. */
    async search(actor: Actor, q: SearchQuery) {
      const person = personOf(q);
      const candidates = await repo.candidates(db, prefilterWords(person), q.dateOfBirth);
      const matched = candidates.flatMap((c) => {
        if (c.kind === 'subject') {
          const recorded = recordedPerson(c.texts[0]!, c.dateOfBirth ?? null);
          return isThePerson(recorded, person) ? [{ ...c, excerpt: c.texts[0]! }] : [];
        }
        for (const text of c.texts) {
          const [first] = mentions(text, person);
          if (first) return [{ ...c, excerpt: excerptAround(text, first.index, first.match.length) }];
        }
        return [];
      });
      const all = matched.slice(0, SAR_LIMITS.maxResults);
      const items = all
        .slice((q.page - 1) * PAGE_SIZE, q.page * PAGE_SIZE)
        .map((m) => ({ kind: m.kind, id: m.id, referralId: m.referralId, reference: m.reference, excerpt: m.excerpt }));
      await audit.record(db, {
        actor,
        operation: 'consult',
        entity: 'subject_access_search',
        purpose: 'DPA 2018 s.45: subject access search',
        detail: { criteria: (['name', 'handle', 'dateOfBirth'] as const).filter((k) => q[k]), matched: all.length },
      });
      return {
        items: items.map((i) => ({ ...i, kind: i.kind as ItemKind })),
        total: all.length,
        page: q.page,
        pageSize: PAGE_SIZE,
        truncated: matched.length > SAR_LIMITS.maxResults,
      };
    },

    /** s.45, s.54: the request recorded with what the auditor picked; due one calendar month after receipt. */
    async create(actor: Actor, input: CreateInput) {
      const keys = input.itemIds.map(keyOf);
      const found = await repo.items(db, keys);
      const { exists, referralOf } = bundleItems.index(found);
      const missing = keys.flatMap((k, i) => (exists(k) ? [] : [{ path: `itemIds[${i}]`, message: `No ${k.kind} ${k.id}` }]));
      if (missing.length) throw new ValidationFailed(missing);
      const dueOn = monthsAfter(input.receivedOn, 1);
      return db.transaction(async (tx) => {
        const row = await repo.insertRequest(tx, {
          subjectName: input.subjectName,
          receivedOn: input.receivedOn,
          dueOn,
          restrictionReason: input.restriction ?? null,
          createdBy: actor.id,
          createdAt: clock(),
        });
        await repo.insertItems(
          tx,
          keys.map((k) => ({ requestId: row.id, kind: k.kind, itemId: k.id, referralId: referralOf(k) })),
        );
        await audit.record(tx, {
          actor,
          operation: 'collect',
          entity: 'subject_access_request',
          entityId: row.id,
          purpose: 'DPA 2018 s.45: subject access request recorded',
          detail: { items: keys.length, dueOn, restricted: !!input.restriction },
        });
        return { id: row.id, dueOn };
      });
    },

    extend: (actor: Actor, id: string, input: { months: 1 | 2; reason: string }) => change(actor, id, 'extend', input),
    complete: (actor: Actor, id: string) => change(actor, id, 'complete'),

    async get(_actor: Actor, id: string) {
      const r = await load(id);
      const items = await repo.requestItems(db, id);
      return { ...present(r, items.length), itemIds: items.map((i) => `${i.kind}:${i.itemId}`) };
    },

    /** Open requests, soonest due first, overdue flagged (s.54). */
    async open(_actor: Actor) {
      const rows = await repo.open(db, 500);
      return { items: rows.map((r) => present(r, 0)) };
    },

    /**
     * The answer to the person (s.45(2)): the statutory information and the data picked, third
     * parties' names, handles and dates of birth redacted, the person's own kept. An audited disclosure.
     */
    async bundle(actor: Actor, id: string, format: 'json' | 'pdf'): Promise<Bundle> {
      const r = await load(id);
      const picked = await repo.requestItems(db, id);
      const keys = picked.map((p) => ({ kind: p.kind, id: p.itemId }));
      const found = await repo.items(db, keys);
      const referralIds = [...new Set(picked.flatMap((p) => (p.referralId ? [p.referralId] : [])))];
      const [references, others] = await Promise.all([repo.references(db, referralIds), repo.thirdParties(db, referralIds)]);
      const own = bundleItems.ownPerson(r.subjectName, found.subj);
      const thirdParties = bundleItems.thirdParties(others, own, new Set(found.subj.map((s) => s.id)));
      const items = bundleItems.build(found, references, (text) => redact(text, thirdParties, own));
      await audit.record(db, {
        actor,
        operation: 'disclose',
        entity: 'subject_access_request',
        entityId: id,
        purpose: 'DPA 2018 s.45: the answer to a subject access request',
        recipient: 'The data subject (DPA 2018 s.45)',
        detail: { format, items: items.length },
      });
      return {
        request: { id: r.id, subjectName: r.subjectName, receivedOn: r.receivedOn, dueOn: dueDateOf(r) },
        purposes: STATUTORY.purposes,
        legalBasis: STATUTORY.legalBasis,
        categories: [...STATUTORY.categories],
        recipients: STATUTORY.recipients,
        retention: STATUTORY.retention,
        rights: [...STATUTORY.rights],
        complaint: { ...STATUTORY.complaint },
        source: 'Each item says where it came from (s.45(2)(g)).',
        restriction: r.restrictionReason ? { reason: r.restrictionReason } : null,
        items,
      };
    },
  };
}
