import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ResponseSerializationError } from 'fastify-type-provider-zod';
import { ZodError } from 'zod';
import { AppError, DuplicateReferral, NotFound, RepeatedViewing, ValidationFailed } from '../errors.js';
import { UNSTORABLE_MESSAGE } from '../schemas/text.js';
import { fieldPath, zodFields } from '../validation.js';
import { isApi } from './auth.js';

/** A PostgreSQL error, bare or as the `cause` drizzle wraps it in: its SQLSTATE and where it happened. */
type DatabaseError = { code: string; table?: string; column?: string; constraint?: string; routine?: string };

function databaseErrorOf(err: unknown, depth = 0): DatabaseError | null {
  if (!err || typeof err !== 'object' || depth > 5) return null;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return err as DatabaseError;
  return databaseErrorOf((err as { cause?: unknown }).cause, depth + 1);
}

/** `insert into "subjects"`: what kind of statement on which table, never its text or parameters. */
function statementOf(err: unknown): string | undefined {
  const query = (err as { query?: unknown }).query;
  if (typeof query !== 'string') return undefined;
  const verb = /^\s*(\w+)/.exec(query)?.[1]?.toLowerCase();
  const table = /\b(?:from|into|update)\s+("?[\w.]+"?)/i.exec(query)?.[1];
  return [verb, table].filter(Boolean).join(' ') || undefined;
}

/**
 * What a 5xx logs. Drizzle puts the SQL and every parameter in its message (names, dates of birth),
 * and PostgreSQL's own message and detail quote values (`Key (username)=(…)`): a database error is
 * logged by its code, statement kind and schema names only (issue 10). Anything else by its type,
 * message and stack, with no cause chain that could carry one of those.
 */
export function loggableError(err: unknown): Record<string, unknown> {
  const db = databaseErrorOf(err);
  if (db)
    return {
      type: (err as Error)?.constructor?.name ?? 'Error',
      code: db.code,
      statement: statementOf(err),
      table: db.table,
      column: db.column,
      constraint: db.constraint,
      routine: db.routine,
    };
  // An answer that does not match its schema: which fields, never their values.
  if (err instanceof ResponseSerializationError)
    return {
      type: err.constructor.name,
      message: err.message,
      route: `${err.method} ${err.url}`,
      fields: err.cause.issues.map((i) => ({ path: fieldPath(i.path), message: i.message })),
    };
  if (err instanceof Error) return { type: err.constructor.name, message: err.message, stack: err.stack?.split('\ncaused by')[0] };
  return { type: typeof err };
}

// 22021: a byte sequence not valid in the encoding (a NUL); 22P05: a character with no equivalent.
// The text schema refuses these first; this is the last line of defence if a field escaped it.
const UNSTORABLE_CODES = new Set(['22021', '22P05']);

/**
 * One place maps errors to answers: JSON `{ error, fields }` for the API (DESIGN.md "Public
 * contract"), a GOV.UK error page for people. 5xx details are logged, never shown.
 */
export default fp(async (app) => {
  app.setErrorHandler(async (err: FastifyError | AppError | ZodError, req: FastifyRequest, reply: FastifyReply) => {
    let status = 500;
    let body: Record<string, unknown> = { error: 'Something went wrong' };
    if (err instanceof ZodError) err = new ValidationFailed(zodFields(err));
    // A path parameter that cannot be an id (validated at the edge, before any query) names
    // nothing that exists: the contract's 404, with the schema's message (e.g. "No such referral").
    if (err instanceof ValidationFailed && (err as { validationContext?: string }).validationContext === 'params')
      err = new NotFound(err.fields[0]?.message);
    if (UNSTORABLE_CODES.has(databaseErrorOf(err)?.code ?? '')) err = new ValidationFailed([], UNSTORABLE_MESSAGE);
    if (err instanceof AppError) {
      status = err.statusCode;
      body = { error: err.message };
      if (err instanceof ValidationFailed) body.fields = err.fields;
      if (err instanceof DuplicateReferral) body.existing = err.existing;
      if (err instanceof RepeatedViewing) Object.assign(body, { code: err.code, repeatedViewing: err.repeatedViewing });
    } else if ('statusCode' in err && typeof err.statusCode === 'number' && err.statusCode < 500) {
      status = err.statusCode;
      body = { error: err.message };
    }
    if (status >= 500) req.log.error({ error: loggableError(err) }, 'unhandled error');
    reply.status(status);
    if (isApi(req) || req.headers.accept?.includes('application/json')) return reply.send(body);
    return reply.page('views/error.njk', { status, message: body.error });
  });

  app.setNotFoundHandler({ preHandler: async () => {} }, async (req, reply) => {
    reply.status(404);
    if (isApi(req)) return reply.send({ error: 'Not found' });
    return reply.page('views/error.njk', { status: 404, message: 'Page not found' });
  });
});
