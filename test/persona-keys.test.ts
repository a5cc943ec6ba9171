import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { asc, desc, eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, personaSecrets, users } from '../src/db/schema/index.js';
import {
  createPersonaKeysService,
  PersonaKeyMismatch,
  resealPersonaSecrets,
  settlePersonaKey,
} from '../src/modules/persona-keys/persona-keys.service.js';
import { loadPersonaKey, stagePersonaKey } from '../src/security/persona-key.js';
import { openSecret, secretKey, SecretUnreadable, type SecretKey } from '../src/security/sealed-secrets.js';
import { startRuntime } from '../src/runtime.js';
import { createTestApp, createTestDatabase, TEST_DB, testConfig, type TestApp } from './harness.js';
import { personaSecretContext as secretContext } from '../src/domain/personas.js';
import { insertPersona } from './persona-rows.js';
import { temporaryDir } from './processes.js';
import { scanForSecrets } from './secret-scan.js';

/**
 * The persona key's rotation in-process (issue 14 point 3, decision 020): every secret re-sealed
 * with the new key in one transaction, or none; a crash between the commit and the key file's
 * rename settled at the next start by the rows' key ids.
 */

const SECRETS = [
  { password: 'Tr0ub4dor&3-Ω“quoted”', recovery_codes: 'ABCD-1234\nEFGH-5678', notes: 'Security answer: Nan’s dog “Biscuit”' },
  { password: '=HYPERLINK("http://evil")' },
  { password: 'p@ss w0rd with spaces', notes: '🙂 emoji, a tab\tand a back\\slash' },
] as const;

let t: TestApp;
let creatorId: string;
beforeAll(async () => {
  t = await createTestApp();
  creatorId = (await t.user(['operative'])).id;
});
afterAll(() => t.close());

const dirs: ReturnType<typeof temporaryDir>[] = [];
afterEach(async () => {
  dirs.splice(0).forEach((d) => d.remove());
  await t.db.delete(personaSecrets);
});

/** Three personas with their secrets sealed with `key`. */
async function seed(key: SecretKey) {
  const ids: string[] = [];
  for (const secrets of SECRETS)
    ids.push(
      await insertPersona(
        t.db,
        { website: 'TikTok', status: 'active', creatorId, createdAt: new Date('2026-01-05T10:00:00Z') },
        secrets,
        key,
      ),
    );
  return ids;
}

const rows = () => t.db.select().from(personaSecrets).orderBy(asc(personaSecrets.personaId), asc(personaSecrets.kind));
const lastAudit = async () => (await t.db.select().from(auditLog).orderBy(desc(auditLog.seq)).limit(1))[0]!;
const newKey = () => secretKey(randomBytes(32));
const deps = () => ({ db: t.db, audit: t.services.audit });

describe(`re-sealing the persona secrets on ${TEST_DB}`, () => {
  it('re-seals every row with the new key in one go: each opens with it to the same secret, none with the old key', async () => {
    const old = newKey();
    const next = newKey();
    await seed(old);
    const before = await rows();
    expect(before).toHaveLength(6);

    expect(await resealPersonaSecrets(deps(), old, next)).toEqual({ resealed: 6, personas: 3 });

    const after = await rows();
    expect(after.map((r) => r.keyId)).toEqual(Array(6).fill(next.id));
    for (const [i, r] of after.entries()) {
      const plain = openSecret(next, secretContext(r.personaId, r.kind), r.sealed);
      expect(plain).toBe(openSecret(old, secretContext(r.personaId, r.kind), before[i]!.sealed));
      expect(() => openSecret(old, secretContext(r.personaId, r.kind), r.sealed)).toThrow(SecretUnreadable);
      // The secret did not change: its date stays.
      expect(r.updatedAt).toEqual(before[i]!.updatedAt);
    }
    const entry = await lastAudit();
    expect(entry).toMatchObject({ operation: 'alter', entity: 'persona_secrets', actorId: null, detail: { resealed: 6, personas: 3 } });
    expect(Object.keys(entry.detail as object).sort()).toEqual(['personas', 'resealed']);
    await scanForSecrets(
      t.db,
      SECRETS.flatMap((s) => Object.values(s)),
      { logLines: [] },
    ).then((found) => expect(found).toEqual([]));
  });

  it('leaves every row on the old key when one row half-way does not open (a tampered secret), and writes no audit entry', async () => {
    const old = newKey();
    const ids = await seed(old);
    // The middle persona's password, tampered with: the rotation meets it after re-sealing others.
    const [victim] = await t.db.select().from(personaSecrets).where(eq(personaSecrets.personaId, ids.sort()[1]!)).limit(1);
    const bytes = Buffer.from(victim!.sealed, 'base64');
    bytes[14] = bytes[14]! ^ 0xff;
    await t.db
      .update(personaSecrets)
      .set({ sealed: bytes.toString('base64') })
      .where(eq(personaSecrets.personaId, victim!.personaId));
    const before = await rows();
    const auditBefore = (await lastAudit()).seq;

    await expect(resealPersonaSecrets(deps(), old, newKey())).rejects.toThrow(SecretUnreadable);

    expect(await rows()).toEqual(before);
    expect((await lastAudit()).seq).toBe(auditBefore);
  });

  it('refuses, changing nothing, when a row was sealed with a key other than the current one', async () => {
    const old = newKey();
    await seed(old);
    await insertPersona(t.db, { website: 'X', status: 'active', creatorId, createdAt: new Date() }, { password: 'another key' }, newKey());
    const before = await rows();
    const rotation = resealPersonaSecrets(deps(), old, newKey());
    await expect(rotation).rejects.toThrow(PersonaKeyMismatch);
    await expect(rotation).rejects.toThrow(
      /^1 persona secret\(s\) are sealed with key [0-9a-f]{16}, not the current key: nothing was re-sealed$/,
    );
    expect(await rows()).toEqual(before);
  });

  it('rotates once when two rotations start together (PERSONA_KEY set): the second finds the rows on another key and changes nothing', async () => {
    const old = newKey();
    await seed(old);
    const announced: SecretKey[] = [];
    const service = createPersonaKeysService({
      db: t.db,
      audit: t.services.audit,
      personaKey: old,
      configured: true,
      dataDir: '/nonexistent',
    });
    const results = await Promise.allSettled([service.rotate((k) => announced.push(k)), service.rotate((k) => announced.push(k))]);
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    expect(results.find((r) => r.status === 'rejected')?.reason).toBeInstanceOf(PersonaKeyMismatch);
    const winner = announced.find((k) => k.id === (won[0] as PromiseFulfilledResult<{ keyId: string }>).value.keyId)!;
    for (const r of await rows()) expect(() => openSecret(winner, secretContext(r.personaId, r.kind), r.sealed)).not.toThrow();
  });
});

