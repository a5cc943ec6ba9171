import { createSecretKey } from 'node:crypto';
import { Readable } from 'node:stream';
import { checkedAddress } from './address.js';
import type { ByteRange, EvidenceStore, StoredObject } from './evidence-store.js';
import { openStream, sealStream } from './seal.js';
import { parseHeader, plainSizeOf, planRead } from './segments.js';

/**
 * What a back-end keeps: opaque stored bytes under an address. The sealing, the hashing and the
 * range arithmetic live once, above it (`sealedStore`), so the file system and S3 differ only in
 * where bytes go. Addresses reach a back-end checked (64 lowercase hex digits).
 */
export type Blobs = {
  readonly kind: 'fs' | 's3';
  /**
   * Writes `stored` under a temporary name, then moves it to `addressOf()` (known only once
   * `stored` has ended) unless an object is there already (answers false). On any failure nothing
   * is left under any name.
   */
  write(stored: AsyncIterable<Buffer>, addressOf: () => Promise<string>, signal?: AbortSignal): Promise<boolean>;
  /** The first `HEADER_SIZE` (segments.ts) stored bytes and the stored length, or null when there is no object. */
  head(address: string): Promise<{ header: Buffer; length: number } | null>;
  /** Stored bytes `start` to `end`, both included. */
  read(address: string, start: number, end: number): Promise<AsyncIterable<Uint8Array>>;
  /** Removes the object; nothing when it is gone already. */
  remove(address: string): Promise<void>;
  /** All the stored bytes. */
  whole(address: string): Promise<Buffer>;
};

/** `get` of an address that holds nothing. */
export class MissingObject extends Error {
  constructor() {
    super('No evidence object at that address');
  }
}

/** The evidence store over a back-end: seals on the way in, opens on the way out (segments.ts). */
export function sealedStore(blobs: Blobs, key: Buffer): EvidenceStore {
  const secret = createSecretKey(key);
  const located = async (sha256: string) => {
    const found = await blobs.head(checkedAddress(sha256));
    if (!found) return null;
    const header = parseHeader(found.header);
    return { header, plainSize: plainSizeOf(found.length, header.segmentSize) };
  };
  return {
    kind: blobs.kind,

    async put(source, { maxBytes, signal }): Promise<StoredObject> {
      const { stored, sealed } = sealStream(source, secret, { maxBytes, signal });
      const created = await blobs.write(stored, async () => (await sealed).sha256, signal);
      return { ...(await sealed), created };
    },

    async get(sha256: string, range?: ByteRange): Promise<Readable> {
      const object = await located(sha256);
      if (!object) throw new MissingObject();
      const plan = planRead(object.plainSize, object.header.segmentSize, range);
      const stored = await blobs.read(sha256, plan.storedStart, plan.storedEnd);
      return Readable.from(openStream(stored, secret, object.header, plan, sha256), { objectMode: false });
    },

    async size(sha256) {
      return (await located(sha256))?.plainSize ?? null;
    },

    async delete(sha256) {
      await blobs.remove(checkedAddress(sha256));
    },

    async raw(sha256) {
      return blobs.whole(checkedAddress(sha256));
    },
  };
}
