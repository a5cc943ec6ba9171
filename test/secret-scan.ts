import { sql } from 'drizzle-orm';
import type { Db } from '../src/db/client.js';

/**
 * The secret scan (issue 14 point 9): no persona secret may appear anywhere but a logged reveal's
 * answer. Given the secrets a test planted, it looks through every text, json and text-array
 * column of every table (found in information_schema, so a table added later is scanned too),
 * the audit log among them, but not `persona_secrets.sealed`, where they are sealed; and through
 * the log lines and answers (pages, API answers, CSV) the test captured. Each secret is looked for
 * as written, in base64, in lowercase and as a JSON string escapes it (jsonb and pino's lines).
 */

/** Where a secret was found, and in which form: the secret by its index in the list, never quoted. */
export type SecretFinding = { where: string; secret: number; form: 'as written' | 'base64' | 'lowercase' | 'json-escaped' };

/** Shorter than this, a "secret" would be found by chance: a test that scans for one is wrong. */
const SHORTEST = 6;

function formsOf(secrets: readonly string[]) {
  return secrets.flatMap((secret, index) => {
    if (secret.length < SHORTEST) throw new Error(`secret #${index} is too short to scan for (${SHORTEST} characters at least)`);
    const forms = [
      { form: 'as written', text: secret },
      { form: 'base64', text: Buffer.from(secret, 'utf8').toString('base64') },
      { form: 'lowercase', text: secret.toLowerCase() },
      { form: 'json-escaped', text: JSON.stringify(secret).slice(1, -1) },
    ] as const;
    // A form equal to an earlier one is the same search: found once, under the first name.
    return forms.filter((f, i) => forms.findIndex((g) => g.text === f.text) === i).map((f) => ({ ...f, secret: index }));
  });
}

/** The secrets found in one text (a page, an answer, a CSV, a log line), named `where`. */
export function findSecrets(where: string, text: string, secrets: readonly string[]): SecretFinding[] {
  return formsOf(secrets)
    .filter((f) => text.includes(f.text))
    .map(({ secret, form }) => ({ where, secret, form }));
}

// The columns a secret could sit in: text of any kind, json, and arrays of text.
const SCANNED_TYPES = ['text', 'character varying', 'character', 'json', 'jsonb'];
const SCANNED_ARRAYS = ['_text', '_varchar'];
/** Where the secrets are meant to be: sealed, and proven unreadable without the key elsewhere. */
const SEALED = 'public.persona_secrets.sealed';

const quoted = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Every place in the database holding one of `secrets` (every schema but PostgreSQL's own). */
async function scanDatabase(db: Db, secrets: readonly string[]): Promise<SecretFinding[]> {
  // A NUL cannot be stored in a text column (PostgreSQL refuses it): such a form is not there to find.
  const forms = formsOf(secrets).filter((f) => !f.text.includes('\u0000'));
  const { rows: columns } = await db.execute<{ schema: string; table: string; column: string }>(sql`
    SELECT c.table_schema AS schema, c.table_name AS table, c.column_name AS column
    FROM information_schema.columns c
    JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
    WHERE c.table_schema NOT IN ('pg_catalog', 'information_schema') AND c.table_schema NOT LIKE 'pg\\_%'
      AND (c.data_type IN (${sql.join(
        SCANNED_TYPES.map((x) => sql`${x}`),
        sql`, `,
      )})
           OR (c.data_type = 'ARRAY' AND c.udt_name IN (${sql.join(
             SCANNED_ARRAYS.map((x) => sql`${x}`),
             sql`, `,
           )})))
    ORDER BY 1, 2, 3`);
  if (!columns.some((c) => c.table === 'audit_log')) throw new Error('the scan found no audit_log table: it is looking in the wrong place');
  const findings: SecretFinding[] = [];
  for (const c of columns) {
    const where = `${c.schema}.${c.table}.${c.column}`;
    if (where === SEALED) continue;
    // One query a column: which of the forms occur in it (strpos: no LIKE wildcards to escape).
    const { rows } = await db.execute<{ i: number }>(sql`
      SELECT DISTINCT n.i::int AS i
      FROM ${sql.raw(`${quoted(c.schema)}.${quoted(c.table)}`)} AS x
      CROSS JOIN unnest(${sql.param(forms.map((f) => f.text))}::text[]) WITH ORDINALITY AS n(needle, i)
      WHERE strpos(x.${sql.raw(quoted(c.column))}::text, n.needle) > 0`);
    for (const { i } of rows) findings.push({ where, secret: forms[i - 1]!.secret, form: forms[i - 1]!.form });
  }
  return findings;
}

/** The database and the captured log lines at once: what a test asserts is `[]`. */
export async function scanForSecrets(
  db: Db,
  secrets: readonly string[],
  captured: { logLines: readonly string[] },
): Promise<SecretFinding[]> {
  const inLog = captured.logLines.flatMap((line, i) => findSecrets(`log line ${i + 1}`, line, secrets));
  return [...(await scanDatabase(db, secrets)), ...inLog];
}

/**
 * A logger whose lines a test keeps (pino's JSON, one line each), for `createTestApp({ logger })`:
 * at `debug`, so that whatever any level would write is scanned.
 */
export function capturedLog() {
  const lines: string[] = [];
  return { lines, logger: { level: 'debug', stream: { write: (line: string) => void lines.push(line) } } };
}
