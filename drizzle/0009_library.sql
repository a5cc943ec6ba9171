CREATE TABLE "audio_fingerprints" (
	"sha256" text PRIMARY KEY NOT NULL,
	"duration_seconds" double precision NOT NULL,
	"fingerprint" integer[] NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "capture_matches" (
	"capture_id" uuid NOT NULL,
	"entry_id" uuid NOT NULL,
	"score" double precision NOT NULL,
	"offset_seconds" double precision NOT NULL,
	"matched_at" timestamp with time zone NOT NULL,
	CONSTRAINT "capture_matches_capture_id_entry_id_pk" PRIMARY KEY("capture_id","entry_id")
);
--> statement-breakpoint
CREATE TABLE "deletion_certificates" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"deleted_at" timestamp with time zone NOT NULL,
	"entity" text NOT NULL,
	"entity_id" uuid NOT NULL,
	"reference" text NOT NULL,
	"rule" text NOT NULL,
	"sha256s" text[] NOT NULL
);
--> statement-breakpoint
CREATE TABLE "library_entries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"referral_id" uuid,
	"reference" text NOT NULL,
	"content_title" text NOT NULL,
	"content_url" text NOT NULL,
	"platforms" text[] NOT NULL,
	"rationale" text NOT NULL,
	"summary" text NOT NULL,
	"terms_breached" text[] NOT NULL,
	"removed_on" date NOT NULL,
	"expires_on" date NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"hold_investigation_reference" text,
	"hold_reason" text,
	"hold_placed_by" uuid,
	"hold_placed_at" timestamp with time zone,
	"hold_review_on" date,
	CONSTRAINT "library_entries_referral_id_unique" UNIQUE("referral_id")
);
--> statement-breakpoint
CREATE TABLE "library_entry_captures" (
	"entry_id" uuid NOT NULL,
	"sha256" text NOT NULL,
	"capture_id" uuid,
	CONSTRAINT "library_entry_captures_entry_id_sha256_pk" PRIMARY KEY("entry_id","sha256")
);
--> statement-breakpoint
CREATE TABLE "library_history" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"entry_id" uuid NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"action" text NOT NULL,
	"actor_id" uuid,
	"investigation_reference" text,
	"reason" text,
	"review_on" date
);
--> statement-breakpoint
CREATE TABLE "library_terms" (
	"term" integer NOT NULL,
	"entry_id" uuid NOT NULL,
	"sha256" text NOT NULL,
	CONSTRAINT "library_terms_term_entry_id_sha256_pk" PRIMARY KEY("term","entry_id","sha256")
);
--> statement-breakpoint
ALTER TABLE "reviews" ADD COLUMN "musical" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "audio_fingerprints" ADD CONSTRAINT "audio_fingerprints_sha256_evidence_objects_sha256_fk" FOREIGN KEY ("sha256") REFERENCES "public"."evidence_objects"("sha256") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "capture_matches" ADD CONSTRAINT "capture_matches_capture_id_captures_id_fk" FOREIGN KEY ("capture_id") REFERENCES "public"."captures"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "capture_matches" ADD CONSTRAINT "capture_matches_entry_id_library_entries_id_fk" FOREIGN KEY ("entry_id") REFERENCES "public"."library_entries"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "library_entries" ADD CONSTRAINT "library_entries_referral_id_referrals_id_fk" FOREIGN KEY ("referral_id") REFERENCES "public"."referrals"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "library_entries" ADD CONSTRAINT "library_entries_hold_placed_by_users_id_fk" FOREIGN KEY ("hold_placed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "library_entry_captures" ADD CONSTRAINT "library_entry_captures_entry_id_library_entries_id_fk" FOREIGN KEY ("entry_id") REFERENCES "public"."library_entries"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "library_entry_captures" ADD CONSTRAINT "library_entry_captures_sha256_evidence_objects_sha256_fk" FOREIGN KEY ("sha256") REFERENCES "public"."evidence_objects"("sha256") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "library_entry_captures" ADD CONSTRAINT "library_entry_captures_capture_id_captures_id_fk" FOREIGN KEY ("capture_id") REFERENCES "public"."captures"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "library_history" ADD CONSTRAINT "library_history_entry_id_library_entries_id_fk" FOREIGN KEY ("entry_id") REFERENCES "public"."library_entries"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "library_history" ADD CONSTRAINT "library_history_actor_id_users_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "library_terms" ADD CONSTRAINT "library_terms_entry_id_library_entries_id_fk" FOREIGN KEY ("entry_id") REFERENCES "public"."library_entries"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "deletion_certificates_deleted_idx" ON "deletion_certificates" USING btree ("deleted_at");--> statement-breakpoint
CREATE INDEX "deletion_certificates_entity_idx" ON "deletion_certificates" USING btree ("entity","entity_id");--> statement-breakpoint
CREATE INDEX "library_entries_expires_idx" ON "library_entries" USING btree ("expires_on");--> statement-breakpoint
CREATE INDEX "library_entries_removed_idx" ON "library_entries" USING btree ("removed_on","id");--> statement-breakpoint
CREATE INDEX "library_entry_captures_sha_idx" ON "library_entry_captures" USING btree ("sha256");--> statement-breakpoint
CREATE INDEX "library_history_entry_idx" ON "library_history" USING btree ("entry_id","at");