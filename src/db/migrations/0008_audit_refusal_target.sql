ALTER TABLE "audit_log" ADD COLUMN "target_province_code" text;--> statement-breakpoint
ALTER TABLE "audit_log" ADD COLUMN "target_commune_id" integer;--> statement-breakpoint
CREATE INDEX "audit_log_target_province_idx" ON "audit_log" USING btree ("target_province_code","at");--> statement-breakpoint
CREATE INDEX "audit_log_target_commune_idx" ON "audit_log" USING btree ("target_commune_id","at");