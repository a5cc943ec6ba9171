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

/**
 * JSON with object keys sorted at every level, so that jsonb's own key order does not matter.
 * Written as loops over sorted keys: `audit verify` runs it once per entry (issue 4).
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object' || value instanceof Date) return JSON.stringify(value ?? null);
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i ? ',' : '') + canonicalJson(value[i]);
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  let out = '';
  for (const key of Object.keys(record).sort()) {
    const v = record[key];
    if (v !== undefined) out += `${out ? ',' : ''}${JSON.stringify(key)}:${canonicalJson(v)}`;
  }
  return `{${out}}`;
}

/**
 * An entry as `verify` reads it: the fields its hash covers, in payload order (`at` as ISO 8601 in
 * UTC, as `Date.toISOString` writes it), then its link to the previous entry and its own hash.
 */
export type StoredLink = [
  seq: number,
  at: string,
  actorId: string | null,
  actorUsername: string | null,
  operation: string,
  entity: string,
  entityId: string | null,
  purpose: string | null,
  recipient: string | null,
  detail: Record<string, unknown> | null,
  prevHash: string,
  hash: string,
];

const HASHED_FIELDS = 10;

/** An entry and its two hashes as a stored link. */
export function linkOf(e: ChainedEntry & { prevHash: string; hash: string }): StoredLink {
  return [
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
    e.prevHash,
    e.hash,
  ];
}

const payloadOf = (prevHash: string, fields: readonly unknown[]) => `${prevHash}\n${canonicalJson(fields)}`;

/** The bytes an entry's hash is computed over: the previous hash, then the entry itself. */
export const chainPayload = (prevHash: string, e: ChainedEntry) =>
  payloadOf(prevHash, linkOf({ ...e, prevHash, hash: '' }).slice(0, HASHED_FIELDS));

/**
 * The entry's part of its payload that does not depend on where it lands in the chain: everything
 * after its `seq`. The payload is `${prevHash}\n[${seq},${chainTail(e)}`, so the database can
 * complete it, and hash it, in the statement that appends the entry (decision 008).
 */
export const chainTail = (e: Omit<ChainedEntry, 'seq'>) =>
  canonicalJson(linkOf({ ...e, seq: 0, prevHash: '', hash: '' }).slice(1, HASHED_FIELDS)).slice(1);

export function chainHash(prevHash: string, e: ChainedEntry): string {
  return createHash('sha256').update(chainPayload(prevHash, e)).digest('hex');
}

export type ChainFault = { seq: number; problem: string };

/**
 * Checks one stored entry against the chain so far. Returns the fault, or null when the entry
 * follows on from `prev` and its hash matches its contents.
 */
export function checkLink(prev: { seq: number; hash: string }, link: StoredLink): ChainFault | null {
  const [seq, , , , , , , , , , prevHash, hash] = link;
  if (seq !== prev.seq + 1) return { seq, problem: `expected entry ${prev.seq + 1} next: entries are missing or out of order` };
  if (prevHash !== prev.hash)
    return { seq, problem: 'its link to the previous entry is broken: an entry was removed, inserted or reordered' };
  const recomputed = createHash('sha256')
    .update(payloadOf(prevHash, link.slice(0, HASHED_FIELDS)))
    .digest('hex');
  if (recomputed !== hash) return { seq, problem: 'its contents do not match its hash: it was altered' };
  return null;
}
