import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { DeleteObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { ObjectTooLarge, type EvidenceStore } from './evidence-store.js';
import { openEvidenceStore } from './open-store.js';
import { MissingObject } from './sealed-store.js';
import { CorruptObject, SEGMENT_SIZE } from './segments.js';

/**
 * One body of tests for both back-ends (issue 12): the file system in a temporary DATA_DIR, and
 * S3 as s3rver on 127.0.0.1 (path-style, its dummy credentials), both opened as the app opens
 * them, from the configuration.
 */
type Backend = {
  store: EvidenceStore;
  /** Every name the back-end holds, temporary ones included. */
  names(): Promise<string[]>;
  /** Replaces an object's stored bytes, as an attacker with access to the store could. */
  overwrite(sha256: string, bytes: Buffer): Promise<void>;
  close(): Promise<void>;
};

const S = SEGMENT_SIZE;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

async function fsBackend(): Promise<Backend> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'evidence-fs-'));
  const store = await openEvidenceStore(loadConfig({ DATA_DIR: dataDir }));
  const objectPath = (sha256: string) => path.join(dataDir, 'evidence/objects', sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  return {
    store,
    names: async () => listFiles(path.join(dataDir, 'evidence')).map((f) => path.relative(dataDir, f)),
    overwrite: async (sha256, bytes) => {
      fs.chmodSync(objectPath(sha256), 0o600);
      fs.writeFileSync(objectPath(sha256), bytes);
    },
    close: async () => fs.rmSync(dataDir, { recursive: true, force: true }),
  };
}

