import path from 'node:path';
import { execa } from 'execa';
import { z } from 'zod';
import type { MediaAnalysis } from '../domain/capture-rules.js';
import { pngDimensions } from './png.js';
import type { Tool, Tools } from './tools.js';

/**
 * Why a capture's analysis (SOP 9.1) could not be done, in words for the review page and the
 * capture's `analysis.error`. Never holds the file's path or name.
 */
export class AnalysisFailed extends Error {
  override name = 'AnalysisFailed';
}

/** A time-out per call; the defaults suit a 2 GiB capture on a busy two-core machine. */
export type AnalysisOptions = { timeoutMs?: number };

const PROBE_TIMEOUT_MS = 60_000;
const PICTURE_TIMEOUT_MS = 180_000;
const PROBE_OUTPUT_CAP = 1024 * 1024;
const PICTURE_OUTPUT_CAP = 20 * 1024 * 1024;
/** ffmpeg's messages about a badly broken file can run on; past this it is stopped. */
const ERROR_OUTPUT_CAP = 1024 * 1024;
const REASON_MAX_CHARS = 200;

/**
 * The demuxers ffprobe and ffmpeg may use (issue 12 point 6). Playlists and lists of other files
 * (hls, dash, concat, image2 patterns, tty) are left out: a hostile upload in one of those could
 * make ffmpeg read another file on the server or an address on the network and paint it into a
 * contact sheet. `-protocol_whitelist file` closes the network for nested opens as well.
 */
const DEMUXERS = [
  ...['mov', 'matroska', 'webm', 'avi', 'flv', 'asf', 'mpeg', 'mpegts', 'mxf', 'rm', 'ogg', 'nut', 'ivf'],
  ...['mp3', 'aac', 'ac3', 'eac3', 'flac', 'wav', 'w64', 'aiff', 'caf', 'amr', 'ape', 'wv', 'mpc', 'mpc8', 'dsf', 'voc', 'tta'],
  ...['png_pipe', 'jpeg_pipe', 'gif', 'webp_pipe', 'bmp_pipe', 'tiff_pipe', 'apng'],
].join(',');

/**
 * The options that open `file` as one input: only the formats above, only the local file, and the
 * path behind the `file:` protocol so that no name can be read as an option or another protocol.
 */
export function inputArgs(file: string, seekSeconds?: number): string[] {
  const seek = seekSeconds === undefined ? [] : ['-ss', seekSeconds.toFixed(3)];
  return ['-format_whitelist', DEMUXERS, '-protocol_whitelist', 'file', ...seek, '-i', `file:${path.resolve(file)}`];
}

type Outcome = { exitCode: number | undefined; stdout: Buffer; stderr: string; errorLines: string[] };

/**
 * Runs ffprobe or ffmpeg with an argument array, a time-out and output caps (issue 12 point 6).
 * A time-out, an output over the cap or a missing program is an `AnalysisFailed`; an exit code
 * or error messages are left to the caller to word.
 */
async function runTool(
  name: 'ffprobe' | 'ffmpeg',
  tool: Tool | null,
  file: string,
  args: string[],
  limits: { timeoutMs: number; outputCap: number },
): Promise<Outcome> {
  if (!tool) throw new AnalysisFailed(`${name} is not installed`);
  // ffprobe never reads standard input; ffmpeg would, for its keyboard commands.
  const quiet = ['-hide_banner', ...(name === 'ffmpeg' ? ['-nostdin'] : []), '-v', 'error'];
  const result = await execa(tool.path, [...quiet, ...args], {
    timeout: limits.timeoutMs,
    maxBuffer: { stdout: limits.outputCap, stderr: ERROR_OUTPUT_CAP },
    encoding: 'buffer',
    reject: false,
    stdin: 'ignore',
    forceKillAfterDelay: 2_000,
  });
  if (result.timedOut) throw new AnalysisFailed(`${name} did not finish within ${duration(limits.timeoutMs)}`);
  const stdout = Buffer.from(result.stdout);
  const stderr = Buffer.from(result.stderr).toString('utf8');
  const errorLines = reasons(stderr, file);
  if (result.isMaxBuffer) {
    throw new AnalysisFailed(
      stdout.length >= limits.outputCap
        ? `${name}'s output was larger than ${limits.outputCap / 1024 / 1024} MB`
        : `The file is truncated or corrupt: ${name} reported too many errors, the first: ${errorLines[0] ?? 'none given'}`,
    );
  }
  if (result.failed && result.exitCode === undefined) throw new AnalysisFailed(`${name} stopped unexpectedly`);
  return { exitCode: result.exitCode, stdout, stderr, errorLines };
}

