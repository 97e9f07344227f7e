-- Orleans ADO.NET clustering (membership), PostgreSQL.
--
-- Why: silos and clients find each other through these tables, and the Orleans 10.4.2 clustering
-- provider refuses to start unless all nine of its query keys are in orleansquery (the Orleans
-- PostgreSQL script long lacked CleanupDefunctSiloEntriesKey). Implements the contract of the Orleans
-- ADO.NET provider: its parameter names, the column names it reads, and writes that answer 1 (done)
-- or 0 (stale table version, nothing changed) so Orleans re-reads the table and retries.
-- Every membership write must match the per-cluster version row and bumps it by one. Timestamps are
-- timestamptz(3) because the provider sends UTC DateTime values through Npgsql.

-- One row per cluster (Orleans passes ClusterOptions.ClusterId as DeploymentId).
CREATE TABLE orleansmembershipversiontable
(
    deploymentid varchar(150)   NOT NULL,
    timestamp    timestamptz(3) NOT NULL DEFAULT now(),
    version      integer        NOT NULL DEFAULT 0,

    CONSTRAINT pk_orleansmembershipversiontable_deploymentid PRIMARY KEY (deploymentid)
);

-- One row per silo incarnation (address, port and generation).
CREATE TABLE orleansmembershiptable
(
    deploymentid varchar(150)   NOT NULL,
    address      varchar(45)    NOT NULL,
    port         integer        NOT NULL,
    generation   integer        NOT NULL,
    siloname     varchar(150)   NOT NULL,
    hostname     varchar(150)   NOT NULL,
    status       integer        NOT NULL,
    proxyport    integer        NULL,
    suspecttimes varchar(8000)  NULL,
    starttime    timestamptz(3) NOT NULL,
    iamalivetime timestamptz(3) NOT NULL,

    CONSTRAINT pk_membershiptable_deploymentid PRIMARY KEY (deploymentid, address, port, generation),
    CONSTRAINT fk_membershiptable_membershipversiontable_deploymentid
        FOREIGN KEY (deploymentid) REFERENCES orleansmembershipversiontable (deploymentid)
);

-- Heartbeat. Orleans does not read a result and does not bump the table version for it.
CREATE FUNCTION update_i_am_alive_time(
    p_deploymentid text,
    p_address      text,
    p_port         integer,
    p_generation   integer,
    p_iamalivetime timestamptz)
RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
    UPDATE orleansmembershiptable
       SET iamalivetime = p_iamalivetime
     WHERE deploymentid = p_deploymentid
       AND address      = p_address
       AND port         = p_port
       AND generation   = p_generation;
END
$$;

-- Creates the version row of a cluster. 1 = created, 0 = it already existed (both are fine for Orleans).
CREATE FUNCTION insert_membership_version(
    p_deploymentid text)
RETURNS integer
LANGUAGE plpgsql
AS $$
DECLARE
    affected integer;
BEGIN
    INSERT INTO orleansmembershipversiontable (deploymentid)
    VALUES (p_deploymentid)
    ON CONFLICT (deploymentid) DO NOTHING;

    GET DIAGNOSTICS affected = ROW_COUNT;
    RETURN affected;
END
$$;

-- Adds a silo row and bumps the table version, both or neither.
-- 0 when the version is stale or the silo row already exists.
CREATE FUNCTION insert_membership(
    p_deploymentid text,
    p_address      text,
    p_port         integer,
    p_generation   integer,
    p_siloname     text,
    p_hostname     text,
    p_status       integer,
    p_proxyport    integer,
    p_starttime    timestamptz,
    p_iamalivetime timestamptz,
    p_version      integer)
RETURNS integer
LANGUAGE plpgsql
AS $$
DECLARE
    affected integer;
BEGIN
    -- Check and bump the version first: this also locks the version row, so concurrent
    -- membership writers of the same cluster are serialized here.
    UPDATE orleansmembershipversiontable
       SET version   = version + 1,
           timestamp = now()
     WHERE deploymentid = p_deploymentid
       AND version      = p_version;

    GET DIAGNOSTICS affected = ROW_COUNT;
    IF affected = 0 THEN
        RETURN 0;
    END IF;

    -- A duplicate silo row raises unique_violation; the handler below then undoes the
    -- version bump as well, because an exception rolls back everything done in this block.
    INSERT INTO orleansmembershiptable
        (deploymentid, address, port, generation, siloname, hostname,
         status, proxyport, starttime, iamalivetime)
    VALUES
        (p_deploymentid, p_address, p_port, p_generation, p_siloname, p_hostname,
         p_status, p_proxyport, p_starttime, p_iamalivetime);

    RETURN 1;
