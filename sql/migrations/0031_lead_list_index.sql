-- The admin lead list pages a workspace's leads newest first (ORDER BY created_at DESC, id DESC,
-- keyset cursor on the same pair). Without an index in that order every page read all of the
-- workspace's leads and sorted them; with it a page reads its own rows and stops.
-- (Built in the migration's transaction: on a large existing table, build it CONCURRENTLY by hand first.)
CREATE INDEX IF NOT EXISTS ix_leads_workspace_created ON leads (workspace_id, created_at DESC, id DESC);
