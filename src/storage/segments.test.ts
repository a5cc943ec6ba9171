import { createHash, createSecretKey, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ObjectTooLarge } from './evidence-store.js';
import { openStream, sealStream } from './seal.js';
import { CorruptObject, HEADER_SIZE, SEGMENT_OVERHEAD, SEGMENT_SIZE, parseHeader, plainSizeOf, planRead } from './segments.js';

const key = createSecretKey(randomBytes(32));
const S = SEGMENT_SIZE;

/** Yields `bytes` in pieces of `size`, as a network or a file would. */
async function* pieces(bytes: Buffer, size = 10_000): AsyncGenerator<Buffer> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function seal(plain: Buffer, segmentSize?: number) {
  const { stored, sealed } = sealStream(pieces(plain), key, { maxBytes: Infinity, segmentSize });
  return { stored: Buffer.concat(await collect(stored)), ...(await sealed) };
}

/** Reads `range` of a stored object as a store does: only the planned stored bytes, in odd-sized pieces. */
async function open(stored: Buffer, sha256: string, range?: { start: number; end: number }, withKey = key) {
  const header = parseHeader(stored);
  const plan = planRead(plainSizeOf(stored.length, header.segmentSize), header.segmentSize, range);
  const wanted = stored.subarray(plan.storedStart, plan.storedEnd + 1);
  return Buffer.concat(await collect(openStream(pieces(wanted, 7777), withKey, header, plan, sha256)));
}

/** Every chunk of a stream (Node 20 has no Array.fromAsync). */
async function collect(stream: AsyncIterable<Buffer>): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for await (const chunk of stream) out.push(chunk);
  return out;
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('the evidence format: round trips', () => {
  it.each([0, 1, S - 1, S, S + 1, 3 * S + 17])('seals and opens %i bytes', async (n) => {
    const plain = randomBytes(n);
    const { stored, sha256, size, head } = await seal(plain);
    const segments = Math.max(1, Math.ceil(n / S));
    expect(stored.length).toBe(HEADER_SIZE + n + segments * SEGMENT_OVERHEAD);
    expect(plainSizeOf(stored.length, S)).toBe(n);
    expect(sha256).toBe(sha(plain));
    expect(size).toBe(n);
    expect(head.equals(plain.subarray(0, 64 * 1024))).toBe(true);
    expect((await open(stored, sha256)).equals(plain)).toBe(true);
  });

  it('takes the source in chunks of any size, larger than a segment included', async () => {
    const plain = randomBytes(5 * S + 3);
    for (const size of [1, 1000, S, S + 1, 3 * S]) {
      const { stored: chunks, sealed } = sealStream(pieces(plain, size), key, { maxBytes: plain.length });
      const stored = Buffer.concat(await collect(chunks));
      expect((await open(stored, (await sealed).sha256)).equals(plain)).toBe(true);
    }
  });

  it('never stores the plain bytes', async () => {
    const plain = Buffer.from('MARKER-plain-text-'.repeat(10_000));
    const { stored } = await seal(plain);
    expect(stored.includes('MARKER-plain')).toBe(false);
  });
});

describe('the evidence format: ranges', () => {
  const n = 3 * S + 17;
  const plain = randomBytes(n);
  const sealing = seal(plain);

  it.each([
    ['the first byte', 0, 0],
    ['the last byte', n - 1, n - 1],
    ['a few bytes inside one segment', 5, 9],
    ['exactly one segment', S, 2 * S - 1],
    ['the last byte of one segment and the first of the next', S - 1, S],
    ['across three segments', S - 1, 2 * S + 1],
    ['the short last segment', 3 * S, n - 1],
    ['the tail from inside a segment', 2 * S + 3, n - 1],
    ['everything', 0, n - 1],
  ])('gives exactly %s', async (_name, start, end) => {
    const { stored, sha256 } = await sealing;
    expect((await open(stored, sha256, { start, end })).equals(plain.subarray(start, end + 1))).toBe(true);
  });

  it('reads only the segments a range needs', () => {
    const full = S + SEGMENT_OVERHEAD;
    const inside = planRead(n, S, { start: S + 5, end: S + 9 });
    expect([inside.storedStart, inside.storedEnd]).toEqual([HEADER_SIZE + full, HEADER_SIZE + 2 * full - 1]);
    const across = planRead(n, S, { start: S - 1, end: S });
    expect(across.storedEnd - across.storedStart + 1).toBe(2 * full);
    const tail = planRead(n, S, { start: n - 1, end: n - 1 });
    expect([tail.storedStart, tail.storedEnd]).toEqual([HEADER_SIZE + 3 * full, HEADER_SIZE + 3 * full + 17 + SEGMENT_OVERHEAD - 1]);
  });

  it.each([
    ['starts after it ends', { start: 5, end: 4 }],
    ['ends past the object', { start: 0, end: n }],
    ['starts below zero', { start: -1, end: 3 }],
    ['is not whole numbers', { start: 0.5, end: 3 }],
  ])('refuses a range that %s', (_name, range) => {
    expect(() => planRead(n, S, range)).toThrow(RangeError);
  });

  it('refuses any range of an empty object', () => {
    expect(() => planRead(0, S, { start: 0, end: 0 })).toThrow(RangeError);
  });
});

