import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncZod, ZodTypeProvider } from 'fastify-type-provider-zod';
import type { ZodType } from 'zod';
import { Forbidden, UnsupportedMediaType } from '../../errors.js';
import { actorOf } from '../../plugins/auth.js';
import { failures, stepSchema } from '../../plugins/openapi.js';
import type { Services } from '../../services.js';
import { HOLDERS, LIBRARY_READERS } from './library.policy.js';
import { receiveUpload } from '../evidence/evidence.upload.js';
import {
  entryDetailSchema,
  entryListSchema,
  entryParamsSchema,
  libraryQuerySchema,
  matchAnswerSchema,
  releaseSchema,
} from './library.schemas.js';

const tags = ['library'];
/** A step on an entry's hold (CPIA 1996), answered with the entry; 409 when the hold is not in the state the step needs. */
const holdStep = <B extends ZodType>(summary: string, body: B) =>
  stepSchema({ summary, tags, params: entryParamsSchema, body }, entryDetailSchema);

/** JSON API for the Domain library (SOP 10.8, 2.2; DESIGN.md "Domain library"; issue 13). */
const libraryApi: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const library = services.library;

  // Multipart/form-data (decision 015), in this scope only, as the evidence upload.
  await app.register(async (scope) => {
    const uploads = scope.withTypeProvider<ZodTypeProvider>();
    await uploads.register(multipart, {
      limits: { fileSize: services.evidence.capabilities().maxBytes + 1, files: 2, fields: 10, fieldSize: 4_096, parts: 20 },
    });
    uploads.post(
      '/library/match',
      {
        config: { roles: LIBRARY_READERS },
        schema: {
          summary:
            'Match an audio or video clip against the Domain library (issue 13): multipart/form-data with one `file` part, bearer token only (decision 015). Matches scoring at least 0.5, best first, with where in the removed track the clip begins; a hint, never a decision. Nothing is kept: no capture, no fingerprint. 400 at file for no file or one that is not audio; 413 over EVIDENCE_MAX_BYTES; 415 when not multipart; 503 without ffmpeg or fpcalc',
          tags,
          response: { 200: matchAnswerSchema, ...failures(400, 401, 403, 413, 415, 503) },
        },
      },
      async (req) => {
        // A browser sends a session cookie with a cross-site form: a clip is matched with a bearer token only.
        if (req.isMultipart() && req.session) throw new Forbidden('Call the API with a bearer token to match a clip');
        if (!req.isMultipart()) throw new UnsupportedMediaType('Send the clip as multipart/form-data, in one part named file');
        return receiveUpload(req, (file, rest) => services.libraryMatch.matchClip(file, rest));
      },
    );
  });

  app.get(
    '/library',
    {
      config: { roles: LIBRARY_READERS },
      schema: {
        summary: 'Removed musical content kept in the Domain library: search and filters, newest removal first',
        tags,
        querystring: libraryQuerySchema,
        response: { 200: entryListSchema, ...failures(400, 401, 403) },
      },
    },
    async (req) => library.list(actorOf(req), req.query),
  );

  app.get(
    '/library/:entryId',
    {
      config: { roles: LIBRARY_READERS },
      schema: {
        summary: 'A library entry with its captures and history (no subjects: not a consultation)',
        tags,
        params: entryParamsSchema,
        response: { 200: entryDetailSchema, ...failures(401, 403, 404) },
      },
    },
    async (req) => library.get(actorOf(req), req.params.entryId),
  );

  const holds = library.schemas();
  const config = { roles: HOLDERS };
  app.post(
    '/library/:entryId/hold',
    {
      config,
      schema: holdStep(
        'CPIA 1996: keep the entry for an investigation beyond its 12 months (sergeant or inspector); one hold at a time (409 when held)',
        holds.hold,
      ),
    },
    async (req) => library.placeHold(actorOf(req), req.params.entryId, req.body),
  );

  app.post(
    '/library/:entryId/hold/review',
    {
      config,
      schema: holdStep(
        'The hold reviewed and still needed (sergeant or inspector): a new review date and why it is kept; 409 when not held',
        holds.review,
      ),
    },
    async (req) => library.reviewHold(actorOf(req), req.params.entryId, req.body),
  );

  app.post(
    '/library/:entryId/hold/release',
    {
      config,
      schema: holdStep('Release the hold (sergeant or inspector): the entry’s 12 months apply again; 409 when not held', releaseSchema),
    },
    async (req) => library.releaseHold(actorOf(req), req.params.entryId, req.body),
  );
};

export default libraryApi;
