import { execFile } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeMedia } from '../../test/media.js';
import { makeTrack } from '../../test/music.js';
import { ITEMS_PER_SECOND, compareFingerprints } from '../domain/audio-match.js';
import { FingerprintFailed, fingerprintAudio } from './fingerprint.js';
import { findTools, type Tools } from './tools.js';

const run = promisify(execFile);

let dir: string;
let tools: Tools;
let track: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'fingerprint-'));
  tools = await findTools();
  track = await makeTrack(dir, 42, 12);
}, 120_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The reason fingerprinting gave, which must never name the file. */
async function failure(promise: Promise<unknown>, file: string): Promise<string> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FingerprintFailed);
  const reason = (error as FingerprintFailed).message;
  expect(reason).not.toContain(path.basename(file));
  expect(reason).not.toContain(dir);
  return reason;
}

/** A stand-in fpcalc: a shell script that drains its input (the sound) and then does `body`. */
async function fakeFpcalc(name: string, body: string): Promise<Tools> {
  const file = path.join(dir, name);
  await writeFile(file, `#!/bin/sh\ncat >/dev/null\n${body}\n`);
  await chmod(file, 0o755);
  return { ...tools, fpcalc: { path: file, version: 'fake' } };
}

describe('fingerprintAudio (issue 13 point 4)', { timeout: 30_000 }, () => {
  it('fingerprints a track as fpcalc does when given the file itself: unsigned items, about eight a second', async () => {
    const { durationSeconds, fingerprint } = await fingerprintAudio(track, tools);
    expect(durationSeconds).toBeCloseTo(12, 1);
    expect(fingerprint.length).toBeGreaterThan(12 * ITEMS_PER_SECOND - 30);
    expect(fingerprint.length).toBeLessThanOrEqual(12 * ITEMS_PER_SECOND);
    expect(fingerprint.every((item) => Number.isInteger(item) && item >= 0 && item <= 0xffffffff)).toBe(true);
    // Chromaprint's filters span several frames: the last ~2 s give no items of their own.
    // fpcalc reading the file exits 3 (shorter than -length) but prints the same fingerprint, near enough.
    const direct = await run('fpcalc', ['-raw', '-json', '-length', '1200', track]).catch((e: { stdout: string; code: number }) => {
      expect(e.code).toBe(3);
      return e;
    });
    const theirs = (JSON.parse(direct.stdout) as { fingerprint: number[] }).fingerprint;
    expect(compareFingerprints(fingerprint, theirs).score).toBeGreaterThan(0.9);
  });

  it('fingerprints the whole of a track longer than fpcalc’s default 120 s, and no more than asked for', async () => {
    const long = await makeMedia(dir, 'long.wav', 'wav', 150, 330);
    const whole = await fingerprintAudio(long, tools);
    expect(whole.durationSeconds).toBeCloseTo(150, 0);
    expect(whole.fingerprint.length).toBeGreaterThan(150 * ITEMS_PER_SECOND - 30);
    const start = await fingerprintAudio(long, tools, { maxSeconds: 60 });
    expect(start.durationSeconds).toBeCloseTo(60, 0);
    expect(start.fingerprint.length).toBeLessThanOrEqual(60 * ITEMS_PER_SECOND);
  });

  it('fingerprints the sound of a video', async () => {
    const video = await makeMedia(dir, 'a.mp4', 'mp4', 5);
    expect((await fingerprintAudio(video, tools)).durationSeconds).toBeCloseTo(5, 0);
  });

  it('says so when there is no audio stream', async () => {
    const video = await makeMedia(dir, 'silent-film.mkv', 'mkv-video-only', 3);
    expect(await failure(fingerprintAudio(video, tools), video)).toBe('There is no audio stream to fingerprint');
  });

  it('says so when the audio is too short to fingerprint', async () => {
    const blip = await makeMedia(dir, 'blip.wav', 'wav', 1);
    expect(await failure(fingerprintAudio(blip, tools), blip)).toBe('The audio is too short to fingerprint');
  });

  it('refuses bytes that are not media, and never names the file', async () => {
    const junk = path.join(dir, 'secret-name.mp3');
    await writeFile(junk, Buffer.alloc(4096, 0x5a));
    expect(await failure(fingerprintAudio(junk, tools), junk)).toMatch(/^ffmpeg could not decode the audio/);
  });

  it('never opens a playlist: a hostile upload cannot make it read another file', async () => {
    const playlist = path.join(dir, 'upload.m3u8');
    await writeFile(playlist, `#EXTM3U\n#EXT-X-TARGETDURATION:12\n#EXTINF:12,\n${track}\n#EXT-X-ENDLIST\n`);
    await failure(fingerprintAudio(playlist, tools), playlist);
  });

  it('uses fpcalc’s fingerprint when it exits 3 (sound shorter than -length)', async () => {
    const fake = await fakeFpcalc('exit3', `echo '{"duration": 0.00, "fingerprint": [1, 4294967295]}'\nexit 3`);
    expect(await fingerprintAudio(track, fake)).toEqual({ durationSeconds: expect.closeTo(12, 1) as number, fingerprint: [1, 4294967295] });
  });

  it('refuses an answer out of shape: signed, fractional, empty or not JSON', async () => {
    for (const [name, answer] of [
      ['signed', '{"duration": 1, "fingerprint": [-5]}'],
      ['fraction', '{"duration": 1, "fingerprint": [1.5]}'],
      ['empty', '{"duration": 1, "fingerprint": []}'],
      ['text', 'FINGERPRINT=1,2,3'],
    ] as const) {
      const fake = await fakeFpcalc(name, `echo '${answer}'`);
      expect(await failure(fingerprintAudio(track, fake), track), name).toBe('fpcalc answered in a form the fingerprinting does not know');
    }
  });

  it('stops an fpcalc that hangs, and says how long it waited', async () => {
    const fake = await fakeFpcalc('hang', 'exec sleep 30');
    expect(await failure(fingerprintAudio(track, fake, { timeoutMs: 1_000 }), track)).toBe('fpcalc did not finish within 1 s');
  });

  it('says what is not installed', async () => {
    expect(await failure(fingerprintAudio(track, { ...tools, fpcalc: null }), track)).toBe('fpcalc is not installed');
    expect(await failure(fingerprintAudio(track, { ...tools, ffmpeg: null }), track)).toBe('ffmpeg is not installed');
  });
});
