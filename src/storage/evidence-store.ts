import type { Readable } from 'node:stream';
import { PayloadTooLarge } from '../errors.js';

/** What `put` stored: the SHA-256 of the plain bytes (its address), their size and first bytes. */
export type StoredObject = {
  sha256: string;
  size: number;
  /** The first bytes (up to 64 KiB), for detecting the media type from the bytes. */
  head: Buffer;
  /** False when the same bytes were stored already: the new copy was dropped. */
  created: boolean;
};

/** Plain-byte range, both ends included, as in an HTTP `Range` header. */
export type ByteRange = { start: number; end: number };

/**
 * The evidence store (issue 12, decision 014): content-addressed by SHA-256, written once, never
 * altered, encrypted at rest in fixed-size AES-256-GCM segments so a range decrypts only the
 * segments it needs. Two back-ends behind this one interface: the file system under
 * DATA_DIR/evidence, and S3-compatible object storage.
 */
export interface EvidenceStore {
  readonly kind: 'fs' | 's3';
  /**
   * Streams `source` in, hashing and encrypting as it goes; never holds it whole in memory. When
   * the source fails, the signal aborts or more than `maxBytes` arrive (`ObjectTooLarge`), nothing
   * is left behind: no partial object under any name. The same bytes stored already: `created`
   * false, the new copy dropped. Addresses given to the other methods must be 64 lowercase hex
   * digits (`TypeError` otherwise).
   */
  put(source: AsyncIterable<Uint8Array>, options: { maxBytes: number; signal?: AbortSignal }): Promise<StoredObject>;
  /**
   * The plain bytes, or only `range` of them, reading only the segments the range needs. Rejects
   * with `MissingObject` when nothing is stored there and `RangeError` when the range is not inside
   * the object (answer 416 first, from `size`); a segment that fails its tag makes the stream fail
   * with `CorruptObject`, never give bytes.
   */
  get(sha256: string, range?: ByteRange): Promise<Readable>;
  /** The plain size of a stored object (from its stored length, nothing decrypted), or null when there is none. */
  size(sha256: string): Promise<number | null>;
  /** Removes an object (the retention sweep, issue 13); no error when it is already gone. */
  delete(sha256: string): Promise<void>;
  /** The stored (encrypted) bytes as kept, for the tests that prove no plaintext is kept. */
  raw(sha256: string): Promise<Buffer>;
}

/** More bytes arrived than the limit allows (HTTP 413). */
export class ObjectTooLarge extends Error {
  constructor(readonly maxBytes: number) {
    super(`The file is larger than the limit of ${maxBytes} bytes`);
  }
}

/**
 * Writes an incoming file (`write`: into the store, or a private temporary file) and answers a
 * file over the limit as HTTP 413, nothing of it kept: the one answer of an upload and of a
 * library match (issue 12 point 1, issue 13 point 5).
 */
export async function withinSizeLimit<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (err instanceof ObjectTooLarge)
      throw new PayloadTooLarge(`The file is larger than the limit of ${err.maxBytes} bytes: nothing was kept`);
    throw err;
  }
}
