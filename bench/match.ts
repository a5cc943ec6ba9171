import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { migrate } from '../src/db/migrate.js';
import type { Database } from '../src/db/client.js';
import { ITEMS_PER_SECOND, indexTerms, queryTerms } from '../src/domain/audio-match.js';
import { fingerprintAudio } from '../src/media/fingerprint.js';
import { findTools } from '../src/media/tools.js';
import { candidateTracks } from '../src/modules/library/library-match.repository.js';
import { indexEntryTerms, matchFingerprint } from '../src/modules/library/library-match.service.js';
import { makeTrack } from '../test/music.js';
import { seeded } from './random.js';
import { createBenchDatabase, rawSql, type RawSql } from './database.js';
import { result, type Result } from './report.js';

/**
 * The matching bench (issue 13 point 7; docs/performance.md "Audio matching"): a Domain library of
 * synthetic fingerprints with the statistics of real ones, bulk-loaded into the term index, then
 * the latency of `matchFingerprint` (candidate look-up, the 10 % rule, loading the candidates'
 * fingerprints, alignment and scoring) over queries that are half re-uploads of library tracks and
 * half unknown music, beside the candidate look-up alone (the ceiling) in the same run; and the
 * time to index one new entry (a 4-minute track) as the decision's transaction does.
 */

type MatchBenchOptions = {
  /** Library tracks (100,000 by default). */
  tracks: number;
  /** Seconds of each library track (real fingerprints' items a second, `ITEMS_PER_SECOND`). */
  seconds: number;
  /** Queries timed: half re-uploads, half unknown. */
  queries: number;
  /** A PostgreSQL server for a throwaway database; PGlite without it. */
  db?: string;
  keep?: boolean;
  log: (line: string) => void;
};

/** A re-upload is a 20-second clip of its track, as a person records or cuts one. */
const CLIP_SECONDS = 20;
const BATCH = 1000;

const popcount = (v: number) => {
  let n = 0;
  for (let x = v >>> 0; x; x &= x - 1) n++;
  return n;
};

/**
 * What real fingerprints look like from one item to the next: how many of the 32 bits change
 * (Chromaprint's items describe overlapping frames, so neighbours share many bits). Read from the
 * fingerprints of a few generated tracks (test/music.ts) with the real ffmpeg and fpcalc.
 */
