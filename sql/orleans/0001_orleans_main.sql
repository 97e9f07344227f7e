-- Orleans ADO.NET providers (clustering, grain persistence, reminders), PostgreSQL: query registry.
--
-- Why this exists: the Orleans 10.4.2 ADO.NET providers ship no SQL of their own. At startup each
-- provider reads the statements it will run from this table, by QueryKey, and afterwards executes
-- them with named parameters (@Name) and reads the result columns by name. Scripts 0002-0004 fill
-- the table; together they implement the contract of the Orleans ADO.NET provider on PostgreSQL.
-- A row changed here only takes effect on silos and clients started afterwards.
--
-- Identifiers are lower case and unquoted: the provider issues
-- SELECT QueryKey, QueryText FROM OrleansQuery, which PostgreSQL folds to these names.

CREATE TABLE orleansquery
(
    querykey  varchar(64)   NOT NULL,
    querytext varchar(8000) NOT NULL,

    CONSTRAINT orleansquery_key PRIMARY KEY (querykey)
);
