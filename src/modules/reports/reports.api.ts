import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { actorOf } from '../../plugins/auth.js';
import { failures } from '../../plugins/openapi.js';
import type { Services } from '../../services.js';
import { REPORT_ROLES } from './reports.policy.js';
import { childrenSchema, equalitySchema, periodQuery, transparencySchema, yearQuery } from './reports.schemas.js';

const tags = ['reports'];
const config = { roles: REPORT_ROLES };

/** A CSV answer, downloaded as a file. */
const sendCsv = (reply: FastifyReply, name: string, csv: string) =>
  reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}.csv"`).send(csv);

/**
 * The reports (issue 15 points 4, 5, 7), inspectors and auditors (point 8); `?format=csv` gives the same
 * figures as CSV. Every generation and export is a report in the audit log.
 */
const reportsApi: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const reports = services.reports;

  app.get(
    '/reports/children',
    {
      config,
      schema: {
        summary: 'Subjects recorded per quarter by age band (DESIGN.md principle 2), whole quarters; `?format=csv` as CSV',
        tags,
        querystring: periodQuery,
        response: { 200: childrenSchema, ...failures(400, 401, 403) },
      },
    },
    async (req, reply) =>
      req.query.format === 'csv'
        ? sendCsv(reply, 'children', await reports.childrenCsv(actorOf(req), req.query))
        : reports.children(actorOf(req), req.query),
  );

  app.get(
    '/reports/equality',
    {
      config,
      schema: {
        summary:
          'Equality monitoring (Equality Act 2010 s.149): subjects per ethnic group, rate per 1,000 residents, ratio to White with 95 % interval, by outcome; counts below 5 suppressed; `?format=csv` as CSV',
        tags,
        querystring: periodQuery,
        response: { 200: equalitySchema, ...failures(400, 401, 403) },
      },
    },
    async (req, reply) =>
      req.query.format === 'csv'
        ? sendCsv(reply, 'equality', await reports.equalityCsv(actorOf(req), req.query))
        : reports.equality(actorOf(req), req.query),
  );

  app.get(
    '/reports/transparency',
    {
      config,
      schema: {
        summary:
          'Transparency report for a year (DSA Art 22(3) shape): notices by platform, SOP 4.1.6 type and platform action, median days to decision, appeals and overturns, children’s share, equality; small counts suppressed; `?format=csv` as CSV',
        tags,
        querystring: yearQuery,
        response: { 200: transparencySchema, ...failures(400, 401, 403) },
      },
    },
    async (req, reply) =>
      req.query.format === 'csv'
        ? sendCsv(reply, 'transparency', await reports.transparencyCsv(actorOf(req), req.query))
        : reports.transparency(actorOf(req), req.query),
  );
};

export default reportsApi;
