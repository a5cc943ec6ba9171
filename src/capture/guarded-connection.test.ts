import type { LookupAddress, LookupOptions } from 'node:dns';
import { describe, expect, it } from 'vitest';
import { CaptureFailed } from './capture-error.js';
import { checkTarget, guardedLookup } from './guarded-connection.js';

/** Calls the lookup as node's net does: with `all` (happy eyeballs) or without. */
function lookUp(allowed: string[], host: string, options: LookupOptions): Promise<LookupAddress[] | string> {
  return new Promise((resolve, reject) => {
    guardedLookup(allowed)(host, options, (error, address) => (error ? reject(error) : resolve(address)));
  });
}

describe('guardedLookup', () => {
  it('refuses a name that resolves only to blocked addresses, naming the address', async () => {
    for (const all of [true, false]) {
      const error: unknown = await lookUp([], 'localhost', { all }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CaptureFailed);
      expect((error as CaptureFailed).reason).toMatch(
        /^The address resolves to a loopback address \((127\.0\.0\.1|::1)\), which captures may not reach$/,
      );
    }
  });

  it('resolves an allowed name as usual, in both shapes node asks for', async () => {
    const all = await lookUp(['localhost'], 'LocalHost', { all: true });
    expect(Array.isArray(all) && all.map((a) => a.address)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^(127\.0\.0\.1|::1)$/)]),
    );
    expect(await lookUp(['localhost'], 'localhost', { all: false })).toMatch(/^(127\.0\.0\.1|::1)$/);
  });
});

describe('checkTarget', () => {
  it('judges address literals and leaves names to the lookup', () => {
    expect(() => checkTarget('127.0.0.1', ['127.0.0.1'])).not.toThrow();
    expect(() => checkTarget('example.com', [])).not.toThrow();
    expect(() => checkTarget('[fe80::1]', [])).toThrow(/link-local address \(fe80::1\)/);
    expect(() => checkTarget('127.0.0.1', [])).toThrow(/loopback/);
  });
});
