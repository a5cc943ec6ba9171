import { createHash } from 'node:crypto';

/** The fields of an audit entry that its hash covers (DESIGN.md principle 3). */
export type ChainedEntry = {
  seq: number;
  at: Date;
  actorId: string | null;
  actorUsername: string | null;
  operation: string;
  entity: string;
  entityId: string | null;
  purpose: string | null;
  recipient: string | null;
  detail: Record<string, unknown> | null;
};

export const GENESIS_HASH = '0'.repeat(64);

/** JSON with object keys sorted at every level, so that jsonb's own key order does not matter. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** The bytes an entry's hash is computed over: the previous hash, then the entry itself. */
export function chainPayload(prevHash: string, e: ChainedEntry): string {
  return `${prevHash}\n${canonicalJson([
    e.seq,
    e.at.toISOString(),
    e.actorId,
    e.actorUsername,
    e.operation,
    e.entity,
    e.entityId,
    e.purpose,
    e.recipient,
    e.detail,
  ])}`;
}

export function chainHash(prevHash: string, e: ChainedEntry): string {
  return createHash('sha256').update(chainPayload(prevHash, e)).digest('hex');
}

export type ChainFault = { seq: number; problem: string };

/**
 * Checks one stored entry against the chain so far. Returns the fault, or null when the entry
 * follows on from `prev` and its hash matches its contents.
 */
export function checkLink(prev: { seq: number; hash: string }, e: ChainedEntry & { prevHash: string; hash: string }): ChainFault | null {
  if (e.seq !== prev.seq + 1) return { seq: e.seq, problem: `expected entry ${prev.seq + 1} next: entries are missing or out of order` };
  if (e.prevHash !== prev.hash)
    return { seq: e.seq, problem: 'its link to the previous entry is broken: an entry was removed, inserted or reordered' };
  if (chainHash(e.prevHash, e) !== e.hash) return { seq: e.seq, problem: 'its contents do not match its hash: it was altered' };
  return null;
}
