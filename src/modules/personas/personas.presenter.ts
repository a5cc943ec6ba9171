import { isReviewOverdue } from '../../domain/personas.js';
import type { Person, PersonaRow, PersonaUseRow } from './personas.repository.js';
import type { PersonaAnswer, UseAnswer } from './personas.schemas.js';
import { REPEATED_VIEWING_ANSWERS } from './personas.schemas.js';

const UNKNOWN = (id: string): Person => ({ id, username: '', name: 'Unknown' });
export const personOf = (people: Map<string, Person>, id: string) => people.get(id) ?? UNKNOWN(id);

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
  at: row.at.toISOString(),
  user: personOf(people, row.userId),
  purpose: row.purpose,
  referralId: row.referralId,
  investigationReference: row.investigationReference,
  repeatedViewing: { prompted: row.repeatedViewingPrompted, answer: answerOf(row.repeatedViewingAnswer) },
});
