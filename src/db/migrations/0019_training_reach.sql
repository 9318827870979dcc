-- The training report's counts (issue 14, "Performance": the province report ≤ 100 ms), kept by
-- statement triggers in the transaction of every write to invitations, check-ins and a session's
-- day, so no write path can forget them:
-- * training_reach: per (training, commune, team; 0 = no team, a walk-in) the invitations, the
--   members' check-ins, the honoured invitations (check-ins of invited members) and the walk-ins;
--   kept by deltas, a cell at all zeros removed;
-- * training_member_reach: per (member, team, commune) the Vietnam days of the sessions the member
--   was invited to and checked in at, as date multiranges (distinct people in any period without
--   reading every invitation); rebuilt for the members a statement touched.
-- training_reach_rebuild() recomputes both from the tables (tests compare it with the kept rows).
CREATE TABLE "training_reach" (
	"training_id" integer NOT NULL,
	"commune_id" integer NOT NULL,
	"team_id" integer NOT NULL,
	"province_code" text NOT NULL,
	"invitations" integer NOT NULL,
	"checkins" integer NOT NULL,
	"honoured" integer NOT NULL,
	"walk_ins" integer NOT NULL,
	CONSTRAINT "training_reach_pk" PRIMARY KEY ("training_id", "commune_id", "team_id")
);
--> statement-breakpoint
CREATE INDEX "training_reach_province_idx" ON "training_reach" ("province_code");
--> statement-breakpoint
CREATE INDEX "training_reach_commune_idx" ON "training_reach" ("commune_id");
--> statement-breakpoint
CREATE TABLE "training_member_reach" (
	"member_id" integer NOT NULL,
	"team_id" integer NOT NULL,
	"commune_id" integer NOT NULL,
	"province_code" text NOT NULL,
	"invited" datemultirange NOT NULL,
	"attended" datemultirange NOT NULL,
	CONSTRAINT "training_member_reach_pk" PRIMARY KEY ("member_id", "team_id", "commune_id")
);
--> statement-breakpoint
CREATE INDEX "training_member_reach_province_idx" ON "training_member_reach" ("province_code");
--> statement-breakpoint
CREATE INDEX "training_member_reach_commune_idx" ON "training_member_reach" ("commune_id");
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "training_invitations_member_idx" ON "training_invitations" ("member_id");
--> statement-breakpoint
-- d: rows {training_id, commune_id, team_id, province_code, invitations, checkins, honoured, walk_ins} as signed deltas
CREATE FUNCTION training_reach_apply(d jsonb) RETURNS void LANGUAGE sql AS $$
  WITH r AS (
    SELECT x.training_id, x.commune_id, coalesce(x.team_id, 0) AS team_id, x.province_code,
           sum(x.invitations)::int AS invitations, sum(x.checkins)::int AS checkins, sum(x.honoured)::int AS honoured, sum(x.walk_ins)::int AS walk_ins
      FROM jsonb_to_recordset(coalesce(d, '[]'::jsonb)) AS x(training_id int, commune_id int, team_id int, province_code text, invitations int, checkins int, honoured int, walk_ins int)
     WHERE EXISTS (SELECT 1 FROM training_sessions s WHERE s.id = x.training_id)
     GROUP BY 1, 2, 3, 4
  )
  INSERT INTO training_reach AS c (training_id, commune_id, team_id, province_code, invitations, checkins, honoured, walk_ins)
  SELECT * FROM r ORDER BY 1, 2, 3
  ON CONFLICT (training_id, commune_id, team_id) DO UPDATE SET invitations = c.invitations + excluded.invitations, checkins = c.checkins + excluded.checkins,
    honoured = c.honoured + excluded.honoured, walk_ins = c.walk_ins + excluded.walk_ins;
  -- a second statement: a DELETE beside the upsert in one statement would not see the rows it updated
  DELETE FROM training_reach c
   WHERE c.training_id IN (SELECT (e->>'training_id')::int FROM jsonb_array_elements(coalesce(d, '[]'::jsonb)) e)
     AND c.invitations = 0 AND c.checkins = 0 AND c.honoured = 0 AND c.walk_ins = 0;
