import { describe, expect, it } from 'vitest';
import { ITEMS_PER_SECOND, MATCH_THRESHOLD, compareFingerprints, indexTerms, queryTerms } from './audio-match.js';

/** Random items, deterministic per seed: they have the bit statistics of unrelated music (half the bits differ). */
function randomItems(count: number, seed: number): number[] {
  let state = seed >>> 0;
  return Array.from({ length: count }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    let x = state;
    x ^= x >>> 16;
    x = Math.imul(x, 0x45d9f3b) >>> 0;
    return (x ^ (x >>> 16)) >>> 0;
  });
}

/**
 * Each item with `bits` of its low 18 flipped (different bits per item), its top 14 (the
 * alignment key) left alone: what re-encoding does to some items, roughly.
 */
function withFlippedBits(items: number[], bits: number): number[] {
  return items.map((item, i) => {
    let mask = 0;
    for (let b = 0; b < bits; b++) mask |= 1 << ((i * 7 + b) % 18);
    return (item ^ mask) >>> 0;
  });
}

const SILENCE = 627964279;

describe('terms', () => {
  it('keeps the top 28 bits of an item, unsigned', () => {
    expect(indexTerms([0xffffffff, 0x12345678, 15])).toEqual([0x0fffffff, 0x01234567, 0]);
  });

  it('indexes every distinct term of a track once, without silence', () => {
    const items = [SILENCE, 0x10, 0x1f, 0x20, SILENCE, 0x10];
    // 0x10 and 0x1f share their top 28 bits: one term.
    expect(indexTerms(items)).toEqual([0x1, 0x2]);
  });

  it('queries 120 items from item 80, as AcoustID does', () => {
    const items = Array.from({ length: 400 }, (_, i) => i << 4);
    const terms = queryTerms(items);
    expect(terms).toHaveLength(120);
    expect(terms[0]).toBe(80);
    expect(terms.at(-1)).toBe(199);
  });

  it('starts a short clip’s query earlier so that it still has a full window', () => {
    const items = Array.from({ length: 150 }, (_, i) => i << 4);
    expect(queryTerms(items)[0]).toBe(30);
    expect(queryTerms(items)).toHaveLength(120);
    expect(queryTerms(items.slice(0, 50))).toEqual(items.slice(0, 50).map((item) => item >>> 4));
  });

  it('has no terms for silence, nothing to look up', () => {
    expect(queryTerms(new Array<number>(300).fill(SILENCE))).toEqual([]);
    expect(queryTerms([])).toEqual([]);
  });

  it('drops repeats: a held note is one term', () => {
    expect(queryTerms(new Array<number>(300).fill(0xabcdef12))).toEqual([0x0abcdef1]);
  });
});

describe('compareFingerprints', () => {
  const track = randomItems(240, 1);

  it('scores the same fingerprint 1 at offset 0', () => {
    expect(compareFingerprints(track, track)).toEqual({ score: 1, offsetItems: 0 });
  });

  it('scores unrelated fingerprints near 0, far below the threshold', () => {
    for (let seed = 2; seed < 12; seed++) {
      expect(compareFingerprints(randomItems(200, seed), track).score).toBeLessThan(0.1);
    }
  });

  it('finds a clip whose start was cut, and scores it as the whole', () => {
    const clip = track.slice(50);
    expect(compareFingerprints(clip, track)).toEqual({ score: 1, offsetItems: 50 });
  });

  it('finds a clip that starts before the track (an intro added), with a negative offset', () => {
    const clip = [...randomItems(30, 99), ...track];
    const { score, offsetItems } = compareFingerprints(clip, track);
    expect(offsetItems).toBe(-30);
    expect(score).toBe(1);
  });

  it('scores an excerpt from the middle of a track as the track, within about 30 s either way', () => {
    const long = randomItems(600, 3);
    expect(compareFingerprints(long.slice(200, 320), long)).toEqual({ score: 1, offsetItems: 200 });
    // Beyond the bound (30 s ≈ 240 items) the clip is not aligned: the limit is documented, not hidden.
    expect(compareFingerprints(long.slice(400, 520), long).score).toBeLessThan(MATCH_THRESHOLD);
  });

  it('scales the score down by the share of differing bits', () => {
    // 3 of 32 bits differ in every item: 1 − 2 × 3/32.
    const noisy = withFlippedBits(track, 3);
    expect(compareFingerprints(noisy, track).score).toBeCloseTo(1 - (2 * 3) / 32, 5);
    expect(compareFingerprints(withFlippedBits(track, 10), track).score).toBeLessThan(MATCH_THRESHOLD);
  });

  it('aligns when half the items have a changed alignment key', () => {
    const half = track.map((item, i) => (i % 2 === 0 ? (item ^ 0x80000000) >>> 0 : item));
    // Half a bit in 32 differs on average: 1 − 2 × 0.5/32.
    expect(compareFingerprints(half.slice(20), track)).toEqual({ score: 1 - 1 / 32, offsetItems: 20 });
  });

  it('scales the score by the overlapping share of the shorter fingerprint', () => {
    // The clip's last 60 items lie past the track's end: 180 of 240 overlap.
    const clip = [...track.slice(60), ...randomItems(60, 5)];
    const { score, offsetItems } = compareFingerprints(clip, track);
    expect(offsetItems).toBe(60);
    expect(score).toBeCloseTo(180 / 240, 5);
  });

  it('scores a tone or a drone against itself down to little more than half: it says nothing about what music it is', () => {
    const tone = Array.from({ length: 240 }, (_, i) => [0x11112222, 0x11112223][i % 2]!);
    expect(compareFingerprints(tone, tone).score).toBeLessThan(0.6);
    expect(compareFingerprints(tone, track).score).toBe(0);
  });

  it('scores nothing against nothing', () => {
    expect(compareFingerprints([], track)).toEqual({ score: 0, offsetItems: 0 });
    expect(compareFingerprints(track, [])).toEqual({ score: 0, offsetItems: 0 });
  });

  it('counts eight items a second, as Chromaprint makes them', () => {
    expect(ITEMS_PER_SECOND).toBeCloseTo(8.07, 2);
  });
});
