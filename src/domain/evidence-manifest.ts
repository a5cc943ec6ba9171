/**
 * The evidence package's manifest (issue 12 point 5; SOP 3.1.2 capture and dissemination in support
 * of an investigation, SOP 6.3 handling instructions with what is shared): its shape as DESIGN.md
 * "Evidence" gives it, how each capture is named inside the zip, and the pure comparison of a
 * manifest with what a zip was found to hold. No I/O: the zip is written and read in
 * modules/evidence/evidence-package.ts.
 */
import { z } from 'zod';
import { HANDLING_CODES } from './intelligence-grading.js';
import { CAPTURE_SOURCES } from './vocabulary.js';

/** The manifest's own name in the zip, beside the files it lists. */
export const MANIFEST_NAME = 'manifest.json';

/** A package is for people: a list this long is a mistake or an attack, never a disclosure. */
const MAX_FILES = 10_000;
const MAX_PATH_LENGTH = 255;

// C0 and C1 controls, and the marks that change the reading direction.
const UNPRINTABLE_CHARS = '\\u0000-\\u001f\\u007f-\\u009f\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069';
const UNPRINTABLE = new RegExp(`[${UNPRINTABLE_CHARS}]`);
const TO_ESCAPE = new RegExp(`[\\\\${UNPRINTABLE_CHARS}]`, 'g');

/**
 * Text from a package as it may be printed on a terminal: control characters (which can move the
 * cursor or clear the screen) and the marks that reverse the reading direction (which can make
 * `gpj.exe` read as `exe.jpg`) written as `\uXXXX`, a backslash as two, so nothing is hidden.
 */
export const printable = (text: string): string =>
  text.replace(TO_ESCAPE, (c) => (c === '\\' ? '\\\\' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));

/**
 * Why a path inside a zip would be unsafe to extract, or null when it is safe. A reader that
 * extracts `../x`, `/x`, `C:x` or `a\..\x` can write outside its folder ("zip slip"); a control
 * character can rewrite the terminal that shows the name. We never write such a zip, and a package
 * holding one fails verification.
 */
export function unsafePathReason(path: string): string | null {
  if (path.length === 0) return 'an empty name';
  if (path.length > MAX_PATH_LENGTH) return `a name longer than ${MAX_PATH_LENGTH} characters`;
  if (path.includes('\\')) return 'a backslash, which some readers take as a folder separator';
  if (path.startsWith('/') || /^[a-zA-Z]:/.test(path)) return 'an absolute path';
  if (UNPRINTABLE.test(path)) return 'a control or text-direction character';
  const segments = path.split('/');
  if (segments.includes('..')) return 'a parent folder (..) step';
  if (segments.some((s) => s === '' || s === '.')) return 'an empty or "." folder step';
  return null;
}

const packagePath = z
  .string()
  .superRefine((path, ctx) => {
    const reason = unsafePathReason(path);
    if (reason) ctx.addIssue({ code: 'custom', message: `An unsafe path: ${reason}` });
  })
  .refine((path) => path !== MANIFEST_NAME, { message: `A file may not be named ${MANIFEST_NAME}` });

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'A SHA-256 in lower-case hexadecimal');
const instant = z.iso.datetime({ offset: true });
const text = z.string().min(1).max(2000);

/** DESIGN.md "Evidence", a capture's `source`: its chain of custody (SOP 9.1). */
const sourceSchema = z.object({
  kind: z.enum(CAPTURE_SOURCES),
  url: z.string().max(8000).optional(),
  tool: z.string().max(200).optional(),
  toolVersion: z.string().max(200).optional(),
});

const manifestFileSchema = z.object({
  /** Where the file is in the zip: named by the capture, never by an uploaded name (packagePathFor). */
  path: packagePath,
  sha256: sha256Hex,
  size: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  /** Detected from the bytes when captured, never from a name. */
  mediaType: z.string().min(1).max(255),
  capturedAt: instant,
  capturedBy: text,
  source: sourceSchema,
});

/** SOP 6.3: code C travels with its conditions; code P has none. */
const handlingSchema = z.discriminatedUnion('handlingCode', [
  z.object({ handlingCode: z.literal(HANDLING_CODES[0]), handlingConditions: z.null() }),
  z.object({ handlingCode: z.literal(HANDLING_CODES[1]), handlingConditions: text }),
]);

/**
 * The manifest as DESIGN.md "Evidence" gives it. Used to check a manifest before it is written
 * and to read one back from a package, so a package we write is always one we can verify.
 */
export const manifestSchema = z.object({
  reference: text,
  createdAt: instant,
  createdBy: text,
  recipient: text,
  purpose: text,
  handling: handlingSchema,
  files: z
    .array(manifestFileSchema)
    .min(1)
    .max(MAX_FILES)
    .superRefine((files, ctx) => {
      // Case-folded: two names that differ only by case overwrite each other on Windows and macOS.
      const seen = new Set<string>();
      files.forEach((f, i) => {
        const key = f.path.toLowerCase();
        if (seen.has(key)) ctx.addIssue({ code: 'custom', path: [i, 'path'], message: 'A path listed twice' });
        seen.add(key);
      });
    }),
});

export type Manifest = z.infer<typeof manifestSchema>;

/**
 * What a reader of manifest.json's text makes of it: the manifest, or the reasons it is not one
 * (each with the field it concerns), for the verify report.
 */
