-- The overview's users active in the last minutes, read from a few rows the worker keeps instead of
-- counted over user_daily (issue 13: 100,000 index entries and their rows when everyone is active):
-- sessions per minute of their latest event (worker/core/session-end-minutes.ts).

-- CreateTable
CREATE TABLE "global_session_ends" (
    "minute" TIMESTAMPTZ(3) NOT NULL,
    "sessions" INTEGER NOT NULL,

    CONSTRAINT "global_session_ends_pkey" PRIMARY KEY ("minute")
);

-- Backfill from the sessions already stored, so an upgraded database shows the same overview. The
-- minute is cut from the epoch, whatever the server's time zone.
INSERT INTO "global_session_ends" ("minute", "sessions")
SELECT to_timestamp(floor(extract(epoch FROM "end_at") / 60) * 60), count(*)
FROM "user_session" GROUP BY 1 ORDER BY 1;

-- The index served only the count this table replaces; every user_daily write paid for it.
DROP INDEX "user_daily_day_last_event_at_idx";
