import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { loadConfig, type Config } from '../src/config.js';
import type { Actor } from '../src/domain/actor.js';
import type { Role } from '../src/domain/vocabulary.js';
import { openSurroundings, prepare } from '../src/runtime.js';
import type { Services } from '../src/services.js';
import type { EvidenceStore } from '../src/storage/evidence-store.js';
import { createBenchDatabase } from './database.js';
import { startServer, type ServerProcess } from './measure.js';
import { result, type Goal, type Result } from './report.js';

/**
 * The evidence upload bench (issue 12 point 8): one upload of a generated file to the real server
 * over loopback, timed to its 201, beside the same bytes through SHA-256 + AES-256-GCM to the same
 * disk in this process (the ceiling), with the server's resident set sampled during the upload.
 * Its own PGlite DATA_DIR, whatever database the rest of the bench uses: the figure is the
 * upload path's, not the database's. docs/performance.md "Evidence uploads (issue 12)".
 */

/** MB here is 2^20 bytes, as in `server.peak_rss`. */
const MB = 2 ** 20;
/** The size of each generated chunk: the client never holds more than a few of them. */
const CHUNK = MB;
/** The store's segment size (src/storage/segments.ts), for the ceiling. */
const SEGMENT = 64 * 1024;
/** How often the server's resident set is read. */
const SAMPLE_MS = 100;
/** No upload of the bench takes this long; past it the request is aborted and the run fails. */
const UPLOAD_TIMEOUT_MS = 15 * 60_000;
const PASSWORD = 'bench password not for use';

export type UploadBenchOptions = {
  /** Bytes to upload (1 GiB by default; the bench's `--quick` gives 64 MiB). */
  bytes: number;
  /** Keep the DATA_DIR (its path is logged). */
  keep?: boolean;
  log: (line: string) => void;
};

/**
 * The generated file, as chunks made on demand: one random MiB with each chunk's number written
 * over its first 8 bytes, so no two chunks are alike (nothing for a compressor or a dedup to
 * find) and making them costs a copy, not the random generator's time on the shared cores.
 */
function* generated(seed: Buffer, total: number): Generator<Buffer> {
  for (let n = 0, sent = 0; sent < total; n++) {
    const chunk = Buffer.allocUnsafe(Math.min(CHUNK, total - sent));
    seed.copy(chunk, 0, 0, chunk.length);
    if (chunk.length >= 8) chunk.writeBigUInt64BE(BigInt(n), 0);
    sent += chunk.length;
    yield chunk;
  }
}

/** Wall-clock and CPU seconds of one pass over the bytes. */
type Timed = { seconds: number; cpu: number };

/**
 * The ceiling: the least work an upload must do. The same bytes hashed with SHA-256 and sealed
 * with AES-256-GCM in 64 KiB segments (fresh nonce, tag), each MiB of them gathered into one
 * buffer and written while the next is sealed, then `fsync` before close, as the store's fs `put`
 * waits for the disk (`flush`). In this process, with no HTTP, parser or stream in the way.
 * Answers the seconds and the SHA-256, which the upload's answer must repeat.
 */
async function ceiling(seed: Buffer, bytes: number, dir: string): Promise<Timed & { sha256: string }> {
  const key = randomBytes(32);
  const hash = createHash('sha256');
  const file = path.join(dir, 'ceiling.bin');
  const sealedSize = (CHUNK / SEGMENT) * (SEGMENT + 28);
  const buffers = [Buffer.allocUnsafe(sealedSize), Buffer.allocUnsafe(sealedSize)];
  const began = performance.now();
  const cpu = process.cpuUsage();
  const handle = await fsp.open(file, 'wx', 0o600);
  try {
    let writing: Promise<unknown> = Promise.resolve();
    let turn = 0;
    for (const chunk of generated(seed, bytes)) {
      hash.update(chunk);
      const out = buffers[turn++ % 2]!;
      let filled = 0;
      for (let at = 0; at < chunk.length; at += SEGMENT) {
        const nonce = randomBytes(12);
        const cipher = createCipheriv('aes-256-gcm', key, nonce);
        filled += nonce.copy(out, filled);
        filled += cipher.update(chunk.subarray(at, at + SEGMENT)).copy(out, filled);
        cipher.final();
        filled += cipher.getAuthTag().copy(out, filled);
      }
      // The buffer sealed into now was last written two turns ago: that write has ended.
      await writing;
      writing = handle.write(out, 0, filled);
    }
    await writing;
    await handle.sync();
  } finally {
    await handle.close();
    await fsp.rm(file, { force: true });
  }
  return { seconds: (performance.now() - began) / 1000, cpu: ownCpuSince(cpu), sha256: hash.digest('hex') };
}

