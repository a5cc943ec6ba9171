import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodType, z } from 'zod';
import { SAFEGUARDING_ACTION_TEXT } from '../../domain/safeguarding.js';
import { DuplicateReferral, ValidationFailed, type FieldError } from '../../errors.js';
import { actorOf } from '../../plugins/auth.js';
import type { Services } from '../../services.js';
import { formErrors, zodFields, type PageError } from '../../validation.js';
import {
  dateFromParts,
  draftBody,
  draftNeedsSafeguarding,
  draftSubjects,
  field,
  fields,
  INTAKE,
  partsOf,
  questionDraft,
  readDraft,
  saveDraft,
  type IntakeDraft,
} from './referrals.intake-draft.js';
import intakeSafeguarding from './referrals.intake-safeguarding.js';
import { REFERRAL_SUBMITTERS } from './referrals.policy.js';
import { ageBandText, LIMITS, yesNoSchema, duplicateChoiceSchema } from './referrals.schemas.js';
import { AGE_BANDS, INCIDENT_SYSTEMS, SUBJECT_CATEGORIES } from '../../domain/vocabulary.js';

const view = (name: string) => `modules/referrals/views/${name}.njk`;
const INCIDENT_ROWS = 3;

/** Which page asks for a field of the referral, for links from check your answers. */
const PAGE_OF: Record<string, string> = {
  contentTitle: INTAKE.content,
  contentUrl: INTAKE.content,
  platforms: INTAKE.platforms,
  contentUploadedOn: INTAKE.uploaded,
  incidentReferences: INTAKE.incidents,
  rationale: INTAKE.rationale,
  subjects: INTAKE.subjects,
  safeguarding: INTAKE.safeguarding,
};

function check<S extends ZodType>(
  schema: S,
  input: unknown,
): { data: z.infer<S>; errors?: undefined } | { data?: undefined; errors: FieldError[] } {
  const r = schema.safeParse(input);
  return r.success ? { data: r.data } : { errors: zodFields(r.error) };
}

const radioItems = (values: readonly string[], text: (v: string) => string, chosen?: string) =>
  values.map((value) => ({ value, text: text(value), checked: value === chosen }));

const CATEGORY_TEXT: Record<string, string> = { suspect: 'Suspect', victim: 'Victim', witness: 'Witness', other: 'Other' };

