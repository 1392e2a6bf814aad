-- user_minute is read only by user (the user page's per-minute chart: the primary key
-- (user_id, window_start)). The window_start index served the overview's scan of the last hour,
-- which global_minute_users replaced (issue 13); every new user_minute row (about half a row per
-- event) still paid for it (issue 15).

-- DropIndex
DROP INDEX "user_minute_window_start_idx";
