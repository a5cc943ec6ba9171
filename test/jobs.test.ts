import os from 'node:os';
import { eq, sql } from 'drizzle-orm';
import PgBoss from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/client.js';
import { deletionCertificates, libraryEntries, sessions } from '../src/db/schema/index.js';
import { databaseExecutor } from '../src/jobs/executor.js';
import { JOBS } from '../src/jobs/jobs.js';
import { startJobRunner } from '../src/jobs/runner.js';
import { startRuntime, type Runtime } from '../src/runtime.js';
import { createTestApp, postgresDatabase, TEST_DB, testConfig, type TestApp } from './harness.js';
import { launch } from './processes.js';

/**
 * The job runner (issue 11, decision 012): pg-boss on the app's own database, in-process on PGlite
 * and on PostgreSQL; the outbox; the two real jobs; and, on PostgreSQL, two runtimes sharing the
 * queue with each job run once.
 */

type LogLine = { level: number; msg: string; job?: string; jobId?: string; seq?: number; problem?: string; purged?: number };

/** A logger whose lines the test reads (pino's JSON, one object a line). */
function capturedLogger() {
  const lines: LogLine[] = [];
  return { lines, logger: { level: 'info', stream: { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) } } };
}

type DbLike = Runtime['db'];

/** The job's pg-boss state, read from its table. */
async function jobState(db: DbLike, id: string): Promise<string | undefined> {
  const { rows } = await db.execute<{ state: string }>(sql`select state from pgboss.job where id = ${id}::uuid`);
  return rows[0]?.state;
}

