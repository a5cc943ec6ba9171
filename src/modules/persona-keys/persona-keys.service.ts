import { randomBytes } from 'node:crypto';
import type { Db } from '../../db/client.js';
import { personaSecretContext } from '../../domain/personas.js';
import { AppError } from '../../errors.js';
import { dropPendingPersonaKey, pendingPersonaKey, promotePersonaKey, stagePersonaKey } from '../../security/persona-key.js';
import { openSecret, sealSecret, secretKey, type SecretKey } from '../../security/sealed-secrets.js';
import type { AuditService } from '../audit/audit.service.js';
import { createPersonaKeysRepository } from './persona-keys.repository.js';

export type PersonaKeysDeps = {
  db: Db;
  audit: AuditService;
  /** The key that seals the secrets now (PERSONA_KEY or DATA_DIR/persona.key, settled at start). */
  personaKey: SecretKey;
  /** PERSONA_KEY is set: the new key is the operator's to keep, not a file's (decision 020). */
  configured: boolean;
  dataDir: string;
};

/** What a rotation did: counts and key ids only (a key id names a key and reveals nothing of it). */
export type Rotation = { resealed: number; personas: number; keyId: string; previousKeyId: string };

const ROTATE_PURPOSE = 'Persona key rotation: every persona secret re-sealed with a new key (decision 020)';

/** Where a secret is bound (sealed-secrets.ts): a sealed value moved to another persona or kind does not open. */

/** A secret sealed with a key that is not the current one: a rotation would lose it, so nothing is done. */
export class PersonaKeyMismatch extends AppError {
  constructor(count: number, keyId: string) {
    super(
      409,
      'persona_key_mismatch',
      `${count} persona secret(s) are sealed with key ${keyId}, not the current key: nothing was re-sealed`,
    );
  }
}

const repo = createPersonaKeysRepository();

/**
 * Re-seals every persona secret from `from` to `to` in ONE transaction with its `alter` audit
 * entry (counts only): every row is opened with the key its key id names, or the whole rotation
 * rolls back and every row stays as it was (issue 14 point 3, decision 020).
 */
export async function resealPersonaSecrets(
  { db, audit }: Pick<PersonaKeysDeps, 'db' | 'audit'>,
  from: SecretKey,
  to: SecretKey,
): Promise<Omit<Rotation, 'keyId' | 'previousKeyId'>> {
  return db.transaction(async (tx) => {
    const rows = await repo.lockAll(tx);
    const strangers = rows.filter((r) => r.keyId !== from.id);
    if (strangers.length > 0) throw new PersonaKeyMismatch(strangers.length, strangers[0]!.keyId);
    const resealed = rows.map((r) => {
      const context = personaSecretContext(r.personaId, r.kind);
      return { ...r, ...sealSecret(to, context, openSecret(from, context, r.sealed)) };
    });
    const count = await repo.reseal(tx, resealed);
    const personas = new Set(rows.map((r) => r.personaId)).size;
    await audit.record(tx, {
      actor: null,
      operation: 'alter',
      entity: 'persona_secrets',
      purpose: ROTATE_PURPOSE,
      detail: { resealed: count, personas },
    });
    return { resealed: count, personas };
  });
}

/**
 * At start, a rotation's `persona.key.next` left by a crash (decision 020): the rows' key ids say
 * whether its transaction committed. If any row names the new key it did: the new key becomes
 * persona.key. Otherwise it sealed nothing and goes. Answers the key to use.
 */
export async function settlePersonaKey(db: Db, dataDir: string, current: SecretKey): Promise<SecretKey> {
  const pending = pendingPersonaKey(dataDir);
  if (!pending) return current;
  if ((await repo.keyIdsInUse(db)).includes(pending.id)) {
    promotePersonaKey(dataDir);
    return pending;
  }
  dropPendingPersonaKey(dataDir);
  return current;
}

/** `npm run cli -- personas rotate-key` (issue 14 point 3, decision 020). */
export function createPersonaKeysService(deps: PersonaKeysDeps) {
  return {
    /**
     * A new key for every persona secret. With DATA_DIR/persona.key: the new key is written to
     * persona.key.next (0600), the rows re-sealed in one transaction, then the file renamed over
     * persona.key; a crash between is settled at the next start (`settlePersonaKey`). With
     * PERSONA_KEY: `announce` is given the new key before anything changes, for the operator to
     * keep; this process never writes it anywhere.
     */
    async rotate(announce: (key: SecretKey) => void): Promise<Rotation> {
      const from = deps.personaKey;
      const to = secretKey(randomBytes(32));
      const ids = { keyId: to.id, previousKeyId: from.id };
      if (deps.configured) {
        announce(to);
        return { ...(await resealPersonaSecrets(deps, from, to)), ...ids };
      }
      stagePersonaKey(deps.dataDir, to);
      try {
        const done = await resealPersonaSecrets(deps, from, to);
        promotePersonaKey(deps.dataDir);
        return { ...done, ...ids };
      } catch (err) {
        // Did the commit happen (e.g. the connection broke after it)? The rows say; unreadable now, the next start decides.
        await settlePersonaKey(deps.db, deps.dataDir, from).catch(() => undefined);
        throw err;
      }
    },
  };
}
