import type { LibraryEvent } from '../../domain/vocabulary.js';
import type { EntryAnswer, EntryDetailAnswer } from './library.schemas.js';
import type { EntryRow } from './library.repository.js';

type Person = { id: string; username: string; name: string };

/**
 * An entry as the API shows it (DESIGN.md "Domain library"). The hold is one object or null; its
 * `reviewDue` says the review date has come (issue 13: a hold past its review is listed, never
 * silently kept). `today` is London's date.
 */
export function presentEntry(row: EntryRow, extras: { captureIds: string[]; placedBy: Person | undefined; today: string }): EntryAnswer {
  const held = row.holdPlacedAt !== null;
  return {
    id: row.id,
    referralId: row.referralId,
    reference: row.reference,
    contentTitle: row.contentTitle,
    contentUrl: row.contentUrl,
    platforms: row.platforms,
    rationale: row.rationale,
    summary: row.summary,
    termsBreached: row.termsBreached,
    removedOn: row.removedOn,
    expiresOn: row.expiresOn,
    hold: held
      ? {
          investigationReference: row.holdInvestigationReference ?? '',
          reason: row.holdReason ?? '',
          placedBy: extras.placedBy ?? { id: row.holdPlacedBy ?? '', username: '', name: 'Unknown' },
          placedAt: row.holdPlacedAt!.toISOString(),
          reviewOn: row.holdReviewOn ?? '',
          reviewDue: row.holdReviewOn !== null && row.holdReviewOn <= extras.today,
        }
      : null,
    captureIds: extras.captureIds,
  };
}

type HistoryRow = {
  event: { at: Date; action: LibraryEvent; investigationReference: string | null; reason: string | null; reviewOn: string | null };
  actor: { username: string; name: string } | null;
};

/** The entry with its captures (for the player) and its history, for the entry page and `GET …/{entryId}`. */
export function presentEntryDetail(
  entry: EntryAnswer,
  captures: { captureId: string | null; sha256: string; mediaType: string; size: number }[],
  history: HistoryRow[],
): EntryDetailAnswer {
  return {
    ...entry,
    captures,
    history: history.map(({ event: e, actor }) => ({
      at: e.at.toISOString(),
      action: e.action,
      actor,
      investigationReference: e.investigationReference,
      reason: e.reason,
      reviewOn: e.reviewOn,
    })),
  };
}
