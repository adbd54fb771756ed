ALTER TABLE "dossiers" ADD COLUMN "processing_working_days" real;--> statement-breakpoint
ALTER TABLE "dossiers" ADD COLUMN "channel" text DEFAULT 'online' NOT NULL;--> statement-breakpoint
ALTER TABLE "dossiers" ADD COLUMN "refused" boolean DEFAULT false NOT NULL;