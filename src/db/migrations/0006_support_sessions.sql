CREATE TABLE "import_mappings" (
	"shape_key" text PRIMARY KEY NOT NULL,
	"headers" jsonb NOT NULL,
	"mapping" jsonb NOT NULL,
	"user_id" integer,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "support_daily" (
	"unit_id" integer NOT NULL,
	"day" date NOT NULL,
	"service_id" integer NOT NULL,
	"outcome" text NOT NULL,
	"sessions" bigint NOT NULL,
	"residents" bigint NOT NULL,
	CONSTRAINT "support_daily_unit_id_day_service_id_outcome_pk" PRIMARY KEY("unit_id","day","service_id","outcome")
);
--> statement-breakpoint
CREATE TABLE "support_resident_days" (
	"unit_id" integer NOT NULL,
	"day" date NOT NULL,
	"resident_key" text NOT NULL,
	CONSTRAINT "support_resident_days_unit_id_day_resident_key_pk" PRIMARY KEY("unit_id","day","resident_key")
);
--> statement-breakpoint
CREATE TABLE "support_services" (
	"id" serial PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"province_code" text,
	"name" text NOT NULL,
	"icon" text NOT NULL,
	"sort_order" smallint DEFAULT 100 NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	CONSTRAINT "support_services_code_unique" UNIQUE("code")
);
--> statement-breakpoint
CREATE TABLE "support_session_members" (
	"session_id" uuid NOT NULL,
	"member_id" integer NOT NULL,
	"day" date NOT NULL,
	CONSTRAINT "support_session_members_session_id_member_id_pk" PRIMARY KEY("session_id","member_id")
);
--> statement-breakpoint
CREATE TABLE "support_session_services" (
	"session_id" uuid NOT NULL,
	"service_id" integer NOT NULL,
	"outcome" text NOT NULL,
	CONSTRAINT "support_session_services_session_id_service_id_pk" PRIMARY KEY("session_id","service_id")
);
--> statement-breakpoint
CREATE TABLE "support_sessions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"province_code" text NOT NULL,
	"commune_id" integer NOT NULL,
	"village_id" integer,
	"team_id" integer NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"day" date NOT NULL,
	"device_saved_at" timestamp with time zone,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"recorded_by" integer,
	"kind" text NOT NULL,
	"at_service_centre" boolean DEFAULT false NOT NULL,
	"residents_count" integer NOT NULL,
	"resident_gender" text,
	"resident_birth_year" smallint,
	"resident_ethnicity" text,
	"resident_id" integer,
	"resident_key" text,
	"note" text
);
--> statement-breakpoint
CREATE TABLE "unit_population" (
	"unit_id" integer NOT NULL,
	"year" smallint NOT NULL,
	"population" integer NOT NULL,
	"households" integer,
	CONSTRAINT "unit_population_unit_id_year_pk" PRIMARY KEY("unit_id","year")
);
--> statement-breakpoint
ALTER TABLE "team_members" ADD COLUMN "joined_on" date DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "support_session_members" ADD CONSTRAINT "support_session_members_session_id_support_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."support_sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "support_session_members" ADD CONSTRAINT "support_session_members_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "support_session_services" ADD CONSTRAINT "support_session_services_session_id_support_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."support_sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "support_session_services" ADD CONSTRAINT "support_session_services_service_id_support_services_id_fk" FOREIGN KEY ("service_id") REFERENCES "public"."support_services"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "support_sessions" ADD CONSTRAINT "support_sessions_commune_id_admin_units_id_fk" FOREIGN KEY ("commune_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "support_sessions" ADD CONSTRAINT "support_sessions_village_id_admin_units_id_fk" FOREIGN KEY ("village_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "support_sessions" ADD CONSTRAINT "support_sessions_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "support_sessions" ADD CONSTRAINT "support_sessions_resident_id_residents_id_fk" FOREIGN KEY ("resident_id") REFERENCES "public"."residents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "unit_population" ADD CONSTRAINT "unit_population_unit_id_admin_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "support_session_members_member_day_idx" ON "support_session_members" USING btree ("member_id","day");--> statement-breakpoint
CREATE INDEX "support_sessions_team_day_idx" ON "support_sessions" USING btree ("team_id","day");--> statement-breakpoint
CREATE INDEX "support_sessions_commune_day_idx" ON "support_sessions" USING btree ("commune_id","day");--> statement-breakpoint
CREATE INDEX "support_sessions_village_day_idx" ON "support_sessions" USING btree ("village_id","day") WHERE "support_sessions"."village_id" is not null;--> statement-breakpoint
INSERT INTO "support_services" ("code", "province_code", "name", "icon", "sort_order") VALUES
 ('vneid', NULL, 'VNeID (định danh điện tử)', '🪪', 10),
 ('vssid', NULL, 'VSSID (BHXH số)', '🛡️', 20),
 ('public_services', NULL, 'Dịch vụ công trực tuyến', '🏛️', 30),
 ('cashless', NULL, 'Thanh toán không dùng tiền mặt', '💳', 40),
 ('bills', NULL, 'Thanh toán hóa đơn điện, nước', '💡', 50),
 ('zalo', NULL, 'Zalo', '💬', 60),
 ('ehealth', NULL, 'Sổ sức khỏe điện tử', '🩺', 70),
 ('procedure_lookup', NULL, 'Tra cứu thủ tục hành chính', '🔎', 80),
 ('ecommerce', NULL, 'Bán hàng trực tuyến', '🛒', 90),
 ('digital_skills', NULL, 'Kỹ năng số cơ bản', '📱', 95),
 ('son_la_smart', '14', 'Sơn La Smart', '🏔️', 15);
