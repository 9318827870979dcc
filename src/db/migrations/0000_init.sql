CREATE TABLE "admin_unit_successors" (
	"predecessor_id" integer NOT NULL,
	"successor_id" integer NOT NULL,
	CONSTRAINT "admin_unit_successors_predecessor_id_successor_id_pk" PRIMARY KEY("predecessor_id","successor_id")
);
--> statement-breakpoint
CREATE TABLE "admin_units" (
	"id" serial PRIMARY KEY NOT NULL,
	"code" text,
	"level" text NOT NULL,
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"short_name" text NOT NULL,
	"name_key" text NOT NULL,
	"search_key" text NOT NULL,
	"parent_id" integer,
	"province_code" text,
	"old_province_name" text,
	"valid_from" date,
	"valid_to" date,
	"source" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "catalogue_issues" (
	"id" serial PRIMARY KEY NOT NULL,
	"source_table" text NOT NULL,
	"source_id" text NOT NULL,
	"kind" text NOT NULL,
	"repaired" boolean NOT NULL,
	"detail" text NOT NULL,
	"data" jsonb
);
--> statement-breakpoint
CREATE TABLE "catalogue_meta" (
	"key" text PRIMARY KEY NOT NULL,
	"value" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "members" (
	"id" serial PRIMARY KEY NOT NULL,
	"full_name" text NOT NULL,
	"name_key" text NOT NULL,
	"search_key" text NOT NULL,
	"gender" text,
	"birth_year" smallint,
	"phone" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "team_members" (
	"team_id" integer NOT NULL,
	"member_id" integer NOT NULL,
	"role" text DEFAULT 'member' NOT NULL,
	"affiliations" text[] DEFAULT '{}' NOT NULL,
	"position" text,
	CONSTRAINT "team_members_team_id_member_id_pk" PRIMARY KEY("team_id","member_id")
);
--> statement-breakpoint
CREATE TABLE "teams" (
	"id" serial PRIMARY KEY NOT NULL,
	"level" text NOT NULL,
	"unit_id" integer NOT NULL,
	"commune_id" integer NOT NULL,
	"province_code" text NOT NULL,
	"name" text NOT NULL,
	"name_key" text NOT NULL,
	"search_key" text NOT NULL,
	"established_on" date,
	"status" text DEFAULT 'active' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "import_log" (
	"id" serial PRIMARY KEY NOT NULL,
	"file_name" text NOT NULL,
	"file_hash" text NOT NULL,
	"format" text NOT NULL,
	"rows" integer NOT NULL,
	"counts" jsonb NOT NULL,
	"imported_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "admin_unit_successors" ADD CONSTRAINT "admin_unit_successors_predecessor_id_admin_units_id_fk" FOREIGN KEY ("predecessor_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "admin_unit_successors" ADD CONSTRAINT "admin_unit_successors_successor_id_admin_units_id_fk" FOREIGN KEY ("successor_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "admin_units" ADD CONSTRAINT "admin_units_parent_id_admin_units_id_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "team_members" ADD CONSTRAINT "team_members_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "team_members" ADD CONSTRAINT "team_members_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."members"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "teams" ADD CONSTRAINT "teams_unit_id_admin_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "teams" ADD CONSTRAINT "teams_commune_id_admin_units_id_fk" FOREIGN KEY ("commune_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "admin_unit_successors_succ_idx" ON "admin_unit_successors" USING btree ("successor_id");--> statement-breakpoint
CREATE INDEX "admin_units_code_idx" ON "admin_units" USING btree ("code");--> statement-breakpoint
CREATE INDEX "admin_units_parent_idx" ON "admin_units" USING btree ("parent_id");--> statement-breakpoint
CREATE INDEX "admin_units_province_level_idx" ON "admin_units" USING btree ("province_code","level");--> statement-breakpoint
CREATE INDEX "admin_units_name_key_idx" ON "admin_units" USING btree ("name_key");--> statement-breakpoint
CREATE INDEX "members_phone_idx" ON "members" USING btree ("phone");--> statement-breakpoint
CREATE INDEX "members_name_key_idx" ON "members" USING btree ("name_key");--> statement-breakpoint
CREATE INDEX "team_members_member_idx" ON "team_members" USING btree ("member_id");--> statement-breakpoint
CREATE UNIQUE INDEX "teams_unit_name_uq" ON "teams" USING btree ("unit_id","name_key");--> statement-breakpoint
CREATE INDEX "teams_commune_idx" ON "teams" USING btree ("commune_id");--> statement-breakpoint
CREATE INDEX "teams_province_idx" ON "teams" USING btree ("province_code");