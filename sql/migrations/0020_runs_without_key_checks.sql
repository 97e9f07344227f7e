-- A distribution run is written only by record_distributions, which has just locked the run's lead
-- and niche rows and found them there; leads and niches are never deleted. The foreign keys on
-- distribution_runs repeated that check as two queries per run inside the serial group commit, as
-- the keys dropped from lead_assignments in 0006 and 0007 did per assignment.
ALTER TABLE distribution_runs DROP CONSTRAINT distribution_runs_lead_id_fkey,
                              DROP CONSTRAINT distribution_runs_niche_id_fkey;
