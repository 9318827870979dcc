CREATE TABLE "support_resident_counts" (
	"unit_id" integer NOT NULL,
	"period" text NOT NULL,
	"residents" integer NOT NULL,
	CONSTRAINT "support_resident_counts_unit_id_period_pk" PRIMARY KEY("unit_id","period")
);
--> statement-breakpoint
CREATE TABLE "support_resident_periods" (
	"unit_id" integer NOT NULL,
	"period" text NOT NULL,
	"resident_key" bigint NOT NULL,
	CONSTRAINT "support_resident_periods_unit_id_period_resident_key_pk" PRIMARY KEY("unit_id","period","resident_key")
);
--> statement-breakpoint
ALTER TABLE "support_resident_days" ALTER COLUMN "resident_key" SET DATA TYPE bigint USING ('x' || substr("resident_key", 1, 16))::bit(64)::bigint;
--> statement-breakpoint
INSERT INTO "support_resident_periods" ("unit_id", "period", "resident_key")
SELECT DISTINCT d."unit_id", p."period", d."resident_key" FROM "support_resident_days" d
CROSS JOIN LATERAL (VALUES ('Y' || to_char(d."day", 'YYYY')), ('Q' || to_char(d."day", 'YYYY-Q')), ('M' || to_char(d."day", 'YYYY-MM'))) AS p("period");
--> statement-breakpoint
INSERT INTO "support_resident_counts" ("unit_id", "period", "residents")
SELECT "unit_id", "period", count(*) FROM "support_resident_periods" GROUP BY 1, 2;
--> statement-breakpoint
-- the dashboard's session-level reads (trend, per-commune breakdown) and its cell totals answered from indexes alone
CREATE INDEX "support_daily_session_level_idx" ON "support_daily" ("unit_id", "day") INCLUDE ("sessions", "residents") WHERE "service_id" = 0 AND "outcome" = '';
--> statement-breakpoint
CREATE INDEX "support_daily_cells_idx" ON "support_daily" ("unit_id", "day", "service_id", "outcome") INCLUDE ("sessions", "residents");