import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { EvidenceStore } from './evidence-store.js';
import { sealedStore, type Blobs } from './sealed-store.js';
import { HEADER_SIZE } from './segments.js';

/** A temporary file this old is what a crash left behind (no put takes a day). */
const STALE_MS = 24 * 60 * 60 * 1000;

const isCode = (error: unknown, code: string) => (error as NodeJS.ErrnoException | null)?.code === code;

/**
 * The evidence store on the file system (issue 12, decision 014): DATA_DIR/evidence/objects/ab/cd/<sha256>
 * and DATA_DIR/evidence/tmp/, directories 0700, files 0600 while written and 0400 once stored
 * (never rewritten). Temporary files a crash left behind (older than a day) are removed here.
 */
export async function openFsStore(dataDir: string, key: Buffer): Promise<EvidenceStore> {
  const root = path.join(dataDir, 'evidence');
  const objects = path.join(root, 'objects');
  const tmp = path.join(root, 'tmp');
  for (const dir of [root, objects, tmp]) {
    await fsp.mkdir(dir, { recursive: true, mode: 0o700 });
    await fsp.chmod(dir, 0o700);
  }
  await removeStale(tmp);
  const pathOf = (address: string) => path.join(objects, address.slice(0, 2), address.slice(2, 4), address);
  const blobs: Blobs = {
    kind: 'fs',
    async write(stored, addressOf, signal) {
      const temporary = path.join(tmp, randomBytes(16).toString('hex'));
      try {
        // `flush`: the bytes are on the disk before the capture is recorded as stored.
        const file = fs.createWriteStream(temporary, { flags: 'wx', mode: 0o600, flush: true, highWaterMark: 1024 * 1024 });
        await pipeline(Readable.from(stored), file, { signal });
        const final = pathOf(await addressOf());
        await fsp.mkdir(path.dirname(final), { recursive: true, mode: 0o700 });
        await fsp.chmod(temporary, 0o400);
        // A link never replaces: it fails when the same bytes are stored already (or just now).
        return await fsp.link(temporary, final).then(
          () => true,
          (error: unknown) => {
            if (isCode(error, 'EEXIST')) return false;
            throw error;
          },
        );
      } finally {
        await fsp.rm(temporary, { force: true });
      }
    },
    async head(address) {
      const handle = await fsp.open(pathOf(address), 'r').catch((error: unknown) => {
        if (isCode(error, 'ENOENT')) return null;
        throw error;
      });
      if (!handle) return null;
      try {
        const header = Buffer.alloc(HEADER_SIZE);
        const { bytesRead } = await handle.read(header, 0, HEADER_SIZE, 0);
        return { header: header.subarray(0, bytesRead), length: (await handle.stat()).size };
      } finally {
        await handle.close();
      }
    },
    async read(address, start, end) {
      return fs.createReadStream(pathOf(address), { start, end, highWaterMark: 256 * 1024 });
    },
    async remove(address) {
      await fsp.rm(pathOf(address), { force: true });
    },
    async whole(address) {
      return fsp.readFile(pathOf(address));
    },
  };
  return sealedStore(blobs, key);
}

/** Removes temporary files older than a day: puts that a crash interrupted. */
async function removeStale(tmp: string): Promise<void> {
  const now = Date.now();
  for (const name of await fsp.readdir(tmp)) {
    const file = path.join(tmp, name);
    const stat = await fsp.stat(file).catch(() => null);
    if (stat && now - stat.mtimeMs > STALE_MS) await fsp.rm(file, { force: true });
  }
}
