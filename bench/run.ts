import { parseArgs } from 'node:util';
import { runBench } from './bench.js';
import { machine, table, writeReport, type Report } from './report.js';
import { runMatchBench } from './match.js';
import { runUploadBench } from './upload.js';

/**
 * `npm run bench -- [--scale N] [--db postgres://…] [--quick] [--out FILE] [--seconds S] [--connections C] [--keep]
 * [--upload-mib M] [--only upload|match] [--match-tracks N] [--match-seconds S] [--match-queries Q]` (issues 4, 12 and 13;
 * docs/performance.md). The upload bench runs after the rest, or alone with `--only upload`; the audio matching bench
 * only with `--only match` (on `--db` when given, else PGlite).
 */
async function main() {
  const { values } = parseArgs({
    options: {
      scale: { type: 'string' },
      db: { type: 'string' },
      quick: { type: 'boolean', default: false },
      out: { type: 'string', default: 'bench-results.json' },
      seconds: { type: 'string' },
      connections: { type: 'string' },
      keep: { type: 'boolean', default: false },
      'upload-mib': { type: 'string' },
      only: { type: 'string' },
      'match-tracks': { type: 'string' },
      'match-seconds': { type: 'string' },
      'match-queries': { type: 'string' },
    },
    strict: true,
  });
  const int = (name: string, v: string | undefined) => {
    if (v === undefined) return undefined;
    const n = Number(v.replace(/_/g, ''));
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a whole number from 1`);
    return n;
  };
  if (values.db && !/^postgres(ql)?:\/\//.test(values.db)) throw new Error('--db must be a postgres:// or postgresql:// URL');
  if (values.only !== undefined && values.only !== 'upload' && values.only !== 'match') throw new Error('--only takes upload or match');
  const began = performance.now();
  const startedAt = new Date();
  const log = (line: string) => process.stderr.write(`${line}\n`);
  if (values.only === 'match') {
    const report: Report = {
      machine: machine(),
      database: values.db ? 'postgres' : 'pglite',
      scale: int('match-tracks', values['match-tracks']) ?? 100_000,
      startedAt: startedAt.toISOString(),
      durationSeconds: 0,
      notes: [],
      results: await runMatchBench({
        tracks: int('match-tracks', values['match-tracks']) ?? 100_000,
        seconds: int('match-seconds', values['match-seconds']) ?? 30,
        queries: int('match-queries', values['match-queries']) ?? 400,
        db: values.db,
        keep: values.keep,
        log,
      }),
    };
    report.durationSeconds = (performance.now() - began) / 1000;
    process.stdout.write(`\n${table(report)}\n\nwritten to ${values.out}\n`);
    writeReport(values.out!, report);
    return;
  }
  const report: Report =
    values.only === 'upload'
      ? { machine: machine(), database: 'pglite', scale: 1, startedAt: startedAt.toISOString(), durationSeconds: 0, notes: [], results: [] }
      : await runBench({
          scale: int('scale', values.scale),
          db: values.db,
          quick: values.quick,
          seconds: int('seconds', values.seconds),
          connections: int('connections', values.connections),
          keep: values.keep,
        });
  // Issue 12 point 8: 1 GiB (64 MiB with --quick) to a server of its own on PGlite, whatever --db says.
  const uploadMib = int('upload-mib', values['upload-mib']) ?? (values.quick ? 64 : 1024);
  report.results.push(...(await runUploadBench({ bytes: uploadMib * 2 ** 20, keep: values.keep, log })));
  report.durationSeconds = (performance.now() - began) / 1000;
  process.stdout.write(`\n${table(report)}\n\nwritten to ${values.out}\n`);
  writeReport(values.out!, report);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
