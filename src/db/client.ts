import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import pg from 'pg';
import lockfile from 'proper-lockfile';
import * as schema from './schema/index.js';

/** One schema, one dialect, two drivers (DESIGN.md "Runtime shape"). */
export type Db = NodePgDatabase<typeof schema>;
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type DbOrTx = Db | Tx;

export type Database = {
  db: Db;
  kind: 'pglite' | 'postgres';
  close: () => Promise<void>;
};

export type DatabaseOptions =
  { kind: 'postgres'; url: string; poolSize?: number } | { kind: 'pglite'; dataDir?: string; loadDataDir?: Blob; holder: string };

/**
 * Makes a directory tree private to this account: directories 0700, files 0600. PGlite writes its
 * files 0666 whatever the umask, and they hold personal data (issue 10); the directories already
 * shut others out while it runs, and this puts the files right at open and at close.
 */
function makePrivate(dir: string) {
  fs.chmodSync(dir, 0o700);
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) makePrivate(p);
    else if (entry.isFile()) fs.chmodSync(p, 0o600);
  }
}

/** Raised when another process holds the embedded database's data directory. */
export class DataDirLocked extends Error {}

/**
 * PGlite takes no lock of its own and two processes on one directory silently lose writes,
 * so whoever opens it holds DATA_DIR/pglite.lock until close (decision 001).
 */
async function lockDataDir(dir: string, holder: string): Promise<() => Promise<void>> {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dir, 0o700);
  const marker = path.join(dir, 'pglite.holder');
  try {
    const release = await lockfile.lock(dir, { lockfilePath: path.join(dir, 'pglite.lock'), stale: 15_000, update: 5_000 });
    fs.writeFileSync(marker, `${holder} (pid ${process.pid})\n`, { mode: 0o600 });
    return async () => {
      fs.rmSync(marker, { force: true });
      await release();
    };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ELOCKED') throw err;
    const who = fs.existsSync(marker) ? fs.readFileSync(marker, 'utf8').trim() : 'another process';
    throw new DataDirLocked(
      `The embedded database in ${dir} is in use by ${who}. ` +
        'Only one process may open it at a time: stop that process first, or set DATABASE_URL to use a PostgreSQL server.',
    );
  }
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.kind === 'postgres') {
    const pool = new pg.Pool({ connectionString: options.url, max: options.poolSize ?? 10 });
    // An idle connection the server drops (a restart, a terminated backend) must not crash the
    // process: the pool replaces it, and the next query that fails answers for itself.
    pool.on('error', () => {});
    // Fail now, with the server's own message, rather than on the first request.
    const client = await pool.connect();
    client.release();
    return { db: drizzlePg(pool, { schema }), kind: 'postgres', close: () => pool.end() };
  }
  const release = options.dataDir ? await lockDataDir(options.dataDir, options.holder) : async () => {};
  try {
    const dir = options.dataDir ? path.join(options.dataDir, 'pglite') : undefined;
    if (dir) fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const client = await PGlite.create({ dataDir: dir, loadDataDir: options.loadDataDir });
    if (dir) makePrivate(dir);
    const db = drizzlePglite(client, { schema }) as unknown as Db;
    return {
      db,
      kind: 'pglite',
      close: async () => {
        await client.close();
        if (dir) makePrivate(dir);
        await release();
      },
    };
  } catch (err) {
    await release();
    throw err;
  }
}
