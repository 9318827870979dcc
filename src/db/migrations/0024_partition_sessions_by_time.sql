-- Support sessions and their rollups partitioned by time (issue 18, item 1): declarative range
-- partitioning on PostgreSQL and on the embedded database alike (one schema), so that a year's
-- sessions are a few tables of their own (vacuumed, indexed, archived or dropped on their own)
-- however many years are kept. Day-keyed tables by quarter, month-keyed tables by year, each with a
-- DEFAULT partition that catches any row outside the partitions made (never refused, never lost).
-- The partitions from 2025 to a year ahead are made here; the application makes the next ones ahead
-- at every start and every day (sessions/sessions.partitions.ts calls ngoso_ensure_partitions).
--
-- A partitioned table's unique keys must hold its partition key: support_sessions' primary key
-- becomes (id, day). A session's id stays unique in the database itself: support_session_ids (one
-- row per session, its primary key the id, its day beside it) is kept by triggers on
-- support_sessions, so a second session with the same id, whatever its day, is a unique violation;
-- the sync checks ids there (one index, not one per partition) after locking them. Its members and
-- services reference (id, day); the services get the session's day for that.

CREATE FUNCTION ngoso_ensure_partitions(parent text, col text, months integer, through date) RETURNS integer
LANGUAGE plpgsql SET search_path = public AS $$
DECLARE
  lo date := date '2025-01-01';
  hi date;
  part text;
  stray boolean;
  made integer := 0;
BEGIN
  IF months NOT IN (1, 3, 12) THEN RAISE EXCEPTION 'ngoso_ensure_partitions: months must be 1, 3 or 12 (got %)', months; END IF;
  WHILE lo <= through LOOP
    hi := (lo + make_interval(months => months))::date;
    part := parent || '_' || CASE months WHEN 12 THEN to_char(lo, 'YYYY') WHEN 3 THEN to_char(lo, 'YYYY"q"Q') ELSE to_char(lo, 'YYYY"m"MM') END;
    IF to_regclass(part) IS NULL THEN
      -- rows of this range already in the DEFAULT partition would make the new partition fail: keep
      -- them where they are (still counted) and say so
      EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I WHERE %I >= %L AND %I < %L)', parent || '_default', col, lo, col, hi) INTO stray;
      IF stray THEN
        RAISE WARNING '%: rows of [%, %) are in %_default; partition % not made', parent, lo, hi, parent, part;
      ELSE
        EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)', part, parent, lo, hi);
        made := made + 1;
      END IF;
    END IF;
    lo := hi;
  END LOOP;
  RETURN made;
END $$;
--> statement-breakpoint
CREATE FUNCTION ngoso_partition_table(tbl text, col text, months integer) RETURNS void
LANGUAGE plpgsql SET search_path = public AS $$
BEGIN
  EXECUTE format('ALTER TABLE %I RENAME TO %I', tbl, tbl || '_unpartitioned');
  EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING GENERATED) PARTITION BY RANGE (%I)', tbl, tbl || '_unpartitioned', col);
  EXECUTE format('CREATE TABLE %I PARTITION OF %I DEFAULT', tbl || '_default', tbl);
  PERFORM ngoso_ensure_partitions(tbl, col, months, (current_date + interval '1 year')::date);
  EXECUTE format('INSERT INTO %I SELECT * FROM %I', tbl, tbl || '_unpartitioned');
  EXECUTE format('DROP TABLE %I CASCADE', tbl || '_unpartitioned');
END $$;
--> statement-breakpoint
ALTER TABLE "support_session_services" ADD COLUMN "day" date;
--> statement-breakpoint
UPDATE "support_session_services" ss SET "day" = s."day" FROM "support_sessions" s WHERE s."id" = ss."session_id";
--> statement-breakpoint
ALTER TABLE "support_session_services" ALTER COLUMN "day" SET NOT NULL;
--> statement-breakpoint
SELECT ngoso_partition_table('support_sessions', 'day', 3);
--> statement-breakpoint
ALTER TABLE "support_sessions" ADD CONSTRAINT "support_sessions_pkey" PRIMARY KEY ("id", "day");
--> statement-breakpoint
CREATE INDEX "support_sessions_commune_day_idx" ON "support_sessions" USING btree ("commune_id", "day");
--> statement-breakpoint
CREATE INDEX "support_sessions_team_day_key_idx" ON "support_sessions" USING btree ("team_id", "day") INCLUDE ("resident_key");
--> statement-breakpoint
CREATE INDEX "support_sessions_village_day_idx" ON "support_sessions" USING btree ("village_id", "day") WHERE "village_id" IS NOT NULL;
--> statement-breakpoint
ALTER TABLE "support_sessions" ADD CONSTRAINT "support_sessions_commune_id_admin_units_id_fk" FOREIGN KEY ("commune_id") REFERENCES "public"."admin_units"("id");
--> statement-breakpoint
ALTER TABLE "support_sessions" ADD CONSTRAINT "support_sessions_village_id_admin_units_id_fk" FOREIGN KEY ("village_id") REFERENCES "public"."admin_units"("id");
--> statement-breakpoint
ALTER TABLE "support_sessions" ADD CONSTRAINT "support_sessions_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id");
--> statement-breakpoint
ALTER TABLE "support_sessions" ADD CONSTRAINT "support_sessions_resident_id_residents_id_fk" FOREIGN KEY ("resident_id") REFERENCES "public"."residents"("id");
--> statement-breakpoint
ALTER TABLE "support_session_members" ADD CONSTRAINT "support_session_members_session_fk" FOREIGN KEY ("session_id", "day") REFERENCES "public"."support_sessions"("id", "day") ON DELETE cascade;
--> statement-breakpoint
ALTER TABLE "support_session_services" ADD CONSTRAINT "support_session_services_session_fk" FOREIGN KEY ("session_id", "day") REFERENCES "public"."support_sessions"("id", "day") ON DELETE cascade;
--> statement-breakpoint
CREATE TABLE "support_session_ids" ("id" uuid PRIMARY KEY, "day" date NOT NULL);
--> statement-breakpoint
INSERT INTO "support_session_ids" ("id", "day") SELECT "id", "day" FROM "support_sessions";
--> statement-breakpoint
CREATE FUNCTION support_session_ids_add() RETURNS trigger LANGUAGE plpgsql SET search_path = public AS $$
BEGIN
  INSERT INTO support_session_ids (id, day) SELECT id, day FROM new_rows;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION support_session_ids_remove() RETURNS trigger LANGUAGE plpgsql SET search_path = public AS $$
