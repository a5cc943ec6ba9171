import type { Readable } from 'node:stream';
import parseRange from 'range-parser';
import type { Db, DbOrTx } from '../../db/client.js';
import type { Actor } from '../../domain/actor.js';
import { downloadName, escapedName, showsInline } from '../../domain/capture-rules.js';
import { AppError, Forbidden, InvalidTransition, NotFound, TryAgain, ValidationFailed } from '../../errors.js';
import { detectMediaType, isAnalysable } from '../../media/detect.js';
import { proposedContentFormat } from '../../media/content-format.js';
import { missingTools, type Tools } from '../../media/tools.js';
import { withinSizeLimit, type EvidenceStore, type StoredObject } from '../../storage/evidence-store.js';
import type { AuditService } from '../audit/audit.service.js';
import { createLibraryMatchRepository } from '../library/library-match.repository.js';
import { mayReadLibrary } from '../library/library.policy.js';
import { captureRefusal, mayPackage, mayReadEvidence } from './evidence.policy.js';
import { presentCapture } from './evidence.presenter.js';
import { createEvidenceRepository, type CaptureRow } from './evidence.repository.js';
import type { CaptureAnswer, CaptureUrlInput } from './evidence.schemas.js';

/** Under the hash's lock (decision 017): whether the bytes a put stored are still there to make a row for. */
export async function bytesStill(tx: DbOrTx, store: EvidenceStore, sha256: string) {
  await createEvidenceRepository().lockBytes(tx, sha256);
  return (await store.size(sha256)) !== null;
}

/** The background jobs evidence sends (src/jobs/evidence.job.ts runs them). */
export const EVIDENCE_JOBS = { capture: 'evidence-capture', analyse: 'evidence-analyse', fingerprint: 'evidence-fingerprint' } as const;
type EvidenceJob = (typeof EVIDENCE_JOBS)[keyof typeof EVIDENCE_JOBS];

/** The outbox (decision 012): a job sent inside the caller's transaction exists if and only if it commits. */
export type Enqueue = (tx: DbOrTx, name: EvidenceJob, data: object, options?: { singletonKey?: string }) => Promise<unknown>;

type EvidenceSettings = { maxBytes: number; dataDir: string; captureAllowedHosts: string[]; captureTimeoutSeconds: number };

export type EvidenceDeps = {
  db: Db;
  clock: () => Date;
  audit: AuditService;
  store: EvidenceStore;
  tools: Tools;
  enqueue: Enqueue;
  settings: EvidenceSettings;
};

/** DPA 2018 s.62(2): why the unit reads a referral's evidence. */
export const EVIDENCE_CONSULT_PURPOSE = 'Reviewing the referral’s evidence (SOP 9.1)';

/** Why bytes that are not media have no analysis. */
export const notMediaReason = (mediaType: string) => `Not audio or video (${mediaType}): kept as evidence, not analysed`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An uploaded file: its bytes as they arrive, and the name the sender gave it (metadata only). */
export type IncomingFile = { stream: AsyncIterable<Uint8Array>; name?: string };

/** What the content endpoint sends: the bytes or a part of them, with the headers that describe them. */
export type ContentAnswer = { status: 200 | 206; headers: Record<string, string>; body: Readable };

/**
 * Evidence capture, storage and reading (SOP 9.1, 3.1.2; DESIGN.md "Evidence"). Each change is one
 * transaction with its audit entry and the jobs it sends; each view of the content is a consultation.
 */
