import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { AGE_BANDS, ETHNICITY_RECORDED_AS, INCIDENT_SYSTEMS, SEXES, SUBJECT_CATEGORIES } from '../../domain/vocabulary.js';
import { ethnicitiesByGroup } from '../../domain/ethnicity.js';
import { SAFEGUARDING_ACTION_TEXT } from '../../domain/safeguarding.js';
import { DuplicateReferral, type FieldError } from '../../errors.js';
import { actorOf } from '../../plugins/auth.js';
import type { Services } from '../../services.js';
import {
  attempt,
  checkForm,
  dateParts,
  field,
  fields,
  govukDate,
  pageErrors,
  partsOf,
  renderForm,
  type DateError,
  type DateParts,
  type PageError,
} from '../../views/forms.js';
import {
  draftBody,
  draftNeedsSafeguarding,
  draftSubjects,
  INTAKE,
  questionDraft,
  readDraft,
  saveDraft,
  type IntakeDraft,
} from './referrals.intake-draft.js';
import intakeSafeguarding from './referrals.intake-safeguarding.js';
import { REFERRAL_SUBMITTERS } from './referrals.policy.js';
import { ageBandText, LIMITS, yesNoSchema, duplicateChoiceSchema } from './referrals.schemas.js';

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

const radioItems = (values: readonly string[], text: (v: string) => string, chosen?: string) =>
  values.map((value) => ({ value, text: text(value), checked: value === chosen }));

