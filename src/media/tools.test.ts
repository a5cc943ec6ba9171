import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findTools, missingTools, type Tools } from './tools.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'tools-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const none: Tools = { ffmpeg: null, ffprobe: null, ytDlp: null, fpcalc: null };
const tool = { path: '/usr/bin/x', version: 'x 1' };
const all: Tools = { ffmpeg: tool, ffprobe: tool, ytDlp: tool, fpcalc: tool };

describe('findTools', () => {
  it('finds the four programs installed on this machine, each with the first line of its version', async () => {
    const tools = await findTools();
    expect(tools.ffmpeg).toEqual({ path: expect.stringMatching(/\/ffmpeg$/), version: expect.stringMatching(/^ffmpeg version \S+/) });
    expect(tools.ffprobe?.version).toMatch(/^ffprobe version \S+/);
    expect(tools.ytDlp?.version).toMatch(/^\d{4}\.\d{2}\.\d{2}/);
    expect(tools.fpcalc?.version).toMatch(/^fpcalc version /);
    expect(path.isAbsolute(tools.ytDlp!.path)).toBe(true);
    expect(missingTools(tools)).toEqual([]);
  });

  it('reports every program missing, without an error, when PATH holds none of them', async () => {
    await expect(findTools({ searchPath: dir })).resolves.toEqual(none);
    await expect(findTools({ searchPath: '' })).resolves.toEqual(none);
  });

  it('never takes a program from a relative PATH entry, which would depend on the working directory', async () => {
    const fakes = await mkdtemp(path.join(os.tmpdir(), 'tools-fake-'));
    await writeFile(path.join(fakes, 'yt-dlp'), '#!/bin/sh\necho 2099.01.01\n', { mode: 0o755 });
    const relative = path.relative(process.cwd(), fakes);
    await expect(findTools({ searchPath: `${relative}${path.delimiter}${path.delimiter}.` })).resolves.toEqual(none);
    const found = await findTools({ searchPath: fakes });
    expect(found.ytDlp).toEqual({ path: path.join(fakes, 'yt-dlp'), version: '2099.01.01' });
    await rm(fakes, { recursive: true, force: true });
  });

  it('uses an override path instead of PATH, and a bogus one is missing', async () => {
    const real = await findTools();
    const tools = await findTools({
      searchPath: dir,
      overrides: { ffprobe: real.ffprobe!.path, ffmpeg: path.join(dir, 'no-such-ffmpeg'), ytDlp: dir },
    });
    expect(tools.ffprobe).toEqual(real.ffprobe);
    expect(tools.ffmpeg).toBeNull();
    expect(tools.ytDlp).toBeNull();
  });

  it('counts a program that fails or hangs on its version flag as missing', async () => {
    const failing = path.join(dir, 'ffmpeg');
    await writeFile(failing, '#!/bin/sh\necho broken >&2\nexit 3\n');
    const hanging = path.join(dir, 'fpcalc');
    await writeFile(hanging, '#!/bin/sh\nexec sleep 30\n');
    const silent = path.join(dir, 'ffprobe');
    await writeFile(silent, '#!/bin/sh\nexit 0\n');
    const notExecutable = path.join(dir, 'yt-dlp');
    await writeFile(notExecutable, '#!/bin/sh\necho 2023.03.04\n');
    await Promise.all([chmod(failing, 0o755), chmod(hanging, 0o755), chmod(silent, 0o755), chmod(notExecutable, 0o644)]);
    await expect(findTools({ searchPath: dir, timeoutMs: 300 })).resolves.toEqual(none);
  });
});

describe('missingTools', () => {
  it('says what to install, and what still works, for each missing program', () => {
    expect(missingTools(none)).toEqual([
      'ffmpeg and ffprobe are not installed: install the Debian package ffmpeg. Uploads still work; analysis, contact sheets, waveforms, audio fingerprints and library matching wait.',
      'yt-dlp is not installed: install the Debian package yt-dlp. Captures of platform pages fail; direct media addresses still work.',
      'fpcalc is not installed: install the Debian package libchromaprint-tools. Uploads still work; audio fingerprints and matching against the Domain library wait for it (they need ffmpeg and fpcalc).',
    ]);
  });

  it('names ffprobe or ffmpeg alone when only one of them is missing', () => {
    expect(missingTools({ ...all, ffprobe: null })).toEqual([
      'ffprobe is not installed: install the Debian package ffmpeg. Uploads still work; analysis, contact sheets, waveforms, audio fingerprints and library matching wait.',
    ]);
    expect(missingTools({ ...all, ffmpeg: null })).toEqual([
      'ffmpeg is not installed: install the Debian package ffmpeg. Uploads and analysis still work; contact sheets, waveforms, audio fingerprints and library matching wait.',
    ]);
    expect(missingTools({ ...all, ytDlp: null })).toHaveLength(1);
  });
});
