import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeMedia, makeZip, truncatedCopy, type MediaKind } from '../../test/media.js';
import { AnalysisFailed, contactSheet, probe, waveform } from './analyse.js';
import { pngDimensions } from './png.js';
import { findTools, type Tools } from './tools.js';

let dir: string;
let tools: Tools;
const files = {} as Record<MediaKind, string>;
const names: Record<MediaKind, string> = {
  mp4: 'a.mp4',
  webm: 'a.webm',
  mp3: 'a.mp3',
  wav: 'a.wav',
  'mkv-video-only': 'a.mkv',
  'mp4-portrait-stereo': 'b.mp4',
  'mp3-cover': 'b.mp3',
  png: 'a.png',
};

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'analyse-'));
  tools = await findTools();
  for (const kind of Object.keys(names) as MediaKind[]) files[kind] = await makeMedia(dir, names[kind], kind, 3, 440);
}, 120_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The reason an analysis step gave, which must never name the file. */
async function failure(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AnalysisFailed);
  const reason = (error as AnalysisFailed).message;
  expect(reason).not.toContain(dir);
  return reason;
}

describe('probe', { timeout: 30_000 }, () => {
  it.each([
    [
      'mp4',
      {
        container: 'mov,mp4,m4a,3gp,3g2,mj2',
        video: { codec: 'h264', width: 320, height: 240 },
        audio: { codec: 'aac', channels: 1, sampleRate: 44100 },
      },
    ],
    [
      'webm',
      {
        container: 'matroska,webm',
        video: { codec: 'vp8', width: 320, height: 240 },
        audio: { codec: 'opus', channels: 1, sampleRate: 48000 },
      },
    ],
    ['mkv-video-only', { container: 'matroska,webm', video: { codec: 'h264', width: 320, height: 240 } }],
    ['mp3', { container: 'mp3', audio: { codec: 'mp3', channels: 1, sampleRate: 44100 } }],
    ['wav', { container: 'wav', audio: { codec: 'pcm_s16le', channels: 1, sampleRate: 44100 } }],
    [
      'mp4-portrait-stereo',
      {
        container: 'mov,mp4,m4a,3gp,3g2,mj2',
        video: { codec: 'h264', width: 360, height: 640 },
        audio: { codec: 'aac', channels: 2, sampleRate: 48000 },
      },
    ],
  ] as const)('reads %s: container, codecs, resolution, channels, about three seconds', async (kind, expected) => {
    const analysis = await probe(files[kind], tools);
    expect(analysis).toEqual({ ...expected, hasAudio: 'audio' in expected, durationSeconds: expect.any(Number) });
    expect(analysis.durationSeconds).toBeGreaterThan(2.9);
    expect(analysis.durationSeconds).toBeLessThan(3.1);
  });

  it('takes cover art for a picture, not video: an mp3 with a cover is audio only', async () => {
    const analysis = await probe(files['mp3-cover'], tools);
    expect(analysis.video).toBeUndefined();
    expect(analysis.audio).toEqual({ codec: 'mp3', channels: 1, sampleRate: 44100 });
  });

  it('reads a picture as one video frame without a duration', async () => {
    expect(await probe(files.png, tools)).toEqual({
      container: 'png_pipe',
      hasAudio: false,
      video: { codec: 'png', width: 320, height: 240 },
    });
  });

  it('reports the length of a longer clip', async () => {
    const long = await makeMedia(dir, 'long.mp4', 'mp4', 12, 220);
    expect((await probe(long, tools)).durationSeconds).toBeCloseTo(12, 0);
  });

  it('fails an mp4 cut in half, though its index at the front is whole, naming the cut', async () => {
    const cut = await truncatedCopy(files.mp4, dir, 'cut.mp4');
    expect(await failure(probe(cut, tools))).toMatch(/^The file is truncated or corrupt: stream \d+, offset 0x[0-9a-f]+: partial file$/);
  });

  it('fails a Matroska file cut short', async () => {
    const cut = await truncatedCopy(files.webm, dir, 'cut.webm', 0.6);
    expect(await failure(probe(cut, tools))).toBe('The file is truncated or corrupt: File ended prematurely');
  });

  it('fails an mp4 cut before its media, with ffprobe’s reason', async () => {
    const cut = await truncatedCopy(files.mp4, dir, 'head.mp4', 0.01);
    expect(await failure(probe(cut, tools))).toMatch(/^The file is (not media that ffprobe can read, or it is )?truncated or corrupt: \S/);
  });

  it('reads a wav cut in half as a shorter file: without an index the cut cannot be seen', async () => {
    const cut = await truncatedCopy(files.wav, dir, 'cut.wav');
    expect((await probe(cut, tools)).durationSeconds).toBeCloseTo(1.5, 1);
  });

  it('fails random bytes, text and a zip with a reason, never the file name', async () => {
    const random = path.join(dir, 'random.bin');
    await writeFile(random, Buffer.from(Array.from({ length: 64 * 1024 }, (_, i) => (i * 7919 + ((i * i) % 251)) & 0xff)));
    const text = path.join(dir, 'note.txt');
    await writeFile(text, 'Meet at the usual place at nine.\n'.repeat(50));
    const zip = await makeZip(dir, 'archive.zip', files.mp4);
    const unreadable =
      'The file is not media that ffprobe can read, or it is truncated or corrupt: Invalid data found when processing input';
    expect(await failure(probe(random, tools))).toBe(unreadable);
    expect(await failure(probe(zip, tools))).toBe(unreadable);
    // ffmpeg would show text as a terminal screen (its tty demuxer), which the analysis does not allow.
    expect(await failure(probe(text, tools))).toBe("The file's format (tty) is not one the analysis reads");
  });

  it('refuses a playlist that would make ffprobe read another file', async () => {
    const playlist = path.join(dir, 'list.m3u8');
    await writeFile(playlist, `#EXTM3U\n#EXT-X-TARGETDURATION:3\n#EXTINF:3,\n${files.mp4}\n#EXT-X-ENDLIST\n`);
    expect(await failure(probe(playlist, tools))).toBe("The file's format (hls) is not one the analysis reads");
  });

  it('never takes a path for an option or a protocol', async () => {
    const odd = await makeMedia(dir, '-i.mp3', 'mp3');
    expect((await probe(odd, tools)).container).toBe('mp3');
    const relative = path.relative(process.cwd(), odd);
    expect((await probe(relative, tools)).container).toBe('mp3');
    // A URL is a (missing) local path to ffprobe, never an address to fetch.
    expect(await failure(probe('http://127.0.0.1:9/x.mp4', tools))).toMatch(/: No such file or directory$/);
  });

  it('fails without ffprobe, and on a time-out, without hanging', async () => {
    expect(await failure(probe(files.mp4, { ...tools, ffprobe: null }))).toBe('ffprobe is not installed');
    expect(await failure(probe(files.mp4, tools, { timeoutMs: 1 }))).toBe('ffprobe did not finish within 1 ms');
  });
});

