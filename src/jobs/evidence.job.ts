import { z } from 'zod';
import { EVIDENCE_JOBS } from '../modules/evidence/evidence.service.js';
import type { JobDefinition } from './runner.js';

const captureData = z.object({ captureId: z.guid() });
const analyseData = z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/) });

/**
 * A URL capture (issue 12 point 1). Its failure is the capture's answer, recorded with its reason;
 * the job is retried only when the process died under it (the capture is still pending then).
 */
export const evidenceCaptureJob: JobDefinition = {
  name: EVIDENCE_JOBS.capture,
  policy: 'standard',
  retryLimit: 1,
  retryDelay: 60,
  // Longer than the longest capture (CAPTURE_TIMEOUT_SECONDS is at most 6 hours).
  expireInSeconds: 6 * 60 * 60 + 300,
  async run({ services, log }, data) {
    await services.evidenceWork.capture(captureData.parse(data).captureId, log);
  },
};

/** SOP 9.1: ffprobe's metadata, a contact sheet and a waveform of stored media. */
export const evidenceAnalyseJob: JobDefinition = {
  name: EVIDENCE_JOBS.analyse,
  policy: 'standard',
  retryLimit: 2,
  retryDelay: 30,
  expireInSeconds: 60 * 60,
  async run({ services }, data) {
    await services.evidenceWork.analyse(analyseData.parse(data).sha256);
  },
};

/**
 * Issue 13 points 4-5: stored audio's fingerprint, indexed for the library entries holding it, and
 * its captures matched against the library. Without ffmpeg or fpcalc it records nothing.
 */
export const evidenceFingerprintJob: JobDefinition = {
  name: EVIDENCE_JOBS.fingerprint,
  policy: 'standard',
  retryLimit: 2,
  retryDelay: 30,
  expireInSeconds: 60 * 60,
  async run({ services, log }, data) {
    const skipped = await services.libraryMatch.fingerprintObject(analyseData.parse(data).sha256);
    if (skipped) log.info({ reason: skipped }, 'audio not fingerprinted');
  },
};
