-- A lead's contact data (names, e-mail, phone, free-form attributes and the dedupe hash derived from
-- them) is erased once it is older than its retention (job lead-contact-purge); the row, its status,
-- assignments and money stay. This records when, so the job passes each lead once.
ALTER TABLE leads ADD COLUMN contact_purged_at timestamptz NULL;