$$;
--> statement-breakpoint
-- the members' multiranges recomputed from the tables. Two transactions refreshing one member would
-- each compute from its own snapshot (and the second would hit the key): a transaction lock per bucket
-- of members (at most 256 locks, taken in order) makes the second wait, and its next statements read
-- what the first committed (a volatile SQL function takes a new snapshot per statement)
CREATE FUNCTION training_member_reach_refresh(ids int[]) RETURNS void LANGUAGE sql AS $$
  SELECT count(pg_advisory_xact_lock(20019, b)) FROM (SELECT DISTINCT id % 256 AS b FROM unnest(ids) id ORDER BY 1) x;
  DELETE FROM training_member_reach WHERE member_id = ANY(ids);
  INSERT INTO training_member_reach (member_id, team_id, commune_id, province_code, invited, attended)
  SELECT member_id, team_id, commune_id, province_code,
         coalesce(range_agg(daterange(day, day, '[]')) FILTER (WHERE kind = 'i'), '{}'::datemultirange),
         coalesce(range_agg(daterange(day, day, '[]')) FILTER (WHERE kind = 'a'), '{}'::datemultirange)
    FROM (
      SELECT i.member_id, i.team_id, i.commune_id, i.province_code, s.day, 'i' AS kind
        FROM training_invitations i JOIN training_sessions s ON s.id = i.training_id WHERE i.member_id = ANY(ids)
      UNION ALL
      SELECT a.member_id, coalesce(a.team_id, 0), a.commune_id, a.province_code, s.day, 'a'
        FROM training_attendance a JOIN training_sessions s ON s.id = a.training_id WHERE a.member_id = ANY(ids)
    ) x GROUP BY 1, 2, 3, 4;
$$;
--> statement-breakpoint
CREATE FUNCTION training_invitations_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM training_reach_apply((SELECT jsonb_agg(jsonb_build_object('training_id', o.training_id, 'commune_id', o.commune_id, 'team_id', o.team_id, 'province_code', o.province_code,
      'invitations', -1, 'checkins', 0, 'honoured', 0, 'walk_ins', 0)) FROM old_rows o));
  END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN
    PERFORM training_reach_apply((SELECT jsonb_agg(jsonb_build_object('training_id', n.training_id, 'commune_id', n.commune_id, 'team_id', n.team_id, 'province_code', n.province_code,
      'invitations', 1, 'checkins', 0, 'honoured', 0, 'walk_ins', 0)) FROM new_rows n));
  END IF;
  IF TG_OP = 'INSERT' THEN
    PERFORM training_member_reach_refresh(ARRAY(SELECT DISTINCT member_id FROM new_rows));
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM training_member_reach_refresh(ARRAY(SELECT DISTINCT member_id FROM old_rows));
  ELSE
    PERFORM training_member_reach_refresh(ARRAY(SELECT member_id FROM new_rows UNION SELECT member_id FROM old_rows));
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER training_invitations_ins AFTER INSERT ON training_invitations REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION training_invitations_changed();
--> statement-breakpoint
CREATE TRIGGER training_invitations_upd AFTER UPDATE ON training_invitations REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION training_invitations_changed();
--> statement-breakpoint
CREATE TRIGGER training_invitations_del AFTER DELETE ON training_invitations REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION training_invitations_changed();
--> statement-breakpoint
CREATE FUNCTION training_attendance_delta(a training_attendance, sign int) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
  SELECT jsonb_build_object('training_id', a.training_id, 'commune_id', a.commune_id, 'team_id', a.team_id, 'province_code', a.province_code,
    'invitations', 0, 'checkins', CASE WHEN a.member_id IS NOT NULL THEN sign ELSE 0 END,
    'honoured', CASE WHEN a.member_id IS NOT NULL AND a.invited THEN sign ELSE 0 END, 'walk_ins', CASE WHEN a.member_id IS NULL THEN sign ELSE 0 END)
