import fs from 'node:fs';
import path from 'node:path';
import type { Db, DbOrTx, Tx } from '../../db/client.js';
import { compareFingerprints, indexTerms, ITEMS_PER_SECOND, MATCH_THRESHOLD, queryTerms } from '../../domain/audio-match.js';
import { ServiceUnavailable, ValidationFailed } from '../../errors.js';
import { DETECTION_HEAD_BYTES, detectMediaType } from '../../media/detect.js';
import { FingerprintFailed, fingerprintAudio } from '../../media/fingerprint.js';
import type { Tools } from '../../media/tools.js';
import { withinSizeLimit, type EvidenceStore } from '../../storage/evidence-store.js';
import { privateFile } from '../../storage/private-file.js';
import type { AuditService } from '../audit/audit.service.js';
import { candidateTracks, createLibraryMatchRepository, insertTerms } from './library-match.repository.js';

type LibraryMatchDeps = {
  db: Db;
  clock: () => Date;
  audit: AuditService;
  store: EvidenceStore;
  tools: Pick<Tools, 'ffmpeg' | 'fpcalc'>;
  settings: { maxBytes: number; dataDir: string };
};

/** A library track a clip matches: the entry, the score (≥ MATCH_THRESHOLD) and where in the track the clip begins. */
type TrackMatch = { entryId: string; score: number; offsetSeconds: number };

/** A clip sent to be matched: its bytes as they arrive (the name is not used). */
type IncomingClip = { stream: AsyncIterable<Uint8Array> };

const repo = createLibraryMatchRepository();
const round = (n: number, places: number) => Math.round(n * 10 ** places) / 10 ** places;

/**
 * A clip's matches in the library (issue 13 point 5; docs/audio-matching.md): the candidates from
 * the term index, those sharing at least max(2, 10 % of the best) of its terms kept (STACK.md), each
 * scored by alignment and bit errors, those at or above MATCH_THRESHOLD best first, one per entry.
 * Entries made from `excludeReferralId` are never matched: a referral's own removed copy is no news.
 */
export async function matchFingerprint(db: DbOrTx, items: readonly number[], excludeReferralId?: string): Promise<TrackMatch[]> {
  const found = await candidateTracks(db, queryTerms(items));
  const floor = Math.max(2, 0.1 * (found[0]?.shared ?? 0));
  let kept = found.filter((c) => c.shared >= floor);
  if (excludeReferralId && kept.length) {
    const entries = await repo.entries(db, [...new Set(kept.map((c) => c.entryId))]);
    kept = kept.filter((c) => entries.get(c.entryId)?.referralId !== excludeReferralId);
  }
  const tracks = await repo.fingerprints(db, [...new Set(kept.map((c) => c.sha256))]);
  const best = new Map<string, TrackMatch>();
  for (const c of kept) {
    const track = tracks.get(c.sha256);
    if (!track) continue;
    const { score, offsetItems } = compareFingerprints(items, track);
    if (score < MATCH_THRESHOLD || (best.get(c.entryId)?.score ?? -1) >= score) continue;
    best.set(c.entryId, { entryId: c.entryId, score: round(score, 3), offsetSeconds: round(offsetItems / ITEMS_PER_SECOND, 2) });
  }
  return [...best.values()].sort((a, b) => b.score - a.score);
}

/**
 * SOP 10.8: a new entry's captures that are fingerprinted already go into the term index, in the
 * entry's own transaction; those fingerprinted later are indexed by the fingerprint job. Called
 * after the entry's captures are inserted: their foreign keys lock the objects against a
 * fingerprint job running at the same moment (see `fingerprintObject`), so neither misses the other.
 */
export async function indexEntryTerms(tx: Tx, entryId: string) {
  const prints = await repo.fingerprints(tx, await repo.entryShas(tx, entryId));
  for (const [sha256, items] of prints) await insertTerms(tx, entryId, sha256, indexTerms(items));
  return prints.size;
}

/**
 * Fingerprints and matching (issue 13 points 4 and 5): the background job that fingerprints stored
 * audio, indexes it for the library and matches its captures, and the match of an uploaded clip.
 */
