import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** The key file's name in DATA_DIR (decision 014: back it up apart from the database and the store). */
const KEY_FILE = 'evidence.key';

/** The key file is there but is not a key: the process must not start (it would seal with another key). */
export class EvidenceKeyError extends Error {}

/**
 * The AES-256 key that seals all evidence (issue 12, decision 014): EVIDENCE_KEY when configured,
 * else DATA_DIR/evidence.key, made at the first start (32 random bytes as 64 hex digits, mode
 * 0600, in a 0700 directory) and read at every later one. A key file that is not 64 hex digits is
 * a startup error, never replaced: a new key would leave every stored object unreadable.
 */
export function loadEvidenceKey(configured: Buffer | undefined, dataDir: string): Buffer {
  if (configured) return configured;
  const file = path.join(dataDir, KEY_FILE);
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (!fs.existsSync(file)) createKeyFile(file);
  const text = fs.readFileSync(file, 'utf8').trim();
  if (!/^[0-9a-fA-F]{64}$/.test(text)) {
    throw new EvidenceKeyError(`${KEY_FILE} in DATA_DIR is not a key (64 hex digits); restore it from its backup`);
  }
  return Buffer.from(text, 'hex');
}

/**
 * Writes a new key beside its final name, then links it there: the link fails when another
 * process starting at the same moment made one first, and nobody ever reads a half-written file.
 */
function createKeyFile(file: string): void {
  const temporary = `${file}.${randomBytes(8).toString('hex')}.tmp`;
  fs.writeFileSync(temporary, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  try {
    fs.linkSync(temporary, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    fs.unlinkSync(temporary);
  }
}
