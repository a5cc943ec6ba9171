import { execa } from 'execa';
import { z } from 'zod';
import type { Tools } from './tools.js';
import { inputArgs } from './analyse.js';

/**
 * Why a capture's audio could not be fingerprinted (issue 13 point 4), in words for the capture's
 * record and the library page. Never holds the file's path or name.
 */
export class FingerprintFailed extends Error {
  override name = 'FingerprintFailed';
}

/**
 * A capture's Chromaprint fingerprint: the sub-fingerprints as unsigned 32-bit integers, about
 * eight a second (`ITEMS_PER_SECOND` in domain/audio-match.ts), and how many seconds of sound
 * were fingerprinted (at most `maxSeconds`).
 */
export type AudioFingerprint = { durationSeconds: number; fingerprint: number[] };

export type FingerprintOptions = {
  /** A time-out per program; the default suits a 20-minute track on a busy two-core machine. */
  timeoutMs?: number;
  /** How much of the audio is fingerprinted, from its start: 20 minutes by default (a long mix, a whole track). */
  maxSeconds?: number;
};

const TIMEOUT_MS = 120_000;
const MAX_SECONDS = 20 * 60;
/** The sound handed to fpcalc: what Chromaprint works on anyway (11,025 Hz, one channel, 16 bits). */
const RATE = 11025;
const BYTES_PER_SECOND = RATE * 2;
/** fpcalc's JSON for 20 minutes is about 110 kB; its and ffmpeg's messages are short. */
const FPCALC_OUTPUT_CAP = 1024 * 1024;
const MESSAGES_CAP = 256 * 1024;

/*
 * ffmpeg reads the capture with the demuxers and the local-file-only rule analyse.ts uses (issue 12
 * point 6). fpcalc is never given the file: it opens anything libavformat can, playlists that name
 * other files or network addresses included, and has no whitelist of its own.
 */

/** fpcalc's answer with `-raw -json`: unsigned sub-fingerprints (without `-signed`). */
const fpcalcOutput = z.object({
  duration: z.number(),
  fingerprint: z.array(z.number().int().min(0).max(0xffffffff)).min(1),
});

/**
 * The Chromaprint fingerprint of the first audio stream of `file` (issue 13 point 4; STACK.md
 * "Debian tools"). ffmpeg decodes it, with only the listed demuxers and the local file, to the
 * 11,025 Hz mono sound Chromaprint uses, and `fpcalc -raw -json` fingerprints that from its
 * standard input with `-length` set to `maxSeconds`, so a whole track is fingerprinted, not
 * fpcalc's default first 120 s. fpcalc exits 3 when the sound is shorter than `-length` although
 * it printed the fingerprint: that answer is used. No audio, audio too short to fingerprint
 * (under about three seconds) or an answer out of shape is a `FingerprintFailed`.
 */
export async function fingerprintAudio(
  file: string,
  tools: Pick<Tools, 'ffmpeg' | 'fpcalc'>,
  options: FingerprintOptions = {},
): Promise<AudioFingerprint> {
  if (!tools.ffmpeg) throw new FingerprintFailed('ffmpeg is not installed');
  if (!tools.fpcalc) throw new FingerprintFailed('fpcalc is not installed');
  const timeoutMs = options.timeoutMs ?? TIMEOUT_MS;
  const maxSeconds = Math.max(1, Math.floor(options.maxSeconds ?? MAX_SECONDS));
  const sound = await decode(file, tools.ffmpeg.path, maxSeconds, timeoutMs);
  const fingerprint = await fpcalc(tools.fpcalc.path, sound, maxSeconds, timeoutMs);
  return { durationSeconds: sound.length / BYTES_PER_SECOND, fingerprint };
}

/** The first audio stream as raw 16-bit mono samples at 11,025 Hz, at most `maxSeconds` of it. */
async function decode(file: string, ffmpeg: string, maxSeconds: number, timeoutMs: number): Promise<Buffer> {
  const input = inputArgs(file);
  const output = ['-map', '0:a:0', '-vn', '-sn', '-dn', '-ac', '1', '-ar', String(RATE), '-t', String(maxSeconds), '-f', 's16le', 'pipe:1'];
  const result = await execa(ffmpeg, ['-hide_banner', '-nostdin', '-v', 'error', ...input, ...output], {
    timeout: timeoutMs,
    // `-t` bounds the sound; the slack is for the resampler's last block.
    maxBuffer: { stdout: (maxSeconds + 1) * BYTES_PER_SECOND, stderr: MESSAGES_CAP },
    encoding: 'buffer',
    reject: false,
    stdin: 'ignore',
    forceKillAfterDelay: 2_000,
  });
  if (result.timedOut) throw new FingerprintFailed(`ffmpeg did not decode the audio within ${Math.round(timeoutMs / 1000)} s`);
  if (result.isMaxBuffer) throw new FingerprintFailed('ffmpeg gave more sound than asked for');
  if (result.exitCode !== 0) {
    const messages = Buffer.from(result.stderr).toString('utf8');
    if (/matches no streams/.test(messages)) throw new FingerprintFailed('There is no audio stream to fingerprint');
    throw new FingerprintFailed('ffmpeg could not decode the audio: the file is not media it reads, or it is corrupt');
  }
  return Buffer.from(result.stdout);
}

/** fpcalc's fingerprint of raw sound, checked. */
async function fpcalc(program: string, sound: Buffer, maxSeconds: number, timeoutMs: number): Promise<number[]> {
  const args = ['-format', 's16le', '-rate', String(RATE), '-channels', '1', '-length', String(maxSeconds), '-raw', '-json', '-'];
  const result = await execa(program, args, {
    input: sound,
    timeout: timeoutMs,
    maxBuffer: { stdout: FPCALC_OUTPUT_CAP, stderr: MESSAGES_CAP },
    reject: false,
    forceKillAfterDelay: 2_000,
  });
  if (result.timedOut) throw new FingerprintFailed(`fpcalc did not finish within ${Math.round(timeoutMs / 1000)} s`);
  if (result.isMaxBuffer) throw new FingerprintFailed(`fpcalc's answer was larger than ${FPCALC_OUTPUT_CAP / 1024 / 1024} MB`);
  // 3: the sound was shorter than -length, which it nearly always is; the fingerprint is whole.
  if (result.exitCode !== 0 && result.exitCode !== 3) {
    if (/not enough audio|empty fingerprint/i.test(result.stderr)) throw new FingerprintFailed('The audio is too short to fingerprint');
    throw new FingerprintFailed(`fpcalc failed (exit code ${result.exitCode ?? 'none'})`);
  }
  const parsed = fpcalcOutput.safeParse(jsonOrNull(result.stdout));
  if (!parsed.success) throw new FingerprintFailed('fpcalc answered in a form the fingerprinting does not know');
  return parsed.data.fingerprint;
}

function jsonOrNull(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
