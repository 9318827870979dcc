-- issue 14: training sessions at bridge points, attendance, certificates
CREATE TABLE "training_topics" (
	"code" text PRIMARY KEY NOT NULL,
	"province_code" text,
	"name" text NOT NULL,
	"sort_order" smallint DEFAULT 100 NOT NULL,
	"active" boolean DEFAULT true NOT NULL
);--> statement-breakpoint
INSERT INTO "training_topics" ("code", "name", "sort_order") VALUES
	('vneid_level2', 'Định danh điện tử VNeID mức 2', 10),
	('public_services', 'Dịch vụ công trực tuyến', 20),
	('cashless', 'Thanh toán không dùng tiền mặt', 30),
	('digital_safety', 'An toàn trên không gian mạng', 40),
	('skills_course', 'Kỹ năng số cộng đồng (khóa học quốc gia)', 50),
	('provincial_app', 'Ứng dụng công dân số của tỉnh', 60),
	('vssid_health', 'VssID và sổ sức khỏe điện tử', 70),
	('ecommerce', 'Thương mại điện tử, bán hàng trực tuyến', 80),
	('team_skills', 'Nghiệp vụ của Tổ công nghệ số cộng đồng', 90);--> statement-breakpoint
CREATE TABLE "training_sessions" (
	"id" serial PRIMARY KEY NOT NULL,
	"province_code" text NOT NULL,
	"organiser_unit_id" integer NOT NULL REFERENCES "admin_units"("id"),
	"commune_id" integer REFERENCES "admin_units"("id"),
	"title" text NOT NULL,
	"topic_code" text NOT NULL REFERENCES "training_topics"("code"),
	"kind" text NOT NULL CHECK ("kind" IN ('in_person', 'online', 'hybrid')),
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"day" date NOT NULL,
	"materials" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"audience" jsonb NOT NULL,
	"closed_at" timestamp with time zone,
	"closed_by" integer REFERENCES "users"("id"),
	"created_by" integer REFERENCES "users"("id"),
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	CHECK ("ends_at" > "starts_at")
);--> statement-breakpoint
CREATE INDEX "training_sessions_province_day_idx" ON "training_sessions" ("province_code", "day");--> statement-breakpoint
CREATE INDEX "training_sessions_commune_day_idx" ON "training_sessions" ("commune_id", "day");--> statement-breakpoint
CREATE TABLE "bridge_points" (
	"id" serial PRIMARY KEY NOT NULL,
	"province_code" text NOT NULL,
	"commune_id" integer NOT NULL REFERENCES "admin_units"("id"),
	"village_id" integer REFERENCES "admin_units"("id"),
	"name" text NOT NULL,
	"name_key" text NOT NULL,
	"place_kind" text NOT NULL CHECK ("place_kind" IN ('commune_hall', 'cultural_house', 'school', 'other')),
	"capacity" integer CHECK ("capacity" > 0),
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);--> statement-breakpoint
CREATE UNIQUE INDEX "bridge_points_commune_name_uq" ON "bridge_points" ("commune_id", "name_key");--> statement-breakpoint
CREATE TABLE "training_session_points" (
	"training_id" integer NOT NULL REFERENCES "training_sessions"("id") ON DELETE CASCADE,
	"point_id" integer NOT NULL REFERENCES "bridge_points"("id"),
	"host_member_id" integer REFERENCES "members"("id"),
	"host_user_id" integer REFERENCES "users"("id"),
	"capacity" integer CHECK ("capacity" > 0),
	"connection" text,
	"code_secret" text NOT NULL,
	PRIMARY KEY ("training_id", "point_id")
);--> statement-breakpoint
CREATE TABLE "training_invitations" (
	"training_id" integer NOT NULL REFERENCES "training_sessions"("id") ON DELETE CASCADE,
	"member_id" integer NOT NULL REFERENCES "members"("id"),
	"team_id" integer NOT NULL REFERENCES "teams"("id"),
	"commune_id" integer NOT NULL,
	"province_code" text NOT NULL,
	PRIMARY KEY ("training_id", "member_id")
);--> statement-breakpoint
CREATE INDEX "training_invitations_commune_idx" ON "training_invitations" ("commune_id");--> statement-breakpoint
CREATE TABLE "training_attendance" (
	"id" uuid PRIMARY KEY NOT NULL,
	"training_id" integer NOT NULL REFERENCES "training_sessions"("id") ON DELETE CASCADE,
	"point_id" integer NOT NULL REFERENCES "bridge_points"("id"),
	"member_id" integer REFERENCES "members"("id"),
	"walk_in_name" text,
	"walk_in_phone" text,
	"walk_in_status" text CHECK ("walk_in_status" IN ('pending', 'added', 'dismissed')),
	"method" text NOT NULL CHECK ("method" IN ('host', 'self', 'organiser')),
	"checked_in_at" timestamp with time zone NOT NULL,
	"left_at" timestamp with time zone,
	"late" boolean DEFAULT false NOT NULL,
	"invited" boolean NOT NULL,
	"team_id" integer REFERENCES "teams"("id"),
	"commune_id" integer NOT NULL,
	"province_code" text NOT NULL,
	"recorded_by" integer REFERENCES "users"("id"),
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"clock_offset_ms" bigint,
	FOREIGN KEY ("training_id", "point_id") REFERENCES "training_session_points"("training_id", "point_id"),
	CHECK ("member_id" IS NOT NULL OR "walk_in_name" IS NOT NULL)
);--> statement-breakpoint
CREATE UNIQUE INDEX "training_attendance_member_uq" ON "training_attendance" ("training_id", "member_id") WHERE "member_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "training_attendance_training_idx" ON "training_attendance" ("training_id", "point_id");--> statement-breakpoint
CREATE INDEX "training_attendance_commune_idx" ON "training_attendance" ("commune_id");--> statement-breakpoint
CREATE TABLE "training_certificates" (
	"code" text PRIMARY KEY NOT NULL,
	"training_id" integer NOT NULL REFERENCES "training_sessions"("id") ON DELETE CASCADE,
	"member_id" integer NOT NULL REFERENCES "members"("id"),
	"full_name" text NOT NULL,
	"issued_at" timestamp with time zone DEFAULT now() NOT NULL
);--> statement-breakpoint
CREATE UNIQUE INDEX "training_certificates_member_uq" ON "training_certificates" ("training_id", "member_id");
