CREATE TABLE "access_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"username" text,
	"agency_code" text,
	"kind" text NOT NULL,
	"what" text NOT NULL,
	"target" text,
	"status" integer NOT NULL,
	"ip" text NOT NULL,
	"user_agent" text,
	"browser" text,
	"os" text,
	"device" text
);
--> statement-breakpoint
CREATE INDEX "access_log_at_idx" ON "access_log" USING btree ("at");--> statement-breakpoint
CREATE INDEX "access_log_user_at_idx" ON "access_log" USING btree ("username","at");--> statement-breakpoint
CREATE INDEX "access_log_target_idx" ON "access_log" USING btree ("target");