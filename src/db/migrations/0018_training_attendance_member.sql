-- who was ever trained, a member's own trainings and certificates: attendance looked up by member
CREATE INDEX IF NOT EXISTS "training_attendance_member_idx" ON "training_attendance" ("member_id") WHERE "member_id" IS NOT NULL;
