import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { Actor } from '../../domain/actor.js';
import { hasAnyRole } from '../../domain/actor.js';
import { UNIT } from '../../domain/roles.js';
import { PERSONA_STATUSES } from '../../domain/vocabulary.js';
import { actorOf } from '../../plugins/auth.js';
import type { Services } from '../../services.js';
import {
  attempt,
  checkForm,
  dateParts,
  field,
  govukDate,
  pageErrors,
  renderForm,
  type DateParts,
  type PageError,
} from '../../views/forms.js';
import { pageRange, pagination } from '../../views/pagination.js';
import { personaRoute, REGISTER_READERS, REQUESTERS_OF_PERSONAS } from './personas.policy.js';
import { personaQuerySchema } from './personas.schemas.js';

const view = (name: string) => `modules/personas/views/${name}.njk`;
/** Rows per page of the register and of a use log. */
const PAGE_SIZE = 25;

/** The request form's fields as typed; never its secrets (issue 14 point 3: a secret is not sent back to the browser). */
type RequestForm = {
  website: string;
  yearJoined: string;
  userName: string;
  emailAddress: string;
  dateOfBirthUsed: DateParts;
  phoneNumber: string;
  justification: string;
};
const REQUEST_ORDER = {
  order: [
    'website',
    'yearJoined',
    'userName',
    'emailAddress',
    'password',
    'dateOfBirthUsed',
    'phoneNumber',
    'justification',
    'recoveryCodes',
    'notes',
  ],
  dates: ['dateOfBirthUsed'],
};

/**
 * The persona register's pages (FOI 003; issue 14 points 1, 2, 4, 8): the register with its
 * filters, the request form and a persona's use log. The same service as the API; to requesters
 * and admins every page is an unknown path (404) and the header offers no link.
 */
