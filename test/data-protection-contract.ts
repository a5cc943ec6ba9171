import { referralIn } from './factories.js';
import type { ApiAnswer, TestApp, TestUser } from './harness.js';

/**
 * Restriction and subject access (issue 15 points 2, 3) for test/openapi-contract.test.ts: a real
 * request for each documented status the generic drivers do not give (401, 403, 404, 415 are theirs).
 */
type Driver = () => Promise<ApiAnswer>;
const UNKNOWN = '00000000-0000-4000-8000-000000000000';

export function dataProtectionContractDrivers(app: () => TestApp): Record<string, Driver[]> {
  let auditor: Promise<TestUser> | undefined;
  const as = async () => app().api(await (auditor ??= app().user(['auditor'])));
  const referral = async () => (await referralIn(app(), 'submitted')).id;
  const restricted = async () => {
    const id = await referral();
    await (await as()).post(`/api/v1/referrals/${id}/restriction`, { reason: 'Accuracy contested' });
    return id;
  };
  const request = async () => {
    const id = await referral();
    const created = await (
      await as()
    ).post('/api/v1/subject-access/requests', {
      subjectName: 'Zoë Ní Bhriain',
      receivedOn: '2026-01-31',
      itemIds: [`referral_rationale:${id}`],
    });
    return created.json.id as string;
  };
  const sar = (rest = '') => `/api/v1/subject-access/requests${rest}`;
  return {
    'POST /api/v1/referrals/{id}/restriction 200': [
      async () => (await as()).post(`/api/v1/referrals/${await referral()}/restriction`, { reason: 'x' }),
    ],
    'POST /api/v1/referrals/{id}/restriction 400': [async () => (await as()).post(`/api/v1/referrals/${UNKNOWN}/restriction`, {})],
    'POST /api/v1/referrals/{id}/restriction 409': [
      async () => (await as()).post(`/api/v1/referrals/${await restricted()}/restriction`, { reason: 'x' }),
    ],
    'POST /api/v1/referrals/{id}/restriction/release 200': [
      async () => (await as()).post(`/api/v1/referrals/${await restricted()}/restriction/release`, { reason: 'x' }),
    ],
    'POST /api/v1/referrals/{id}/restriction/release 400': [
      async () => (await as()).post(`/api/v1/referrals/${UNKNOWN}/restriction/release`, {}),
    ],
    'POST /api/v1/referrals/{id}/restriction/release 409': [
      async () => (await as()).post(`/api/v1/referrals/${await referral()}/restriction/release`, { reason: 'x' }),
    ],
    'GET /api/v1/referrals/{id}/restriction 200': [async () => (await as()).get(`/api/v1/referrals/${await restricted()}/restriction`)],
    'GET /api/v1/restrictions 200': [async () => (await restricted(), (await as()).get('/api/v1/restrictions'))],
    'GET /api/v1/restrictions 400': [async () => (await as()).get('/api/v1/restrictions?page=0')],
    'GET /api/v1/subject-access/search 200': [
      async () => (await referral(), (await as()).get('/api/v1/subject-access/search?handle=smoke_zone2')),
    ],
    'GET /api/v1/subject-access/search 400': [async () => (await as()).get('/api/v1/subject-access/search')],
    'POST /api/v1/subject-access/requests 201': [
      async () => (await as()).post(sar(), { subjectName: 'A', receivedOn: '2026-01-02', itemIds: [] }),
    ],
    'POST /api/v1/subject-access/requests 400': [async () => (await as()).post(sar(), {})],
    'GET /api/v1/subject-access/requests 200': [async () => (await request(), (await as()).get(sar()))],
    'GET /api/v1/subject-access/requests/{id} 200': [async () => (await as()).get(sar(`/${await request()}`))],
    'POST /api/v1/subject-access/requests/{id}/extension 200': [
      async () => (await as()).post(sar(`/${await request()}/extension`), { months: 1, reason: 'Complex' }),
    ],
    'POST /api/v1/subject-access/requests/{id}/extension 400': [async () => (await as()).post(sar(`/${UNKNOWN}/extension`), { months: 3 })],
    'POST /api/v1/subject-access/requests/{id}/extension 409': [
      async () => {
        const id = await request();
        await (await as()).post(sar(`/${id}/completion`));
        return (await as()).post(sar(`/${id}/extension`), { months: 1, reason: 'Complex' });
      },
    ],
    'POST /api/v1/subject-access/requests/{id}/completion 200': [async () => (await as()).post(sar(`/${await request()}/completion`))],
    'POST /api/v1/subject-access/requests/{id}/completion 409': [
      async () => {
        const id = await request();
        await (await as()).post(sar(`/${id}/completion`));
        return (await as()).post(sar(`/${id}/completion`));
      },
    ],
    'GET /api/v1/subject-access/requests/{id}/bundle 200': [async () => (await as()).get(sar(`/${await request()}/bundle`))],
    'GET /api/v1/subject-access/requests/{id}/bundle 400': [async () => (await as()).get(sar(`/${UNKNOWN}/bundle?format=docx`))],
  };
}
