-- The money and fairness invariants I1-I4 of DESIGN.md as one query, so tests, the benchmark and
-- the nightly reconciliation all judge the data the same way. Each row is one violation.
CREATE FUNCTION check_invariants()
RETURNS TABLE (invariant text, subject_id uuid, detail text)
LANGUAGE sql STABLE AS $$
    -- I1: balance = sum of the provider's ledger, never negative.
    SELECT 'I1', p.id, format('balance %s, ledger sum %s', p.balance_cents, coalesce(l.total, 0))
      FROM providers p
      LEFT JOIN (SELECT provider_id, sum(amount_cents) AS total FROM ledger_entries GROUP BY provider_id) l
        ON l.provider_id = p.id
     WHERE p.balance_cents <> coalesce(l.total, 0) OR p.balance_cents < 0
    UNION ALL
    -- I2: every assignment has exactly one charge of -price ...
    SELECT 'I2', a.id, format('assignment priced %s has %s charge entries summing %s',
                              a.price_cents, count(e.id), coalesce(sum(e.amount_cents), 0))
      FROM lead_assignments a
      LEFT JOIN ledger_entries e ON e.assignment_id = a.id AND e.kind = 'charge'
     GROUP BY a.id, a.price_cents
    HAVING count(e.id) <> 1 OR coalesce(sum(e.amount_cents), 0) <> -a.price_cents
    UNION ALL
    -- ... and every charge has its assignment.
    SELECT 'I2', e.id, 'charge entry without an assignment'
      FROM ledger_entries e
     WHERE e.kind = 'charge' AND NOT EXISTS (SELECT 1 FROM lead_assignments a WHERE a.id = e.assignment_id)
    UNION ALL
    -- I3: no (lead, provider) pair twice.
    SELECT 'I3', a.lead_id, format('provider %s assigned %s times', a.provider_id, count(*))
      FROM lead_assignments a GROUP BY a.lead_id, a.provider_id HAVING count(*) > 1
    UNION ALL
    -- I4: no level gets more assignments of one lead than its max_recipients.
    SELECT 'I4', a.lead_id, format('level %s got %s assignments, max %s', a.level_id, count(*), l.max_recipients)
      FROM lead_assignments a JOIN competition_levels l ON l.id = a.level_id
     GROUP BY a.lead_id, a.level_id, l.max_recipients HAVING count(*) > l.max_recipients
$$;
