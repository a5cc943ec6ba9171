import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { secretKey } from '../src/security/sealed-secrets.js';
import { createTestApp, TEST_DB, type TestApp } from './harness.js';
import { insertPersona } from './persona-rows.js';
import { capturedLog, findSecrets, scanForSecrets } from './secret-scan.js';

/** The secret scan's own test (issue 14 point 9): it finds what was planted, where, and nothing when nothing was. */

const PLANTED = 'Corr3ct-"Horse"-Battery';
const BASE64ED = 'Zebra!Crossing#42';
const SHOUTED = 'Pa55-Word-UPPER';
const SEALED_ONLY = 'only-ever-sealed-9f3';

let t: TestApp;
let log: ReturnType<typeof capturedLog>;
beforeAll(async () => {
  log = capturedLog();
  t = await createTestApp({ logger: log.logger });
});
afterAll(() => t.close());

describe(`the secret scan on ${TEST_DB}`, () => {
  it('finds nothing when no secret was written anywhere but sealed', async () => {
    const creator = await t.user(['operative']);
    await insertPersona(
      t.db,
      { website: 'Instagram', status: 'requested', creatorId: creator.id, createdAt: new Date() },
      { password: SEALED_ONLY },
      secretKey(randomBytes(32)),
    );
    await t.app.inject({ method: 'GET', url: '/health' });
    expect(log.lines.length).toBeGreaterThan(0);
    expect(await scanForSecrets(t.db, [SEALED_ONLY], { logLines: log.lines })).toEqual([]);
  });

  it('finds a secret planted in a jsonb audit detail, a log line, a user name in lowercase and an audit purpose in base64', async () => {
    await t.services.audit.record(t.db, {
      actor: null,
      operation: 'consult',
      entity: 'persona',
      detail: { careless: { note: `the password was ${PLANTED}` } },
    });
    await t.services.audit.record(t.db, {
      actor: null,
      operation: 'consult',
      entity: 'persona',
      purpose: `encoded ${Buffer.from(BASE64ED).toString('base64')}`,
    });
    await t.user(['operative'], { displayName: `Officer ${SHOUTED.toLowerCase()}` });
    t.app.log.warn({ body: { password: PLANTED } }, 'a careless line');

    const found = await scanForSecrets(t.db, [PLANTED, BASE64ED, SHOUTED, SEALED_ONLY], { logLines: log.lines });
    expect(found).toEqual(
      expect.arrayContaining([
        // jsonb escapes the quotes: found as a JSON string holds it.
        { where: 'public.audit_log.detail', secret: 0, form: 'json-escaped' },
        { where: 'public.audit_log.purpose', secret: 1, form: 'base64' },
        { where: 'public.users.display_name', secret: 2, form: 'lowercase' },
        { where: `log line ${log.lines.length}`, secret: 0, form: 'json-escaped' },
      ]),
    );
    expect(found.every((f) => f.secret !== 3)).toBe(true);
  });

  it('finds a secret in an answer, and refuses to scan for one too short to mean anything', () => {
    expect(findSecrets('GET /api/v1/personas', `{"items":[{"password":"${SHOUTED}"}]}`, ['unrelated-secret', SHOUTED])).toEqual([
      { where: 'GET /api/v1/personas', secret: 1, form: 'as written' },
    ]);
    expect(() => findSecrets('x', 'y', ['abc'])).toThrow(/too short/);
  });
});
