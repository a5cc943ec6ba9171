/**
 * The evidence package as a zip (issue 12 point 5; SOP 3.1.2, 6.3): written as a stream from the
 * captures' own streams, and verified from a file alone — by the unit before it sends one, or by
 * the recipient on their own machine (`npm run cli -- evidence verify FILE.zip`), with no database.
 * What the manifest holds and how it is compared are in domain/evidence-manifest.ts.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type { Readable } from 'node:stream';
import zlib from 'node:zlib';
import yauzl from 'yauzl';
import yazl from 'yazl';
import {
  compareWithManifest,
  manifestSchema,
  MANIFEST_NAME,
  readManifest,
  type FileCheck,
  type FoundEntry,
  type Manifest,
} from '../../domain/evidence-manifest.js';

/** A file to put in the package: its path from the manifest, and how to read its bytes when its turn comes. */
export type PackageFile = { path: string; open(): Promise<Readable> };

/**
 * The DOS time fields of a zip hold a wall-clock time with no zone, which yazl takes from the
 * process's zone. A Date whose local fields are the UTC ones makes them read as UTC on any machine,
 * so the same package has the same bytes (and SHA-256) wherever it is made. (A moment inside a
 * local clock's spring-forward gap would shift by an hour: servers run in UTC.)
 */
function utcWallClock(iso: string): Date {
  const d = new Date(iso);
  return new Date(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds());
}

/**
 * Streams the package: manifest.json first, then each file at its path, in the manifest's order.
 * The answer is the zip itself, ready for the evidence store's `put` (an AsyncIterable of bytes that
 * hashes and sizes it on the way in), so nothing is held whole in memory and the package's SHA-256
 * is computed once, there. Each source is opened only when its turn comes.
 *
 * The files' hashes are not recomputed here: the manifest took them from the store, whose address
 * is the SHA-256 and whose segments are authenticated on reading. Their sizes are given to yazl,
 * which fails the stream when a source yields a different number of bytes. Any failure (a source
 * that cannot be opened or breaks off) destroys the answer with the error, so `put` keeps nothing.
 *
 * Throws at once when the manifest is not one `verifyPackage` would accept, or when the files
 * given are not exactly those it lists.
 */
export function writePackage(manifest: Manifest, files: readonly PackageFile[]): Readable {
  // The parsed copy has the schema's key order: the same manifest always gives the same JSON.
  const checked = manifestSchema.parse(manifest);
  const sources = new Map(files.map((f) => [f.path, f]));
  if (sources.size !== files.length || files.length !== checked.files.length || checked.files.some((f) => !sources.has(f.path))) {
    throw new Error('The files given to the package are not exactly those its manifest lists');
  }

  const zip = new yazl.ZipFile();
  const out = zip.outputStream as Readable;
  const fail = (err: unknown) => out.destroy(err instanceof Error ? err : new Error(String(err)));
  zip.on('error', fail);
  const opened = new Set<Readable>();
  // A consumer that stops (a failed `put`, a closed connection) releases the source being read.
  out.once('close', () => {
    for (const s of opened) s.destroy();
  });

  // Fixed metadata (the manifest's time, one mode, no extended timestamp): same inputs, same bytes.
  const common = { mtime: utcWallClock(checked.createdAt), mode: 0o100644, forceDosTimestamp: true };
  zip.addBuffer(Buffer.from(`${JSON.stringify(checked, null, 2)}\n`), MANIFEST_NAME, { ...common, compress: true });
  for (const file of checked.files) {
    const source = sources.get(file.path)!;
    // Stored, not deflated: captured media is compressed already (deflate would cost CPU for almost
    // nothing), and a stored entry's bytes are the capture's bytes, which a recipient can check by
    // eye or carve out of a damaged zip. yazl switches to Zip64 by itself for a file or an offset
    // past 4 GiB (the size given here lets it know), and yauzl reads Zip64 back.
    zip.addReadStreamLazy(file.path, { ...common, compress: false, size: file.size }, (callback) => {
      source.open().then((stream) => {
        opened.add(stream);
        stream.once('close', () => opened.delete(stream));
        // yazl pipes the source without listening for its errors: a break-off must fail the zip.
        stream.once('error', fail);
        callback(null, stream);
      }, fail);
    });
  }
  zip.end();
  return out;
}

/** What `verifyPackage` found: `ok` only when every file verifies and there is no problem. */
export type VerifyReport = {
  ok: boolean;
  /** The SHA-256 of the zip file itself, to compare with the one recorded when it was made. */
  packageSha256: string;
  manifest?: Manifest;
  files: FileCheck[];
  /** What is wrong with the package as a whole: no zip, no manifest, a malformed one, … */
  problems: string[];
};

/** The file cannot be read at all (missing, a folder, no permission): a usage error, not a verdict. */
export class PackageUnreadable extends Error {}

/** manifest.json is a few kilobytes; a bigger one is not ours, and is never held in memory. */
const MAX_MANIFEST_BYTES = 16 * 1024 * 1024;

