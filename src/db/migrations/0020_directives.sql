-- Directives (chỉ đạo) down the unit tree, confirmations back up (issue 15).
CREATE TABLE "directives" (
	"id" serial PRIMARY KEY,
	"province_code" text NOT NULL,
	"issuer_unit_id" integer NOT NULL REFERENCES "admin_units"("id"),
	"commune_id" integer REFERENCES "admin_units"("id"),
	"number" text,
	"issued_on" date NOT NULL,
	"title" text NOT NULL,
	"body" text NOT NULL,
	"priority" text NOT NULL DEFAULT 'normal',
	"deadline" date,
	"asks" jsonb NOT NULL,
	"target" jsonb NOT NULL,
	"via_communes" boolean NOT NULL DEFAULT false,
	"created_by" integer REFERENCES "users"("id"),
	"created_at" timestamp with time zone NOT NULL DEFAULT now()
);
--> statement-breakpoint
CREATE INDEX "directives_province_idx" ON "directives" ("province_code", "issued_on");
--> statement-breakpoint
CREATE INDEX "directives_commune_idx" ON "directives" ("commune_id", "issued_on");
--> statement-breakpoint
CREATE TABLE "directive_attachments" (
	"id" serial PRIMARY KEY,
	"directive_id" integer NOT NULL REFERENCES "directives"("id") ON DELETE CASCADE,
	"name" text NOT NULL,
	"media_type" text NOT NULL,
	"bytes" integer NOT NULL,
	"sha256" text NOT NULL,
	"flags" text[] NOT NULL DEFAULT '{}',
	"data" bytea NOT NULL
);
--> statement-breakpoint
CREATE INDEX "directive_attachments_directive_idx" ON "directive_attachments" ("directive_id");
--> statement-breakpoint
-- a province directive carried by the communes' officers: one row per target commune
CREATE TABLE "directive_communes" (
	"directive_id" integer NOT NULL REFERENCES "directives"("id") ON DELETE CASCADE,
	"commune_id" integer NOT NULL REFERENCES "admin_units"("id"),
	"province_code" text NOT NULL,
	"received_at" timestamp with time zone NOT NULL DEFAULT now(),
	"read_at" timestamp with time zone,
	"forwarded_at" timestamp with time zone,
	"forwarded_by" integer REFERENCES "users"("id"),
	"note" text,
	CONSTRAINT "directive_communes_pk" PRIMARY KEY ("directive_id", "commune_id")
);
--> statement-breakpoint
CREATE INDEX "directive_communes_commune_idx" ON "directive_communes" ("commune_id");
--> statement-breakpoint
-- every team a directive reached, and where it stands
CREATE TABLE "directive_teams" (
	"directive_id" integer NOT NULL REFERENCES "directives"("id") ON DELETE CASCADE,
	"team_id" integer NOT NULL REFERENCES "teams"("id"),
	"commune_id" integer NOT NULL,
	"province_code" text NOT NULL,
	"unit_id" integer NOT NULL,
	"note" text,
	"sent_at" timestamp with time zone NOT NULL DEFAULT now(),
	"received_at" timestamp with time zone,
	"read_at" timestamp with time zone,
	"will_do_at" timestamp with time zone,
	"done_at" timestamp with time zone,
	"channels" text[] NOT NULL DEFAULT '{}',
	"households" integer,
	"households_over" boolean NOT NULL DEFAULT false,
	"figure" numeric,
	"reported_at" timestamp with time zone,
	"reported_by" integer REFERENCES "users"("id"),
	"public_token" text NOT NULL UNIQUE,
	CONSTRAINT "directive_teams_pk" PRIMARY KEY ("directive_id", "team_id")
);
--> statement-breakpoint
CREATE INDEX "directive_teams_team_idx" ON "directive_teams" ("team_id", "sent_at");
--> statement-breakpoint
CREATE INDEX "directive_teams_commune_idx" ON "directive_teams" ("directive_id", "commune_id");
--> statement-breakpoint
-- what teams sent up from the phones, once per record id (a resend is a duplicate)
CREATE TABLE "directive_acks" (
	"id" uuid PRIMARY KEY,
	"directive_id" integer NOT NULL REFERENCES "directives"("id") ON DELETE CASCADE,
	"team_id" integer NOT NULL,
	"status" text NOT NULL,
	"user_id" integer REFERENCES "users"("id"),
	"body" jsonb NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone NOT NULL DEFAULT now()
);
--> statement-breakpoint
-- every state change, timestamped (sent, forwarded, received, read, will_do, done, reported, reminded)
CREATE TABLE "directive_events" (
	"id" bigserial PRIMARY KEY,
	"directive_id" integer NOT NULL REFERENCES "directives"("id") ON DELETE CASCADE,
	"commune_id" integer,
	"team_id" integer,
	"kind" text NOT NULL,
	"user_id" integer,
	"detail" jsonb,
	"at" timestamp with time zone NOT NULL DEFAULT now()
);
--> statement-breakpoint
CREATE INDEX "directive_events_directive_idx" ON "directive_events" ("directive_id", "at");
--> statement-breakpoint
-- residents' "Tôi đã nhận được" on a team's public page: one per keyed phone hash, or anonymous
CREATE TABLE "directive_confirmations" (
	"id" bigserial PRIMARY KEY,
	"directive_id" integer NOT NULL REFERENCES "directives"("id") ON DELETE CASCADE,
	"team_id" integer NOT NULL,
	"phone_hash" text,
	"at" timestamp with time zone NOT NULL DEFAULT now()
);
--> statement-breakpoint
CREATE UNIQUE INDEX "directive_confirmations_phone_uq" ON "directive_confirmations" ("directive_id", "phone_hash") WHERE "phone_hash" IS NOT NULL;
--> statement-breakpoint
CREATE INDEX "directive_confirmations_team_idx" ON "directive_confirmations" ("directive_id", "team_id");
--> statement-breakpoint
-- messages to outside channels (SMS, Zalo, web push): each one's state, updated from the provider's answers and callbacks
CREATE TABLE "notify_messages" (
	"id" uuid PRIMARY KEY,
	"channel" text NOT NULL,
	"template" text NOT NULL,
	"params" jsonb NOT NULL,
	"user_id" integer REFERENCES "users"("id"),
	"member_id" integer REFERENCES "members"("id"),
	"directive_id" integer REFERENCES "directives"("id") ON DELETE CASCADE,
	"team_id" integer,
	"fallback" text[] NOT NULL DEFAULT '{}',
	"state" text NOT NULL DEFAULT 'queued',
	"attempts" integer NOT NULL DEFAULT 0,
	"next_attempt_at" timestamp with time zone NOT NULL DEFAULT now(),
	"provider_id" text,
	"last_error" text,
	"created_at" timestamp with time zone NOT NULL DEFAULT now(),
	"updated_at" timestamp with time zone NOT NULL DEFAULT now()
);
--> statement-breakpoint
CREATE INDEX "notify_messages_due_idx" ON "notify_messages" ("next_attempt_at") WHERE "state" IN ('queued', 'sending');
--> statement-breakpoint
CREATE UNIQUE INDEX "notify_messages_provider_uq" ON "notify_messages" ("channel", "provider_id") WHERE "provider_id" IS NOT NULL;
--> statement-breakpoint
CREATE INDEX "notify_messages_directive_idx" ON "notify_messages" ("directive_id", "team_id");
--> statement-breakpoint
CREATE TABLE "notify_events" (
	"id" bigserial PRIMARY KEY,
	"message_id" uuid NOT NULL REFERENCES "notify_messages"("id") ON DELETE CASCADE,
	"state" text NOT NULL,
	"detail" text,
	"at" timestamp with time zone NOT NULL DEFAULT now()
);
--> statement-breakpoint
CREATE INDEX "notify_events_message_idx" ON "notify_events" ("message_id");
--> statement-breakpoint
-- browsers that allowed web push (VAPID), per account
CREATE TABLE "push_subscriptions" (
	"id" serial PRIMARY KEY,
	"user_id" integer NOT NULL REFERENCES "users"("id") ON DELETE CASCADE,
	"endpoint" text NOT NULL UNIQUE,
	"p256dh" text NOT NULL,
	"auth" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL DEFAULT now()
);
