-- CreateIndex
CREATE INDEX "user_daily_event_day_user_id_count_event_type_idx" ON "user_daily_event"("day", "user_id", "count" DESC, "event_type");