/** The SHA-256 of a file, streamed; a file that cannot be read is PackageUnreadable. */
async function fileSha256(zipPath: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  try {
    for await (const chunk of fs.createReadStream(zipPath) as AsyncIterable<Buffer>) {
      hash.update(chunk);
      size += chunk.length;
    }
  } catch (err) {
    // The code only (ENOENT, EISDIR, EACCES): never the path in a message.
    throw new PackageUnreadable(`The file cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  return { sha256: hash.digest('hex'), size };
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Reads one entry as a stream, hashing as it goes; nothing is written anywhere. */
async function readEntry(zip: yauzl.ZipFile, entry: yauzl.Entry, path: string): Promise<FoundEntry> {
  const hash = createHash('sha256');
  let crc = 0;
  let size = 0;
  let stream: Readable | undefined;
  try {
    stream = await zip.openReadStreamPromise(entry);
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      hash.update(chunk);
      crc = zlib.crc32(chunk, crc); // Node 20.15 and later
      size += chunk.length;
    }
  } catch (err) {
    stream?.destroy();
    return { path, read: false, reason: message(err) };
  }
  return { path, read: true, size, sha256: hash.digest('hex'), crc32Ok: crc === entry.crc32 };
}

/** Reads manifest.json into memory, up to MAX_MANIFEST_BYTES (counted as it inflates, not as claimed). */
async function readManifestText(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<string> {
  if (entry.uncompressedSize > MAX_MANIFEST_BYTES) throw new Error(`${MANIFEST_NAME} is larger than ${MAX_MANIFEST_BYTES} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  const stream = await zip.openReadStreamPromise(entry);
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_MANIFEST_BYTES) throw new Error(`${MANIFEST_NAME} is larger than ${MAX_MANIFEST_BYTES} bytes`);
      chunks.push(chunk);
    }
  } finally {
    stream.destroy();
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** What was found under the name manifest.json: its text, or why it could not be read. */
type ManifestEntry = { text: string } | { problem: string };

/**
 * Reads every entry of the zip: each manifest.json's text and every other entry hashed. Names are
 * decoded here rather than by yauzl, which would stop at the first unsafe one: an unsafe name is a
 * finding to report with the rest, not a reason to stop looking.
 */
async function readZip(zip: yauzl.ZipFile): Promise<{ manifests: ManifestEntry[]; found: FoundEntry[]; problems: string[] }> {
  const manifests: ManifestEntry[] = [];
  const found: FoundEntry[] = [];
  const problems: string[] = [];
  // In a sound zip the entries' data lie side by side within the file. Entries that overlap (the
  // "better zip bomb") or claim more than the file holds would have us hash far more than its size.
  let claimed = 0;
  try {
    for await (const entry of zip.eachEntry()) {
      claimed += entry.compressedSize;
      if (claimed > zip.fileSize) {
        problems.push('The entries overlap or claim more bytes than the file holds: it is not read further');
        break;
      }
      const path = yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileNameRaw, entry.extraFields, true);
      if (path !== MANIFEST_NAME) found.push(await readEntry(zip, entry, path));
      else
        manifests.push(
          await readManifestText(zip, entry).then(
            (text) => ({ text }),
            (err: unknown) => ({ problem: message(err) }),
          ),
        );
    }
  } catch (err) {
    problems.push(`The zip's central directory is damaged: ${message(err)}`);
  }
  return { manifests, found, problems };
}

/** The one manifest of a package, or the problems that leave it without one. */
function theManifest(manifests: ManifestEntry[]): { manifest?: Manifest; problems: string[] } {
  if (manifests.length === 0) return { problems: [`${MANIFEST_NAME} is missing`] };
  // Two: a reader that extracts them keeps one of them, and we cannot know which.
  if (manifests.length > 1) return { problems: [`${MANIFEST_NAME} is in the package ${manifests.length} times`] };
  const only = manifests[0]!;
  if ('problem' in only) return { problems: [`${MANIFEST_NAME} cannot be read: ${only.problem}`] };
  const parsed = readManifest(only.text);
  return parsed.ok ? { manifest: parsed.manifest, problems: [] } : { problems: parsed.problems };
}

/**
 * Verifies a package from its file alone (issue 12 point 5): every entry is hashed in a stream and
 * compared with the manifest; missing, extra, resized, altered or corrupt files, unsafe names, and a
 * missing, doubled or malformed manifest are all failures. Nothing is extracted or written.
 * Throws PackageUnreadable when the file itself cannot be read.
 */
export async function verifyPackage(zipPath: string): Promise<VerifyReport> {
  const { sha256: packageSha256, size } = await fileSha256(zipPath);
  const fail = (problem: string): VerifyReport => ({ ok: false, packageSha256, files: [], problems: [problem] });
  if (size === 0) return fail('The file is empty: it is not a zip');

  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(zipPath, { lazyEntries: true, autoClose: false, decodeStrings: false });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code)
      throw new PackageUnreadable(`The file cannot be read (${(err as NodeJS.ErrnoException).code})`);
    return fail(`The file is not a zip, or a damaged one: ${message(err)}`);
  }
  const read = await readZip(zip).finally(() => zip.close());

  const { manifest, problems } = theManifest(read.manifests);
  problems.unshift(...read.problems);
  const files = compareWithManifest(manifest, read.found);
  const ok = problems.length === 0 && files.every((f) => f.ok);
  return { ok, packageSha256, ...(manifest ? { manifest } : {}), files, problems };
}
