-- One person, one resident: the keyed hashes of phone and citizen ID are unique nationwide
-- (within this installation). Existing duplicates are merged first: the oldest row (lowest id)
-- is kept, sessions are re-pointed to it, its missing fields are filled from the duplicates.
-- 1) same citizen ID
UPDATE "support_sessions" s SET "resident_id" = k."keep"
  FROM (SELECT "id", min("id") OVER (PARTITION BY "national_id_hash") AS "keep" FROM "residents" WHERE "national_id_hash" IS NOT NULL) k
  WHERE s."resident_id" = k."id" AND k."id" <> k."keep";--> statement-breakpoint
UPDATE "residents" r SET
    "phone_enc" = coalesce(r."phone_enc", d."phone_enc"), "phone_hash" = coalesce(r."phone_hash", d."phone_hash"),
    "full_name" = coalesce(r."full_name", d."full_name"), "gender" = coalesce(r."gender", d."gender"), "birth_year" = coalesce(r."birth_year", d."birth_year")
  FROM (SELECT DISTINCT ON (k."keep") k."keep", x."phone_enc", x."phone_hash", x."full_name", x."gender", x."birth_year"
          FROM (SELECT "id", min("id") OVER (PARTITION BY "national_id_hash") AS "keep" FROM "residents" WHERE "national_id_hash" IS NOT NULL) k
          JOIN "residents" x ON x."id" = k."id" WHERE k."id" <> k."keep" ORDER BY k."keep", x."id") d
  WHERE r."id" = d."keep";--> statement-breakpoint
DELETE FROM "residents" r USING (SELECT "id", min("id") OVER (PARTITION BY "national_id_hash") AS "keep" FROM "residents" WHERE "national_id_hash" IS NOT NULL) k
  WHERE r."id" = k."id" AND k."id" <> k."keep";--> statement-breakpoint
-- 2) same phone (after step 1): rows without a citizen ID merge into the oldest row
UPDATE "support_sessions" s SET "resident_id" = k."keep"
  FROM (SELECT "id", "national_id_hash", min("id") OVER (PARTITION BY "phone_hash") AS "keep" FROM "residents" WHERE "phone_hash" IS NOT NULL) k
  WHERE s."resident_id" = k."id" AND k."id" <> k."keep" AND k."national_id_hash" IS NULL;--> statement-breakpoint
DELETE FROM "residents" r USING (SELECT "id", "national_id_hash", min("id") OVER (PARTITION BY "phone_hash") AS "keep" FROM "residents" WHERE "phone_hash" IS NOT NULL) k
  WHERE r."id" = k."id" AND k."id" <> k."keep" AND k."national_id_hash" IS NULL;--> statement-breakpoint
-- a duplicate with its own citizen ID is another person sharing a family phone: it stays, the phone stays with the oldest row
UPDATE "residents" r SET "phone_enc" = NULL, "phone_hash" = NULL
  FROM (SELECT "id", min("id") OVER (PARTITION BY "phone_hash") AS "keep" FROM "residents" WHERE "phone_hash" IS NOT NULL) k
  WHERE r."id" = k."id" AND k."id" <> k."keep";--> statement-breakpoint
DROP INDEX IF EXISTS "residents_phone_hash_idx";--> statement-breakpoint
DROP INDEX IF EXISTS "residents_national_id_hash_idx";--> statement-breakpoint
CREATE UNIQUE INDEX "residents_phone_hash_key" ON "residents" ("phone_hash") WHERE "phone_hash" IS NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "residents_national_id_hash_key" ON "residents" ("national_id_hash") WHERE "national_id_hash" IS NOT NULL;
