import { readFile } from 'node:fs/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeMedia, makeZip, truncatedCopy, type MediaKind } from '../../test/media.js';
import { DETECTION_HEAD_BYTES, detectMediaType, isAnalysable } from './detect.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'detect-'));
}, 60_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function head(file: string): Promise<Buffer> {
  return (await readFile(file)).subarray(0, DETECTION_HEAD_BYTES);
}

/** A tar archive's first block: a file name, mode, the `ustar` magic and a valid checksum. */
function tarHead(): Buffer {
  const block = Buffer.alloc(1024);
  block.write('statement.txt');
  block.write('0000644\0', 100);
  block.write('ustar\x0000', 257);
  block.fill(' ', 148, 156);
  const sum = block.subarray(0, 512).reduce((a, b) => a + b, 0);
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return block;
}

describe('detectMediaType', { timeout: 30_000 }, () => {
  it.each([
    ['mp4', 'x.mp4', 'video/mp4'],
    ['webm', 'x.webm', 'video/webm'],
    ['mp3', 'x.mp3', 'audio/mpeg'],
    // file-type 21 says audio/wav (not audio/x-wav).
    ['wav', 'x.wav', 'audio/wav'],
    ['mkv-video-only', 'x.mkv', 'video/matroska'],
    ['mp3-cover', 'y.mp3', 'audio/mpeg'],
    ['png', 'x.png', 'image/png'],
  ] as const)('knows %s from its first bytes', async (kind: MediaKind, name, mime) => {
    const file = await makeMedia(dir, name, kind, 1);
    expect(await detectMediaType(await head(file))).toBe(mime);
  });

  it('still knows an mp4 cut short: the type is in its first bytes', async () => {
    const cut = await truncatedCopy(await makeMedia(dir, 'c.mp4', 'mp4', 1), dir, 'cut', 0.1);
    expect(await detectMediaType(await head(cut))).toBe('video/mp4');
  });

  it('knows archives for what they are, whatever they hold', async () => {
    const zip = await makeZip(dir, 'clip.mp4', await makeMedia(dir, 'in.mp4', 'mp4', 1));
    expect(await detectMediaType(await head(zip))).toBe('application/zip');
    expect(await detectMediaType(gzipSync(Buffer.from('not media')))).toBe('application/gzip');
    expect(await detectMediaType(Buffer.from([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c, 0, 4, ...Array<number>(40).fill(0)]))).toBe(
      'application/x-7z-compressed',
    );
    expect(await detectMediaType(Buffer.from([0x52, 0x61, 0x72, 0x21, 0x1a, 0x07, 0x01, 0x00, ...Array<number>(40).fill(0)]))).toBe(
      'application/x-rar-compressed',
    );
    expect(await detectMediaType(tarHead())).toBe('application/x-tar');
  });

  it('takes UTF-8 without NUL bytes for text, even with a character cut at the end', async () => {
    expect(await detectMediaType(Buffer.from('Meet at the usual place.\n'))).toBe('text/plain');
    const welsh = Buffer.from('Cwrdd â fi yn y lle arferol. Ŵ'.repeat(200));
    expect(await detectMediaType(welsh.subarray(0, welsh.length - 1))).toBe('text/plain');
  });

  it('takes anything else for unknown bytes: invalid UTF-8, NUL bytes, nothing at all', async () => {
    expect(await detectMediaType(Buffer.from([0xc3, 0x28, 0x41, 0x42]))).toBe('application/octet-stream');
    expect(await detectMediaType(Buffer.from('text\0with a NUL'))).toBe('application/octet-stream');
    expect(await detectMediaType(Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) & 0xff)))).toBe(
      'application/octet-stream',
    );
    expect(await detectMediaType(Buffer.alloc(0))).toBe('application/octet-stream');
  });

  it('never goes by a name: text named like a video is text', async () => {
    expect(await detectMediaType(Buffer.from('clip.mp4\n'))).toBe('text/plain');
  });
});

describe('isAnalysable', () => {
  it('takes audio, video and the pictures ffmpeg reads', () => {
    for (const type of [
      'video/mp4',
      'video/webm',
      'video/matroska',
      'audio/mpeg',
      'audio/wav',
      'audio/ogg; codecs=opus',
      'image/png',
      'image/jpeg',
      'image/gif',
      'image/webp',
    ]) {
      expect(isAnalysable(type), type).toBe(true);
    }
  });

  it('leaves out archives, text, documents and pictures ffmpeg cannot read', () => {
    for (const type of [
      'application/zip',
      'application/gzip',
      'application/x-7z-compressed',
      'application/x-rar-compressed',
      'application/x-tar',
      'text/plain',
      'application/pdf',
      'application/octet-stream',
      'image/heic',
      'image/vnd.adobe.photoshop',
      'text/video/mp4',
    ]) {
      expect(isAnalysable(type), type).toBe(false);
    }
  });
});
