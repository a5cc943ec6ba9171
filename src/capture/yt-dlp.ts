/**
 * Capture from a platform page with yt-dlp (issue 12, point 1; SOP 9.1 "conversion software").
 * yt-dlp runs with an argument array, a time-out and output caps, with no user configuration, in a
 * private temporary directory (0700, removed afterwards) under a fixed output name (never a name
 * from the page), and with ALL its traffic sent through the guard proxy, so the page cannot send
 * it anywhere a plain download may not go. The file it leaves is streamed to the same sink.
 */
import { createReadStream } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { checkUrl } from './address-guard.js';
import { CaptureFailed, formatBytes, refused } from './capture-error.js';
import type { Sink } from './download.js';
import { startGuardProxy } from './guard-proxy.js';
import type { Watch } from './watch.js';
import { metadataOf, reasonFromYtDlp, type YtDlpMetadata } from './yt-dlp-output.js';

export type YtDlpRun<T> = {
  /** The yt-dlp program, as the tools finder found it; null when it is not installed. */
  ytDlpPath: string | null;
  sink: Sink<T>;
  allowedHosts: readonly string[];
  maxBytes: number;
  /** The idle time-out, given to yt-dlp as `--socket-timeout`. */
  idleTimeoutMs: number;
  onProgress?: (bytes: number, total?: number) => void;
};

export type YtDlpCaptured<T> = {
  result: T;
  finalUrl: string;
  contentType: string | null;
  tool: 'yt-dlp';
  toolVersion: string;
  metadata: YtDlpMetadata;
};

/** What yt-dlp may fetch on top of the file itself: pages, manifests, player scripts. */
const OVERHEAD_BYTES = 64 * 1024 * 1024;
/** Caps on what yt-dlp may print and write beside the file. */
const MAX_OUTPUT = 1024 * 1024;
const MAX_INFO_JSON = 16 * 1024 * 1024;
const OUTPUT_NAME = 'capture';
const PROGRESS = 'capture-progress';
const CONTENT_TYPES: Record<string, string> = {
  mp4: 'video/mp4',
  m4a: 'audio/mp4',
  webm: 'video/webm',
  mkv: 'video/x-matroska',
  mp3: 'audio/mpeg',
  mov: 'video/quicktime',
};

const versions = new Map<string, Promise<string>>();

/** `yt-dlp --version`, asked once per program. */
function versionOf(program: string): Promise<string> {
  let version = versions.get(program);
  if (!version) {
    version = execa(program, ['--version'], { timeout: 15_000, maxBuffer: 1024, stdin: 'ignore', reject: false }).then((r) =>
      r.exitCode === 0 ? String(r.stdout).trim().slice(0, 40) : 'unknown',
    );
    versions.set(program, version);
  }
  return version;
}

