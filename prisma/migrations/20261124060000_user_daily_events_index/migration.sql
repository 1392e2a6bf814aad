-- CreateIndex
CREATE INDEX "user_daily_day_event_count_idx" ON "user_daily"("day", "event_count" DESC);
