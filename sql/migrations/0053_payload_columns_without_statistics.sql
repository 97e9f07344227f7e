-- Autovacuum analyzes the distribution's tables every time they grow by a tenth, and each ANALYZE
-- sorts a sample of every column. The columns below are payload: no query filters, joins, groups or
-- orders on them (an id is unique, which its key already tells the planner), so the planner never
-- reads their statistics, yet they were most of each
-- ANALYZE's work (the contact texts and attributes of leads; the JSON and arrays of a run, whose
-- element statistics sort every element of the sample). On two cores that work, taken from the
-- commit lane while the tables are young and grow fast, stalled the distributions of the moment.
-- Statistics target 0: ANALYZE skips the column.

ALTER TABLE leads
    ALTER COLUMN first_name SET STATISTICS 0,
    ALTER COLUMN last_name SET STATISTICS 0,
    ALTER COLUMN email SET STATISTICS 0,
    ALTER COLUMN phone SET STATISTICS 0,
    ALTER COLUMN attributes SET STATISTICS 0,
    ALTER COLUMN rejection_reason SET STATISTICS 0;

ALTER TABLE distribution_runs
    ALTER COLUMN traversal SET STATISTICS 0,
    ALTER COLUMN skipped SET STATISTICS 0,
    ALTER COLUMN assignment_ids SET STATISTICS 0,
    ALTER COLUMN error SET STATISTICS 0;

ALTER TABLE lead_assignments
    ALTER COLUMN id SET STATISTICS 0,
    ALTER COLUMN price_cents SET STATISTICS 0,
    ALTER COLUMN balance_after_cents SET STATISTICS 0;
