import type { FastifyPluginAsync } from 'fastify';
import type { Services } from '../../services.js';
import { checkForm, renderForm } from '../../views/forms.js';
import { pageRange, pagination } from '../../views/pagination.js';
import { AUDIT_READERS } from './audit.policy.js';
import { AUDIT_PAGE_SIZE, auditQuerySchema, auditQueryString, toAuditFilter } from './audit.schemas.js';
import { AUDIT_OPERATIONS } from '../../domain/vocabulary.js';

const AUDITOR = { roles: AUDIT_READERS };
const VIEWS = 'modules/audit/views';

const operationItems = (selected?: string) => [
  { value: '', text: 'Any operation' },
  ...AUDIT_OPERATIONS.map((op) => ({
    value: op,
    text: op.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase()),
    selected: op === selected,
  })),
];

/** The audit log (DPA 2018 s.62) and the check of its hash chain (DESIGN.md principle 3). */
const auditRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  app.get('/audit', { config: AUDITOR }, async (req, reply) => {
    const raw = (req.query ?? {}) as Record<string, string | undefined>;
    const parsed = checkForm(auditQuerySchema, raw);
    if (parsed.errors)
      return renderForm(reply, `${VIEWS}/list.njk`, { values: raw, operationItems: operationItems(raw.operation) }, parsed.errors);
    const q = parsed.data;
    const [{ items, total }, lastCheck] = await Promise.all([
      services.audit.list(toAuditFilter(q), q.page, AUDIT_PAGE_SIZE),
      services.audit.lastCheck(),
    ]);
    return reply.page(`${VIEWS}/list.njk`, {
      values: q,
      lastCheck,
      operationItems: operationItems(q.operation),
      entries: items,
      range: pageRange(q.page, AUDIT_PAGE_SIZE, total),
      pagination: pagination(q.page, AUDIT_PAGE_SIZE, total, (n) => `/audit?${auditQueryString(q, n)}`),
      filtered: auditQueryString(q) !== '',
    });
  });

  // A POST, not a GET: it reads the whole log, so it is an action the auditor takes on purpose.
  app.post('/audit/verify', { config: AUDITOR }, async (_req, reply) =>
    reply.page(`${VIEWS}/verify.njk`, { result: await services.audit.verify() }),
  );
};

export default auditRoutes;
