import { sql } from 'drizzle-orm';
import type { FastifyPluginAsync } from 'fastify';
import type { Db } from '../db/client.js';
import { loggableError } from './error-handler.js';

/** GET /health: 200 when the database answers, 503 when it cannot. */
const health: FastifyPluginAsync<{ db: Db }> = async (app, { db }) => {
  app.get('/health', { config: { roles: 'public' } }, async (req, reply) => {
    try {
      await db.execute(sql`select 1`);
      return { status: 'ok', database: 'ok' };
    } catch (err) {
      req.log.warn({ error: loggableError(err) }, 'health check: database did not answer');
      return reply.status(503).send({ status: 'unavailable', database: 'unavailable' });
    }
  });
};
export default health;
