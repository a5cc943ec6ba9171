import { recordedPerson, isThePerson, personOf, SOURCES, type Person } from '../../domain/subject-access.js';
import type { SubjectAccessRepository } from './subject-access.repository.js';
import type { Bundle, ItemKind } from './subject-access.schemas.js';

type Found = Awaited<ReturnType<SubjectAccessRepository['items']>>;
type Others = Awaited<ReturnType<SubjectAccessRepository['thirdParties']>>;
type Key = { kind: string; id: string };

const iso = (d: Date | null | undefined) => d?.toISOString() ?? null;

/** Every picked record by its `kind:id`, with the referral it belongs to. */
function index(found: Found) {
  const map = new Map<string, string | null>();
  for (const s of found.subj) map.set(`subject:${s.id}`, s.referralId);
  for (const r of found.rats) map.set(`referral_rationale:${r.id}`, r.id);
  for (const a of found.adds) map.set(`additional_rationale:${a.id}`, a.referralId);
  for (const v of found.revs) map.set(`review:${v.id}`, v.referralId);
  for (const d of found.drafts) map.set(`platform_draft:${d.referralId}:${d.platform}`, d.referralId);
  for (const i of found.intel) map.set(`intelligence_record:${i.referralId}`, i.referralId);
  for (const c of found.caps) map.set(`capture:${c.id}`, c.referralId);
  for (const u of found.uses) map.set(`persona_use:${u.id}`, u.referralId);
  const key = (k: Key) => `${k.kind}:${k.id}`;
  return { exists: (k: Key) => map.has(key(k)), referralOf: (k: Key) => map.get(key(k)) ?? null };
}

/** The person: the name the request gives, and the subjects picked as theirs (names, handles, dates of birth). */
function ownPerson(subjectName: string, picked: Found['subj']): Person {
  const base = personOf({ name: subjectName });
  const mine = picked.map((s) => recordedPerson(s.name, s.dateOfBirth));
  return {
    names: [...new Set([...base.names, ...mine.flatMap((p) => p.names)])],
    handles: [...new Set([...base.handles, ...mine.flatMap((p) => p.handles)])],
    datesOfBirth: [...new Set(mine.flatMap((p) => p.datesOfBirth))],
  };
}

/** Everyone else named on the referrals: other subjects (unless they are the person), applicants, officers and staff. */
function thirdParties(others: Others, own: Person, pickedSubjects: Set<string>): Person {
  const subjects = others.subjects
    .filter((s) => !pickedSubjects.has(s.id))
    .map((s) => recordedPerson(s.name, s.dob))
    .filter((p) => !isThePerson(p, own));
  const people = others.people.flatMap((n) => recordedPerson(n, null).names);
  return {
    names: [...new Set([...subjects.flatMap((p) => p.names), ...people])],
    handles: [...new Set(subjects.flatMap((p) => p.handles))],
    datesOfBirth: [...new Set(subjects.flatMap((p) => p.datesOfBirth))],
  };
}

/** The bundle's items (s.45(2)(g): with their source), each text through `clean` (the redaction). */
function build(found: Found, references: Map<string, string>, clean: (text: string) => string): Bundle['items'] {
  const ref = (id: string | null) => (id ? (references.get(id) ?? null) : null);
  const item = (kind: ItemKind, id: string, referralId: string | null, recordedAt: string | null, data: Record<string, string | null>) => ({
    kind,
    id,
    reference: ref(referralId),
    source: SOURCES[kind]!,
    recordedAt,
    data,
  });
  const text = (t: string | null) => (t === null ? null : clean(t));
  return [
    // The person's own record: their name, handle and date of birth as recorded, not redacted.
    ...found.subj.map((s) =>
      item('subject', s.id, s.referralId, null, {
        recordedAs: s.name,
        category: s.category,
        ageBand: s.ageBand,
        dateOfBirth: s.dateOfBirth,
      }),
    ),
    ...found.rats.map((r) => item('referral_rationale', r.id, r.id, iso(r.submittedAt), { rationale: text(r.rationale) })),
    ...found.adds.map((a) => item('additional_rationale', a.id, a.referralId, iso(a.addedAt), { rationale: text(a.rationale) })),
    ...found.revs.map((v) =>
      item('review', v.id, v.referralId, iso(v.createdAt), { researchSummary: text(v.researchSummary), rationale: text(v.rationale) }),
    ),
    ...found.drafts.map((d) =>
      item('platform_draft', `${d.referralId}:${d.platform}`, d.referralId, iso(d.submittedAt), {
        platform: d.platform,
        draft: text(d.draft),
      }),
    ),
    ...found.intel.map((i) =>
      item('intelligence_record', i.referralId, i.referralId, iso(i.createdAt), {
        summary: text(i.summary),
        rationale: text(i.rationale),
        breach: text(i.breach),
      }),
    ),
    ...found.caps.map((c) => item('capture', c.id, c.referralId, iso(c.requestedAt), { originalName: text(c.originalName) })),
    ...found.uses.map((u) => item('persona_use', u.id, u.referralId, iso(u.at), { purpose: text(u.purpose), subject: text(u.subject) })),
  ];
}

/** Pure helpers of the bundle (decision 024). */
export const bundleItems = { index, ownPerson, thirdParties, build };
