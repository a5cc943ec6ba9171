import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ObjectTooLarge } from './evidence-store.js';

/**
 * Plain bytes written to a private file for the media tools (ffprobe, ffmpeg, fpcalc read files):
 * the directory 0700 and the file 0600 under DATA_DIR/tmp, a random name. The caller removes it in
 * its `finally`. Over `maxBytes`: `ObjectTooLarge`, and the part written is removed.
 */
export async function privateFile(tmpDir: string, bytes: AsyncIterable<Uint8Array>, maxBytes = Infinity): Promise<string> {
  fs.mkdirSync(tmpDir, { recursive: true, mode: 0o700 });
  fs.chmodSync(tmpDir, 0o700);
  const file = path.join(tmpDir, randomUUID());
  let size = 0;
  const bounded = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      done(size > maxBytes ? new ObjectTooLarge(maxBytes) : null, chunk);
    },
  });
  const out = fs.createWriteStream(file, { mode: 0o600, flags: 'wx' });
  try {
    await pipeline(bytes, bounded, out);
  } catch (err) {
    // A failure before the file was open still opens it, then closes it: removed after that.
    if (!out.closed) await new Promise<void>((done) => out.once('close', () => done()));
    fs.rmSync(file, { force: true });
    throw err;
  }
  return file;
}
