-- The users table of a day pages by (key, user_id): with user_id in the index, a page is read in
-- index order from its cursor, however many users tie on the key.
-- DropIndex
DROP INDEX "user_daily_day_time_spent_seconds_idx";

-- DropIndex
DROP INDEX "user_daily_day_event_count_idx";

-- CreateIndex
CREATE INDEX "user_daily_day_time_spent_seconds_user_id_idx" ON "user_daily"("day", "time_spent_seconds" DESC, "user_id" DESC);

-- CreateIndex
CREATE INDEX "user_daily_day_event_count_user_id_idx" ON "user_daily"("day", "event_count" DESC, "user_id" DESC);