BEGIN
  DELETE FROM support_session_ids i USING old_rows o WHERE i.id = o.id;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER support_sessions_ids_add AFTER INSERT ON support_sessions REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION support_session_ids_add();
--> statement-breakpoint
CREATE TRIGGER support_sessions_ids_remove AFTER DELETE ON support_sessions REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION support_session_ids_remove();
--> statement-breakpoint
SELECT ngoso_partition_table('support_daily', 'day', 3);
--> statement-breakpoint
ALTER TABLE "support_daily" ADD CONSTRAINT "support_daily_unit_id_day_service_id_outcome_pk" PRIMARY KEY ("unit_id", "day", "service_id", "outcome");
--> statement-breakpoint
CREATE INDEX "support_daily_cells_idx" ON "support_daily" USING btree ("unit_id", "day", "service_id", "outcome") INCLUDE ("sessions", "residents");
--> statement-breakpoint
CREATE INDEX "support_daily_session_level_idx" ON "support_daily" USING btree ("unit_id", "day") INCLUDE ("sessions", "residents") WHERE "service_id" = 0 AND "outcome" = '';
--> statement-breakpoint
SELECT ngoso_partition_table('support_member_daily', 'day', 3);
--> statement-breakpoint
ALTER TABLE "support_member_daily" ADD CONSTRAINT "support_member_daily_pk" PRIMARY KEY ("member_id", "day", "team_id", "service_id", "outcome");
--> statement-breakpoint
CREATE INDEX "support_member_daily_team_idx" ON "support_member_daily" USING btree ("team_id", "day") INCLUDE ("member_id", "sessions", "residents") WHERE "service_id" = 0 AND "outcome" = '';
--> statement-breakpoint
SELECT ngoso_partition_table('support_resident_days', 'day', 3);
--> statement-breakpoint
ALTER TABLE "support_resident_days" ADD CONSTRAINT "support_resident_days_unit_id_day_resident_key_pk" PRIMARY KEY ("unit_id", "day", "resident_key");
--> statement-breakpoint
CREATE INDEX "support_resident_days_key_idx" ON "support_resident_days" USING btree ("unit_id", "resident_key", "day");
--> statement-breakpoint
SELECT ngoso_partition_table('support_resident_links', 'day', 3);
--> statement-breakpoint
ALTER TABLE "support_resident_links" ADD CONSTRAINT "support_resident_links_pk" PRIMARY KEY ("unit_id", "day", "prev_day");
--> statement-breakpoint
SELECT ngoso_partition_table('support_monthly', 'month', 12);
--> statement-breakpoint
ALTER TABLE "support_monthly" ADD CONSTRAINT "support_monthly_pk" PRIMARY KEY ("unit_id", "month", "service_id", "outcome");
--> statement-breakpoint
CREATE INDEX "support_monthly_cells_idx" ON "support_monthly" USING btree ("unit_id", "month", "service_id", "outcome") INCLUDE ("sessions", "residents");
--> statement-breakpoint
CREATE INDEX "support_monthly_session_level_idx" ON "support_monthly" USING btree ("unit_id", "month") INCLUDE ("sessions", "residents") WHERE "service_id" = 0 AND "outcome" = '';
--> statement-breakpoint
SELECT ngoso_partition_table('support_member_monthly', 'month', 12);
--> statement-breakpoint
ALTER TABLE "support_member_monthly" ADD CONSTRAINT "support_member_monthly_pk" PRIMARY KEY ("member_id", "month", "team_id", "service_id", "outcome");
--> statement-breakpoint
CREATE INDEX "support_member_monthly_team_idx" ON "support_member_monthly" USING btree ("team_id", "month") INCLUDE ("member_id", "sessions", "residents") WHERE "service_id" = 0 AND "outcome" = '';
--> statement-breakpoint
SELECT ngoso_partition_table('support_resident_month_links', 'month', 12);
--> statement-breakpoint
ALTER TABLE "support_resident_month_links" ADD CONSTRAINT "support_resident_month_links_pk" PRIMARY KEY ("unit_id", "month", "prev_day");
--> statement-breakpoint
DROP FUNCTION ngoso_partition_table(text, text, integer);