describe(`the key file across a rotation on ${TEST_DB}`, () => {
  const dataDirWithKey = () => {
    const d = temporaryDir('rd-persona-key-');
    dirs.push(d);
    return { dir: d.dir, key: loadPersonaKey(undefined, d.dir) };
  };
  const serviceFor = (dir: string, key: SecretKey) =>
    createPersonaKeysService({ db: t.db, audit: t.services.audit, personaKey: key, configured: false, dataDir: dir });

  it('rotate: persona.key holds the new key, no persona.key.next is left, and every row opens with it', async () => {
    const { dir, key } = dataDirWithKey();
    await seed(key);
    const announced: SecretKey[] = [];
    const r = await serviceFor(dir, key).rotate((k) => announced.push(k));
    expect(announced).toEqual([]);
    expect(r).toMatchObject({ resealed: 6, personas: 3, previousKeyId: key.id });
    const now = loadPersonaKey(undefined, dir);
    expect(now.id).toBe(r.keyId);
    expect(fs.readdirSync(dir)).toEqual(['persona.key']);
    expect(fs.statSync(path.join(dir, 'persona.key')).mode & 0o777).toBe(0o600);
    for (const row of await rows()) expect(() => openSecret(now, secretContext(row.personaId, row.kind), row.sealed)).not.toThrow();
  });

  it('a failed rotation removes persona.key.next and keeps persona.key', async () => {
    const { dir, key } = dataDirWithKey();
    await seed(key);
    await insertPersona(t.db, { website: 'X', status: 'active', creatorId, createdAt: new Date() }, { password: 'stranger' }, newKey());
    await expect(serviceFor(dir, key).rotate(() => undefined)).rejects.toThrow(PersonaKeyMismatch);
    expect(fs.readdirSync(dir)).toEqual(['persona.key']);
    expect(loadPersonaKey(undefined, dir).id).toBe(key.id);
  });

  it('at start, a persona.key.next whose transaction never committed is dropped: the rows still name the old key', async () => {
    const { dir, key } = dataDirWithKey();
    await seed(key);
    stagePersonaKey(dir, newKey());
    expect((await settlePersonaKey(t.db, dir, key)).id).toBe(key.id);
    expect(fs.readdirSync(dir)).toEqual(['persona.key']);
    expect(loadPersonaKey(undefined, dir).id).toBe(key.id);
  });

  it('at start, a persona.key.next whose transaction committed becomes persona.key: the rows name it', async () => {
    const { dir, key } = dataDirWithKey();
    await seed(key);
    const next = newKey();
    stagePersonaKey(dir, next);
    await resealPersonaSecrets(deps(), key, next); // …and the process died before the rename.
    expect((await settlePersonaKey(t.db, dir, key)).id).toBe(next.id);
    expect(fs.readdirSync(dir)).toEqual(['persona.key']);
    expect(loadPersonaKey(undefined, dir).id).toBe(next.id);
  });

  it('the runtime settles it before the services start: a start after a committed rotation runs on the new key', async () => {
    const { dir, key } = dataDirWithKey();
    const next = newKey();
    const database = await createTestDatabase();
    const runtime = await (async () => {
      const [creator] = await database.db
        .insert(users)
        .values({ username: 'op.settle', displayName: 'Op Settle', roles: ['operative'], passwordHash: 'not used here' })
        .returning({ id: users.id });
      await insertPersona(database.db, { website: 'X', status: 'active', creatorId: creator!.id, createdAt: new Date() }, SECRETS[0], key);
      stagePersonaKey(dir, next);
      await resealPersonaSecrets({ db: database.db, audit: t.services.audit }, key, next); // …and the process died before the rename.
      return startRuntime(testConfig({ dataDir: dir }), { holder: 'tests', database, app: false });
    })();
    try {
      expect(fs.readdirSync(dir).filter((f) => f.startsWith('persona.key'))).toEqual(['persona.key']);
      expect(loadPersonaKey(undefined, dir).id).toBe(next.id);
      // The services were given the settled key: a rotation from it finds every row under it.
      expect(await runtime.services.personaKeys.rotate(() => undefined)).toMatchObject({ resealed: 3, previousKeyId: next.id });
    } finally {
      await runtime.stop();
    }
  });
});
