ALTER TABLE "import_log" ADD COLUMN "user_id" integer;--> statement-breakpoint
ALTER TABLE "import_log" ADD COLUMN "province_codes" text[] DEFAULT '{}' NOT NULL;--> statement-breakpoint
ALTER TABLE "import_log" ADD COLUMN "commune_ids" integer[] DEFAULT '{}' NOT NULL;