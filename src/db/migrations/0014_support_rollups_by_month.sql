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
-- a period's cells from the index alone (as support_daily_cells_idx for days)
CREATE INDEX "support_monthly_cells_idx" ON "support_monthly" ("unit_id","month","service_id","outcome") INCLUDE ("sessions","residents");
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
--> statement-breakpoint
-- The current network report's counts (issue 13, "Performance"), kept by statement triggers in the
-- transaction of every registry write (registry edits, imports, merges, the demo): per scope
-- ('p' province unit, 'c' commune, 'u' the team's unit), team level ('' = both) and dimension
-- (teams; members by 'gender|age band'; aff by affiliation or 'none'; people = distinct members,
-- from network_people's multiplicities). Age bands are counted in network_state.year; a new year
-- rebuilds them (network_rebuild).
CREATE TABLE "network_state" ("id" smallint PRIMARY KEY DEFAULT 1 NOT NULL, "year" smallint NOT NULL);
--> statement-breakpoint
CREATE TABLE "network_cells" (
	"scope" text NOT NULL,
	"unit_id" integer NOT NULL,
	"level" text NOT NULL,
	"dim" text NOT NULL,
	"key" text NOT NULL,
	"n" integer NOT NULL,
	CONSTRAINT "network_cells_pk" PRIMARY KEY("scope","unit_id","level","dim","key")
);
--> statement-breakpoint
CREATE TABLE "network_people" (
	"scope" text NOT NULL,
	"unit_id" integer NOT NULL,
	"level" text NOT NULL,
	"member_id" integer NOT NULL,
	"n" integer NOT NULL,
	CONSTRAINT "network_people_pk" PRIMARY KEY("scope","unit_id","level","member_id")
);
--> statement-breakpoint
CREATE FUNCTION network_band(by smallint) RETURNS text LANGUAGE sql STABLE AS $$
  SELECT CASE WHEN by IS NULL THEN 'unknown'
    WHEN (SELECT year FROM network_state WHERE id = 1) - by <= 30 THEN 'to_30'
    WHEN (SELECT year FROM network_state WHERE id = 1) - by <= 45 THEN '31_45'
    WHEN (SELECT year FROM network_state WHERE id = 1) - by <= 60 THEN '46_60'
    ELSE 'over_60' END
$$;
--> statement-breakpoint
-- d: rows {province_code, commune_id, unit_id, level, gender, birth_year, affs (comma-joined), member_id, sign}
-- for memberships, or {…, teams: ±1} for teams; adds them to network_cells and network_people
CREATE FUNCTION network_apply(d jsonb) RETURNS void LANGUAGE sql AS $$
  WITH r AS (
    SELECT x.*, p.id AS province_id
      FROM jsonb_to_recordset(coalesce(d, '[]'::jsonb)) AS x(province_code text, commune_id int, unit_id int, level text, gender text, birth_year smallint, affs text, member_id int, sign int, teams int)
      LEFT JOIN admin_units p ON p.level = 'province' AND p.code = x.province_code AND p.valid_to IS NULL
  ), s AS (
    SELECT r.*, v.scope, v.unit FROM r CROSS JOIN LATERAL (VALUES ('p', coalesce(r.province_id, 0)), ('c', r.commune_id), ('u', r.unit_id)) AS v(scope, unit)
  ), people AS (
    SELECT s.scope, s.unit, l.lvl AS level, s.member_id, sum(s.sign)::int AS n
      FROM s CROSS JOIN LATERAL (VALUES (s.level), ('')) AS l(lvl) WHERE s.member_id IS NOT NULL
     GROUP BY 1, 2, 3, 4 HAVING sum(s.sign) <> 0
  ), up AS (
    INSERT INTO network_people AS x (scope, unit_id, level, member_id, n) SELECT * FROM people ORDER BY 1, 2, 3, 4
    ON CONFLICT (scope, unit_id, level, member_id) DO UPDATE SET n = x.n + excluded.n
    RETURNING x.scope, x.unit_id, x.level, x.member_id, x.n
  ), moves AS (
    SELECT up.scope, up.unit_id AS unit, up.level, 'people' AS dim, '' AS key,
           CASE WHEN up.n - p.n = 0 AND up.n > 0 THEN 1 WHEN up.n - p.n > 0 AND up.n = 0 THEN -1 ELSE 0 END AS n
      FROM up JOIN people p ON p.scope = up.scope AND p.unit = up.unit_id AND p.level = up.level AND p.member_id = up.member_id
  ), cells AS (
    SELECT scope, unit, level, 'members' AS dim, coalesce(gender, 'unknown') || '|' || network_band(birth_year) AS key, sign AS n FROM s WHERE member_id IS NOT NULL
    UNION ALL SELECT s.scope, s.unit, s.level, 'aff', coalesce(a.a, 'none'), s.sign FROM s LEFT JOIN LATERAL unnest(string_to_array(s.affs, ',')) AS a(a) ON true WHERE s.member_id IS NOT NULL
    UNION ALL SELECT scope, unit, level, 'teams', '', teams FROM s WHERE teams IS NOT NULL
    UNION ALL SELECT * FROM moves
  )
  INSERT INTO network_cells AS c (scope, unit_id, level, dim, key, n)
  SELECT scope, unit, level, dim, key, sum(n)::int FROM cells GROUP BY 1, 2, 3, 4, 5 HAVING sum(n) <> 0 ORDER BY 1, 2, 3, 4, 5
  ON CONFLICT (scope, unit_id, level, dim, key) DO UPDATE SET n = c.n + excluded.n
$$;
--> statement-breakpoint
CREATE FUNCTION network_membership_rows(tm_team int, tm_member int, affs text[], sign int, t teams, m members) RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object('province_code', t.province_code, 'commune_id', t.commune_id, 'unit_id', t.unit_id, 'level', t.level,
                            'gender', m.gender, 'birth_year', m.birth_year, 'affs', array_to_string(affs, ','), 'member_id', tm_member, 'sign', sign)
$$;
--> statement-breakpoint
CREATE FUNCTION network_team_members_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM network_apply((SELECT jsonb_agg(network_membership_rows(o.team_id, o.member_id, o.affiliations, -1, t, m))
      FROM old_rows o JOIN teams t ON t.id = o.team_id AND t.status = 'active' JOIN members m ON m.id = o.member_id WHERE o.left_on IS NULL));
  END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN
    PERFORM network_apply((SELECT jsonb_agg(network_membership_rows(n.team_id, n.member_id, n.affiliations, 1, t, m))
      FROM new_rows n JOIN teams t ON t.id = n.team_id AND t.status = 'active' JOIN members m ON m.id = n.member_id WHERE n.left_on IS NULL));
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER network_team_members_ins AFTER INSERT ON team_members REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION network_team_members_changed();
--> statement-breakpoint
CREATE TRIGGER network_team_members_upd AFTER UPDATE ON team_members REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION network_team_members_changed();
--> statement-breakpoint
CREATE TRIGGER network_team_members_del AFTER DELETE ON team_members REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION network_team_members_changed();
--> statement-breakpoint
-- a team's own count and, on a change of status, level or place, its current memberships moved
CREATE FUNCTION network_teams_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    PERFORM network_apply((SELECT jsonb_agg(x) FROM (
      SELECT jsonb_build_object('province_code', o.province_code, 'commune_id', o.commune_id, 'unit_id', o.unit_id, 'level', o.level, 'teams', -1) AS x FROM old_rows o WHERE o.status = 'active'
      UNION ALL SELECT jsonb_build_object('province_code', n.province_code, 'commune_id', n.commune_id, 'unit_id', n.unit_id, 'level', n.level, 'teams', 1) FROM new_rows n WHERE n.status = 'active'
      UNION ALL SELECT network_membership_rows(tm.team_id, tm.member_id, tm.affiliations, -1, o, m) FROM old_rows o JOIN team_members tm ON tm.team_id = o.id AND tm.left_on IS NULL JOIN members m ON m.id = tm.member_id WHERE o.status = 'active'
      UNION ALL SELECT network_membership_rows(tm.team_id, tm.member_id, tm.affiliations, 1, n, m) FROM new_rows n JOIN team_members tm ON tm.team_id = n.id AND tm.left_on IS NULL JOIN members m ON m.id = tm.member_id WHERE n.status = 'active'
    ) q));
  ELSE
    PERFORM network_apply((SELECT jsonb_agg(jsonb_build_object('province_code', n.province_code, 'commune_id', n.commune_id, 'unit_id', n.unit_id, 'level', n.level, 'teams', 1)) FROM new_rows n WHERE n.status = 'active'));
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER network_teams_ins AFTER INSERT ON teams REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION network_teams_changed();
--> statement-breakpoint
CREATE TRIGGER network_teams_upd AFTER UPDATE ON teams REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION network_teams_changed();
--> statement-breakpoint
CREATE FUNCTION network_members_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM network_apply((SELECT jsonb_agg(x) FROM (
    SELECT network_membership_rows(tm.team_id, tm.member_id, tm.affiliations, -1, t, o) AS x FROM old_rows o JOIN team_members tm ON tm.member_id = o.id AND tm.left_on IS NULL JOIN teams t ON t.id = tm.team_id AND t.status = 'active'
    UNION ALL SELECT network_membership_rows(tm.team_id, tm.member_id, tm.affiliations, 1, t, n) FROM new_rows n JOIN team_members tm ON tm.member_id = n.id AND tm.left_on IS NULL JOIN teams t ON t.id = tm.team_id AND t.status = 'active'
  ) q));
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER network_members_upd AFTER UPDATE ON members REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION network_members_changed();
--> statement-breakpoint
-- a deleted team or member takes its counts with it before its memberships cascade away (their own trigger then finds no team or member)
CREATE FUNCTION network_row_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'teams' THEN
    PERFORM network_apply((SELECT jsonb_agg(x) FROM (
      SELECT jsonb_build_object('province_code', OLD.province_code, 'commune_id', OLD.commune_id, 'unit_id', OLD.unit_id, 'level', OLD.level, 'teams', -1) AS x WHERE OLD.status = 'active'
      UNION ALL SELECT network_membership_rows(tm.team_id, tm.member_id, tm.affiliations, -1, t, m) FROM teams t JOIN team_members tm ON tm.team_id = t.id AND tm.left_on IS NULL JOIN members m ON m.id = tm.member_id WHERE t.id = OLD.id AND t.status = 'active') q));
  ELSE
    PERFORM network_apply((SELECT jsonb_agg(network_membership_rows(tm.team_id, tm.member_id, tm.affiliations, -1, t, m))
      FROM members m JOIN team_members tm ON tm.member_id = m.id AND tm.left_on IS NULL JOIN teams t ON t.id = tm.team_id AND t.status = 'active' WHERE m.id = OLD.id));
  END IF;
  RETURN OLD;
END $$;
--> statement-breakpoint
CREATE TRIGGER network_teams_del BEFORE DELETE ON teams FOR EACH ROW EXECUTE FUNCTION network_row_deleted();
--> statement-breakpoint
CREATE TRIGGER network_members_del BEFORE DELETE ON members FOR EACH ROW EXECUTE FUNCTION network_row_deleted();
--> statement-breakpoint
-- everything recounted, with age bands in `p_year` (the service calls it when the Vietnamese year turns)
CREATE FUNCTION network_rebuild(p_year int) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  LOCK TABLE teams, team_members, members IN SHARE MODE;
  INSERT INTO network_state (id, year) VALUES (1, p_year) ON CONFLICT (id) DO UPDATE SET year = excluded.year;
  DELETE FROM network_cells;
  DELETE FROM network_people;
  PERFORM network_apply((SELECT jsonb_agg(jsonb_build_object('province_code', t.province_code, 'commune_id', t.commune_id, 'unit_id', t.unit_id, 'level', t.level, 'teams', 1)) FROM teams t WHERE t.status = 'active'));
  PERFORM network_apply((SELECT jsonb_agg(network_membership_rows(tm.team_id, tm.member_id, tm.affiliations, 1, t, m))
    FROM team_members tm JOIN teams t ON t.id = tm.team_id AND t.status = 'active' JOIN members m ON m.id = tm.member_id WHERE tm.left_on IS NULL));
END $$;
--> statement-breakpoint
SELECT network_rebuild(extract(year from now() at time zone 'Asia/Ho_Chi_Minh')::int);
