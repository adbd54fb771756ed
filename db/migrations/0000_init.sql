CREATE TABLE "dossier_code_counters" (
	"agency_code" text NOT NULL,
	"local_date" text NOT NULL,
	"last_sequence" integer NOT NULL,
	CONSTRAINT "dossier_code_counters_agency_code_local_date_pk" PRIMARY KEY("agency_code","local_date")
);
--> statement-breakpoint
CREATE TABLE "dossiers" (
	"reference" text PRIMARY KEY NOT NULL,
	"agency_code" text NOT NULL,
	"external_ref" text,
	"code" text,
	"application" jsonb,
	"submitted_at" timestamp with time zone DEFAULT now() NOT NULL,
	"received_at" timestamp with time zone
);
--> statement-breakpoint
CREATE UNIQUE INDEX "dossiers_agency_external_ref_key" ON "dossiers" USING btree ("agency_code","external_ref");--> statement-breakpoint
CREATE UNIQUE INDEX "dossiers_code_key" ON "dossiers" USING btree ("code");