async function s3Backend(): Promise<Backend> {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'evidence-s3-'));
  const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory });
  const { port } = await server.run();
  const env = {
    DATA_DIR: directory,
    EVIDENCE_KEY: randomBytes(32).toString('hex'),
    EVIDENCE_STORE: 's3',
    S3_ENDPOINT: `http://127.0.0.1:${port}`,
    S3_BUCKET: 'evidence-test',
    S3_ACCESS_KEY_ID: 'S3RVER',
    S3_SECRET_ACCESS_KEY: 'S3RVER',
  };
  const store = await openEvidenceStore(loadConfig(env));
  const client = new S3Client({
    endpoint: env.S3_ENDPOINT,
    region: 'eu-west-2',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  const Bucket = env.S3_BUCKET;
  return {
    store,
    names: async () => ((await client.send(new ListObjectsV2Command({ Bucket }))).Contents ?? []).map((o) => o.Key!),
    overwrite: async (sha256, bytes) => {
      await client.send(new DeleteObjectCommand({ Bucket, Key: `objects/${sha256}` }));
      await client.send(new PutObjectCommand({ Bucket, Key: `objects/${sha256}`, Body: bytes }));
    },
    close: async () => {
      client.destroy();
      await server.close();
      fs.rmSync(directory, { recursive: true, force: true });
    },
  };
}

async function bytesOf(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function* pieces(bytes: Buffer, size = 16 * 1024): AsyncGenerator<Buffer> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

describe.each([
  ['fs', fsBackend],
  ['s3', s3Backend],
])('the %s evidence store', (_kind, open) => {
  let backend: Backend;
  let store: EvidenceStore;
  beforeAll(async () => {
    backend = await open();
    store = backend.store;
  });
  afterAll(() => backend.close());

  /** Puts, checks nothing else was left, and removes it again, so each test starts from an empty store. */
  const onlyObjects = async (...sha256s: string[]) => {
    const names = await backend.names();
    expect(names.sort()).toEqual(sha256s.map((s) => expect.stringContaining(s)).sort());
    expect(names).toHaveLength(sha256s.length);
  };

  it('stores bytes under their SHA-256 and gives them back, whole or in ranges', async () => {
    const plain = randomBytes(3 * S + 17);
    const put = await store.put(pieces(plain), { maxBytes: plain.length });
    expect(put).toMatchObject({ sha256: sha(plain), size: plain.length, created: true });
    expect(put.head.equals(plain.subarray(0, 64 * 1024))).toBe(true);
    expect(await store.size(put.sha256)).toBe(plain.length);
    expect((await bytesOf(await store.get(put.sha256))).equals(plain)).toBe(true);
    for (const [start, end] of [
      [0, 0],
      [plain.length - 1, plain.length - 1],
      [S - 1, S],
      [S + 3, 3 * S + 2],
      [2 * S, 3 * S - 1],
    ] as const) {
      const part = await bytesOf(await store.get(put.sha256, { start, end }));
      expect(part.equals(plain.subarray(start, end + 1)), `${start}-${end}`).toBe(true);
    }
    await onlyObjects(put.sha256);
    await store.delete(put.sha256);
    expect(await store.size(put.sha256)).toBeNull();
    await onlyObjects();
  });

  it('stores the same bytes once: a second put drops its copy', async () => {
    const plain = Buffer.from('the same capture, twice');
    const first = await store.put(pieces(plain), { maxBytes: 1000 });
    const second = await store.put(pieces(plain, 5), { maxBytes: 1000 });
    expect([first.created, second.created]).toEqual([true, false]);
    expect(second.sha256).toBe(first.sha256);
    await onlyObjects(first.sha256);
    await store.delete(first.sha256);
  });

  it('keeps one object when the same bytes arrive five times at once, and every put succeeds', async () => {
    const plain = randomBytes(2 * S + 5);
    const puts = await Promise.all(Array.from({ length: 5 }, () => store.put(pieces(plain), { maxBytes: plain.length })));
    expect(new Set(puts.map((p) => p.sha256))).toEqual(new Set([sha(plain)]));
    // S3 has no copy that refuses to replace (decision 014): there, more than one may say it created it.
    const created = puts.filter((p) => p.created).length;
    if (store.kind === 'fs') expect(created).toBe(1);
    else expect(created).toBeGreaterThanOrEqual(1);
    expect((await bytesOf(await store.get(sha(plain)))).equals(plain)).toBe(true);
    await onlyObjects(sha(plain));
    await store.delete(sha(plain));
  });

  it('stores an empty object (the service refuses it; the store need not)', async () => {
    const put = await store.put(pieces(Buffer.alloc(0)), { maxBytes: 10 });
    expect(put).toMatchObject({ sha256: sha(Buffer.alloc(0)), size: 0, created: true });
    expect(await store.size(put.sha256)).toBe(0);
    expect((await bytesOf(await store.get(put.sha256))).length).toBe(0);
    await store.delete(put.sha256);
  });

  it('refuses more than the limit as soon as it passes, leaving nothing behind', async () => {
    let pulled = 0;
    async function* large() {
      for (let i = 0; i < 1000; i++) {
        pulled++;
        yield Buffer.alloc(64 * 1024, i);
      }
    }
    // Over 5 MiB, so S3 has begun a multipart upload before the limit is passed.
    await expect(store.put(large(), { maxBytes: 6 * 1024 * 1024 })).rejects.toThrow(ObjectTooLarge);
    expect(pulled).toBe(97);
    await onlyObjects();
  });

  it('leaves nothing behind when the source fails midway', async () => {
    async function* failing() {
      yield randomBytes(3 * S);
      throw new Error('connection reset');
    }
    await expect(store.put(failing(), { maxBytes: 10 * S })).rejects.toThrow('connection reset');
    await onlyObjects();
    // eslint-disable-next-line require-yield -- a source that fails before its first chunk
    async function* failingAtOnce(): AsyncGenerator<Buffer> {
      throw new Error('no route to host');
    }
    await expect(store.put(failingAtOnce(), { maxBytes: 10 * S })).rejects.toThrow('no route to host');
    await onlyObjects();
  });

  it('writes nothing when its signal has aborted already', async () => {
    await expect(store.put(pieces(randomBytes(10)), { maxBytes: 100, signal: AbortSignal.abort() })).rejects.toThrow(/abort/i);
    await onlyObjects();
  });

  it('stops and leaves nothing behind when its signal aborts, even while the source waits', async () => {
    const controller = new AbortController();
    async function* stalling() {
      yield randomBytes(2 * S);
      setTimeout(() => controller.abort(), 20);
      await new Promise(() => {});
    }
    await expect(store.put(stalling(), { maxBytes: 10 * S, signal: controller.signal })).rejects.toThrow(/abort/i);
    await onlyObjects();
  });

  it('never keeps the plain bytes', async () => {
    const plain = Buffer.from('SUSPECT-NAME-Jane-Doe;'.repeat(20_000));
    const put = await store.put(pieces(plain), { maxBytes: plain.length });
    const raw = await store.raw(put.sha256);
    expect(raw.length).toBeGreaterThan(plain.length);
    expect(raw.includes('SUSPECT-NAME')).toBe(false);
    expect(raw.includes(plain.subarray(1000, 1016))).toBe(false);
    await store.delete(put.sha256);
  });

  it('answers a damaged object with an error, never with bytes', async () => {
    const plain = randomBytes(2 * S + 100);
    const put = await store.put(pieces(plain), { maxBytes: plain.length });
    const raw = await store.raw(put.sha256);
    raw[raw.length - 50]! ^= 0x80;
    await backend.overwrite(put.sha256, raw);
    await expect(bytesOf(await store.get(put.sha256))).rejects.toThrow(CorruptObject);
    await expect(bytesOf(await store.get(put.sha256, { start: 2 * S, end: 2 * S }))).rejects.toThrow(CorruptObject);
    // The segments before the damage are still whole.
    expect((await bytesOf(await store.get(put.sha256, { start: 0, end: 9 }))).equals(plain.subarray(0, 10))).toBe(true);
    await backend.overwrite(put.sha256, (await store.raw(put.sha256)).subarray(0, 2 * (S + 28)));
    await expect(bytesOf(await store.get(put.sha256))).rejects.toThrow(CorruptObject);
    await store.delete(put.sha256);
  });

  it('refuses to serve one object under the address of another', async () => {
    const a = await store.put(pieces(randomBytes(S + 1)), { maxBytes: 2 * S });
    const b = await store.put(pieces(randomBytes(S + 1)), { maxBytes: 2 * S });
    await backend.overwrite(a.sha256, await store.raw(b.sha256));
    await expect(bytesOf(await store.get(a.sha256))).rejects.toThrow(CorruptObject);
    await store.delete(a.sha256);
    await store.delete(b.sha256);
  });

  it('knows nothing of an address it does not hold, and refuses one that is not an address', async () => {
    const absent = sha(Buffer.from('never stored'));
    expect(await store.size(absent)).toBeNull();
    await expect(store.get(absent)).rejects.toThrow(MissingObject);
    await store.delete(absent);
    for (const bad of ['../../evidence.key', absent.toUpperCase(), `${absent}0`, '']) {
      await expect(store.size(bad)).rejects.toThrow(TypeError);
      await expect(store.get(bad)).rejects.toThrow(TypeError);
      await expect(store.delete(bad)).rejects.toThrow(TypeError);
      await expect(store.raw(bad)).rejects.toThrow(TypeError);
    }
  });
});
