import { auditVerifyJob } from './audit-verify.job.js';
import { evidenceAnalyseJob, evidenceCaptureJob, evidenceFingerprintJob } from './evidence.job.js';
import { retentionSweepJob } from './retention-sweep.job.js';
import type { JobDefinition } from './runner.js';
import { sessionPurgeJob } from './session-purge.job.js';

/** Every job the app runs: a new one is added here (decision 012). */
export const JOBS: readonly JobDefinition[] = [
  auditVerifyJob,
  sessionPurgeJob,
  evidenceCaptureJob,
  evidenceAnalyseJob,
  evidenceFingerprintJob,
  retentionSweepJob,
];
