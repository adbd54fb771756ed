CREATE TABLE "accounts" (
	"id" serial PRIMARY KEY NOT NULL,
	"username" text NOT NULL,
	"full_name" text NOT NULL,
	"agency_code" text NOT NULL,
	"unit" text,
	"roles" text[] NOT NULL,
	"admin_level" integer,
	"data_scope" text DEFAULT 'own' NOT NULL,
	"password_hash" text NOT NULL,
	"must_change_password" boolean DEFAULT true NOT NULL,
	"password_changed_at" timestamp with time zone,
	"failed_attempts" integer DEFAULT 0 NOT NULL,
	"locked_until" timestamp with time zone,
	"status" text DEFAULT 'active' NOT NULL,
	"closed_at" timestamp with time zone,
	"ip_allow_list" text[] DEFAULT '{}'::text[] NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" text NOT NULL,
	"updated_at" timestamp with time zone,
	"last_login_at" timestamp with time zone,
	CONSTRAINT "accounts_data_scope_check" CHECK ("accounts"."data_scope" in ('agency', 'unit', 'own')),
	CONSTRAINT "accounts_status_check" CHECK ("accounts"."status" in ('active', 'closed')),
	CONSTRAINT "accounts_admin_level_check" CHECK (("accounts"."admin_level" is not null and "accounts"."admin_level" in (1, 2)) = ('admin' = any("accounts"."roles")))
);
--> statement-breakpoint
CREATE TABLE "api_keys" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"key_hash" text NOT NULL,
	"key_prefix" text NOT NULL,
	"agency_codes" text[] NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" text NOT NULL,
	"revoked_at" timestamp with time zone,
	"revoked_by" text,
	"last_used_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"id" text PRIMARY KEY NOT NULL,
	"account_id" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"revoked_at" timestamp with time zone,
	"revoked_by" text,
	"ip" text,
	"user_agent" text
);
--> statement-breakpoint
CREATE TABLE "workflow_histories" (
	"reference" text PRIMARY KEY NOT NULL,
	"code" text,
	"agency_code" text NOT NULL,
	"workflow_id" text NOT NULL,
	"run_id" text NOT NULL,
	"workflow_type" text NOT NULL,
	"history" text NOT NULL,
	"sha256" text NOT NULL,
	"events" integer NOT NULL,
	"worker_build_id" text NOT NULL,
	"worker_build_ids" jsonb NOT NULL,
	"closed_at" timestamp with time zone NOT NULL,
	"archived_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "agencies" ADD COLUMN "bank_name" text;--> statement-breakpoint
ALTER TABLE "agencies" ADD COLUMN "bank_account_number" text;--> statement-breakpoint
ALTER TABLE "agencies" ADD COLUMN "bank_account_holder" text;--> statement-breakpoint
ALTER TABLE "agencies" ADD COLUMN "receiving_address" text;--> statement-breakpoint
ALTER TABLE "agencies" ADD COLUMN "units" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "agencies" ADD COLUMN "updated_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "agencies" ADD COLUMN "updated_by" text;--> statement-breakpoint
ALTER TABLE "accounts" ADD CONSTRAINT "accounts_agency_code_agencies_code_fk" FOREIGN KEY ("agency_code") REFERENCES "public"."agencies"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "accounts_username_key" ON "accounts" USING btree ("username");--> statement-breakpoint
CREATE INDEX "accounts_agency_unit_idx" ON "accounts" USING btree ("agency_code","unit");--> statement-breakpoint
CREATE UNIQUE INDEX "api_keys_name_key" ON "api_keys" USING btree ("name");--> statement-breakpoint
CREATE UNIQUE INDEX "api_keys_key_hash_key" ON "api_keys" USING btree ("key_hash");--> statement-breakpoint
CREATE INDEX "sessions_account_idx" ON "sessions" USING btree ("account_id","created_at");--> statement-breakpoint
CREATE INDEX "workflow_histories_code_idx" ON "workflow_histories" USING btree ("code");--> statement-breakpoint
CREATE INDEX "workflow_histories_archived_idx" ON "workflow_histories" USING btree ("archived_at");--> statement-breakpoint
CREATE INDEX "dossier_transitions_username_idx" ON "dossier_transitions" USING btree ("username");