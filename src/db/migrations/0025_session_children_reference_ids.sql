-- A session's members and services reference its id in support_session_ids (one plain table, one
-- unique index) instead of (id, day) in the partitioned support_sessions. A foreign key into a
-- partitioned table is checked by a query over the parent: on PostgreSQL 15 each check locks every
-- partition and its indexes, more relations than a backend's fast-path lock slots, so concurrent
-- syncs queued on the lock manager (measured: 250–320 ms per 125-session batch in the checks alone
-- under 4 concurrent syncs, against a few ms). The row in support_session_ids is written by the
-- statement trigger on support_sessions at the end of the statement that also inserts the members
-- and services, so the constraint is checked at commit (DEFERRABLE INITIALLY DEFERRED); deleting a
-- session still deletes its members and services (the trigger deletes its id, which cascades).
ALTER TABLE "support_session_members" DROP CONSTRAINT "support_session_members_session_fk";
--> statement-breakpoint
ALTER TABLE "support_session_services" DROP CONSTRAINT "support_session_services_session_fk";
--> statement-breakpoint
ALTER TABLE "support_session_members" ADD CONSTRAINT "support_session_members_session_fk" FOREIGN KEY ("session_id") REFERENCES "public"."support_session_ids"("id") ON DELETE cascade DEFERRABLE INITIALLY DEFERRED;
--> statement-breakpoint
ALTER TABLE "support_session_services" ADD CONSTRAINT "support_session_services_session_fk" FOREIGN KEY ("session_id") REFERENCES "public"."support_session_ids"("id") ON DELETE cascade DEFERRABLE INITIALLY DEFERRED;
