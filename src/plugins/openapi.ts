import swagger from '@fastify/swagger';
import type { FastifySchemaCompiler, FastifySerializerCompiler } from 'fastify';
import fp from 'fastify-plugin';
import { jsonSchemaTransform, serializerCompiler } from 'fastify-type-provider-zod';
import { isDeepStrictEqual } from 'node:util';
import { z, type ZodType } from 'zod';
import { ValidationFailed } from '../errors.js';
import { zodFields } from '../validation.js';
import type { RouteRoles } from './auth.js';

/**
 * Typed routes (issue 11): every API route declares its params, query, body and answers as zod
 * schemas. The same schemas validate the request at the edge, type the handler, serialize the
 * answer, and make the OpenAPI document (GET /api/v1/openapi.json); nothing is written twice.
 */

/** The contract's error shape (DESIGN.md "Public contract"). */
const errorSchema = z.object({
  error: z.string().describe('What went wrong, for a person'),
  fields: z
    .array(z.object({ path: z.string().describe('e.g. subjects[0].ageBand'), message: z.string() }))
    .optional()
    .describe('With 400: each field that is not valid'),
});

/** Deconfliction (SOP 8.1): the open referral that already has this URL (errors.ts DuplicateReferral). */
export const duplicateSchema = errorSchema
  .extend({ existing: z.object({ id: z.string(), reference: z.string() }) })
  .describe('An open referral already has this URL: a requester may send its reference or id as duplicateOf to add their rationale to it');

/** RIPA 2000 (errors.ts RepeatedViewing): the prompt, and the earlier uses on the same referral within the period. */
export const repeatedViewingSchema = errorSchema
  .extend({
    code: z.literal('repeated_viewing').optional(),
    repeatedViewing: z.object({ prompt: z.string(), priorUses: z.number(), days: z.number() }).optional(),
  })
  .describe(
    'Not active, review overdue or not assigned (`error` says which); or `code: repeated_viewing`: send the use again with repeatedViewingAnswer (authorised or not_needed)',
  );

const FAILURES = {
  400: 'The request is not valid: `fields` names each bad field',
  401: 'Not signed in',
  403: 'Signed in, but not allowed (or a one-time password to change first)',
  404: 'No such referral (a malformed id included), or not one the caller may see',
  409: 'Not allowed from the referral’s current state',
  413: 'The file is larger than the configured limit (EVIDENCE_MAX_BYTES): nothing of it was kept',
  416: 'The Range asked for lies beyond the end of the file',
  415: 'The body was not sent as application/json',
  503: 'Not now: a program the request needs is not installed (the message says which), or the retention sweep deleted the same bytes at that moment (`try_again`: send it again)',
} as const;
type Failure = keyof typeof FAILURES;

/** The error answers a route may give, each in the contract's shape, for its `response` schema. */
export const failures = <S extends Failure>(...statuses: S[]) =>
  Object.fromEntries(statuses.map((s) => [s, errorSchema.describe(FAILURES[s])])) as Record<S, typeof errorSchema>;

/**
 * The schema of a step on a record (`POST …/{id}/<step>`): its path and body, answered 200 with
 * `answer` (the record after the step); 409 when its current state does not allow the step.
 */
export const stepSchema = <P extends ZodType, B extends ZodType, A extends ZodType>(
  step: { summary: string; tags: string[]; params: P; body: B },
  answer: A,
) => ({ ...step, response: { 200: answer, ...failures(400, 401, 403, 404, 409, 415) } });

/**
 * Validation at the edge with the route's zod schema. A request with no body reads as `{}` (every
 * body's fields are optional or named in the error, as before). A failure is the contract's 400
 * naming each field (`platformReferrals[0].draft`); the error handler turns a params failure into 404.
 */
const validatorCompiler: FastifySchemaCompiler<ZodType> =
  ({ schema, httpPart }) =>
  (data) => {
    const r = schema.safeParse(httpPart === 'body' ? (data ?? {}) : data);
    return r.success ? { value: r.data } : { error: new ValidationFailed(zodFields(r.error)) };
  };

/**
 * The answer through its schema. In development and test an answer carrying a field its schema
 * does not document is an error, so that the tests find it; in production the schema is the last
 * filter and such a field is dropped, never sent.
 */
const strictSerializerCompiler: FastifySerializerCompiler<ZodType> = (route) => {
  const serialize = serializerCompiler(route);
  return (data) => {
    const json = serialize(data);
    if (!isDeepStrictEqual(JSON.parse(json), JSON.parse(JSON.stringify(data))))
      throw new Error(`The answer of ${route.method} ${route.url} has a field its response schema does not document`);
    return json;
  };
};

const rolesText = (roles: RouteRoles | undefined) => (Array.isArray(roles) ? roles.join(', ') : String(roles));

export default fp(async (app, opts: { version: string; strictAnswers: boolean }) => {
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(opts.strictAnswers ? strictSerializerCompiler : serializerCompiler);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Referral Desk API', version: opts.version },
      servers: [{ url: '/' }],
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          session: { type: 'apiKey', in: 'cookie', name: 'rd_session' },
        },
      },
    },
    // Only the JSON API is documented: pages and the document itself are not part of it.
    transform: (doc) => {
      if (!doc.url.startsWith('/api/v1/') || doc.url === '/api/v1/openapi.json') return { schema: { hide: true }, url: doc.url };
      const roles = doc.route.config?.roles;
      return jsonSchemaTransform({
        ...doc,
        schema: {
          ...doc.schema,
          description: `Roles: ${rolesText(roles)}`,
          security: roles === 'public' ? [] : [{ bearer: [] }, { session: [] }],
        },
      });
    },
  });

  app.get('/api/v1/openapi.json', { config: { roles: 'public' } }, async () => app.swagger());
});