describe('contactSheet', { timeout: 30_000 }, () => {
  it('lays 4 × 3 frames of a landscape video in 320 × 240 tiles with 4-pixel gaps', async () => {
    const sheet = await contactSheet(files.mp4, await probe(files.mp4, tools), tools);
    expect(pngDimensions(sheet)).toEqual({ width: 4 * 320 + 5 * 4, height: 3 * 240 + 4 * 4 });
  });

  it('fits an upright video in 180 × 320 tiles', async () => {
    const file = files['mp4-portrait-stereo'];
    expect(pngDimensions(await contactSheet(file, await probe(file, tools), tools))).toEqual({
      width: 4 * 180 + 5 * 4,
      height: 3 * 320 + 4 * 4,
    });
  });

  it('makes one from a video without sound', async () => {
    const file = files['mkv-video-only'];
    expect(pngDimensions(await contactSheet(file, await probe(file, tools), tools))).toEqual({ width: 1300, height: 736 });
  });

  it('shows a picture in a single tile', async () => {
    expect(pngDimensions(await contactSheet(files.png, await probe(files.png, tools), tools))).toEqual({ width: 328, height: 248 });
  });

  it('refuses sound alone and sound with cover art: there is no video to show', async () => {
    for (const kind of ['mp3', 'mp3-cover'] as const) {
      expect(await failure(contactSheet(files[kind], await probe(files[kind], tools), tools))).toBe(
        'There is no video stream to make a contact sheet of',
      );
    }
  });

  it('fails without ffmpeg, and on a time-out', async () => {
    const analysis = await probe(files.mp4, tools);
    expect(await failure(contactSheet(files.mp4, analysis, { ...tools, ffmpeg: null }))).toBe('ffmpeg is not installed');
    expect(await failure(contactSheet(files.mp4, analysis, tools, { timeoutMs: 1 }))).toBe('ffmpeg did not finish within 1 ms');
  });

  it('fails with a reason when the bytes are not what the analysis said', async () => {
    const random = path.join(dir, 'noise.bin');
    await writeFile(random, Buffer.alloc(4096, 0x5a));
    const analysis = await probe(files.mp4, tools);
    expect(await failure(contactSheet(random, analysis, tools))).toMatch(/^ffmpeg could not make the contact sheet: \S/);
  });
});

