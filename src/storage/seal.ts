import { createHash, type KeyObject } from 'node:crypto';
import { ObjectTooLarge } from './evidence-store.js';
import {
  CorruptObject,
  SEGMENT_OVERHEAD,
  SEGMENT_SIZE,
  newHeader,
  openSegment,
  sealSegment,
  type Header,
  type ReadPlan,
} from './segments.js';

/** How many first plain bytes `put` hands back for detecting the media type (issue 12). */
const HEAD_SIZE = 64 * 1024;

type Sealed = { sha256: string; size: number; head: Buffer };

type SealOptions = { maxBytes: number; signal?: AbortSignal; segmentSize?: number };

/**
 * Seals a stream of plain bytes into the stored form (segments.ts), hashing as it goes. Holds at
 * most one segment plus the chunk that arrived, never the whole object. A full segment is sealed
 * only once a byte beyond it has arrived, since only then is it known not to be the last. Throws
 * `ObjectTooLarge` on the chunk that passes `maxBytes`, without reading further, and the signal's
 * reason when it aborts. `sealed` settles when `stored` has been read to its end (never, when it
 * fails: nobody asks then).
 */
export function sealStream(
  source: AsyncIterable<Uint8Array>,
  key: KeyObject,
  options: SealOptions,
): { stored: AsyncGenerator<Buffer>; sealed: Promise<Sealed> } {
  let done: (sealed: Sealed) => void = () => {};
  const sealed = new Promise<Sealed>((resolve) => (done = resolve));
  return { stored: sealing(source, key, options, done), sealed };
}

async function* sealing(
  source: AsyncIterable<Uint8Array>,
  key: KeyObject,
  { maxBytes, signal, segmentSize = SEGMENT_SIZE }: SealOptions,
  done: (sealed: Sealed) => void,
): AsyncGenerator<Buffer> {
  signal?.throwIfAborted();
  const header = newHeader(segmentSize);
  yield header.bytes;
  const hash = createHash('sha256');
  const head: Buffer[] = [];
  let headLength = 0;
  let size = 0;
  let index = 0;
  const pending: Buffer[] = [];
  let pendingLength = 0;
  for await (const chunk of untilAborted(source, signal)) {
    size += chunk.byteLength;
    if (size > maxBytes) throw new ObjectTooLarge(maxBytes);
    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    hash.update(bytes);
    if (headLength < HEAD_SIZE) {
      const part = Buffer.from(bytes.subarray(0, HEAD_SIZE - headLength));
      head.push(part);
      headLength += part.length;
    }
    pending.push(bytes);
    pendingLength += bytes.length;
    while (pendingLength > segmentSize) {
      const plain = takeFront(pending, segmentSize);
      pendingLength -= segmentSize;
      yield* sealSegment(key, header, { index: index++, last: false, sha256: null }, plain);
    }
  }
  signal?.throwIfAborted();
  const digest = hash.digest();
  yield* sealSegment(key, header, { index, last: true, sha256: digest }, Buffer.concat(pending, pendingLength));
  done({ sha256: digest.toString('hex'), size, head: Buffer.concat(head, headLength) });
}

/**
 * Removes the first `n` bytes from a queue of chunks holding at least `n`: a view when the first
 * chunk holds them all (no copy), else one copy of just those bytes.
 */
function takeFront(queue: Buffer[], n: number): Buffer {
  const first = queue[0]!;
  if (first.length >= n) {
    if (first.length === n) queue.shift();
    else queue[0] = first.subarray(n);
    return first.subarray(0, n);
  }
  const out = Buffer.allocUnsafe(n);
  let filled = 0;
  let whole = 0;
  while (filled < n) {
    const chunk = queue[whole]!;
    const copied = chunk.copy(out, filled, 0, n - filled);
    filled += copied;
    if (copied === chunk.length) whole++;
    else queue[whole] = chunk.subarray(copied);
  }
  // One splice, not a shift per chunk: a source of tiny chunks must not cost time squared.
  queue.splice(0, whole);
  return out;
}

/**
 * The source's chunks until the signal aborts, then its reason at once, even while the source is
 * waiting for bytes that may never come (a stalled upload): a generator stuck in `await` cannot
 * be stopped otherwise, and the write behind it would wait with it.
 */
async function* untilAborted(source: AsyncIterable<Uint8Array>, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
  if (!signal) return yield* source;
  const iterator = source[Symbol.asyncIterator]();
  let onAbort = () => {};
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  aborted.catch(() => {});
  let finished = false;
  try {
    for (;;) {
      signal.throwIfAborted();
      const next = await Promise.race([iterator.next(), aborted]);
      if (next.done) return void (finished = true);
      yield next.value;
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
    // Stops the source; not awaited, since a stalled source may never answer.
    if (!finished) iterator.return?.()?.catch(() => {});
  }
}

/**
 * Opens the stored bytes a read plan asked for (`planRead`), segment by segment, and yields
 * exactly the planned plain bytes. A segment that fails its tag, or stored bytes that end early
 * or run long, throw `CorruptObject`: the reader gets an error, never wrong bytes.
 */
export async function* openStream(
  stored: AsyncIterable<Uint8Array>,
  key: KeyObject,
  header: Header,
  plan: ReadPlan,
  sha256: string,
): AsyncGenerator<Buffer> {
  const digest = Buffer.from(sha256, 'hex');
  const full = header.segmentSize + SEGMENT_OVERHEAD;
  const finalLength = plan.plainSize - plan.finalSegment * header.segmentSize + SEGMENT_OVERHEAD;
  let index = plan.firstSegment;
  let skip = plan.skip;
  let remaining = plan.length;
  const pending: Buffer[] = [];
  let pendingLength = 0;
  const need = () => (index === plan.finalSegment ? finalLength : full);
  for await (const chunk of stored) {
    if (index > plan.lastSegment) throw new CorruptObject('more bytes than the object holds');
    pending.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    pendingLength += chunk.byteLength;
    while (index <= plan.lastSegment && pendingLength >= need()) {
      const length = need();
      const last = index === plan.finalSegment;
      const place = { index, last, sha256: last ? digest : null };
      const plain = openSegment(key, header, place, takeFront(pending, length));
      pendingLength -= length;
      index++;
      const piece = plain.subarray(skip, skip + remaining);
      skip = 0;
      remaining -= piece.length;
      if (piece.length > 0) yield piece;
    }
  }
  if (index <= plan.lastSegment || pendingLength > 0) throw new CorruptObject('the stored bytes end early or run long');
}
