-- The seeded citations of the Labour Code, in Vietnamese as admins read them (db/seed.ts SOURCES_VI).
UPDATE "calendar_entries" SET "source" = 'Bộ luật Lao động 2019, Điều 112' WHERE "source" = 'Labour Code 2019 art. 112';--> statement-breakpoint
UPDATE "calendar_entries" SET "source" = 'Bộ luật Lao động 2019, Điều 111 khoản 3' WHERE "source" = 'Labour Code 2019 art. 111.3';
