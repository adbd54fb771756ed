CREATE TABLE "dossier_transitions" (
	"reference" text NOT NULL,
	"seq" integer NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"username" text NOT NULL,
	"role" text NOT NULL,
	"action" text NOT NULL,
	"from_status" text,
	"to_status" text NOT NULL,
	"note" text,
	CONSTRAINT "dossier_transitions_reference_seq_pk" PRIMARY KEY("reference","seq")
);
--> statement-breakpoint
ALTER TABLE "dossiers" ADD COLUMN "status" text;--> statement-breakpoint
ALTER TABLE "dossiers" ADD COLUMN "portal_status" integer;--> statement-breakpoint
ALTER TABLE "dossiers" ADD COLUMN "due_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "dossiers" ADD COLUMN "late" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "dossiers" ADD COLUMN "assignee" text;--> statement-breakpoint
ALTER TABLE "dossiers" ADD COLUMN "citizen_id" text;--> statement-breakpoint
ALTER TABLE "dossiers" ADD COLUMN "delivery_method" text;--> statement-breakpoint
ALTER TABLE "dossiers" ADD COLUMN "paid_online" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "dossiers" ADD COLUMN "supplement_requests" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "dossiers" ADD COLUMN "processing_ended_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "dossiers" ADD COLUMN "on_time" boolean;--> statement-breakpoint
ALTER TABLE "dossiers" ADD COLUMN "closed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "dossiers" ADD COLUMN "revision" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "dossiers" ADD COLUMN "state" jsonb;--> statement-breakpoint
ALTER TABLE "dossiers" ADD COLUMN "updated_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "dossier_transitions_at_idx" ON "dossier_transitions" USING btree ("at");--> statement-breakpoint
CREATE INDEX "dossiers_agency_status_idx" ON "dossiers" USING btree ("agency_code","status","due_at");--> statement-breakpoint
CREATE INDEX "dossiers_agency_received_idx" ON "dossiers" USING btree ("agency_code","received_at");--> statement-breakpoint
CREATE INDEX "dossiers_assignee_idx" ON "dossiers" USING btree ("assignee","due_at");--> statement-breakpoint
CREATE INDEX "dossiers_citizen_idx" ON "dossiers" USING btree ("citizen_id");--> statement-breakpoint
CREATE INDEX "dossiers_late_open_idx" ON "dossiers" USING btree ("agency_code","due_at") WHERE "dossiers"."late" and "dossiers"."closed_at" is null;