import type { Config } from '../config.js';
import type { EvidenceStore } from './evidence-store.js';
import { openFsStore } from './fs-store.js';
import { loadEvidenceKey } from './key.js';
import { openS3Store } from './s3-store.js';

/**
 * The configured evidence store (issue 12, decision 014): its key (EVIDENCE_KEY or
 * DATA_DIR/evidence.key) and its back-end (EVIDENCE_STORE: DATA_DIR/evidence or an S3 bucket).
 * Called once at start; a bad key file or an unreachable bucket stops the start.
 */
export async function openEvidenceStore(config: Config): Promise<EvidenceStore> {
  const key = loadEvidenceKey(config.evidence.key, config.dataDir);
  const store = config.evidence.store;
  return store.kind === 's3' ? openS3Store(store, key) : openFsStore(config.dataDir, key);
}
