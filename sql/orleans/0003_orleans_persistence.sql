-- Orleans ADO.NET grain persistence, PostgreSQL.
--
-- Why: grain-private state (IPersistentState) is kept here as an opaque serialized blob, one row per
-- grain state. Implements the contract of the Orleans 10.4.2 ADO.NET grain storage provider, whose
-- ETag is the integer version: a write or clear that returns no new version makes Orleans throw
-- InconsistentStateException instead of overwriting state written by another activation.
-- Unlike the Orleans script, the grain identity is unique here, so two duplicate activations racing
-- on the FIRST write of a state cannot both insert version 1: the loser gets no version back.

CREATE TABLE orleansstorage
(
    grainidhash            integer        NOT NULL,
    grainidn0              bigint         NOT NULL,
    grainidn1              bigint         NOT NULL,
    graintypehash          integer        NOT NULL,
    graintypestring        varchar(512)   NOT NULL,
    grainidextensionstring varchar(512)   NULL,
    serviceid              varchar(150)   NOT NULL,
    payloadbinary          bytea          NULL,
    modifiedon             timestamptz(3) NOT NULL,
    version                integer        NOT NULL
);

-- The full grain identity. The leading hash columns also make it the lookup index for every
-- query below. A missing key extension (NULL) is folded to the empty string because NULLs never
-- collide in a unique index; the queries still match the extension exactly (IS NOT DISTINCT FROM),
-- so a grain with an empty extension can never read or overwrite the state of one without any.
CREATE UNIQUE INDEX ux_orleansstorage_grain
    ON orleansstorage (grainidhash, graintypehash, grainidn0, grainidn1, serviceid,
                       graintypestring, (coalesce(grainidextensionstring, '')));

-- Writes a grain state and returns its new version as newgrainstateversion.
-- p_grainstateversion NULL: the grain has never written (or has deleted) its state: insert version 1.
-- Otherwise: update the row only if it still holds p_grainstateversion, and bump the version.
-- Returns no row when the row exists already (first write) or has another version (stale ETag).
CREATE FUNCTION writetostorage(
    p_grainidhash            integer,
    p_grainidn0              bigint,
    p_grainidn1              bigint,
    p_graintypehash          integer,
    p_graintypestring        text,
    p_grainidextensionstring text,
    p_serviceid              text,
    p_grainstateversion      integer,
    p_payloadbinary          bytea)
RETURNS TABLE (newgrainstateversion integer)
LANGUAGE plpgsql
AS $$
BEGIN
    IF p_grainstateversion IS NULL THEN
        -- The unique index is the arbiter: if another activation has inserted (or is inserting
        -- and then commits) this grain state, nothing is inserted and no version is returned.
        RETURN QUERY
        INSERT INTO orleansstorage
            (grainidhash, grainidn0, grainidn1, graintypehash, graintypestring,
             grainidextensionstring, serviceid, payloadbinary, modifiedon, version)
        VALUES
            (p_grainidhash, p_grainidn0, p_grainidn1, p_graintypehash, p_graintypestring,
             p_grainidextensionstring, p_serviceid, p_payloadbinary, now(), 1)
        ON CONFLICT DO NOTHING
        RETURNING orleansstorage.version;
    ELSE
        RETURN QUERY
        UPDATE orleansstorage AS s
           SET payloadbinary = p_payloadbinary,
               modifiedon    = now(),
               version       = s.version + 1
         WHERE s.grainidhash   = p_grainidhash
           AND s.graintypehash = p_graintypehash
           AND s.grainidn0     = p_grainidn0
           AND s.grainidn1     = p_grainidn1
           AND s.serviceid     = p_serviceid
           AND s.graintypestring = p_graintypestring
           AND s.grainidextensionstring IS NOT DISTINCT FROM p_grainidextensionstring
           AND s.version       = p_grainstateversion
        RETURNING s.version;
    END IF;
END
$$;

INSERT INTO orleansquery (querykey, querytext)
VALUES
(
    'WriteToStorageKey',
    'SELECT newgrainstateversion
       FROM writetostorage(@GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString,
                           @GrainIdExtensionString, @ServiceId, @GrainStateVersion, @PayloadBinary);'
),
(
    -- No row means no state yet. A NULL payload with a version means the state was cleared:
    -- Orleans then keeps the version as ETag for its next write.
    'ReadFromStorageKey',
    'SELECT payloadbinary, modifiedon, version
       FROM orleansstorage
      WHERE grainidhash = @GrainIdHash
        AND graintypehash = @GrainTypeHash
        AND grainidn0 = @GrainIdN0
        AND grainidn1 = @GrainIdN1
        AND serviceid = @ServiceId
        AND graintypestring = @GrainTypeString
        AND grainidextensionstring IS NOT DISTINCT FROM @GrainIdExtensionString;'
),
(
    -- Clear keeps the row (payload NULL) and bumps the version, so the ETag keeps guarding writes.
    'ClearStorageKey',
    'UPDATE orleansstorage
        SET payloadbinary = NULL,
            modifiedon = now(),
            version = version + 1
      WHERE grainidhash = @GrainIdHash
        AND graintypehash = @GrainTypeHash
        AND grainidn0 = @GrainIdN0
        AND grainidn1 = @GrainIdN1
        AND serviceid = @ServiceId
        AND graintypestring = @GrainTypeString
        AND grainidextensionstring IS NOT DISTINCT FROM @GrainIdExtensionString
        AND version = @GrainStateVersion
    RETURNING version AS newgrainstateversion;'
),
(
    -- Used instead of ClearStorageKey only when AdoNetGrainStorageOptions.DeleteStateOnClear is true.
    -- Returns the version after the deleted one, so Orleans sees a changed ETag.
    'DeleteStorageKey',
    'DELETE FROM orleansstorage
      WHERE grainidhash = @GrainIdHash
        AND graintypehash = @GrainTypeHash
        AND grainidn0 = @GrainIdN0
        AND grainidn1 = @GrainIdN1
        AND serviceid = @ServiceId
        AND graintypestring = @GrainTypeString
        AND grainidextensionstring IS NOT DISTINCT FROM @GrainIdExtensionString
        AND version = @GrainStateVersion
    RETURNING version + 1 AS newgrainstateversion;'
);