const CATEGORY_TEXT: Record<string, string> = { suspect: 'Suspect', victim: 'Victim', witness: 'Witness', other: 'Other' };
const RECORDED_AS_TEXT: Record<string, string> = {
  self_defined: 'The person told us (self-defined)',
  officer_observed: 'An officer’s view (officer-observed)',
};
const SEX_TEXT: Record<string, string> = { female: 'Female', male: 'Male', not_stated: 'Not stated' };

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
    renderForm(reply, view('content'), { values, limits: LIMITS, backLink: INTAKE.start }, errs);
  app.get(INTAKE.content, { config: { roles } }, async (req, reply) => contentPage(reply, questionDraft(req)));
  app.post(INTAKE.content, { config: { roles } }, async (req, reply) => {
    const input = { contentTitle: field(req.body, 'contentTitle'), contentUrl: field(req.body, 'contentUrl') };
    const r = checkForm(schemas().pick({ contentTitle: true, contentUrl: true }), input);
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
    return renderForm(reply, view('platforms'), { items, backLink: INTAKE.content }, errs);
  };
  app.get(INTAKE.platforms, { config: { roles } }, async (req, reply) => platformsPage(reply, questionDraft(req).platforms ?? []));
  app.post(INTAKE.platforms, { config: { roles } }, async (req, reply) => {
    const chosen = fields(req.body, 'platforms');
    const r = checkForm(schemas().pick({ platforms: true }), { platforms: chosen });
    const errs = r.errors ?? (await referrals.checkPlatforms(chosen));
    // One checkbox group: every problem is reported against the group.
    if (errs.length) return platformsPage(reply, chosen, [{ path: 'platforms', message: errs[0]!.message }]);
    const d = questionDraft(req);
    await save(req, { ...d, platforms: r.data!.platforms });
    return reply.redirect(next(d, INTAKE.uploaded));
  });

  // SOP 8.3.2: date of upload, as a GOV.UK date input.
  const uploadedPage = (reply: FastifyReply, parts: DateParts, err?: PageError & Partial<DateError>) =>
    renderForm(
      reply,
      view('uploaded'),
      { parts, errorParts: err ? (err.parts ?? ['day', 'month', 'year']) : [], backLink: INTAKE.platforms },
      err ? [err] : [],
    );
  app.get(INTAKE.uploaded, { config: { roles } }, async (req, reply) => {
    const d = questionDraft(req);
    return uploadedPage(reply, d.uploadedParts ?? partsOf(d.contentUploadedOn));
  });
  app.post(INTAKE.uploaded, { config: { roles } }, async (req, reply) => {
    const path = 'contentUploadedOn';
    const parts = dateParts(req.body, path);
    const date = govukDate(path, parts, 'The date the content was uploaded');
    if (date.error) return uploadedPage(reply, parts, date.error);
    const r = checkForm(schemas().pick({ contentUploadedOn: true }), { contentUploadedOn: date.value ?? '' });
    if (r.errors) return uploadedPage(reply, parts, pageErrors(r.errors, { dates: [path] })[0]);
    const d = questionDraft(req);
    await save(req, { ...d, contentUploadedOn: r.data.contentUploadedOn, uploadedParts: parts });
    return reply.redirect(next(d, INTAKE.incidents));
  });

  // SOP 8.3.3: incident references where applicable; up to three rows, all optional.
  const incidentsPage = (reply: FastifyReply, rows: { system: string; reference: string }[], errs: PageError[] = []) =>
    renderForm(
      reply,
      view('incident-references'),
      {
        rows: Array.from({ length: INCIDENT_ROWS }, (_, i) => ({
          index: i,
          reference: rows[i]?.reference ?? '',
          systems: [
            { value: '', text: 'Choose a system' },
            ...INCIDENT_SYSTEMS.map((s) => ({ value: s, text: s, selected: rows[i]?.system === s })),
          ],
        })),
        backLink: INTAKE.uploaded,
      },
      errs,
    );
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
      const r = checkForm(element, row);
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
    renderForm(reply, view('rationale'), { rationale, maxlength: LIMITS.rationale, backLink: INTAKE.incidents }, errs);
  app.get(INTAKE.rationale, { config: { roles } }, async (req, reply) => rationalePage(reply, questionDraft(req).rationale));
  app.post(INTAKE.rationale, { config: { roles } }, async (req, reply) => {
    const input = { rationale: field(req.body, 'rationale') };
    const r = checkForm(schemas().pick({ rationale: true }), input);
    if (r.errors) return rationalePage(reply, input.rationale, r.errors);
    const d = questionDraft(req);
    await save(req, { ...d, rationale: r.data.rationale });
    return reply.redirect(next(d, INTAKE.hasSubjects));
  });

  // SOP 8.4.1: subjects only where known; the question comes first so nobody is asked for data they do not have.
  const hasSubjectsPage = (reply: FastifyReply, answer: string | undefined, errs: PageError[] = []) =>
    renderForm(reply, view('has-subjects'), { answer, backLink: INTAKE.rationale }, errs);
  app.get(INTAKE.hasSubjects, { config: { roles } }, async (req, reply) => hasSubjectsPage(reply, questionDraft(req).hasSubjects));
  app.post(INTAKE.hasSubjects, { config: { roles } }, async (req, reply) => {
    const r = checkForm(yesNoSchema('hasSubjects', 'Select yes if you know of any subjects linked to this content'), {
      hasSubjects: field(req.body, 'hasSubjects'),
    });
    if (r.errors) return hasSubjectsPage(reply, undefined, r.errors);
    const d = questionDraft(req);
    const hasSubjects = r.data.hasSubjects;
    await save(req, { ...d, hasSubjects });
    if (hasSubjects === 'no') return reply.redirect(INTAKE.check);
    return reply.redirect(d.subjects.length ? INTAKE.subjects : INTAKE.addSubject);
  });

  type SubjectForm = {
    name: string;
    category: string;
    ageBand: string;
    dob: DateParts;
    ethnicity: string;
    ethnicityRecordedAs: string;
    sex: string;
  };
  const subjectPage = (reply: FastifyReply, values: SubjectForm, errs: PageError[] = [], dobParts: string[] = []) =>
    renderForm(
      reply,
      view('subject'),
      {
        values,
        categories: radioItems(SUBJECT_CATEGORIES, (v) => CATEGORY_TEXT[v] ?? v, values.category),
        ageBands: radioItems(
          AGE_BANDS,
          (v) => (v === 'unknown' ? 'Not known' : ageBandText(v as never).replace(/^./, (c) => c.toUpperCase())),
          values.ageBand,
        ),
        dobErrorParts: dobParts,
        // Issue 15 point 5: optional equality questions, the categories grouped as the census groups them.
        ethnicityGroups: ethnicitiesByGroup(),
        recordedAsItems: radioItems(ETHNICITY_RECORDED_AS, (v) => RECORDED_AS_TEXT[v] ?? v, values.ethnicityRecordedAs),
        sexItems: radioItems(SEXES, (v) => SEX_TEXT[v] ?? v, values.sex),
        limits: LIMITS,
        backLink: INTAKE.hasSubjects,
      },
      errs,
    );
  const blankSubject: SubjectForm = {
    name: '',
    category: '',
    ageBand: '',
    dob: { day: '', month: '', year: '' },
    ethnicity: '',
    ethnicityRecordedAs: '',
    sex: '',
  };
  app.get(INTAKE.addSubject, { config: { roles } }, async (req, reply) => {
    if (questionDraft(req).subjects.length >= LIMITS.subjects) return reply.redirect(INTAKE.subjects);
    return subjectPage(reply, blankSubject);
  });
  app.post(INTAKE.addSubject, { config: { roles } }, async (req, reply) => {
    const values: SubjectForm = {
      name: field(req.body, 'name'),
      category: field(req.body, 'category'),
      ageBand: field(req.body, 'ageBand'),
      dob: dateParts(req.body, 'dateOfBirth'),
      ethnicity: field(req.body, 'ethnicity'),
      ethnicityRecordedAs: field(req.body, 'ethnicityRecordedAs'),
      sex: field(req.body, 'sex'),
    };
    const dob = govukDate('dateOfBirth', values.dob, 'Date of birth');
    const r = checkForm(referrals.schemas().subject, {
      name: values.name,
      category: values.category || undefined,
      ageBand: values.ageBand || undefined,
      dateOfBirth: dob.value,
      ethnicity: values.ethnicity || undefined,
      ethnicityRecordedAs: values.ethnicityRecordedAs || undefined,
      sex: values.sex || undefined,
    });
    const errs = pageErrors([...(r.errors ?? []), ...(dob.error ? [dob.error] : [])], {
      dates: ['dateOfBirth'],
      order: ['name', 'category', 'ageBand', 'dateOfBirth', 'ethnicity', 'ethnicityRecordedAs', 'sex'],
    });
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
  const onItsPage = (e: FieldError): PageError => ({ ...e, href: PAGE_OF[e.path.split(/[[.]/)[0]!] ?? INTAKE.content });
  async function checkAnswers(d: IntakeDraft): Promise<{ errs: PageError[]; warnings: FieldError[] }> {
    const errs = (checkForm(schemas(), draftBody(d)).errors ?? []).map(onItsPage);
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
    const context = {
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
    };
    return renderForm(reply, view('check'), context, all);
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
    const input = schemas().parse({ ...draftBody(d), duplicateOf });
    try {
      const done = await attempt(() => referrals.submit(actorOf(req), input));
      if (done.errors) return checkPage(req, reply, d, done.errors.map(onItsPage));
      const result = done.data;
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
      throw err;
    }
  }
  app.post(INTAKE.check, { config: { roles } }, async (req, reply) => submit(req, reply, questionDraft(req)));

  // Deconfliction (SOP 8.1): the content already has an open referral.
  const duplicatePage = (reply: FastifyReply, d: IntakeDraft, errs: PageError[] = []) =>
    renderForm(reply, view('duplicate'), { existing: d.duplicate, contentUrl: d.contentUrl, backLink: INTAKE.check }, errs);
  app.get(INTAKE.duplicate, { config: { roles } }, async (req, reply) => {
    const d = questionDraft(req);
    if (!d.duplicate) return reply.redirect(INTAKE.check);
    return duplicatePage(reply, d);
  });
  app.post(INTAKE.duplicate, { config: { roles } }, async (req, reply) => {
    const d = questionDraft(req);
    if (!d.duplicate) return reply.redirect(INTAKE.check);
    const r = checkForm(duplicateChoiceSchema, { choice: field(req.body, 'choice') });
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