/**
 * CPU seconds of making the bytes alone (and dropping them), which the ceiling and the in-process
 * `put` pay and the server does not: the client makes them there.
 */
function generating(seed: Buffer, bytes: number): number {
  const cpu = process.cpuUsage();
  let sum = 0;
  for (const chunk of generated(seed, bytes)) sum += chunk[chunk.length - 1]!;
  if (Number.isNaN(sum)) throw new Error('unreachable: keeps the loop from being optimised away');
  return ownCpuSince(cpu);
}

/** The same bytes through the evidence store's own `put` in this process (no HTTP), then removed. */
async function storePut(store: EvidenceStore, seed: Buffer, bytes: number): Promise<Timed & { sha256: string }> {
  const began = performance.now();
  const cpu = process.cpuUsage();
  const stored = await store.put(Readable.from(generated(seed, bytes)), { maxBytes: bytes });
  const seconds = (performance.now() - began) / 1000;
  const used = ownCpuSince(cpu);
  await store.delete(stored.sha256);
  return { seconds, cpu: used, sha256: stored.sha256 };
}

/** A requester, and an operative with a bearer token holding one referral in review (SOP 9.1: they may capture for it). */
async function makeReferralInReview(services: Services): Promise<{ referralId: string; token: string }> {
  const make = async (roles: Role[], username: string, ocu: string): Promise<Actor> => {
    const unit = ocu === 'OHRT' ? null : 'Gangs Unit';
    const u = await services.users.create(
      null,
      { username, displayName: username, ocu, unit: unit ?? undefined, roles, password: PASSWORD },
      false,
    );
    return { id: u.id, username: u.username, displayName: u.displayName, ocu, unit, roles };
  };
  const requester = await make(['requester'], 'requester.upload', 'Central West');
  const operative = await make(['operative'], 'operative.upload', 'OHRT');
  const input = services.referrals.schemas().newReferral.parse({
    contentTitle: 'Bench upload',
    contentUrl: `https://www.youtube.com/watch?v=upload${randomBytes(4).toString('hex')}`,
    platforms: ['youtube'],
    contentUploadedOn: new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10),
    incidentReferences: [{ system: 'CAD', reference: '4471' }],
    rationale: 'Names a rival group and shows weapons; likely to provoke retaliation.',
    subjects: [],
  });
  const { referral } = await services.referrals.submit(requester, input);
  const referralId = (referral as { id: string }).id;
  await services.lifecycle.apply(operative, referralId, { kind: 'claim' });
  return { referralId, token: (await services.users.createToken(null, operative.username)).token };
}

/**
 * CPU seconds `pid` has used, all its threads (Linux /proc/<pid>/stat utime + stime, in the kernel's
 * 100 ticks a second): the server's work for the upload, which neighbours on the machine sway less
 * than they sway the wall-clock time.
 */
function cpuSeconds(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ').at(-1)!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** CPU seconds this process has used since `since` (all its threads, the file system's too). */
const ownCpuSince = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
};

/** The server's resident set now (Linux VmRSS), in MB. */
function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]) / 1024;
}

type Uploaded = { seconds: number; status: number; answer: { sha256?: string; size?: number } | null };

/**
 * One upload as an API client makes it: `multipart/form-data` with one `file` part (decision 015),
 * the envelope written by hand around the generated bytes and streamed with back-pressure, so the
 * client holds a few chunks at most. Timed from the request to the answer's last byte.
 */
