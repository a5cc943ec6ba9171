import { fileTypeFromBuffer } from 'file-type';

/**
 * How many leading bytes `detectMediaType` wants: file-type decides most formats within them
 * (its `reasonableDetectionSizeInBytes`). Fewer still work for the short magic numbers.
 */
export const DETECTION_HEAD_BYTES = 4100;

/**
 * The media type of stored bytes, from the bytes alone (issue 12 point 3: never from a name,
 * which the sender chose). A format file-type knows gives its type (archives included:
 * application/zip, application/gzip, application/x-7z-compressed, application/x-rar-compressed,
 * application/x-tar); otherwise UTF-8 text without NUL bytes is `text/plain`, and anything else
 * `application/octet-stream`. `head` is the file's first bytes (see `DETECTION_HEAD_BYTES`); a
 * character cut at its end still counts as text.
 */
export async function detectMediaType(head: Buffer): Promise<string> {
  const detected = await fileTypeFromBuffer(head);
  if (detected) return detected.mime;
  return isPlainText(head) ? 'text/plain' : 'application/octet-stream';
}

function isPlainText(head: Buffer): boolean {
  if (head.length === 0 || head.includes(0)) return false;
  try {
    // `stream: true` leaves a multi-byte character cut by the end of `head` pending, not invalid.
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
    return true;
  } catch {
    return false;
  }
}

/**
 * Still-image types ffmpeg 5.1 decodes (png_pipe, jpeg_pipe, gif, webp_pipe, bmp_pipe, tiff_pipe,
 * apng); others (HEIC, AVIF, camera raw, Photoshop) are stored but not analysed.
 */
const ANALYSABLE_IMAGES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/bmp', 'image/tiff', 'image/apng']);

/**
 * Whether analysis (SOP 9.1: ffprobe, contact sheet, waveform) is worth attempting for a detected
 * type: any audio or video, and the images ffmpeg reads. Archives, documents and text are stored
 * as evidence without it.
 */
export function isAnalysable(mediaType: string): boolean {
  return /^(audio|video)\//.test(mediaType) || ANALYSABLE_IMAGES.has(mediaType);
}
