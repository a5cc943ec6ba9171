import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { PgDialect } from 'drizzle-orm/pg-core';
import { chainPayload, chainTail } from '../src/domain/audit-chain.js';
import { appendStatement } from '../src/modules/audit/audit.repository.js';
import type { RawSql } from './database.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export type LoadResult = { rps: number; p50: number; p99: number; requests: number; failures: number };

export type LoadOptions = {
  url: string;
  seconds: number;
  connections: number;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  /** Varies each request: its path, or its JSON body (so intake never meets deconfliction's 409). */
  vary?: (n: number) => { path?: string; body?: string; headers?: Record<string, string> };
};

/** Concurrent requests over loopback for a bounded time with a bounded number of connections. */
export async function load(o: LoadOptions): Promise<LoadResult> {
  let n = 0;
  const { pathname, search } = new URL(o.url);
  const run = (seconds: number) =>
    autocannon({
      url: o.url,
      connections: o.connections,
      duration: seconds,
      requests: [
        {
          method: o.method ?? 'GET',
          path: pathname + search,
          headers: o.headers,
          // autocannon calls any setupRequest key it finds, even an undefined one.
          ...(o.vary
            ? {
                setupRequest: (req: autocannon.Request) => {
                  const v = o.vary!(n++);
                  return {
                    ...req,
                    ...(v.path ? { path: v.path } : {}),
                    ...(v.body ? { body: v.body } : {}),
                    ...(v.headers ? { headers: { ...req.headers, ...v.headers } } : {}),
                  };
                },
              }
            : {}),
        },
      ],
    });
  // A warm-up of a third of the phase (at most 2 s), not counted: the figures are the warm server's.
  await run(Math.min(2, o.seconds / 3));
  const result = await run(o.seconds);
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    failures: result.non2xx + result.errors + result.timeouts,
  };
}

const dialect = new PgDialect();

/**
 * Ceiling B: what intake must write at least (a referral, its platform, its event and its audit
 * entry, appended by the application's own statement) as one raw SQL transaction through the same
 * driver, from `concurrency` callers for a bounded time. Keeps the audit chain valid.
 */
export async function rawIntakeCeiling(
  q: RawSql,
  o: { seconds: number; concurrency: number; requester: { id: string; username: string } },
) {
  const deadline = performance.now() + o.seconds * 1000;
  let done = 0;
  const began = performance.now();
  const worker = async () => {
    while (performance.now() < deadline) {
      await q.transaction(async (tx) => {
        const id = randomUUID();
        const now = new Date();
        const url = `https://www.youtube.com/watch?v=ceilingb-${id}`;
        await tx(
          `insert into referrals (id, reference, status, requester_id, applicant_name, content_title, content_url, content_key, content_uploaded_on, rationale, submitted_at)
           values ($1, $2, 'submitted', $3, 'Bench', 'Ceiling B', $4, $4, $5, 'Ceiling B', $6)`,
          [id, `BENCHB-${id}`, o.requester.id, url, now.toISOString().slice(0, 10), now.toISOString()],
        );
        await tx(`insert into referral_platforms (referral_id, platform) values ($1, 'youtube')`, [id]);
        await tx(
          `insert into referral_events (referral_id, at, actor_id, action, to_status) values ($1, $2, $3, 'submitted', 'submitted')`,
          [id, now.toISOString(), o.requester.id],
        );
        // The audit entry as the application appends it: one statement (decision 008).
        const entry = {
          at: now,
          actorId: o.requester.id,
          actorUsername: o.requester.username,
          operation: 'collect' as const,
          entity: 'referral',
          entityId: id,
          purpose: null,
          recipient: null,
          detail: { reference: `BENCHB-${id}`, platforms: 1, incidentReferences: 0, subjects: 0 },
        };
        const append = dialect.sqlToQuery(appendStatement({ ...entry, tail: chainTail(entry) }));
        await tx(append.sql, append.params);
      });
      done++;
    }
  };
  await Promise.all(Array.from({ length: o.concurrency }, worker));
  return done / ((performance.now() - began) / 1000);
}

/**
 * The ceiling of `audit verify`: node's SHA-256 over the very bytes the chain hashes, already in
 * memory. Reads up to `limit` entries (a sample at large scale), builds their payloads, then
 * times only the hashing. Answers entries/s.
 */
export async function sha256Ceiling(q: RawSql, limit: number) {
  const rows = await q.query<Record<string, unknown>>(
    `select seq, at, actor_id, actor_username, operation, entity, entity_id, purpose, recipient, detail, prev_hash, hash
       from audit_log order by seq limit $1`,
    [limit],
  );
  const payloads = rows.map((r) =>
    Buffer.from(
      chainPayload(String(r.prev_hash), {
        seq: Number(r.seq),
        at: new Date(r.at as Date | string),
        actorId: (r.actor_id as string | null) ?? null,
        actorUsername: (r.actor_username as string | null) ?? null,
        operation: String(r.operation),
        entity: String(r.entity),
        entityId: (r.entity_id as string | null) ?? null,
        purpose: (r.purpose as string | null) ?? null,
        recipient: (r.recipient as string | null) ?? null,
        detail: (typeof r.detail === 'string' ? JSON.parse(r.detail) : r.detail) as Record<string, unknown> | null,
      }),
    ),
  );
  const began = performance.now();
  let last = '';
  // Several passes over a small sample, so the timing is not lost in the clock's resolution.
  const passes = Math.max(1, Math.ceil(50_000 / Math.max(1, payloads.length)));
  for (let p = 0; p < passes; p++) for (const b of payloads) last = createHash('sha256').update(b).digest('hex');
  const seconds = (performance.now() - began) / 1000;
  // The bytes are the chain's own: the last one hashes to the stored hash.
  if (rows.length && last !== rows.at(-1)!.hash) throw new Error('sha256 ceiling: the payload does not reproduce the stored hash');
  return (payloads.length * passes) / seconds;
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });

export type ServerProcess = {
  child: ChildProcess;
  base: string;
  /** Spawn to the first 200 from /health. */
  coldStartSeconds: number;
  /** The child's peak resident set so far (Linux VmHWM), in MB. */
  peakRssMb: () => number;
  stop: () => Promise<void>;
};

/**
 * The real server as `npm start` runs it (`node dist/server.js`, built first if src/ changed) as a
 * child process. The build is not part of the cold start.
 */
export async function startServer(env: Record<string, string>): Promise<ServerProcess> {
  execFileSync(process.execPath, ['scripts/build.mjs', '--if-stale'], { cwd: repoRoot, stdio: 'inherit' });
  const port = await freePort();
  const began = performance.now();
  const child = spawn(process.execPath, ['dist/server.js'], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
  child.stderr!.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}:\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the server did not answer /health within 60 s:\n${output}`);
    }
    const ok = await fetch(`${base}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  const coldStartSeconds = (performance.now() - began) / 1000;
  return {
    child,
    base,
    coldStartSeconds,
    peakRssMb: () => {
      const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1]);
      return kb / 1024;
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const force = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(force);
    },
  };
}
