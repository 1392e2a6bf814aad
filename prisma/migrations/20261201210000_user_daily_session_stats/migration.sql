-- Each user-day carries the session figures of the user's sessions starting that day (the
-- sessionStats accumulator of lib/metrics), kept by the worker in the same transaction as
-- user_session, so the users table reads one row per user instead of joining and summing
-- user_session (issue 13).

-- AlterTable
ALTER TABLE "user_daily"
    ADD COLUMN "sessions" INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN "visit_time_ms" BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN "bounces" INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN "session_page_views" INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN "clicked_page_views" INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN "converted_sessions" INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN "funnel_page_view" INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN "funnel_add_to_cart" INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN "funnel_purchase" INTEGER NOT NULL DEFAULT 0;

-- Backfill from the sessions already stored.
UPDATE "user_daily" d SET
    "sessions" = s."sessions", "visit_time_ms" = s."visit_time_ms", "bounces" = s."bounces",
    "session_page_views" = s."session_page_views", "clicked_page_views" = s."clicked_page_views",
    "converted_sessions" = s."converted_sessions", "funnel_page_view" = s."funnel_page_view",
    "funnel_add_to_cart" = s."funnel_add_to_cart", "funnel_purchase" = s."funnel_purchase"
FROM (
    SELECT "user_id", "day", count(*) AS "sessions",
           COALESCE(sum((EXTRACT(EPOCH FROM "end_at") * 1000)::bigint - (EXTRACT(EPOCH FROM "start_at") * 1000)::bigint), 0) AS "visit_time_ms",
           count(*) FILTER (WHERE "event_count" = 1) AS "bounces", sum("page_views") AS "session_page_views",
           sum("clicked_page_views") AS "clicked_page_views", count(*) FILTER (WHERE "converted") AS "converted_sessions",
           count(*) FILTER (WHERE "funnel_step" >= 1) AS "funnel_page_view", count(*) FILTER (WHERE "funnel_step" >= 2) AS "funnel_add_to_cart",
           count(*) FILTER (WHERE "funnel_step" >= 3) AS "funnel_purchase"
    FROM "user_session" GROUP BY "user_id", "day"
) s
WHERE d."user_id" = s."user_id" AND d."day" = s."day";
