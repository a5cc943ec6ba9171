import type { RawSql } from './database.js';

/**
 * The quarterly KPI query set (SOP 6.5, 7.2), written here in SQL for the bench until the KPI
 * report itself is built (a later issue): every figure is computed from the life-cycle stamps
 * in referral_events and the platform referrals, for the referrals submitted in the quarter.
 *
 * Four statements, each reading what it needs once (issue 4):
 * - `counts`: by status, outcome and platform in one pass over the quarter's referrals (read by
 *   `referrals_submitted_idx`; the platforms from each referral's own copy, migration 0005), not
 *   three scans;
 * - the two medians: a step cannot come before its referral's submission, so `e.at >= $1` holds
 *   for every event that counts and lets them read only that kind of step since the quarter began
 *   (`referral_events_action_idx`); the first such step per referral (per platform) is taken with
 *   `distinct on` over the sorted join rather than a grouped `min`, which spilled to disk;
 * - the removal rate per platform.
 * `KPI_REFERENCE` holds the same figures written the obvious way; a test checks that both agree.
 */
export const KPI_QUERIES: Record<string, string> = {
  counts: `with q as materialized (
      select status, coalesce(outcome, 'open') as outcome, platforms from referrals where submitted_at >= $1 and submitted_at < $2)
    select 'status' as by, status as key, count(*)::int as n from q group by status
    union all select 'outcome', outcome, count(*)::int from q group by outcome
    union all select 'platform', p.platform, count(*)::int from q, unnest(q.platforms) as p(platform) group by p.platform`,
  medianToReview: `select percentile_cont(0.5) within group (order by secs) as median_seconds from (
      select distinct on (e.referral_id) extract(epoch from e.at - r.submitted_at) as secs
        from referrals r join referral_events e on e.referral_id = r.id
       where r.submitted_at >= $1 and r.submitted_at < $2
         and e.action in ('reviewed_refer', 'reviewed_no_further_action') and e.at >= $1
       order by e.referral_id, e.at) x`,
  medianToPlatformDecision: `select percentile_cont(0.5) within group (order by secs) as median_seconds from (
      select distinct on (e.referral_id, e.platform) extract(epoch from e.at - r.submitted_at) as secs
        from referrals r join referral_events e on e.referral_id = r.id
       where r.submitted_at >= $1 and r.submitted_at < $2
         and e.action in ('platform_removed', 'platform_not_removed') and e.at >= $1
       order by e.referral_id, e.platform, e.at) x`,
  removalRateByPlatform: `select pr.platform,
           count(*) filter (where pr.decision is not null)::int as decided,
           count(*) filter (where pr.status = 'removed')::int as removed,
           round(count(*) filter (where pr.status = 'removed')::numeric / nullif(count(*) filter (where pr.decision is not null), 0), 3) as rate
      from platform_referrals pr join referrals r on r.id = pr.referral_id
     where r.submitted_at >= $1 and r.submitted_at < $2 group by pr.platform`,
};

/** The same figures as `KPI_QUERIES`, written the obvious way (one scan or join each), for the test. */
export const KPI_REFERENCE = {
  countsByStatus: `select status as key, count(*)::int as n from referrals where submitted_at >= $1 and submitted_at < $2 group by status`,
  countsByOutcome: `select coalesce(outcome, 'open') as key, count(*)::int as n from referrals
     where submitted_at >= $1 and submitted_at < $2 group by 1`,
  countsByPlatform: `select rp.platform as key, count(*)::int as n from referral_platforms rp join referrals r on r.id = rp.referral_id
     where r.submitted_at >= $1 and r.submitted_at < $2 group by rp.platform`,
  medianToReview: `select percentile_cont(0.5) within group (order by secs) as median_seconds from (
      select extract(epoch from min(e.at) - r.submitted_at) as secs from referrals r join referral_events e on e.referral_id = r.id
       where r.submitted_at >= $1 and r.submitted_at < $2 and e.action in ('reviewed_refer', 'reviewed_no_further_action')
       group by r.id, r.submitted_at) x`,
  medianToPlatformDecision: `select percentile_cont(0.5) within group (order by secs) as median_seconds from (
      select extract(epoch from min(e.at) - r.submitted_at) as secs from referrals r join referral_events e on e.referral_id = r.id
       where r.submitted_at >= $1 and r.submitted_at < $2 and e.action in ('platform_removed', 'platform_not_removed')
       group by r.id, e.platform, r.submitted_at) x`,
};

/** The last whole calendar quarter before `now` (UTC). */
function lastQuarter(now: Date): { from: Date; to: Date } {
  const q = Math.floor(now.getUTCMonth() / 3);
  const to = new Date(Date.UTC(now.getUTCFullYear(), q * 3, 1));
  const from = new Date(Date.UTC(to.getUTCFullYear(), to.getUTCMonth() - 3, 1));
  return { from, to };
}

/**
 * Runs the set as a report page would: every query at once, each on its own connection of the pool
 * (on PGlite, one after another in its one connection). Answers the seconds of the whole set and
 * of each query from the start (under PostgreSQL, the queries share the cores).
 */
export async function runKpiSet(q: RawSql, now: Date) {
  const { from, to } = lastQuarter(now);
  const seconds: Record<string, number> = {};
  const began = performance.now();
  await Promise.all(
    Object.entries(KPI_QUERIES).map(async ([name, text]) => {
      await q.query(text, [from.toISOString(), to.toISOString()]);
      seconds[name] = (performance.now() - began) / 1000;
    }),
  );
  return { total: (performance.now() - began) / 1000, seconds, from, to };
}
