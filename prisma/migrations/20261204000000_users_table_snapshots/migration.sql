-- The users table of a single day, sorted by anything but time on site and userId, is served from
-- a snapshot sorted in memory, as ranges are (web/queries/users/range-snapshots.ts), not from one
-- index per sort. Each of these indexes is on a column the worker changes on every update of a
-- user's day, so every update wrote an entry into each of them: in live traffic the user_daily
-- upsert took 161 ms per commit with them and 43 ms without (docs/BENCHMARKS.md, session 11).
-- Kept: the primary key (the userId sort), and (day, time_spent_seconds DESC, user_id DESC) for the
-- overview's top users, the users table's default sort and a day's rows.
DROP INDEX "user_daily_day_event_count_user_id_idx";
DROP INDEX "user_daily_day_clicks_user_id_idx";
DROP INDEX "user_daily_day_page_views_user_id_idx";
DROP INDEX "user_daily_day_sessions_user_id_idx";
DROP INDEX "user_daily_day_visit_time_ms_user_id_idx";
DROP INDEX "user_daily_day_clicks_per_page_view_user_id_idx";
DROP INDEX "user_daily_day_ctr_user_id_idx";
DROP INDEX "user_daily_day_bounce_rate_user_id_idx";
