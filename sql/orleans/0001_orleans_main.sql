-- Orleans ADO.NET providers (clustering, grain persistence, reminders), PostgreSQL: query registry.
--
-- Why: the Orleans 10.4.2 ADO.NET providers ship no SQL. At startup each reads the statements it
-- will run from this table by QueryKey, then executes them with named parameters (@Name) and reads
-- result columns by name; 0002-0004 fill it. Together they implement the contract of the Orleans
-- ADO.NET provider on PostgreSQL. A changed row only affects silos and clients started afterwards.
-- Identifiers are lower case and unquoted because the provider issues
-- SELECT QueryKey, QueryText FROM OrleansQuery, which PostgreSQL folds to these names.

CREATE TABLE orleansquery
(
    querykey  varchar(64)   NOT NULL,
    querytext varchar(8000) NOT NULL,

    CONSTRAINT orleansquery_key PRIMARY KEY (querykey)
);
