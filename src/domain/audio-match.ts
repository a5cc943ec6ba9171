/**
 * Recognising removed music when it comes back (issue 13 points 5-6; SOP 10.8): Chromaprint
 * fingerprints compared the way AcoustID compares them (STACK.md "Audio re-upload recognition").
 * A fingerprint is Chromaprint's list of sub-fingerprints ("items"), unsigned 32-bit integers,
 * each describing about an eighth of a second of sound by 32 bits. Two stages:
 *
 * 1. Candidates: each item's top 28 bits is a term of an inverted index. A library track is
 *    indexed by all its terms (`indexTerms`); a query looks up a window of its own (`queryTerms`)
 *    and keeps the tracks sharing many of them. Exact 28-bit equality survives re-encoding for a
 *    good share of items, and the index look-up is cheap.
 * 2. Scoring (`compareFingerprints`): the two are aligned by the most common offset between items
 *    with the same top 14 bits, then compared bit by bit where they overlap.
 *
 * A score is a hint for the operative, never a decision (issue 13 point 5): nothing here refers.
 * Pure: no I/O.
 */

/** Chromaprint's item rate: 11,025 samples a second, a new frame every 4096 / 3 samples. */
export const ITEMS_PER_SECOND = (11025 * 3) / 4096;

/**
 * The score at and above which a clip is shown as matching a library track. Chosen from the
 * distributions in docs/audio-matching.md: every true pair measured (re-encoded, trimmed, louder,
 * quieter, in a video) scored well above it and every false pair far below.
 */
export const MATCH_THRESHOLD = 0.5;

/** The item Chromaprint gives for digital silence: it says nothing about the music. */
const SILENCE_ITEM = 627964279;

/** A term of the inverted index: the item's top 28 bits (STACK.md; AcoustID keeps 28). */
function termOf(item: number): number {
  return item >>> 4;
}

const SILENCE_TERM = termOf(SILENCE_ITEM);

/** AcoustID's query window: up to 120 items starting at item 80, past a typical intro's fade. */
const QUERY_START = 80;
const QUERY_ITEMS = 120;

/**
 * The distinct terms of `items` in order of first appearance, silence dropped: a term repeated
 * (a held note, a tone) finds no more tracks than once.
 */
function distinctTerms(items: readonly number[]): number[] {
  const terms = new Set<number>();
  for (const item of items) {
    const term = termOf(item);
    if (term !== SILENCE_TERM) terms.add(term);
  }
  return [...terms];
}

/**
 * The terms a query looks up (STACK.md): up to 120 items from item 80, starting earlier when the
 * clip is too short to have 200 items, so that a 10-second clip still has a full window.
 */
export function queryTerms(fingerprint: readonly number[]): number[] {
  const start = Math.max(0, Math.min(QUERY_START, fingerprint.length - QUERY_ITEMS));
  return distinctTerms(fingerprint.slice(start, start + QUERY_ITEMS));
}

/**
 * The terms a library track is indexed by: every item's, since a re-upload may be any part of it
 * (a trimmed start, an excerpt). About 8 a second of sound, fewer for repetitive music.
 */
export function indexTerms(fingerprint: readonly number[]): number[] {
  return distinctTerms(fingerprint);
}

/** The alignment key of an item: its top 14 bits, robust enough to vote for an offset. */
const KEY_BITS = 14;
const KEYS = 1 << KEY_BITS;
function alignmentKey(item: number): number {
  return item >>> (32 - KEY_BITS);
}

/**
 * How far (in items) the query may be shifted against the track: about 30 seconds either way, so
 * that a clip whose first seconds were cut, or one that starts in the track's intro, still aligns.
 * AcoustID bounds it at 80 items; a larger bound costs no more here than a few spurious votes,
 * which the bit comparison then scores down.
 */
const MAX_OFFSET_ITEMS = 240;

/** A key whose occurrences in the two would make more pairs than this (a held note) votes for no offset: it says nothing about where. */
const MAX_KEY_PAIRS = 16;

/**
 * Scratch tables indexed by alignment key, allocated once and left zeroed (or -1) after each use:
 * clearing 16,384 entries per comparison would cost more than the comparison of a short clip.
 */
