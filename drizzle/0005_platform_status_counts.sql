CREATE TABLE "referral_platform_status_counts" (
	"platform" text NOT NULL,
	"status" text NOT NULL,
	"n" bigint NOT NULL,
	CONSTRAINT "referral_platform_status_counts_platform_status_pk" PRIMARY KEY("platform","status")
);
--> statement-breakpoint
DROP TABLE "referral_platform_counts" CASCADE;--> statement-breakpoint
DROP INDEX "referral_platforms_platform_idx";--> statement-breakpoint
ALTER TABLE "referrals" ADD COLUMN "platforms" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
-- Issue 4: each referral keeps a copy of its platforms (sorted), filled here once from
-- referral_platforms and written with them at intake after, so that the work queue filters on a
-- platform without a join, and the counts per platform and status are kept by the trigger on
-- referrals from that copy alone (OLD and NEW), replacing the per-platform counts of 0004.
DROP TRIGGER "referral_platform_counts_insert" ON "referral_platforms";--> statement-breakpoint
DROP TRIGGER "referral_platform_counts_delete" ON "referral_platforms";--> statement-breakpoint
DROP FUNCTION "referral_platform_counts_apply"();--> statement-breakpoint
UPDATE "referrals" r SET "platforms" = p.platforms
  FROM (SELECT "referral_id", array_agg("platform" ORDER BY "platform") AS platforms FROM "referral_platforms" GROUP BY "referral_id") p
  WHERE p."referral_id" = r."id";--> statement-breakpoint
INSERT INTO "referral_platform_status_counts" ("platform", "status", "n")
  SELECT p.platform, r."status", count(*) FROM "referrals" r, unnest(r."platforms") AS p(platform) GROUP BY p.platform, r."status";--> statement-breakpoint
-- Rows are bumped in key order (status; platform, status), so two transactions lock them in one order.
CREATE OR REPLACE FUNCTION "referral_status_counts_apply"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  moves text[] := '{}';
  deltas int[] := '{}';
  platform_moves text[] := '{}';
  platform_statuses text[] := '{}';
  platform_deltas int[] := '{}';
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    moves := moves || OLD.status;
    deltas := deltas || -1;
    platform_moves := platform_moves || OLD.platforms;
    platform_statuses := platform_statuses || array_fill(OLD.status, ARRAY[cardinality(OLD.platforms)]);
    platform_deltas := platform_deltas || array_fill(-1, ARRAY[cardinality(OLD.platforms)]);
  END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN
    moves := moves || NEW.status;
    deltas := deltas || 1;
    platform_moves := platform_moves || NEW.platforms;
    platform_statuses := platform_statuses || array_fill(NEW.status, ARRAY[cardinality(NEW.platforms)]);
    platform_deltas := platform_deltas || array_fill(1, ARRAY[cardinality(NEW.platforms)]);
  END IF;
  INSERT INTO referral_status_counts AS c (status, n)
    SELECT m.status, sum(m.delta) FROM unnest(moves, deltas) AS m(status, delta) GROUP BY m.status ORDER BY m.status
    ON CONFLICT (status) DO UPDATE SET n = c.n + excluded.n;
  INSERT INTO referral_platform_status_counts AS c (platform, status, n)
    SELECT m.platform, m.status, sum(m.delta)
      FROM unnest(platform_moves, platform_statuses, platform_deltas) AS m(platform, status, delta)
      GROUP BY m.platform, m.status ORDER BY m.platform, m.status
    ON CONFLICT (platform, status) DO UPDATE SET n = c.n + excluded.n;
  RETURN NULL;
END
$$;--> statement-breakpoint
DROP TRIGGER "referral_status_counts_update" ON "referrals";--> statement-breakpoint
CREATE CONSTRAINT TRIGGER "referral_status_counts_update" AFTER UPDATE OF "status", "platforms" ON "referrals"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
  WHEN (OLD."status" IS DISTINCT FROM NEW."status" OR OLD."platforms" IS DISTINCT FROM NEW."platforms")
  EXECUTE FUNCTION "referral_status_counts_apply"();
