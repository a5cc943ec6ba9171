import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../plugins/auth.js';
import { failures } from '../../plugins/openapi.js';
import type { Services } from '../../services.js';
import { bundlePdf } from './subject-access.pdf.js';
import { SUBJECT_ACCESS } from './subject-access.policy.js';
import {
  bundleQuerySchema,
  bundleSchema,
  createdSchema,
  requestAnswerSchema,
  requestListSchema,
  requestParamsSchema,
  searchAnswerSchema,
  searchQuerySchema,
} from './subject-access.schemas.js';

const tags = ['subject access'];
const config = { roles: SUBJECT_ACCESS };

/** JSON API for subject access (DPA 2018 s.45, s.54; issue 15 points 3, 8; decision 024): auditors only. */
const subjectAccessApi: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const sar = services.subjectAccess;

  app.get(
    '/subject-access/search',
    {
      config,
      schema: {
        summary: 'Search by name, handle or date of birth across subjects, free text, captures’ names and persona use (audited)',
        tags,
        querystring: searchQuerySchema,
        response: { 200: searchAnswerSchema, ...failures(400, 401, 403) },
      },
    },
    async (req) => sar.search(actorOf(req), req.query),
  );

  app.post(
    '/subject-access/requests',
    {
      config,
      schema: {
        summary: 'Record a request (s.45) with the items picked; due one calendar month after receipt (s.54)',
        tags,
        body: sar.schemas().create,
        response: { 201: createdSchema, ...failures(400, 401, 403, 415) },
      },
    },
    async (req, reply) => reply.status(201).send(await sar.create(actorOf(req), req.body)),
  );

  app.get(
    '/subject-access/requests',
    {
      config,
      schema: {
        summary: 'Open requests, soonest due first, overdue flagged',
        tags,
        response: { 200: requestListSchema, ...failures(401, 403) },
      },
    },
    async (req) => sar.open(actorOf(req)),
  );

  app.get(
    '/subject-access/requests/:id',
    {
      config,
      schema: {
        summary: 'A request with its due date, extension, restriction (s.45(4)) and items',
        tags,
        params: requestParamsSchema,
        response: { 200: requestAnswerSchema.extend({ itemIds: z.array(z.string()) }), ...failures(401, 403, 404) },
      },
    },
    async (req) => sar.get(actorOf(req), req.params.id),
  );

  app.post(
    '/subject-access/requests/:id/extension',
    {
      config,
      schema: {
        summary: 's.54: extend by one or two months, with the reason; once; 409 when extended or completed',
        tags,
        params: requestParamsSchema,
        body: sar.schemas().extension,
        response: { 200: requestAnswerSchema, ...failures(400, 401, 403, 404, 409, 415) },
      },
    },
    async (req) => sar.extend(actorOf(req), req.params.id, req.body),
  );

  app.post(
    '/subject-access/requests/:id/completion',
    {
      config,
      schema: {
        summary: 'The request answered; 409 when already completed',
        tags,
        params: requestParamsSchema,
        response: { 200: requestAnswerSchema, ...failures(401, 403, 404, 409, 415) },
      },
    },
    async (req) => sar.complete(actorOf(req), req.params.id),
  );

  app.get(
    '/subject-access/requests/:id/bundle',
    {
      config,
      schema: {
        summary: 'The answer: s.45(2) information and the data, third parties redacted; `?format=pdf` as a PDF. An audited disclosure',
        tags,
        params: requestParamsSchema,
        querystring: bundleQuerySchema,
        response: { 200: bundleSchema, ...failures(400, 401, 403, 404) },
      },
    },
    async (req, reply) => {
      const bundle = await sar.bundle(actorOf(req), req.params.id, req.query.format);
      if (req.query.format === 'json') return bundle;
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename="subject-access-${bundle.request.id}.pdf"`)
        .send((await bundlePdf(bundle)) as never); // a Buffer is sent as it is, never through the JSON schema
    },
  );
};

export default subjectAccessApi;
