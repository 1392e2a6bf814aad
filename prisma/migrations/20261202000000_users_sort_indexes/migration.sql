-- The users table of a single day reads a page by index for every sort but the most common event
-- (issue 13): one (day, key DESC, user_id DESC) index per sort key, read forwards or backwards.
-- The ratios' keys are expressions, written exactly as the queries write them
-- (web/queries/users/users-sort-keys.ts: the lib/metrics/sql.ts ratio, NULL as -1), so the
-- planner matches them; Prisma's schema cannot declare expression indexes, so these live here only.

-- CreateIndex
CREATE INDEX "user_daily_day_clicks_user_id_idx" ON "user_daily"("day", "clicks" DESC, "user_id" DESC);
CREATE INDEX "user_daily_day_page_views_user_id_idx" ON "user_daily"("day", "page_views" DESC, "user_id" DESC);
CREATE INDEX "user_daily_day_sessions_user_id_idx" ON "user_daily"("day", "sessions" DESC, "user_id" DESC);
CREATE INDEX "user_daily_day_visit_time_ms_user_id_idx" ON "user_daily"("day", "visit_time_ms" DESC, "user_id" DESC);
CREATE INDEX "user_daily_day_clicks_per_page_view_user_id_idx" ON "user_daily"("day", (COALESCE(("clicks")::float8 / NULLIF(("page_views")::float8, 0), -1::float8)) DESC, "user_id" DESC);
CREATE INDEX "user_daily_day_ctr_user_id_idx" ON "user_daily"("day", (COALESCE(("clicked_page_views")::float8 / NULLIF(("session_page_views")::float8, 0), -1::float8)) DESC, "user_id" DESC);
CREATE INDEX "user_daily_day_bounce_rate_user_id_idx" ON "user_daily"("day", (COALESCE(("bounces")::float8 / NULLIF(("sessions")::float8, 0), -1::float8)) DESC, "user_id" DESC);
