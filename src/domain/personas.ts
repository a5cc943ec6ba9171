/**
 * The false-persona register (FOI 003; DESIGN.md "Persona register"; issue 14) as pure rules:
 * its state machine, who may do what, when a review is due, and the repeated-viewing prompt. No
 * I/O: the personas service loads the persona, asks these, and writes the change, its status
 * history row and its audit entry in one transaction.
 *
 * FOI 003 quotes the ACPO guidance on online research and investigation: "the creation of a false
 * persona should be agreed by a Detective Inspector (Intelligence or Covert Policing) or
 * equivalent"; a central register "periodically reviewed taking into account the necessity and
 * proportionality of maintaining and using each registered persona"; and "a log, recording the
 * time, date, user and the policing purpose, … for each use".
 */
import { hasAnyRole } from './actor.js';
import { wordsOf } from './data-sharing-guard.reading.js';
import { addCalendarMonths } from './library-retention.js';
import { AUTHORISING_OFFICERS, CASE_WORKERS, PERSONA_ASSIGNERS } from './roles.js';
import type { PersonaReviewDecision, PersonaSecretKind, PersonaStatus, Role } from './vocabulary.js';

export type PersonaActor = { readonly id: string; readonly roles: readonly Role[] };
export type PersonaState = {
  readonly status: PersonaStatus;
  readonly creatorId: string;
  /** YYYY-MM-DD, set once authorised. */
  readonly reviewDueOn: string | null;
};

/** Who may ask for a persona, use one assigned to them, and be assigned one: the unit's case workers. */
export const PERSONA_USERS = CASE_WORKERS;

export type PersonaAction = 'authorise' | 'refuse' | 'withdraw' | 'suspend' | 'reinstate' | 'retire';

/**
 * DESIGN.md "Persona register": requested → active (authorised) or refused, or retired when the
 * request is withdrawn (issue 14 point 1: "→ retired"; no longer needed before anyone decided);
 * active → suspended → active (a review); active or suspended → retired (a review). Refused and
 * retired are final.
 */
const TRANSITIONS: Record<PersonaStatus, Partial<Record<PersonaAction, PersonaStatus>>> = {
  requested: { authorise: 'active', refuse: 'refused', withdraw: 'retired' },
  active: { suspend: 'suspended', retire: 'retired' },
  suspended: { reinstate: 'active', retire: 'retired' },
  refused: {},
  retired: {},
};

const STATUS_WORDS: Record<PersonaStatus, string> = {
  requested: 'waiting for authorisation',
  refused: 'refused',
  active: 'active',
  suspended: 'suspended',
  retired: 'retired',
};

/** The status an action leads to, or why not (a 409). */
export function nextStatus(
  from: PersonaStatus,
  action: PersonaAction,
): { ok: true; status: PersonaStatus } | { ok: false; reason: string } {
  const to = TRANSITIONS[from][action];
  return to ? { ok: true, status: to } : { ok: false, reason: `This persona is ${STATUS_WORDS[from]}: it cannot be ${pastTense(action)}` };
}

const pastTense = (a: PersonaAction) =>
  ({ authorise: 'authorised', refuse: 'refused', withdraw: 'withdrawn', suspend: 'suspended', reinstate: 'reinstated', retire: 'retired' })[
    a
  ];

/** What a review's decision does to the persona's status (a suspended persona kept suspended stays so). */
export function reviewOutcome(
  from: PersonaStatus,
  decision: PersonaReviewDecision,
): { ok: true; status: PersonaStatus } | { ok: false; reason: string } {
  if (from !== 'active' && from !== 'suspended')
    return { ok: false, reason: `This persona is ${STATUS_WORDS[from]}: only an active or suspended persona is reviewed` };
  if (decision === 'retire') return nextStatus(from, 'retire');
  if (decision === 'continue') return from === 'suspended' ? nextStatus(from, 'reinstate') : { ok: true, status: from };
  return { ok: true, status: 'suspended' };
}

/** FOI 003: an operative or sergeant asks for a persona, with its justification. */
export const mayRequest = (actor: PersonaActor) => hasAnyRole(actor, PERSONA_USERS);

/**
 * FOI 003: a DI or equivalent agrees the persona, and never the one who made it (the same
 * separation as SOP 10.2's QA: nobody approves their own work). Also the rule for reviews.
 */
export const mayAuthorise = (actor: PersonaActor, persona: Pick<PersonaState, 'creatorId'>) =>
  hasAnyRole(actor, AUTHORISING_OFFICERS) && actor.id !== persona.creatorId;
/** FOI 003: the periodic review, by the same rule as the authorisation (never the creator). */
export const mayReview = (actor: PersonaActor, persona: Pick<PersonaState, 'creatorId'>) => mayAuthorise(actor, persona);

/**
 * A request no longer needed is withdrawn by the one who made it, or by an authorising officer
 * (who would otherwise have to refuse what nobody wants any more): the record stays, retired,
 * with the reason in its status history.
 */
export const mayWithdraw = (actor: PersonaActor, persona: Pick<PersonaState, 'creatorId'>) =>
  actor.id === persona.creatorId || hasAnyRole(actor, AUTHORISING_OFFICERS);

/** A sergeant (who assigns work) or an authorising officer assigns a persona to a case worker. */
export const mayAssign = (actor: PersonaActor) => hasAnyRole(actor, PERSONA_ASSIGNERS);

/**
 * Who may see a secret (issue 14 point 3): a case worker the persona is assigned to (they log in
 * with it), or an authorising officer (who oversees every persona, and may need to check or
 * close an account). Only while the persona is active or suspended: a requested one is not yet
 * agreed, and a refused or retired one is not to be used again.
 */
