import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { actorOf } from '../../plugins/auth.js';
import { failures } from '../../plugins/openapi.js';
import type { Services } from '../../services.js';
import { HIDDEN_FROM } from '../personas/personas.policy.js';
import { OVERSIGHT_READERS } from './persona-oversight.policy.js';
import { oversightSchema } from './persona-oversight.schemas.js';

const tags = ['personas'];

/**
 * The persona register's oversight figures (issue 14 point 6), JSON and CSV; to requesters and
 * admins they do not exist (point 8: `hiddenFrom`, as on every persona route).
 */
const personaOversightApi: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const oversight = services.personaOversight;

  app.get(
    '/personas/oversight',
    {
      config: { roles: OVERSIGHT_READERS, hiddenFrom: HIDDEN_FROM },
      schema: {
        summary:
          'Oversight figures (authorising officers, auditors): authorisations by year, personas by platform and status, uses by month, overdue reviews; a report in the audit log',
        tags,
        response: { 200: oversightSchema, ...failures(401, 403, 404) },
      },
    },
    async (req) => oversight.figures(actorOf(req)),
  );

  app.get(
    '/personas/oversight.csv',
    {
      config: { roles: OVERSIGHT_READERS, hiddenFrom: HIDDEN_FROM },
      schema: {
        summary: 'The oversight figures as CSV (RFC 4180; figure, group, measure, value; counts only); a report in the audit log',
        tags,
        response: failures(401, 403, 404),
      },
    },
    async (req, reply: FastifyReply) => {
      const csv = await oversight.csv(actorOf(req));
      return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="persona-oversight.csv"').send(csv);
    },
  );
};

export default personaOversightApi;
