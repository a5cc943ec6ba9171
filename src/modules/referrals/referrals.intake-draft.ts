import type { FastifyRequest } from 'fastify';
import { Forbidden, type FieldError } from '../../errors.js';
import type { Services } from '../../services.js';
import { fieldId, type PageError } from '../../validation.js';
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

export type DateParts = { day: string; month: string; year: string };

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

/** A form field as a string: the first value if a field came twice. */
export const field = (body: unknown, name: string): string => {
  const v = (body as Record<string, unknown> | undefined)?.[name];
  const s = Array.isArray(v) ? v[0] : v;
  return typeof s === 'string' ? s : '';
};

/** A form field as a list (checkboxes). */
export const fields = (body: unknown, name: string): string[] => {
  const v = (body as Record<string, unknown> | undefined)?.[name];
  return (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is string => typeof x === 'string' && x !== '');
};

/**
 * A GOV.UK date input's three parts as YYYY-MM-DD, or an error on the first part that is
 * missing or not a number (the summary links to that part). All blank is "not given".
 */
export function dateFromParts(
  path: string,
  parts: DateParts,
  label: string,
): { value?: string; error?: PageError & { parts: (keyof DateParts)[] } } {
  const blank = (['day', 'month', 'year'] as const).filter((k) => !parts[k].trim());
  if (blank.length === 3) return {};
  if (blank.length) {
    const message = `${label} must include a ${blank.join(' and a ')}`;
    return { error: { path, message, href: `#${fieldId(path)}-${blank[0]}`, parts: [...blank] } };
  }
  const notNumber = (['day', 'month', 'year'] as const).filter((k) => !/^\d+$/.test(parts[k].trim()));
  const year = parts.year.trim();
  if (notNumber.length || year.length !== 4) {
    const first = notNumber[0] ?? 'year';
    return {
      error: {
        path,
        message: `${label} must be a real date`,
        href: `#${fieldId(path)}-${first}`,
        parts: notNumber.length ? notNumber : ['year'],
      },
    };
  }
  const pad = (s: string) => s.trim().padStart(2, '0');
  return { value: `${year}-${pad(parts.month)}-${pad(parts.day)}` };
}

export const partsOf = (iso: string | undefined): DateParts => {
  const [year = '', month = '', day = ''] = (iso ?? '').split('-');
  return { day: day.replace(/^0/, ''), month: month.replace(/^0/, ''), year };
};