function duration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`;
}

/**
 * ffmpeg's error lines made fit to show and keep: the `[demuxer @ 0x…]` prefixes and the file's
 * path taken out (no file names in messages), control characters blanked, each line bounded.
 */
function reasons(stderr: string, file: string): string[] {
  const input = `file:${path.resolve(file)}`;
  return stderr
    .split('\n')
    .map((line) =>
      line
        .split(input)
        .join('the file')
        .replace(/^(\[[^\]]* @ 0x[0-9a-f]+\] )+/, '')
        .replace(/^the file: /, '')
        .replace(/[\p{Cc}\p{Cf}]/gu, ' ')
        .trim(),
    )
    .filter((line) => line !== '')
    .map((line) => (line.length > REASON_MAX_CHARS ? `${line.slice(0, REASON_MAX_CHARS - 1)}…` : line));
}

/** Why ffprobe or ffmpeg refused the file outright, from its first error line. */
function unreadable({ stderr, errorLines }: Outcome): string {
  const notListed = /^\[([^\] @]+) @ 0x[0-9a-f]+\] Format not on whitelist/m.exec(stderr);
  if (notListed) return `The file's format (${notListed[1]}) is not one the analysis reads`;
  return `The file is not media that ffprobe can read, or it is truncated or corrupt: ${errorLines[0] ?? 'no reason given'}`;
}

/** Only the fields the analysis needs: no tags (titles, names, places), which can be large and personal. */
const PROBE_ENTRIES =
  'format=format_name,duration:stream=index,codec_type,codec_name,width,height,channels,sample_rate,duration:stream_disposition=attached_pic,timed_thumbnails';

const probeOutput = z.object({
  format: z.object({ format_name: z.string().optional(), duration: z.string().optional() }).optional(),
  streams: z
    .array(
      z.object({
        codec_type: z.string().optional(),
        codec_name: z.string().optional(),
        width: z.number().optional(),
        height: z.number().optional(),
        channels: z.number().optional(),
        sample_rate: z.string().optional(),
        duration: z.string().optional(),
        disposition: z.object({ attached_pic: z.number().optional(), timed_thumbnails: z.number().optional() }).optional(),
      }),
    )
    .optional(),
});
type ProbeOutput = z.infer<typeof probeOutput>;

/**
 * What ffprobe says about a capture (SOP 9.1; DESIGN.md "Evidence", `analysis`): container,
 * duration, codecs, resolution, audio channels. Every packet is read (`-count_packets`, a fast
 * demux without decoding) so that a file cut short is found: an mp4 or Matroska file that ends
 * early is an `AnalysisFailed` ("The file is truncated or corrupt: …"). Formats without an index
 * (mp3, wav) cannot show this: a cut one reads as a shorter file, and an mp3 with a Xing header
 * keeps the header's duration. Bytes that are no media, an archive or no audio or video stream
 * are an `AnalysisFailed` too.
 */
export async function probe(file: string, tools: Tools, options: AnalysisOptions = {}): Promise<MediaAnalysis> {
  const args = ['-count_packets', '-print_format', 'json', '-show_entries', PROBE_ENTRIES, ...inputArgs(file)];
  const outcome = await runTool('ffprobe', tools.ffprobe, file, args, {
    timeoutMs: options.timeoutMs ?? PROBE_TIMEOUT_MS,
    outputCap: PROBE_OUTPUT_CAP,
  });
  if (outcome.exitCode !== 0) throw new AnalysisFailed(unreadable(outcome));
  const parsed = probeOutput.safeParse(jsonOrNull(outcome.stdout.toString('utf8')));
  if (!parsed.success) throw new AnalysisFailed('ffprobe answered in a form the analysis does not know');
  const analysis = analysisFromProbe(parsed.data);
  if (!analysis.video && !analysis.hasAudio) throw new AnalysisFailed('ffprobe found no audio or video stream');
  if (outcome.errorLines.length > 0) {
    // The line that says where the file ends tells the reader more than a decoder's complaint before it.
    const cut = outcome.errorLines.find((l) => /partial file|ended prematurely|end of file/i.test(l));
    throw new AnalysisFailed(`The file is truncated or corrupt: ${cut ?? outcome.errorLines[0]}`);
  }
  return analysis;
}

