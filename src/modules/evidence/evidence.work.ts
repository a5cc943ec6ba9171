import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { FastifyBaseLogger } from 'fastify';
import { captureUrl } from '../../capture/capture.js';
import { CaptureFailed } from '../../capture/capture-error.js';
import { AnalysisFailed, contactSheet, probe, waveform } from '../../media/analyse.js';
import { detectMediaType, isAnalysable } from '../../media/detect.js';
import type { StoredObject } from '../../storage/evidence-store.js';
import { ObjectTooLarge } from '../../storage/evidence-store.js';
import { privateFile } from '../../storage/private-file.js';
import { createEvidenceRepository } from './evidence.repository.js';
import { bytesStill, EVIDENCE_JOBS, notMediaReason, type EvidenceDeps } from './evidence.service.js';

/** Rolls back a capture's end when it was no longer pending. */
class NotPending extends Error {}

/** A URL capture gives up when no byte arrives for this long. */
const IDLE_TIMEOUT_MS = 60_000;
/** Progress is written at most this often: each write is a statement. */
const PROGRESS_EVERY_MS = 1_000;

/**
 * The background work of evidence (decision 012): fetching a URL capture and analysing stored
 * media (SOP 9.1). Each ends in one transaction with its audit entry; a failure is the capture's
 * or the analysis's recorded answer with its reason, not the job's.
 */
