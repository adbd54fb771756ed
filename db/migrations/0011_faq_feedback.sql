CREATE TABLE "citizen_feedback" (
	"id" serial PRIMARY KEY NOT NULL,
	"dossier_code" text NOT NULL,
	"agency_code" text NOT NULL,
	"rating" integer NOT NULL,
	"comment" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "citizen_feedback_dossier_code_unique" UNIQUE("dossier_code"),
	CONSTRAINT "citizen_feedback_rating_check" CHECK ("citizen_feedback"."rating" between 1 and 5),
	CONSTRAINT "citizen_feedback_comment_check" CHECK (char_length("citizen_feedback"."comment") <= 1000)
);
--> statement-breakpoint
CREATE TABLE "faq_entries" (
	"id" serial PRIMARY KEY NOT NULL,
	"agency_code" text,
	"question" text NOT NULL,
	"answer" text NOT NULL,
	"sort_order" integer DEFAULT 0 NOT NULL,
	"published" boolean DEFAULT true NOT NULL,
	"seed_key" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" text NOT NULL,
	CONSTRAINT "faq_entries_seed_key_unique" UNIQUE("seed_key")
);
--> statement-breakpoint
ALTER TABLE "faq_entries" ADD CONSTRAINT "faq_entries_agency_code_agencies_code_fk" FOREIGN KEY ("agency_code") REFERENCES "public"."agencies"("code") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "citizen_feedback_agency_at_idx" ON "citizen_feedback" USING btree ("agency_code","created_at");--> statement-breakpoint
CREATE INDEX "faq_entries_agency_idx" ON "faq_entries" USING btree ("agency_code","sort_order");