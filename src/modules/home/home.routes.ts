import type { FastifyPluginAsync } from 'fastify';

/** The start page: what each of the actor's roles can do from here. */
const homeRoutes: FastifyPluginAsync = async (app) => {
  app.get<{ Querystring: { passwordChanged?: string } }>('/', { config: { roles: 'signed_in' } }, async (req, reply) =>
    reply.page('modules/home/views/home.njk', { passwordChanged: req.query.passwordChanged === '1' }),
  );
};

export default homeRoutes;
