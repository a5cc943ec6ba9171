DROP INDEX "referral_platforms_platform_idx";--> statement-breakpoint
CREATE INDEX "referrals_assignee_idx" ON "referrals" USING btree ("assignee_id","status","submitted_at");--> statement-breakpoint
CREATE INDEX "referrals_submitted_idx" ON "referrals" USING btree ("submitted_at");--> statement-breakpoint
CREATE INDEX "referral_platforms_platform_idx" ON "referral_platforms" USING btree ("platform","referral_id");