import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/client.js';
import { migrate } from '../src/db/migrate.js';
import {
  auditLog,
  deletionCertificates,
  libraryEntries,
  referrals,
  retainedSubjectFacts,
  subjects,
  users,
} from '../src/db/schema/index.js';
import { TEST_DB } from './harness.js';
import { childEnv, killChildren, runToEnd, temporaryDir, throwawayDatabase, withChildDatabase } from './processes.js';

/**
 * `npm run cli -- retention sweep [--dry-run]` (issue 13 point 3) as a child process, on a
 * temporary DATA_DIR or a fresh PostgreSQL database: one line per record (reference, what
 * happened, the rule), then a total. Two runs: each child start costs seconds.
 */

let dataDir: ReturnType<typeof temporaryDir>;
let database: Awaited<ReturnType<typeof throwawayDatabase>> | undefined;

/** The CLI's database, opened in this process only while no CLI runs (PGlite is locked). */
const withDb = <T>(fn: (d: Database) => Promise<T>) => withChildDatabase({ dataDir: dataDir.dir, databaseUrl: database?.url }, fn);

const cli = (args: string[]) =>
  runToEnd('cli', args, { env: childEnv({ dataDir: dataDir.dir, databaseUrl: database?.url }), timeoutMs: 110_000 });

const entry = (reference: string, removedOn: string, expiresOn: string, held = false) => ({
  reference,
  contentTitle: 'Block 7 – “Smoke”',
  contentUrl: 'https://youtu.be/secret-smoke',
  platforms: ['youtube'],
  rationale: 'Goads a rival estate',
  summary: 'Drill track',
  termsBreached: ['Violent content'],
  removedOn,
  expiresOn,
  createdAt: new Date(`${removedOn}T10:00:00Z`),
  ...(held ? { holdInvestigationReference: 'OP-TRIDENT-77', holdReason: 'Live investigation', holdPlacedAt: new Date() } : {}),
});

let dueId: string;

beforeAll(async () => {
  dataDir = temporaryDir('rd-retention-cli-');
  if (TEST_DB === 'postgres') database = await throwawayDatabase('rd_retention_cli');
  await withDb(async (d) => {
    await migrate(d);
    const [due] = await d.db
      .insert(libraryEntries)
      .values([entry('OHRT-2024-000101', '2024-02-01', '2025-02-01'), entry('OHRT-2024-000102', '2024-02-02', '2025-02-02', true)])
      .returning({ id: libraryEntries.id });
    dueId = due!.id;
    // Issue 15 point 1: a referral closed on 10 January 2024, its 12 months over, with a subject.
    const [requester] = await d.db
      .insert(users)
      .values({ username: 'pc.requester', displayName: 'PC Requester', roles: ['requester'], passwordHash: 'x' })
      .returning({ id: users.id });
    const at = new Date('2024-01-10T10:00:00Z');
    const [referral] = await d.db
      .insert(referrals)
      .values({
        reference: 'OHRT-2024-000201',
        status: 'closed',
        outcome: 'withdrawn',
        requesterId: requester!.id,
        applicantName: 'PC Requester',
        contentTitle: 'Block 7 – “Smoke”',
        contentUrl: 'https://youtu.be/secret-smoke-2',
        contentKey: 'youtube:secret-smoke-2',
        contentUploadedOn: '2024-01-01',
        rationale: 'Goads a rival estate',
        submittedAt: at,
        closedAt: at,
      })
      .returning({ id: referrals.id });
    await d.db
      .insert(subjects)
      .values({ referralId: referral!.id, position: 0, name: '@secret_handle', category: 'suspect', ageBand: '18_24' });
  });
}, 120_000);

afterAll(async () => {
  killChildren();
  await database?.drop();
  dataDir.remove();
});

describe(`retention sweep on the command line (${TEST_DB})`, () => {
  it('lists what is due on a dry run, then deletes it with one line a record and a total', { timeout: 240_000 }, async () => {
    const rule = 'SOP 10.8, 2.2: removed musical content kept 12 months from removal on 2024-02-01, expired 2025-02-01';
    const referralRule = 'SOP 2.2, DPA 2018 s.39: closed referral kept 12 months from closure on 2024-01-10, expired 2025-01-10';
    const dry = await cli(['retention', 'sweep', '--dry-run']);
    expect(dry.stderr).toBe('');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toBe(
      `OHRT-2024-000101  due (dry run: not deleted)  ${rule}\n` +
        `OHRT-2024-000201  due (dry run: not deleted)  ${referralRule}\n` +
        'Dry run: 2 record(s) due for deletion; nothing was changed.\n',
    );

    const run = await cli(['retention', 'sweep']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      `OHRT-2024-000101  deleted  ${rule}\nOHRT-2024-000201  deleted  ${referralRule}\n2 record(s) deleted, 0 skipped, 0 failed.\n`,
    );
    expect(run.stdout).not.toMatch(/Smoke|secret|rival|OHRT-2024-000102/);

    await withDb(async (d) => {
      expect((await d.db.select().from(libraryEntries)).map((e) => e.reference)).toEqual(['OHRT-2024-000102']);
      expect(
        await d.db
          .select({ reference: deletionCertificates.reference, rule: deletionCertificates.rule })
          .from(deletionCertificates)
          .orderBy(deletionCertificates.reference),
      ).toEqual([
        { reference: 'OHRT-2024-000101', rule },
        { reference: 'OHRT-2024-000201', rule: referralRule },
      ]);
      expect(await d.db.select().from(referrals)).toEqual([]);
      expect(await d.db.select({ category: retainedSubjectFacts.category }).from(retainedSubjectFacts)).toEqual([{ category: 'suspect' }]);
      expect(await d.db.select({ op: auditLog.operation }).from(auditLog).where(eq(auditLog.entityId, dueId))).toEqual([{ op: 'erase' }]);
    });
  });
});
