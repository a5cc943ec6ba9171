import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { failures } from '../../plugins/openapi.js';
import type { Services } from '../../services.js';
import { DIRECTORY_READERS } from './platforms.policy.js';
import { platformListSchema } from './platforms.schemas.js';

/** GET /api/v1/platforms: the directory, for anyone signed in (requesters choose from it). */
const platformsRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  app.get(
    '/platforms',
    {
      config: { roles: DIRECTORY_READERS },
      schema: { summary: 'The platform directory', tags: ['platforms'], response: { 200: platformListSchema, ...failures(401, 403) } },
    },
    async () => (await services.platforms.list()).map(({ key, name, channel, clauses }) => ({ key, name, channel, clauses })),
  );
};

export default platformsRoutes;
