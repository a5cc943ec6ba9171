import fs from 'node:fs';
import path from 'node:path';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { buildApp } from './app.js';
import type { Config } from './config.js';
import { openDatabase, type Database } from './db/client.js';
import { migrate } from './db/migrate.js';
import { JOBS } from './jobs/jobs.js';
import { startJobRunner, type JobRunner } from './jobs/runner.js';
import { randomSecret } from './security/secrets.js';
import { findTools, type Tools } from './media/tools.js';
import type { Enqueue } from './modules/evidence/evidence.service.js';
import { settlePersonaKey } from './modules/persona-keys/persona-keys.service.js';
import { loadPersonaKey } from './security/persona-key.js';
import { createServices, type Services, type Surroundings } from './services.js';
import type { EvidenceStore } from './storage/evidence-store.js';
import { openEvidenceStore } from './storage/open-store.js';

/** Opens the configured database (PGlite under DATA_DIR unless DATABASE_URL is set). */
export const openConfiguredDatabase = (config: Config, holder: string): Promise<Database> =>
  config.databaseUrl
    ? openDatabase({ kind: 'postgres', url: config.databaseUrl })
    : openDatabase({ kind: 'pglite', dataDir: config.dataDir, holder });

/** The cookie-signing secret: SESSION_SECRET, or one generated once into DATA_DIR (mode 0600). */
function sessionSecret(config: Config): string {
  if (config.sessionSecret) return config.sessionSecret;
  const file = path.join(config.dataDir, 'session-secret');
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  fs.mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const secret = randomSecret(48);
  fs.writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

/**
 * The external tools, looked for once per process: asking each for its version takes half a second
 * (yt-dlp starts slowly), and they do not come and go while the process runs. Restart the server
 * after installing one.
 */
let toolsFound: Promise<Tools> | undefined;
const toolsOfThisMachine = () => (toolsFound ??= findTools());

/**
 * What the services take from outside the database (issue 12): the evidence store (its key made
 * at first start), the external tools found on this machine, the outbox, which sends through
 * the job runner once `bind` gives it one, and the persona key (decision 020; a broken key file
 * stops the start here).
 */
export async function openSurroundings(config: Config, found?: Tools, wrapStore = (s: EvidenceStore) => s) {
  const personaKey = loadPersonaKey(config.personas.key, config.dataDir);
  const store = wrapStore(await openEvidenceStore(config));
  const tools = found ?? (await toolsOfThisMachine());
  let runner: JobRunner | null = null;
  const enqueue: Enqueue = (tx, name, data, options) => {
    if (!runner) throw new Error('This process sends no background jobs (started without a job runner)');
    return runner.enqueue(tx, name, data, options);
  };
  const surroundings: Surroundings = { store, tools, enqueue, personaKey };
  return { surroundings, bind: (r: JobRunner) => void (runner = r) };
}

/**
 * Migrations, a persona key rotation a crash left half-way settled by the rows' key ids (decision
 * 020; PERSONA_KEY is the operator's and is used as set), the services, then the seeded platform
 * directory.
 */
export async function prepare(database: Database, config: Config, surroundings: Surroundings, clock?: () => Date): Promise<Services> {
  await migrate(database);
  const personaKey = config.personas.key
    ? surroundings.personaKey
    : await settlePersonaKey(database.db, config.dataDir, surroundings.personaKey);
  const services = createServices(database.db, config, { ...surroundings, personaKey }, clock);
  await services.platforms.seed();
  return services;
}

export type RuntimeOptions = {
  /** Named in DATA_DIR's lock while this process holds the embedded database. */
  holder: string;
  /** A database already open (the tests'), closed by `stop` like one the runtime opens. */
  database?: Database;
  /** Build the web app (not for a CLI command). Default true. */
  app?: boolean;
  /**
   * `work`: run the jobs and their schedules; `send`: only send them (and read their state);
   * `none`: no job runner. Default `none`.
   */
  jobs?: 'work' | 'send' | 'none';
  /** Seconds between a worker's polls; JOBS_POLL_SECONDS unless given. */
  pollingIntervalSeconds?: number;
  clock?: () => Date;
  logger?: FastifyServerOptions['logger'];
  /** The external tools as this machine has them; found on PATH unless given (a test of a machine without them). */
  tools?: Tools;
  /** A test's hand on the evidence store (to make the retention sweep's race happen on cue); the store itself unless given. */
  wrapStore?: (store: EvidenceStore) => EvidenceStore;
};

export type Runtime = {
  database: Database;
  db: Database['db'];
  services: Services;
  /** Present unless `app: false`. */
  app: FastifyInstance | null;
  /** Present unless `jobs: 'none'`. */
  jobs: JobRunner | null;
  config: Config;
  /** Stops in the reverse order: jobs (letting running ones finish), the app, the database. */
  stop(): Promise<void>;
};

/**
 * The one place that starts and stops the service (issue 11), for server.ts, the CLI and the tests:
 * the database, its migrations and seed, the services, the app, and the job runner.
 */
export async function startRuntime(loaded: Config, options: RuntimeOptions): Promise<Runtime> {
  // The lock first: a process refused because DATA_DIR is in use must not touch anything in it.
  const database = options.database ?? (await openConfiguredDatabase(loaded, options.holder));
  let app: FastifyInstance | null = null;
  let jobs: JobRunner | null = null;
  try {
    const wantsApp = options.app ?? true;
    const config = wantsApp ? { ...loaded, sessionSecret: sessionSecret(loaded) } : loaded;
    const outside = await openSurroundings(config, options.tools, options.wrapStore);
    const services = await prepare(database, config, outside.surroundings, options.clock);
    if (wantsApp) app = await buildApp({ config, db: database.db, services, logger: options.logger });
    const mode = options.jobs ?? 'none';
    if (mode !== 'none') {
      // Without the app, a logger of the same make and settings.
      const log = app?.log ?? Fastify({ logger: options.logger ?? { level: config.logLevel } }).log;
      jobs = await startJobRunner(
        database,
        JOBS,
        { services, log },
        { work: mode === 'work', pollingIntervalSeconds: options.pollingIntervalSeconds ?? config.jobsPollSeconds },
      );
      outside.bind(jobs);
    }
    let stopping: Promise<void> | undefined;
    const stop = async () => {
      await jobs?.stop();
      await app?.close();
      await database.close();
    };
    return { database, db: database.db, services, app, jobs, config, stop: () => (stopping ??= stop()) };
  } catch (err) {
    await jobs?.stop().catch(() => undefined);
    await app?.close().catch(() => undefined);
    await database.close().catch(() => undefined);
    throw err;
  }
}
