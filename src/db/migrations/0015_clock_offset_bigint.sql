-- a phone's clock may be off by more than 24.8 days (int4 milliseconds): a clock reset to 1970 or a year ahead must still sync
ALTER TABLE "support_sessions" ALTER COLUMN "clock_offset_ms" TYPE bigint;--> statement-breakpoint
ALTER TABLE "support_session_reviews" ALTER COLUMN "clock_offset_ms" TYPE bigint;
