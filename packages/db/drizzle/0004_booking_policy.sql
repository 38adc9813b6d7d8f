ALTER TABLE "calendars" ADD COLUMN "conflict_policy" text DEFAULT 'reject' NOT NULL;--> statement-breakpoint
ALTER TABLE "calendars" ADD COLUMN "series_max_conflicts" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "calendars" ADD COLUMN "max_days_ahead" integer;--> statement-breakpoint
ALTER TABLE "calendars" ADD COLUMN "min_minutes" integer;--> statement-breakpoint
ALTER TABLE "calendars" ADD COLUMN "max_minutes" integer;--> statement-breakpoint
ALTER TABLE "calendars" ADD COLUMN "opening_hours" text;