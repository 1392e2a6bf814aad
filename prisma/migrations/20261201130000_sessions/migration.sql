-- Sessions (README, "What the numbers mean"): a maximal run of one user's counted events less than
-- SESSION_GAP_MS apart, by event time. The worker writes them in the same transaction as the other
-- aggregates and the position: a row is upserted while its session is open (it can still grow, or
-- merge with a neighbour, whose row is then deleted) and is final once `final` is true.
CREATE TABLE "user_session" (
    "user_id" VARCHAR(128) NOT NULL,
    "start_at" TIMESTAMPTZ(3) NOT NULL,
    "end_at" TIMESTAMPTZ(3) NOT NULL,
    -- The UTC day of the session's first event: the day the session belongs to.
    "day" DATE NOT NULL,
    "event_count" INTEGER NOT NULL,
    "page_views" INTEGER NOT NULL,
    -- Page views followed by at least one click before the session's next page view (CTR's numerator).
    "clicked_page_views" INTEGER NOT NULL,
    -- Funnel: 0 none, 1 page view, 2 add-to-cart after a page view, 3 purchase after that add-to-cart.
    "funnel_step" SMALLINT NOT NULL,
    "converted" BOOLEAN NOT NULL,
    -- Where the session's events are in Kafka: the partition and its lowest and highest offsets.
    "partition" INTEGER NOT NULL,
    "first_offset" BIGINT NOT NULL,
    "last_offset" BIGINT NOT NULL,
    "final" BOOLEAN NOT NULL DEFAULT false,
    CONSTRAINT "user_session_pkey" PRIMARY KEY ("user_id", "start_at"),
    CONSTRAINT "user_session_span" CHECK ("end_at" >= "start_at"),
    CONSTRAINT "user_session_counts" CHECK ("event_count" >= 1 AND "page_views" >= 0 AND "clicked_page_views" BETWEEN 0 AND "page_views" AND "funnel_step" BETWEEN 0 AND 3)
);

-- Per-day figures (overview, users table) and each user's sessions of a day.
CREATE INDEX "user_session_day_user_id_idx" ON "user_session"("day", "user_id");

-- The open sessions of each user of a partition, as the worker's core keeps them (bounded: the
-- events of the last allowed-lateness of event time plus one summary per session). Loaded when the
-- partition is assigned; written with the partition's position, so both always agree.
CREATE TABLE "session_state" (
    "topic" VARCHAR(255) NOT NULL,
    "partition" INTEGER NOT NULL,
    "user_id" VARCHAR(128) NOT NULL,
    "open_sessions" JSONB NOT NULL,
    CONSTRAINT "session_state_pkey" PRIMARY KEY ("topic", "partition", "user_id")
);
