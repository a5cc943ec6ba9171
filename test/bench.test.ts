import { describe, expect, it } from 'vitest';
import { runBench } from '../bench/bench.js';
import { runMatchBench } from '../bench/match.js';
import { runUploadBench } from '../bench/upload.js';
import { TEST_DB } from './harness.js';

/** Every figure the bench reports (issue 4); the test keeps the bench from rotting, it times nothing. */
const FIGURES = [
  'generate.rows_per_s',
  'generate.seconds',
  'kpi.seconds',
  'audit_verify.entries_per_s',
  'sha256.entries_per_s',
  'ceiling_b.tx_per_s',
  'server.cold_start',
  'health.rps',
  'intake.rps',
  'intake.p50',
  'intake.p99',
  ...['api', 'html'].flatMap((k) =>
    ['default', 'filtered', 'deep'].flatMap((v) => ['rps', 'p50', 'p99'].map((f) => `queue.${k}.${v}.${f}`)),
  ),
  'detail.rps',
  'detail.p50',
  'detail.p99',
  ...['intake', 'queue.api', 'queue.html', 'detail'].flatMap((k) => [`${k}.single.p50`, `${k}.single.p99`]),
  'server.peak_rss',
];

describe('bench in its smallest form', () => {
  it('generates a few hundred referrals with a valid audit chain and reports every figure with a finite value', async () => {
    const report = await runBench({
      scale: 300,
      seconds: 1,
      connections: 2,
      db: TEST_DB === 'postgres' ? process.env.TEST_DATABASE_URL : undefined,
      progress: false,
      log: () => {},
    });
    expect(report.database).toBe(TEST_DB);
    expect(report.scale).toBe(300);
    expect(report.machine.cpus).toBeGreaterThan(0);
    const byName = new Map(report.results.map((r) => [r.name, r]));
    for (const name of FIGURES) {
      expect(byName.has(name), name).toBe(true);
      expect(Number.isFinite(byName.get(name)!.value), name).toBe(true);
    }
    // Every request of every phase succeeds: no 4xx from deconfliction or validation, no 5xx.
    expect(report.notes).toEqual([]);
    expect(byName.get('intake.rps')!.ratio).toBeGreaterThan(0);
    expect(byName.get('audit_verify.entries')!.value).toBeGreaterThan(300);
  }, 120_000);

  // Issue 12: the upload part (its own embedded database whatever the project, so on one project only).
  it.runIf(TEST_DB === 'pglite')(
    'uploads a small file through the real server and reports throughput, its ceiling and memory',
    async () => {
      const results = await runUploadBench({ bytes: 2 ** 20, log: () => {} });
      const byName = new Map(results.map((r) => [r.name, r]));
      for (const name of ['upload.mb_per_s', 'upload.ceiling.mb_per_s', 'upload.store_put.mb_per_s', 'upload.server_rss.growth']) {
        expect(byName.has(name), name).toBe(true);
        expect(Number.isFinite(byName.get(name)!.value), name).toBe(true);
      }
      expect(byName.get('upload.bytes')!.value).toBe(2 ** 20);
    },
    120_000,
  );

  // Issue 13 point 7: the audio matching bench at a few hundred tracks (real ffmpeg and fpcalc for the statistics).
  it('loads a small synthetic library, finds every re-upload and nothing unknown, and reports each figure', async () => {
    const results = await runMatchBench({
      tracks: 300,
      seconds: 30,
      queries: 20,
      db: TEST_DB === 'postgres' ? process.env.TEST_DATABASE_URL : undefined,
      log: () => {},
    });
    const byName = new Map(results.map((r) => [r.name, r]));
    for (const name of ['match.load.seconds', 'match.lookup.p50', 'match.lookup.p95', 'match.p50', 'match.p95', 'match.index_entry.ms']) {
      expect(Number.isFinite(byName.get(name)?.value), name).toBe(true);
    }
    expect(byName.get('match.p95')!.ceiling).toBe(byName.get('match.lookup.p95')!.value);
    expect(byName.get('match.index_rows')!.value).toBeGreaterThan(300 * 200); // ~0.96 distinct terms an item, 242 items a track
    expect(byName.get('match.reuploads_found')!.value).toBe(1);
    expect(byName.get('match.unknown_matched')!.value).toBe(0);
  }, 120_000);
});