/** Waits, bounded, until every job is completed or failed; returns their states. */
async function settled(db: DbLike, ids: string[], timeoutMs = 20_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const states = await Promise.all(ids.map((id) => jobState(db, id)));
    if (states.every((s) => s === 'completed' || s === 'failed')) return states as string[];
    if (Date.now() > deadline) throw new Error(`jobs not done in time: ${states.join(', ')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const jobsNamed = async (db: DbLike, name: string) =>
  Number((await db.execute<{ n: number }>(sql`select count(*)::int as n from pgboss.job where name = ${name}`)).rows[0]!.n);

const runsOf = (lines: LogLine[], id: string) => lines.filter((l) => l.jobId === id && l.msg === 'job started').length;

describe(`background jobs on ${TEST_DB}`, () => {
  let t: TestApp;
  const log = capturedLogger();

  beforeAll(async () => {
    t = await createTestApp({ jobs: 'work', logger: log.logger });
  });
  afterAll(() => t?.close());

  it('makes its queues with retries and back-off, and schedules the nightly jobs in London time', async () => {
    const { rows } = await t.db.execute<{ name: string; policy: string; retry_limit: number; retry_backoff: boolean }>(
      sql`select name, policy, retry_limit, retry_backoff from pgboss.queue where name in ('audit-verify', 'retention-sweep', 'session-purge') order by name`,
    );
    expect(rows).toEqual([
      { name: 'audit-verify', policy: 'singleton', retry_limit: 3, retry_backoff: true },
      { name: 'retention-sweep', policy: 'singleton', retry_limit: 3, retry_backoff: true },
      { name: 'session-purge', policy: 'singleton', retry_limit: 3, retry_backoff: true },
    ]);
    const schedules = await t.db.execute<{ name: string; cron: string; timezone: string }>(
      sql`select name, cron, timezone from pgboss.schedule order by name`,
    );
    expect(schedules.rows).toEqual([
      { name: 'audit-verify', cron: '0 2 * * *', timezone: 'Europe/London' },
      { name: 'retention-sweep', cron: '15 3 * * *', timezone: 'Europe/London' },
      { name: 'session-purge', cron: '30 2 * * *', timezone: 'Europe/London' },
    ]);
  });

  it('outbox: a job sent in a transaction that rolls back does not exist', async () => {
    const before = await jobsNamed(t.db, 'session-purge');
    await expect(
      t.db.transaction(async (tx) => {
        await t.services.audit.record(tx, { actor: null, operation: 'alter', entity: 'outbox-test', entityId: 'rolled-back' });
        await t.jobs!.enqueue(tx, 'session-purge');
        throw new Error('the change fails');
      }),
    ).rejects.toThrow('the change fails');
    expect(await jobsNamed(t.db, 'session-purge')).toBe(before);
    const { rows } = await t.db.execute(sql`select 1 from audit_log where entity = 'outbox-test'`);
    expect(rows).toHaveLength(0);
  });

  it('outbox: a job sent in a transaction that commits exists once and runs once', async () => {
    const before = await jobsNamed(t.db, 'audit-verify');
    const id = await t.db.transaction(async (tx) => {
      await t.services.audit.record(tx, { actor: null, operation: 'alter', entity: 'outbox-test', entityId: 'committed' });
      return t.jobs!.enqueue(tx, 'audit-verify');
    });
    expect(id).toEqual(expect.any(String));
    expect(await jobsNamed(t.db, 'audit-verify')).toBe(before + 1);
    expect(await settled(t.db, [id!])).toEqual(['completed']);
    expect(runsOf(log.lines, id!)).toBe(1);
  });

  it('audit verify stores an intact result, shown to auditors', async () => {
    const id = await t.jobs!.send('audit-verify');
    expect(await settled(t.db, [id!])).toEqual(['completed']);
    const entries = Number((await t.db.execute<{ n: number }>(sql`select count(*)::int as n from audit_log`)).rows[0]!.n);
    expect(await t.services.audit.lastCheck()).toMatchObject({ ok: true, entries, faultSeq: null, faultProblem: null });

    const auditor = await t.browser(await t.user(['auditor']));
    const page = await auditor.get('/audit');
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(new RegExp(`Last checked: [^<]+, intact \\(${entries} entries\\)`));
  });

  it('audit verify stores a broken result naming the first bad entry, and logs it as an error', async () => {
    const [row] = (await t.db.execute<{ seq: number }>(sql`select seq::int as seq from audit_log where entity = 'outbox-test'`)).rows;
    const seq = row!.seq;
    await t.db.execute(sql`update audit_log set actor_username = 'someone.else' where seq = ${seq}`);

    const id = await t.jobs!.send('audit-verify');
    // A broken chain is the job's answer, not its failure: no retry would find otherwise.
    expect(await settled(t.db, [id!])).toEqual(['completed']);
    expect(await t.services.audit.lastCheck()).toMatchObject({ ok: false, entries: seq - 1, faultSeq: seq });
    const error = log.lines.find((l) => l.jobId === id && l.level === 50);
    expect(error).toMatchObject({ msg: 'audit chain broken', seq, problem: expect.stringContaining('altered') });
    // The entry's number and what is wrong with it; none of its contents.
    expect(JSON.stringify(error)).not.toContain('someone.else');

    const auditor = await t.browser(await t.user(['auditor']));
    expect((await auditor.get('/audit')).body).toContain(`broken at entry ${seq}: its contents do not match its hash`);
  });

  it('session purge deletes expired sessions only', async () => {
    const u = await t.user(['requester']);
    const now = Date.now();
    const minutes = (n: number) => new Date(now - n * 60_000);
    const { idleMinutes, absoluteHours } = t.config.session;
    await t.db.insert(sessions).values([
      { idHash: 'purge-fresh', userId: u.id, createdAt: minutes(5), lastSeenAt: minutes(1) },
      { idHash: 'purge-idle', userId: u.id, createdAt: minutes(idleMinutes + 10), lastSeenAt: minutes(idleMinutes + 1) },
      { idHash: 'purge-too-old', userId: u.id, createdAt: minutes(absoluteHours * 60 + 1), lastSeenAt: minutes(1) },
    ]);
    const id = await t.jobs!.send('session-purge');
    expect(await settled(t.db, [id!])).toEqual(['completed']);
    const { rows } = await t.db.execute<{ id_hash: string }>(sql`select id_hash from sessions where id_hash like 'purge-%'`);
    expect(rows.map((r) => r.id_hash)).toEqual(['purge-fresh']);
    expect(log.lines.find((l) => l.jobId === id && l.msg === 'expired sessions purged')).toMatchObject({ purged: 2 });
  });

  it('runs the retention sweep as a job: an expired library entry goes, leaving its certificate (SOP 10.8, 2.2)', async () => {
    const [entry] = await t.db
      .insert(libraryEntries)
      .values({
        reference: 'OHRT-2024-000777',
        contentTitle: 'Block 7 – “Smoke”',
        contentUrl: 'https://youtu.be/smoke',
        platforms: ['youtube'],
        rationale: 'Goads a rival estate',
        summary: 'Drill track',
        termsBreached: [],
        removedOn: '2024-01-02',
        expiresOn: '2025-01-02',
        createdAt: new Date('2024-01-02T10:00:00Z'),
      })
      .returning({ id: libraryEntries.id });
    const id = await t.jobs!.send('retention-sweep');
    expect(await settled(t.db, [id!])).toEqual(['completed']);
    expect(await t.db.select().from(libraryEntries).where(eq(libraryEntries.id, entry!.id))).toEqual([]);
    expect(await t.db.select().from(deletionCertificates).where(eq(deletionCertificates.entityId, entry!.id))).toHaveLength(1);
    expect(log.lines.find((l) => l.jobId === id && l.msg === 'retention sweep done')).toMatchObject({ deleted: 1, failed: 0 });
  });

  it('keeps a failed job with its error, by code and statement only, and lists each queue with its counts', async () => {
    // The purge's table gone for a moment: its query fails as a database error would.
    await t.db.execute(sql`alter table sessions rename to sessions_away`);
    try {
      const id = await t.jobs!.send('session-purge', {}, { retryLimit: 0 });
      expect(await settled(t.db, [id!])).toEqual(['failed']);
      expect(log.lines.find((l) => l.jobId === id && l.msg === 'job failed')).toMatchObject({ level: 50 });
    } finally {
      await t.db.execute(sql`alter table sessions_away rename to sessions`);
    }
    const states = await t.jobs!.states();
    expect(states.map((q) => q.name)).toEqual([
      'audit-verify',
      'evidence-analyse',
      'evidence-capture',
      'evidence-fingerprint',
      'retention-sweep',
      'session-purge',
    ]);
    expect(states[0]).toMatchObject({ completed: 3, failed: 0, lastFailure: null });
    const purge = states.find((q) => q.name === 'session-purge')!;
    expect(purge).toMatchObject({
      completed: 1,
      failed: 1,
      lastFailure: { at: expect.any(Date), message: expect.stringContaining('42P01') },
    });
    // Not the SQL text (the parameters a statement carries may be personal data).
    expect(purge.lastFailure!.message).not.toMatch(/\$1|select|where/i);
  });
});

describe(`pg-boss's own schema on ${TEST_DB}`, () => {
  it('migrates from an earlier version through the adapter (several statements in one text)', async () => {
    const t = await createTestApp({ jobs: 'send' });
    try {
      const db = databaseExecutor(t.database);
      const version = async () =>
        Number((await db.executeSql('select version from pgboss.version', [])).rows.map((r) => (r as { version: number }).version)[0]);
      expect(await version()).toBe(24);
      // Back to version 22 (24 → 23 → 22: the second drops the job table's primary key) ...
      // (pg-boss's types say a string; it looks the version up as a number.)
      for (const from of [24, 23]) await db.executeSql(PgBoss.getRollbackPlans('pgboss', from as unknown as string), []);
      expect(await version()).toBe(22);
      // ... and a runner's start brings it forward again, and works.
      const again = await startJobRunner(
        t.database,
        JOBS,
        { services: t.services, log: t.app.log },
        { work: false, pollingIntervalSeconds: 1 },
      );
      try {
        expect(await version()).toBe(24);
        expect(await again.send('session-purge')).toEqual(expect.any(String));
      } finally {
        await again.stop();
      }
    } finally {
      await t.close();
    }
  });
});

