CREATE TABLE "admin_unit_names" (
	"unit_id" integer NOT NULL,
	"name" text NOT NULL,
	"name_key" text NOT NULL,
	"valid_to" date NOT NULL,
	CONSTRAINT "admin_unit_names_unit_id_name_key_pk" PRIMARY KEY("unit_id","name_key")
);
--> statement-breakpoint
CREATE TABLE "member_distinct_pairs" (
	"member_a" integer NOT NULL,
	"member_b" integer NOT NULL,
	"decided_by" integer,
	"decided_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "team_statuses" (
	"id" serial PRIMARY KEY NOT NULL,
	"team_id" integer NOT NULL,
	"status" text NOT NULL,
	"valid_from" date NOT NULL,
	"reason" text,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "team_members" DROP CONSTRAINT "team_members_team_id_member_id_pk";--> statement-breakpoint
ALTER TABLE "members" ADD COLUMN "version" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "members" ADD COLUMN "merged_into_id" integer;--> statement-breakpoint
ALTER TABLE "team_members" ADD COLUMN "id" serial PRIMARY KEY NOT NULL;--> statement-breakpoint
ALTER TABLE "team_members" ADD COLUMN "start_reason" text DEFAULT 'joined' NOT NULL;--> statement-breakpoint
ALTER TABLE "team_members" ADD COLUMN "left_on" date;--> statement-breakpoint
ALTER TABLE "team_members" ADD COLUMN "end_reason" text;--> statement-breakpoint
ALTER TABLE "team_members" ADD COLUMN "end_note" text;--> statement-breakpoint
ALTER TABLE "teams" ADD COLUMN "status_since" date;--> statement-breakpoint
ALTER TABLE "teams" ADD COLUMN "status_reason" text;--> statement-breakpoint
ALTER TABLE "teams" ADD COLUMN "version" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "member_id" integer;--> statement-breakpoint
ALTER TABLE "admin_unit_names" ADD CONSTRAINT "admin_unit_names_unit_id_admin_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "member_distinct_pairs" ADD CONSTRAINT "member_distinct_pairs_member_a_members_id_fk" FOREIGN KEY ("member_a") REFERENCES "public"."members"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "member_distinct_pairs" ADD CONSTRAINT "member_distinct_pairs_member_b_members_id_fk" FOREIGN KEY ("member_b") REFERENCES "public"."members"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "team_statuses" ADD CONSTRAINT "team_statuses_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "admin_unit_names_key_idx" ON "admin_unit_names" USING btree ("name_key");--> statement-breakpoint
CREATE UNIQUE INDEX "member_distinct_pairs_uq" ON "member_distinct_pairs" USING btree ("member_a","member_b");--> statement-breakpoint
CREATE INDEX "team_statuses_team_idx" ON "team_statuses" USING btree ("team_id","valid_from");--> statement-breakpoint
ALTER TABLE "members" ADD CONSTRAINT "members_merged_into_id_members_id_fk" FOREIGN KEY ("merged_into_id") REFERENCES "public"."members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "team_members_current_uq" ON "team_members" USING btree ("team_id","member_id") WHERE "team_members"."left_on" is null;--> statement-breakpoint
CREATE INDEX "team_members_team_idx" ON "team_members" USING btree ("team_id","joined_on");--> statement-breakpoint
UPDATE "teams" SET "status" = 'suspended' WHERE "status" = 'inactive';