const personasPages: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  const personas = services.personas;

  app.get('/personas', { config: personaRoute(REGISTER_READERS) }, async (req, reply) => {
    const actor = actorOf(req);
    const raw = req.query as Record<string, unknown>;
    const values = { status: field(raw, 'status'), website: field(raw, 'website'), reviewOverdue: field(raw, 'reviewOverdue') === 'true' };
    const parsed = checkForm(personaQuerySchema, {
      status: values.status,
      website: values.website,
      reviewOverdue: values.reviewOverdue ? 'true' : undefined,
      page: field(raw, 'page') || '1',
      pageSize: String(PAGE_SIZE),
    });
    const query = parsed.data ?? { page: 1, pageSize: PAGE_SIZE, status: undefined, website: undefined, reviewOverdue: undefined };
    const result = await personas.list(actor, query);
    const search = new URLSearchParams();
    if (values.status) search.set('status', values.status);
    if (values.website) search.set('website', values.website);
    if (values.reviewOverdue) search.set('reviewOverdue', 'true');
    const href = (n: number) => `/personas?${new URLSearchParams([...search, ['page', String(n)]]).toString()}`;
    return renderForm(
      reply,
      view('personas'),
      {
        pageTitle: 'Persona register',
        values,
        statusItems: [
          { value: '', text: 'Any status' },
          ...PERSONA_STATUSES.map((s) => ({ value: s, text: s[0]!.toUpperCase() + s.slice(1), selected: s === values.status })),
        ],
        mayRequest: hasAnyRole(actor, REQUESTERS_OF_PERSONAS),
        result,
        range: pageRange(result.page, result.pageSize, result.total),
        pagination: pagination(result.page, result.pageSize, result.total, href),
      },
      parsed.errors ?? [],
    );
  });

  const blankRequest: RequestForm = {
    website: '',
    yearJoined: '',
    userName: '',
    emailAddress: '',
    dateOfBirthUsed: { day: '', month: '', year: '' },
    phoneNumber: '',
    justification: '',
  };
  const requestPage = (reply: FastifyReply, values: RequestForm, errs: PageError[] = [], secretsTyped = false) =>
    renderForm(reply, view('new'), { pageTitle: 'Request a persona', values, secretsTyped, backLink: '/personas' }, errs);

  app.get('/personas/new', { config: personaRoute(REQUESTERS_OF_PERSONAS) }, async (_req, reply) => requestPage(reply, blankRequest));

  app.post('/personas', { config: personaRoute(REQUESTERS_OF_PERSONAS) }, async (req, reply) => {
    const actor: Actor = actorOf(req);
    const b = req.body;
    const values: RequestForm = {
      website: field(b, 'website'),
      yearJoined: field(b, 'yearJoined'),
      userName: field(b, 'userName'),
      emailAddress: field(b, 'emailAddress'),
      dateOfBirthUsed: dateParts(b, 'dateOfBirthUsed'),
      phoneNumber: field(b, 'phoneNumber'),
      justification: field(b, 'justification'),
    };
    const secrets = { password: field(b, 'password'), recoveryCodes: field(b, 'recoveryCodes'), notes: field(b, 'notes') };
    const year = values.yearJoined.trim();
    const date = govukDate('dateOfBirthUsed', values.dateOfBirthUsed, 'The date of birth used');
    const parsed = checkForm(personas.schemas().request, {
      ...values,
      ...secrets,
      yearJoined: /^\d{1,4}$/.test(year) ? Number(year) : year,
      dateOfBirthUsed: date.value,
    });
    const errs = [
      ...(date.error ? [date.error] : []),
      ...(parsed.errors ?? []).filter((e) => !(date.error && e.path === 'dateOfBirthUsed')),
    ];
    const typed = Object.values(secrets).some((s) => s !== '');
    if (errs.length || !parsed.data) return requestPage(reply, values, pageErrors(errs, REQUEST_ORDER), typed);
    const done = await attempt(() => personas.request(actor, parsed.data));
    if (done.errors) return requestPage(reply, values, pageErrors(done.errors, REQUEST_ORDER), typed);
    return reply.redirect(`/personas/${done.data.id}?done=requested`);
  });

  /** A page number from the query (1 when absent or not a number). */
  const pageOf = (query: unknown) => Math.max(1, Number.parseInt(field(query, 'page'), 10) || 1);
  /** A use log's table: the referral's reference links to it for those who read referrals (the unit); others see the reference. */
  const useLog = (reply: FastifyReply, actor: Actor, result: Awaited<ReturnType<typeof personas.uses>>, context: Record<string, unknown>) =>
    reply.page(view('uses'), {
      ...context,
      result,
      mayOpenReferrals: hasAnyRole(actor, UNIT),
      range: pageRange(result.page, result.pageSize, result.total),
    });

  // FOI 003: the use log per user: the caller's own uses through every persona.
  app.get('/personas/uses', { config: personaRoute(REGISTER_READERS) }, async (req, reply) => {
    const actor = actorOf(req);
    const result = await personas.usesBy(actor, 'me', { page: pageOf(req.query), pageSize: PAGE_SIZE });
    return useLog(reply, actor, result, {
      pageTitle: 'Your uses of personas',
      mine: true,
      pagination: pagination(result.page, result.pageSize, result.total, (n) => `/personas/uses?page=${n}`),
      backLink: '/personas',
    });
  });

  // FOI 003: the use log per persona.
  app.get<{ Params: { id: string } }>('/personas/:id/uses', { config: personaRoute(REGISTER_READERS) }, async (req, reply) => {
    const actor = actorOf(req);
    const id = req.params.id;
    const persona = await personas.get(actor, id);
    const result = await personas.uses(actor, id, { page: pageOf(req.query), pageSize: PAGE_SIZE });
    return useLog(reply, actor, result, {
      pageTitle: `Use log of ${persona.userName} on ${persona.website}`,
      persona,
      pagination: pagination(result.page, result.pageSize, result.total, (n) => `/personas/${id}/uses?page=${n}`),
      backLink: `/personas/${id}`,
    });
  });
};

export default personasPages;