export function mayReveal(
  actor: PersonaActor,
  status: PersonaStatus,
  assigned: boolean,
): { ok: true } | { ok: false; refusal: 'forbidden' | 'status'; reason: string } {
  const entitled = hasAnyRole(actor, AUTHORISING_OFFICERS) || (assigned && hasAnyRole(actor, PERSONA_USERS));
  if (!entitled)
    return {
      ok: false,
      refusal: 'forbidden',
      reason: 'Only a case worker the persona is assigned to, or an authorising officer, may reveal its secrets',
    };
  if (status !== 'active' && status !== 'suspended')
    return {
      ok: false,
      refusal: 'status',
      reason: `This persona is ${STATUS_WORDS[status]}: its secrets are revealed only while it is active or suspended`,
    };
  return { ok: true };
}

/** FOI 003: the periodic review falls due this many calendar months after the authorisation or the last review. */
export const nextReviewOn = (decidedOn: string, reviewMonths: number) => addCalendarMonths(decidedOn, reviewMonths);

/** The review date has passed (London's today after it): a new use waits for the review (issue 14 point 5). */
export const isReviewOverdue = (reviewDueOn: string | null, today: string) => reviewDueOn !== null && reviewDueOn < today;

/**
 * Using a persona means recording the use first (FOI 003's use log), and only an active persona,
 * its review not overdue, by a case worker it is assigned to (DESIGN.md "Roles"). The reason is
 * the 409's message.
 */
export function mayUse(persona: PersonaState, assigned: boolean, today: string): { ok: true } | { ok: false; reason: string } {
  if (persona.status !== 'active')
    return { ok: false, reason: `This persona is ${STATUS_WORDS[persona.status]}: only an active persona may be used` };
  if (isReviewOverdue(persona.reviewDueOn, today))
    return {
      ok: false,
      reason: `This persona’s review of necessity and proportionality was due on ${persona.reviewDueOn}: an authorising officer must review it before it is used again`,
    };
  if (!assigned) return { ok: false, reason: 'This persona is not assigned to you: ask a sergeant or an authorising officer to assign it' };
  return { ok: true };
}

/** RIPA 2000 Part II: the prompt shown when uses through personas keep returning to the same referral. */
export const REPEATED_VIEWING_PROMPT =
  'Repeated viewing of the same person or content through false personas may amount to directed surveillance (RIPA 2000 s.26(2)): check whether a directed surveillance authorisation is needed, and record your answer.';

/**
 * RIPA 2000 (issue 14 point 7): when earlier uses through personas touched the same referral at
 * least `uses` times within the last `days` days, the next use asks whether a directed
 * surveillance authorisation is needed, and records the answer.
 */
export const repeatedViewingPrompted = (priorUses: number, rule: { uses: number }) => priorUses >= rule.uses;

/** An investigation reference as the repeated-viewing count compares it: any case, spaces collapsed ("op  LANTERN" is "Op Lantern"). */
export const investigationKey = (reference: string) => reference.trim().replace(/\s+/g, ' ').toLowerCase();

/** A handle as written in "Name (@handle)", "@handle" or a profile address's last part. */
const HANDLE = /@([\p{L}\p{N}._-]+)/u;
const PROFILE_URL = /^https?:\/\/[^/\s]+\/(?:[^\s?#]*\/)?([^/\s?#]+)\/?(?:[?#]\S*)?$/i;

/**
 * The subject a use names (the profile, handle or person viewed) as the repeated-viewing count
 * compares it, read as the data-sharing guard reads names (decision 009: case, accents, look-alike
 * letters and invisible characters do not matter; `wordsOf`). A handle wins: "Jayden Doe
 * (@jd_dr1ll)", "@JD_dr1ll" and "https://instagram.com/jd_dr1ll" are the same subject; so is a
 * single word given without its @ ("jd_dr1ll"). A name is its words ("jayden  DOE" is "Jayden Doe").
 * Null when nothing in it is a letter or digit.
 */
export function subjectKey(subject: string): string | null {
  const text = subject.trim();
  const handle = HANDLE.exec(text)?.[1] ?? PROFILE_URL.exec(text)?.[1] ?? (/\s/.test(text) ? undefined : text);
  const words = wordsOf(handle ?? text);
  if (!words.length) return null;
  return handle !== undefined ? `handle:${words.join('')}` : `name:${words.join(' ')}`;
}

/**
 * What a use touches, for the repeated-viewing count (issue 14 point 7: "the same referral (or the
 * same subject)"): its referral, its investigation reference (any case, spaces collapsed) and its
 * subject's key. Never the referrals' recorded subjects: issue 15 point 6 forbids joining people
 * across referrals. The service serialises the count on these keys, so two uses at once cannot
 * both miss the prompt.
 */
export function repeatedViewingKeys(use: {
  referralId?: string | null;
  investigationReference?: string | null;
  subject?: string | null;
}): string[] {
  const investigation = use.investigationReference ? investigationKey(use.investigationReference) : '';
  const subject = use.subject ? subjectKey(use.subject) : null;
  return [
    ...(use.referralId ? [`referral:${use.referralId}`] : []),
    ...(investigation ? [`investigation:${investigation}`] : []),
    ...(subject ? [`subject:${subject}`] : []),
  ];
}

/** The start of the repeated-viewing window: `days` days of 24 hours before `now`. */
export const repeatedViewingSince = (now: Date, rule: { days: number }) => new Date(now.getTime() - rule.days * 86_400_000);

/** Where a persona's sealed secret belongs (its additional data, src/security/sealed-secrets.ts): it opens nowhere else. */
export const personaSecretContext = (personaId: string, kind: PersonaSecretKind) => `persona:${personaId}:${kind}`;
