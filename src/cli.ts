import { Command, CommanderError } from 'commander';
import { ConfigError, loadConfig } from './config.js';
import { DataDirLocked, type Database } from './db/client.js';
import { migrate } from './db/migrate.js';
import { AppError, ValidationFailed } from './errors.js';
import type { QueueState } from './jobs/runner.js';
import { openConfiguredDatabase, startRuntime, type Runtime } from './runtime.js';
import type { Services } from './services.js';
import { newUserSchema } from './modules/users/users.schemas.js';
import { PackageUnreadable, verifyPackage, type VerifyReport } from './modules/evidence/evidence-package.js';
import { printable } from './domain/evidence-manifest.js';
import { sweepLine, sweepTotal } from './domain/retention.js';
import { parse } from './validation.js';
import { KeyFileError } from './security/key-file.js';

/** Exit codes: 0 done, 1 the command failed (e.g. a broken audit chain), 2 bad usage or configuration, 3 database busy. */
async function withDatabase<T>(fn: (database: Database) => Promise<T>): Promise<T> {
  const database = await openConfiguredDatabase(loadConfig(), 'the Referral Desk CLI');
  try {
    return await fn(database);
  } finally {
    await database.close();
  }
}

/** The runtime without the web app; with the job runner only to send jobs and read their state, never to run them. */
async function withRuntime<T>(jobs: 'send' | 'none', fn: (runtime: Runtime) => Promise<T>): Promise<T> {
  const runtime = await startRuntime(loadConfig(), { holder: 'the Referral Desk CLI', app: false, jobs });
  try {
    return await fn(runtime);
  } finally {
    await runtime.stop();
  }
}

const withServices = <T>(fn: (services: Services) => Promise<T>) => withRuntime('none', (r) => fn(r.services));

const when = (d: Date) =>
  d
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');

/** One line a queue: its counts by state, then its last failure when it has one. */
function queueLines(q: QueueState): string[] {
  const counts = `created ${q.created}, retry ${q.retry}, active ${q.active}, completed ${q.completed}, failed ${q.failed}`;
  const lines = [`${q.name}: ${counts}`];
  if (q.lastFailure) lines.push(`  last failure ${when(q.lastFailure.at)}: ${q.lastFailure.message}`);
  return lines;
}

/**
 * A package's verification as the recipient reads it: one line a file (`ok  path  sha256` or
 * `BAD path  reason`), one a problem, the package's own SHA-256, then the verdict. Text from the
 * package is escaped: a hostile name must not drive the terminal.
 */
function verifyLines(report: VerifyReport): string[] {
  const lines = report.files.map((f) => (f.ok ? `ok  ${f.path}  ${f.sha256}` : `BAD ${printable(f.path)}  ${printable(f.reason!)}`));
  lines.push(...report.problems.map((p) => `BAD (package)  ${printable(p)}`), `Package SHA-256: ${report.packageSha256}`);
  if (report.ok) {
    lines.push(`Verified: all ${report.files.length} files match the manifest of ${printable(report.manifest!.reference)}.`);
    return lines;
  }
  const failed = report.files.filter((f) => !f.ok).length;
  const counts = [
    ...(failed > 0 ? [`${failed} of ${report.files.length} files failed`] : []),
    ...(report.problems.length > 0 ? [`${report.problems.length} problem(s) with the package`] : []),
  ];
  lines.push(`NOT verified: ${counts.join(', ')}.`);
  return lines;
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) throw new ValidationFailed([{ path: 'password', message: 'Pipe the password on standard input' }]);
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

const program = new Command('referral-desk').description('Referral Desk command line').exitOverride();

program
  .command('migrate')
  .description('apply the database migrations')
  .action(() =>
    withDatabase(async (d) => {
      await migrate(d);
      console.log('Migrations applied.');
    }),
  );

const user = program.command('user').description('accounts');
user
  .command('add')
  .description('add a local account; the password is read from standard input')
  .requiredOption('--username <username>')
  .requiredOption('--name <name>', 'display name')
  .requiredOption('--roles <roles>', 'comma-separated roles')
  .option('--ocu <ocu>')
  .option('--unit <unit>')
  .requiredOption('--password-stdin', 'read the password from standard input')
  .action(async (o: { username: string; name: string; roles: string; ocu?: string; unit?: string }) => {
    const password = await readStdin();
    const input = parse(newUserSchema, {
      username: o.username,
      displayName: o.name,
      roles: o.roles
        .split(',')
        .map((r) => r.trim())
        .filter(Boolean),
      ocu: o.ocu,
      unit: o.unit,
      password,
    });
    await withServices(async (s) => {
      const created = await s.users.create(null, input, false);
      console.log(`Added ${created.username} (${created.roles.join(', ')}).`);
    });
  });

