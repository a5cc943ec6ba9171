import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { ETHNIC_GROUP_LABELS } from '../../domain/ethnicity.js';
import { CONTENT_TYPE_LABELS } from './reports.labels.js';
import { actorOf } from '../../plugins/auth.js';
import type { Services } from '../../services.js';
import { checkForm, field, pageErrors, renderForm } from '../../views/forms.js';
import { equalityChartSvg } from './reports.chart.js';
import { REPORT_ROLES } from './reports.policy.js';
import { periodQuery, yearQuery } from './reports.schemas.js';

const view = (name: string) => `modules/reports/views/${name}.njk`;
const config = { roles: REPORT_ROLES };

/** The query string as the API reads it, "" as not given; the CSV link repeats it. */
const periodInput = (query: unknown) => ({ from: field(query, 'from') || undefined, to: field(query, 'to') || undefined });
const csvHref = (path: string, q: Record<string, string | number | undefined>) =>
  `/api/v1/reports/${path}?${new URLSearchParams({
    ...Object.fromEntries(
      Object.entries(q)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, String(v)]),
    ),
    format: 'csv',
  })}`;

/**
 * The reports' pages (issue 15 points 4, 5, 7), inspectors and auditors: a period form (GET), the
 * figures in tables, the equality chart as inline SVG, and a link to the same figures as CSV. The
 * same service as the API; each page is a report in the audit log.
 */
const reportsPages: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  const reports = services.reports;
  const labels = { group: ETHNIC_GROUP_LABELS, contentType: CONTENT_TYPE_LABELS };

  app.get('/reports', { config }, async (_req, reply) => reply.page(view('index'), { pageTitle: 'Reports' }));

  /** A bad period shows the form with its errors (400) and no figures. */
  const periodPage = async (
    reply: FastifyReply,
    name: 'children' | 'equality',
    query: unknown,
    figures: (q: { from?: string; to?: string; format: 'json' }) => Promise<Record<string, unknown>>,
  ) => {
    const input = periodInput(query);
    const r = checkForm(periodQuery, input);
    if (!r.data) return renderForm(reply, view(name), { values: input, labels }, pageErrors(r.errors ?? []));
    return reply.page(view(name), { values: input, labels, ...(await figures({ ...r.data, format: 'json' })), csv: csvHref(name, input) });
  };

  app.get('/reports/children', { config }, async (req, reply) =>
    periodPage(reply, 'children', req.query, async (q) => ({ report: await reports.children(actorOf(req), q) })),
  );

  app.get('/reports/equality', { config }, async (req, reply) =>
    periodPage(reply, 'equality', req.query, async (q) => {
      const report = await reports.equality(actorOf(req), q);
      const title = `Subjects from ${report.from} to ${report.to}: each group’s rate as times the White rate, with 95 % intervals`;
      return { report, chart: await equalityChartSvg(report.groups, title), population: reports.population };
    }),
  );

  app.get('/reports/transparency', { config }, async (req, reply) => {
    const input = { year: field(req.query, 'year') || undefined };
    const r = checkForm(yearQuery, input);
    if (!r.data) return renderForm(reply, view('transparency'), { values: input, labels }, pageErrors(r.errors ?? []));
    const report = await reports.transparency(actorOf(req), { ...r.data, format: 'json' });
    return reply.page(view('transparency'), {
      values: { year: String(report.year) },
      labels,
      report,
      // The platforms by the names the directory gives them (a platform no longer listed by its key).
      platformNames: Object.fromEntries((await services.platforms.list()).map((p) => [p.key, p.name])),
      csv: csvHref('transparency', { year: report.year }),
    });
  });
};

export default reportsPages;
