import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** A key file is there but is not a key: the process must not start (it would seal with another key). */
export class KeyFileError extends Error {}

const KEY_TEXT = /^[0-9a-fA-F]{64}$/;

/**
 * An AES-256 key kept in DATA_DIR/`name` (the evidence key, decision 014; the persona key,
 * decision 020): made at the first start (32 random bytes as 64 hex digits, mode 0600, in a 0700
 * directory) and read at every later one. A file that is not 64 hex digits is a startup error,
 * never replaced: a new key would leave everything sealed with the old one unreadable.
 */
export function loadKeyFile(dataDir: string, name: string): Buffer {
  const file = path.join(dataDir, name);
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (!fs.existsSync(file)) writeKeyFile(file, randomBytes(32));
  return readKeyFile(file, name);
}

/** The key in `file`, or `KeyFileError` naming it as `name` when the file holds anything else. */
export function readKeyFile(file: string, name = path.basename(file)): Buffer {
  const text = fs.readFileSync(file, 'utf8').trim();
  if (!KEY_TEXT.test(text)) throw new KeyFileError(`${name} in DATA_DIR is not a key (64 hex digits); restore it from its backup`);
  return Buffer.from(text, 'hex');
}

/**
 * Writes `key` beside `file` (0600), then links it there: the link fails when another process
 * starting at the same moment made one first (then theirs stays), and nobody ever reads a
 * half-written file. Answers whether this call's key is the one in place.
 */
export function writeKeyFile(file: string, key: Buffer): boolean {
  const temporary = `${file}.${randomBytes(8).toString('hex')}.tmp`;
  fs.writeFileSync(temporary, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx', flush: true });
  try {
    fs.linkSync(temporary, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return false;
  } finally {
    fs.unlinkSync(temporary);
  }
}
