import { extensionFor } from './evidence-manifest.js';

/**
 * Pure rules about captures (SOP 9.1, issue 12): what an uploaded file's name may become, which
 * bytes are shown in a browser, and how a stored capture is named when it leaves the system.
 */

/** What ffprobe found (DESIGN.md "Evidence", `analysis`); absent parts were not found. */
export type MediaAnalysis = {
  container?: string;
  durationSeconds?: number;
  hasAudio?: boolean;
  video?: { codec: string; width: number; height: number };
  audio?: { codec: string; channels: number; sampleRate: number };
};

/** The longest original name kept, in characters. */
const ORIGINAL_NAME_LENGTH = 255;

/**
 * An uploaded file's name as metadata only (issue 12 point 6): control characters (C0, DEL, C1),
 * lone surrogates and the Unicode line and bidirectional-override characters are written as
 * `\uXXXX`, so that a name can neither break a page or a log line nor disguise its extension. It
 * never reaches a path, a header or a shell: files are stored by their hash.
 */
export function escapedName(name: string): string | null {
  let out = '';
  for (const ch of name) {
    const code = ch.codePointAt(0)!;
    const hidden =
      code < 0x20 ||
      (code >= 0x7f && code < 0xa0) ||
      (code >= 0xd800 && code <= 0xdfff) ||
      code === 0x2028 ||
      code === 0x2029 ||
      (code >= 0x202a && code <= 0x202e) ||
      (code >= 0x2066 && code <= 0x2069);
    out += hidden ? `\\u${code.toString(16).padStart(4, '0')}` : ch;
    if (out.length >= ORIGINAL_NAME_LENGTH) break;
  }
  const kept = out.slice(0, ORIGINAL_NAME_LENGTH).trim();
  return kept === '' ? null : kept;
}

/** Media a browser may show inline from the content endpoint; anything else is a download. */
const INLINE =
  /^(video\/(mp4|webm|ogg|quicktime|x-matroska)|audio\/(mpeg|mp4|ogg|wav|x-wav|webm|aac|flac|x-flac|opus)|image\/(png|jpeg|gif|webp))$/;

export const showsInline = (mediaType: string) => INLINE.test(mediaType);

/** `attachment; filename="OHRT-2026-000412-1a2b3c4d.mp4"`: made from the reference and the hash only. */
export const downloadName = (reference: string, sha256: string, mediaType: string) =>
  `${reference.replace(/[^A-Za-z0-9-]/g, '')}-${sha256.slice(0, 12)}.${extensionFor(mediaType)}`;
