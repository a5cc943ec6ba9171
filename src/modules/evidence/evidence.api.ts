import multipart from '@fastify/multipart';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod, ZodTypeProvider } from 'fastify-type-provider-zod';
import { Forbidden, UnsupportedMediaType, ValidationFailed } from '../../errors.js';
import { actorOf } from '../../plugins/auth.js';
import { failures } from '../../plugins/openapi.js';
import type { Services } from '../../services.js';
import { zodFields } from '../../validation.js';
import { idParamsSchema } from '../referrals/referrals.schemas.js';
import { CAPTURERS, EVIDENCE_READERS, PACKAGERS } from './evidence.policy.js';
import {
  captureListSchema,
  captureParamsSchema,
  captureSchema,
  captureUrlSchema,
  packageAnswerSchema,
  packageParamsSchema,
  packageSchema,
} from './evidence.schemas.js';
import { receiveUpload } from './evidence.upload.js';

const tags = ['evidence'];

/** Sends bytes (content, images, packages): the status, the headers and the bytes as a stream; no JSON schema applies. */
function sendContent(reply: FastifyReply, answer: { status: number; headers: Record<string, string>; body: unknown }) {
  return reply.status(answer.status).headers(answer.headers).send(answer.body);
}

/** JSON API for evidence (DESIGN.md "Evidence"; SOP 9.1, 3.1.2, 6.3). */
const evidenceApi: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const evidence = services.evidence;

  // The one route that takes multipart/form-data (decision 015): the parser lives in this scope only.
  await app.register(async (scope) => {
    const uploads = scope.withTypeProvider<ZodTypeProvider>();
    await uploads.register(multipart, {
      limits: { fileSize: services.evidence.capabilities().maxBytes + 1, files: 2, fields: 10, fieldSize: 4_096, parts: 20 },
    });
    uploads.post(
      '/referrals/:id/captures',
      {
        config: { roles: CAPTURERS },
        schema: {
          summary:
            'Capture evidence (SOP 9.1) for a referral the caller may work: multipart/form-data with one `file` part (201, stored; bearer token only, decision 015) or JSON { sourceUrl } (202, pending: fetched in the background, http(s) only, never a private, loopback or link-local address unless CAPTURE_ALLOWED_HOSTS names its host). Zero bytes: 400 at file; over EVIDENCE_MAX_BYTES: 413, nothing kept',
          tags,
          params: idParamsSchema,
          response: { 201: captureSchema, 202: captureSchema, ...failures(400, 401, 403, 404, 409, 413, 415, 503) },
        },
      },
      async (req, reply) => {
        const actor = actorOf(req);
        if (req.isMultipart()) {
          // A browser sends a session cookie with a cross-site form: uploads with a session go through the page, which checks CSRF.
          if (req.session) throw new Forbidden('Upload through the capture page, or call the API with a bearer token');
          const capture = await receiveUpload(req, (file, rest) => evidence.upload(actor, req.params.id, file, rest));
          return reply.status(201).send(capture);
        }
        if (!req.headers['content-type']?.startsWith('application/json'))
          throw new UnsupportedMediaType('Send a file as multipart/form-data or { sourceUrl } as application/json');
        const parsed = captureUrlSchema.safeParse(req.body ?? {});
        if (!parsed.success) throw new ValidationFailed(zodFields(parsed.error));
        return reply.status(202).send(await evidence.captureUrl(actor, req.params.id, parsed.data));
      },
    );
  });

  app.get(
    '/referrals/:id/captures',
    {
      config: { roles: EVIDENCE_READERS },
      schema: {
        summary: 'The referral’s captures with their hashes, chain of custody, analysis and duplicates; an audited consultation',
        tags,
        params: idParamsSchema,
        response: { 200: captureListSchema, ...failures(401, 403, 404) },
      },
    },
    async (req) => ({ items: (await evidence.list(actorOf(req), req.params.id)).items }),
  );

  app.get(
    '/referrals/:id/captures/:captureId',
    {
      config: { roles: EVIDENCE_READERS },
      schema: {
        summary: 'One capture; an audited consultation',
        tags,
        params: captureParamsSchema,
        response: { 200: captureSchema, ...failures(401, 403, 404) },
      },
    },
    async (req) => evidence.get(actorOf(req), req.params.id, req.params.captureId),
  );

  app.get(
    '/referrals/:id/captures/:captureId/content',
    {
      config: { roles: EVIDENCE_READERS },
      schema: {
        summary:
          'The original bytes (Range: 206 with only those bytes, decrypting only the segments they lie in); starting a view or download is an audited consultation',
        tags,
        params: captureParamsSchema,
        response: failures(401, 403, 404, 416),
      },
    },
    async (req: FastifyRequest<{ Params: { id: string; captureId: string } }>, reply) =>
      sendContent(reply, await evidence.content(actorOf(req), req.params.id, req.params.captureId, req.headers.range)),
  );

  for (const which of ['contact-sheet', 'waveform'] as const)
    app.get(
      `/referrals/:id/captures/:captureId/${which}`,
      {
        config: { roles: EVIDENCE_READERS },
        schema: {
          summary: `The ${which === 'contact-sheet' ? 'contact sheet of key frames' : 'audio waveform'} (image/png), once analysed (SOP 9.1); an audited consultation`,
          tags,
          params: captureParamsSchema,
          response: failures(401, 403, 404),
        },
      },
      async (req, reply) =>
        sendContent(reply, {
          status: 200,
          headers: { 'content-type': 'image/png', 'cache-control': 'private, no-store' },
          body: await evidence.image(actorOf(req), req.params.id, req.params.captureId, which),
        }),
    );

  app.post(
    '/referrals/:id/evidence-packages',
    {
      config: { roles: PACKAGERS },
      schema: {
        summary:
          'An evidence package (SOP 3.1.2, 6.3): a zip of the chosen stored captures (all when captureIds is absent) with manifest.json and the intelligence record’s handling code and conditions; its SHA-256 is recorded and making it is an audited disclosure to the recipient for the purpose',
        tags,
        params: idParamsSchema,
        body: packageSchema,
        response: { 201: packageAnswerSchema, ...failures(400, 401, 403, 404, 409, 415) },
      },
    },
    async (req, reply) => reply.status(201).send(await services.evidencePackages.create(actorOf(req), req.params.id, req.body)),
  );

  app.get(
    '/referrals/:id/evidence-packages/:packageId',
    {
      config: { roles: PACKAGERS },
      schema: {
        summary:
          'The package as application/zip; downloading it is an audited consultation. Check it with `npm run cli -- evidence verify FILE.zip`',
        tags,
        params: packageParamsSchema,
        response: failures(401, 403, 404),
      },
    },
    async (req, reply) => sendContent(reply, await services.evidencePackages.download(actorOf(req), req.params.id, req.params.packageId)),
  );
};

export default evidenceApi;
