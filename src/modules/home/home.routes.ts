import type { FastifyPluginAsync } from 'fastify';
import { actorOf } from '../../plugins/auth.js';
import type { Services } from '../../services.js';
import { STATUS_TAG } from '../referrals/referrals.presenter.js';
import { SLA_DAYS } from '../../domain/queue-rules.js';
import { RETURNED_SHOWN } from './home.service.js';

/** The start page: what needs this person, with counts, and where each of their roles works. */
const homeRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  app.get<{ Querystring: { passwordChanged?: string } }>('/', { config: { roles: 'signed_in' } }, async (req, reply) => {
    const needs = await services.home.needs(actorOf(req));
    return reply.page('modules/home/views/home.njk', {
      passwordChanged: req.query.passwordChanged === '1',
      needs,
      returnedShown: RETURNED_SHOWN,
      slaDays: SLA_DAYS,
      statusTag: STATUS_TAG,
      // Each role's own pages, offered to whoever those pages let in.
      mayOpen: { users: req.mayOpen('/admin/users'), platforms: req.mayOpen('/admin/platforms'), audit: req.mayOpen('/audit') },
    });
  });
};

export default homeRoutes;
