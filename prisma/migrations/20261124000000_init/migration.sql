-- CreateTable
CREATE TABLE "user_daily" (
    "user_id" VARCHAR(128) NOT NULL,
    "day" DATE NOT NULL,
    "event_count" INTEGER NOT NULL,
    "time_spent_seconds" BIGINT NOT NULL,
    "clicks" INTEGER NOT NULL,
    "page_views" INTEGER NOT NULL,
    "first_event_at" TIMESTAMPTZ(3) NOT NULL,
    "last_event_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "user_daily_pkey" PRIMARY KEY ("user_id","day")
);

-- CreateTable
CREATE TABLE "user_daily_event" (
    "user_id" VARCHAR(128) NOT NULL,
    "day" DATE NOT NULL,
    "event_type" VARCHAR(32) NOT NULL,
    "count" INTEGER NOT NULL,

    CONSTRAINT "user_daily_event_pkey" PRIMARY KEY ("user_id","day","event_type")
);

-- CreateTable
CREATE TABLE "user_minute" (
    "user_id" VARCHAR(128) NOT NULL,
    "window_start" TIMESTAMPTZ(3) NOT NULL,
    "event_count" INTEGER NOT NULL,
    "time_spent_seconds" BIGINT NOT NULL,

    CONSTRAINT "user_minute_pkey" PRIMARY KEY ("user_id","window_start")
);

-- CreateTable
CREATE TABLE "global_minute" (
    "window_start" TIMESTAMPTZ(3) NOT NULL,
    "event_type" VARCHAR(32) NOT NULL,
    "count" INTEGER NOT NULL,

    CONSTRAINT "global_minute_pkey" PRIMARY KEY ("window_start","event_type")
);

-- CreateTable
CREATE TABLE "partition_state" (
    "group_id" VARCHAR(255) NOT NULL,
    "topic" VARCHAR(255) NOT NULL,
    "partition" INTEGER NOT NULL,
    "next_offset" BIGINT NOT NULL,
    "watermark" TIMESTAMPTZ(3),
    "processed" BIGINT NOT NULL DEFAULT 0,
    "invalid" BIGINT NOT NULL DEFAULT 0,
    "late" BIGINT NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "partition_state_pkey" PRIMARY KEY ("group_id","topic","partition")
);

-- CreateIndex
CREATE INDEX "user_daily_day_time_spent_seconds_idx" ON "user_daily"("day", "time_spent_seconds" DESC);

-- CreateIndex
CREATE INDEX "user_minute_window_start_idx" ON "user_minute"("window_start");