describe('the evidence format: damage is an error, never bytes', () => {
  // Small segments so every byte and every cut can be tried: 40 bytes are segments of 16, 16 and 8.
  const plain = randomBytes(40);
  const small = 16;
  const full = small + SEGMENT_OVERHEAD;
  const segment = (stored: Buffer, i: number) => stored.subarray(HEADER_SIZE + i * full, HEADER_SIZE + (i + 1) * full);

  const readAll = async (stored: Buffer, sha256: string) => open(stored, sha256);

  it('opens when nothing is damaged', async () => {
    const { stored, sha256 } = await seal(plain, small);
    expect((await readAll(stored, sha256)).equals(plain)).toBe(true);
  });

  it('fails on any one byte changed, header, nonce, ciphertext or tag', async () => {
    const { stored, sha256 } = await seal(plain, small);
    for (let i = 0; i < stored.length; i++) {
      const damaged = Buffer.from(stored);
      damaged[i]! ^= 0x01;
      await expect(readAll(damaged, sha256), `byte ${i}`).rejects.toThrow(CorruptObject);
    }
  });

  it('fails on the object cut short anywhere, at a segment boundary included', async () => {
    const { stored, sha256 } = await seal(plain, small);
    for (let length = 0; length < stored.length; length++) {
      await expect(readAll(stored.subarray(0, length), sha256), `length ${length}`).rejects.toThrow(CorruptObject);
    }
  });

  it('fails on segments reordered', async () => {
    const { stored, sha256 } = await seal(plain, small);
    const swapped = Buffer.concat([
      stored.subarray(0, HEADER_SIZE),
      segment(stored, 1),
      segment(stored, 0),
      stored.subarray(HEADER_SIZE + 2 * full),
    ]);
    await expect(readAll(swapped, sha256)).rejects.toThrow(CorruptObject);
    await expect(open(swapped, sha256, { start: 0, end: 0 })).rejects.toThrow(CorruptObject);
  });

  it('fails on a segment taken from another object of the same bytes', async () => {
    const a = await seal(plain, small);
    const b = await seal(plain, small);
    const mixed = Buffer.concat([
      a.stored.subarray(0, HEADER_SIZE + full),
      segment(b.stored, 1),
      a.stored.subarray(HEADER_SIZE + 2 * full),
    ]);
    await expect(open(mixed, a.sha256, { start: small, end: small })).rejects.toThrow(CorruptObject);
    const otherHeader = Buffer.concat([b.stored.subarray(0, HEADER_SIZE), a.stored.subarray(HEADER_SIZE)]);
    await expect(open(otherHeader, a.sha256, { start: 0, end: 0 })).rejects.toThrow(CorruptObject);
  });

  it('fails on a segment appended, whether a copy of one of its own or an empty last one', async () => {
    const { stored, sha256 } = await seal(plain.subarray(0, 32), small);
    await expect(readAll(Buffer.concat([stored, segment(stored, 1)]), sha256)).rejects.toThrow(CorruptObject);
    const empty = await seal(Buffer.alloc(0), small);
    const appended = Buffer.concat([stored, empty.stored.subarray(HEADER_SIZE)]);
    await expect(readAll(appended, sha256)).rejects.toThrow(CorruptObject);
  });

  it('fails when an object is read under another address, or with another key', async () => {
    const { stored, sha256 } = await seal(plain, small);
    await expect(readAll(stored, sha(Buffer.from('other')))).rejects.toThrow(CorruptObject);
    await expect(open(stored, sha256, undefined, createSecretKey(randomBytes(32)))).rejects.toThrow(CorruptObject);
  });

  it('refuses a header that is not ours', () => {
    expect(() => parseHeader(Buffer.alloc(HEADER_SIZE))).toThrow(CorruptObject);
    expect(() => parseHeader(Buffer.from('RDEV'))).toThrow(CorruptObject);
  });
});

describe('sealing a stream', () => {
  it('stops at the chunk that passes the limit, reading no further', async () => {
    let pulled = 0;
    async function* endless() {
      for (;;) {
        pulled++;
        yield Buffer.alloc(1000, 1);
      }
    }
    const { stored } = sealStream(endless(), key, { maxBytes: 10_500 });
    await expect(collect(stored)).rejects.toThrow(ObjectTooLarge);
    expect(pulled).toBe(11);
  });

  it('takes exactly the limit', async () => {
    const { stored, sealed } = sealStream(pieces(Buffer.alloc(10_500, 2)), key, { maxBytes: 10_500 });
    await collect(stored);
    expect((await sealed).size).toBe(10_500);
  });

  it('stops when its signal aborts', async () => {
    const controller = new AbortController();
    async function* slow() {
      yield Buffer.alloc(10);
      controller.abort();
      yield Buffer.alloc(10);
    }
    const { stored } = sealStream(slow(), key, { maxBytes: 100, signal: controller.signal });
    await expect(collect(stored)).rejects.toThrow(/abort/i);
  });
});
