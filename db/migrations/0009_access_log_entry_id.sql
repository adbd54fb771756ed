ALTER TABLE "access_log" ADD COLUMN "entry_id" text;--> statement-breakpoint
ALTER TABLE "access_log" ADD CONSTRAINT "access_log_entry_id_unique" UNIQUE("entry_id");