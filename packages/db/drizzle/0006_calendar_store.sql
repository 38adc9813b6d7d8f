CREATE TABLE "busy_intervals" (
	"calendar_id" integer NOT NULL,
	"href" text NOT NULL,
	"start" timestamp with time zone NOT NULL,
	"end" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "calendar_objects" (
	"calendar_id" integer NOT NULL,
	"href" text NOT NULL,
	"etag" text,
	"uid" text,
	"data" text NOT NULL,
	"occurrences" jsonb,
	"expanded_from" timestamp with time zone,
	"expanded_to" timestamp with time zone,
	"expand_key" text,
	"unreadable" text,
	"truncated" jsonb,
	"fetched_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "calendar_objects_calendar_id_href_pk" PRIMARY KEY("calendar_id","href")
);
--> statement-breakpoint
ALTER TABLE "calendars" ADD COLUMN "capacity" integer;--> statement-breakpoint
ALTER TABLE "calendars" ADD COLUMN "features" text[] DEFAULT '{}' NOT NULL;--> statement-breakpoint
ALTER TABLE "calendars" ADD COLUMN "location" text;--> statement-breakpoint
ALTER TABLE "calendars" ADD COLUMN "mirror_refreshed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "calendars" ADD COLUMN "mirror_sync_token" text;--> statement-breakpoint
ALTER TABLE "calendars" ADD COLUMN "mirror_ctag" text;--> statement-breakpoint
ALTER TABLE "calendars" ADD COLUMN "mirror_from" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "calendars" ADD COLUMN "mirror_to" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "calendars" ADD COLUMN "mirror_error" text;--> statement-breakpoint
ALTER TABLE "calendars" ADD COLUMN "mirror_failed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "busy_intervals" ADD CONSTRAINT "busy_intervals_calendar_id_calendars_id_fk" FOREIGN KEY ("calendar_id") REFERENCES "public"."calendars"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "calendar_objects" ADD CONSTRAINT "calendar_objects_calendar_id_calendars_id_fk" FOREIGN KEY ("calendar_id") REFERENCES "public"."calendars"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "busy_intervals_calendar_start" ON "busy_intervals" USING btree ("calendar_id","start");--> statement-breakpoint
CREATE INDEX "busy_intervals_calendar_href" ON "busy_intervals" USING btree ("calendar_id","href");