import { parseArgs } from 'node:util';
import { runBench } from './bench.js';
import { table, writeReport } from './report.js';

/**
 * `npm run bench -- [--scale N] [--db postgres://…] [--quick] [--out FILE] [--seconds S] [--connections C] [--keep]`
 * (issue 4; docs/performance.md).
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
  const report = await runBench({
    scale: int('scale', values.scale),
    db: values.db,
    quick: values.quick,
    seconds: int('seconds', values.seconds),
    connections: int('connections', values.connections),
    keep: values.keep,
  });
  process.stdout.write(`\n${table(report)}\n\nwritten to ${values.out}\n`);
  writeReport(values.out!, report);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