const queryCounts = new Uint32Array(KEYS);
const trackCounts = new Uint32Array(KEYS);
const firstInTrack = new Int32Array(KEYS).fill(-1);

/**
 * The offset (track index minus query index) most items with the same key agree on, and how many
 * votes it had. Ties go to the smallest offset in size. The track's positions per key are linked
 * lists in typed arrays rather than maps: this runs for every candidate of every match.
 */
function bestOffset(query: readonly number[], track: readonly number[]): { offset: number; votes: number } {
  const next = new Int32Array(track.length);
  for (const item of query) queryCounts[alignmentKey(item)]!++;
  for (let t = track.length - 1; t >= 0; t--) {
    const key = alignmentKey(track[t]!);
    trackCounts[key]!++;
    next[t] = firstInTrack[key]!;
    firstInTrack[key] = t;
  }
  const votes = new Uint32Array(2 * MAX_OFFSET_ITEMS + 1);
  for (let q = 0; q < query.length; q++) {
    const key = alignmentKey(query[q]!);
    if (trackCounts[key] === 0 || queryCounts[key]! * trackCounts[key]! > MAX_KEY_PAIRS) continue;
    for (let t = firstInTrack[key]!; t !== -1; t = next[t]!) {
      const offset = t - q;
      if (offset >= -MAX_OFFSET_ITEMS && offset <= MAX_OFFSET_ITEMS) votes[offset + MAX_OFFSET_ITEMS]!++;
    }
  }
  for (const item of query) queryCounts[alignmentKey(item)] = 0;
  for (const item of track) {
    trackCounts[alignmentKey(item)] = 0;
    firstInTrack[alignmentKey(item)] = -1;
  }
  let best = { offset: 0, votes: 0 };
  votes.forEach((count, i) => {
    const offset = i - MAX_OFFSET_ITEMS;
    if (count > best.votes || (count === best.votes && count > 0 && Math.abs(offset) < Math.abs(best.offset)))
      best = { offset, votes: count };
  });
  return best;
}

function bitCount(value: number): number {
  let v = value - ((value >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

/**
 * How varied a stretch of items is, from 0.5 to 1 (as pg_acoustid's `acoustid_compare2`): silence,
 * a tone or a drone has few distinct keys, and two of them look alike whatever they are, so
 * their score is scaled down by up to half.
 */
function diversity(items: readonly number[]): number {
  const distinct = new Set(items.map(alignmentKey)).size;
  return Math.min(1, (distinct + 10) / items.length + 0.5);
}

/**
 * How alike a clip and a library track sound, from 0 (unrelated) to 1 (the same audio), and where
 * the clip sits in the track (`offsetItems`: the track's item matching the clip's first; negative
 * when the clip begins before the track does). As pg_acoustid's `acoustid_compare2` (STACK.md):
 * at the best alignment, the share of the shorter fingerprint that overlaps the other, times
 * (1 − 2 × the share of differing bits) — unrelated audio differs in half its bits and scores 0
 * — times the lower diversity of the two stretches. A clip cut from a longer track scores as
 * high as the whole track would. Compare the score with `MATCH_THRESHOLD`.
 */
export function compareFingerprints(query: readonly number[], track: readonly number[]): { score: number; offsetItems: number } {
  const shorter = Math.min(query.length, track.length);
  if (shorter === 0) return { score: 0, offsetItems: 0 };
  const { offset, votes } = bestOffset(query, track);
  if (votes === 0) return { score: 0, offsetItems: 0 };
  const queryStart = Math.max(0, -offset);
  const overlap = Math.min(query.length - queryStart, track.length - (queryStart + offset));
  if (overlap <= 0) return { score: 0, offsetItems: offset };
  const a = query.slice(queryStart, queryStart + overlap);
  const b = track.slice(queryStart + offset, queryStart + offset + overlap);
  let differing = 0;
  for (let i = 0; i < overlap; i++) differing += bitCount((a[i]! ^ b[i]!) >>> 0);
  const likeness = Math.max(0, 1 - (2 * differing) / (32 * overlap));
  const score = (overlap / shorter) * likeness * Math.min(diversity(a), diversity(b));
  return { score, offsetItems: offset };
}
