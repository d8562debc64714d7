-- A salesflow user on a team database, with only the rights salesflow needs: connect to the
-- database, use its schema, and read and write the rows of salesflow's tables. No CREATE, ALTER,
-- DROP or TRUNCATE: only the owner of the tables, who runs `salesflow db init`, creates or
-- upgrades them.
--
-- Run it as that owner, after `salesflow db init`, once per user (again after an upgrade is
-- harmless):
--
--     psql "postgresql://owner@server/sales" -v role=anna -f scripts/team-role.sql
--
-- The role is created when missing, without a password: set one with `\password anna` in psql,
-- and let the user keep it in ~/.pgpass (or $PGPASSWORD), never in the URL.

\set ON_ERROR_STOP on

SELECT NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'role') AS role_missing \gset
\if :role_missing
CREATE ROLE :"role" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE;
\endif

-- Only the roles granted below connect, and nobody but the owner creates in the schema.
REVOKE ALL ON DATABASE :"DBNAME" FROM PUBLIC;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;

GRANT CONNECT ON DATABASE :"DBNAME" TO :"role";
GRANT USAGE ON SCHEMA public TO :"role";
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO :"role";

-- Tables the owner adds later (a schema upgrade by `salesflow db init`) get the same rights.
ALTER DEFAULT PRIVILEGES IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO :"role";
