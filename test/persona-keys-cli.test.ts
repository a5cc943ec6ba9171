import fs from 'node:fs';
import path from 'node:path';
import { desc } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../src/db/migrate.js';
import { auditLog, personaSecrets, users } from '../src/db/schema/index.js';
import { loadPersonaKey } from '../src/security/persona-key.js';
import { openSecret, secretKey, type SecretKey } from '../src/security/sealed-secrets.js';
import { TEST_DB } from './harness.js';
import { personaSecretContext as secretContext } from '../src/domain/personas.js';
import { insertPersona } from './persona-rows.js';
import { childEnv, killChildren, runToEnd, temporaryDir, throwawayDatabase, withChildDatabase } from './processes.js';

/**
 * `npm run cli -- personas rotate-key` (issue 14 point 3, decision 020) as a child process, on a
 * temporary DATA_DIR or a fresh PostgreSQL database: with DATA_DIR/persona.key, then with
 * PERSONA_KEY set. Two runs: each child start costs seconds.
 */

const SECRETS = { password: 'Marmalade-Skies-1979!', recovery_codes: '1111-2222\n3333-4444' };

let dataDir: ReturnType<typeof temporaryDir>;
let database: Awaited<ReturnType<typeof throwawayDatabase>> | undefined;
let firstKey: SecretKey;

const withDb = <T>(fn: Parameters<typeof withChildDatabase<T>>[1]) =>
  withChildDatabase({ dataDir: dataDir.dir, databaseUrl: database?.url }, fn);
const cli = (env: Record<string, string> = {}) =>
  runToEnd('cli', ['personas', 'rotate-key'], {
    env: childEnv({ dataDir: dataDir.dir, databaseUrl: database?.url }, env),
    timeoutMs: 110_000,
  });

/** Every sealed row opens with `key` to the secret it was given. */
async function expectAllOpenWith(key: SecretKey) {
  await withDb(async (d) => {
    const rows = await d.db.select().from(personaSecrets);
    expect(rows).toHaveLength(2);
    for (const r of rows) {
      expect(r.keyId).toBe(key.id);
      expect(openSecret(key, secretContext(r.personaId, r.kind), r.sealed)).toBe(SECRETS[r.kind as keyof typeof SECRETS]);
    }
  });
}

beforeAll(async () => {
  dataDir = temporaryDir('rd-persona-key-cli-');
  if (TEST_DB === 'postgres') database = await throwawayDatabase('rd_persona_cli');
  firstKey = loadPersonaKey(undefined, dataDir.dir);
  await withDb(async (d) => {
    await migrate(d);
    const [creator] = await d.db
      .insert(users)
      .values({ username: 'op.one', displayName: 'DC Olúwaseun Adé-Okafor', roles: ['operative'], passwordHash: 'not used here' })
      .returning({ id: users.id });
    await insertPersona(d.db, { website: 'TikTok', status: 'active', creatorId: creator!.id, createdAt: new Date() }, SECRETS, firstKey);
  });
}, 120_000);

afterAll(async () => {
  killChildren();
  await database?.drop();
  dataDir.remove();
});

describe(`personas rotate-key on the command line (${TEST_DB})`, () => {
  it('re-seals with a new persona.key, then with PERSONA_KEY prints the new key once', { timeout: 240_000 }, async () => {
    const run = await cli();
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const second = loadPersonaKey(undefined, dataDir.dir);
    expect(second.id).not.toBe(firstKey.id);
    expect(run.stdout).toBe(`Re-sealed 2 secret(s) of 1 persona(s) with key ${second.id} (was ${firstKey.id}).\n`);
    expect(fs.readdirSync(dataDir.dir).filter((f) => f.startsWith('persona.key'))).toEqual(['persona.key']);
    expect(fs.statSync(path.join(dataDir.dir, 'persona.key')).mode & 0o777).toBe(0o600);
    await expectAllOpenWith(second);

    // The operator moves the key into their secret store: PERSONA_KEY from now on.
    const env = await cli({ PERSONA_KEY: second.key.toString('base64') });
    expect(env.code).toBe(0);
    expect(env.stdout).toMatch(/^[0-9a-f]{64}\n$/);
    const third = secretKey(Buffer.from(env.stdout.trim(), 'hex'));
    expect(env.stderr).toContain('PERSONA_KEY is set: the new key is printed once, below, on standard output.');
    expect(env.stderr).toContain(`Re-sealed 2 secret(s) of 1 persona(s) with key ${third.id} (was ${second.id}).`);
    expect(env.stderr).not.toContain(env.stdout.trim());
    // persona.key is no longer the key, and is left alone.
    expect(loadPersonaKey(undefined, dataDir.dir).id).toBe(second.id);
    await expectAllOpenWith(third);

    await withDb(async (d) => {
      const entries = await d.db.select().from(auditLog).orderBy(desc(auditLog.seq)).limit(2);
      expect(entries.map((e) => [e.operation, e.entity, e.detail])).toEqual([
        ['alter', 'persona_secrets', { resealed: 2, personas: 1 }],
        ['alter', 'persona_secrets', { resealed: 2, personas: 1 }],
      ]);
    });
    for (const out of [run.stdout, run.stderr, env.stderr]) for (const s of Object.values(SECRETS)) expect(out).not.toContain(s);
  });
});
