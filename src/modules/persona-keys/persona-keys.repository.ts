import { asc, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { personaSecrets } from '../../db/schema/index.js';
import type { PersonaSecretKind } from '../../domain/vocabulary.js';

/** A sealed secret as a rotation reads and rewrites it: its place, the sealed text and the key that sealed it. */
export type SealedRow = { personaId: string; kind: PersonaSecretKind; sealed: string; keyId: string };

/** Queries only; every function takes the connection or transaction it runs in. */
export function createPersonaKeysRepository() {
  return {
    /** The ids of the keys that sealed the register's secrets now (one, unless a rotation is half-way). */
    async keyIdsInUse(db: DbOrTx): Promise<string[]> {
      const rows = await db.selectDistinct({ keyId: personaSecrets.keyId }).from(personaSecrets);
      return rows.map((r) => r.keyId);
    },

    /** Every sealed secret, locked until the transaction ends: nobody changes one while it is re-sealed. */
    lockAll: (tx: DbOrTx): Promise<SealedRow[]> =>
      tx
        .select({
          personaId: personaSecrets.personaId,
          kind: personaSecrets.kind,
          sealed: personaSecrets.sealed,
          keyId: personaSecrets.keyId,
        })
        .from(personaSecrets)
        .orderBy(asc(personaSecrets.personaId), asc(personaSecrets.kind))
        .for('update'),

    /** Rewrites the sealed text and key id of each row in one statement (its `updated_at` stays: the secret did not change). */
    async reseal(tx: DbOrTx, rows: SealedRow[]): Promise<number> {
      if (rows.length === 0) return 0;
      const result = await tx.execute(sql`
        UPDATE ${personaSecrets} AS s SET sealed = v.sealed, key_id = v.key_id
        FROM unnest(${sql.param(rows.map((r) => r.personaId))}::uuid[], ${sql.param(rows.map((r) => r.kind))}::text[],
                    ${sql.param(rows.map((r) => r.sealed))}::text[], ${sql.param(rows.map((r) => r.keyId))}::text[])
             AS v(persona_id, kind, sealed, key_id)
        WHERE s.persona_id = v.persona_id AND s.kind = v.kind
        RETURNING s.persona_id`);
      return result.rows.length;
    },
  };
}
