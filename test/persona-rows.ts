import type { Db } from '../src/db/client.js';
import { personaSecrets, personaStatusHistory, personas, personaUses } from '../src/db/schema/index.js';
import { personaSecretContext } from '../src/domain/personas.js';
import type { PersonaSecretKind, PersonaStatus } from '../src/domain/vocabulary.js';
import { sealSecret, type SecretKey } from '../src/security/sealed-secrets.js';

/**
 * Persona register rows written straight into the tables (migration 0010), for the tests of what
 * reads them whole (the key rotation, the oversight figures, the secret scan) without the personas
 * service: each row as the register would hold it, the secrets sealed as the service seals them
 * (`persona:<id>:<kind>`).
 */
export type PersonaRow = {
  website: string;
  status: PersonaStatus;
  creatorId: string;
  createdAt: Date;
  authorisingOfficerId?: string;
  authorisedAt?: Date;
  reviewDueOn?: string;
  retiredAt?: Date;
  userName?: string;
};

let n = 0;
/** One persona with realistic, hostile-ish register text; its secrets sealed with `key` when given. */
export async function insertPersona(db: Db, row: PersonaRow, secrets: Partial<Record<PersonaSecretKind, string>> = {}, key?: SecretKey) {
  n++;
  const [p] = await db
    .insert(personas)
    .values({
      website: row.website,
      yearJoined: 2024,
      userName: row.userName ?? `síân_o’connor_${n}`,
      emailAddress: `persona.${n}@example.org`,
      dateOfBirthUsed: '1996-02-29',
      phoneNumber: '+44 7700 900123',
      justification: 'Monitoring drill channels linked to the Zone 2 feud (SOP 4.1.6).',
      creatorId: row.creatorId,
      createdAt: row.createdAt,
      status: row.status,
      authorisingOfficerId: row.authorisingOfficerId ?? null,
      authorisedAt: row.authorisedAt ?? null,
      authorisationReason: row.authorisedAt ? 'Necessary and proportionate: no overt route.' : null,
      reviewDueOn: row.reviewDueOn ?? null,
      retiredAt: row.retiredAt ?? null,
    })
    .returning({ id: personas.id });
  const id = p!.id;
  for (const [kind, plain] of Object.entries(secrets) as [PersonaSecretKind, string][]) {
    if (!key) throw new Error('sealing secrets needs a key');
    const { sealed, keyId } = sealSecret(key, personaSecretContext(id, kind), plain);
    await db.insert(personaSecrets).values({ personaId: id, kind, sealed, keyId, updatedAt: row.createdAt });
  }
  return id;
}

/** A status change in the persona's history (requested → active is an authorisation, → refused a refusal). */
export const insertStatusChange = (
  db: Db,
  personaId: string,
  change: { at: Date; from: PersonaStatus | null; to: PersonaStatus; actorId: string },
) =>
  db.insert(personaStatusHistory).values({
    personaId,
    at: change.at,
    fromStatus: change.from,
    toStatus: change.to,
    actorId: change.actorId,
    reason: 'Recorded in a test',
  });

/** A use of a persona (FOI 003: time, date, user, policing purpose). */
export const insertUse = (db: Db, personaId: string, use: { at: Date; userId: string; purpose?: string }) =>
  db
    .insert(personaUses)
    .values({ personaId, at: use.at, userId: use.userId, purpose: use.purpose ?? 'Checking a drill channel named in a referral' });
