import type PgBoss from 'pg-boss';
import type { Database, DbOrTx } from '../db/client.js';

type Rows = { rows: unknown[] };
/** A node-postgres pool or client, or a PGlite instance or transaction: all answer `query`. */
type Queryable = { query(text: string, values?: unknown[]): Promise<Rows> };
/** PGlite's: `query` takes one statement, `exec` several without parameters. */
type PgliteClient = Queryable & { exec(text: string): Promise<Rows[]> };

const isPglite = (client: Queryable): client is PgliteClient => typeof (client as Partial<PgliteClient>).exec === 'function';

/**
 * pg-boss's `db` adapter (STACK.md). On PostgreSQL, `query` takes what pg-boss sends as it is. On
 * PGlite, the extended protocol behind `query` takes one statement, while pg-boss sends its schema,
 * its migrations and its maintenance as several statements without parameters: those go to `exec`.
 */
function executorOf(client: Queryable): PgBoss.Db {
  if (!isPglite(client)) return { executeSql: (text, values) => client.query(text, values) };
  return {
    async executeSql(text, values) {
      if (values?.length) return client.query(text, values);
      try {
        const results = await client.exec(text);
        return { rows: results.at(-1)?.rows ?? [] };
      } catch (err) {
        // A failed `BEGIN; …; COMMIT` leaves PGlite's one connection inside an aborted transaction:
        // end it, or every later statement of the app would fail (a warning when none is open).
        await client.exec('ROLLBACK').catch(() => undefined);
        throw err;
      }
    },
  };
}

/** The executor over the database's own pool or PGlite instance: pg-boss opens no connection of its own. */
export const databaseExecutor = (database: Database): PgBoss.Db => executorOf((database.db as unknown as { $client: Queryable }).$client);

/**
 * The executor over an open transaction's own connection, for the outbox. Drizzle keeps that
 * connection private (`session.client`); going through `db` instead would, on PGlite, queue behind
 * the transaction's own lock (deadlock) and, on PostgreSQL, write outside the transaction.
 */
export function transactionExecutor(tx: DbOrTx): PgBoss.Db {
  const client = (tx as unknown as { session?: { client?: Queryable } }).session?.client;
  if (typeof client?.query !== 'function') throw new Error('enqueue needs a Drizzle transaction');
  return executorOf(client);
}
