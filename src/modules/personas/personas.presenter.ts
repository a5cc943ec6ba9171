import { isReviewOverdue } from '../../domain/personas.js';
import type { Person, PersonaRow, PersonaUseRow } from './personas.repository.js';
import type { PersonaAnswer, PersonaDetailAnswer, UseAnswer } from './personas.schemas.js';
import { PERSONA_SECRET_KINDS, type PersonaReviewDecision, type PersonaStatus } from '../../domain/vocabulary.js';
import { REPEATED_VIEWING_ANSWERS } from './personas.schemas.js';

const UNKNOWN = (id: string): Person => ({ id, username: '', name: 'Unknown' });
const personOf = (people: Map<string, Person>, id: string) => people.get(id) ?? UNKNOWN(id);

/**
 * A persona as every answer shows it (DESIGN.md "Persona"): the register's columns, who made and
 * who authorised it, its status and review date. Built field by field: no secret, sealed or not,
 * can reach an answer from here (issue 14 point 3).
 */
export function presentPersona(row: PersonaRow, people: Map<string, Person>, secretKinds: string[], today: string): PersonaAnswer {
  const reviewed = row.status === 'active' || row.status === 'suspended';
  return {
    id: row.id,
    website: row.website,
    yearJoined: row.yearJoined,
    userName: row.userName,
    emailAddress: row.emailAddress,
    dateOfBirthUsed: row.dateOfBirthUsed,
    phoneNumber: row.phoneNumber,
    creator: personOf(people, row.creatorId),
    authorisingOfficer: row.authorisingOfficerId ? personOf(people, row.authorisingOfficerId) : null,
    active: row.status === 'active',
    status: row.status,
    authorisedAt: row.authorisedAt?.toISOString() ?? null,
    reviewDueOn: row.reviewDueOn,
    hasPassword: secretKinds.includes('password'),
    reviewOverdue: reviewed && isReviewOverdue(row.reviewDueOn, today),
  };
}

const answerOf = (v: string | null) => REPEATED_VIEWING_ANSWERS.find((a) => a === v) ?? null;

/** A use as the use log shows it (FOI 003: time, date, user, policing purpose; the referral or investigation it served). */
export const presentUse = (row: PersonaUseRow, people: Map<string, Person>): UseAnswer => ({
  id: row.id,
  personaId: row.personaId,
  persona: row.persona,
  at: row.at.toISOString(),
  user: personOf(people, row.userId),
  purpose: row.purpose,
  referralId: row.referralId,
  referralReference: row.referralReference,
  investigationReference: row.investigationReference,
  subject: row.subject,
  repeatedViewing: { prompted: row.repeatedViewingPrompted, answer: answerOf(row.repeatedViewingAnswer) },
});

type HistoryRow = { at: Date; fromStatus: PersonaStatus | null; toStatus: PersonaStatus; actorId: string | null; reason: string | null };
type ReviewRow = {
  at: Date;
  reviewerId: string;
  necessity: string;
  proportionality: string;
  decision: PersonaReviewDecision;
  nextReviewOn: string | null;
};

/** The persona page's and `GET …/{id}`'s answer: the row with why, who, what happened and the kinds of secret held (never a value). */
export function presentPersonaDetail(
  persona: PersonaAnswer,
  row: PersonaRow,
  extras: { people: Map<string, Person>; kinds: string[]; assignees: Person[]; history: HistoryRow[]; reviews: ReviewRow[] },
): PersonaDetailAnswer {
  const { people } = extras;
  return {
    ...persona,
    justification: row.justification,
    authorisationReason: row.authorisationReason,
    retirement: row.retiredAt
      ? { at: row.retiredAt.toISOString(), by: row.retiredBy ? personOf(people, row.retiredBy) : null, reason: row.retirementReason }
      : null,
    secrets: PERSONA_SECRET_KINDS.filter((k) => extras.kinds.includes(k)),
    assignees: extras.assignees,
    history: extras.history.map((h) => ({
      at: h.at.toISOString(),
      from: h.fromStatus,
      to: h.toStatus,
      actor: h.actorId ? personOf(people, h.actorId) : null,
      reason: h.reason,
    })),
    reviews: extras.reviews.map((r) => ({
      at: r.at.toISOString(),
      reviewer: personOf(people, r.reviewerId),
      necessity: r.necessity,
      proportionality: r.proportionality,
      decision: r.decision,
      nextReviewOn: r.nextReviewOn,
    })),
  };
}
