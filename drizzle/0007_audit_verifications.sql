CREATE TABLE "audit_verifications" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone NOT NULL,
	"ok" boolean NOT NULL,
	"entries" integer NOT NULL,
	"fault_seq" bigint,
	"fault_problem" text
);
--> statement-breakpoint
CREATE INDEX "audit_verifications_finished_idx" ON "audit_verifications" USING btree ("finished_at");