import { loadKeyFile } from '../security/key-file.js';

/**
 * The AES-256 key that seals all evidence (issue 12, decision 014): EVIDENCE_KEY when configured,
 * else DATA_DIR/evidence.key, made at the first start and read at every later one
 * (`loadKeyFile`: 0600 in a 0700 directory; a broken file stops the start). Back it up apart from
 * the database and the store.
 */
export function loadEvidenceKey(configured: Buffer | undefined, dataDir: string): Buffer {
  return configured ?? loadKeyFile(dataDir, 'evidence.key');
}
