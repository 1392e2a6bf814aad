-- session_state.open_sessions is written for every user a chunk touches and read back only when a
-- partition is loaded; nothing queries inside it. As json (the text, checked once) instead of jsonb
-- (converted to a binary tree on every write), the same upsert of 10,000 users' open sessions took
-- about a third of the time (issue 15).

-- AlterTable
ALTER TABLE "session_state" ALTER COLUMN "open_sessions" TYPE JSON USING "open_sessions"::json;
