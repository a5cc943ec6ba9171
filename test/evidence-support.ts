import { sql } from 'drizzle-orm';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { EvidenceStore } from '../src/storage/evidence-store.js';
import type { TestApp, TestUser } from './harness.js';

/** One part of a multipart/form-data body, written out by hand so a test can send any name or any number of files. */
export type Part = { name: string; filename?: string; data: Buffer | string; type?: string };

const BOUNDARY = '----referral-desk-test-boundary-7f3a';

/** A multipart/form-data body exactly as given: filenames are not cleaned, as a hostile client would not clean them. */
export function multipart(parts: Part[]): { payload: Buffer; contentType: string } {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const disposition = `form-data; name="${p.name}"${p.filename === undefined ? '' : `; filename="${p.filename}"`}`;
    const type = p.filename === undefined ? '' : `\r\nContent-Type: ${p.type ?? 'application/octet-stream'}`;
    chunks.push(Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: ${disposition}${type}\r\n\r\n`, 'utf8'));
    chunks.push(Buffer.isBuffer(p.data) ? p.data : Buffer.from(p.data));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${BOUNDARY}--\r\n`));
  return { payload: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${BOUNDARY}` };
}

export const sha256Of = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Uploads `parts` to the API as `u` with a bearer token. */
export async function upload(t: TestApp, u: TestUser, referralId: string, parts: Part[], headers: Record<string, string> = {}) {
  const { payload, contentType } = multipart(parts);
  const res = await t.app.inject({
    method: 'POST',
    url: `/api/v1/referrals/${referralId}/captures`,
    headers: { ...(await t.bearer(u)), 'content-type': contentType, ...headers },
    payload,
  });
  const isJson = String(res.headers['content-type'] ?? '').startsWith('application/json');
  return { status: res.statusCode, json: isJson ? res.json() : undefined, body: res.body };
}

/** Asks until `check` gives a value (jobs run in the background), at most `tries` times. */
export async function eventually<T>(
  check: () => Promise<T | undefined | null | false>,
  what: string,
  tries = 120,
  everyMs = 250,
): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const v = await check();
    if (v) return v;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`Gave up waiting for ${what}`);
}

/** Every file under `dir`, as paths relative to it. */
export function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .flatMap((e) => (e.isFile() ? [path.relative(dir, path.join(e.parentPath, e.name))] : []));
}

/** Rows in the evidence tables, to prove nothing was kept. */
export async function evidenceRows(t: TestApp) {
  const { rows } = await t.db.execute<{ captures: number; objects: number }>(
    sql`select (select count(*) from captures)::int as captures, (select count(*) from evidence_objects)::int as objects`,
  );
  return rows[0]!;
}

/**
 * The retention sweep's race on cue (decision 017): `wrap` is createTestApp's `wrapStore`; while
 * `lose` runs, the app's store deletes what it has just put, as a sweep would between the put and the row.
 */
export function racingStore() {
  let losing = false;
  const wrap = (real: EvidenceStore): EvidenceStore => {
    const put: EvidenceStore['put'] = async (source, options) => {
      const stored = await real.put(source, options);
      if (losing) await real.delete(stored.sha256);
      return stored;
    };
    return Object.assign(Object.create(real) as EvidenceStore, { put });
  };
  async function lose<T>(fn: () => Promise<T>): Promise<T> {
    losing = true;
    try {
      return await fn();
    } finally {
      losing = false;
    }
  }
  return { wrap, lose };
}
