CREATE TABLE "captures" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"referral_id" uuid NOT NULL,
	"status" text NOT NULL,
	"error" text,
	"sha256" text,
	"original_name" text,
	"source_kind" text NOT NULL,
	"source_url" text,
	"tool" text,
	"tool_version" text,
	"tool_metadata" jsonb,
	"progress_bytes" bigint,
	"expected_bytes" bigint,
	"requested_at" timestamp with time zone NOT NULL,
	"captured_at" timestamp with time zone,
	"captured_by" uuid NOT NULL
);
--> statement-breakpoint
CREATE TABLE "evidence_objects" (
	"sha256" text PRIMARY KEY NOT NULL,
	"size" bigint NOT NULL,
	"media_type" text NOT NULL,
	"stored_at" timestamp with time zone NOT NULL,
	"analysis_status" text,
	"analysis" jsonb,
	"analysis_error" text,
	"contact_sheet_sha256" text,
	"waveform_sha256" text
);
--> statement-breakpoint
CREATE TABLE "evidence_packages" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"referral_id" uuid NOT NULL,
	"sha256" text NOT NULL,
	"size" bigint NOT NULL,
	"recipient" text NOT NULL,
	"purpose" text NOT NULL,
	"capture_ids" uuid[] NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"created_by" uuid NOT NULL
);
--> statement-breakpoint
ALTER TABLE "captures" ADD CONSTRAINT "captures_referral_id_referrals_id_fk" FOREIGN KEY ("referral_id") REFERENCES "public"."referrals"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "captures" ADD CONSTRAINT "captures_sha256_evidence_objects_sha256_fk" FOREIGN KEY ("sha256") REFERENCES "public"."evidence_objects"("sha256") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "captures" ADD CONSTRAINT "captures_captured_by_users_id_fk" FOREIGN KEY ("captured_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evidence_packages" ADD CONSTRAINT "evidence_packages_referral_id_referrals_id_fk" FOREIGN KEY ("referral_id") REFERENCES "public"."referrals"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evidence_packages" ADD CONSTRAINT "evidence_packages_sha256_evidence_objects_sha256_fk" FOREIGN KEY ("sha256") REFERENCES "public"."evidence_objects"("sha256") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evidence_packages" ADD CONSTRAINT "evidence_packages_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "captures_referral_idx" ON "captures" USING btree ("referral_id","requested_at");--> statement-breakpoint
CREATE INDEX "captures_sha256_idx" ON "captures" USING btree ("sha256");--> statement-breakpoint
CREATE INDEX "evidence_packages_referral_idx" ON "evidence_packages" USING btree ("referral_id","created_at");