describe.runIf(TEST_DB === 'postgres')('two processes on one PostgreSQL', () => {
  it('run each job once between them', { timeout: 60_000 }, async () => {
    const shared = await postgresDatabase();
    const logs = [capturedLogger(), capturedLogger()];
    const options = { holder: 'tests', jobs: 'work', pollingIntervalSeconds: 0.5 } as const;
    const first = await startRuntime(testConfig(), { ...options, database: shared, logger: logs[0]!.logger });
    const second = await startRuntime(testConfig(), {
      ...options,
      database: await openDatabase({ kind: 'postgres', url: shared.url, poolSize: 4 }),
      logger: logs[1]!.logger,
    });
    try {
      // Distinct singleton keys, so that both may run the queue's jobs at once.
      const ids = await Promise.all(Array.from({ length: 16 }, (_, i) => first.jobs!.send('session-purge', {}, { singletonKey: `k${i}` })));
      expect(new Set(ids).size).toBe(16);
      expect(await settled(first.db, ids as string[], 30_000)).toEqual(Array(16).fill('completed'));
      const lines = [...logs[0]!.lines, ...logs[1]!.lines];
      for (const id of ids) expect(runsOf(lines, id!)).toBe(1);
    } finally {
      await second.stop();
      await first.stop();
    }
  });

  it('run each job once between two server processes, which stop cleanly', { timeout: 180_000 }, async () => {
    const shared = await postgresDatabase();
    const env = {
      ...process.env,
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      DATABASE_URL: shared.url,
      SESSION_SECRET: 'test-secret-test-secret-test-secret-0123456789',
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: os.tmpdir(),
      JOBS_POLL_SECONDS: '0.5',
    };
    const servers = await Promise.all([0, 1].map(() => launch('server', [], { env, timeoutMs: 170_000 })));
    const sender = await startRuntime(testConfig(), { holder: 'tests', database: shared, app: false, jobs: 'send' });
    try {
      const deadline = Date.now() + 120_000;
      while (!servers.every((s) => s.output().includes('Server listening'))) {
        if (Date.now() > deadline || servers.some((s) => s.child.exitCode !== null))
          throw new Error(servers.map((s) => s.output()).join('\n'));
        await new Promise((r) => setTimeout(r, 200));
      }
      const ids = await Promise.all(
        Array.from({ length: 12 }, (_, i) => sender.jobs!.send('session-purge', {}, { singletonKey: `p${i}` })),
      );
      expect(await settled(sender.db, ids as string[], 60_000)).toEqual(Array(12).fill('completed'));
      const lines = servers.flatMap((s) =>
        s
          .output()
          .split('\n')
          .filter((l) => l.startsWith('{'))
          .map((l) => JSON.parse(l) as LogLine),
      );
      for (const id of ids) expect(runsOf(lines, id!)).toBe(1);
    } finally {
      for (const s of servers) s.child.kill('SIGTERM');
      const codes = await Promise.all(servers.map((s) => s.exited));
      await sender.stop();
      // On a failure, what the servers said is the message.
      expect(codes, servers.map((s) => s.output().slice(-3000)).join('\n----\n')).toEqual([0, 0]);
    }
  });
});
