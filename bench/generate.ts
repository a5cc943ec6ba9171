import { randomUUID } from 'node:crypto';
import cliProgress from 'cli-progress';
import { chainHash } from '../src/domain/audit-chain.js';
import { contentKey } from '../src/domain/content-url.js';
import type { RawSql } from './database.js';
import { seeded } from './random.js';

/**
 * Realistic data at scale, written straight through the real schema with one set-based insert
 * per table per batch (`json_to_recordset` of one JSON parameter: the same statement on both
 * drivers), never through the HTTP API or the ORM row by row.
 *
 * Each referral is played through the life cycle (DESIGN.md) with realistic delays, stopping at
 * the bench's "now": three years of referrals, so the old ones are closed and the recent ones
 * are spread over every state. The audit entries form a valid hash chain continuing the
 * existing one (chainHash in JS, in seq order), and audit_head is moved at the end.
 */

export type BenchUser = { id: string; username: string; displayName: string; ocu: string | null; unit: string | null };
type BenchPlatform = { key: string; name: string; hosts: string[]; clauses: { key: string }[] };
export type People = { requesters: BenchUser[]; operatives: BenchUser[]; sergeants: BenchUser[] };

export type GenerateOptions = {
  scale: number;
  now: Date;
  people: People;
  platforms: BenchPlatform[];
  progress: boolean;
  batchSize?: number;
};

export type GenerateResult = { referrals: number; rows: number; auditEntries: number; seconds: number; rowsPerSecond: number };

const DAY = 86_400_000;
const YEARS = 3;

type Row = Record<string, unknown>;
type Batch = {
  referrals: Row[];
  referral_platforms: Row[];
  incident_references: Row[];
  subjects: Row[];
  reviews: Row[];
  platform_referrals: Row[];
  intelligence_records: Row[];
  referral_events: Row[];
  audit: { at: Date; actor: BenchUser | null; operation: string; entityId: string; recipient: string | null; detail: Row }[];
};

/** The column lists of each insert: JSON keys are the column names. */
const COLUMNS: Record<Exclude<keyof Batch, 'audit'> | 'audit_log', string> = {
  referrals:
    'id uuid, reference text, status text, outcome text, requester_id uuid, applicant_name text, applicant_ocu text, applicant_unit text, content_title text, content_url text, content_key text, content_uploaded_on date, rationale text, assignee_id uuid, draft_author_id uuid, submitted_at timestamptz, closed_at timestamptz, platforms text[]',
  referral_platforms: 'referral_id uuid, platform text',
  incident_references: 'referral_id uuid, position integer, system text, reference text',
  subjects: 'id uuid, referral_id uuid, position integer, name text, category text, age_band text, date_of_birth date',
  reviews:
    'id uuid, referral_id uuid, reviewer_id uuid, content_format text, factors jsonb, research_summary text, reviewed_on date, outcome text, rationale text, created_at timestamptz',
  platform_referrals:
    'referral_id uuid, platform text, status text, not_appealed boolean, terms_breached text[], draft text, channel text, submitted_at timestamptz, external_reference text, decision text, decided_on date, appeal_reason text, appealed_at timestamptz, final_decision text, final_decided_on date',
  intelligence_records:
    'referral_id uuid, content_title text, content_url text, platforms text[], rationale text, summary text, breach text, source_evaluation text, intelligence_assessment text, handling_code text, created_at timestamptz, created_by uuid',
  referral_events:
    'referral_id uuid, at timestamptz, actor_id uuid, action text, from_status text, to_status text, platform text, comment text',
  audit_log:
    'seq bigint, at timestamptz, actor_id uuid, actor_username text, operation text, entity text, entity_id text, purpose text, recipient text, detail jsonb, prev_hash text, hash text',
};

/** The tables the load writes. */
const LOADED_TABLES = Object.keys(COLUMNS);

async function insertRows(q: RawSql['query'], table: keyof typeof COLUMNS, rows: Row[]) {
  if (!rows.length) return;
  const cols = COLUMNS[table]
    .split(', ')
    .map((c) => c.split(' ')[0])
    .join(', ');
  await q(`insert into ${table} (${cols}) select ${cols} from json_to_recordset($1::json) as x(${COLUMNS[table]})`, [JSON.stringify(rows)]);
}