EXCEPTION
    WHEN unique_violation THEN
        RETURN 0;
END
$$;

-- Updates a silo row (status, suspicions, heartbeat) and bumps the table version, both or neither.
-- 0 when the version is stale or the silo row does not exist.
CREATE FUNCTION update_membership(
    p_deploymentid text,
    p_address      text,
    p_port         integer,
    p_generation   integer,
    p_status       integer,
    p_suspecttimes text,
    p_iamalivetime timestamptz,
    p_version      integer)
RETURNS integer
LANGUAGE plpgsql
AS $$
DECLARE
    affected integer;
BEGIN
    UPDATE orleansmembershipversiontable
       SET version   = version + 1,
           timestamp = now()
     WHERE deploymentid = p_deploymentid
       AND version      = p_version;

    GET DIAGNOSTICS affected = ROW_COUNT;
    IF affected = 0 THEN
        RETURN 0;
    END IF;

    UPDATE orleansmembershiptable
       SET status       = p_status,
           suspecttimes = p_suspecttimes,
           iamalivetime = p_iamalivetime
     WHERE deploymentid = p_deploymentid
       AND address      = p_address
       AND port         = p_port
       AND generation   = p_generation;

    GET DIAGNOSTICS affected = ROW_COUNT;
    IF affected = 0 THEN
        -- No such silo: raise so the handler rolls the version bump back too.
        RAISE EXCEPTION 'membership row not found' USING ERRCODE = 'no_data_found';
    END IF;

    RETURN 1;
EXCEPTION
    WHEN no_data_found THEN
        RETURN 0;
END
$$;

INSERT INTO orleansquery (querykey, querytext)
VALUES
(
    'UpdateIAmAlivetimeKey',
    'SELECT update_i_am_alive_time(@DeploymentId, @Address, @Port, @Generation, @IAmAliveTime);'
),
(
    'InsertMembershipVersionKey',
    'SELECT insert_membership_version(@DeploymentId) AS row_count;'
),
(
    'InsertMembershipKey',
    'SELECT insert_membership(
        @DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName,
        @Status, @ProxyPort, @StartTime, @IAmAliveTime, @Version) AS row_count;'
),
(
    'UpdateMembershipKey',
    'SELECT update_membership(
        @DeploymentId, @Address, @Port, @Generation,
        @Status, @SuspectTimes, @IAmAliveTime, @Version) AS row_count;'
),
(
    -- LEFT JOIN: the version row must come back even when the silo has no row yet.
    'MembershipReadRowKey',
    'SELECT v.deploymentid, m.address, m.port, m.generation, m.siloname, m.hostname,
            m.status, m.proxyport, m.suspecttimes, m.starttime, m.iamalivetime, v.version
       FROM orleansmembershipversiontable v
       LEFT JOIN orleansmembershiptable m
              ON m.deploymentid = v.deploymentid
             AND m.address = @Address
             AND m.port = @Port
             AND m.generation = @Generation
      WHERE v.deploymentid = @DeploymentId;'
),
(
    'MembershipReadAllKey',
    'SELECT v.deploymentid, m.address, m.port, m.generation, m.siloname, m.hostname,
            m.status, m.proxyport, m.suspecttimes, m.starttime, m.iamalivetime, v.version
       FROM orleansmembershipversiontable v
       LEFT JOIN orleansmembershiptable m
              ON m.deploymentid = v.deploymentid
      WHERE v.deploymentid = @DeploymentId;'
),
(
    'DeleteMembershipTableEntriesKey',
    'DELETE FROM orleansmembershiptable WHERE deploymentid = @DeploymentId;
     DELETE FROM orleansmembershipversiontable WHERE deploymentid = @DeploymentId;'
),
(
    -- Gateways for clients: active silos (Orleans passes @Status = 3, Active) with a proxy port.
    'GatewaysQueryKey',
    'SELECT address, proxyport, generation
       FROM orleansmembershiptable
      WHERE deploymentid = @DeploymentId
        AND status = @Status
        AND proxyport > 0;'
),
(
    -- Removes rows of silos that stopped heartbeating before the cutoff (DefunctSiloExpiration)
    -- and are not Active (3).
    'CleanupDefunctSiloEntriesKey',
    'DELETE FROM orleansmembershiptable
      WHERE deploymentid = @DeploymentId
        AND iamalivetime < @IAmAliveTime
        AND status <> 3;'
);