export function createEvidenceWork(deps: EvidenceDeps) {
  const { db, clock, audit, store, tools, enqueue, settings } = deps;
  const repo = createEvidenceRepository();
  const tmpDir = path.join(settings.dataDir, 'tmp');

  /** A private copy of the plain bytes for ffprobe and ffmpeg, removed by the caller's `finally`. */
  const plainCopy = async (sha256: string) => privateFile(tmpDir, await store.get(sha256));

  async function storeImage(png: Buffer) {
    const stored = await store.put(Readable.from([png]), { maxBytes: 64 * 1024 * 1024 });
    await db.transaction(async (tx) => {
      // The race rule (decision 017): the same image's bytes may have just been deleted by the sweep.
      if (!(await bytesStill(tx, store, stored.sha256)))
        throw new AnalysisFailed('An image was deleted by the retention sweep as it was stored: analyse the capture again');
      await repo.addObject(tx, { sha256: stored.sha256, size: stored.size, mediaType: 'image/png', storedAt: clock() });
    });
    return stored.sha256;
  }

  return {
    /** Fetches a pending URL capture (issue 12 point 1); a capture no longer pending is left alone. */
    async capture(captureId: string, log: FastifyBaseLogger) {
      const capture = await repo.captureById(db, captureId);
      if (!capture || capture.status !== 'pending' || !capture.sourceUrl) return;
      let last = 0;
      const onProgress = (bytes: number, total?: number) => {
        const now = Date.now();
        if (now - last < PROGRESS_EVERY_MS) return;
        last = now;
        void repo.setProgress(db, captureId, bytes, total ?? null).catch(() => undefined);
      };
      let outcome:
        | { ok: true; stored: StoredObject; tool: string; toolVersion: string; metadata?: Record<string, unknown> }
        | { ok: false; reason: string };
      try {
        const fetched = await captureUrl(capture.sourceUrl, {
          allowedHosts: settings.captureAllowedHosts,
          maxBytes: settings.maxBytes,
          timeoutMs: settings.captureTimeoutSeconds * 1000,
          idleTimeoutMs: IDLE_TIMEOUT_MS,
          ytDlpPath: tools.ytDlp?.path ?? null,
          onProgress,
          sink: (body) => store.put(body, { maxBytes: settings.maxBytes }),
        });
        outcome = {
          ok: true,
          stored: fetched.result,
          tool: fetched.tool,
          toolVersion: fetched.toolVersion,
          metadata: 'metadata' in fetched ? { ...fetched.metadata, finalUrl: fetched.finalUrl } : { finalUrl: fetched.finalUrl },
        };
      } catch (err) {
        if (err instanceof CaptureFailed) outcome = { ok: false, reason: err.reason };
        else if (err instanceof ObjectTooLarge)
          outcome = { ok: false, reason: `The content is larger than the limit of ${settings.maxBytes} bytes` };
        else {
          log.error({ err: { type: (err as Error).name } }, 'URL capture failed unexpectedly');
          outcome = { ok: false, reason: 'The capture failed unexpectedly: try again, or capture the content another way' };
        }
      }
      if (outcome.ok && outcome.stored.size === 0) outcome = { ok: false, reason: 'The address gave no bytes' };
      const mediaType = outcome.ok ? await detectMediaType(outcome.stored.head) : null;
      await db
        .transaction(async (tx) => {
          // The race rule (decision 017): the sweep may have deleted the bytes the put found already stored.
          const result =
            outcome.ok && !(await bytesStill(tx, store, outcome.stored.sha256))
              ? { ok: false as const, reason: 'The content was being deleted by the retention sweep as it arrived: capture it again' }
              : outcome;
          // The object's row first: the capture points at it.
          if (result.ok) {
            const made = await repo.addObject(tx, {
              sha256: result.stored.sha256,
              size: result.stored.size,
              mediaType: mediaType!,
              storedAt: clock(),
              analysisStatus: isAnalysable(mediaType!) ? 'pending' : 'failed',
              analysisError: isAnalysable(mediaType!) ? null : notMediaReason(mediaType!),
            });
            if (made && isAnalysable(mediaType!))
              await enqueue(tx, EVIDENCE_JOBS.analyse, { sha256: result.stored.sha256 }, { singletonKey: result.stored.sha256 });
          }
          const changed = result.ok
            ? await repo.finish(tx, captureId, {
                status: 'stored',
                sha256: result.stored.sha256,
                capturedAt: clock(),
                tool: result.tool,
                toolVersion: result.toolVersion,
                toolMetadata: result.metadata ?? null,
                progressBytes: null,
                expectedBytes: null,
              })
            : await repo.finish(tx, captureId, { status: 'failed', error: result.reason, progressBytes: null, expectedBytes: null });
          // Another worker ended it first (a retried job): nothing of this run is kept.
          if (!changed) throw new NotPending();
          await audit.record(tx, {
            actor: null,
            operation: 'alter',
            entity: 'capture',
            entityId: captureId,
            detail: {
              referralId: capture.referralId,
              status: result.ok ? 'stored' : 'failed',
              ...(result.ok ? { sha256: result.stored.sha256 } : {}),
            },
          });
        })
        .catch((err: unknown) => {
          if (!(err instanceof NotPending)) throw err;
        });
    },

    /**
     * SOP 9.1: ffprobe's account of the media, a contact sheet of its frames and its waveform. The
     * bytes are decrypted into a private file for the tools and removed at once after.
     */
    async analyse(sha256: string) {
      const object = await repo.object(db, sha256);
      if (!object || object.analysisStatus !== 'pending') return;
      let values: Parameters<typeof repo.setAnalysis>[2];
      if (!tools.ffprobe || !tools.ffmpeg) {
        values = { analysisStatus: 'failed', analysisError: 'ffmpeg is not installed on the server: install the Debian package ffmpeg' };
      } else {
        const file = await plainCopy(sha256);
        try {
          const analysis = await probe(file, tools);
          const sheet = analysis.video ? await storeImage(await contactSheet(file, analysis, tools)) : null;
          const wave = analysis.hasAudio ? await storeImage(await waveform(file, tools)) : null;
          values = { analysisStatus: 'done', analysis, analysisError: null, contactSheetSha256: sheet, waveformSha256: wave };
        } catch (err) {
          if (!(err instanceof AnalysisFailed)) throw err;
          values = { analysisStatus: 'failed', analysisError: err.message };
        } finally {
          fs.rmSync(file, { force: true });
        }
      }
      await db.transaction(async (tx) => {
        await repo.setAnalysis(tx, sha256, values);
        // Issue 13 point 4: audio is fingerprinted and matched against the Domain library.
        if (values.analysis?.hasAudio) await enqueue(tx, EVIDENCE_JOBS.fingerprint, { sha256 }, { singletonKey: sha256 });
        await audit.record(tx, {
          actor: null,
          operation: 'alter',
          entity: 'evidence_object',
          entityId: sha256,
          detail: { analysis: values.analysisStatus },
        });
      });
    },
  };
}
