import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { openDatabase, type Database } from '../src/db/client.js';

/**
 * The bench's own database: a fresh PGlite DATA_DIR in a temporary folder, or a fresh database
 * created on the PostgreSQL server of `--db` (an existing database is never touched).
 */
export type BenchDatabase = {
  kind: 'pglite' | 'postgres';
  /** PGlite: the DATA_DIR the server child process is started on. */
  dataDir?: string;
  /** PostgreSQL: the new database's URL, for the server child process. */
  url?: string;
  /** The name shown in the report (never the server's credentials). */
  label: string;
  open: () => Promise<Database>;
  /** Removes the temporary DATA_DIR or drops the database made for this run. */
  destroy: () => Promise<void>;
};

export async function createBenchDatabase(serverUrl: string | undefined): Promise<BenchDatabase> {
  if (!serverUrl) {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rd-bench-'));
    return {
      kind: 'pglite',
      dataDir,
      label: 'pglite',
      open: () => openDatabase({ kind: 'pglite', dataDir, holder: 'the Referral Desk bench' }),
      destroy: async () => fs.rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  const name = `rd_bench_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    kind: 'postgres',
    url: url.toString(),
    label: `postgres (${name})`,
    open: () => openDatabase({ kind: 'postgres', url: url.toString(), poolSize: 10 }),
    destroy: async () => {
      const a = new pg.Client({ connectionString: serverUrl });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    },
  };
}

/** Plain SQL through the application's own driver (node-postgres pool or the PGlite instance). */
export type RawSql = {
  query: <T = Record<string, unknown>>(text: string, params?: unknown[]) => Promise<T[]>;
  /** One transaction on one connection; rolled back if `fn` throws. */
  transaction: <T>(fn: (q: RawSql['query']) => Promise<T>) => Promise<T>;
};

export function rawSql(database: Database): RawSql {
  const client = (database.db as unknown as { $client: pg.Pool | PGlite }).$client;
  if (database.kind === 'postgres') {
    const pool = client as pg.Pool;
    return {
      query: async <T>(text: string, params?: unknown[]) => (await pool.query(text, params)).rows as T[],
      transaction: async (fn) => {
        const c = await pool.connect();
        try {
          await c.query('BEGIN');
          const result = await fn(async <T>(text: string, params?: unknown[]) => (await c.query(text, params)).rows as T[]);
          await c.query('COMMIT');
          return result;
        } catch (err) {
          await c.query('ROLLBACK');
          throw err;
        } finally {
          c.release();
        }
      },
    };
  }
  const lite = client as PGlite;
  return {
    query: async <T>(text: string, params?: unknown[]) => (await lite.query<T>(text, params)).rows,
    transaction: (fn) =>
      lite.transaction((tx) => fn(async <T>(text: string, params?: unknown[]) => (await tx.query<T>(text, params)).rows)),
  };
}
