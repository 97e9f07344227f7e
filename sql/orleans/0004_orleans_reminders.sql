-- Orleans ADO.NET reminders, PostgreSQL.
--
-- Why: durable reminders must survive silo restarts, and the Orleans 10.4.2 reminder provider refuses
-- to start unless all seven of its query keys are in orleansquery. Implements the contract of the
-- Orleans ADO.NET provider; the integer version column is the ETag of a reminder.
-- Each silo reads its slice of the hash ring. Grain hashes arrive as unsigned values cast to int, so
-- they can be negative: ReadRangeRows1Key serves a range that does not wrap (begin < end as signed
-- ints), ReadRangeRows2Key one that wraps (begin = end is the whole ring). @Period is milliseconds,
-- sent as int, or as bigint when larger.

CREATE TABLE orleansreminderstable
(
    serviceid    varchar(150)   NOT NULL,
    grainid      varchar(150)   NOT NULL,
    remindername varchar(150)   NOT NULL,
    starttime    timestamptz(3) NOT NULL,
    period       bigint         NOT NULL,
    grainhash    integer        NOT NULL,
    version      integer        NOT NULL,

    CONSTRAINT pk_reminderstable_serviceid_grainid_remindername
        PRIMARY KEY (serviceid, grainid, remindername)
);

-- Serves the ring-range reads.
CREATE INDEX ix_reminderstable_serviceid_grainhash
    ON orleansreminderstable (serviceid, grainhash);

-- Inserts a reminder (version 0) or replaces its schedule (version + 1); returns the new version.
CREATE FUNCTION upsert_reminder_row(
    p_serviceid    text,
    p_grainid      text,
    p_remindername text,
    p_starttime    timestamptz,
    p_period       bigint,
    p_grainhash    integer)
RETURNS integer
LANGUAGE plpgsql
AS $$
DECLARE
    new_version integer;
BEGIN
    INSERT INTO orleansreminderstable AS r
        (serviceid, grainid, remindername, starttime, period, grainhash, version)
    VALUES
        (p_serviceid, p_grainid, p_remindername, p_starttime, p_period, p_grainhash, 0)
    ON CONFLICT (serviceid, grainid, remindername) DO UPDATE
        SET starttime = excluded.starttime,
            period    = excluded.period,
            grainhash = excluded.grainhash,
            version   = r.version + 1
    RETURNING r.version INTO new_version;

    RETURN new_version;
END
$$;

-- Deletes a reminder if it still has the given version. 1 = deleted, 0 = gone or changed.
CREATE FUNCTION delete_reminder_row(
    p_serviceid    text,
    p_grainid      text,
    p_remindername text,
    p_version      integer)
RETURNS integer
LANGUAGE plpgsql
AS $$
DECLARE
    affected integer;
BEGIN
    DELETE FROM orleansreminderstable
     WHERE serviceid    = p_serviceid
       AND grainid      = p_grainid
       AND remindername = p_remindername
       AND version      = p_version;

    GET DIAGNOSTICS affected = ROW_COUNT;
    RETURN affected;
END
$$;

INSERT INTO orleansquery (querykey, querytext)
VALUES
(
    'UpsertReminderRowKey',
    'SELECT upsert_reminder_row(@ServiceId, @GrainId, @ReminderName, @StartTime,
                               CAST(@Period AS bigint), @GrainHash) AS version;'
),
(
    'ReadReminderRowsKey',
    'SELECT grainid, remindername, starttime, period, version
       FROM orleansreminderstable
      WHERE serviceid = @ServiceId
        AND grainid = @GrainId;'
),
(
    'ReadReminderRowKey',
    'SELECT grainid, remindername, starttime, period, version
       FROM orleansreminderstable
      WHERE serviceid = @ServiceId
        AND grainid = @GrainId
        AND remindername = @ReminderName;'
),
(
    'ReadRangeRows1Key',
    'SELECT grainid, remindername, starttime, period, version
       FROM orleansreminderstable
      WHERE serviceid = @ServiceId
        AND grainhash > @BeginHash
        AND grainhash <= @EndHash;'
),
(
    'ReadRangeRows2Key',
    'SELECT grainid, remindername, starttime, period, version
       FROM orleansreminderstable
      WHERE serviceid = @ServiceId
        AND (grainhash > @BeginHash OR grainhash <= @EndHash);'
),
(
    'DeleteReminderRowKey',
    'SELECT delete_reminder_row(@ServiceId, @GrainId, @ReminderName, @Version) AS row_count;'
),
(
    'DeleteReminderRowsKey',
    'DELETE FROM orleansreminderstable WHERE serviceid = @ServiceId;'
);
