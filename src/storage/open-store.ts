import type { Config } from '../config.js';
import type { EvidenceStore } from './evidence-store.js';
import { openFsStore } from './fs-store.js';
import { loadEvidenceKey } from './key.js';

/**
 * The configured evidence store (issue 12, decision 014): its key (EVIDENCE_KEY or
 * DATA_DIR/evidence.key) and its back-end (EVIDENCE_STORE: DATA_DIR/evidence or an S3 bucket).
 * Called once at start; a bad key file or an unreachable bucket stops the start. The AWS SDK is
 * loaded only for S3: it costs most of a second at every start of the server and the CLI.
 */
export async function openEvidenceStore(config: Config): Promise<EvidenceStore> {
  const key = loadEvidenceKey(config.evidence.key, config.dataDir);
  const store = config.evidence.store;
  if (store.kind === 'fs') return openFsStore(config.dataDir, key);
  const { openS3Store } = await import('./s3-store.js');
  return openS3Store(store, key);
}
