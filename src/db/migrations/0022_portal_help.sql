-- The residents' portal and help requests (issue 16): news and guides, comments with moderation,
-- requests for help routed to the village's team.
CREATE TABLE "portal_articles" (
	"id" serial PRIMARY KEY,
	"unit_id" integer NOT NULL REFERENCES "admin_units"("id"),
	"province_code" text NOT NULL,
	"kind" text NOT NULL CHECK ("kind" IN ('news', 'guide')),
	"service_code" text,
	"title" text NOT NULL,
	"summary" text,
	"body_source" text NOT NULL,
	"body_html" text NOT NULL,
	"status" text NOT NULL DEFAULT 'draft' CHECK ("status" IN ('draft', 'published', 'withdrawn')),
	"published_at" timestamp with time zone,
	"comments_open" boolean NOT NULL DEFAULT true,
	"created_by" integer REFERENCES "users"("id"),
	"updated_at" timestamp with time zone NOT NULL DEFAULT now(),
	"version" integer NOT NULL DEFAULT 1
);
--> statement-breakpoint
CREATE INDEX "portal_articles_unit_idx" ON "portal_articles" ("unit_id", "status", "published_at");
--> statement-breakpoint
CREATE INDEX "portal_articles_province_idx" ON "portal_articles" ("province_code", "status", "published_at");
--> statement-breakpoint
CREATE TABLE "portal_images" (
	"id" serial PRIMARY KEY,
	"unit_id" integer NOT NULL REFERENCES "admin_units"("id"),
	"media_type" text NOT NULL,
	"width" integer NOT NULL,
	"height" integer NOT NULL,
	"sha256" text NOT NULL,
	"data" bytea NOT NULL,
	"created_by" integer REFERENCES "users"("id"),
	"created_at" timestamp with time zone NOT NULL DEFAULT now()
);
--> statement-breakpoint
CREATE TABLE "portal_sites" (
	"unit_id" integer PRIMARY KEY REFERENCES "admin_units"("id"),
	"moderation" text NOT NULL DEFAULT 'post' CHECK ("moderation" IN ('pre', 'post')),
	"updated_by" integer REFERENCES "users"("id"),
	"updated_at" timestamp with time zone NOT NULL DEFAULT now()
);
--> statement-breakpoint
CREATE TABLE "portal_comments" (
	"id" serial PRIMARY KEY,
	"article_id" integer NOT NULL REFERENCES "portal_articles"("id") ON DELETE CASCADE,
	"site_unit_id" integer NOT NULL REFERENCES "admin_units"("id"),
	"author_name" text NOT NULL,
	"phone_enc" text NOT NULL,
	"phone_hash" text NOT NULL,
	"ip_hash" text NOT NULL,
	"body" text NOT NULL,
	"status" text NOT NULL CHECK ("status" IN ('published', 'pending', 'hidden')),
	"held_for" text,
	"reports" smallint NOT NULL DEFAULT 0,
	"created_at" timestamp with time zone NOT NULL,
	"decided_by" integer REFERENCES "users"("id"),
	"decided_at" timestamp with time zone
);
--> statement-breakpoint
CREATE INDEX "portal_comments_article_idx" ON "portal_comments" ("article_id", "status", "created_at");
--> statement-breakpoint
CREATE INDEX "portal_comments_queue_idx" ON "portal_comments" ("site_unit_id", "status");
--> statement-breakpoint
CREATE INDEX "portal_comments_phone_idx" ON "portal_comments" ("phone_hash", "created_at");
--> statement-breakpoint
CREATE INDEX "portal_comments_ip_idx" ON "portal_comments" ("ip_hash", "created_at");
--> statement-breakpoint
CREATE TABLE "portal_comment_reports" (
	"comment_id" integer NOT NULL REFERENCES "portal_comments"("id") ON DELETE CASCADE,
	"reporter_hash" text NOT NULL,
	"reason" text,
	"at" timestamp with time zone NOT NULL,
	PRIMARY KEY ("comment_id", "reporter_hash")
);
--> statement-breakpoint
CREATE TABLE "portal_blocks" (
	"id" serial PRIMARY KEY,
	"site_unit_id" integer NOT NULL REFERENCES "admin_units"("id"),
	"phone_hash" text NOT NULL,
	"until" timestamp with time zone NOT NULL,
	"reason" text,
	"created_by" integer REFERENCES "users"("id"),
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "portal_blocks_phone_idx" ON "portal_blocks" ("phone_hash", "until");
--> statement-breakpoint
CREATE TABLE "portal_banned_words" (
	"id" serial PRIMARY KEY,
	"unit_id" integer REFERENCES "admin_units"("id"),
	"word" text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "portal_banned_words_uq" ON "portal_banned_words" (coalesce("unit_id", 0), "word");
--> statement-breakpoint
-- a few national words that hold a comment for an officer (folded: lower case, no diacritics); sites add their own
INSERT INTO "portal_banned_words" ("unit_id", "word") VALUES (NULL, 'dit me'), (NULL, 'du ma'), (NULL, 'dm'), (NULL, 'vcl'), (NULL, 'ngu nhu bo'), (NULL, 'lua dao'), (NULL, 'cave');
--> statement-breakpoint
CREATE TABLE "help_requests" (
	"id" serial PRIMARY KEY,
	"token_hash" text NOT NULL UNIQUE,
	"province_code" text NOT NULL,
	"commune_id" integer NOT NULL REFERENCES "admin_units"("id"),
	"village_id" integer REFERENCES "admin_units"("id"),
	"team_id" integer REFERENCES "teams"("id"),
	"service_code" text NOT NULL,
	"problem" text NOT NULL,
	"resident_name" text NOT NULL,
	"phone_enc" text NOT NULL,
	"phone_hash" text NOT NULL,
	"preferred_time" text,
	"consent_text" text NOT NULL,
	"consent_at" timestamp with time zone NOT NULL,
	"status" text NOT NULL DEFAULT 'open' CHECK ("status" IN ('open', 'accepted', 'closed', 'cancelled')),
	"created_at" timestamp with time zone NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"escalated_at" timestamp with time zone,
	"accepted_at" timestamp with time zone,
	"accepted_by_member_id" integer REFERENCES "members"("id"),
	"accepted_by_user_id" integer REFERENCES "users"("id"),
	"closed_at" timestamp with time zone,
	"session_id" uuid,
	"cancel_reason" text,
	"solved" smallint CHECK ("solved" IN (0, 1)),
	"rating" smallint CHECK ("rating" BETWEEN 1 AND 5),
	"feedback" text,
	"rated_at" timestamp with time zone
);
--> statement-breakpoint
CREATE INDEX "help_requests_team_idx" ON "help_requests" ("team_id", "status");
--> statement-breakpoint
CREATE INDEX "help_requests_commune_idx" ON "help_requests" ("commune_id", "created_at");
--> statement-breakpoint
CREATE INDEX "help_requests_province_idx" ON "help_requests" ("province_code", "created_at");
--> statement-breakpoint
CREATE INDEX "help_requests_phone_idx" ON "help_requests" ("phone_hash", "created_at");
--> statement-breakpoint
CREATE TABLE "help_response_targets" (
	"service_code" text PRIMARY KEY,
	"accept_hours" integer NOT NULL CHECK ("accept_hours" > 0)
);
--> statement-breakpoint
INSERT INTO "help_response_targets" ("service_code", "accept_hours") VALUES ('*', 48), ('vneid', 24), ('vssid', 48), ('public_services', 24), ('cashless', 48), ('ehealth', 48), ('zalo', 72);
--> statement-breakpoint
-- a member's consent that the portal shows their phone on the team's public page
ALTER TABLE "members" ADD COLUMN "public_phone" boolean NOT NULL DEFAULT false;
