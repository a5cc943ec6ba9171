import fs from 'node:fs';
import os from 'node:os';

/** A goal (issue 4), shown beside the figure and never asserted: `met` says whether this run met it. */
export type Goal = { text: string; test: (value: number, ratio: number | null) => boolean };

export type Result = {
  name: string;
  value: number;
  unit: string;
  ceiling: number | null;
  ratio: number | null;
  goal: string | null;
  met: boolean | null;
};

export type Report = {
  machine: { cpus: number; cpuModel: string; memory: string; node: string; platform: string };
  database: 'pglite' | 'postgres';
  scale: number;
  startedAt: string;
  durationSeconds: number;
  notes: string[];
  results: Result[];
};

export function result(name: string, value: number, unit: string, o: { ceiling?: number; goal?: Goal } = {}): Result {
  const ceiling = o.ceiling ?? null;
  const ratio = ceiling ? value / ceiling : null;
  return { name, value, unit, ceiling, ratio, goal: o.goal?.text ?? null, met: o.goal ? o.goal.test(value, ratio) : null };
}

export const machine = (): Report['machine'] => ({
  cpus: os.cpus().length,
  cpuModel: os.cpus()[0]?.model ?? 'unknown',
  memory: `${Math.round(os.totalmem() / 2 ** 30)} GiB`,
  node: process.version,
  platform: `${os.platform()} ${os.release()} ${os.arch()}`,
});

const fmt = (n: number | null) =>
  n === null || Number.isNaN(n)
    ? ''
    : Math.abs(n) >= 100
      ? Math.round(n).toLocaleString('en-GB')
      : Math.abs(n) >= 1
        ? n.toFixed(2)
        : n.toFixed(3);

/** The table printed at the end of a run: figure, value, unit, ceiling, ratio, goal. */
export function table(r: Report): string {
  const head = ['figure', 'value', 'unit', 'ceiling', 'ratio', 'goal', ''];
  const rows = r.results.map((x) => [
    x.name,
    fmt(x.value),
    x.unit,
    fmt(x.ceiling),
    fmt(x.ratio),
    x.goal ?? '',
    x.met === null ? '' : x.met ? 'met' : 'MISSED',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 1 || i === 3 || i === 4 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ');
  const title = `Referral Desk bench: ${r.database}, ${r.scale.toLocaleString('en-GB')} referral${r.scale === 1 ? '' : 's'}, ${r.machine.cpus} × ${r.machine.cpuModel}, ${r.machine.memory}, node ${r.machine.node}`;
  return [title, '', line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line), '', ...r.notes.map((n) => `note: ${n}`)].join(
    '\n',
  );
}

export function writeReport(file: string, r: Report) {
  fs.writeFileSync(file, `${JSON.stringify(r, null, 2)}\n`);
}
