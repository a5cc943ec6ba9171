import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ZodError } from 'zod';
import { AppError, DuplicateReferral, ValidationFailed } from '../errors.js';
import { zodFields } from '../validation.js';
import { isApi } from './auth.js';

/**
 * One place maps errors to answers: JSON `{ error, fields }` for the API (DESIGN.md "Public
 * contract"), a GOV.UK error page for people. 5xx details are logged, never shown.
 */
export default fp(async (app) => {
  app.setErrorHandler(async (err: FastifyError | AppError | ZodError, req: FastifyRequest, reply: FastifyReply) => {
    let status = 500;
    let body: Record<string, unknown> = { error: 'Something went wrong' };
    if (err instanceof ZodError) err = new ValidationFailed(zodFields(err));
    if (err instanceof AppError) {
      status = err.statusCode;
      body = { error: err.message };
      if (err instanceof ValidationFailed) body.fields = err.fields;
      if (err instanceof DuplicateReferral) body.existing = err.existing;
    } else if ('statusCode' in err && typeof err.statusCode === 'number' && err.statusCode < 500) {
      status = err.statusCode;
      body = { error: err.message };
    }
    if (status >= 500) req.log.error({ err }, 'unhandled error');
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