/** Referral intake through question pages (SOP 8.1, 8.3, 8.4). Every page validates with the API's schema. */
const intakePages: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  const referrals = services.referrals;
  const roles = REFERRAL_SUBMITTERS;
  const save = (req: FastifyRequest, d: IntakeDraft | null) => saveDraft(services, req, d);
  const schemas = () => referrals.schemas().newReferral;
  const next = (d: IntakeDraft, page: string) => (d.checked ? INTAKE.check : page);
  await app.register(intakeSafeguarding, { services });

  app.get(INTAKE.start, { config: { roles } }, async (_req, reply) => reply.page(view('start'), { pageTitle: 'Make a referral' }));

  // SOP 8.3.4-8.3.5: title and URL.
  const contentPage = (reply: FastifyReply, values: Partial<IntakeDraft>, errs: PageError[] = []) =>
    reply.status(errs.length ? 400 : 200).page(view('content'), { values, limits: LIMITS, backLink: INTAKE.start, ...formErrors(errs) });
  app.get(INTAKE.content, { config: { roles } }, async (req, reply) => contentPage(reply, questionDraft(req)));
  app.post(INTAKE.content, { config: { roles } }, async (req, reply) => {
    const input = { contentTitle: field(req.body, 'contentTitle'), contentUrl: field(req.body, 'contentUrl') };
    const r = check(schemas().pick({ contentTitle: true, contentUrl: true }), input);
    if (r.errors) return contentPage(reply, input, r.errors);
    const d = questionDraft(req);
    // A changed URL is a new deconfliction question.
    await save(req, { ...d, ...r.data, duplicate: undefined });
    return reply.redirect(next(d, INTAKE.platforms));
  });

  // SOP 8.3.6: platforms from the directory.
  const platformsPage = async (reply: FastifyReply, chosen: string[], errs: PageError[] = []) => {
    const directory = await services.platforms.list();
    const items = directory.map((p) => ({ value: p.key, text: p.name, checked: chosen.includes(p.key) }));
    return reply.status(errs.length ? 400 : 200).page(view('platforms'), { items, backLink: INTAKE.content, ...formErrors(errs) });
  };
  app.get(INTAKE.platforms, { config: { roles } }, async (req, reply) => platformsPage(reply, questionDraft(req).platforms ?? []));
  app.post(INTAKE.platforms, { config: { roles } }, async (req, reply) => {
    const chosen = fields(req.body, 'platforms');
    const r = check(schemas().pick({ platforms: true }), { platforms: chosen });
    const errs = r.errors ?? (await referrals.checkPlatforms(chosen));
    // One checkbox group: every problem is reported against the group.
    if (errs.length) return platformsPage(reply, chosen, [{ path: 'platforms', message: errs[0]!.message }]);
    const d = questionDraft(req);
    await save(req, { ...d, platforms: r.data!.platforms });
    return reply.redirect(next(d, INTAKE.uploaded));
  });

  // SOP 8.3.2: date of upload, as a GOV.UK date input.
  const uploadedPage = (reply: FastifyReply, parts: { day: string; month: string; year: string }, err?: PageError & { parts?: string[] }) =>
    reply.status(err ? 400 : 200).page(view('uploaded'), {
      parts,
      errorParts: err ? (err.parts ?? ['day', 'month', 'year']) : [],
      backLink: INTAKE.platforms,
      ...formErrors(err ? [err] : []),
    });
  app.get(INTAKE.uploaded, { config: { roles } }, async (req, reply) => {
    const d = questionDraft(req);
    return uploadedPage(reply, d.uploadedParts ?? partsOf(d.contentUploadedOn));
  });
  app.post(INTAKE.uploaded, { config: { roles } }, async (req, reply) => {
    const path = 'contentUploadedOn';
    const parts = { day: field(req.body, `${path}-day`), month: field(req.body, `${path}-month`), year: field(req.body, `${path}-year`) };
    const label = 'The date the content was uploaded';
    const fromParts = dateFromParts(path, parts, label);
    if (fromParts.error) return uploadedPage(reply, parts, fromParts.error);
    const r = check(schemas().pick({ contentUploadedOn: true }), { contentUploadedOn: fromParts.value ?? '' });
    if (r.errors) return uploadedPage(reply, parts, { path, message: r.errors[0]!.message, href: `#${path}-day` });
    const d = questionDraft(req);
    await save(req, { ...d, contentUploadedOn: r.data.contentUploadedOn, uploadedParts: parts });
    return reply.redirect(next(d, INTAKE.incidents));
  });

  // SOP 8.3.3: incident references where applicable; up to three rows, all optional.
  const incidentsPage = (reply: FastifyReply, rows: { system: string; reference: string }[], errs: PageError[] = []) =>
    reply.status(errs.length ? 400 : 200).page(view('incident-references'), {
      rows: Array.from({ length: INCIDENT_ROWS }, (_, i) => ({
        index: i,
        reference: rows[i]?.reference ?? '',
        systems: [
          { value: '', text: 'Choose a system' },
          ...INCIDENT_SYSTEMS.map((s) => ({ value: s, text: s, selected: rows[i]?.system === s })),
        ],
      })),
      backLink: INTAKE.uploaded,
      ...formErrors(errs),
    });
  app.get(INTAKE.incidents, { config: { roles } }, async (req, reply) => incidentsPage(reply, questionDraft(req).incidentReferences ?? []));
  app.post(INTAKE.incidents, { config: { roles } }, async (req, reply) => {
    const rows = Array.from({ length: INCIDENT_ROWS }, (_, i) => ({
      system: field(req.body, `system-${i}`),
      reference: field(req.body, `reference-${i}`),
    }));
    const element = referrals.schemas().incidentReference;
    const errs: PageError[] = [];
    const kept: { system: string; reference: string }[] = [];
    rows.forEach((row, i) => {
      if (!row.system && !row.reference.trim()) return;
      // Each row checked on its own, so that errors name the row on the page.
      const r = check(element, row);
      if (r.errors) errs.push(...r.errors.map((e) => ({ ...e, path: `incidentReferences[${i}].${e.path}` })));
      else kept.push(r.data);
    });
    if (errs.length) return incidentsPage(reply, rows, errs);
    const d = questionDraft(req);
    await save(req, { ...d, incidentReferences: kept });
    return reply.redirect(next(d, INTAKE.rationale));
  });

  // SOP 8.3.7: the rationale.
  const rationalePage = (reply: FastifyReply, rationale: string | undefined, errs: PageError[] = []) =>
    reply
      .status(errs.length ? 400 : 200)
      .page(view('rationale'), { rationale, maxlength: LIMITS.rationale, backLink: INTAKE.incidents, ...formErrors(errs) });
  app.get(INTAKE.rationale, { config: { roles } }, async (req, reply) => rationalePage(reply, questionDraft(req).rationale));
  app.post(INTAKE.rationale, { config: { roles } }, async (req, reply) => {
    const input = { rationale: field(req.body, 'rationale') };
    const r = check(schemas().pick({ rationale: true }), input);
    if (r.errors) return rationalePage(reply, input.rationale, r.errors);
    const d = questionDraft(req);
    await save(req, { ...d, rationale: r.data.rationale });
    return reply.redirect(next(d, INTAKE.hasSubjects));
  });

  // SOP 8.4.1: subjects only where known; the question comes first so nobody is asked for data they do not have.
  const hasSubjectsPage = (reply: FastifyReply, answer: string | undefined, errs: PageError[] = []) =>
    reply.status(errs.length ? 400 : 200).page(view('has-subjects'), { answer, backLink: INTAKE.rationale, ...formErrors(errs) });
  app.get(INTAKE.hasSubjects, { config: { roles } }, async (req, reply) => hasSubjectsPage(reply, questionDraft(req).hasSubjects));
  app.post(INTAKE.hasSubjects, { config: { roles } }, async (req, reply) => {
    const r = check(yesNoSchema('hasSubjects', 'Select yes if you know of any subjects linked to this content'), {
      hasSubjects: field(req.body, 'hasSubjects'),
    });
    if (r.errors) return hasSubjectsPage(reply, undefined, r.errors);
    const d = questionDraft(req);
    const hasSubjects = r.data.hasSubjects;
    await save(req, { ...d, hasSubjects });
    if (hasSubjects === 'no') return reply.redirect(INTAKE.check);
    return reply.redirect(d.subjects.length ? INTAKE.subjects : INTAKE.addSubject);
  });

  type SubjectForm = { name: string; category: string; ageBand: string; dob: { day: string; month: string; year: string } };
  const subjectPage = (reply: FastifyReply, values: SubjectForm, errs: PageError[] = [], dobParts: string[] = []) =>
    reply.status(errs.length ? 400 : 200).page(view('subject'), {
      values,
      categories: radioItems(SUBJECT_CATEGORIES, (v) => CATEGORY_TEXT[v] ?? v, values.category),
      ageBands: radioItems(
        AGE_BANDS,
        (v) => (v === 'unknown' ? 'Not known' : ageBandText(v as never).replace(/^./, (c) => c.toUpperCase())),
        values.ageBand,
      ),
      dobErrorParts: dobParts,
      limits: LIMITS,
      backLink: INTAKE.hasSubjects,
      ...formErrors(errs),
    });
  const blankSubject: SubjectForm = { name: '', category: '', ageBand: '', dob: { day: '', month: '', year: '' } };
  app.get(INTAKE.addSubject, { config: { roles } }, async (req, reply) => {
    if (questionDraft(req).subjects.length >= LIMITS.subjects) return reply.redirect(INTAKE.subjects);
    return subjectPage(reply, blankSubject);
  });
  app.post(INTAKE.addSubject, { config: { roles } }, async (req, reply) => {
    const values: SubjectForm = {
      name: field(req.body, 'name'),
      category: field(req.body, 'category'),
      ageBand: field(req.body, 'ageBand'),
      dob: {
        day: field(req.body, 'dateOfBirth-day'),
        month: field(req.body, 'dateOfBirth-month'),
        year: field(req.body, 'dateOfBirth-year'),
      },
    };
    const dob = dateFromParts('dateOfBirth', values.dob, 'Date of birth');
    const r = check(referrals.schemas().subject, {
      name: values.name,
      category: values.category || undefined,
      ageBand: values.ageBand || undefined,
      dateOfBirth: dob.value,
    });
    const errs: PageError[] = [...(r.errors ?? []).map((e) => (e.path === 'dateOfBirth' ? { ...e, href: '#dateOfBirth-day' } : e))];
    if (dob.error) errs.push(dob.error);
    const order = ['name', 'category', 'ageBand', 'dateOfBirth'];
    errs.sort((a, b) => order.indexOf(a.path) - order.indexOf(b.path));
    if (errs.length || !r.data)
      return subjectPage(
        reply,
        values,
        errs,
        dob.error?.parts ?? (errs.some((e) => e.path === 'dateOfBirth') ? ['day', 'month', 'year'] : []),
      );
    const d = questionDraft(req);
    if (d.subjects.length >= LIMITS.subjects) return reply.redirect(INTAKE.subjects);
    const added: IntakeDraft = { ...d, hasSubjects: 'yes', subjects: [...d.subjects, r.data] };
    await save(req, added);
    // DESIGN.md "Safeguarding": a child subject brings the safeguarding question, once.
    return reply.redirect(draftNeedsSafeguarding(added) && !d.safeguarding ? INTAKE.safeguarding : INTAKE.subjects);
  });

  app.get(INTAKE.subjects, { config: { roles } }, async (req, reply) => {
    const d = questionDraft(req);
    if (!d.subjects.length) return reply.redirect(INTAKE.hasSubjects);
    return reply.page(view('subjects'), {
      ageBand: ageBandText,
      subjects: d.subjects,
      canAdd: d.subjects.length < LIMITS.subjects,
      max: LIMITS.subjects,
      backLink: INTAKE.hasSubjects,
    });
  });
  app.post<{ Params: { index: string } }>('/referrals/new/subjects/:index/remove', { config: { roles } }, async (req, reply) => {
    const d = questionDraft(req);
    const i = Number(req.params.index);
    const subjects = d.subjects.filter((_, j) => j !== i);
    await save(req, { ...d, subjects, hasSubjects: subjects.length ? 'yes' : d.hasSubjects });
    return reply.redirect(subjects.length ? INTAKE.subjects : INTAKE.hasSubjects);
  });

  // Check your answers, then submit. Problems link back to the page that asks.
  async function checkAnswers(d: IntakeDraft): Promise<{ errs: PageError[]; warnings: FieldError[] }> {
    const r = check(schemas(), draftBody(d));
    const errs: PageError[] = (r.errors ?? []).map((e) => {
      const top = e.path.split(/[[.]/)[0]!;
      return { ...e, href: PAGE_OF[top] ?? INTAKE.content };
    });
    if (!errs.length && d.platforms)
      errs.push(...(await referrals.checkPlatforms(d.platforms)).map((e) => ({ ...e, href: INTAKE.platforms })));
    if (draftNeedsSafeguarding(d) && !d.safeguarding)
      errs.push({
        path: 'safeguarding',
        message: 'Answer what has been done to keep the child safe: a subject is under 18',
        href: INTAKE.safeguarding,
      });
    if (d.hasSubjects === undefined)
      errs.push({
        path: 'hasSubjects',
        message: 'Answer whether you know of any subjects linked to this content',
        href: INTAKE.hasSubjects,
      });
    const warnings = d.contentUrl && d.platforms ? await referrals.hostWarnings(d.contentUrl, d.platforms) : [];
    return { errs, warnings };
  }
  const checkPage = async (req: FastifyRequest, reply: FastifyReply, d: IntakeDraft, extra: PageError[] = []) => {
    const { errs, warnings } = await checkAnswers(d);
    const directory = await services.platforms.list();
    const all = [...errs, ...extra];
    return reply.status(all.length ? 400 : 200).page(view('check'), {
      draft: d,
      actor: actorOf(req),
      platformNames: (d.platforms ?? []).map((k) => directory.find((p) => p.key === k)?.name ?? k),
      subjects: draftSubjects(d),
      askSafeguarding: draftNeedsSafeguarding(d),
      safeguarding: d.safeguarding ?? null,
      safeguardingText: SAFEGUARDING_ACTION_TEXT,
      warnings,
      ageBand: ageBandText,
      pages: INTAKE,
      canSubmit: !all.length,
      ...formErrors(all),
    });
  };
  app.get(INTAKE.check, { config: { roles } }, async (req, reply) => {
    const d = questionDraft(req);
    if (!d.checked) await save(req, { ...d, checked: true });
    return checkPage(req, reply, d);
  });

  /** Submits the draft; a duplicate goes to the deconfliction page, anything else to the confirmation. */
  async function submit(req: FastifyRequest, reply: FastifyReply, d: IntakeDraft, duplicateOf?: string) {
    const { errs } = await checkAnswers(d);
    if (errs.length) return checkPage(req, reply, d);
    try {
      const input = schemas().parse({ ...draftBody(d), duplicateOf });
      const result = await referrals.submit(actorOf(req), input);
      const warnings = result.kind === 'created' ? result.referral.warnings : [];
      // The answers are cleared; only the receipt stays, for the confirmation page.
      await save(req, {
        subjects: [],
        receipt: { kind: result.kind, id: result.referral.id, reference: result.referral.reference, warnings },
      });
      return reply.redirect(INTAKE.confirmation);
    } catch (err) {
      if (err instanceof DuplicateReferral) {
        await save(req, { ...d, duplicate: err.existing });
        return reply.redirect(INTAKE.duplicate);
      }
      if (err instanceof ValidationFailed)
        return checkPage(
          req,
          reply,
          d,
          err.fields.map((e) => ({ ...e, href: PAGE_OF[e.path.split(/[[.]/)[0]!] })),
        );
      throw err;
    }
  }
  app.post(INTAKE.check, { config: { roles } }, async (req, reply) => submit(req, reply, questionDraft(req)));

  // Deconfliction (SOP 8.1): the content already has an open referral.
  const duplicatePage = (reply: FastifyReply, d: IntakeDraft, errs: PageError[] = []) =>
    reply
      .status(errs.length ? 400 : 200)
      .page(view('duplicate'), { existing: d.duplicate, contentUrl: d.contentUrl, backLink: INTAKE.check, ...formErrors(errs) });
  app.get(INTAKE.duplicate, { config: { roles } }, async (req, reply) => {
    const d = questionDraft(req);
    if (!d.duplicate) return reply.redirect(INTAKE.check);
    return duplicatePage(reply, d);
  });
  app.post(INTAKE.duplicate, { config: { roles } }, async (req, reply) => {
    const d = questionDraft(req);
    if (!d.duplicate) return reply.redirect(INTAKE.check);
    const r = check(duplicateChoiceSchema, { choice: field(req.body, 'choice') });
    if (r.errors) return duplicatePage(reply, d, r.errors);
    if (r.data.choice === 'change') {
      await save(req, { ...d, duplicate: undefined });
      return reply.redirect(INTAKE.content);
    }
    return submit(req, reply, d, d.duplicate.reference);
  });

  app.get(INTAKE.confirmation, { config: { roles } }, async (req, reply) => {
    const receipt = readDraft(req).receipt;
    if (!receipt) return reply.redirect('/referrals/mine');
    return reply.page(view('confirmation'), { receipt });
  });
};

export default intakePages;
