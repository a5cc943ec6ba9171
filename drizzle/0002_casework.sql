CREATE TABLE "intelligence_records" (
	"referral_id" uuid PRIMARY KEY NOT NULL,
	"content_title" text NOT NULL,
	"content_url" text NOT NULL,
	"platforms" text[] NOT NULL,
	"rationale" text NOT NULL,
	"summary" text NOT NULL,
	"breach" text NOT NULL,
	"source_evaluation" text NOT NULL,
	"intelligence_assessment" text NOT NULL,
	"handling_code" text NOT NULL,
	"handling_conditions" text,
	"force_reference" text,
	"decisions" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"created_by" uuid NOT NULL
);
--> statement-breakpoint
CREATE TABLE "platform_referrals" (
	"referral_id" uuid NOT NULL,
	"platform" text NOT NULL,
	"status" text NOT NULL,
	"not_appealed" boolean DEFAULT false NOT NULL,
	"terms_breached" text[] NOT NULL,
	"draft" text NOT NULL,
	"channel" text,
	"submitted_at" timestamp with time zone,
	"external_reference" text,
	"decision" text,
	"decided_on" date,
	"appeal_reason" text,
	"appealed_at" timestamp with time zone,
	"final_decision" text,
	"final_decided_on" date,
	CONSTRAINT "platform_referrals_referral_id_platform_pk" PRIMARY KEY("referral_id","platform")
);
--> statement-breakpoint
CREATE TABLE "reviews" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"referral_id" uuid NOT NULL,
	"reviewer_id" uuid NOT NULL,
	"content_format" text NOT NULL,
	"factors" jsonb NOT NULL,
	"research_summary" text NOT NULL,
	"research_references" text,
	"reviewed_on" date NOT NULL,
	"outcome" text NOT NULL,
	"rationale" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "referral_events" ADD COLUMN "platform" text;--> statement-breakpoint
ALTER TABLE "referrals" ADD COLUMN "draft_author_id" uuid;--> statement-breakpoint
ALTER TABLE "referrals" ADD COLUMN "self_tasked_reason" text;--> statement-breakpoint
ALTER TABLE "intelligence_records" ADD CONSTRAINT "intelligence_records_referral_id_referrals_id_fk" FOREIGN KEY ("referral_id") REFERENCES "public"."referrals"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "intelligence_records" ADD CONSTRAINT "intelligence_records_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "platform_referrals" ADD CONSTRAINT "platform_referrals_referral_id_referrals_id_fk" FOREIGN KEY ("referral_id") REFERENCES "public"."referrals"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "platform_referrals" ADD CONSTRAINT "platform_referrals_platform_platforms_key_fk" FOREIGN KEY ("platform") REFERENCES "public"."platforms"("key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reviews" ADD CONSTRAINT "reviews_referral_id_referrals_id_fk" FOREIGN KEY ("referral_id") REFERENCES "public"."referrals"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reviews" ADD CONSTRAINT "reviews_reviewer_id_users_id_fk" FOREIGN KEY ("reviewer_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "platform_referrals_status_idx" ON "platform_referrals" USING btree ("platform","status");--> statement-breakpoint
CREATE INDEX "reviews_referral_idx" ON "reviews" USING btree ("referral_id","created_at");--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_draft_author_id_users_id_fk" FOREIGN KEY ("draft_author_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;