describe('waveform', { timeout: 30_000 }, () => {
  it.each(['mp4', 'webm', 'mp3', 'wav', 'mp4-portrait-stereo', 'mp3-cover'] as const)('draws %s as a 1200 × 240 PNG', async (kind) => {
    expect(pngDimensions(await waveform(files[kind], tools))).toEqual({ width: 1200, height: 240 });
  });

  it('draws different sound differently', async () => {
    const quiet = await makeMedia(dir, 'low.wav', 'wav', 3, 50);
    expect((await waveform(quiet, tools)).equals(await waveform(files.wav, tools))).toBe(false);
  });

  it('refuses a video without sound and a picture: there is no audio to draw', async () => {
    for (const kind of ['mkv-video-only', 'png'] as const) {
      expect(await failure(waveform(files[kind], tools))).toBe('There is no audio stream to draw a waveform of');
    }
  });

  it('fails without ffmpeg, and on a time-out', async () => {
    expect(await failure(waveform(files.wav, { ...tools, ffmpeg: null }))).toBe('ffmpeg is not installed');
    expect(await failure(waveform(files.wav, tools, { timeoutMs: 1 }))).toBe('ffmpeg did not finish within 1 ms');
  });
});

describe('when ffprobe or ffmpeg misbehaves', { timeout: 30_000 }, () => {
  /** A stand-in for the program: a shell script that does what the test needs. */
  async function fake(name: string, script: string): Promise<Tools> {
    const file = path.join(dir, name);
    await writeFile(file, `#!/bin/sh\n${script}\n`, { mode: 0o755 });
    const tool = { path: file, version: 'fake' };
    return { ...tools, ffprobe: tool, ffmpeg: tool };
  }

  it('passes the path as one argument behind -i and file:, after the format and protocol limits', async () => {
    const log = path.join(dir, 'args.log');
    const spy = await fake('spy', `printf '%s\\n' "$@" > '${log}'; echo '{}'`);
    await failure(probe('-f lavfi', spy));
    const args = (await readFile(log, 'utf8')).trimEnd().split('\n');
    expect(args.slice(-2)).toEqual(['-i', `file:${path.resolve('-f lavfi')}`]);
    expect(args).toContain('-format_whitelist');
    expect(args[args.indexOf('-protocol_whitelist') + 1]).toBe('file');
  });

  it('fails an answer that is not JSON, or has no audio or video stream', async () => {
    expect(await failure(probe(files.mp4, await fake('garbled', 'echo "{not json"')))).toBe(
      'ffprobe answered in a form the analysis does not know',
    );
    const subtitles = `echo '{"streams":[{"codec_type":"subtitle","codec_name":"ass"},{"codec_type":"video","codec_name":"png","width":1,"height":1,"disposition":{"attached_pic":1}}],"format":{"format_name":"matroska,webm","duration":"3.0"}}'`;
    expect(await failure(probe(files.mp4, await fake('subtitles', subtitles)))).toBe('ffprobe found no audio or video stream');
  });

  it('stops a program whose output passes the cap', async () => {
    const flood = await fake('flood', 'head -c 3000000 /dev/zero');
    expect(await failure(probe(files.mp4, flood))).toBe("ffprobe's output was larger than 1 MB");
  });

  it('stops a program that reports error after error, and says the file is corrupt', async () => {
    const complaints = await fake('complaints', 'yes "[h264 @ 0x55d0c0ffee00] error while decoding MB 3 7" | head -c 3000000 >&2');
    expect(await failure(waveform(files.wav, complaints))).toBe(
      'The file is truncated or corrupt: ffmpeg reported too many errors, the first: error while decoding MB 3 7',
    );
  });

  it('fails a program killed by a signal, and one that exits cleanly without a picture', async () => {
    expect(await failure(waveform(files.wav, await fake('killed', 'kill -9 $$')))).toBe('ffmpeg stopped unexpectedly');
    expect(await failure(waveform(files.wav, await fake('empty', 'exit 0')))).toBe('ffmpeg made no waveform: it found nothing to draw');
  });
});
