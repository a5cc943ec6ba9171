import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, type Config } from '../src/config.js';
import type { Database } from '../src/db/client.js';
import { openSurroundings, prepare } from '../src/runtime.js';
import type { Services } from '../src/services.js';
import { createBenchDatabase, rawSql } from './database.js';
import { generate, type BenchUser, type People } from './generate.js';
import { runKpiSet } from './kpi.js';
import { load, rawIntakeCeiling, sha256Ceiling, startServer, type LoadOptions, type LoadResult } from './measure.js';
import { machine, result, type Goal, type Report, type Result } from './report.js';
import type { Role } from '../src/domain/vocabulary.js';

export type BenchOptions = {
  /** Referrals to generate (default 1,000,000 on PostgreSQL, 100,000 on PGlite, 5,000 with quick). */
  scale?: number;
  /** A PostgreSQL server URL: a fresh database is created on it for the run and dropped after. */
  db?: string;
  /** A one-minute smoke run: a small scale and 3-second load phases. */
  quick?: boolean;
  /** Seconds per load phase (default 10, 3 with quick). */
  seconds?: number;
  /** Concurrent connections per load phase (default 10). */
  connections?: number;
  /** Keep the generated database (DATA_DIR or PostgreSQL database) after the run. */
  keep?: boolean;
  progress?: boolean;
  log?: (line: string) => void;
};

const PASSWORD = 'bench password not for use';
const OCUS = ['Central West', 'Central East', 'North', 'South', 'East', 'West'];

const atMost = (limit: number, unit: string): Goal => ({ text: `≤ ${limit} ${unit}`, test: (v) => v <= limit });
const ratioAtLeast = (limit: number, of: string): Goal => ({ text: `≥ ${limit} of ${of}`, test: (_v, r) => r !== null && r >= limit });

async function makePeople(services: Services): Promise<People & { inspector: BenchUser }> {
  const make = async (roles: Role[], username: string, displayName: string, ocu: string | null): Promise<BenchUser> => {
    const u = await services.users.create(
      null,
      { username, displayName, ocu: ocu ?? undefined, unit: ocu ? 'Gangs Unit' : undefined, roles, password: PASSWORD },
      false,
    );
    return { id: u.id, username: u.username, displayName: u.displayName, ocu, unit: ocu ? 'Gangs Unit' : null };
  };
  const requesters: BenchUser[] = [];
  for (let i = 0; i < 12; i++) requesters.push(await make(['requester'], `requester.${i}`, `Requester ${i}`, OCUS[i % OCUS.length]!));
  const operatives: BenchUser[] = [];
  for (let i = 0; i < 6; i++) operatives.push(await make(['operative'], `operative.${i}`, `Operative ${i}`, 'OHRT'));
  const sergeants = [
    await make(['sergeant'], 'sergeant.0', 'Sergeant 0', 'OHRT'),
    await make(['sergeant'], 'sergeant.1', 'Sergeant 1', 'OHRT'),
  ];
  const inspector = await make(['inspector'], 'inspector.0', 'Inspector 0', 'OHRT');
  return { requesters, operatives, sergeants, inspector };
}