const isoDate = (d: Date) => d.toISOString().slice(0, 10);
const FACTORS = ['gang_affiliated_subjects', 'inflammatory_language', 'public_safety_disorder', 'humiliation', 'illegal_commodity_sales'];
const FORMATS = ['video', 'video', 'video', 'audio', 'image', 'text', 'livestream'];
const SYSTEMS = ['CONNECT', 'CAD', 'CRIS', 'CRIMINT', 'MERLIN', 'APMIS'];
const CATEGORIES = ['suspect', 'suspect', 'victim', 'witness', 'other'];
const AGE_BANDS = ['under_13', '13_15', '16_17', '16_17', '18_24', '18_24', '25_plus', 'unknown'];
/** Platform popularity in referrals (drill music lives mostly on YouTube, TikTok, Instagram, Snapchat). */
const PLATFORM_WEIGHTS: Record<string, number> = {
  youtube: 30,
  tiktok: 20,
  instagram: 18,
  snapchat: 12,
  x: 6,
  facebook: 5,
  telegram: 4,
  reddit: 3,
  whatsapp: 2,
};

export async function generate(q: RawSql, o: GenerateOptions): Promise<GenerateResult> {
  const rnd = seeded(o.scale);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const between = (lo: number, hi: number) => lo + rnd() * (hi - lo);
  const weights = o.platforms.map((p) => PLATFORM_WEIGHTS[p.key] ?? 1);
  const totalWeight = weights.reduce((a, b) => a + b, 0);
  const pickPlatform = () => {
    let r = rnd() * totalWeight;
    for (let i = 0; i < o.platforms.length; i++) if ((r -= weights[i]!) < 0) return o.platforms[i]!;
    return o.platforms[0]!;
  };
  const nowMs = o.now.getTime();
  const start = nowMs - YEARS * 365 * DAY;
  const batchSize = o.batchSize ?? 1_000;
  const counters = new Map<number, number>();

  const [head] = await q.query<{ seq: string | number; hash: string }>(`select seq, hash from audit_head where id = 'head'`);
  // The per-row count triggers (migrations 0004, 0005) are for the application's one-at-a-time
  // changes; a bulk load counts once at the end instead. Likewise the secondary indexes: one
  // sorted build each after the load, not millions of random inserts into each during it.
  await q.query(`alter table referrals disable trigger referral_status_counts_insert`);
  const indexes = await q.query<{ name: string; def: string }>(
    `select i.indexname as name, i.indexdef as def from pg_indexes i
      where i.schemaname = current_schema() and i.tablename = any($1)
        and not exists (select 1 from pg_constraint c where c.conname = i.indexname)`,
    [LOADED_TABLES],
  );
  for (const i of indexes) await q.query(`drop index ${i.name}`);
  // As a restore does (pg_restore --disable-triggers), the load skips the per-row foreign key
  // checks where it may: every reference it writes is to a row it wrote before.
  const [role] = await q.query<{ super: boolean }>(`select rolsuper as super from pg_roles where rolname = current_user`);
  let seq = Number(head!.seq);
  let prevHash = head!.hash;

  const bar = o.progress
    ? new cliProgress.SingleBar(
        { format: 'generating |{bar}| {value}/{total} referrals, {rows} rows, {rate} rows/s, eta {eta_formatted}', hideCursor: true },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  bar?.start(o.scale, 0, { rows: 0, rate: 0 });

  function referralBatch(from: number, to: number): Batch {
    const b: Batch = {
      referrals: [],
      referral_platforms: [],
      incident_references: [],
      subjects: [],
      reviews: [],
      platform_referrals: [],
      intelligence_records: [],
      referral_events: [],
      audit: [],
    };
    for (let i = from; i < to; i++) {
      // Chronological, a little jitter; the rate grows slowly over the three years.
      const submitted = new Date(start + ((i + rnd()) / o.scale) * (nowMs - start - 60_000));
      const year = submitted.getUTCFullYear();
      const n = (counters.get(year) ?? 0) + 1;
      counters.set(year, n);
      const id = randomUUID();
      const reference = `OHRT-${year}-${String(n).padStart(6, '0')}`;
      const requester = pick(o.people.requesters);
      const operative = pick(o.people.operatives);
      const sergeant = pick(o.people.sergeants);
      const chosen = new Map<string, BenchPlatform>();
      const count = rnd() < 0.7 ? 1 : rnd() < 0.75 ? 2 : 3;
      while (chosen.size < count) {
        const p = pickPlatform();
        chosen.set(p.key, p);
      }
      const plats = [...chosen.values()].sort((a, b2) => (a.key < b2.key ? -1 : 1));
      const first = plats[0]!;
      const url = `https://${first.hosts[0] ?? `${first.key}.com`}/bench/${id.slice(0, 8)}/${i}`;
      const title = `Track ${i}: ${pick(['diss', 'drill', 'freestyle', 'live', 'clip'])} ${pick(['video', 'upload', 'story', 'post'])}`;
      const rationale = 'Content names a rival group and shows weapons; likely to provoke retaliation in the area.';
      const subjectCount = rnd() < 0.4 ? 0 : rnd() < 0.6 ? 1 : rnd() < 0.7 ? 2 : 3;
      const ev = (
        at: number,
        actor: BenchUser,
        action: string,
        from: string | null,
        toStatus: string | null,
        platform: string | null = null,
      ) =>
        b.referral_events.push({
          referral_id: id,
          at: new Date(at).toISOString(),
          actor_id: actor.id,
          action,
          from_status: from,
          to_status: toStatus,
          platform,
          comment: null,
        });
      const audit = (at: number, actor: BenchUser, operation: string, detail: Row, recipient: string | null = null) =>
        b.audit.push({ at: new Date(at), actor, operation, entityId: id, recipient, detail });

      let t = submitted.getTime();
      let status = 'submitted';
      let outcome: string | null = null;
      let assignee: string | null = null;
      let draftAuthor: string | null = null;
      let closedAt: number | null = null;
      const lastAt = () => t;
      const firstEvent = b.referral_events.length;
      ev(t, requester, 'submitted', null, 'submitted');
      audit(t, requester, 'collect', { reference, platforms: plats.length, incidentReferences: 1, subjects: subjectCount });

      b.referral_platforms.push(...plats.map((p) => ({ referral_id: id, platform: p.key })));
      b.incident_references.push({ referral_id: id, position: 0, system: pick(SYSTEMS), reference: `${1000000 + i}` });
      for (let s = 0; s < subjectCount; s++)
        b.subjects.push({
          id: randomUUID(),
          referral_id: id,
          position: s,
          name: `@handle_${i}_${s}`,
          category: pick(CATEGORIES),
          age_band: pick(AGE_BANDS),
          date_of_birth: null,
        });

      // The life cycle, each step after a realistic delay, stopping at "now".
      const step = (lo: number, hi: number) => {
        const next = t + between(lo, hi) * DAY;
        if (next >= nowMs) return false;
        t = next;
        return true;
      };
      const prs: Row[] = [];
      (() => {
        if (rnd() < 0.04 && step(0.05, 2)) {
          ev(t, requester, 'withdrawn', 'submitted', 'closed');
          audit(t, requester, 'alter', { action: 'withdrawn', from: 'submitted', to: 'closed' });
          status = 'closed';
          outcome = 'withdrawn';
          closedAt = t;
          return;
        }
        if (!step(0.1, 3)) return;
        assignee = operative.id;
        ev(t, operative, 'claimed', 'submitted', 'in_review');
        audit(t, operative, 'alter', { action: 'claimed', from: 'submitted', to: 'in_review' });
        status = 'in_review';
        if (!step(0.5, 5)) return;
        const refer = rnd() < 0.65;
        b.reviews.push({
          id: randomUUID(),
          referral_id: id,
          reviewer_id: operative.id,
          content_format: pick(FORMATS),
          factors: [{ factor: pick(FACTORS), note: 'Seen in the first 30 seconds.' }],
          research_summary: 'Subjects known on CRIMINT; see references.',
          reviewed_on: isoDate(new Date(t)),
          outcome: refer ? 'refer' : 'no_further_action',
          rationale: refer ? 'Breaches the platform terms on violent threats.' : 'No breach of the terms found.',
          created_at: new Date(t).toISOString(),
        });
        if (!refer) {
          ev(t, operative, 'reviewed_no_further_action', 'in_review', 'closed');
          audit(t, operative, 'alter', { action: 'reviewed_no_further_action', from: 'in_review', to: 'closed' });
          status = 'closed';
          outcome = 'no_further_action';
          closedAt = t;
          return;
        }
        draftAuthor = operative.id;
        ev(t, operative, 'reviewed_refer', 'in_review', 'awaiting_qa');
        audit(t, operative, 'alter', { action: 'reviewed_refer', from: 'in_review', to: 'awaiting_qa' });
        status = 'awaiting_qa';
        for (const p of plats)
          prs.push({
            referral_id: id,
            platform: p.key,
            status: 'drafted',
            not_appealed: false,
            terms_breached: [p.clauses[0]?.key ?? 'violence'],
            draft: `Dear ${p.name} team, the content at ${url} breaches your terms.`,
            channel: null,
            submitted_at: null,
            external_reference: null,
            decision: null,
            decided_on: null,
            appeal_reason: null,
            appealed_at: null,
            final_decision: null,
            final_decided_on: null,
          });
        if (!step(0.2, 2)) return;
        ev(t, sergeant, 'qa_approved', 'awaiting_qa', 'referred');
        audit(t, sergeant, 'alter', { action: 'qa_approved', from: 'awaiting_qa', to: 'referred' });
        status = 'referred';
        for (const pr of prs) pr.status = 'approved';
        b.intelligence_records.push({
          referral_id: id,
          content_title: title,
          content_url: url,
          platforms: plats.map((p) => p.key),
          rationale,
          summary: 'Drill video naming a rival group.',
          breach: 'Violent threats',
          source_evaluation: 'A',
          intelligence_assessment: '1',
          handling_code: 'P',
          created_at: new Date(t).toISOString(),
          created_by: sergeant.id,
        });
        // Each platform referral goes on by itself; the referral closes when every one is final.
        const base = t;
        let final = 0;
        let removed = 0;
        for (const pr of prs) {
          t = base;
          const pf = String(pr.platform);
          if (!step(0.1, 2)) continue;
          Object.assign(pr, { status: 'submitted', channel: 'trusted_flagger', submitted_at: new Date(t).toISOString() });
          ev(t, operative, 'platform_submitted', 'referred', 'referred', pf);
          audit(t, operative, 'disclose', { action: 'platform_submitted', from: 'referred', to: 'referred', platform: pf }, pf);
          if (!step(1, 20)) continue;
          const gone = rnd() < 0.7;
          Object.assign(pr, {
            status: gone ? 'removed' : 'not_removed',
            decision: gone ? 'removed' : 'not_removed',
            decided_on: isoDate(new Date(t)),
          });
          ev(t, operative, gone ? 'platform_removed' : 'platform_not_removed', 'referred', 'referred', pf);
          audit(t, operative, 'alter', {
            action: gone ? 'platform_removed' : 'platform_not_removed',
            from: 'referred',
            to: 'referred',
            platform: pf,
          });
          if (gone) {
            final++;
            removed++;
            continue;
          }
          if (!step(0.5, 5)) continue;
          if (rnd() < 0.6) {
            pr.not_appealed = true;
            pr.appeal_reason = 'The platform gave its reasons; an appeal would not succeed.';
            ev(t, operative, 'appeal_not_made', 'referred', 'referred', pf);
            audit(t, operative, 'alter', { action: 'appeal_not_made', from: 'referred', to: 'referred', platform: pf });
            final++;
            continue;
          }
          Object.assign(pr, { status: 'appealed', appeal_reason: 'Clear breach of clause.', appealed_at: new Date(t).toISOString() });
          ev(t, operative, 'appeal_made', 'referred', 'referred', pf);
          audit(t, operative, 'alter', { action: 'appeal_made', from: 'referred', to: 'referred', platform: pf });
          if (!step(2, 30)) continue;
          const overturned = rnd() < 0.4;
          Object.assign(pr, {
            status: overturned ? 'removed' : 'upheld',
            final_decision: overturned ? 'removed' : 'upheld',
            final_decided_on: isoDate(new Date(t)),
          });
          ev(t, operative, overturned ? 'platform_removed' : 'platform_upheld', 'referred', 'referred', pf);
          audit(t, operative, 'alter', {
            action: overturned ? 'platform_removed' : 'platform_upheld',
            from: 'referred',
            to: 'referred',
            platform: pf,
          });
          final++;
          if (overturned) removed++;
        }
        if (final === prs.length) {
          // The closing is the last platform's final step (DESIGN.md): stamp it at the latest event.
          const mine = b.referral_events.slice(firstEvent);
          const last = mine.reduce((x, y) => (Date.parse(String(y.at)) > Date.parse(String(x.at)) ? y : x));
          t = Date.parse(String(last.at));
          status = 'closed';
          outcome = removed === prs.length ? 'removed' : removed === 0 ? 'not_removed' : 'partially_removed';
          closedAt = t;
          last.to_status = 'closed';
        }
      })();
      b.platform_referrals.push(...prs);
      // Reading a referral with subjects is a consultation (DPA 2018 s.62): a few per referral.
      if (subjectCount) {
        const reads = 2 + Math.floor(rnd() * 7);
        const end = Math.max(lastAt(), submitted.getTime() + 1);
        for (let r = 0; r < reads; r++) {
          const at = submitted.getTime() + rnd() * Math.min(end - submitted.getTime() + 2 * DAY, nowMs - submitted.getTime());
          audit(at, pick([operative, sergeant, operative]), 'consult', { subjects: subjectCount });
        }
      }
      b.referrals.push({
        id,
        reference,
        status,
        outcome,
        requester_id: requester.id,
        applicant_name: requester.displayName,
        applicant_ocu: requester.ocu,
        applicant_unit: requester.unit,
        content_title: title,
        content_url: url,
        content_key: contentKey(url),
        content_uploaded_on: isoDate(new Date(submitted.getTime() - between(0, 10) * DAY)),
        rationale,
        assignee_id: assignee,
        draft_author_id: draftAuthor,
        submitted_at: submitted.toISOString(),
        closed_at: closedAt === null ? null : new Date(closedAt).toISOString(),
        platforms: plats.map((p) => p.key),
      });
    }
    return b;
  }

  /** The batch's audit entries in time order, chained on from the last one written. */
  function chain(b: Batch): Row[] {
    b.audit.sort((x, y) => x.at.getTime() - y.at.getTime());
    return b.audit.map((a) => {
      seq++;
      const e = {
        seq,
        at: a.at,
        actorId: a.actor?.id ?? null,
        actorUsername: a.actor?.username ?? null,
        operation: a.operation,
        entity: 'referral',
        entityId: a.entityId,
        purpose: null,
        recipient: a.recipient,
        detail: a.detail,
      };
      const hash = chainHash(prevHash, e);
      const row = {
        seq,
        at: a.at.toISOString(),
        actor_id: e.actorId,
        actor_username: e.actorUsername,
        operation: e.operation,
        entity: e.entity,
        entity_id: e.entityId,
        purpose: null,
        recipient: e.recipient,
        detail: e.detail,
        prev_hash: prevHash,
        hash,
      };
      prevHash = hash;
      return row;
    });
  }

  async function write(b: Batch, audit: Row[]) {
    await q.transaction(async (tx) => {
      // A load that fails is run again from scratch: no need to wait for each batch to reach disk.
      await tx('set local synchronous_commit = off');
      if (role?.super) await tx(`set local session_replication_role = replica`);
      await insertRows(tx, 'referrals', b.referrals);
      await insertRows(tx, 'referral_platforms', b.referral_platforms);
      await insertRows(tx, 'incident_references', b.incident_references);
      await insertRows(tx, 'subjects', b.subjects);
      await insertRows(tx, 'reviews', b.reviews);
      await insertRows(tx, 'platform_referrals', b.platform_referrals);
      await insertRows(tx, 'intelligence_records', b.intelligence_records);
      await insertRows(tx, 'referral_events', b.referral_events);
      await insertRows(tx, 'audit_log', audit);
    });
  }

  const began = performance.now();
  let rows = 0;
  let auditEntries = 0;
  let pending: Promise<void> = Promise.resolve();
  for (let from = 0; from < o.scale; from += batchSize) {
    const to = Math.min(o.scale, from + batchSize);
    // Build the next batch in JS while the previous one is being written.
    const b = referralBatch(from, to);
    const audit = chain(b);
    await pending;
    const n =
      b.referrals.length +
      b.referral_platforms.length +
      b.incident_references.length +
      b.subjects.length +
      b.reviews.length +
      b.platform_referrals.length +
      b.intelligence_records.length +
      b.referral_events.length +
      audit.length;
    pending = write(b, audit).then(() => {
      rows += n;
      auditEntries += audit.length;
      const secs = (performance.now() - began) / 1000;
      bar?.update(to, { rows, rate: Math.round(rows / secs) });
    });
  }
  await pending;
  bar?.stop();

  // The chain's head, the reference counters and the status counts carry on from the generated data.
  await q.query(`update audit_head set seq = $1, hash = $2 where id = 'head'`, [seq, prevHash]);
  for (const i of indexes)
    await q.transaction(async (tx) => {
      await tx(`set local maintenance_work_mem = '128MB'`);
      await tx(i.def);
    });
  await q.query(`alter table referrals enable trigger referral_status_counts_insert`);
  await q.query(
    `insert into referral_status_counts (status, n) select status, count(*) from referrals group by status on conflict (status) do update set n = excluded.n`,
  );
  await q.query(
    `insert into referral_platform_status_counts (platform, status, n)
       select p.platform, r.status, count(*) from referrals r, unnest(r.platforms) as p(platform) group by p.platform, r.status
     on conflict (platform, status) do update set n = excluded.n`,
  );
  for (const [year, last] of counters)
    await q.query(
      `insert into reference_counters (year, last) values ($1, $2) on conflict (year) do update set last = greatest(reference_counters.last, excluded.last)`,
      [year, last],
    );
  const seconds = (performance.now() - began) / 1000;
  return { referrals: o.scale, rows, auditEntries, seconds, rowsPerSecond: rows / seconds };
}
