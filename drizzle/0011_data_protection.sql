CREATE TABLE "referral_restrictions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"referral_id" uuid NOT NULL,
	"restricted_at" timestamp with time zone NOT NULL,
	"restricted_by" uuid NOT NULL,
	"reason" text NOT NULL,
	"released_at" timestamp with time zone,
	"released_by" uuid,
	"release_reason" text
);
--> statement-breakpoint
CREATE TABLE "retained_notice_facts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"quarter" date NOT NULL,
	"platform" text NOT NULL,
	"channel" text,
	"factors" text[] NOT NULL,
	"decision" text,
	"final_decision" text,
	"days_to_decision" integer,
	"appealed" boolean NOT NULL,
	"involves_child" boolean NOT NULL
);
--> statement-breakpoint
CREATE TABLE "retained_subject_facts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"quarter" date NOT NULL,
	"category" text NOT NULL,
	"age_band" text NOT NULL,
	"ethnicity" text,
	"ethnicity_recorded_as" text,
	"sex" text,
	"status" text NOT NULL,
	"outcome" text,
	"referred" boolean NOT NULL
);
--> statement-breakpoint
CREATE TABLE "subject_access_items" (
	"request_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"item_id" text NOT NULL,
	"referral_id" uuid,
	CONSTRAINT "subject_access_items_request_id_kind_item_id_pk" PRIMARY KEY("request_id","kind","item_id")
);
--> statement-breakpoint
CREATE TABLE "subject_access_requests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"subject_name" text NOT NULL,
	"received_on" date NOT NULL,
	"due_on" date NOT NULL,
	"extended_to" date,
	"extension_reason" text,
	"restriction_reason" text,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"completed_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "referrals" ADD COLUMN "hold_investigation_reference" text;--> statement-breakpoint
ALTER TABLE "referrals" ADD COLUMN "hold_reason" text;--> statement-breakpoint
ALTER TABLE "referrals" ADD COLUMN "hold_placed_by" uuid;--> statement-breakpoint
ALTER TABLE "referrals" ADD COLUMN "hold_placed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "referrals" ADD COLUMN "hold_review_on" date;--> statement-breakpoint
ALTER TABLE "referrals" ADD COLUMN "restricted_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "subjects" ADD COLUMN "ethnicity" text;--> statement-breakpoint
ALTER TABLE "subjects" ADD COLUMN "ethnicity_recorded_as" text;--> statement-breakpoint
ALTER TABLE "subjects" ADD COLUMN "sex" text;--> statement-breakpoint
ALTER TABLE "persona_uses" ADD COLUMN "subject" text;--> statement-breakpoint
ALTER TABLE "persona_uses" ADD COLUMN "subject_key" text;--> statement-breakpoint
ALTER TABLE "referral_restrictions" ADD CONSTRAINT "referral_restrictions_referral_id_referrals_id_fk" FOREIGN KEY ("referral_id") REFERENCES "public"."referrals"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referral_restrictions" ADD CONSTRAINT "referral_restrictions_restricted_by_users_id_fk" FOREIGN KEY ("restricted_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referral_restrictions" ADD CONSTRAINT "referral_restrictions_released_by_users_id_fk" FOREIGN KEY ("released_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subject_access_items" ADD CONSTRAINT "subject_access_items_request_id_subject_access_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."subject_access_requests"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subject_access_items" ADD CONSTRAINT "subject_access_items_referral_id_referrals_id_fk" FOREIGN KEY ("referral_id") REFERENCES "public"."referrals"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subject_access_requests" ADD CONSTRAINT "subject_access_requests_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "referral_restrictions_referral_idx" ON "referral_restrictions" USING btree ("referral_id","restricted_at");--> statement-breakpoint
CREATE INDEX "retained_notice_facts_quarter_idx" ON "retained_notice_facts" USING btree ("quarter");--> statement-breakpoint
CREATE INDEX "retained_subject_facts_quarter_idx" ON "retained_subject_facts" USING btree ("quarter");--> statement-breakpoint
CREATE INDEX "subject_access_requests_due_idx" ON "subject_access_requests" USING btree ("completed_at","due_on");--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_hold_placed_by_users_id_fk" FOREIGN KEY ("hold_placed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "referrals_closed_idx" ON "referrals" USING btree ("closed_at") WHERE status = 'closed';--> statement-breakpoint
CREATE INDEX "persona_uses_subject_idx" ON "persona_uses" USING btree ("subject_key","at");--> statement-breakpoint
-- Issue 15 point 1: what the reports count, one row per subject and one per notice sent to a platform,
-- without names, dates of birth, references or free text. The reports read these views together with
-- the retained_* tables; the retention sweep copies a referral's rows into those tables in the
-- transaction that deletes it, so deleting old referrals never changes a published figure.
CREATE VIEW "live_subject_facts" AS
SELECT s."referral_id",
  date_trunc('quarter', r."submitted_at" AT TIME ZONE 'Europe/London')::date AS "quarter",
  s."category", s."age_band", s."ethnicity", s."ethnicity_recorded_as", s."sex",
  r."status", r."outcome",
  EXISTS (SELECT 1 FROM "platform_referrals" pr WHERE pr."referral_id" = r."id" AND pr."submitted_at" IS NOT NULL) AS "referred"
FROM "subjects" s JOIN "referrals" r ON r."id" = s."referral_id";
--> statement-breakpoint
CREATE VIEW "live_notice_facts" AS
SELECT pr."referral_id",
  date_trunc('quarter', pr."submitted_at" AT TIME ZONE 'Europe/London')::date AS "quarter",
  pr."platform", pr."channel",
  ARRAY(SELECT f->>'factor' FROM jsonb_array_elements(lr."factors") f ORDER BY 1) AS "factors",
  pr."decision", pr."final_decision",
  (pr."decided_on" - (pr."submitted_at" AT TIME ZONE 'Europe/London')::date) AS "days_to_decision",
  pr."appealed_at" IS NOT NULL AS "appealed",
  EXISTS (SELECT 1 FROM "subjects" s WHERE s."referral_id" = pr."referral_id" AND s."age_band" IN ('under_13', '13_15', '16_17')) AS "involves_child"
FROM "platform_referrals" pr
LEFT JOIN LATERAL (
  SELECT v."factors" FROM "reviews" v WHERE v."referral_id" = pr."referral_id" ORDER BY v."created_at" DESC LIMIT 1
) lr ON true
WHERE pr."submitted_at" IS NOT NULL;