const token = program.command('token').description('API bearer tokens');
token
  .command('create')
  .description('create a bearer token and print it (only its hash is kept)')
  .requiredOption('--username <username>')
  .action((o: { username: string }) =>
    withServices(async (s) => {
      const { token: t } = await s.users.createToken(null, o.username);
      process.stdout.write(`${t}\n`);
    }),
  );
token
  .command('revoke')
  .description("revoke a user's tokens (all, or one by --id)")
  .requiredOption('--username <username>')
  .option('--id <id>')
  .action((o: { username: string; id?: string }) =>
    withServices(async (s) => {
      const n = await s.users.revokeTokens(null, o.username, o.id);
      console.log(`Revoked ${n} token(s).`);
    }),
  );

program
  .command('audit')
  .description('the audit log')
  .command('verify')
  .description('recompute the hash chain; exit 0 if intact, 1 naming the first bad entry')
  .action(() =>
    withServices(async (s) => {
      const r = await s.audit.verify();
      if (r.ok) {
        console.log(`Audit chain intact: ${r.entries} entries verified.`);
      } else {
        console.error(`Audit chain broken at entry ${r.fault.seq}: ${r.fault.problem}. (${r.entries} entries before it verified.)`);
        process.exitCode = 1;
      }
    }),
  );

program
  .command('jobs')
  .description("the background job queues: jobs by state, and each queue's last failure")
  .action(() =>
    withRuntime('send', async (r) => {
      for (const q of await r.jobs!.states()) console.log(queueLines(q).join('\n'));
    }),
  );

program
  .command('retention')
  .description('retention (SOP 10.8, 2.2; DPA 2018 s.39)')
  .command('sweep')
  .description(
    'delete the library entries expired and the closed referrals past 12 months, not held, each with a certificate; one line per record, then a total',
  )
  .option('--dry-run', 'list what is due; change nothing')
  .action((o: { dryRun?: boolean }) =>
    withServices(async (s) => {
      const dryRun = o.dryRun === true;
      const items = await s.retention.sweep({
        dryRun,
        onError: (reference, err) => console.error(`${reference}: ${err instanceof Error ? err.message : String(err)}`),
      });
      console.log([...items.map(sweepLine), sweepTotal(items, dryRun)].join('\n'));
      if (items.some((i) => i.outcome === 'failed')) process.exitCode = 1;
    }),
  );

program
  .command('personas')
  .description('the persona register (issue 14)')
  .command('rotate-key')
  .description('re-seal every persona secret with a new key, all or nothing (decision 020); stop the server first')
  .action(() =>
    withServices(async (s) => {
      let announced = false;
      try {
        const r = await s.personaKeys.rotate((key) => {
          announced = true;
          console.error(
            'PERSONA_KEY is set: the new key is printed once, below, on standard output. Put it in your secret store as ' +
              'PERSONA_KEY before the next start: from now on only it opens the persona secrets.',
          );
          process.stdout.write(`${key.key.toString('hex')}\n`);
        });
        const line = `Re-sealed ${r.resealed} secret(s) of ${r.personas} persona(s) with key ${r.keyId} (was ${r.previousKeyId}).`;
        if (announced) console.error(line);
        else console.log(line);
      } catch (err) {
        if (announced) console.error('Nothing was re-sealed: keep PERSONA_KEY as it is and discard the key printed above.');
        throw err;
      }
    }),
  );

program
  .command('evidence')
  .description('evidence packages')
  .command('verify')
  .description('check every file of a package against its manifest; exit 0 if all verify, 1 if any fails')
  .argument('<file>', 'the package (.zip)')
  // The file alone: no configuration, database or runtime, so a recipient can run it (issue 12 point 5).
  .action(async (file: string) => {
    let report;
    try {
      report = await verifyPackage(file);
    } catch (err) {
      if (!(err instanceof PackageUnreadable)) throw err;
      console.error(err.message);
      process.exitCode = 2;
      return;
    }
    console.log(verifyLines(report).join('\n'));
    if (!report.ok) process.exitCode = 1;
  });

program.parseAsync(process.argv).catch((err: unknown) => {
  if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? 0 : 2);
  if (err instanceof DataDirLocked) {
    console.error(err.message);
    process.exit(3);
  }
  if (err instanceof ValidationFailed) {
    for (const f of err.fields) console.error(`${f.path}: ${f.message}`);
    process.exit(2);
  }
  if (err instanceof ConfigError || err instanceof KeyFileError || err instanceof AppError) {
    console.error(err.message);
    process.exit(2);
  }
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
