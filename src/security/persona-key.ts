import fs from 'node:fs';
import path from 'node:path';
import { loadKeyFile, readKeyFile, writeKeyFile } from './key-file.js';
import { secretKey, type SecretKey } from './sealed-secrets.js';

/** The persona key's file in DATA_DIR (decision 020: back it up apart from the database). */
const PERSONA_KEY_FILE = 'persona.key';
/** A rotation's new key, kept here until every secret is sealed with it (decision 020). */
const NEXT_PERSONA_KEY_FILE = 'persona.key.next';

/**
 * The key that seals the persona register's secrets (issue 14 point 3, decision 020): PERSONA_KEY
 * when configured, else DATA_DIR/persona.key, made once (0600 in a 0700 directory) and read at
 * every later start. A file that is not a key stops the start (`KeyFileError`). A rotation's
 * `persona.key.next` is not looked at here: `settlePersonaKey` decides it once the database is open.
 */
export function loadPersonaKey(configured: Buffer | undefined, dataDir: string): SecretKey {
  return secretKey(configured ?? loadKeyFile(dataDir, PERSONA_KEY_FILE));
}

const nextFile = (dataDir: string) => path.join(dataDir, NEXT_PERSONA_KEY_FILE);

/** A rotation's new key left in DATA_DIR, or null when no rotation is under way. */
export function pendingPersonaKey(dataDir: string): SecretKey | null {
  const file = nextFile(dataDir);
  return fs.existsSync(file) ? secretKey(readKeyFile(file)) : null;
}

/** Writes a rotation's new key to persona.key.next (0600); refuses when one is there already. */
export function stagePersonaKey(dataDir: string, key: SecretKey): void {
  if (!writeKeyFile(nextFile(dataDir), key.key)) {
    throw new Error(`${NEXT_PERSONA_KEY_FILE} is already in DATA_DIR: another rotation is under way`);
  }
}

/** The new key becomes the key: persona.key.next renamed over persona.key (one atomic step), on disk. */
export function promotePersonaKey(dataDir: string): void {
  fs.renameSync(nextFile(dataDir), path.join(dataDir, PERSONA_KEY_FILE));
  syncDirectory(dataDir);
}

/** A rotation that did not commit: its new key sealed nothing and goes. */
export function dropPendingPersonaKey(dataDir: string): void {
  fs.rmSync(nextFile(dataDir), { force: true });
  syncDirectory(dataDir);
}

/** A rename or removal is durable only once its directory is. */
function syncDirectory(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
