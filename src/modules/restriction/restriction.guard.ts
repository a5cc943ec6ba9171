import fp from 'fastify-plugin';
import { NotFound } from '../../errors.js';
import { isApi } from '../../plugins/auth.js';
import type { RestrictionService } from './restriction.service.js';

/** Routes under one referral (pages and API) and under one library entry, by their declared URL. */
const UNDER_REFERRAL = /(^|\/)referrals\/:id(\/|$)/;
const UNDER_ENTRY = /(^|\/)library\/:entryId(\/|$)/;

/**
 * DPA 2018 s.47 (issue 15 point 2; decision 023): the one place a restricted referral is hidden
 * from the routes. Every route whose URL names a referral (`…/referrals/:id…`) or a library entry
 * (`/library/:entryId…`) passes here after its roles are checked and before its input is read; to
 * anyone but an auditor a restricted referral's routes answer the unknown path's 404, word for
 * word, so no route can forget the check and none tells that the referral exists.
 */
export default fp(async (app, { restriction }: { restriction: RestrictionService }) => {
  app.addHook('preValidation', async (req) => {
    if (req.is404) return;
    const url = req.routeOptions.url ?? '';
    const params = (req.params ?? {}) as Record<string, string | undefined>;
    const target = {
      referral: UNDER_REFERRAL.test(url) ? params.id : undefined,
      entry: UNDER_ENTRY.test(url) ? params.entryId : undefined,
    };
    if (target.referral === undefined && target.entry === undefined) return;
    if (await restriction.hides(req.actor, target)) throw new NotFound(isApi(req) ? 'Not found' : 'Page not found');
  });
});
