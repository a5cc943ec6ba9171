import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { actorOf } from '../../plugins/auth.js';
import { failures, repeatedViewingSchema } from '../../plugins/openapi.js';
import type { Services } from '../../services.js';
import {
  ASSIGNERS,
  AUTHORISERS,
  personaRoute as roles,
  REGISTER_READERS,
  REQUESTERS_OF_PERSONAS,
  REVEALERS,
  WITHDRAWERS,
} from './personas.policy.js';
import {
  assigneeSchema,
  authorisationSchema,
  personaDetailSchema,
  personaListSchema,
  personaParamsSchema,
  personaQuerySchema,
  personaUsesQuerySchema,
  revealAnswerSchema,
  revealSchema,
  reviewSchema,
  useAnswerSchema,
  useListSchema,
  usesQuerySchema,
  useSchema,
  withdrawalSchema,
} from './personas.schemas.js';

const tags = ['personas'];

/** JSON API for the false-persona register (FOI 003; DESIGN.md "Persona register"; issue 14; decision 019). */
const personasApi: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const personas = services.personas;

  app.get(
    '/personas',
    {
      config: roles(REGISTER_READERS),
      schema: {
        summary: 'The persona register, newest request first; an operative sees only the personas assigned to them. Never a secret',
        tags,
        querystring: personaQuerySchema,
        response: { 200: personaListSchema, ...failures(400, 401, 403, 404) },
      },
    },
    async (req) => personas.list(actorOf(req), req.query),
  );

  app.post(
    '/personas',
    {
      config: roles(REQUESTERS_OF_PERSONAS),
      schema: {
        summary:
          'Ask for a false persona (operative or sergeant): its secrets are sealed at once; the caller is its creator and assigned to it',
        tags,
        body: personas.schemas().request,
        response: { 201: personaDetailSchema, ...failures(400, 401, 403, 404, 415) },
      },
    },
    async (req, reply) => reply.status(201).send(await personas.request(actorOf(req), req.body)),
  );

  // Static before the id: a user's uses through every persona.
  app.get(
    '/personas/uses',
    {
      config: roles(REGISTER_READERS),
      schema: {
        summary: 'One user’s uses through every persona, newest first (user=me by default); an operative sees only their own',
        tags,
        querystring: usesQuerySchema,
        response: { 200: useListSchema, ...failures(400, 401, 403, 404) },
      },
    },
    async (req) => personas.usesBy(actorOf(req), req.query.user, req.query),
  );

  app.get(
    '/personas/:id',
    {
      config: roles(REGISTER_READERS),
      schema: {
        summary:
          'A persona with its justification, assignees, status history and reviews; the kinds of secret it holds, never their values',
        tags,
        params: personaParamsSchema,
        response: { 200: personaDetailSchema, ...failures(401, 403, 404) },
      },
    },
    async (req) => personas.get(actorOf(req), req.params.id),
  );

  app.post(
    '/personas/:id/authorisation',
    {
      config: roles(AUTHORISERS),
      schema: {
        summary: 'Authorise (→ active, its first review date set) or refuse a requested persona; 403 for its creator; 409 unless requested',
        tags,
        params: personaParamsSchema,
        body: authorisationSchema,
        response: { 200: personaDetailSchema, ...failures(400, 401, 403, 404, 409, 415) },
      },
    },
    async (req) => personas.decide(actorOf(req), req.params.id, req.body),
  );

  app.post(
    '/personas/:id/withdrawal',
    {
      config: roles(WITHDRAWERS),
      schema: {
        summary:
          'Withdraw a requested persona no longer needed (its creator, or an authorising officer) → retired, the reason in its status history; 403 for anyone else; 409 unless requested',
        tags,
        params: personaParamsSchema,
        body: withdrawalSchema,
        response: { 200: personaDetailSchema, ...failures(400, 401, 403, 404, 409, 415) },
      },
    },
    async (req) => personas.withdraw(actorOf(req), req.params.id, req.body),
  );

  app.post(
    '/personas/:id/reveal',
    {
      config: roles(REVEALERS),
      schema: {
        summary:
          'One secret (default the password), to an assigned case worker or an authorising officer who re-enters their own password, with a purpose: an audited consultation. 403 for a wrong password (counted as a failed sign-in); 409 unless active or suspended',
        tags,
        params: personaParamsSchema,
        body: revealSchema,
        response: { 200: revealAnswerSchema, ...failures(400, 401, 403, 404, 409, 415, 503) },
      },
    },
    async (req) => personas.reveal(actorOf(req), req.params.id, req.body),
  );

  app.get(
    '/personas/:id/uses',
    {
      config: roles(REGISTER_READERS),
      schema: {
        summary: 'The persona’s use log (FOI 003: time, date, user, policing purpose), newest first',
        tags,
        params: personaParamsSchema,
        querystring: personaUsesQuerySchema,
        response: { 200: useListSchema, ...failures(400, 401, 403, 404) },
      },
    },
    async (req) => personas.uses(actorOf(req), req.params.id, req.query),
  );

  app.post(
    '/personas/:id/uses',
    {
      config: roles(REQUESTERS_OF_PERSONAS),
      schema: {
        summary:
          'Record a use before using the persona (append-only); 409 unless active, its review not overdue and assigned to the caller, or repeated_viewing (RIPA 2000) until answered',
        tags,
        params: personaParamsSchema,
        body: useSchema,
        response: { 201: useAnswerSchema, ...failures(400, 401, 403, 404, 415), 409: repeatedViewingSchema },
      },
    },
    async (req, reply) => reply.status(201).send(await personas.recordUse(actorOf(req), req.params.id, req.body)),
  );

  app.post(
    '/personas/:id/reviews',
    {
      config: roles(AUTHORISERS),
      schema: {
        summary:
          'The periodic review of necessity and proportionality (authorising officer, never the creator): continue (reinstates a suspended persona), suspend or retire; the next review date',
        tags,
        params: personaParamsSchema,
        body: reviewSchema,
        response: { 200: personaDetailSchema, ...failures(400, 401, 403, 404, 409, 415) },
      },
    },
    async (req) => personas.review(actorOf(req), req.params.id, req.body),
  );

  app.post(
    '/personas/:id/assignees',
    {
      config: roles(ASSIGNERS),
      schema: {
        summary:
          'Assign the persona to an operative or sergeant (sergeant or authorising officer; an addition to the contract); 409 if already assigned, refused or retired',
        tags,
        params: personaParamsSchema,
        body: assigneeSchema,
        response: { 200: personaDetailSchema, ...failures(400, 401, 403, 404, 409, 415) },
      },
    },
    async (req) => personas.assign(actorOf(req), req.params.id, req.body.userId),
  );
};

export default personasApi;
