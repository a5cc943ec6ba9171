/**
 * Reading what yt-dlp says (issue 12, point 4: a clear reason when a capture fails). Pure. Its info
 * JSON is cut down to a few allow-listed fields, bounded, for the chain of custody (point 4: the
 * tool's own metadata); its error lines become a reason a person can act on, with every address in
 * them removed (a signed media URL or a query may name someone).
 */
import { CaptureFailed, formatBytes, refused } from './capture-error.js';

/** The part of yt-dlp's info kept with a capture. */
export type YtDlpMetadata = {
  id?: string;
  title?: string;
  uploader?: string;
  uploader_id?: string;
  /** YYYYMMDD, as yt-dlp gives it. */
  upload_date?: string;
  webpage_url?: string;
  extractor?: string;
  /** Seconds. */
  duration?: number;
};

const TEXT_FIELDS = ['id', 'title', 'uploader', 'uploader_id', 'upload_date', 'webpage_url', 'extractor'] as const;
const MAX_TEXT = 500;

/** Text as kept: control characters out, at most 500 characters. */
function bounded(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ').slice(0, MAX_TEXT);
}

export function metadataOf(info: Record<string, unknown>): YtDlpMetadata {
  const kept: YtDlpMetadata = {};
  for (const field of TEXT_FIELDS) {
    const value = info[field];
    if (typeof value === 'string' && value) kept[field] = bounded(value);
  }
  if (typeof info.duration === 'number' && Number.isFinite(info.duration) && info.duration >= 0) kept.duration = info.duration;
  return kept;
}

/** The reason for a yt-dlp run that left no file, from its output. */
export function reasonFromYtDlp(output: string, maxBytes: number): CaptureFailed {
  if (/larger than max-filesize/i.test(output)) return refused(`The video is larger than the ${formatBytes(maxBytes)} limit`);
  if (/Unsupported URL|No video formats found|no suitable (?:formats|InfoExtractor)|There's no video in this/i.test(output)) {
    return new CaptureFailed('yt-dlp found no video on the page');
  }
  if (/Private video|Sign in to|login required|requires? (?:authentication|login)|age.restricted/i.test(output)) {
    return new CaptureFailed('The video can only be seen after signing in, which captures do not do');
  }
  const http = /HTTP Error (\d{3})/.exec(output);
  if (http) return new CaptureFailed(`yt-dlp: the server answered ${http[1]}`);
  if (/timed out/i.test(output)) return new CaptureFailed('yt-dlp: the server stopped answering');
  // yt-dlp 2023.03.04 says this, naming its own partial file, when a stalled download's retry fails.
  if (/unable to download video data/i.test(output)) return new CaptureFailed('yt-dlp could not download the video from the page');
  const error = output.split('\n').find((l) => l.startsWith('ERROR:'));
  if (!error) return new CaptureFailed('yt-dlp left no video');
  const scrubbed = error
    .slice('ERROR:'.length)
    .replace(/\b[a-z][a-z0-9+.-]*:\/\/\S+/gi, '(an address)')
    // Quoted text is a file name or a title: neither belongs in a reason.
    .replace(/'[^']*'|"[^"]*"/g, '(…)')
    .replace(/\[[^\]]*\]\s*[\w-]+:/g, '')
    .trim();
  return new CaptureFailed(`yt-dlp could not capture the page: ${bounded(scrubbed).slice(0, 200)}`);
}
