CREATE TABLE "referral_safeguarding" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"referral_id" uuid NOT NULL,
	"stage" text NOT NULL,
	"action" text NOT NULL,
	"detail" text NOT NULL,
	"recorded_by" uuid NOT NULL,
	"recorded_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "referral_safeguarding" ADD CONSTRAINT "referral_safeguarding_referral_id_referrals_id_fk" FOREIGN KEY ("referral_id") REFERENCES "public"."referrals"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referral_safeguarding" ADD CONSTRAINT "referral_safeguarding_recorded_by_users_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "referral_safeguarding_referral_idx" ON "referral_safeguarding" USING btree ("referral_id","recorded_at");