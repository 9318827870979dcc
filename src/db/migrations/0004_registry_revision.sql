CREATE TABLE "registry_state" (
	"id" smallint PRIMARY KEY DEFAULT 1 NOT NULL,
	"revision" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
INSERT INTO "registry_state" ("id", "revision") VALUES (1, 0);
