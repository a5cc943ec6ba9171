import { personaAssignments, personas, personaSecrets } from '../src/db/schema/index.js';
import { createTestApp, PASSWORD, type ApiAnswer, type TestApp } from './harness.js';
import { personaCast, personaIn, personaInput, type PersonaCast } from './personas-support.js';
import { randomBytes } from 'node:crypto';
import { personaSecretContext } from '../src/domain/personas.js';
import { sealSecret, secretKey } from '../src/security/sealed-secrets.js';

/**
 * The persona register's answers for test/openapi-contract.test.ts (issue 11 point 4): a real
 * request for each documented status the generic drivers do not give (401, 403, 404, 415 are
 * theirs). Kept here so that the contract test stays one file of drivers per module.
 */
type Driver = () => Promise<ApiAnswer>;
const UNKNOWN = '00000000-0000-4000-8000-000000000000';
const USE = { purpose: 'Op Lantern viewing', investigationReference: `Op Lantern ${randomBytes(4).toString('hex')}` };
const REVEAL = { purpose: 'Check the account still signs in', currentPassword: PASSWORD };

/** An app holding one assigned persona whose password was sealed with another key (a lost or mixed-up persona.key). */
async function withAnotherKey<T>(act: (bare: TestApp, personaId: string, operative: PersonaCast['operative']) => Promise<T>) {
  const bare = await createTestApp();
  try {
    const operative = await bare.user(['operative']);
    const [row] = await bare.db
      .insert(personas)
      .values({
        website: 'x.com',
        yearJoined: 2020,
        userName: 'kit_r',
        emailAddress: 'kit.r@example.net',
        justification: 'Op Lantern',
        creatorId: operative.id,
        createdAt: new Date(),
        status: 'active',
        reviewDueOn: '2099-01-01',
      })
      .returning();
    await bare.db.insert(personaAssignments).values({ personaId: row!.id, userId: operative.id, assignedAt: new Date() });
    await bare.db.insert(personaSecrets).values({
      personaId: row!.id,
      kind: 'password',
      ...sealSecret(secretKey(randomBytes(32)), personaSecretContext(row!.id, 'password'), 'lost'),
      updatedAt: new Date(),
    });
    return await act(bare, row!.id, operative);
  } finally {
    await bare.close();
  }
}

/** The drivers, on the contract test's app (`app()`: made in its beforeAll, after this is called). */
export function personaContractDrivers(app: () => TestApp): Record<string, Driver[]> {
  let people: Promise<PersonaCast> | undefined;
  const cast = () => (people ??= personaCast(app()));
  const as = async (who: keyof PersonaCast) => app().api((await cast())[who]);
  const made = async (status: 'requested' | 'active') => (await personaIn(app(), await cast(), status)).id;
  const path = (id: string, rest = '') => `/api/v1/personas/${id}${rest}`;
  const review = { necessity: 'Still needed for Op Lantern.', proportionality: 'Viewing only.', decision: 'continue' };

  return {
    'GET /api/v1/personas 200': [async () => (await made('active'), (await as('officer')).get('/api/v1/personas?pageSize=100'))],
    'GET /api/v1/personas 400': [async () => (await as('officer')).get('/api/v1/personas?status=dormant')],
    'POST /api/v1/personas 201': [async () => (await as('operative')).post('/api/v1/personas', personaInput())],
    'POST /api/v1/personas 400': [async () => (await as('operative')).post('/api/v1/personas', {})],
    'GET /api/v1/personas/uses 200': [
      async () => {
        const id = await made('active');
        await (await as('operative')).post(path(id, '/uses'), { purpose: 'Op Lantern viewing', investigationReference: 'Op Lantern' });
        return (await as('operative')).get('/api/v1/personas/uses');
      },
    ],
    'GET /api/v1/personas/uses 400': [async () => (await as('operative')).get('/api/v1/personas/uses?user=someone')],
    'GET /api/v1/personas/{id} 200': [async () => (await as('inspector')).get(path(await made('active')))],
    'POST /api/v1/personas/{id}/authorisation 200': [
      async () =>
        (await as('officer')).post(path(await made('requested'), '/authorisation'), { decision: 'authorise', reason: 'Necessary.' }),
    ],
    'POST /api/v1/personas/{id}/authorisation 400': [async () => (await as('officer')).post(path(UNKNOWN, '/authorisation'), {})],
    'POST /api/v1/personas/{id}/authorisation 409': [
      async () => (await as('officer')).post(path(await made('active'), '/authorisation'), { decision: 'refuse', reason: 'Late.' }),
    ],
    'POST /api/v1/personas/{id}/reveal 200': [async () => (await as('operative')).post(path(await made('active'), '/reveal'), REVEAL)],
    'POST /api/v1/personas/{id}/reveal 400': [async () => (await as('operative')).post(path(UNKNOWN, '/reveal'), {})],
    'POST /api/v1/personas/{id}/reveal 409': [async () => (await as('operative')).post(path(await made('requested'), '/reveal'), REVEAL)],
    'POST /api/v1/personas/{id}/reveal 503': [
      () => withAnotherKey(async (bare, id, operative) => (await bare.api(operative)).post(path(id, '/reveal'), REVEAL)),
    ],
    'GET /api/v1/personas/{id}/uses 200': [async () => (await as('sergeant')).get(path(await made('active'), '/uses'))],
    'GET /api/v1/personas/{id}/uses 400': [async () => (await as('sergeant')).get(path(UNKNOWN, '/uses?pageSize=0'))],
    'POST /api/v1/personas/{id}/uses 201': [async () => (await as('operative')).post(path(await made('active'), '/uses'), USE)],
    'POST /api/v1/personas/{id}/uses 400': [async () => (await as('operative')).post(path(UNKNOWN, '/uses'), {})],
    'POST /api/v1/personas/{id}/uses 409': [async () => (await as('operative')).post(path(await made('requested'), '/uses'), USE)],
    'POST /api/v1/personas/{id}/withdrawal 200': [
      async () => (await as('operative')).post(path(await made('requested'), '/withdrawal'), { reason: 'No longer needed.' }),
    ],
    'POST /api/v1/personas/{id}/withdrawal 400': [async () => (await as('operative')).post(path(UNKNOWN, '/withdrawal'), {})],
    'POST /api/v1/personas/{id}/withdrawal 409': [
      async () => (await as('operative')).post(path(await made('active'), '/withdrawal'), { reason: 'No longer needed.' }),
    ],
    'POST /api/v1/personas/{id}/reviews 200': [async () => (await as('officer')).post(path(await made('active'), '/reviews'), review)],
    'POST /api/v1/personas/{id}/reviews 400': [async () => (await as('officer')).post(path(UNKNOWN, '/reviews'), {})],
    'POST /api/v1/personas/{id}/reviews 409': [async () => (await as('officer')).post(path(await made('requested'), '/reviews'), review)],
    'POST /api/v1/personas/{id}/assignees 200': [
      async () => (await as('sergeant')).post(path(await made('active'), '/assignees'), { userId: (await cast()).otherOperative.id }),
    ],
    'POST /api/v1/personas/{id}/assignees 400': [async () => (await as('sergeant')).post(path(UNKNOWN, '/assignees'), {})],
    'POST /api/v1/personas/{id}/assignees 409': [
      async () => (await as('sergeant')).post(path(await made('active'), '/assignees'), { userId: (await cast()).operative.id }),
    ],
  };
}
