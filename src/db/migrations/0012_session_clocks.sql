ALTER TABLE "support_sessions" ADD COLUMN "device_occurred_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "support_sessions" ADD COLUMN "clock_offset_ms" integer;--> statement-breakpoint
ALTER TABLE "support_sessions" ADD COLUMN "clock_flag" boolean DEFAULT false NOT NULL;--> statement-breakpoint
CREATE TABLE "support_session_reviews" (
	"session_id" uuid PRIMARY KEY NOT NULL,
	"province_code" text NOT NULL,
	"commune_id" integer NOT NULL,
	"team_id" integer NOT NULL,
	"reason" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"device_occurred_at" timestamp with time zone NOT NULL,
	"clock_offset_ms" integer,
	"clock_flag" boolean DEFAULT false NOT NULL,
	"corrected_at" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	"record" jsonb NOT NULL,
	"decided_by" integer,
	"decided_at" timestamp with time zone,
	"counted_at" timestamp with time zone
);--> statement-breakpoint
ALTER TABLE "support_session_reviews" ADD CONSTRAINT "support_session_reviews_commune_id_admin_units_id_fk" FOREIGN KEY ("commune_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "support_session_reviews" ADD CONSTRAINT "support_session_reviews_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "support_session_reviews_commune_status_idx" ON "support_session_reviews" USING btree ("commune_id","status","received_at");
