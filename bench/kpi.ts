import type { RawSql } from './database.js';

/**
 * The quarterly KPI query set (SOP 6.5, 7.2), written here in SQL for the bench until the KPI
 * report itself is built (a later issue): every figure is computed from the life-cycle stamps
 * in referral_events and the platform referrals, for the referrals submitted in the quarter.
 * A step cannot come before its referral's submission, so `e.at >= $1` holds for every event that
 * counts; it lets the medians read only that kind of step since the quarter began
 * (`referral_events_action_idx`) rather than every event ever recorded. The counts by platform
 * read each referral's own copy of its platforms (migration 0005), with no join.
 */
export const KPI_QUERIES: Record<string, string> = {
  countsByStatus: `select status, count(*)::int as n from referrals where submitted_at >= $1 and submitted_at < $2 group by status`,
  countsByPlatform: `select p.platform, count(*)::int as n
      from referrals r, unnest(r.platforms) as p(platform)
     where r.submitted_at >= $1 and r.submitted_at < $2 group by p.platform`,
  countsByOutcome: `select coalesce(outcome, 'open') as outcome, count(*)::int as n
      from referrals where submitted_at >= $1 and submitted_at < $2 group by 1`,
  medianToReview: `select percentile_cont(0.5) within group (order by secs) as median_seconds from (
      select extract(epoch from min(e.at) - r.submitted_at) as secs
        from referrals r join referral_events e on e.referral_id = r.id
       where r.submitted_at >= $1 and r.submitted_at < $2
         and e.action in ('reviewed_refer', 'reviewed_no_further_action') and e.at >= $1
       group by r.id, r.submitted_at) x`,
  medianToPlatformDecision: `select percentile_cont(0.5) within group (order by secs) as median_seconds from (
      select extract(epoch from min(e.at) - r.submitted_at) as secs
        from referrals r join referral_events e on e.referral_id = r.id
       where r.submitted_at >= $1 and r.submitted_at < $2
         and e.action in ('platform_removed', 'platform_not_removed') and e.at >= $1
       group by r.id, e.platform, r.submitted_at) x`,
  removalRateByPlatform: `select pr.platform,
           count(*) filter (where pr.decision is not null)::int as decided,
           count(*) filter (where pr.status = 'removed')::int as removed,
           round(count(*) filter (where pr.status = 'removed')::numeric / nullif(count(*) filter (where pr.decision is not null), 0), 3) as rate
      from platform_referrals pr join referrals r on r.id = pr.referral_id
     where r.submitted_at >= $1 and r.submitted_at < $2 group by pr.platform`,
};

/** The last whole calendar quarter before `now` (UTC). */
export function lastQuarter(now: Date): { from: Date; to: Date } {
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
