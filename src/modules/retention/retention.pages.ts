import type { FastifyPluginAsync } from 'fastify';
import { actorOf } from '../../plugins/auth.js';
import type { Services } from '../../services.js';
import { checkForm, field } from '../../views/forms.js';
import { pageRange, pagination } from '../../views/pagination.js';
import referralHoldPages from './referral-holds.pages.js';
import { mayReadCertificates, UPCOMING_READERS } from './retention.policy.js';
import { certificatesQuerySchema, UPCOMING_DAYS } from './retention.schemas.js';

/** Certificates per page on the retention page. */
const PAGE_SIZE = 25;

/**
 * The retention page (SOP 2.2, 10.8; issue 13): what expires in the next 30 days, what is held and
 * why, the holds due for review, and for an auditor the deletion certificates, paged. The same
 * service as the API.
 */
const retentionPages: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  const retention = services.retention;
  // A closed referral's hold page (issue 15 point 1), in a file of its own.
  await app.register(referralHoldPages, { services });

  app.get('/retention', { config: { roles: UPCOMING_READERS } }, async (req, reply) => {
    const actor = actorOf(req);
    const upcoming = await retention.upcoming(actor, UPCOMING_DAYS);
    let certificates;
    if (mayReadCertificates(actor)) {
      // A page number that is not one shows the first page.
      const page =
        checkForm(certificatesQuerySchema, { page: field(req.query, 'page') || '1', pageSize: String(PAGE_SIZE) }).data?.page ?? 1;
      const result = await retention.certificates(actor, { page, pageSize: PAGE_SIZE });
      certificates = {
        result,
        range: pageRange(result.page, result.pageSize, result.total),
        pagination: pagination(result.page, result.pageSize, result.total, (n) => `/retention?page=${n}#certificates`),
      };
    }
    return reply.page('modules/retention/views/retention.njk', {
      pageTitle: 'Retention',
      upcoming,
      certificates,
      // The library's entries link to their page for those the library lets in.
      mayOpenLibrary: req.mayOpen('/library'),
      // A referral links to its hold page for those who may hold it (sergeants, inspectors).
      mayOpenReferralHold: req.mayOpen('/referrals/:id/hold'),
    });
  });
};

export default retentionPages;
