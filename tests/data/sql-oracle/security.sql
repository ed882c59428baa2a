-- A schema that exercises what the SQL rules read, for the oracle (scripts/sql-oracle.sh):
-- PostgreSQL applies it, and runeguard's model of it must match the catalog.
CREATE ROLE app_owner NOLOGIN;
CREATE ROLE app_user LOGIN PASSWORD 'oracle-only';
CREATE USER reporting;
CREATE ROLE auditor NOLOGIN;
CREATE ROLE admin_like SUPERUSER NOLOGIN;
CREATE ROLE temp_loader LOGIN PASSWORD 'dropped';
DROP ROLE temp_loader;
ALTER USER reporting WITH NOLOGIN;
ALTER ROLE auditor WITH LOGIN ENCRYPTED PASSWORD 'md5a3556571e93b0d20722ba62be61e8c2d';
CREATE GROUP readers;
ALTER GROUP readers ADD USER reporting, auditor;

CREATE SCHEMA app AUTHORIZATION app_owner
  CREATE TABLE settings (key text PRIMARY KEY, value text);

SET search_path TO app, public;

CREATE TYPE mood AS ENUM ('low', 'high');

CREATE TABLE accounts (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email varchar(255) NOT NULL UNIQUE,
    balance numeric(12, 2) DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now(),
    seen timestamp,
    tags text[],
    state mood,
    doubled bigint GENERATED ALWAYS AS (id * 2) STORED
);
ALTER TABLE accounts ENABLE ROW LEVEL SECURITY;
ALTER TABLE accounts FORCE ROW LEVEL SECURITY;
ALTER TABLE accounts OWNER TO app_owner;

CREATE POLICY own_rows ON accounts FOR SELECT TO app_user USING (email = current_user);
CREATE POLICY insert_rows ON accounts AS RESTRICTIVE FOR INSERT TO app_user, reporting WITH CHECK (balance >= 0);
CREATE POLICY everyone ON accounts USING (true) WITH CHECK (true);
CREATE POLICY dropped ON accounts FOR DELETE USING (false);
DROP POLICY dropped ON accounts;
ALTER POLICY everyone ON accounts TO auditor;

CREATE TABLE events (
    id bigint NOT NULL,
    at timestamptz NOT NULL,
    payload jsonb
) PARTITION BY RANGE (at);
CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE TABLE events_default PARTITION OF events DEFAULT;
CREATE TABLE events_2026 (id bigint NOT NULL, at timestamptz NOT NULL, payload jsonb);
ALTER TABLE events ATTACH PARTITION events_2026 FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');

CREATE TABLE public.notes (id int PRIMARY KEY, body text, author text);
ALTER TABLE public.notes ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.notes DISABLE ROW LEVEL SECURITY;

GRANT SELECT ON accounts TO reporting;
GRANT SELECT (id, email), UPDATE (email) ON accounts TO app_user;
GRANT ALL ON events TO app_user WITH GRANT OPTION;
REVOKE TRUNCATE ON events FROM app_user;
GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA app TO auditor;
REVOKE INSERT ON app.settings FROM auditor;
GRANT SELECT ON public.notes TO PUBLIC;
GRANT REFERENCES (body) ON public.notes TO reporting;
GRANT USAGE ON SCHEMA app TO app_user;
ALTER DEFAULT PRIVILEGES FOR ROLE app_owner IN SCHEMA app GRANT SELECT ON TABLES TO reporting;

CREATE FUNCTION app.transfer(src bigint, amount numeric, m mood) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
    AS $$ BEGIN UPDATE app.accounts SET balance = balance - amount WHERE id = src; END $$;
CREATE FUNCTION app.lookup(k text) RETURNS SETOF app.settings
    LANGUAGE sql STABLE SECURITY DEFINER
    AS $$ SELECT * FROM app.settings WHERE key = k $$;
ALTER FUNCTION app.lookup(text) SET search_path = app;
CREATE PROCEDURE app.cleanup() LANGUAGE sql AS $$ DELETE FROM app.settings $$;
COMMENT ON FUNCTION app.transfer(bigint, numeric, mood) IS 'moves money';
REVOKE ALL ON FUNCTION app.transfer(bigint, numeric, mood) FROM PUBLIC;

CREATE VIEW app.account_emails WITH (security_invoker = true) AS
    SELECT a.id, a.email FROM app.accounts a JOIN app.settings s ON s.key = a.email;
CREATE VIEW app.barrier WITH (security_barrier) AS SELECT id FROM app.accounts WHERE id > 0;
CREATE MATERIALIZED VIEW app.totals AS SELECT count(*) AS n FROM app.accounts;
ALTER VIEW app.barrier SET (security_invoker = true);
GRANT SELECT ON app.account_emails TO reporting;

DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'svc') THEN
    CREATE ROLE svc LOGIN;
  END IF;
  GRANT SELECT ON app.accounts TO svc;
END
$$;

CREATE TABLE app.audit_log (id bigint, at timestamptz, what text);
DROP TABLE app.audit_log;

GRANT readers TO app_user WITH ADMIN OPTION;
REVOKE readers FROM auditor;

-- wild41: RLS and policies set table by table by EXECUTE format(…) over a loop of constants
CREATE TABLE app.tenant_domains (id int PRIMARY KEY, tenant_id int NOT NULL);
CREATE TABLE app.tenant_users (id int PRIMARY KEY, tenant_id int NOT NULL, email text);
DO $$
DECLARE tbl text; t text;
BEGIN
  FOREACH tbl IN ARRAY ARRAY['tenant_domains', 'tenant_users'] LOOP
    EXECUTE format('ALTER TABLE app.%I ENABLE ROW LEVEL SECURITY', tbl);
    EXECUTE format('CREATE POLICY %I ON app.%I USING (tenant_id = 1)', tbl || '_tenant', tbl);
  END LOOP;
  FOR t IN VALUES ('tenant_users') LOOP
    EXECUTE format('ALTER TABLE app.%1$I FORCE ROW LEVEL SECURITY', t);
  END LOOP;
END $$;

-- NOT NULL as a table constraint, LIKE beside a column
CREATE TABLE app.logins (id int PRIMARY KEY, actor text, CHECK (id > 0) NOT VALID);
CREATE TABLE app.logins_archive (LIKE app.logins INCLUDING ALL, archived_at timestamptz);
