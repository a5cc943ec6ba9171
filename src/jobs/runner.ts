import type { FastifyBaseLogger } from 'fastify';
import PgBoss from 'pg-boss';
import type { Database, DbOrTx } from '../db/client.js';
import { loggableError } from '../plugins/error-handler.js';
import type { Services } from '../services.js';
import { databaseExecutor, transactionExecutor } from './executor.js';

/** What a job is given: the services (its only way to change anything) and a logger. */
type JobContext = { services: Services; log: FastifyBaseLogger };

/** One job: its queue, how it retries, when it runs by itself, and what it does (decision 012). */
export type JobDefinition = {
  name: string;
  /** pg-boss's queue policy: `singleton` lets one job of the queue run at a time, across processes. */
  policy: PgBoss.QueuePolicy;
  retryLimit: number;
  /** Seconds before the first retry; doubled at each next one (back-off). */
  retryDelay: number;
  expireInSeconds: number;
  /** A cron line in Europe/London time, for jobs that run by themselves. */
  cron?: string;
  run(context: JobContext, data: unknown): Promise<void>;
};

export type QueueState = {
  name: string;
  created: number;
  retry: number;
  active: number;
  completed: number;
  failed: number;
  lastFailure: { at: Date; message: string } | null;
};

type JobRunnerOptions = {
  /** Fetch and run jobs, keep the schedules and do pg-boss's maintenance; otherwise only send. */
  work: boolean;
  /** How often each worker asks for a job (a poll is one query; PGlite shares its one connection). */
  pollingIntervalSeconds: number;
};

const TIME_ZONE = 'Europe/London';
/** Kept short in the list: an error message may be long, and a job's data is never shown. */
const MESSAGE_LENGTH = 200;

// pg-boss keeps no "last failure" of a queue: read its tables (schema version 24, pg-boss 10).
const STATES_SQL = `
  SELECT q.name,
    count(j.id) FILTER (WHERE j.state = 'created')::int AS created,
    count(j.id) FILTER (WHERE j.state = 'retry')::int AS retry,
    count(j.id) FILTER (WHERE j.state = 'active')::int AS active,
    count(j.id) FILTER (WHERE j.state = 'completed')::int AS completed,
    count(j.id) FILTER (WHERE j.state = 'failed')::int AS failed,
    (SELECT f.completed_on FROM (SELECT completed_on, output FROM pgboss.job WHERE name = q.name AND state = 'failed'
       UNION ALL SELECT completed_on, output FROM pgboss.archive WHERE name = q.name AND state = 'failed') f
     ORDER BY f.completed_on DESC NULLS LAST LIMIT 1) AS failed_at,
    (SELECT f.output->>'message' FROM (SELECT completed_on, output FROM pgboss.job WHERE name = q.name AND state = 'failed'
       UNION ALL SELECT completed_on, output FROM pgboss.archive WHERE name = q.name AND state = 'failed') f
     ORDER BY f.completed_on DESC NULLS LAST LIMIT 1) AS failed_message
  FROM pgboss.queue q LEFT JOIN pgboss.job j ON j.name = q.name
  WHERE left(q.name, 10) <> '__pgboss__' -- its own internal queues
  GROUP BY q.name ORDER BY q.name`;

type StateRow = Omit<QueueState, 'lastFailure'> & { failed_at: Date | string | null; failed_message: string | null };

/**
 * pg-boss on the app's own database (decision 012): its schema and queues are made at start, then,
 * when `work` is set, each job's worker and schedule. `enqueue` is the outbox.
 */
export async function startJobRunner(database: Database, jobs: readonly JobDefinition[], context: JobContext, options: JobRunnerOptions) {
  const db = databaseExecutor(database);
  const boss = new PgBoss({ db, schedule: options.work, supervise: options.work, migrate: true });
  boss.on('error', (err) => context.log.error({ err }, 'job runner error'));
  await boss.start();
  const byName = new Map(jobs.map((j) => [j.name, j]));

  for (const job of jobs) {
    const queue = {
      name: job.name,
      policy: job.policy,
      retryLimit: job.retryLimit,
      retryDelay: job.retryDelay,
      retryBackoff: true,
      expireInSeconds: job.expireInSeconds,
    };
    await boss.createQueue(job.name, queue);
    await boss.updateQueue(job.name, queue);
  }
  if (options.work) {
    for (const job of jobs) {
      await boss.work(job.name, { pollingIntervalSeconds: options.pollingIntervalSeconds, batchSize: 1 }, async ([j]) => {
        const log = context.log.child({ job: job.name, jobId: j!.id });
        log.info('job started');
        try {
          await job.run({ ...context, log }, j!.data);
        } catch (err) {
          // What is thrown is kept in pgboss.job.output and shown by `cli jobs`: a database error's
          // message quotes values, so it goes there and to the log as its code and statement only.
          const safe = loggableError(err);
          log.error({ err: safe }, 'job failed');
          throw new Error(
            safe.code
              ? `${String(safe.type)} ${String(safe.code)} (${String(safe.statement)})`
              : `${String(safe.type)}: ${String(safe.message)}`,
          );
        }
        log.info('job done');
      });
      if (job.cron) await boss.schedule(job.name, job.cron, {}, { tz: TIME_ZONE });
    }
  }

  const known = (name: string) => {
    if (!byName.has(name)) throw new Error(`No job named ${name}`);
  };

  return {
    /**
     * The outbox: sends a job on the transaction's own connection, so that the job exists if and
     * only if the transaction commits. Returns the job's id, or null when a singleton key held it back.
     */
    enqueue(tx: DbOrTx, name: string, data: object = {}, sendOptions: PgBoss.SendOptions = {}) {
      known(name);
      return boss.send(name, data, { ...sendOptions, db: transactionExecutor(tx) });
    },

    /** Sends a job now, outside any transaction (an operator's "run it now"). */
    send(name: string, data: object = {}, sendOptions: PgBoss.SendOptions = {}) {
      known(name);
      return boss.send(name, data, sendOptions);
    },

    /** Each queue's jobs by state and its last failure (time and message only), for `cli jobs`. */
    async states(): Promise<QueueState[]> {
      const { rows } = await db.executeSql(STATES_SQL, []);
      return (rows as StateRow[]).map(({ failed_at, failed_message, ...counts }) => ({
        ...counts,
        lastFailure: failed_at ? { at: new Date(failed_at), message: (failed_message ?? '').slice(0, MESSAGE_LENGTH) } : null,
      }));
    },

    /** Stops fetching, lets running jobs finish (up to `timeoutMs`), then stops. */
    stop: (timeoutMs = 8_000) => boss.stop({ graceful: true, wait: true, timeout: timeoutMs }),
  };
}

export type JobRunner = Awaited<ReturnType<typeof startJobRunner>>;
