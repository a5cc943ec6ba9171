CREATE TABLE "referral_status_counts" (
	"status" text PRIMARY KEY NOT NULL,
	"n" bigint NOT NULL
);
--> statement-breakpoint
DROP INDEX "referrals_submitted_idx";--> statement-breakpoint
CREATE INDEX "referrals_submitted_idx" ON "referrals" USING btree ("submitted_at","reference","id");--> statement-breakpoint
INSERT INTO "referral_status_counts" ("status", "n") SELECT "status", count(*) FROM "referrals" GROUP BY "status";--> statement-breakpoint
-- Statement-level triggers with transition tables: one upsert per status per statement, so a bulk
-- insert of 1,000 referrals moves each count once, not 1,000 times. An UPDATE that leaves the
-- status alone changes nothing (the deltas cancel and zero deltas are skipped). Rows are upserted in
-- status order, so two transactions moving between the same two statuses lock them in one order.
CREATE FUNCTION "referral_status_counts_apply"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO referral_status_counts (status, n)
      SELECT status, count(*) FROM new_rows GROUP BY status ORDER BY status
      ON CONFLICT (status) DO UPDATE SET n = referral_status_counts.n + excluded.n;
  ELSIF TG_OP = 'DELETE' THEN
    UPDATE referral_status_counts c SET n = c.n - d.n
      FROM (SELECT status, count(*) AS n FROM old_rows GROUP BY status) d WHERE c.status = d.status;
  ELSE
    INSERT INTO referral_status_counts (status, n)
      SELECT status, sum(delta) FROM (
        SELECT o.status, -1 AS delta FROM old_rows o JOIN new_rows w ON w.id = o.id WHERE o.status <> w.status
        UNION ALL
        SELECT w.status, 1 AS delta FROM old_rows o JOIN new_rows w ON w.id = o.id WHERE o.status <> w.status
      ) d GROUP BY status HAVING sum(delta) <> 0 ORDER BY status
      ON CONFLICT (status) DO UPDATE SET n = referral_status_counts.n + excluded.n;
  END IF;
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "referral_status_counts_insert" AFTER INSERT ON "referrals" REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "referral_status_counts_apply"();--> statement-breakpoint
CREATE TRIGGER "referral_status_counts_update" AFTER UPDATE ON "referrals" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "referral_status_counts_apply"();--> statement-breakpoint
CREATE TRIGGER "referral_status_counts_delete" AFTER DELETE ON "referrals" REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "referral_status_counts_apply"();