export function readManifest(json: string): { ok: true; manifest: Manifest } | { ok: false; problems: string[] } {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return { ok: false, problems: [`${MANIFEST_NAME} is not valid JSON`] };
  }
  const parsed = manifestSchema.safeParse(value);
  if (parsed.success) return { ok: true, manifest: parsed.data };
  return {
    ok: false,
    problems: parsed.error.issues.map((i) => `${MANIFEST_NAME} is malformed: ${i.path.join('.') || '(the whole)'}: ${i.message}`),
  };
}

/** Extensions by the media type detected from the bytes (file-type's names, and a few aliases). */
const EXTENSIONS: Record<string, string> = {
  'video/mp4': 'mp4',
  'video/webm': 'webm',
  'video/matroska': 'mkv',
  'video/x-matroska': 'mkv',
  'video/quicktime': 'mov',
  'video/vnd.avi': 'avi',
  'video/x-msvideo': 'avi',
  'video/x-flv': 'flv',
  'video/3gpp': '3gp',
  'video/3gpp2': '3g2',
  'video/mpeg': 'mpg',
  'video/mp2t': 'ts',
  'video/ogg': 'ogv',
  'video/x-m4v': 'm4v',
  'video/x-ms-asf': 'asf',
  'audio/mpeg': 'mp3',
  'audio/wav': 'wav',
  'audio/x-wav': 'wav',
  'audio/ogg': 'ogg',
  'audio/webm': 'weba',
  'audio/aac': 'aac',
  'audio/mp4': 'm4a',
  'audio/x-m4a': 'm4a',
  'audio/flac': 'flac',
  'audio/x-flac': 'flac',
  'audio/aiff': 'aif',
  'audio/amr': 'amr',
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'image/avif': 'avif',
  'image/heic': 'heic',
  'image/bmp': 'bmp',
  'image/tiff': 'tif',
  'application/pdf': 'pdf',
  'text/html': 'html',
  'text/plain': 'txt',
  'application/json': 'json',
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A capture's path in the zip: `captures/<capture id>.<extension>`, the extension chosen from the
 * media type detected from the bytes (`bin` when unknown). Never from an uploaded name (issue 12
 * point 6): a name may hold separators, control characters or a misleading extension, and the
 * capture's id is unique within the package and names the record the recipient can ask about.
 */
export function packagePathFor(capture: { id: string; mediaType: string }): string {
  if (!UUID.test(capture.id)) throw new Error('A capture id must be a UUID');
  return `captures/${capture.id.toLowerCase()}.${extensionFor(capture.mediaType)}`;
}

/** A file extension for a detected media type (`bin` when unknown): for names in packages and downloads. */
export const extensionFor = (mediaType: string) => EXTENSIONS[mediaType.split(';')[0]!.trim().toLowerCase()] ?? 'bin';

/** One entry as found in the zip: read, with its size and hashes, or unreadable with the reason. */
export type FoundEntry =
  { path: string; read: true; size: number; sha256: string; crc32Ok: boolean } | { path: string; read: false; reason: string };

/** The verdict on one file: `sha256` is what was found, when the entry could be read. */
export type FileCheck = { path: string; ok: boolean; sha256?: string; reason?: string };

/** Why a listed file does not match what was found, or null when it does. */
function mismatch(expected: Manifest['files'][number], found: FoundEntry[]): string | null {
  if (found.length === 0) return 'missing from the package';
  if (found.length > 1) return `in the package ${found.length} times`;
  const entry = found[0]!;
  if (!entry.read) return `cannot be read: ${entry.reason}`;
  const reasons: string[] = [];
  if (!entry.crc32Ok) reasons.push("corrupt: its bytes do not match the zip's own CRC-32");
  if (entry.size !== expected.size) reasons.push(`${entry.size} bytes where the manifest says ${expected.size}`);
  if (entry.sha256 !== expected.sha256) reasons.push(`SHA-256 differs from the manifest's ${expected.sha256}`);
  return reasons.length > 0 ? reasons.join('; ') : null;
}

/**
 * Compares a manifest with what the zip holds (manifest.json itself left out): one verdict per
 * listed file, in the manifest's order, then one per entry the manifest does not list. Every
 * entry with an unsafe name fails, listed or not. Without a manifest nothing can be checked, so
 * every entry fails.
 */
export function compareWithManifest(manifest: Manifest | undefined, found: readonly FoundEntry[]): FileCheck[] {
  const byPath = new Map<string, FoundEntry[]>();
  for (const e of found) {
    const same = byPath.get(e.path);
    if (same) same.push(e);
    else byPath.set(e.path, [e]);
  }
  const sha256Of = (entries: FoundEntry[] = []) => (entries.length === 1 && entries[0]!.read ? entries[0]!.sha256 : undefined);
  const listed = new Set(manifest?.files.map((f) => f.path));
  const checks: FileCheck[] = (manifest?.files ?? []).map((f) => {
    const entries = byPath.get(f.path) ?? [];
    const reason = mismatch(f, entries);
    const sha256 = sha256Of(entries);
    return reason === null ? { path: f.path, ok: true, sha256 } : { path: f.path, ok: false, sha256, reason };
  });
  for (const e of found) {
    if (listed.has(e.path)) continue;
    const unsafe = unsafePathReason(e.path);
    const reason = unsafe ? `unsafe name (${unsafe})` : manifest ? 'not in the manifest' : `not checked: no valid ${MANIFEST_NAME}`;
    checks.push({ path: e.path, ok: false, ...(e.read ? { sha256: e.sha256 } : {}), reason });
  }
  return checks;
}
