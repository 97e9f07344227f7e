-- The admin API reads a workspace's audit log newest first (GET /api/v1/admin/audit): without this
-- index that page scans the whole log backwards. Audit rows come from admin changes and failures,
-- not from each distribution (a run row is its own record), so the index costs the hot path nothing.
CREATE INDEX ix_audit_workspace ON audit_log (workspace_id, id DESC);