function jsonOrNull(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** ffprobe's answer as the stored analysis; absent parts were not found (MediaAnalysis). */
function analysisFromProbe(output: ProbeOutput): MediaAnalysis {
  const streams = output.streams ?? [];
  // Cover art and thumbnails are pictures carried as video streams: not video (issue 12).
  const video = streams.find(
    (s) =>
      s.codec_type === 'video' &&
      s.disposition?.attached_pic !== 1 &&
      s.disposition?.timed_thumbnails !== 1 &&
      (s.width ?? 0) > 0 &&
      (s.height ?? 0) > 0,
  );
  const audioStreams = streams.filter((s) => s.codec_type === 'audio');
  const audio = audioStreams.find((s) => (s.channels ?? 0) > 0 && Number(s.sample_rate) > 0);
  const durationSeconds = seconds(output.format?.duration) ?? Math.max(0, ...streams.map((s) => seconds(s.duration) ?? 0));
  return {
    ...(output.format?.format_name ? { container: output.format.format_name } : {}),
    ...(durationSeconds > 0 ? { durationSeconds } : {}),
    hasAudio: audioStreams.length > 0,
    ...(video ? { video: { codec: video.codec_name ?? 'unknown', width: video.width!, height: video.height! } } : {}),
    ...(audio ? { audio: { codec: audio.codec_name ?? 'unknown', channels: audio.channels!, sampleRate: Number(audio.sample_rate) } } : {}),
  };
}

function seconds(value: string | undefined): number | undefined {
  const n = Number(value);
  return value !== undefined && Number.isFinite(n) && n >= 0 ? n : undefined;
}

const SHEET = { columns: 4, rows: 3, tile: 320, gap: 4 } as const;

/**
 * Where the contact sheet's frames are taken: the middle of each of 12 equal parts of the
 * duration, so that the first and last moments (often black) are avoided; one frame when the
 * duration is unknown (a still picture, a stream without one).
 */
function sheetTimes(durationSeconds: number | undefined): number[] {
  const count = SHEET.columns * SHEET.rows;
  if (!durationSeconds) return [0];
  return Array.from({ length: count }, (_, i) => ((i + 0.5) * durationSeconds) / count);
}

/**
 * A contact sheet of key frames for the review page (SOP 9.1): a PNG grid of 4 × 3 frames spread
 * over the duration, each fitted in 320 × 320 with its shape kept, so an upright phone video
 * gives tall narrow tiles. Each frame comes from its own seek into the file, so a two-hour video
 * costs twelve short decodes, not one long one. Only for a capture with a real video stream.
 */
export async function contactSheet(file: string, analysis: MediaAnalysis, tools: Tools, options: AnalysisOptions = {}): Promise<Buffer> {
  if (!analysis.video) throw new AnalysisFailed('There is no video stream to make a contact sheet of');
  const times = sheetTimes(analysis.durationSeconds);
  const layout = times.length === 1 ? '1x1' : `${SHEET.columns}x${SHEET.rows}`;
  const fit = `scale=w=${SHEET.tile}:h=${SHEET.tile}:force_original_aspect_ratio=decrease,setsar=1`;
  // `V` (capital) is a video stream that is not cover art; `trim` keeps one frame per seek.
  const frames = times.map((_, i) => `[${i}:V:0]trim=end_frame=1,${fit}[f${i}]`);
  const labels = times.map((_, i) => `[f${i}]`).join('');
  const graph = `${frames.join(';')};${labels}concat=n=${times.length}:v=1:a=0,tile=${layout}:padding=${SHEET.gap}:margin=${SHEET.gap}[sheet]`;
  const args = [...times.flatMap((t) => inputArgs(file, t)), '-filter_complex', graph, '-map', '[sheet]', ...PNG_OUT];
  return picture('contact sheet', file, args, tools, options);
}

const WAVEFORM = { width: 1200, height: 240, colour: '0x1d70b8' } as const;

/**
 * The audio waveform for the review page (SOP 9.1: the analyst sees where the sound is), a
 * 1200 × 240 PNG of the first audio stream mixed to one channel, on a square-root scale so that
 * quiet speech still shows. `AnalysisFailed` when there is no audio.
 */
export async function waveform(file: string, tools: Tools, options: AnalysisOptions = {}): Promise<Buffer> {
  const { width, height, colour } = WAVEFORM;
  const graph = `[0:a:0]aformat=channel_layouts=mono,showwavespic=s=${width}x${height}:scale=sqrt:colors=${colour}[wave]`;
  const args = [...inputArgs(file), '-filter_complex', graph, '-map', '[wave]', ...PNG_OUT];
  return picture('waveform', file, args, tools, options);
}

/** One PNG picture on standard output. */
const PNG_OUT = ['-frames:v', '1', '-c:v', 'png', '-f', 'image2pipe', 'pipe:1'];

async function picture(
  what: 'contact sheet' | 'waveform',
  file: string,
  args: string[],
  tools: Tools,
  options: AnalysisOptions,
): Promise<Buffer> {
  const outcome = await runTool('ffmpeg', tools.ffmpeg, file, args, {
    timeoutMs: options.timeoutMs ?? PICTURE_TIMEOUT_MS,
    outputCap: PICTURE_OUTPUT_CAP,
  });
  if (outcome.exitCode !== 0) {
    if (what === 'waveform' && outcome.errorLines.some((l) => /matches no streams/.test(l))) {
      throw new AnalysisFailed('There is no audio stream to draw a waveform of');
    }
    throw new AnalysisFailed(`ffmpeg could not make the ${what}: ${outcome.errorLines[0] ?? 'no reason given'}`);
  }
  if (!pngDimensions(outcome.stdout)) throw new AnalysisFailed(`ffmpeg made no ${what}: it found nothing to draw`);
  return outcome.stdout;
}
