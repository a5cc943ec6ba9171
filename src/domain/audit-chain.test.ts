import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, chainHash, chainPayload, chainTail, checkLink, GENESIS_HASH, linkOf, type ChainedEntry } from './audit-chain.js';

const entry = (seq: number, over: Partial<ChainedEntry> = {}): ChainedEntry => ({
  seq,
  at: new Date(Date.UTC(2026, 0, 1, 12, 0, seq)),
  actorId: null,
  actorUsername: 'pc.smith',
  operation: 'collect',
  entity: 'referral',
  entityId: `r${seq}`,
  purpose: null,
  recipient: null,
  detail: { b: 1, a: [2, { d: 3, c: 4 }] },
  ...over,
});

function chain(n: number) {
  const rows = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const e = entry(seq);
    const hash = chainHash(prev, e);
    rows.push({ ...e, prevHash: prev, hash });
    prev = hash;
  }
  return rows;
}

describe('audit chain (DESIGN.md principle 3)', () => {
  it('canonical JSON ignores key order', () => {
    expect(canonicalJson({ b: 1, a: { d: 1, c: 2 } })).toBe(canonicalJson({ a: { c: 2, d: 1 }, b: 1 }));
  });

  it('canonical JSON is byte for byte what it was, so chains hashed before stay valid', () => {
    // The implementation every existing hash was computed with, kept here as the reference.
    const before = (value: unknown): string => {
      if (Array.isArray(value)) return `[${value.map(before).join(',')}]`;
      if (value && typeof value === 'object' && !(value instanceof Date)) {
        const entries = Object.entries(value as Record<string, unknown>)
          .filter(([, v]) => v !== undefined)
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
        return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${before(v)}`).join(',')}}`;
      }
      return JSON.stringify(value ?? null);
    };
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const text = canonicalJson(v);
        expect(text).toBe(before(v));
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(v)));
      }),
      { numRuns: 500 },
    );
    expect(canonicalJson({ z: undefined, b: [1, undefined], a: new Date(0), é: '\u2028' })).toBe(
      '{"a":"1970-01-01T00:00:00.000Z","b":[1,null],"é":"\u2028"}',
    );
  });

  it('completes an entry’s payload from its tail, its seq and the previous hash (decision 008)', () => {
    for (const [seq, over] of [
      [1, {}],
      [987_654_321, { detail: null, actorId: 'a', purpose: 'SOP 8.3', recipient: 'YouTube' }],
      [42, { detail: { é: '\u2028 "quoted"', z: [1, { b: 2, a: 1 }] } }],
    ] as const) {
      const e = entry(seq, over);
      const { seq: _seq, ...rest } = e;
      expect(`${GENESIS_HASH}\n[${seq},${chainTail(rest)}`).toBe(chainPayload(GENESIS_HASH, e));
    }
  });

  it('accepts an intact chain', () => {
    const rows = chain(3);
    let prev = { seq: 0, hash: GENESIS_HASH };
    for (const r of rows) {
      expect(checkLink(prev, linkOf(r))).toBeNull();
      prev = r;
    }
  });

  it('names an altered entry', () => {
    const [a, b] = chain(2);
    const altered = { ...b!, actorUsername: 'someone.else' };
    expect(checkLink(a!, linkOf(altered))).toMatchObject({ seq: 2, problem: expect.stringContaining('altered') });
  });

  it('names the entry after a removed one', () => {
    const [a, , c] = chain(3);
    expect(checkLink(a!, linkOf(c!))).toMatchObject({ seq: 3, problem: expect.stringContaining('missing or out of order') });
  });

  it('names a broken link when entries are swapped and renumbered', () => {
    const [a, b, c] = chain(3);
    expect(checkLink(a!, linkOf({ ...c!, seq: 2 }))).toMatchObject({ seq: 2, problem: expect.stringContaining('link') });
    expect(b).toBeDefined();
  });
});
