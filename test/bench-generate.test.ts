import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawSql } from '../bench/database.js';
import { generate } from '../bench/generate.js';
import { KPI_QUERIES, KPI_REFERENCE } from '../bench/kpi.js';
import { createTestApp, type TestApp } from './harness.js';

/**
 * The bench's bulk load (issue 4) drops the secondary indexes and the count triggers for the load
 * and skips foreign key checks where it may: what it leaves must be what the application would.
 */
describe('bench data generation', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('leaves every index and trigger in place, counts kept right, platforms copied and references resolving', async () => {
    const q = rawSql(t.database);
    const indexes = `select tablename, indexname, indexdef from pg_indexes where schemaname = current_schema() order by 1, 2`;
    const triggers = `select tgrelid::regclass::text as t, tgname, tgenabled from pg_trigger where not tgisinternal order by 1, 2`;
    const [indexesBefore, triggersBefore] = [await q.query(indexes), await q.query(triggers)];
    expect(indexesBefore.length).toBeGreaterThan(20);

    const person = async (roles: Parameters<TestApp['user']>[0]) => {
      const u = await t.user(roles);
      return { id: u.id, username: u.username, displayName: u.username, ocu: 'North', unit: 'Gangs Unit' };
    };
    const people = {
      requesters: [await person(['requester'])],
      operatives: [await person(['operative'])],
      sergeants: [await person(['sergeant'])],
    };
    const platforms = await t.services.platforms.list();
    const gen = await generate(q, { scale: 400, now: new Date(), people, platforms, progress: false, batchSize: 150 });
    expect(gen.referrals).toBe(400);

    expect(await q.query(indexes)).toEqual(indexesBefore);
    expect(await q.query(triggers)).toEqual(triggersBefore);
    const [kept] = await q.query<{ ok: boolean }>(
      `select (select array_agg(row(status, n::int) order by status) from referral_status_counts where n <> 0)
            = (select array_agg(row(status, n) order by status) from (select status, count(*)::int as n from referrals group by status) c) as ok`,
    );
    expect(kept!.ok).toBe(true);
    const [keptPlatforms] = await q.query<{ ok: boolean }>(
      `select (select array_agg(row(platform, status, n::int) order by platform, status) from referral_platform_status_counts where n <> 0)
            = (select array_agg(row(platform, status, n) order by platform, status) from (
                 select rp.platform, r.status, count(*)::int as n from referral_platforms rp join referrals r on r.id = rp.referral_id
                  group by rp.platform, r.status) c) as ok`,
    );
    expect(keptPlatforms!.ok).toBe(true);
    const [copies] = await q.query<{ n: number }>(
      `select count(*)::int as n from referrals r
        where r.platforms is distinct from (select array_agg(platform order by platform) from referral_platforms rp where rp.referral_id = r.id)`,
    );
    expect(copies!.n).toBe(0);
    // The KPI set (bench/kpi.ts) gives what the obvious queries give; its counts by platform read
    // the referrals' copies, the reference joins referral_platforms.
    const range = ['2000-01-01T00:00:00Z', '2100-01-01T00:00:00Z'];
    const counts = await q.query<{ by: string; key: string; n: number }>(KPI_QUERIES.counts!, range);
    const countsBy = (by: string) =>
      counts
        .filter((c) => c.by === by)
        .map(({ key, n }) => ({ key, n }))
        .sort((a, b) => a.key.localeCompare(b.key));
    for (const [by, reference] of [
      ['status', KPI_REFERENCE.countsByStatus],
      ['outcome', KPI_REFERENCE.countsByOutcome],
      ['platform', KPI_REFERENCE.countsByPlatform],
    ] as const) {
      const expected = await q.query<{ key: string; n: number }>(`${reference} order by 1`, range);
      expect(expected.length, by).toBeGreaterThan(2);
      expect(countsBy(by), by).toEqual([...expected].sort((a, b) => a.key.localeCompare(b.key)));
    }
    for (const median of ['medianToReview', 'medianToPlatformDecision'] as const) {
      const [[fast], [slow]] = await Promise.all([q.query(KPI_QUERIES[median]!, range), q.query(KPI_REFERENCE[median], range)]);
      expect(Number(slow!.median_seconds), median).toBeGreaterThan(0);
      expect(Number(fast!.median_seconds), median).toBeCloseTo(Number(slow!.median_seconds), 3);
    }
    // Every reference the load wrote without the foreign key checks resolves.
    const [orphans] = await q.query<{ n: number }>(
      `select (select count(*) from referral_platforms x where not exists (select 1 from referrals r where r.id = x.referral_id))
            + (select count(*) from referral_events x where not exists (select 1 from referrals r where r.id = x.referral_id))
            + (select count(*) from subjects x where not exists (select 1 from referrals r where r.id = x.referral_id))
            + (select count(*) from platform_referrals x where not exists (select 1 from referrals r where r.id = x.referral_id))
            + (select count(*) from referral_platforms x where not exists (select 1 from platforms p where p.key = x.platform))
            + (select count(*) from referrals x where not exists (select 1 from users u where u.id = x.requester_id)) as n`,
    );
    expect(Number(orphans!.n)).toBe(0);
    expect((await t.services.audit.verify()).ok).toBe(true);
  }, 120_000);
});