$$;
--> statement-breakpoint
CREATE FUNCTION training_attendance_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM training_reach_apply((SELECT jsonb_agg(training_attendance_delta(o, -1)) FROM old_rows o));
  END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN
    PERFORM training_reach_apply((SELECT jsonb_agg(training_attendance_delta(n, 1)) FROM new_rows n));
  END IF;
  IF TG_OP = 'INSERT' THEN
    PERFORM training_member_reach_refresh(ARRAY(SELECT DISTINCT member_id FROM new_rows WHERE member_id IS NOT NULL));
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM training_member_reach_refresh(ARRAY(SELECT DISTINCT member_id FROM old_rows WHERE member_id IS NOT NULL));
  ELSE
    PERFORM training_member_reach_refresh(ARRAY(SELECT member_id FROM new_rows WHERE member_id IS NOT NULL UNION SELECT member_id FROM old_rows WHERE member_id IS NOT NULL));
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER training_attendance_ins AFTER INSERT ON training_attendance REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION training_attendance_changed();
--> statement-breakpoint
CREATE TRIGGER training_attendance_upd AFTER UPDATE ON training_attendance REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION training_attendance_changed();
--> statement-breakpoint
CREATE TRIGGER training_attendance_del AFTER DELETE ON training_attendance REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION training_attendance_changed();
--> statement-breakpoint
-- a session moved to another day moves its members' days; a deleted session takes its cells (its
-- invitations' and check-ins' cascades then find no session to apply to)
CREATE FUNCTION training_sessions_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    DELETE FROM training_reach c USING old_rows o WHERE c.training_id = o.id;
  ELSE
    PERFORM training_member_reach_refresh(ARRAY(
      SELECT i.member_id FROM new_rows n JOIN old_rows o ON o.id = n.id AND o.day IS DISTINCT FROM n.day JOIN training_invitations i ON i.training_id = n.id
      UNION SELECT a.member_id FROM new_rows n JOIN old_rows o ON o.id = n.id AND o.day IS DISTINCT FROM n.day JOIN training_attendance a ON a.training_id = n.id WHERE a.member_id IS NOT NULL));
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER training_sessions_upd AFTER UPDATE ON training_sessions REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION training_sessions_changed();
--> statement-breakpoint
CREATE TRIGGER training_sessions_del AFTER DELETE ON training_sessions REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION training_sessions_changed();
--> statement-breakpoint
CREATE FUNCTION training_reach_rebuild() RETURNS void LANGUAGE sql AS $$
  DELETE FROM training_reach;
  INSERT INTO training_reach (training_id, commune_id, team_id, province_code, invitations, checkins, honoured, walk_ins)
  SELECT training_id, commune_id, team_id, province_code, sum(invitations)::int, sum(checkins)::int, sum(honoured)::int, sum(walk_ins)::int FROM (
    SELECT training_id, commune_id, team_id, province_code, 1 AS invitations, 0 AS checkins, 0 AS honoured, 0 AS walk_ins FROM training_invitations
    UNION ALL
    SELECT training_id, commune_id, coalesce(team_id, 0), province_code, 0, (member_id IS NOT NULL)::int, (member_id IS NOT NULL AND invited)::int, (member_id IS NULL)::int FROM training_attendance
  ) x GROUP BY 1, 2, 3, 4;
  SELECT training_member_reach_refresh(ARRAY(SELECT member_id FROM training_invitations UNION SELECT member_id FROM training_attendance WHERE member_id IS NOT NULL) || ARRAY(SELECT member_id FROM training_member_reach));
$$;
--> statement-breakpoint
SELECT training_reach_rebuild();
