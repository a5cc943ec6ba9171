import type { ContentFormat } from '../../domain/vocabulary.js';
import { FORMAT_TEXT } from '../review/review.schemas.js';
import type { CaptureAnswer, PackageAnswer } from './evidence.schemas.js';
import type { CaptureRow, PackageRow } from './evidence.repository.js';

/**
 * What the presenter is told besides the row: other referrals with the same bytes, the capture's
 * matches in the Domain library (for its readers; best first) and the proposed format.
 */
type CaptureExtras = {
  duplicates: { referralId: string; reference: string }[];
  libraryMatches: { entryId: string; reference: string; platform: string; removedOn: string; score: number }[];
  proposedContentFormat?: ContentFormat;
};

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** A capture row as the API shows it to the unit (DESIGN.md "Evidence"); absent facts are left out, never null-filled. */
export function presentCapture({ capture: c, object: o, capturedBy }: CaptureRow, extras: CaptureExtras): CaptureAnswer {
  const pendingProgress = c.status === 'pending' && c.progressBytes !== null;
  const analysis = o?.analysis ?? {};
  return {
    id: c.id,
    referralId: c.referralId,
    status: c.status,
    ...(c.error ? { error: c.error } : {}),
    sha256: c.sha256,
    size: o?.size ?? null,
    mediaType: o?.mediaType ?? null,
    ...(c.originalName ? { originalName: c.originalName } : {}),
    requestedAt: c.requestedAt.toISOString(),
    capturedAt: iso(c.capturedAt),
    capturedBy,
    source: {
      kind: c.sourceKind,
      ...(c.sourceUrl ? { url: c.sourceUrl } : {}),
      ...(c.tool ? { tool: c.tool } : {}),
      ...(c.toolVersion ? { toolVersion: c.toolVersion } : {}),
      ...(c.toolMetadata ? { metadata: c.toolMetadata } : {}),
    },
    ...(pendingProgress ? { progress: { bytes: c.progressBytes!, ...(c.expectedBytes !== null ? { total: c.expectedBytes } : {}) } } : {}),
    analysis: {
      // A capture not yet stored has nothing to analyse: its analysis waits with it.
      status: o?.analysisStatus ?? 'pending',
      ...(o?.analysisError ? { error: o.analysisError } : {}),
      ...analysis,
      ...(extras.proposedContentFormat ? { proposedContentFormat: extras.proposedContentFormat } : {}),
      hasContactSheet: Boolean(o?.contactSheetSha256),
      hasWaveform: Boolean(o?.waveformSha256),
    },
    duplicates: extras.duplicates,
    libraryMatches: extras.libraryMatches.map(({ entryId, reference, platform, removedOn, score }) => ({
      entryId,
      reference,
      platform,
      removedOn,
      score,
    })),
  };
}

export const presentPackage = ({ pkg, createdBy }: PackageRow): PackageAnswer => ({
  id: pkg.id,
  sha256: pkg.sha256,
  size: pkg.size,
  createdAt: pkg.createdAt.toISOString(),
  createdBy,
  recipient: pkg.recipient,
  purpose: pkg.purpose,
  captureIds: pkg.captureIds,
});

/** A capture for a page: with the proposed content format in words. */
export const forPage = (c: CaptureAnswer) => ({
  ...c,
  proposedFormatText: c.analysis.proposedContentFormat ? FORMAT_TEXT[c.analysis.proposedContentFormat] : null,
});
