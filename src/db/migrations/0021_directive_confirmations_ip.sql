-- A resident's confirmation without a phone is counted once per address (a keyed hash of it), so a
-- page reloaded or a script looping cannot inflate the count (issue 15, from the breaker).
ALTER TABLE "directive_confirmations" ADD COLUMN "ip_hash" text;
--> statement-breakpoint
CREATE UNIQUE INDEX "directive_confirmations_ip_uq" ON "directive_confirmations" ("directive_id", "team_id", "ip_hash") WHERE "phone_hash" IS NULL AND "ip_hash" IS NOT NULL;
