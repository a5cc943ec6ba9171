CREATE TABLE "referral_platform_counts" (
	"platform" text PRIMARY KEY NOT NULL,
	"n" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "referral_status_counts" (
	"status" text PRIMARY KEY NOT NULL,
	"n" bigint NOT NULL
);
--> statement-breakpoint
DROP INDEX "referrals_submitted_idx";--> statement-breakpoint
CREATE INDEX "referral_events_action_idx" ON "referral_events" USING btree ("action","at","referral_id");--> statement-breakpoint
CREATE INDEX "referrals_submitted_idx" ON "referrals" USING btree ("submitted_at","reference","id");--> statement-breakpoint
INSERT INTO "referral_status_counts" ("status", "n") SELECT "status", count(*) FROM "referrals" GROUP BY "status";--> statement-breakpoint
-- Kept by row-level constraint triggers deferred to commit: a count row is locked only while the
-- transaction commits, not from the change until the end of the transaction, so intakes and
-- transitions do not queue on it (issue 4). Rows are bumped in status order, so two transactions
-- moving between the same two statuses lock them in one order.
CREATE FUNCTION "referral_status_counts_apply"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  moves text[] := '{}';
  deltas int[] := '{}';
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN moves := moves || OLD.status; deltas := deltas || -1; END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN moves := moves || NEW.status; deltas := deltas || 1; END IF;
  INSERT INTO referral_status_counts AS c (status, n)
    SELECT m.status, m.delta FROM unnest(moves, deltas) AS m(status, delta) ORDER BY m.status
    ON CONFLICT (status) DO UPDATE SET n = c.n + excluded.n;
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE CONSTRAINT TRIGGER "referral_status_counts_insert" AFTER INSERT ON "referrals"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "referral_status_counts_apply"();--> statement-breakpoint
CREATE CONSTRAINT TRIGGER "referral_status_counts_update" AFTER UPDATE OF "status" ON "referrals"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (OLD."status" IS DISTINCT FROM NEW."status")
  EXECUTE FUNCTION "referral_status_counts_apply"();--> statement-breakpoint
CREATE CONSTRAINT TRIGGER "referral_status_counts_delete" AFTER DELETE ON "referrals"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "referral_status_counts_apply"();
--> statement-breakpoint
INSERT INTO "referral_platform_counts" ("platform", "n") SELECT "platform", count(*) FROM "referral_platforms" GROUP BY "platform";--> statement-breakpoint
CREATE FUNCTION "referral_platform_counts_apply"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO referral_platform_counts AS c (platform, n) VALUES (NEW.platform, 1)
      ON CONFLICT (platform) DO UPDATE SET n = c.n + 1;
  ELSE
    UPDATE referral_platform_counts SET n = n - 1 WHERE platform = OLD.platform;
  END IF;
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE CONSTRAINT TRIGGER "referral_platform_counts_insert" AFTER INSERT ON "referral_platforms"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "referral_platform_counts_apply"();--> statement-breakpoint
CREATE CONSTRAINT TRIGGER "referral_platform_counts_delete" AFTER DELETE ON "referral_platforms"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "referral_platform_counts_apply"();
