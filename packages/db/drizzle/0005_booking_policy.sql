-- Rooms that exist already keep the book-then-clear behaviour they were set up with ('allow');
-- only calendars created from now on default to 'reject' (issue 11).
ALTER TABLE "calendars" ADD COLUMN "conflict_policy" text DEFAULT 'allow' NOT NULL;--> statement-breakpoint
ALTER TABLE "calendars" ALTER COLUMN "conflict_policy" SET DEFAULT 'reject';--> statement-breakpoint
ALTER TABLE "calendars" ADD COLUMN "series_max_conflicts" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "calendars" ADD COLUMN "max_days_ahead" integer;--> statement-breakpoint
ALTER TABLE "calendars" ADD COLUMN "min_minutes" integer;--> statement-breakpoint
ALTER TABLE "calendars" ADD COLUMN "max_minutes" integer;--> statement-breakpoint
ALTER TABLE "calendars" ADD COLUMN "opening_hours" text;