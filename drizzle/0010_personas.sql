CREATE TABLE "persona_assignments" (
	"persona_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"assigned_by" uuid,
	"assigned_at" timestamp with time zone NOT NULL,
	CONSTRAINT "persona_assignments_persona_id_user_id_pk" PRIMARY KEY("persona_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "persona_reviews" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"persona_id" uuid NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"reviewer_id" uuid NOT NULL,
	"necessity" text NOT NULL,
	"proportionality" text NOT NULL,
	"decision" text NOT NULL,
	"next_review_on" date
);
--> statement-breakpoint
CREATE TABLE "persona_secrets" (
	"persona_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"sealed" text NOT NULL,
	"key_id" text NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "persona_secrets_persona_id_kind_pk" PRIMARY KEY("persona_id","kind")
);
--> statement-breakpoint
CREATE TABLE "persona_status_history" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"persona_id" uuid NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"from_status" text,
	"to_status" text NOT NULL,
	"actor_id" uuid,
	"reason" text
);
--> statement-breakpoint
CREATE TABLE "persona_uses" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"persona_id" uuid NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"user_id" uuid NOT NULL,
	"purpose" text NOT NULL,
	"referral_id" uuid,
	"investigation_reference" text,
	"repeated_viewing_prompted" boolean DEFAULT false NOT NULL,
	"repeated_viewing_answer" text
);
--> statement-breakpoint
CREATE TABLE "personas" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"website" text NOT NULL,
	"year_joined" integer NOT NULL,
	"user_name" text NOT NULL,
	"email_address" text NOT NULL,
	"date_of_birth_used" date,
	"phone_number" text,
	"justification" text NOT NULL,
	"creator_id" uuid NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"status" text NOT NULL,
	"authorising_officer_id" uuid,
	"authorised_at" timestamp with time zone,
	"authorisation_reason" text,
	"review_due_on" date,
	"retired_at" timestamp with time zone,
	"retired_by" uuid,
	"retirement_reason" text
);
--> statement-breakpoint
ALTER TABLE "persona_assignments" ADD CONSTRAINT "persona_assignments_persona_id_personas_id_fk" FOREIGN KEY ("persona_id") REFERENCES "public"."personas"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "persona_assignments" ADD CONSTRAINT "persona_assignments_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "persona_assignments" ADD CONSTRAINT "persona_assignments_assigned_by_users_id_fk" FOREIGN KEY ("assigned_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "persona_reviews" ADD CONSTRAINT "persona_reviews_persona_id_personas_id_fk" FOREIGN KEY ("persona_id") REFERENCES "public"."personas"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "persona_reviews" ADD CONSTRAINT "persona_reviews_reviewer_id_users_id_fk" FOREIGN KEY ("reviewer_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "persona_secrets" ADD CONSTRAINT "persona_secrets_persona_id_personas_id_fk" FOREIGN KEY ("persona_id") REFERENCES "public"."personas"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "persona_status_history" ADD CONSTRAINT "persona_status_history_persona_id_personas_id_fk" FOREIGN KEY ("persona_id") REFERENCES "public"."personas"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "persona_status_history" ADD CONSTRAINT "persona_status_history_actor_id_users_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "persona_uses" ADD CONSTRAINT "persona_uses_persona_id_personas_id_fk" FOREIGN KEY ("persona_id") REFERENCES "public"."personas"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "persona_uses" ADD CONSTRAINT "persona_uses_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "persona_uses" ADD CONSTRAINT "persona_uses_referral_id_referrals_id_fk" FOREIGN KEY ("referral_id") REFERENCES "public"."referrals"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "personas" ADD CONSTRAINT "personas_creator_id_users_id_fk" FOREIGN KEY ("creator_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "personas" ADD CONSTRAINT "personas_authorising_officer_id_users_id_fk" FOREIGN KEY ("authorising_officer_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "personas" ADD CONSTRAINT "personas_retired_by_users_id_fk" FOREIGN KEY ("retired_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "persona_assignments_user_idx" ON "persona_assignments" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "persona_reviews_idx" ON "persona_reviews" USING btree ("persona_id","at");--> statement-breakpoint
CREATE INDEX "persona_status_history_idx" ON "persona_status_history" USING btree ("persona_id","at");--> statement-breakpoint
CREATE INDEX "persona_uses_persona_idx" ON "persona_uses" USING btree ("persona_id","at");--> statement-breakpoint
CREATE INDEX "persona_uses_user_idx" ON "persona_uses" USING btree ("user_id","at");--> statement-breakpoint
CREATE INDEX "persona_uses_referral_idx" ON "persona_uses" USING btree ("referral_id","at");--> statement-breakpoint
CREATE INDEX "personas_status_idx" ON "personas" USING btree ("status","review_due_on");--> statement-breakpoint
CREATE INDEX "personas_created_idx" ON "personas" USING btree ("created_at","id");