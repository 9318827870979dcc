ALTER TABLE "import_mappings" DROP CONSTRAINT "import_mappings_pkey";--> statement-breakpoint
ALTER TABLE "import_mappings" ADD COLUMN "owner_key" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "import_mappings" ADD CONSTRAINT "import_mappings_shape_key_owner_key_pk" PRIMARY KEY("shape_key","owner_key");
