import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';

/** An external program found at start (issue 12 point 7): where it is and what it says its version is. */
export type Tool = { path: string; version: string };

/**
 * The programs capture and analysis run (SOP 9.1: "conversion software" and "analysis software").
 * `null` means not found or not runnable: uploads still work, the rest waits (see `missingTools`).
 */
export type Tools = { ffmpeg: Tool | null; ffprobe: Tool | null; ytDlp: Tool | null; fpcalc: Tool | null };

type ToolName = keyof Tools;

/** Each program's file name on PATH and the flag that prints its version on the first line. */
const PROGRAMS: Record<ToolName, { file: string; versionFlag: string }> = {
  ffmpeg: { file: 'ffmpeg', versionFlag: '-version' },
  ffprobe: { file: 'ffprobe', versionFlag: '-version' },
  ytDlp: { file: 'yt-dlp', versionFlag: '--version' },
  fpcalc: { file: 'fpcalc', versionFlag: '-version' },
};

/** yt-dlp is a Python program and starts slowly on a busy machine; anything longer is not usable. */
const VERSION_TIMEOUT_MS = 10_000;
/** A version line is shown on the capture page and kept with each capture: bounded. */
const VERSION_MAX_CHARS = 200;

export type FindToolsOptions = {
  /** An explicit path per program (e.g. from configuration); used instead of searching PATH. */
  overrides?: Partial<Record<ToolName, string>>;
  /** The search path; defaults to the process's PATH. */
  searchPath?: string;
  timeoutMs?: number;
};

/**
 * Finds ffmpeg, ffprobe, yt-dlp and fpcalc (issue 12 point 7) and asks each for its version, so
 * that the capture page can say what is missing and each capture can record the tool's version
 * (chain of custody, SOP 3.1.2). A program that is absent, not executable, or does not answer its
 * version flag in time is `null`, never an error: the service starts without it.
 */
export async function findTools(options: FindToolsOptions = {}): Promise<Tools> {
  const searchPath = options.searchPath ?? process.env.PATH ?? '';
  const timeoutMs = options.timeoutMs ?? VERSION_TIMEOUT_MS;
  const find = async (name: ToolName): Promise<Tool | null> => {
    const override = options.overrides?.[name];
    const file = override ? path.resolve(override) : await onSearchPath(PROGRAMS[name].file, searchPath);
    if (!file || !(await isExecutableFile(file))) return null;
    const version = await versionOf(file, PROGRAMS[name].versionFlag, timeoutMs);
    return version === null ? null : { path: file, version };
  };
  const [ffmpeg, ffprobe, ytDlp, fpcalc] = await Promise.all([find('ffmpeg'), find('ffprobe'), find('ytDlp'), find('fpcalc')]);
  return { ffmpeg, ffprobe, ytDlp, fpcalc };
}

/**
 * The first executable `file` in the absolute directories of `searchPath`. Relative and empty
 * entries (which mean the working directory) are skipped: a program is never picked up from
 * wherever the server happens to be started.
 */
async function onSearchPath(file: string, searchPath: string): Promise<string | null> {
  for (const dir of searchPath.split(path.delimiter)) {
    if (!path.isAbsolute(dir)) continue;
    const candidate = path.join(dir, file);
    if (await isExecutableFile(candidate)) return candidate;
  }
  return null;
}

async function isExecutableFile(file: string): Promise<boolean> {
  try {
    if (!(await stat(file)).isFile()) return false;
    await access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first non-empty line the program prints for its version flag, or null if it fails. */
async function versionOf(file: string, flag: string, timeoutMs: number): Promise<string | null> {
  const result = await execa(file, [flag], {
    timeout: timeoutMs,
    maxBuffer: 64 * 1024,
    reject: false,
    stdin: 'ignore',
    forceKillAfterDelay: 1_000,
  });
  if (result.failed) return null;
  const line = result.stdout
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l !== '');
  return line ? line.slice(0, VERSION_MAX_CHARS) : null;
}

const ANALYSIS_WAITS = 'Uploads still work; analysis, contact sheets, waveforms, audio fingerprints and library matching wait.';

/**
 * What the capture page says is missing and what to install (issue 12 point 7), one sentence per
 * gap, in words an administrator can act on. Empty when everything is there.
 */
export function missingTools(tools: Tools): string[] {
  const messages: string[] = [];
  if (!tools.ffmpeg && !tools.ffprobe) {
    messages.push(`ffmpeg and ffprobe are not installed: install the Debian package ffmpeg. ${ANALYSIS_WAITS}`);
  } else if (!tools.ffprobe) {
    messages.push(`ffprobe is not installed: install the Debian package ffmpeg. ${ANALYSIS_WAITS}`);
  } else if (!tools.ffmpeg) {
    messages.push(
      'ffmpeg is not installed: install the Debian package ffmpeg. Uploads and analysis still work; contact sheets, waveforms, audio fingerprints and library matching wait.',
    );
  }
  if (!tools.ytDlp) {
    messages.push(
      'yt-dlp is not installed: install the Debian package yt-dlp. Captures of platform pages fail; direct media addresses still work.',
    );
  }
  if (!tools.fpcalc) {
    messages.push(
      'fpcalc is not installed: install the Debian package libchromaprint-tools. Uploads still work; audio fingerprints and matching against the Domain library wait for it (they need ffmpeg and fpcalc).',
    );
  }
  return messages;
}
