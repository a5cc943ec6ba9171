import { createCipheriv, createDecipheriv, randomBytes, type KeyObject } from 'node:crypto';
import type { ByteRange } from './evidence-store.js';

/**
 * The evidence format (issue 12, decision 014): a small header, then the plain bytes in fixed-size
 * segments, each sealed on its own with AES-256-GCM so a range decrypts only the segments it
 * needs. Every segment's additional data names the object (its header, with a random file id),
 * its position and whether it is the last, so a segment moved, swapped in from another object,
 * dropped or added fails its tag. Pure: no I/O.
 *
 *   header  = "RDEV" | version (1) | 3 zero bytes | segment size (uint32 BE) | file id (16)
 *   segment = nonce (12, random) | ciphertext (same length as the plain bytes) | tag (16)
 *
 * There is always at least one segment (an empty object is one empty last segment), and only the
 * last may be shorter than the segment size, so the stored length alone gives the plain size.
 */
export const SEGMENT_SIZE = 64 * 1024;
export const HEADER_SIZE = 28;
const MAGIC = Buffer.from('RDEV', 'latin1');
const VERSION = 1;
const NONCE_SIZE = 12;
const TAG_SIZE = 16;
/** What sealing adds to each segment. */
export const SEGMENT_OVERHEAD = NONCE_SIZE + TAG_SIZE;

/** Tampered, truncated or foreign bytes: never answered with bytes. */
export class CorruptObject extends Error {
  constructor(what: string) {
    super(`The stored evidence object is damaged or not ours: ${what}`);
  }
}

export type Header = { bytes: Buffer; segmentSize: number };

/** A new object's header: the segment size and a random file id that binds its segments together. */
export function newHeader(segmentSize = SEGMENT_SIZE): Header {
  const bytes = Buffer.alloc(HEADER_SIZE);
  MAGIC.copy(bytes, 0);
  bytes.writeUInt8(VERSION, 4);
  bytes.writeUInt32BE(segmentSize, 8);
  randomBytes(16).copy(bytes, 12);
  return { bytes, segmentSize };
}

/** Reads a stored header; anything but ours (magic, version, a sane segment size) is corrupt. */
export function parseHeader(bytes: Buffer): Header {
  if (bytes.length < HEADER_SIZE) throw new CorruptObject('short header');
  if (!bytes.subarray(0, 4).equals(MAGIC)) throw new CorruptObject('bad magic');
  if (bytes.readUInt8(4) !== VERSION || bytes.readUIntBE(5, 3) !== 0) throw new CorruptObject('unknown version');
  const segmentSize = bytes.readUInt32BE(8);
  if (segmentSize < 1 || segmentSize > 16 * 1024 * 1024) throw new CorruptObject('bad segment size');
  return { bytes: Buffer.from(bytes.subarray(0, HEADER_SIZE)), segmentSize };
}

/**
 * The additional data of segment `index`: the whole header (file id and segment size), the index,
 * whether it is the last, and for the last the SHA-256 of the whole plain object, so an object put
 * under another's address fails when its last segment is read.
 */
function additionalData(header: Header, index: number, last: boolean, sha256: Buffer | null): Buffer {
  const position = Buffer.alloc(9);
  position.writeBigUInt64BE(BigInt(index), 0);
  position.writeUInt8(last ? 1 : 0, 8);
  return Buffer.concat(last && sha256 ? [header.bytes, position, sha256] : [header.bytes, position]);
}

/** Where a segment sits and what it binds: `sha256` (32 raw bytes) only matters for the last. */
type SegmentPlace = { index: number; last: boolean; sha256: Buffer | null };

/**
 * Seals one segment of plain bytes: nonce, ciphertext and tag, as pieces to be written one after
 * another (joining them would copy every byte once more).
 */
export function sealSegment(key: KeyObject, header: Header, place: SegmentPlace, plain: Buffer): Buffer[] {
  const nonce = randomBytes(NONCE_SIZE);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(additionalData(header, place.index, place.last, place.sha256));
  const body = cipher.update(plain);
  const rest = cipher.final();
  return [nonce, body, Buffer.concat([rest, cipher.getAuthTag()])];
}

/** Opens one sealed segment; a wrong tag (any byte changed, or the wrong place) throws. */
export function openSegment(key: KeyObject, header: Header, place: SegmentPlace, sealed: Buffer): Buffer {
  if (sealed.length < SEGMENT_OVERHEAD || sealed.length > header.segmentSize + SEGMENT_OVERHEAD) {
    throw new CorruptObject(`segment ${place.index} has a wrong length`);
  }
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, NONCE_SIZE), { authTagLength: TAG_SIZE });
  decipher.setAAD(additionalData(header, place.index, place.last, place.sha256));
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_SIZE));
  const body = decipher.update(sealed.subarray(NONCE_SIZE, sealed.length - TAG_SIZE));
  try {
    return Buffer.concat([body, decipher.final()]);
  } catch {
    throw new CorruptObject(`segment ${place.index} fails its tag`);
  }
}

/** The plain size of a stored object of `storedLength` bytes, or corrupt when no object can be that long. */
export function plainSizeOf(storedLength: number, segmentSize: number): number {
  const body = storedLength - HEADER_SIZE;
  const full = segmentSize + SEGMENT_OVERHEAD;
  if (body < SEGMENT_OVERHEAD) throw new CorruptObject('truncated');
  const segments = Math.ceil(body / full);
  const lastLength = body - (segments - 1) * full;
  // Only an empty object ends in an empty segment: the writer never adds one after a full segment.
  if (lastLength < SEGMENT_OVERHEAD || (lastLength === SEGMENT_OVERHEAD && segments > 1)) {
    throw new CorruptObject('truncated or appended segment');
  }
  return body - segments * SEGMENT_OVERHEAD;
}

/** Which stored bytes a plain range needs, and how to cut the plain bytes of those segments. */
export type ReadPlan = {
  plainSize: number;
  /** The segments to open, first to last (inclusive), and the index of the object's last. */
  firstSegment: number;
  lastSegment: number;
  finalSegment: number;
  /** Stored byte offsets to read, both ends included. */
  storedStart: number;
  storedEnd: number;
  /** Plain bytes to drop from the first opened segment, then how many to give in all. */
  skip: number;
  length: number;
};

/**
 * The segments covering `range` (the whole object when absent) of an object of `plainSize`
 * bytes. A range must lie inside the object: the caller answers 416 before asking.
 */
export function planRead(plainSize: number, segmentSize: number, range?: ByteRange): ReadPlan {
  const finalSegment = Math.max(0, Math.ceil(plainSize / segmentSize) - 1);
  const { start, end } = range ?? { start: 0, end: plainSize - 1 };
  if (range && !(Number.isSafeInteger(start) && Number.isSafeInteger(end) && 0 <= start && start <= end && end < plainSize)) {
    throw new RangeError('The range lies outside the object');
  }
  const firstSegment = Math.floor(start / segmentSize);
  const lastSegment = plainSize === 0 ? 0 : Math.floor(end / segmentSize);
  const full = segmentSize + SEGMENT_OVERHEAD;
  const lastPlain = lastSegment === finalSegment ? plainSize - finalSegment * segmentSize : segmentSize;
  return {
    plainSize,
    firstSegment,
    lastSegment,
    finalSegment,
    storedStart: HEADER_SIZE + firstSegment * full,
    storedEnd: HEADER_SIZE + lastSegment * full + lastPlain + SEGMENT_OVERHEAD - 1,
    skip: start - firstSegment * segmentSize,
    length: plainSize === 0 ? 0 : end - start + 1,
  };
}
