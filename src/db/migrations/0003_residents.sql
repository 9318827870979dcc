CREATE TABLE "residents" (
	"id" serial PRIMARY KEY NOT NULL,
	"commune_id" integer NOT NULL,
	"full_name" text,
	"gender" text,
	"birth_year" smallint,
	"phone_enc" text,
	"phone_hash" text,
	"national_id_enc" text,
	"national_id_hash" text,
	"consent_purpose" text,
	"consent_at" timestamp with time zone,
	"created_by" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"erased_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "residents" ADD CONSTRAINT "residents_commune_id_admin_units_id_fk" FOREIGN KEY ("commune_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "residents_commune_idx" ON "residents" USING btree ("commune_id");--> statement-breakpoint
CREATE INDEX "residents_phone_hash_idx" ON "residents" USING btree ("phone_hash");--> statement-breakpoint
CREATE INDEX "residents_national_id_hash_idx" ON "residents" USING btree ("national_id_hash");