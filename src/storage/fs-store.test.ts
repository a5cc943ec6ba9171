import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openFsStore } from './fs-store.js';

const dirs: string[] = [];
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'evidence-fs-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

const mode = (p: string) => fs.statSync(p).mode & 0o777;

async function* once(bytes: Buffer) {
  yield bytes;
}

describe('the file-system evidence store', () => {
  it('keeps its directories 0700 and its objects read-only to the service alone, at DATA_DIR/evidence/objects/ab/cd/<sha256>', async () => {
    const dataDir = tempDir();
    const store = await openFsStore(dataDir, randomBytes(32));
    const { sha256 } = await store.put(once(Buffer.from('a capture')), { maxBytes: 100 });
    const root = path.join(dataDir, 'evidence');
    const file = path.join(root, 'objects', sha256.slice(0, 2), sha256.slice(2, 4), sha256);
    expect(mode(file)).toBe(0o400);
    for (const dir of [root, path.join(root, 'tmp'), path.join(root, 'objects'), path.dirname(file), path.dirname(path.dirname(file))]) {
      expect(mode(dir), dir).toBe(0o700);
    }
    expect(fs.readdirSync(path.join(root, 'tmp'))).toEqual([]);
  });

  it('tightens an evidence directory made too open before it opens', async () => {
    const dataDir = tempDir();
    fs.mkdirSync(path.join(dataDir, 'evidence'), { mode: 0o755 });
    fs.chmodSync(path.join(dataDir, 'evidence'), 0o755);
    await openFsStore(dataDir, randomBytes(32));
    expect(mode(path.join(dataDir, 'evidence'))).toBe(0o700);
  });

  it('removes the temporary files a crash left more than a day ago, and no newer ones', async () => {
    const dataDir = tempDir();
    const tmp = path.join(dataDir, 'evidence', 'tmp');
    fs.mkdirSync(tmp, { recursive: true });
    fs.writeFileSync(path.join(tmp, 'old'), 'x');
    fs.writeFileSync(path.join(tmp, 'recent'), 'x');
    const twoDaysAgo = new Date(Date.now() - 2 * 24 * 60 * 60 * 1000);
    fs.utimesSync(path.join(tmp, 'old'), twoDaysAgo, twoDaysAgo);
    await openFsStore(dataDir, randomBytes(32));
    expect(fs.readdirSync(tmp)).toEqual(['recent']);
  });
});
