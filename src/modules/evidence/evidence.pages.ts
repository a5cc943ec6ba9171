import multipart from '@fastify/multipart';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { Actor } from '../../domain/actor.js';
import { PayloadTooLarge } from '../../errors.js';
import { actorOf } from '../../plugins/auth.js';
import type { Services } from '../../services.js';
import { attempt, checkForm, field, pageErrors, renderForm, type PageError } from '../../views/forms.js';
import { CAPTURERS, EVIDENCE_READERS, PACKAGERS } from './evidence.policy.js';
import { captureUrlSchema, EVIDENCE_LIMITS, packageSchema } from './evidence.schemas.js';
import { forPage } from './evidence.presenter.js';
import { receiveUpload } from './evidence.upload.js';

const view = (name: string) => `modules/evidence/views/${name}.njk`;
type Id = { Params: { id: string } };
type CaptureId = { Params: { id: string; captureId: string } };

/**
 * Evidence pages (SOP 9.1, 3.1.2): the referral's captures with the upload (GOV.UK file upload,
 * no JavaScript needed) and URL forms, one capture with its playback, contact sheet and waveform,
 * and an evidence package. The same service as the API; every view of evidence is a consultation.
 */
const evidencePages: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  const evidence = services.evidence;

  type Forms = { sourceUrl?: string; errors?: PageError[]; status?: number };

  async function evidencePage(reply: FastifyReply, actor: Actor, id: string, forms: Forms = {}) {
    const { referral, items } = await evidence.list(actor, id);
    const query = reply.request.query as { requested?: string; uploaded?: string; package?: string };
    const panel = await evidence.panel(actor, id);
    return renderForm(
      reply,
      view('evidence'),
      {
        pageTitle: `Evidence for ${referral.reference}`,
        referral,
        captures: items.map(forPage),
        packages: await services.evidencePackages.list(actor, id),
        canCapture: panel.canCapture,
        canPackage: panel.canPackage,
        capabilities: evidence.capabilities(),
        // While a capture is fetched or analysed the page says so, with a link to look again (progress in bytes in the table).
        working: items.some((c) => c.status === 'pending' || (c.status === 'stored' && c.analysis.status === 'pending')),
        values: { sourceUrl: forms.sourceUrl ?? '' },
        limits: EVIDENCE_LIMITS,
        requested: query.requested === '1',
        uploaded: query.uploaded,
        madePackage: query.package,
        backLink: `/referrals/${id}`,
      },
      forms.errors ?? [],
      forms.status ?? 400,
    );
  }

  app.get<Id>('/referrals/:id/evidence', { config: { roles: EVIDENCE_READERS } }, async (req, reply) =>
    evidencePage(reply, actorOf(req), req.params.id),
  );

  // The upload form posts multipart/form-data: its parser lives in this scope only (decision 015),
  // and its CSRF token comes in the action's address, checked before any byte of the file is read.
  await app.register(async (uploads) => {
    await uploads.register(multipart, {
      limits: { fileSize: evidence.capabilities().maxBytes + 1, files: 2, fields: 10, fieldSize: 4_096, parts: 20 },
    });
    uploads.post<Id>('/referrals/:id/evidence/upload', { config: { roles: CAPTURERS, csrfTokenInQuery: true } }, async (req, reply) => {
      const actor = actorOf(req);
      const id = req.params.id;
      try {
        const done = await attempt(() => receiveUpload(req, (file, rest) => evidence.upload(actor, id, file, rest)));
        if (done.errors) return evidencePage(reply, actor, id, { errors: pageErrors(done.errors) });
        return reply.redirect(`/referrals/${id}/evidence?uploaded=${done.data.id}`);
      } catch (err) {
        const tooLarge = err instanceof PayloadTooLarge || (err as { statusCode?: number }).statusCode === 413;
        if (!tooLarge) throw err;
        return evidencePage(reply, actor, id, { errors: [{ path: 'file', message: (err as Error).message }], status: 413 });
      }
    });
  });

  app.post<Id>('/referrals/:id/evidence/url', { config: { roles: CAPTURERS } }, async (req, reply) => {
    const actor = actorOf(req);
    const id = req.params.id;
    const sourceUrl = field(req.body, 'sourceUrl');
    const parsed = checkForm(captureUrlSchema, { sourceUrl });
    if (parsed.errors) return evidencePage(reply, actor, id, { sourceUrl, errors: pageErrors(parsed.errors) });
    await evidence.captureUrl(actor, id, parsed.data);
    return reply.redirect(`/referrals/${id}/evidence?requested=1`);
  });

  app.get<CaptureId>('/referrals/:id/evidence/:captureId', { config: { roles: EVIDENCE_READERS } }, async (req, reply) => {
    const actor = actorOf(req);
    const capture = await evidence.get(actor, req.params.id, req.params.captureId);
    const { referral } = await evidence.panel(actor, req.params.id);
    return reply.page(view('capture'), {
      pageTitle: `Capture ${capture.sha256?.slice(0, 12) ?? 'pending'} – ${referral.reference}`,
      referral,
      capture: forPage(capture),
      backLink: `/referrals/${referral.id}/evidence`,
    });
  });

  type PackageForm = { recipient: string; purpose: string; captureIds: string[] };

  async function packagePage(reply: FastifyReply, actor: Actor, id: string, values?: PackageForm, errs: PageError[] = []) {
    const { referral, items } = await evidence.list(actor, id, false);
    const stored = items.filter((c) => c.status === 'stored');
    const chosen = values?.captureIds ?? stored.map((c) => c.id);
    return renderForm(
      reply,
      view('package'),
      {
        pageTitle: `Make an evidence package – ${referral.reference}`,
        referral,
        captureItems: stored.map((c) => ({
          value: c.id,
          text: `${c.originalName ?? c.source.url ?? 'Capture'} (${c.mediaType ?? 'unknown type'})`,
          hint: { text: `SHA-256 ${c.sha256}`, classes: 'app-break-all' },
          checked: chosen.includes(c.id),
        })),
        values: values ?? { recipient: '', purpose: '' },
        hasHandling: await services.evidencePackages.hasHandling(actor, id),
        limits: EVIDENCE_LIMITS,
        backLink: `/referrals/${id}/evidence`,
      },
      errs,
    );
  }

  app.get<Id>('/referrals/:id/evidence/package', { config: { roles: PACKAGERS } }, async (req, reply) =>
    packagePage(reply, actorOf(req), req.params.id),
  );

  app.post<Id>('/referrals/:id/evidence/package', { config: { roles: PACKAGERS } }, async (req, reply) => {
    const actor = actorOf(req);
    const id = req.params.id;
    const body = req.body as Record<string, unknown>;
    const ids = body.captureIds;
    const values: PackageForm = {
      recipient: field(body, 'recipient'),
      purpose: field(body, 'purpose'),
      captureIds: (Array.isArray(ids) ? ids : ids === undefined ? [] : [ids]).filter((v): v is string => typeof v === 'string'),
    };
    const input = {
      recipient: values.recipient,
      purpose: values.purpose,
      captureIds: values.captureIds.length ? values.captureIds : undefined,
    };
    if (!values.captureIds.length)
      return packagePage(reply, actor, id, values, [{ path: 'captureIds', message: 'Choose at least one capture' }]);
    const parsed = checkForm(packageSchema, input);
    const errs = { paths: [[/^captureIds/, 'captureIds']] as const };
    if (parsed.errors) return packagePage(reply, actor, id, values, pageErrors(parsed.errors, errs));
    const made = await attempt(() => services.evidencePackages.create(actor, id, parsed.data));
    if (made.errors) return packagePage(reply, actor, id, values, pageErrors(made.errors, errs));
    return reply.redirect(`/referrals/${id}/evidence?package=${made.data.id}`);
  });
};

export default evidencePages;