export function createEvidenceService(deps: EvidenceDeps) {
  const { db, clock, audit, store, tools, enqueue, settings } = deps;
  const repo = createEvidenceRepository();
  const matchRepo = createLibraryMatchRepository();

  async function referralOf(id: string) {
    const referral = UUID.test(id) ? await repo.referral(db, id) : undefined;
    if (!referral) throw new NotFound('No such referral');
    return referral;
  }

  /** The referral, when this person may capture for it now (404, 403 or 409 otherwise). */
  async function workable(actor: Actor, id: string) {
    const referral = await referralOf(id);
    const refusal = captureRefusal(actor, referral);
    if (refusal?.status === 403) throw new Forbidden(refusal.message);
    if (refusal) throw new InvalidTransition(refusal.message);
    return referral;
  }

  async function readable(actor: Actor, id: string) {
    if (!mayReadEvidence(actor)) throw new Forbidden();
    return referralOf(id);
  }

  /**
   * Rows as answers, each with the other open referrals holding its bytes (deconfliction by content)
   * and, for the library's readers only, its matches in the Domain library (issue 13 point 5).
   */
  async function present(actor: Actor, rows: CaptureRow[], referralId: string): Promise<CaptureAnswer[]> {
    const shas = [...new Set(rows.flatMap((r) => (r.capture.sha256 ? [r.capture.sha256] : [])))];
    const others = await repo.duplicates(db, shas, referralId);
    const matches = mayReadLibrary(actor)
      ? await matchRepo.matchesOf(
          db,
          rows.map((r) => r.capture.id),
        )
      : [];
    return rows.map((row) =>
      presentCapture(row, {
        libraryMatches: matches.filter((m) => m.captureId === row.capture.id),
        duplicates: others
          .filter((d) => d.sha256 === row.capture.sha256)
          .map(({ referralId: r, reference }) => ({ referralId: r, reference })),
        proposedContentFormat:
          row.object?.analysisStatus === 'done' && row.object.analysis
            ? proposedContentFormat(row.object.analysis, row.object.mediaType)
            : undefined,
      }),
    );
  }

  async function answerFor(actor: Actor, referralId: string, captureId: string) {
    const row = await repo.capture(db, referralId, captureId);
    if (!row) throw new NotFound('No such capture');
    return (await present(actor, [row], referralId))[0]!;
  }

  /** DPA 2018 s.62: a view of evidence, logged with its purpose (one statement: no transaction of its own). */
  const consulted = (actor: Actor, entity: 'referral' | 'capture', entityId: string, detail?: Record<string, unknown>) =>
    audit.record(db, { actor, operation: 'consult', entity, entityId, purpose: EVIDENCE_CONSULT_PURPOSE, detail });

  /** Drops stored bytes that no record holds (an upload refused after its bytes arrived). */
  async function discard(stored: StoredObject) {
    if (stored.created && !(await repo.object(db, stored.sha256))) await store.delete(stored.sha256);
  }

  /** The object's row for new bytes, and their analysis sent when this made it. */
  async function addObject(tx: DbOrTx, stored: StoredObject, mediaType: string) {
    // The race rule (decision 017): the sweep may have deleted these bytes since the put found them stored.
    if (!(await bytesStill(tx, store, stored.sha256)))
      throw new TryAgain('The file was being deleted by the retention sweep as it arrived: nothing was kept, upload it again');
    const analysable = isAnalysable(mediaType);
    const made = await repo.addObject(tx, {
      sha256: stored.sha256,
      size: stored.size,
      mediaType,
      storedAt: clock(),
      analysisStatus: analysable ? 'pending' : 'failed',
      analysisError: analysable ? null : notMediaReason(mediaType),
    });
    if (made && analysable) await enqueue(tx, EVIDENCE_JOBS.analyse, { sha256: stored.sha256 }, { singletonKey: stored.sha256 });
    // Bytes analysed before with audio: the new capture of them is matched against the library (issue 13 point 5).
    if (!made && (await repo.object(tx, stored.sha256))?.analysis?.hasAudio)
      await enqueue(tx, EVIDENCE_JOBS.fingerprint, { sha256: stored.sha256 }, { singletonKey: stored.sha256 });
  }

  return {
    /** What the capture page says about this installation: missing tools and the size limit. */
    capabilities: () => ({ missing: missingTools(tools), maxBytes: settings.maxBytes }),

    /**
     * An upload (issue 12 point 1): the bytes are streamed into the store while hashed, then the
     * capture is recorded. `rest` reads what follows the file in the request and throws when it is
     * not allowed (a second file): then nothing is kept. Over the limit: 413, nothing kept.
     */
    async upload(actor: Actor, referralId: string, file: IncomingFile, rest: () => Promise<void> = async () => {}, signal?: AbortSignal) {
      const referral = await workable(actor, referralId);
      const stored = await withinSizeLimit(() => store.put(file.stream, { maxBytes: settings.maxBytes, signal }));
      try {
        await rest();
        if (stored.size === 0) throw new ValidationFailed([{ path: 'file', message: 'The selected file is empty' }]);
      } catch (err) {
        await discard(stored);
        throw err;
      }
      const mediaType = await detectMediaType(stored.head);
      const capture = await db.transaction(async (tx) => {
        await addObject(tx, stored, mediaType);
        const row = await repo.insertCapture(tx, {
          referralId: referral.id,
          status: 'stored',
          sha256: stored.sha256,
          originalName: file.name === undefined ? null : escapedName(file.name),
          sourceKind: 'upload',
          requestedAt: clock(),
          capturedAt: clock(),
          capturedBy: actor.id,
        });
        await audit.record(tx, {
          actor,
          operation: 'collect',
          entity: 'capture',
          entityId: row.id,
          detail: { referralId: referral.id, source: 'upload', sha256: stored.sha256, size: stored.size, mediaType },
        });
        return row;
      });
      return answerFor(actor, referral.id, capture.id);
    },

    /** A capture from a URL (issue 12 point 1): recorded as pending, fetched by a background job. */
    async captureUrl(actor: Actor, referralId: string, input: CaptureUrlInput) {
      const referral = await workable(actor, referralId);
      const capture = await db.transaction(async (tx) => {
        const row = await repo.insertCapture(tx, {
          referralId: referral.id,
          status: 'pending',
          sourceKind: 'url',
          sourceUrl: input.sourceUrl,
          requestedAt: clock(),
          capturedBy: actor.id,
        });
        await audit.record(tx, {
          actor,
          operation: 'collect',
          entity: 'capture',
          entityId: row.id,
          detail: { referralId: referral.id, source: 'url', status: 'pending' },
        });
        await enqueue(tx, EVIDENCE_JOBS.capture, { captureId: row.id }, { singletonKey: row.id });
        return row;
      });
      return answerFor(actor, referral.id, capture.id);
    },

    /**
     * What the referral page and the review page show of the evidence: its captures with their
     * hashes, and what this person may do. Part of those pages' own reading: no entry of its own.
     */
    async panel(actor: Actor, referralId: string) {
      const referral = await readable(actor, referralId);
      return {
        referral,
        captures: await present(actor, await repo.captures(db, referral.id), referral.id),
        canCapture: captureRefusal(actor, referral) === null,
        canPackage: mayPackage(actor),
      };
    },

    /** The referral's captures. Showing them is a consultation (who captured what, from where). */
    async list(actor: Actor, referralId: string, consult = true) {
      const referral = await readable(actor, referralId);
      const items = await present(actor, await repo.captures(db, referral.id), referral.id);
      if (consult && items.length) await consulted(actor, 'referral', referral.id, { captures: items.length });
      return { referral, items };
    },

    async get(actor: Actor, referralId: string, captureId: string) {
      const referral = await readable(actor, referralId);
      const answer = await answerFor(actor, referral.id, captureId);
      await consulted(actor, 'capture', captureId);
      return answer;
    },

    /**
     * The original bytes, or the part a `Range` asks for (one range; 416 beyond the end). Starting
     * to view or download is a consultation; a player's later ranges of the same view are not
     * logged again (a range that starts past byte 0).
     */
    async content(actor: Actor, referralId: string, captureId: string, rangeHeader?: string): Promise<ContentAnswer> {
      const referral = await readable(actor, referralId);
      const row = await repo.capture(db, referral.id, captureId);
      if (!row?.object) throw new NotFound(row ? 'The capture has no content yet' : 'No such capture');
      const { size, mediaType, sha256 } = row.object;
      const inline = showsInline(mediaType);
      const headers: Record<string, string> = {
        'content-type': inline ? mediaType : 'application/octet-stream',
        'content-disposition': `${inline ? 'inline' : 'attachment'}; filename="${downloadName(referral.reference, sha256, mediaType)}"`,
        'accept-ranges': 'bytes',
        'cache-control': 'private, no-store',
        // Bytes from outside, served from this origin: never run as a page.
        'content-security-policy': "default-src 'none'; sandbox",
      };
      const ranges = rangeHeader && size > 0 ? parseRange(size, rangeHeader, { combine: true }) : undefined;
      if (ranges === -1) throw new AppError(416, 'range_not_satisfiable', `The range lies beyond the end of the ${size} bytes`);
      const one = Array.isArray(ranges) && ranges.type === 'bytes' && ranges.length === 1 ? ranges[0]! : undefined;
      if (!one || one.start === 0) await consulted(actor, 'capture', captureId, { content: true });
      if (!one) return { status: 200, headers: { ...headers, 'content-length': String(size) }, body: await store.get(sha256) };
      return {
        status: 206,
        headers: {
          ...headers,
          'content-length': String(one.end - one.start + 1),
          'content-range': `bytes ${one.start}-${one.end}/${size}`,
        },
        body: await store.get(sha256, one),
      };
    },

    /** The contact sheet or the waveform (PNG), once analysed: a view of the content, so a consultation. */
    async image(actor: Actor, referralId: string, captureId: string, which: 'contact-sheet' | 'waveform') {
      const referral = await readable(actor, referralId);
      const row = await repo.capture(db, referral.id, captureId);
      if (!row) throw new NotFound('No such capture');
      const sha = which === 'contact-sheet' ? row.object?.contactSheetSha256 : row.object?.waveformSha256;
      if (!sha) throw new NotFound(which === 'contact-sheet' ? 'This capture has no contact sheet' : 'This capture has no waveform');
      await consulted(actor, 'capture', captureId, { [which]: true });
      return store.get(sha);
    },
  };
}