async function upload(base: string, referralId: string, token: string, seed: Buffer, bytes: number): Promise<Uploaded> {
  const boundary = `----rd-bench-${randomBytes(16).toString('hex')}`;
  const opening = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="bench.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`,
  );
  const closing = Buffer.from(`\r\n--${boundary}--\r\n`);
  function* body(): Generator<Buffer> {
    yield opening;
    yield* generated(seed, bytes);
    yield closing;
  }
  const url = new URL(`/api/v1/referrals/${referralId}/captures`, base);
  const began = performance.now();
  const answered = new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = http.request(url, {
      method: 'POST',
      signal: AbortSignal.timeout(UPLOAD_TIMEOUT_MS),
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': `multipart/form-data; boundary=${boundary}`,
        'content-length': String(opening.length + bytes + closing.length),
      },
    });
    req.once('error', reject);
    req.once('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text = (text + d).slice(0, 64_000)));
      res.once('end', () => resolve({ status: res.statusCode ?? 0, text }));
      res.once('error', reject);
    });
    // A refusal may come before the body is sent: the answer then settles the promise.
    pipeline(Readable.from(body(), { objectMode: false, highWaterMark: 4 * MB }), req).catch(reject);
  });
  const { status, text } = await answered;
  const seconds = (performance.now() - began) / 1000;
  let answer: Uploaded['answer'] = null;
  try {
    answer = JSON.parse(text) as Uploaded['answer'];
  } catch {
    answer = null;
  }
  return { seconds, status, answer };
}

/** Samples `pid`'s resident set every 100 ms until stopped; answers the largest seen. */
function sampleRss(pid: number): { stop: () => number } {
  let max = rssMb(pid);
  const sample = () => {
    try {
      max = Math.max(max, rssMb(pid));
    } catch {
      // The process ended: the upload's own failure says why.
    }
  };
  const timer = setInterval(sample, SAMPLE_MS);
  return {
    stop: () => {
      clearInterval(timer);
      sample();
      return max;
    },
  };
}

/** The median of five samples 100 ms apart: the idle server's resident set. */
async function idleRss(pid: number): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < 5; i++) {
    samples.push(rssMb(pid));
    await new Promise((r) => setTimeout(r, SAMPLE_MS));
  }
  return samples.sort((a, b) => a - b)[2]!;
}

const ratioAtLeast = (limit: number, of: string): Goal => ({ text: `≥ ${limit} of ${of}`, test: (_v, r) => r !== null && r >= limit });
const atMost = (limit: number, unit: string): Goal => ({ text: `≤ ${limit} ${unit}`, test: (v) => v <= limit });

/**
 * Runs the upload bench and answers its figures. Fails (throws) when an upload is not a 201 or its
 * SHA-256 is not that of the bytes sent: a fast wrong answer is no figure.
 */