/** Runs yt-dlp on `url` under `watch`; throws a CaptureFailed with the reason when it cannot. */
export async function captureWithYtDlp<T>(url: string, run: YtDlpRun<T>, watch: Watch): Promise<YtDlpCaptured<T>> {
  if (!run.ytDlpPath) throw new CaptureFailed('yt-dlp is not installed: install the Debian package yt-dlp');
  const target = checkUrl(url, run.allowedHosts);
  // mkdtemp makes the directory 0700: no other user reads the capture while it is there.
  const dir = await mkdtemp(path.join(os.tmpdir(), 'capture-'));
  try {
    return await captureIn(dir, run.ytDlpPath, target, run, watch);
  } catch (error) {
    throw watch.reason ?? error;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function captureIn<T>(dir: string, program: string, target: URL, run: YtDlpRun<T>, watch: Watch): Promise<YtDlpCaptured<T>> {
  const proxy = await startGuardProxy({ allowedHosts: run.allowedHosts, budgetBytes: run.maxBytes + OVERHEAD_BYTES });
  try {
    const outcome = await watch.holdingIdle(() => runYtDlp(program, argumentsFor(target.href, dir, proxy.url, run), dir, run, watch));
    if (watch.reason) throw watch.reason;
    if (outcome.isMaxBuffer) throw new CaptureFailed('yt-dlp printed more than expected and was stopped');
    if (outcome.signal) throw new CaptureFailed('yt-dlp stopped unexpectedly');
    if (outcome.exitCode === undefined) throw new CaptureFailed('yt-dlp could not be run: install the Debian package yt-dlp');
    const file = await outputFile(dir);
    // A refusal by the guard explains a failed run better than yt-dlp's "HTTP Error 403" does.
    if (!file) throw proxy.refusals[0] ?? reasonFromYtDlp(`${String(outcome.stdout)}\n${String(outcome.stderr)}`, run.maxBytes);
    if (outcome.exitCode !== 0) throw proxy.refusals[0] ?? reasonFromYtDlp(String(outcome.stderr), run.maxBytes);
    const size = (await stat(path.join(dir, file))).size;
    if (size > run.maxBytes) throw refused(`The server sent more than the ${formatBytes(run.maxBytes)} limit`);
    const info = await readInfo(dir);
    const result = await run.sink(touching(createReadStream(path.join(dir, file), { signal: watch.signal }), watch));
    if (watch.reason) throw watch.reason;
    return {
      result,
      finalUrl: typeof info.webpage_url === 'string' && /^https?:\/\//.test(info.webpage_url) ? info.webpage_url : target.href,
      contentType: CONTENT_TYPES[path.extname(file).slice(1)] ?? null,
      tool: 'yt-dlp',
      toolVersion: await versionOf(program),
      metadata: metadataOf(info),
    };
  } finally {
    await proxy.close();
  }
}

/**
 * Runs yt-dlp in its own process group, so that stopping it (time-out, cancel) also stops what it
 * started (ffmpeg merging formats): nothing keeps writing into a directory being removed.
 */
async function runYtDlp(program: string, args: string[], dir: string, run: YtDlpRun<unknown>, watch: Watch) {
  const child = execa(program, args, {
    cancelSignal: watch.signal,
    forceKillAfterDelay: 2_000,
    detached: true,
    maxBuffer: MAX_OUTPUT,
    stdin: 'ignore',
    stdout: progressReader(run.onProgress),
    // No HOME config, no proxy from the environment: only what is passed here.
    extendEnv: false,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, LANG: 'C.UTF-8' },
    reject: false,
  });
  const stopGroup = () => {
    if (child.pid === undefined || child.exitCode !== null) return;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  };
  watch.signal.addEventListener('abort', stopGroup, { once: true });
  try {
    return await child;
  } finally {
    watch.signal.removeEventListener('abort', stopGroup);
  }
}

/** The file's bytes, each chunk restarting the idle clock: a slow sink is not a silent source. */
async function* touching(file: AsyncIterable<Buffer>, watch: Watch): AsyncGenerator<Uint8Array> {
  for await (const chunk of file) {
    watch.touch();
    yield chunk;
  }
}

/** Passes yt-dlp's lines on, except its progress lines, which become `onProgress` calls. */
function progressReader(onProgress: YtDlpRun<unknown>['onProgress']) {
  return function* (line: unknown): Generator<string, void, void> {
    const text = String(line);
    if (!text.startsWith(PROGRESS)) {
      yield text;
      return;
    }
    const [, done, total, estimate] = text.split(' ');
    onProgress?.(Number(done) || 0, Number(total) || Number(estimate) || undefined);
  };
}

function argumentsFor(url: string, dir: string, proxy: string, run: YtDlpRun<unknown>): string[] {
  return [
    '--ignore-config',
    '--no-cache-dir',
    '--no-playlist',
    // A page with several videos is a playlist to yt-dlp: the first is the capture.
    '--playlist-items',
    '1',
    // yt-dlp fetches everything itself, through the proxy; no external downloader (ffmpeg, aria2c)
    // opens connections of its own.
    '--downloader',
    'native',
    '--restrict-filenames',
    '--no-mtime',
    '--proxy',
    proxy,
    '--socket-timeout',
    String(Math.max(1, Math.ceil(run.idleTimeoutMs / 1000))),
    '--max-filesize',
    String(run.maxBytes),
    '--retries',
    '1',
    '--paths',
    dir,
    '--output',
    `${OUTPUT_NAME}.%(ext)s`,
    '--write-info-json',
    // Only the video's own info under the fixed name, never the page-as-playlist's.
    '--no-write-playlist-metafiles',
    '--newline',
    '--progress-template',
    `download:${PROGRESS} %(progress.downloaded_bytes)s %(progress.total_bytes)s %(progress.total_bytes_estimate)s`,
    '--',
    url,
  ];
}

/** The one media file yt-dlp left (not its info JSON, nor a partial download). */
async function outputFile(dir: string): Promise<string | undefined> {
  const names = await readdir(dir);
  return names.find((n) => n.startsWith(`${OUTPUT_NAME}.`) && !/\.(info\.json|part|ytdl|temp)$/.test(n) && !/\.part-Frag/.test(n));
}

async function readInfo(dir: string): Promise<Record<string, unknown>> {
  const file = path.join(dir, `${OUTPUT_NAME}.info.json`);
  try {
    if ((await stat(file)).size > MAX_INFO_JSON) return {};
    const parsed: unknown = JSON.parse(await readFile(file, 'utf8'));
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
