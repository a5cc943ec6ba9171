import type { FastifyRequest } from 'fastify';
import { Forbidden, type FieldError } from '../../errors.js';
import type { Services } from '../../services.js';
import type { DateParts } from '../../views/forms.js';
import { needsSafeguarding } from '../../domain/safeguarding.js';
import type { NewSubject, SafeguardingInput } from './referrals.schemas.js';

/** The question pages, one thing per page (GOV.UK Design System), in order. */
export const INTAKE = {
  start: '/referrals/new',
  content: '/referrals/new/content',
  platforms: '/referrals/new/platforms',
  uploaded: '/referrals/new/uploaded',
  incidents: '/referrals/new/incident-references',
  rationale: '/referrals/new/rationale',
  hasSubjects: '/referrals/new/subjects',
  addSubject: '/referrals/new/subjects/add',
  subjects: '/referrals/new/subjects/list',
  safeguarding: '/referrals/new/safeguarding',
  check: '/referrals/new/check',
  duplicate: '/referrals/new/duplicate',
  confirmation: '/referrals/new/confirmation',
} as const;

/**
 * The referral being drafted through the question pages. It lives server-side with the session
 * (never in hidden fields or cookies) until it is submitted.
 */
export type IntakeDraft = {
  contentTitle?: string;
  contentUrl?: string;
  platforms?: string[];
  contentUploadedOn?: string;
  uploadedParts?: DateParts;
  incidentReferences?: { system: string; reference: string }[];
  rationale?: string;
  hasSubjects?: 'yes' | 'no';
  subjects: NewSubject[];
  /**
   * DESIGN.md "Safeguarding": asked once a child subject is added; kept if that subject is
   * removed, but sent only while the referral has a child subject.
   */
  safeguarding?: SafeguardingInput;
  /** Set once the requester has reached check your answers: each page then returns there. */
  checked?: boolean;
  /** Deconfliction: the open referral that already has this URL. */
  duplicate?: { id: string; reference: string };
  /** What the last submission made, for the confirmation page; the answers themselves are gone. */
  receipt?: { kind: 'created' | 'combined'; id: string; reference: string; warnings: FieldError[] };
};

const emptyDraft = (): IntakeDraft => ({ subjects: [] });

/** The page routes need a browser session: a bearer token has nowhere to keep a draft. */
function sessionOf(req: FastifyRequest) {
  if (!req.session) throw new Forbidden('Sign in with a browser to make a referral');
  return req.session;
}

export function readDraft(req: FastifyRequest): IntakeDraft {
  const raw = sessionOf(req).draft;
  if (!raw) return emptyDraft();
  try {
    const d = JSON.parse(raw) as IntakeDraft;
    return d && typeof d === 'object' && Array.isArray(d.subjects) ? d : emptyDraft();
  } catch {
    return emptyDraft();
  }
}

/** The draft a question page works on: a finished submission starts a new one. */
export function questionDraft(req: FastifyRequest): IntakeDraft {
  const d = readDraft(req);
  return d.receipt ? emptyDraft() : d;
}

export async function saveDraft(services: Services, req: FastifyRequest, draft: IntakeDraft | null) {
  const s = sessionOf(req);
  await services.auth.setDraft(s.idHash, draft);
  s.draft = draft === null ? null : JSON.stringify(draft);
}

/** The subjects the referral will carry: none when the requester answered that they know of none. */
export const draftSubjects = (d: IntakeDraft) => (d.hasSubjects === 'yes' ? d.subjects : []);

/** DESIGN.md "Safeguarding": the intake pages ask the question when the referral has a child subject. */
export const draftNeedsSafeguarding = (d: IntakeDraft) => needsSafeguarding(draftSubjects(d));

/** The draft as the API body it becomes (the same schema validates both). */
export const draftBody = (d: IntakeDraft) => ({
  contentTitle: d.contentTitle,
  contentUrl: d.contentUrl,
  platforms: d.platforms,
  contentUploadedOn: d.contentUploadedOn,
  incidentReferences: d.incidentReferences ?? [],
  rationale: d.rationale,
  subjects: draftSubjects(d),
  safeguarding: draftNeedsSafeguarding(d) ? d.safeguarding : undefined,
});