export function createLibraryMatchService({ db, clock, audit, store, tools, settings }: LibraryMatchDeps) {
  const tmpDir = path.join(settings.dataDir, 'tmp');
  const ready = Boolean(tools.ffmpeg && tools.fpcalc);

  return {
    /**
     * The `evidence-fingerprint` job: the object's fingerprint (decoded from a private copy, once;
     * a re-run reuses the stored one), its terms indexed for each library entry holding the bytes,
     * and every capture of the bytes matched against the library, its matches replaced. One
     * transaction with its audit entry. Without ffmpeg or fpcalc nothing is recorded (the capture
     * page says why: `missingTools`). Returns why nothing was done, or null.
     */
    async fingerprintObject(sha256: string): Promise<string | null> {
      if (!ready) return 'ffmpeg or fpcalc is not installed';
      const print = await repo.fingerprint(db, sha256);
      let made: { durationSeconds: number; fingerprint: number[] } | null = null;
      if (!print) {
        if ((await store.size(sha256)) === null) return 'the bytes are gone';
        const file = await privateFile(tmpDir, await store.get(sha256));
        try {
          made = await fingerprintAudio(file, tools);
        } catch (err) {
          if (err instanceof FingerprintFailed) return err.message;
          throw err;
        } finally {
          fs.rmSync(file, { force: true });
        }
      }
      const items = print?.fingerprint ?? made!.fingerprint;
      await db.transaction(async (tx) => {
        // Taken before reading the entries holding the bytes: an entry being made now waits, or is seen.
        if (!(await repo.lockObject(tx, sha256))) return;
        const now = clock();
        if (made) await repo.insertFingerprint(tx, { sha256, ...made, createdAt: now });
        const entries = await repo.entriesHolding(tx, sha256);
        for (const entryId of entries) await insertTerms(tx, entryId, sha256, indexTerms(items));
        const matched: Record<string, number> = {};
        for (const capture of await repo.capturesOf(tx, sha256)) {
          const matches = await matchFingerprint(tx, items, capture.referralId);
          await repo.replaceMatches(tx, capture.id, matches, now);
          matched[capture.id] = matches.length;
        }
        await audit.record(tx, {
          actor: null,
          operation: 'alter',
          entity: 'evidence_object',
          entityId: sha256,
          detail: { fingerprint: made ? 'made' : 'kept', items: items.length, indexedFor: entries, matches: matched },
        });
      });
      return null;
    },

    /**
     * `POST /api/v1/library/match` (issue 13 point 5): a clip's matches, without a capture or a
     * fingerprint row. The clip goes to a private temporary file, never the evidence store, and is
     * removed afterwards. 503 without ffmpeg or fpcalc; 413 over EVIDENCE_MAX_BYTES; 400 at `file`
     * for no file, an empty one, one that is not audio or video, or audio too short to fingerprint.
     */
    async matchClip(clip: IncomingClip, rest: () => Promise<void>) {
      if (!ready) throw new ServiceUnavailable('Matching needs ffmpeg and fpcalc, and one of them is not installed on the server');
      const file = await withinSizeLimit(() => privateFile(tmpDir, clip.stream, settings.maxBytes));
      try {
        await rest();
        const notAudio = (message: string) => new ValidationFailed([{ path: 'file', message }]);
        const head = await readHead(file);
        if (!head.length) throw notAudio('The selected file is empty');
        const mediaType = await detectMediaType(head);
        if (!/^(audio|video)\//.test(mediaType)) throw notAudio(`Send audio or video to match: this file is ${mediaType}`);
        let items: number[];
        try {
          items = (await fingerprintAudio(file, tools)).fingerprint;
        } catch (err) {
          if (err instanceof FingerprintFailed) throw notAudio(err.message);
          throw err;
        }
        const matches = await matchFingerprint(db, items);
        const entries = await repo.entries(
          db,
          matches.map((m) => m.entryId),
        );
        return {
          matches: matches.flatMap((m) => {
            const e = entries.get(m.entryId);
            return e ? [{ ...m, reference: e.reference }] : [];
          }),
        };
      } finally {
        fs.rmSync(file, { force: true });
      }
    },

    /** The captures' library matches, for the capture answer (DESIGN.md "Evidence"). */
    matchesOf: (captureIds: string[]) => repo.matchesOf(db, captureIds),
  };
}

/** The first bytes of a file, for the media type. */
async function readHead(file: string) {
  const handle = await fs.promises.open(file, 'r');
  try {
    const buffer = Buffer.alloc(DETECTION_HEAD_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}