export async function runBench(o: BenchOptions): Promise<Report> {
  const log = o.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const began = performance.now();
  const startedAt = new Date();
  const kind = o.db ? 'postgres' : 'pglite';
  const scale = o.scale ?? (o.quick ? 5_000 : kind === 'postgres' ? 1_000_000 : 100_000);
  const seconds = o.seconds ?? (o.quick ? 3 : 10);
  const connections = o.connections ?? 10;
  const results: Result[] = [];
  const notes: string[] = [];
  const bench = await createBenchDatabase(o.db);
  const sessionSecret = randomBytes(32).toString('hex');
  const dataDir = bench.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'rd-bench-data-'));
  log(`bench: ${bench.label}, ${scale.toLocaleString('en-GB')} referrals, ${seconds} s load phases × ${connections} connections`);

  let database: Database | undefined;
  try {
    // 1. A fresh database, migrated, the platform directory seeded, the people made.
    database = await bench.open();
    const config: Config = { ...loadConfig({ NODE_ENV: 'production', LOG_LEVEL: 'silent', DATA_DIR: dataDir }), sessionSecret };
    const services = await prepare(database, config, (await openSurroundings(config)).surroundings);
    const people = await makePeople(services);
    const tokens = await Promise.all(
      people.requesters.slice(0, 4).map(async (u) => (await services.users.createToken(null, u.username)).token),
    );
    const operativeToken = (await services.users.createToken(null, people.operatives[0]!.username)).token;
    const operativeSession = await services.auth.startSession(people.operatives[0]!.id);
    const directory = await services.platforms.list();
    const q = rawSql(database);

    // 2. Realistic data through the real schema.
    const gen = await generate(q, { scale, now: new Date(), people, platforms: directory, progress: o.progress ?? process.stderr.isTTY });
    log(
      `generated ${gen.rows.toLocaleString('en-GB')} rows (${gen.auditEntries.toLocaleString('en-GB')} audit entries) in ${gen.seconds.toFixed(1)} s`,
    );
    results.push(result('generate.rows_per_s', gen.rowsPerSecond, 'rows/s'), result('generate.seconds', gen.seconds, 's'));
    // What autovacuum would have done by the time anyone queries a database this size.
    await q.query('vacuum analyze');
    const ids = (await q.query<{ id: string }>(`select id from referrals order by random() limit 1000`)).map((r) => r.id);

    // 3. In-process figures: KPI set, audit verify beside raw SHA-256, ceiling B.
    // Three runs, the middle one reported: the first after the load also reads the quarter into
    // the database's buffers, as the first report after a restart would.
    const kpiRuns = [];
    for (let i = 0; i < 3; i++) kpiRuns.push(await runKpiSet(q, new Date()));
    const kpi = [...kpiRuns].sort((a, b) => a.total - b.total)[1]!;
    results.push(result('kpi.seconds', kpi.total, 's', { goal: atMost(1, 's (at 1 M)') }));
    for (const [name, s] of Object.entries(kpi.seconds)) results.push(result(`kpi.${name}.seconds`, s, 's'));
    log(`KPI set ${kpiRuns.map((k) => k.total.toFixed(3)).join(' s, ')} s`);

    const sha = await sha256Ceiling(q, 200_000);
    const verifyStart = performance.now();
    const verified = await services.audit.verify();
    const verifyRate = verified.entries / ((performance.now() - verifyStart) / 1000);
    if (!verified.ok) throw new Error(`the generated audit chain does not verify: entry ${verified.fault.seq}: ${verified.fault.problem}`);
    results.push(
      result('audit_verify.entries_per_s', verifyRate, 'entries/s', { ceiling: sha, goal: ratioAtLeast(0.5, 'raw SHA-256') }),
      result('audit_verify.entries', verified.entries, 'entries'),
      result('sha256.entries_per_s', sha, 'entries/s'),
    );
    log(`audit verify ${verified.entries.toLocaleString('en-GB')} entries at ${Math.round(verifyRate).toLocaleString('en-GB')}/s`);

    const ceilingB = await rawIntakeCeiling(q, { seconds, concurrency: connections, requester: people.requesters[0]! });
    results.push(result('ceiling_b.tx_per_s', ceilingB, 'tx/s'));
    log(`ceiling B ${Math.round(ceilingB)} tx/s`);
    // PGlite admits one process: the bench lets go before the server opens it.
    await database.close();
    database = undefined;

    // 4. The real server as a child process: cold start, then load over loopback.
    const server = await startServer({
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      SESSION_SECRET: sessionSecret,
      DATA_DIR: dataDir,
      ...(bench.url ? { DATABASE_URL: bench.url } : {}),
    });
    results.push(result('server.cold_start', server.coldStartSeconds, 's', { goal: atMost(2, 's') }));
    log(`cold start ${server.coldStartSeconds.toFixed(2)} s`);
    try {
      const phase = async (name: string, r: Promise<LoadResult>) => {
        const x = await r;
        if (x.failures) notes.push(`${name}: ${x.failures} of ${x.requests} requests failed or were not 2xx`);
        log(`${name}: ${Math.round(x.rps)} req/s, p50 ${x.p50} ms, p99 ${x.p99} ms`);
        return x;
      };
      const health = await phase('health', load({ url: `${server.base}/health`, seconds, connections }));
      results.push(result('health.rps', health.rps, 'req/s'));

      const runId = randomBytes(4).toString('hex');
      const uploaded = new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10);
      const intakeLoad: LoadOptions = {
        url: `${server.base}/api/v1/referrals`,
        method: 'POST',
        seconds,
        connections,
        headers: { 'content-type': 'application/json' },
        // Four requesters, each with their own token, as the force's officers would.
        vary: (n) => ({
          headers: { authorization: `Bearer ${tokens[n % tokens.length]}` },
          body: JSON.stringify({
            contentTitle: `Bench intake ${n}`,
            contentUrl: `https://www.tiktok.com/@bench/video/${runId}${n}`,
            platforms: n % 3 ? ['tiktok'] : ['tiktok', 'youtube'],
            contentUploadedOn: uploaded,
            incidentReferences: [{ system: 'CAD', reference: `${4000 + n}` }],
            rationale: 'Names a rival group and shows weapons; likely to provoke retaliation.',
            subjects: n % 2 ? [{ name: `@bench_${n}`, category: 'suspect', ageBand: '18_24' }] : [],
          }),
        }),
      };
      const intake = await phase('intake', load(intakeLoad));
      results.push(
        result('intake.rps', intake.rps, 'req/s', { ceiling: ceilingB, goal: ratioAtLeast(0.5, 'ceiling B') }),
        result('intake.p50', intake.p50, 'ms'),
        result('intake.p99', intake.p99, 'ms', { goal: atMost(50, 'ms') }),
        result('intake.rps_vs_health', intake.rps, 'req/s', { ceiling: health.rps }),
      );

      const api = { authorization: `Bearer ${operativeToken}` };
      const page = { cookie: `rd_session=${operativeSession}` };
      const queues: [string, string, Record<string, string>][] = [
        ['queue.api.default', '/api/v1/referrals', api],
        ['queue.api.filtered', '/api/v1/referrals?status=submitted,in_review&platform=tiktok&sort=status', api],
        ['queue.api.deep', '/api/v1/referrals?page=200', api],
        ['queue.html.default', '/queue', page],
        ['queue.html.filtered', '/queue?status=submitted&status=in_review&platform=tiktok&sort=status', page],
        ['queue.html.deep', '/queue?page=200', page],
      ];
      for (const [name, url, headers] of queues) {
        const x = await phase(name, load({ url: `${server.base}${url}`, seconds, connections, headers }));
        results.push(
          result(`${name}.rps`, x.rps, 'req/s', { ceiling: health.rps }),
          result(`${name}.p50`, x.p50, 'ms'),
          result(`${name}.p99`, x.p99, 'ms', { goal: atMost(25, 'ms (at 1 M on PostgreSQL)') }),
        );
      }

      const detailLoad: LoadOptions = {
        url: `${server.base}/api/v1/referrals/${ids[0]}`,
        seconds,
        connections,
        headers: api,
        vary: (n) => ({ path: `/api/v1/referrals/${ids[n % ids.length]}` }),
      };
      const detail = await phase('detail', load(detailLoad));
      results.push(
        result('detail.rps', detail.rps, 'req/s', { ceiling: health.rps }),
        result('detail.p50', detail.p50, 'ms'),
        result('detail.p99', detail.p99, 'ms', { goal: atMost(15, 'ms') }),
      );

      // The same requests from one caller: each request's own latency, with nothing queued ahead
      // of it, beside the figures above under `connections` callers (docs/performance.md).
      const single: [string, LoadOptions][] = [
        // Numbered on from the first intake phase's, so that no URL repeats (no deconfliction 409).
        ['intake.single', { ...intakeLoad, connections: 1, vary: (n) => intakeLoad.vary!(1_000_000 + n) }],
        ['queue.api.single', { url: `${server.base}/api/v1/referrals`, seconds, connections: 1, headers: api }],
        ['queue.html.single', { url: `${server.base}/queue`, seconds, connections: 1, headers: page }],
        ['detail.single', { ...detailLoad, connections: 1 }],
      ];
      for (const [name, options] of single) {
        const x = await phase(name, load(options));
        results.push(result(`${name}.p50`, x.p50, 'ms'), result(`${name}.p99`, x.p99, 'ms'));
      }
      results.push(result('server.peak_rss', server.peakRssMb(), 'MB', { goal: atMost(300, 'MB') }));
    } finally {
      await server.stop();
    }
  } finally {
    await database?.close();
    if (!o.keep) {
      await bench.destroy();
      if (!bench.dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    } else log(`kept: ${bench.dataDir ?? bench.url}`);
  }

  return {
    machine: machine(),
    database: kind,
    scale,
    startedAt: startedAt.toISOString(),
    durationSeconds: (performance.now() - began) / 1000,
    notes,
    results,
  };
}