async function realStatistics(log: (line: string) => void) {
  const tools = await findTools();
  if (!tools.ffmpeg || !tools.fpcalc) throw new Error('the matching bench reads real fingerprints first: install ffmpeg and fpcalc');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rd-bench-music-'));
  try {
    const flips: number[] = [];
    let items = 0;
    let terms = 0;
    for (const seed of [101, 102, 103]) {
      const { fingerprint } = await fingerprintAudio(await makeTrack(dir, seed, 30), tools);
      for (let i = 1; i < fingerprint.length; i++) flips.push(popcount(fingerprint[i]! ^ fingerprint[i - 1]!));
      items += fingerprint.length;
      terms += indexTerms(fingerprint).length;
    }
    log(
      `match bench: real fingerprints: ${(terms / items).toFixed(3)} distinct terms an item, ${mean(flips).toFixed(1)} of 32 bits change an item`,
    );
    return { flips, termsPerItem: terms / items };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** A synthetic track: a random walk over the 32 bits, each step changing as many bits as a real step does (sampled). */
function walk(random: () => number, flips: number[], length: number): number[] {
  const items = new Array<number>(length);
  let item = (random() * 2 ** 32) >>> 0;
  for (let i = 0; i < length; i++) {
    const n = flips[Math.floor(random() * flips.length)]!;
    for (let k = 0; k < n; k++) item = (item ^ (1 << Math.floor(random() * 32))) >>> 0;
    items[i] = item;
  }
  return items;
}

/**
 * A re-upload of `track`: a 20-second clip from a random place, re-encoded: most items keep their
 * top 28 bits with a low bit or two changed, about one in six loses its term (docs/audio-matching.md:
 * a copy shares 48-120, median 103, of a query's ~120 terms with its own track).
 */
function reupload(random: () => number, track: number[]): number[] {
  const length = Math.round(CLIP_SECONDS * ITEMS_PER_SECOND);
  // Within the first 30 s: compareFingerprints aligns offsets up to 240 items (docs/audio-matching.md, known limit).
  const start = Math.floor(random() * Math.max(1, Math.min(200, track.length - length)));
  return track.slice(start, start + length).map((item) => {
    let x = item;
    if (random() < 0.5) x ^= 1 << Math.floor(random() * 4);
    if (random() < 0.15) x ^= 1 << (4 + Math.floor(random() * 28));
    return x >>> 0;
  });
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const literal = (items: number[]) => `{${items.map((i) => i | 0).join(',')}}`;

/**
 * One batch of library tracks: objects, entries, their captures and fingerprints, and (`indexed`)
 * their terms (`indexTerms`, as the application computes them), each one set-based insert.
 */
async function loadBatch(q: RawSql, first: number, fingerprints: number[][], seconds: number, indexed: boolean) {
  const shas = fingerprints.map(() => randomBytes(32).toString('hex'));
  const ids = fingerprints.map(() => randomUUID());
  const refs = fingerprints.map((_, i) => `OHRT-BENCH-${String(first + i).padStart(7, '0')}`);
  await q.transaction(async (tx) => {
    await tx(
      `insert into evidence_objects (sha256, size, media_type, stored_at) select s, 0, 'audio/mpeg', now() from unnest($1::text[]) s`,
      [shas],
    );
    await tx(
      `insert into library_entries (id, reference, content_title, content_url, platforms, rationale, summary, terms_breached, removed_on, expires_on, created_at)
       select id, ref, 'Generated track', 'https://www.youtube.com/watch?v=' || ref, '{youtube}', 'bench', 'bench', '{}', current_date, current_date + 365, now()
       from unnest($1::uuid[], $2::text[]) as u(id, ref)`,
      [ids, refs],
    );
    await tx(`insert into library_entry_captures (entry_id, sha256) select * from unnest($1::uuid[], $2::text[])`, [ids, shas]);
    await tx(
      `insert into audio_fingerprints (sha256, duration_seconds, fingerprint, created_at) select s, $3, f::int[], now() from unnest($1::text[], $2::text[]) as u(s, f)`,
      [shas, fingerprints.map(literal), seconds],
    );
    if (!indexed) return;
    const terms: number[] = [];
    const tracks: number[] = [];
    fingerprints.forEach((items, k) => {
      for (const term of indexTerms(items)) {
        terms.push(term);
        tracks.push(k + 1);
      }
    });
    await tx(
      `insert into library_terms (term, entry_id, sha256) select t, ($3::uuid[])[k], ($4::text[])[k] from unnest($1::int[], $2::int[]) as u(t, k)`,
      [terms, tracks, ids, shas],
    );
  });
}

/** The term index is loaded as a restore loads it: its key and foreign key dropped first, built again at the end. */
const dropIndex = async (q: RawSql) => {
  await q.query(`alter table library_terms drop constraint library_terms_term_entry_id_sha256_pk`);
  await q.query(`alter table library_terms drop constraint library_terms_entry_id_library_entries_id_fk`);
};

/** The key built in one sorted pass, the foreign key checked once, then the statistics. */
async function rebuildIndex(q: RawSql) {
  await q.transaction(async (tx) => {
    await tx(`set local maintenance_work_mem = '1GB'`);
    await tx(`alter table library_terms add constraint library_terms_term_entry_id_sha256_pk primary key (term, entry_id, sha256)`);
    await tx(
      `alter table library_terms add constraint library_terms_entry_id_library_entries_id_fk foreign key (entry_id) references library_entries(id) on delete cascade`,
    );
  });
  await q.query('vacuum analyze');
  return Number((await q.query<{ n: string }>(`select count(*) as n from library_terms`))[0]!.n);
}

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const began = performance.now();
  const value = await fn();
  return { ms: performance.now() - began, value };
}

export async function runMatchBench(o: MatchBenchOptions): Promise<Result[]> {
  const { log } = o;
  const real = await realStatistics(log);
  const bench = await createBenchDatabase(o.db);
  log(`match bench: ${bench.label}, ${o.tracks.toLocaleString('en-GB')} tracks of ${o.seconds} s, ${o.queries} queries`);
  let database: Database | undefined;
  try {
    database = await bench.open();
    await migrate(database);
    const q = rawSql(database);
    const random = seeded(13);
    const length = Math.round(o.seconds * ITEMS_PER_SECOND);
    // Kept to make re-uploads from: every n-th track.
    const sources: { index: number; items: number[] }[] = [];
    const every = Math.max(1, Math.floor(o.tracks / (o.queries / 2)));
    const loading = await timed(async () => {
      await dropIndex(q);
      for (let first = 0; first < o.tracks; first += BATCH) {
        const batch = Array.from({ length: Math.min(BATCH, o.tracks - first) }, (_, i) => {
          const items = walk(random, real.flips, length);
          if ((first + i) % every === 0) sources.push({ index: first + i, items });
          return items;
        });
        await loadBatch(q, first, batch, o.seconds, true);
        if (first % (20 * BATCH) === 0) log(`match bench: ${first.toLocaleString('en-GB')} tracks loaded`);
      }
      log(`match bench: fingerprints and terms loaded; building the index`);
      return rebuildIndex(q);
    });
    const rows = loading.value;
    const synthetic = indexTerms(sources[0]!.items).length / length;
    log(
      `match bench: ${rows.toLocaleString('en-GB')} index rows in ${(loading.ms / 1000).toFixed(1)} s; ${synthetic.toFixed(3)} distinct terms an item (real: ${real.termsPerItem.toFixed(3)})`,
    );

    // Half re-uploads of library tracks, half unknown music, in a shuffled order.
    const half = Math.floor(o.queries / 2);
    const queries = [
      ...sources.slice(0, half).map((s) => ({ items: reupload(random, s.items), known: true })),
      ...Array.from({ length: o.queries - Math.min(half, sources.length) }, () => ({
        items: walk(random, real.flips, Math.round(CLIP_SECONDS * ITEMS_PER_SECOND)),
        known: false,
      })),
    ].sort(() => random() - 0.5);
    const db = database.db;
    for (const query of queries.slice(0, 10)) await matchFingerprint(db, query.items); // warm the caches
    const lookups: number[] = [];
    const matches: number[] = [];
    let found = 0;
    let falseMatches = 0;
    for (const query of queries) {
      lookups.push((await timed(() => candidateTracks(db, queryTerms(query.items)))).ms);
      const { ms, value } = await timed(() => matchFingerprint(db, query.items));
      matches.push(ms);
      if (query.known && value.length > 0) found++;
      if (!query.known && value.length > 0) falseMatches++;
    }
    lookups.sort((a, b) => a - b);
    matches.sort((a, b) => a - b);
    const known = queries.filter((x) => x.known).length;

    // A new entry: a 4-minute track's fingerprint, indexed in a transaction as `enterRemoved` does.
    const indexing: number[] = [];
    for (let i = 0; i < 5; i++) {
      const items = walk(random, real.flips, Math.round(240 * ITEMS_PER_SECOND));
      await loadBatch(q, o.tracks + i, [items], 240, false);
      const [entry] = await q.query<{ id: string }>(`select id from library_entries where reference = $1`, [
        `OHRT-BENCH-${String(o.tracks + i).padStart(7, '0')}`,
      ]);
      indexing.push((await timed(() => db.transaction((tx) => indexEntryTerms(tx, entry!.id)))).ms);
    }
    indexing.sort((a, b) => a - b);

    const goal = { text: 'p95 ≤ 50 ms on PostgreSQL', test: (v: number) => v <= 50 };
    return [
      result('match.tracks', o.tracks, 'tracks'),
      result('match.index_rows', rows, 'rows'),
      result('match.load.seconds', loading.ms / 1000, 's'),
      result('match.lookup.p50', percentile(lookups, 50), 'ms'),
      result('match.lookup.p95', percentile(lookups, 95), 'ms'),
      result('match.p50', percentile(matches, 50), 'ms', { ceiling: percentile(lookups, 50) }),
      result('match.p95', percentile(matches, 95), 'ms', { ceiling: percentile(lookups, 95), goal }),
      result('match.reuploads_found', known ? found / known : 0, 'share'),
      result('match.unknown_matched', falseMatches, 'queries'),
      result('match.index_entry.ms', percentile(indexing, 50), 'ms', {
        goal: { text: 'within seconds', test: (v) => v < 5000 },
      }),
    ];
  } finally {
    await database?.close();
    if (o.keep) log(`match bench: kept ${bench.url ?? bench.dataDir}`);
    else await bench.destroy();
  }
}