export async function runUploadBench(o: UploadBenchOptions): Promise<Result[]> {
  const { bytes, log } = o;
  if (!Number.isSafeInteger(bytes) || bytes < CHUNK) throw new Error('the upload must be at least 1 MiB');
  // The stored upload and the ceiling's file (removed after), with room to spare.
  const disk = fs.statfsSync(os.tmpdir());
  if (disk.bavail * disk.bsize < 2 * bytes + 512 * MB)
    throw new Error(`the upload bench needs ${Math.ceil((2 * bytes) / MB) + 512} MB free in the temporary folder`);
  const bench = await createBenchDatabase(undefined);
  const dataDir = bench.dataDir!;
  const sessionSecret = randomBytes(32).toString('hex');
  const seed = randomBytes(CHUNK);
  const mb = bytes / MB;
  log(`upload bench: ${mb.toLocaleString('en-GB')} MB to a fresh PGlite DATA_DIR`);
  let server: ServerProcess | undefined;
  try {
    // 1. People, a referral in review, then the in-process figures while the server is not yet running.
    const database = await bench.open();
    let who: { referralId: string; token: string };
    let put: Timed & { sha256: string };
    try {
      const config: Config = { ...loadConfig({ NODE_ENV: 'production', LOG_LEVEL: 'silent', DATA_DIR: dataDir }), sessionSecret };
      const { surroundings } = await openSurroundings(config);
      const services = await prepare(database, config, surroundings);
      who = await makeReferralInReview(services);
      put = await storePut(surroundings.store, seed, bytes);
    } finally {
      // PGlite admits one process: the bench lets go before the server opens it.
      await database.close();
    }
    const top = await ceiling(seed, bytes, dataDir);
    const making = generating(seed, bytes);
    log(`ceiling ${(mb / top.seconds).toFixed(0)} MB/s; store put in process ${(mb / put.seconds).toFixed(0)} MB/s`);
    if (put.sha256 !== top.sha256) throw new Error('the store and the ceiling hashed different bytes');

    // 2. The real server, a small warm-up upload (not counted), then the upload with its memory sampled.
    server = await startServer({ NODE_ENV: 'production', LOG_LEVEL: 'warn', SESSION_SECRET: sessionSecret, DATA_DIR: dataDir });
    const pid = server.child.pid!;
    const warm = await upload(server.base, who.referralId, who.token, randomBytes(CHUNK), CHUNK);
    if (warm.status !== 201) throw new Error(`the warm-up upload was answered ${warm.status}`);
    const before = await idleRss(pid);
    const sampler = sampleRss(pid);
    let peak = before;
    let sent: Uploaded;
    const serverCpu = cpuSeconds(pid);
    const clientCpu = process.cpuUsage();
    try {
      sent = await upload(server.base, who.referralId, who.token, seed, bytes);
    } finally {
      peak = sampler.stop();
    }
    const cpu = { server: cpuSeconds(pid) - serverCpu, client: ownCpuSince(clientCpu) };
    if (sent.status !== 201) throw new Error(`the upload was answered ${sent.status}`);
    if (sent.answer?.sha256 !== top.sha256 || sent.answer.size !== bytes)
      throw new Error('the stored upload is not the bytes sent (its SHA-256 or size differs)');
    const rate = mb / sent.seconds;
    const ceilingRate = mb / top.seconds;
    const gib = bytes / 2 ** 30;
    log(`upload ${rate.toFixed(0)} MB/s (${sent.seconds.toFixed(1)} s); server RSS ${before.toFixed(0)} → ${peak.toFixed(0)} MB`);
    return [
      result('upload.mb_per_s', rate, 'MB/s', { ceiling: ceilingRate, goal: ratioAtLeast(0.7, 'the ceiling') }),
      result('upload.seconds', sent.seconds, 's'),
      result('upload.bytes', bytes, 'bytes'),
      result('upload.store_put.mb_per_s', mb / put.seconds, 'MB/s', { ceiling: ceilingRate }),
      result('upload.ceiling.mb_per_s', ceilingRate, 'MB/s'),
      // CPU seconds per GiB: the work each path does, less swayed by the neighbours than the wall clock
      // (not immune: docs/performance.md). The in-process figures less making the bytes, which the server does not do.
      result('upload.server_cpu.s_per_gib', cpu.server / gib, 's/GiB', { ceiling: (top.cpu - making) / gib }),
      result('upload.client_cpu.s_per_gib', cpu.client / gib, 's/GiB'),
      result('upload.store_put.cpu.s_per_gib', (put.cpu - making) / gib, 's/GiB', { ceiling: (top.cpu - making) / gib }),
      result('upload.ceiling.cpu.s_per_gib', (top.cpu - making) / gib, 's/GiB'),
      result('upload.generate.cpu.s_per_gib', making / gib, 's/GiB'),
      result('upload.server_rss.before', before, 'MB'),
      result('upload.server_rss.max', peak, 'MB'),
      result('upload.server_rss.growth', peak - before, 'MB', { goal: atMost(64, 'MB') }),
    ];
  } finally {
    await server?.stop();
    if (o.keep) log(`kept: ${dataDir}`);
    else await bench.destroy();
  }
}
