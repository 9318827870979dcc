-- Monthly rollups beside the daily ones (issue 13, "Performance"): any period is partial months at
-- both ends from the daily rows plus whole months from the monthly rows, so a report's cost follows
-- the number of days and months asked, not the sessions behind them.
CREATE TABLE "support_monthly" (
	"unit_id" integer NOT NULL,
	"month" date NOT NULL,
	"service_id" integer NOT NULL,
	"outcome" text NOT NULL,
	"sessions" bigint NOT NULL,
	"residents" bigint NOT NULL,
	CONSTRAINT "support_monthly_pk" PRIMARY KEY("unit_id","month","service_id","outcome")
);
--> statement-breakpoint
-- per member and team: the member's report and a team's members without reading sessions
CREATE TABLE "support_member_daily" (
	"member_id" integer NOT NULL,
	"team_id" integer NOT NULL,
	"day" date NOT NULL,
	"service_id" integer NOT NULL,
	"outcome" text NOT NULL,
	"sessions" bigint NOT NULL,
	"residents" bigint NOT NULL,
	CONSTRAINT "support_member_daily_pk" PRIMARY KEY("member_id","day","team_id","service_id","outcome")
);
--> statement-breakpoint
CREATE TABLE "support_member_monthly" (
	"member_id" integer NOT NULL,
	"team_id" integer NOT NULL,
	"month" date NOT NULL,
	"service_id" integer NOT NULL,
	"outcome" text NOT NULL,
	"sessions" bigint NOT NULL,
	"residents" bigint NOT NULL,
	CONSTRAINT "support_member_monthly_pk" PRIMARY KEY("member_id","month","team_id","service_id","outcome")
);
--> statement-breakpoint
CREATE INDEX "support_member_daily_team_idx" ON "support_member_daily" ("team_id","day") INCLUDE ("member_id","sessions","residents") WHERE "service_id" = 0 AND "outcome" = '';
--> statement-breakpoint
CREATE INDEX "support_member_monthly_team_idx" ON "support_member_monthly" ("team_id","month") INCLUDE ("member_id","sessions","residents") WHERE "service_id" = 0 AND "outcome" = '';
--> statement-breakpoint
CREATE INDEX "support_monthly_session_level_idx" ON "support_monthly" ("unit_id","month") INCLUDE ("sessions","residents") WHERE "service_id" = 0 AND "outcome" = '';
--> statement-breakpoint
-- Distinct residents over any range, exactly: every sighting (unit, resident, day) is linked to the
-- resident's previous sighting day in that unit (1900-01-01: none). The people of [from, to] are the
-- sightings in it whose previous one is before `from`. Counted per (day, previous day), and for the
-- first sighting of a resident in a month per (month, previous day).
CREATE TABLE "support_resident_links" (
	"unit_id" integer NOT NULL,
	"day" date NOT NULL,
	"prev_day" date NOT NULL,
	"residents" integer NOT NULL,
	CONSTRAINT "support_resident_links_pk" PRIMARY KEY("unit_id","day","prev_day")
);
--> statement-breakpoint
CREATE TABLE "support_resident_month_links" (
	"unit_id" integer NOT NULL,
	"month" date NOT NULL,
	"prev_day" date NOT NULL,
	"residents" integer NOT NULL,
	CONSTRAINT "support_resident_month_links_pk" PRIMARY KEY("unit_id","month","prev_day")
);
--> statement-breakpoint
-- a resident's sightings in a unit, in day order (the neighbours of a new sighting)
CREATE INDEX "support_resident_days_key_idx" ON "support_resident_days" ("unit_id","resident_key","day");
--> statement-breakpoint
-- a team's distinct residents from the index alone
CREATE INDEX "support_sessions_team_day_key_idx" ON "support_sessions" ("team_id","day") INCLUDE ("resident_key");
--> statement-breakpoint
DROP INDEX IF EXISTS "support_sessions_team_day_idx";
--> statement-breakpoint
INSERT INTO "support_monthly" SELECT "unit_id", date_trunc('month', "day")::date, "service_id", "outcome", sum("sessions"), sum("residents") FROM "support_daily" GROUP BY 1, 2, 3, 4;
--> statement-breakpoint
INSERT INTO "support_member_daily"
SELECT sm."member_id", s."team_id", s."day", c."service_id", c."outcome", count(*), sum(c."heads")
  FROM "support_session_members" sm JOIN "support_sessions" s ON s."id" = sm."session_id"
 CROSS JOIN LATERAL (
   SELECT 0 AS "service_id", '' AS "outcome", s."residents_count" AS "heads"
   UNION ALL SELECT 0, 'kind:' || s."kind", s."residents_count"
   UNION ALL SELECT 0, 'identified', 1 WHERE s."resident_key" IS NOT NULL
   UNION ALL SELECT 0, 'centre', s."residents_count" WHERE s."at_service_centre"
   UNION ALL SELECT ss."service_id", ss."outcome", s."residents_count" FROM "support_session_services" ss WHERE ss."session_id" = s."id"
 ) c
 GROUP BY 1, 2, 3, 4, 5;
--> statement-breakpoint
INSERT INTO "support_member_monthly" SELECT "member_id", "team_id", date_trunc('month', "day")::date, "service_id", "outcome", sum("sessions"), sum("residents") FROM "support_member_daily" GROUP BY 1, 2, 3, 4, 5;
--> statement-breakpoint
INSERT INTO "support_resident_links"
SELECT "unit_id", "day", "prev_day", count(*)::int FROM (
  SELECT "unit_id", "day", coalesce(lag("day") OVER (PARTITION BY "unit_id", "resident_key" ORDER BY "day"), DATE '1900-01-01') AS "prev_day" FROM "support_resident_days"
) l GROUP BY 1, 2, 3;
--> statement-breakpoint
INSERT INTO "support_resident_month_links"
SELECT "unit_id", date_trunc('month', "day")::date, "prev_day", count(*)::int FROM (
  SELECT "unit_id", "day", coalesce(lag("day") OVER (PARTITION BY "unit_id", "resident_key" ORDER BY "day"), DATE '1900-01-01') AS "prev_day" FROM "support_resident_days"
) l WHERE date_trunc('month', "prev_day") < date_trunc('month', "day") GROUP BY 1, 2, 3;
