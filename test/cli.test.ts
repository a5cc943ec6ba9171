import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../src/db/client.js';
import { TEST_DB } from './harness.js';
import {
  childEnv as envFor,
  freePort,
  killChildren,
  runToEnd,
  startServer as start,
  temporaryDir,
  throwawayDatabase,
} from './processes.js';

/**
 * The real command line (`npm run cli`), run as child processes on a temporary DATA_DIR, or on a
 * fresh PostgreSQL database when this project runs on TEST_DATABASE_URL. The steps share one
 * database and run in order: each child start costs seconds.
 */

const PASSWORD = 'a long enough password';
const ON_PGLITE = TEST_DB === 'pglite';

type Run = { code: number | null; stdout: string; stderr: string; ms: number };

let dataDir: ReturnType<typeof temporaryDir>;
let database: Awaited<ReturnType<typeof throwawayDatabase>> | undefined;
let databaseUrl: string | undefined;

const childEnv = (extra: Record<string, string> = {}) => envFor({ dataDir: dataDir.dir, databaseUrl }, extra);

/** Runs the command line (`npm run cli -- args…`), with `input` on standard input, killed after `timeoutMs`. */
const cli = (args: string[], input = '', timeoutMs = 60_000, env: Record<string, string> = {}): Promise<Run> =>
  runToEnd('cli', args, { env: childEnv(env), timeoutMs, input });

const startServer = async () => start(childEnv(), await freePort());

/** Opens the database the CLI wrote to, in this process (only once the CLI has exited: PGlite is locked). */
const openCliDatabase = (): Promise<Database> =>
  databaseUrl
    ? openDatabase({ kind: 'postgres', url: databaseUrl, poolSize: 1 })
    : openDatabase({ kind: 'pglite', dataDir: dataDir.dir, holder: 'test' });

beforeAll(async () => {
  dataDir = temporaryDir('rd-cli-');
  if (TEST_DB === 'postgres') {
    database = await throwawayDatabase('rd_cli');
    databaseUrl = database.url;
  }
});

afterAll(async () => {
  killChildren();
  await database?.drop();
  dataDir.remove();
});

describe(`the command line on ${TEST_DB}`, () => {
  it('migrate applies the migrations to a new database', { timeout: 120_000 }, async () => {
    const r = await cli(['migrate'], '', 110_000);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Migrations applied.');
  });

  it('audit verify exits 0 on a fresh database', { timeout: 60_000 }, async () => {
    const r = await cli(['audit', 'verify']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Audit chain intact: \d+ entries verified/);
  });

  it('user add creates an account with the password piped on standard input', { timeout: 60_000 }, async () => {
    const r = await cli(
      [
        'user',
        'add',
        '--username',
        'ria.patel',
        '--name',
        'Ria Patel',
        '--roles',
        'requester',
        '--ocu',
        'Central West',
        '--unit',
        'Gangs Unit',
        '--password-stdin',
      ],
      `${PASSWORD}\n`,
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Added ria.patel (requester).');
  });

  // The role and the password are refused before any database is opened: checked on the embedded one only (CI's time).
  it.each([
    ...(ON_PGLITE
      ? ([
          [
            'an unknown role',
            ['--username', 'sam.lee', '--roles', 'requester,wizard'],
            PASSWORD,
            /^roles\[1\]: Choose a role from the list/m,
          ],
          [
            'a short password',
            ['--username', 'sam.lee', '--roles', 'requester'],
            'short',
            /^password: Password must be at least 12 characters/m,
          ],
        ] as const)
      : []),
    [
      'a username already taken',
      ['--username', 'ria.patel', '--roles', 'requester'],
      PASSWORD,
      /^username: That username is already taken/m,
    ] as const,
  ])('user add refuses %s, naming the field', { timeout: 60_000 }, async (_, args, password, message) => {
    const r = await cli(['user', 'add', '--name', 'Sam Lee', ...args, '--password-stdin'], `${password}\n`);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });

  // Configuration is refused before any database is opened: on the embedded one only.
  it.runIf(ON_PGLITE)('a bad configuration value stops a command with a message naming it, exit code 2', { timeout: 60_000 }, async () => {
    const r = await cli(['audit', 'verify'], '', 60_000, { DATABASE_URL: 'mysql://x' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^Invalid configuration:\n {2}DATABASE_URL: /);
  });

  it('token create prints only a bearer token, which reads the API until token revoke', { timeout: 180_000 }, async () => {
    const created = await cli(['token', 'create', '--username', 'ria.patel']);
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^rd_[A-Za-z0-9_-]{20,}\n$/);
    const authorization = `Bearer ${created.stdout.trim()}`;

    let server = await startServer();
    const platforms = await fetch(`${server.url}/api/v1/platforms`, { headers: { authorization } });
    expect(platforms.status).toBe(200);
    const list = (await platforms.json()) as { key: string }[];
    expect(list.map((p) => p.key).sort()).toEqual([
      'facebook',
      'instagram',
      'reddit',
      'snapchat',
      'telegram',
      'tiktok',
      'whatsapp',
      'x',
      'youtube',
    ]);
    expect((await fetch(`${server.url}/api/v1/platforms`)).status).toBe(401);

    // The embedded database has one user at a time, so the server stops while the CLI runs.
    if (!databaseUrl) expect(await server.stop()).toBe(0);
    const revoked = await cli(['token', 'revoke', '--username', 'ria.patel']);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toContain('Revoked 1 token(s).');
    if (!databaseUrl) server = await startServer();
    const after = await fetch(`${server.url}/api/v1/platforms`, { headers: { authorization } });
    expect(after.status).toBe(401);
    expect(await server.stop()).toBe(0);
  });

  it('jobs lists each queue with its counts and its last failure, without the job’s data', { timeout: 90_000 }, async () => {
    // A failed job, as a worker leaves one whose retries ran out (the server above made the queues).
    const database = await openCliDatabase();
    try {
      await database.db.execute(
        sql`insert into pgboss.job (name, data, state, output, completed_on)
            values ('session-purge', '{"username":"ria.patel"}'::jsonb, 'failed', '{"message":"connection terminated"}'::jsonb, now())`,
      );
    } finally {
      await database.close();
    }

    const r = await cli(['jobs']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^audit-verify: created \d+, retry \d+, active \d+, completed \d+, failed 0$/m);
    expect(r.stdout).toMatch(/^session-purge: created \d+, retry \d+, active \d+, completed \d+, failed 1$/m);
    expect(r.stdout).toMatch(/^ {2}last failure \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ: connection terminated$/m);
    expect(r.stdout).not.toContain('ria.patel');
  });

  it('audit verify exits non-zero naming the first entry altered in the table', { timeout: 90_000 }, async () => {
    // Alter one entry behind the application's back, as someone with database access might.
    const database = await openCliDatabase();
    let seq: number;
    try {
      const { rows } = await database.db.execute<{ seq: number }>(
        sql`select seq::int as seq from audit_log where entity = 'user' order by seq limit 1`,
      );
      seq = rows[0]!.seq;
      await database.db.execute(sql`update audit_log set detail = '{"username":"someone.else"}'::jsonb where seq = ${seq}`);
    } finally {
      await database.close();
    }

    const r = await cli(['audit', 'verify']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`Audit chain broken at entry ${seq}`);
  });
});
