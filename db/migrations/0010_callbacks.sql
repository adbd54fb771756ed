CREATE TABLE "tracking_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"reference" text NOT NULL,
	"tracking_number" text NOT NULL,
	"event" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"note" text,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"applied" text
);
--> statement-breakpoint
ALTER TABLE "tracking_events" ADD CONSTRAINT "tracking_events_reference_dossiers_reference_fk" FOREIGN KEY ("reference") REFERENCES "public"."dossiers"("reference") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "tracking_events_event_key" ON "tracking_events" USING btree ("tracking_number","event","at");--> statement-breakpoint
CREATE INDEX "tracking_events_reference_idx" ON "tracking_events" USING btree ("reference","at");--> statement-breakpoint
CREATE INDEX "dossiers_fee_order_idx" ON "dossiers" USING btree (("state"->'feeNotice'->>'orderId'));--> statement-breakpoint
CREATE INDEX "dossiers_tracking_number_idx" ON "dossiers" USING btree (("state"->'shipment'->>'trackingNumber'));