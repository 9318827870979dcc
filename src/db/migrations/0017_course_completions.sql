-- issue 14, item 5: completion lists of the national online digital-skills courses
CREATE TABLE "national_courses" (
	"code" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"provider" text,
	"aliases" text[] DEFAULT '{}'::text[] NOT NULL,
	"sort_order" smallint DEFAULT 100 NOT NULL
);--> statement-breakpoint
INSERT INTO "national_courses" ("code", "name", "provider", "aliases", "sort_order") VALUES
	('binh_dan_hoc_vu_so', 'Bình dân học vụ số', NULL, ARRAY['BDHVS', 'BDHV số', 'Phong trào Bình dân học vụ số', 'Nền tảng Bình dân học vụ số', 'Bình dân học vụ số 2025'], 10),
	('onetouch', 'OneTouch — Kỹ năng số cộng đồng', 'Bộ Thông tin và Truyền thông (nay Bộ Khoa học và Công nghệ)', ARRAY['OneTouch', 'One Touch', 'Kỹ năng số cộng đồng', 'Kỹ năng số cộng đồng (OneTouch)', 'Khóa học kỹ năng số cộng đồng', 'KNS cộng đồng'], 20),
	('mobiedu', 'MobiEdu', 'Tổng công ty Viễn thông MobiFone', ARRAY['Mobi Edu', 'MobiEdu (MobiFone)'], 30);--> statement-breakpoint
CREATE TABLE "course_imports" (
	"id" serial PRIMARY KEY NOT NULL,
	"province_code" text NOT NULL,
	"file_name" text NOT NULL,
	"rows" integer NOT NULL,
	"matched" integer NOT NULL,
	"unmatched" integer NOT NULL,
	"user_id" integer REFERENCES "users"("id"),
	"imported_at" timestamp with time zone DEFAULT now() NOT NULL
);--> statement-breakpoint
CREATE TABLE "course_completions" (
	"id" serial PRIMARY KEY NOT NULL,
	"province_code" text NOT NULL,
	"commune_id" integer REFERENCES "admin_units"("id"),
	"course_code" text NOT NULL REFERENCES "national_courses"("code"),
	"full_name" text NOT NULL,
	"name_key" text NOT NULL,
	"phone" text,
	"birth_year" smallint,
	"unit_text" text,
	"completed_on" date NOT NULL,
	"certificate_no" text,
	"member_id" integer REFERENCES "members"("id"),
	"match_kind" text CHECK ("match_kind" IN ('phone', 'name_birth_commune')),
	"import_id" integer NOT NULL REFERENCES "course_imports"("id"),
	"source_sheet" text NOT NULL,
	"source_row" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CHECK (("member_id" IS NULL) = ("match_kind" IS NULL))
);--> statement-breakpoint
CREATE UNIQUE INDEX "course_completions_certificate_uq" ON "course_completions" ("course_code", "certificate_no") WHERE "certificate_no" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "course_completions_commune_idx" ON "course_completions" ("commune_id", "completed_on");--> statement-breakpoint
CREATE INDEX "course_completions_province_idx" ON "course_completions" ("province_code", "completed_on");--> statement-breakpoint
CREATE INDEX "course_completions_member_idx" ON "course_completions" ("member_id");
