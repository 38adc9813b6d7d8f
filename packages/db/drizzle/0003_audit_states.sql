ALTER TABLE "audit_log" ADD COLUMN "state" text DEFAULT 'pending' NOT NULL;--> statement-breakpoint
-- Entries written before states existed describe writes that succeeded (failed ones were deleted).
UPDATE "audit_log" SET "state" = 'applied';--> statement-breakpoint
ALTER TABLE "audit_log" ADD COLUMN "etag_before" text;--> statement-breakpoint
ALTER TABLE "audit_log" ADD COLUMN "text_after" text;--> statement-breakpoint
ALTER TABLE "audit_log" ADD COLUMN "error" text;--> statement-breakpoint
ALTER TABLE "audit_log" ADD COLUMN "notifications" jsonb;--> statement-breakpoint
CREATE INDEX "audit_log_calendar_id_state_index" ON "audit_log" USING btree ("calendar_id","state");--> statement-breakpoint
CREATE INDEX "audit_log_job_id_index" ON "audit_log" USING btree ("job_id");