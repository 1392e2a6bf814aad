-- The overview reads what the worker already aggregates instead of scanning per-user rows
-- (issue 13): everyone's totals per UTC day, and the users active per window. The worker keeps
-- both in the same transaction as the per-user rows they sum (worker/shell/global-totals.ts).

-- CreateTable
CREATE TABLE "global_daily" (
    "day" DATE NOT NULL,
    "users" INTEGER NOT NULL DEFAULT 0,
    "event_count" BIGINT NOT NULL DEFAULT 0,
    "time_spent_seconds" BIGINT NOT NULL DEFAULT 0,
    "clicks" BIGINT NOT NULL DEFAULT 0,
    "page_views" BIGINT NOT NULL DEFAULT 0,
    "sessions" BIGINT NOT NULL DEFAULT 0,
    "visit_time_ms" BIGINT NOT NULL DEFAULT 0,
    "bounces" BIGINT NOT NULL DEFAULT 0,
    "session_page_views" BIGINT NOT NULL DEFAULT 0,
    "clicked_page_views" BIGINT NOT NULL DEFAULT 0,
    "converted_sessions" BIGINT NOT NULL DEFAULT 0,
    "funnel_page_view" BIGINT NOT NULL DEFAULT 0,
    "funnel_add_to_cart" BIGINT NOT NULL DEFAULT 0,
    "funnel_purchase" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "global_daily_pkey" PRIMARY KEY ("day")
);

-- CreateTable
CREATE TABLE "global_minute_users" (
    "window_start" TIMESTAMPTZ(3) NOT NULL,
    "users" INTEGER NOT NULL,

    CONSTRAINT "global_minute_users_pkey" PRIMARY KEY ("window_start")
);

-- CreateIndex: users active in the last minutes, by their latest event of the day.
CREATE INDEX "user_daily_day_last_event_at_idx" ON "user_daily"("day", "last_event_at");

-- Backfill from the rows already counted, so an upgraded database shows the same overview.
INSERT INTO "global_daily" ("day", "users", "event_count", "time_spent_seconds", "clicks", "page_views")
SELECT "day", count(*), sum("event_count"), sum("time_spent_seconds"), sum("clicks"), sum("page_views")
FROM "user_daily" GROUP BY "day";

INSERT INTO "global_daily" AS g ("day", "sessions", "visit_time_ms", "bounces", "session_page_views", "clicked_page_views",
                                 "converted_sessions", "funnel_page_view", "funnel_add_to_cart", "funnel_purchase")
SELECT "day", count(*),
       COALESCE(sum((EXTRACT(EPOCH FROM "end_at") * 1000)::bigint - (EXTRACT(EPOCH FROM "start_at") * 1000)::bigint), 0),
       count(*) FILTER (WHERE "event_count" = 1), sum("page_views"), sum("clicked_page_views"),
       count(*) FILTER (WHERE "converted"), count(*) FILTER (WHERE "funnel_step" >= 1),
       count(*) FILTER (WHERE "funnel_step" >= 2), count(*) FILTER (WHERE "funnel_step" >= 3)
FROM "user_session" GROUP BY "day"
ON CONFLICT ("day") DO UPDATE SET
    "sessions" = EXCLUDED."sessions", "visit_time_ms" = EXCLUDED."visit_time_ms", "bounces" = EXCLUDED."bounces",
    "session_page_views" = EXCLUDED."session_page_views", "clicked_page_views" = EXCLUDED."clicked_page_views",
    "converted_sessions" = EXCLUDED."converted_sessions", "funnel_page_view" = EXCLUDED."funnel_page_view",
    "funnel_add_to_cart" = EXCLUDED."funnel_add_to_cart", "funnel_purchase" = EXCLUDED."funnel_purchase";

INSERT INTO "global_minute_users" ("window_start", "users")
SELECT "window_start", count(*) FROM "user_minute" GROUP BY "window_start";
