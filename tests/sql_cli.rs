//! The PostgreSQL reader from the command line: statements sqlparser cannot read are judged by
//! PostgreSQL's grammar, modelled when a rule reads them, and one bad statement is one located
//! problem that hides nothing else.

use serde_json::Value;

mod common;
use common::{dir_with, json_check, rg};

const SCHEMA: &str = "\
CREATE TABLE accounts (id bigint PRIMARY KEY, email text);
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'svc') THEN
    CREATE ROLE svc LOGIN PASSWORD 'do-block-secret';
  END IF;
END
$$;
CREATE ROLE tmp LOGIN PASSWORD 'dropped-secret';
DROP ROLE tmp;
GRANT SELECT (email) ON accounts TO PUBLIC;
CREATE TABLE broken (id int)
CREATE TABLE after_broken (id int);
ALTER USER etl WITH PASSWORD 'alter-user-secret';
ALTER PUBLICATION p ADD TABLE accounts;
";

fn run(format: &str) -> (Option<i32>, String) {
    let d = dir_with(&[("db/schema.sql", SCHEMA.as_bytes())]);
    let out = rg()
        .current_dir(d.path())
        .args([
            "check",
            "--select",
            "SQL-007,SQL-010",
            "--format",
            format,
            "db",
        ])
        .output()
        .expect("run");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).to_string(),
    )
}

#[test]
fn statements_sqlparser_cannot_read_are_checked_and_errors_located() {
    let (code, stdout) = run("json");
    // a statement PostgreSQL rejects (missing `;`): the file was not fully checked
    assert_eq!(code, Some(2), "{stdout}");
    let v: Value = serde_json::from_str(&stdout).expect("json");
    let mut found: Vec<(String, u64)> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap_or("").to_string(),
                f["start_line"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    found.sort();
    assert_eq!(
        found,
        [
            ("SQL-007".to_string(), 11),
            ("SQL-010".to_string(), 5),
            ("SQL-010".to_string(), 9),
            ("SQL-010".to_string(), 14),
        ]
    );
    let problems: Vec<(String, u64, u64, String)> = v["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .map(|p| {
            (
                p["level"].as_str().unwrap_or("").to_string(),
                p["line"].as_u64().unwrap_or(0),
                p["column"].as_u64().unwrap_or(0),
                p["message"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert_eq!(
        problems,
        [
            (
                "error".to_string(),
                12,
                29,
                "syntax error in CREATE TABLE statement: Missing semicolon between statements"
                    .to_string()
            ),
            (
                "note".to_string(),
                15,
                1,
                "ALTER PUBLICATION statement skipped: not modelled (no SQL rule reads it)"
                    .to_string()
            ),
        ]
    );
}

#[test]
fn passwords_read_from_do_blocks_and_alter_user_never_reach_a_report() {
    for format in ["human", "json", "sarif", "table", "junit"] {
        let (_, stdout) = run(format);
        for secret in ["do-block-secret", "dropped-secret", "alter-user-secret"] {
            assert!(
                !stdout.contains(secret),
                "{format} shows {secret}:\n{stdout}"
            );
        }
    }
}

/// Flyway's and Liquibase's `${schema}` and Go templates' `{{ .SCHEMA }}` where a name goes
/// (wild21): each statement was a syntax error (exit 2) and the tables in them unchecked. They
/// are read as names, with one note, and findings keep their columns.
#[test]
fn template_placeholders_in_migrations_are_read_as_names() {
    let d = dir_with(&[
        (
            "V1__init.sql",
            b"CREATE TABLE ${schema}.users (\n    id bigint PRIMARY KEY,\n    api_token text\n);\nGRANT SELECT ON ${schema}.users TO ${app_role};\n",
        ),
        (
            "20231108-audit.sql",
            b"-- +migrate Up\nCREATE EXTENSION IF NOT EXISTS pg_partman SCHEMA {{ .SCHEMA }};\nCREATE TABLE {{ .SCHEMA }}.sessions (id text PRIMARY KEY, refresh_token text);\n",
        ),
    ]);
    let out = rg()
        .current_dir(d.path())
        .args(["check", ".", "--format", "json", "--verbose"])
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    let v: Value = serde_json::from_str(&stdout).expect("json");
    let mut found: Vec<(String, String, u64, u64)> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule_id"] == "SQL-005")
        .map(|f| {
            (
                f["file"].as_str().unwrap_or("").to_string(),
                f["message"].as_str().unwrap_or("").to_string(),
                f["start_line"].as_u64().unwrap_or(0),
                f["start_column"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    found.sort();
    assert_eq!(
        found,
        [
            (
                "20231108-audit.sql".to_string(),
                "column \"refresh_token\" of table SCHEMA.sessions stores a credential as plain text"
                    .to_string(),
                3,
                59
            ),
            (
                "V1__init.sql".to_string(),
                "column \"api_token\" of table schema.users stores a credential as plain text"
                    .to_string(),
                3,
                5
            ),
        ]
    );
    let problems = v["problems"].as_array().expect("problems");
    assert!(
        problems.iter().all(|p| p["level"] == "note"),
        "{problems:?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p["message"].as_str().unwrap_or("").contains("`${schema}`")),
        "{problems:?}"
    );
}

/// The tables a migration folder's rules read (wild23): a pg_partman template table
/// (`p_template_table`) never holds a row, and a table a later migration attaches as a
/// partition is read through its parent; both were reported as tables of their own (SQL-013,
/// SQL-015, SQL-016, SQL-017 on the template; the project rules again on the partition). The
/// document rules read one file at a time, so they cannot know of a later attachment.
#[test]
fn pg_partman_templates_and_partitions_attached_later_are_no_tables_of_their_own() {
    let d = dir_with(&[
        (
            "migrations/001_audit.sql",
            b"CREATE TABLE app.audit_events (id bigint NOT NULL, actor_id bigint NOT NULL, action text NOT NULL, result text NOT NULL CHECK (result IN ('ok', 'denied')), occurred_at timestamptz NOT NULL, PRIMARY KEY (id, occurred_at)) PARTITION BY RANGE (occurred_at);\nCREATE TABLE app.audit_events_template (LIKE app.audit_events);\nSELECT partman.create_parent(p_parent_table := 'app.audit_events', p_control := 'occurred_at', p_interval := '1 month', p_template_table := 'app.audit_events_template');\n",
        ),
        (
            "migrations/002_archive.sql",
            b"CREATE TABLE app.audit_events_2023 (id bigint NOT NULL, actor_id bigint NOT NULL, action text NOT NULL, result text NOT NULL, occurred_at timestamptz NOT NULL);\n",
        ),
        (
            "migrations/003_attach.sql",
            b"ALTER TABLE app.audit_events ATTACH PARTITION app.audit_events_2023 FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');\n",
        ),
    ]);
    let (v, _) = json_check(d.path(), &["migrations"]);
    let document_rules = ["\"SQL-013\"", "\"SQL-015\""];
    let found: Vec<String> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| format!("{} {}", f["rule_id"], f["message"]))
        .collect();
    assert!(
        found.iter().all(|f| !f.contains("audit_events_template")),
        "{found:#?}"
    );
    assert!(
        found
            .iter()
            .filter(|f| !document_rules.iter().any(|r| f.starts_with(r)))
            .all(|f| !f.contains("audit_events_2023")),
        "{found:#?}"
    );
    // the parent is still read: it is the audit table, and its DEFAULT comes from pg_partman
    assert!(found.iter().all(|f| !f.contains("SQL-014")), "{found:#?}");
}

/// wild23/wild25: SQL-013 and SQL-015 read one file at a time, so a table that a later
/// migration attaches as a partition (a year of the old log moved under the new partitioned
/// one) was reported as an unpartitioned log table, and its timestamps a second time. A log
/// table that stays a table of its own is still reported by both, in whichever file.
#[test]
fn a_table_attached_as_a_partition_by_a_later_migration_is_no_log_table_of_its_own() {
    let d = dir_with(&[
        (
            "migrations/001_log.sql",
            b"CREATE TABLE app.request_log (id bigint NOT NULL, at timestamptz NOT NULL, created_at timestamp NOT NULL) PARTITION BY RANGE (at);\nCREATE TABLE app.request_log_default PARTITION OF app.request_log DEFAULT;\n",
        ),
        (
            "migrations/002_archive.sql",
            b"CREATE TABLE app.request_log_2023 (id bigint NOT NULL, at timestamptz NOT NULL, created_at timestamp NOT NULL);\nCREATE TABLE app.job_logs (id bigint PRIMARY KEY, created_at timestamp NOT NULL);\n",
        ),
        (
            "migrations/003_attach.sql",
            b"ALTER TABLE app.request_log ATTACH PARTITION app.request_log_2023 FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');\n",
        ),
    ]);
    let (v, _) = json_check(d.path(), &["migrations"]);
    let found: Vec<String> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule_id"] == "SQL-013" || f["rule_id"] == "SQL-015")
        .map(|f| {
            format!(
                "{} {} {}:{}",
                f["rule_id"], f["message"], f["file"], f["start_line"]
            )
        })
        .collect();
    assert!(
        found.iter().all(|f| !f.contains("request_log_2023")),
        "{found:#?}"
    );
    let has = |rule: &str, what: &str, file: &str| {
        found
            .iter()
            .any(|f| f.starts_with(rule) && f.contains(what) && f.contains(file))
    };
    assert!(
        has("\"SQL-015\"", "table app.request_log ", "001_log.sql"),
        "{found:#?}"
    );
    assert!(
        has("\"SQL-013\"", "app.job_logs", "002_archive.sql"),
        "{found:#?}"
    );
    assert!(
        has("\"SQL-015\"", "app.job_logs", "002_archive.sql"),
        "{found:#?}"
    );
    assert_eq!(found.len(), 3, "{found:#?}");
}

/// The findings of a check of `dir`'s `paths`, as `RULE message file:line`, for `rules`.
fn sql_findings(dir: &std::path::Path, paths: &[&str], rules: &[&str]) -> Vec<String> {
    let (v, _) = json_check(dir, paths);
    v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| rules.iter().any(|r| f["rule_id"] == *r))
        .map(|f| {
            format!(
                "{} {} {}:{}",
                f["rule_id"].as_str().unwrap_or(""),
                f["message"].as_str().unwrap_or(""),
                f["file"].as_str().unwrap_or(""),
                f["start_line"]
            )
        })
        .collect()
}

/// wild45: a folder of migrations is judged in the order its tool runs the files. Flyway runs
/// `V10__` after `V2__` and golang-migrate `10_x.up.sql` after `2_x.up.sql` (both read the
/// version as a number; by name, `V10__` came first and the table it fixes was created after
/// it, so the fix was lost); Prisma's `<migration>/migration.sql` files are one schema (each
/// folder was a schema of its own); a rollback (`*.down.sql`) is no part of the forward state.
#[test]
fn migrations_are_judged_in_the_order_their_tool_runs_them() {
    let d = dir_with(&[
        (
            "flyway/V1__init.sql",
            b"CREATE TABLE customers (id bigint, email text NOT NULL, user_id bigint);\n",
        ),
        (
            "flyway/V2__more.sql",
            b"CREATE TABLE invoices (id bigint PRIMARY KEY, user_id bigint);\n",
        ),
        (
            "flyway/V10__fix.sql",
            b"ALTER TABLE customers ADD PRIMARY KEY (id);\nALTER TABLE customers ENABLE ROW LEVEL SECURITY;\nALTER TABLE customers FORCE ROW LEVEL SECURITY;\nCREATE POLICY own ON customers USING (user_id = 1);\n",
        ),
        (
            "gm/1_init.up.sql",
            b"CREATE TABLE profiles (id bigint PRIMARY KEY, phone text, user_id bigint);\n",
        ),
        ("gm/1_init.down.sql", b"DROP TABLE profiles;\n"),
        (
            "gm/10_rls.up.sql",
            b"ALTER TABLE profiles ENABLE ROW LEVEL SECURITY;\nALTER TABLE profiles FORCE ROW LEVEL SECURITY;\nCREATE POLICY p ON profiles USING (user_id = 1);\n",
        ),
        (
            "gm/10_rls.down.sql",
            b"ALTER TABLE profiles DISABLE ROW LEVEL SECURITY;\n",
        ),
        (
            "gm/2_drop.up.sql",
            b"CREATE TABLE sessions (id bigint PRIMARY KEY, user_id bigint);\nDROP TABLE sessions;\n",
        ),
        (
            "gm/2_drop.down.sql",
            b"CREATE TABLE sessions (id bigint, user_id bigint);\n",
        ),
        (
            "prisma/migrations/20230101000000_init/migration.sql",
            b"CREATE TABLE \"Profile\" (id bigint PRIMARY KEY, email text, \"userId\" bigint);\n",
        ),
        (
            "prisma/migrations/20230201000000_rls/migration.sql",
            b"ALTER TABLE \"Profile\" ENABLE ROW LEVEL SECURITY;\nALTER TABLE \"Profile\" FORCE ROW LEVEL SECURITY;\nCREATE POLICY p ON \"Profile\" USING (\"userId\" = 1);\n",
        ),
    ]);
    let rules = ["SQL-001", "SQL-002", "SQL-003", "SQL-017"];
    let found = sql_findings(d.path(), &["flyway", "gm", "prisma"], &rules);
    // the one true finding: invoices has an owner column and no RLS
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].starts_with("SQL-001") && found[0].contains("V2__more.sql:1"),
        "{found:#?}"
    );
    // a table fixed by no later migration is still reported, at its CREATE TABLE
    let d = dir_with(&[
        (
            "m/V1__init.sql",
            b"CREATE TABLE customers (id bigint, email text NOT NULL);\n",
        ),
        (
            "m/V10__unrelated.sql",
            b"CREATE TABLE plans (id bigint PRIMARY KEY);\n",
        ),
        (
            "m/V1__init.undo.sql",
            b"ALTER TABLE customers ADD PRIMARY KEY (id);\n",
        ),
    ]);
    let found = sql_findings(d.path(), &["m"], &["SQL-001", "SQL-017"]);
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(
        found.iter().all(|f| f.contains("V1__init.sql:1")),
        "{found:#?}"
    );
}

/// wild45: `DO` blocks that loop over the catalog (`FOR r IN SELECT tablename FROM pg_tables
/// WHERE schemaname = 'public' LOOP EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY',
/// r.tablename)`) enable RLS on every table of the schema that exists when they run: the
/// tables created before the block are read as enabled; one created after is not.
#[test]
fn a_loop_over_the_catalog_reaches_the_tables_created_before_it() {
    let d = dir_with(&[(
        "db/schema.sql",
        b"CREATE TABLE public.accounts (id bigint PRIMARY KEY, email text, user_id bigint);
CREATE TABLE notes (id bigint PRIMARY KEY, body text, user_id bigint);
DO $$
DECLARE r record;
BEGIN
  FOR r IN SELECT tablename FROM pg_tables WHERE schemaname = 'public' LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', r.tablename);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', r.tablename);
    EXECUTE format('CREATE POLICY %I ON %I USING (user_id = 1)', r.tablename || '_own', r.tablename);
  END LOOP;
END $$;
CREATE TABLE public.late (id bigint PRIMARY KEY, email text);
",
    )]);
    let found = sql_findings(d.path(), &["db"], &["SQL-001", "SQL-002", "SQL-003"]);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].starts_with("SQL-001") && found[0].contains("public.late"),
        "{found:#?}"
    );
}

/// wild45: SQL-012 judged each file alone: a mutating grant on an audit table revoked by a later
/// migration was reported, and `GRANT … ON ALL TABLES IN SCHEMA` in a later migration did not
/// reach the audit table an earlier one created. Both now read the folder, in order.
#[test]
fn audit_grants_and_their_revokes_are_read_across_migrations() {
    let d = dir_with(&[
        (
            "m/V1__audit.sql",
            b"CREATE SCHEMA app;\nCREATE TABLE app.audit_events (id bigint PRIMARY KEY, actor text NOT NULL);\n",
        ),
        (
            "m/V2__grants.sql",
            b"GRANT SELECT, UPDATE, DELETE ON app.audit_events TO app_rw;\nGRANT SELECT, UPDATE ON ALL TABLES IN SCHEMA app TO reporting;\n",
        ),
        (
            "m/V10__fix.sql",
            b"REVOKE UPDATE, DELETE ON app.audit_events FROM app_rw;\n",
        ),
    ]);
    let found = sql_findings(d.path(), &["m"], &["SQL-012"]);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].contains("granted to reporting") && found[0].contains("V2__grants.sql:2"),
        "{found:#?}"
    );
}

/// wild47: a loop over the catalog in a later migration reached only the tables its own file
/// created: the tables earlier migrations of the folder created kept a false SQL-001. Now the
/// loop reaches every table created before it in the folder's order (dropped ones aside);
/// `rowsecurity = false` keeps the tables whose RLS is off then, and `pg_class` loops with
/// `relkind = 'r'` are read. The finding of a table created after the loop stays.
#[test]
fn a_loop_over_the_catalog_reaches_the_tables_earlier_migrations_created() {
    let d = dir_with(&[
        (
            "pgt/V1__init.sql",
            b"CREATE TABLE accounts (id bigint PRIMARY KEY, email text, user_id bigint);\nCREATE TABLE gone (id bigint PRIMARY KEY, email text, user_id bigint);\n",
        ),
        (
            "pgt/V2__more.sql",
            b"CREATE TABLE notes (id bigint PRIMARY KEY, body text, user_id bigint);\nDROP TABLE gone;\n",
        ),
        (
            "pgt/V10__rls.sql",
            b"DO $$
DECLARE r record;
BEGIN
  FOR r IN SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND rowsecurity = false LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', r.tablename);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', r.tablename);
    EXECUTE format('CREATE POLICY %I ON %I USING (user_id = 1)', r.tablename || '_own', r.tablename);
  END LOOP;
END $$;
",
        ),
        (
            "pgt/V11__late.sql",
            b"CREATE TABLE late (id bigint PRIMARY KEY, email text, user_id bigint);\n",
        ),
        (
            "cls/001_init.up.sql",
            b"CREATE TABLE profiles (id bigint PRIMARY KEY, phone text, user_id bigint);\n",
        ),
        (
            "cls/002_rls.up.sql",
            b"DO $$
DECLARE r record;
BEGIN
  FOR r IN SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = 'public' AND c.relkind = 'r' LOOP
    EXECUTE format('ALTER TABLE public.%I ENABLE ROW LEVEL SECURITY', r.relname);
    EXECUTE format('ALTER TABLE public.%I FORCE ROW LEVEL SECURITY', r.relname);
    EXECUTE format('CREATE POLICY own ON public.%I USING (user_id = 1)', r.relname);
  END LOOP;
END $$;
",
        ),
    ]);
    let found = sql_findings(
        d.path(),
        &["pgt", "cls"],
        &["SQL-001", "SQL-002", "SQL-003"],
    );
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].starts_with("SQL-001") && found[0].contains("public.late"),
        "{found:#?}"
    );
    // the loops were modelled: no note says otherwise
    let (v, _) = json_check(d.path(), &["pgt", "cls"]);
    let notes: Vec<&Value> = v["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .filter(|p| {
            p["message"]
                .as_str()
                .unwrap_or("")
                .starts_with("DO statement")
        })
        .collect();
    assert!(notes.is_empty(), "{notes:#?}");
}

/// wild47: Flyway reads its location recursively: `db/migration/2024/V3__rls.sql` enables the
/// RLS of the table `db/migration/V1__init.sql` created (one schema in version order; the
/// sub-folder was a schema of its own, so SQL-001 was reported on V1 and the ALTER in the
/// sub-folder reached nothing).
#[test]
fn flyway_sub_folders_are_one_schema_in_version_order() {
    let d = dir_with(&[
        (
            "src/main/resources/db/migration/V1__init.sql",
            b"CREATE TABLE customers (id bigint PRIMARY KEY, email text NOT NULL, user_id bigint);\n",
        ),
        (
            "src/main/resources/db/migration/2024/V3__rls.sql",
            b"ALTER TABLE customers ENABLE ROW LEVEL SECURITY;\nALTER TABLE customers FORCE ROW LEVEL SECURITY;\nCREATE POLICY own ON customers USING (user_id = 1);\n",
        ),
        (
            "src/main/resources/db/migration/2023/V2__orders.sql",
            b"CREATE TABLE orders (id bigint PRIMARY KEY, total numeric);\n",
        ),
    ]);
    let found = sql_findings(d.path(), &["src"], &["SQL-001", "SQL-002", "SQL-003"]);
    assert!(found.is_empty(), "{found:#?}");
}

/// wild51: a Liquibase formatted-SQL changeset's `--rollback …` lines are comments, not forward
/// DDL: the rollback's `DISABLE ROW LEVEL SECURITY`, `GRANT ALL … TO PUBLIC` and `CREATE ROLE …
/// PASSWORD` count for nothing and its password reaches no output; the changelogs that include
/// the file (`db.changelog-master.yaml`, a JHipster-style `master.xml`) are not checked as
/// service configuration (no finding on them).
#[test]
fn liquibase_rollback_lines_and_changelogs_are_no_forward_ddl_and_no_config() {
    let d = dir_with(&[
        (
            "src/main/resources/db/changelog/db.changelog-master.yaml",
            b"databaseChangeLog:\n  - include:\n      file: changes/001-init.sql\n      relativeToChangelogFile: true\n  - includeAll:\n      path: db/changelog/changes/\n",
        ),
        (
            "src/main/resources/config/liquibase/master.xml",
            b"<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<databaseChangeLog xmlns=\"http://www.liquibase.org/xml/ns/dbchangelog\">\n    <property name=\"now\" value=\"now()\" dbms=\"postgresql\"/>\n    <include file=\"config/liquibase/changelog/00000000000000_initial_schema.xml\" relativeToChangelogFile=\"false\"/>\n</databaseChangeLog>\n",
        ),
        (
            "src/main/resources/db/changelog/changes/001-init.sql",
            b"--liquibase formatted sql\n\n--changeset alice:1\nCREATE TABLE profiles (id bigint PRIMARY KEY, phone text, user_id bigint);\nALTER TABLE profiles ENABLE ROW LEVEL SECURITY;\nALTER TABLE profiles FORCE ROW LEVEL SECURITY;\nCREATE POLICY p ON profiles USING (user_id = 1);\n--rollback ALTER TABLE profiles DISABLE ROW LEVEL SECURITY;\n--rollback CREATE ROLE r LOGIN PASSWORD 'rollback-secret-51';\n--rollback GRANT ALL ON profiles TO PUBLIC;\n",
        ),
    ]);
    let (v, _) = json_check(d.path(), &["src"]);
    let findings = v["findings"].as_array().expect("findings");
    assert!(findings.is_empty(), "{findings:#?}");
    // the rollback's password reaches no output format
    for format in ["json", "sarif", "human", "junit", "html", "table"] {
        let out = rg()
            .current_dir(d.path())
            .args(["check", "--format", format, "src"])
            .output()
            .expect("run");
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!all.contains("rollback-secret-51"), "{format}");
    }
}

/// wild51: the `.sql` files a Liquibase master changelog reaches (`include` with
/// `relativeToChangelogFile: true`, a nested changelog named by its classpath path under
/// `src/main/resources/`, its `includeAll` sorted by path) are one schema in the changelog's
/// order: the table created by `changes/z-create.sql` (included first) is the one the later
/// `more/a-rls.sql` and `more/b-policy.sql` protect. Before, each folder was a schema of its
/// own and the table was reported without RLS.
#[test]
fn liquibase_changelogs_order_the_sql_files_they_include_as_one_schema() {
    let d = dir_with(&[
        (
            "src/main/resources/db/changelog/db.changelog-master.yaml",
            b"databaseChangeLog:\n  - include:\n      file: changes/z-create.sql\n      relativeToChangelogFile: true\n  - include:\n      file: db/changelog/nested.yaml\n",
        ),
        (
            "src/main/resources/db/changelog/nested.yaml",
            b"databaseChangeLog:\n  - includeAll:\n      path: db/changelog/more/\n",
        ),
        (
            "src/main/resources/db/changelog/changes/z-create.sql",
            b"--liquibase formatted sql\n--changeset a:1\nCREATE TABLE profiles (id bigint PRIMARY KEY, phone text, user_id bigint);\n",
        ),
        (
            "src/main/resources/db/changelog/more/a-rls.sql",
            b"--liquibase formatted sql\n--changeset a:2\nALTER TABLE profiles ENABLE ROW LEVEL SECURITY;\nALTER TABLE profiles FORCE ROW LEVEL SECURITY;\n",
        ),
        (
            "src/main/resources/db/changelog/more/b-policy.sql",
            b"--liquibase formatted sql\n--changeset a:3\nCREATE POLICY p ON profiles USING (user_id = 1);\n",
        ),
    ]);
    let found = sql_findings(d.path(), &["src"], &["SQL-001", "SQL-002", "SQL-003"]);
    assert!(found.is_empty(), "{found:#?}");
    // a file no changelog reaches keeps its folder's schema: still reported
    let d = dir_with(&[
        (
            "db/changelog/db.changelog-master.yaml",
            b"databaseChangeLog:\n  - include:\n      file: db/changelog/other/x.sql\n",
        ),
        (
            "db/changelog/changes/create.sql",
            b"CREATE TABLE profiles (id bigint PRIMARY KEY, phone text, user_id bigint);\n",
        ),
        (
            "db/changelog/more/rls.sql",
            b"ALTER TABLE profiles ENABLE ROW LEVEL SECURITY;\nALTER TABLE profiles FORCE ROW LEVEL SECURITY;\nCREATE POLICY p ON profiles USING (user_id = 1);\n",
        ),
    ]);
    let found = sql_findings(d.path(), &["db"], &["SQL-001"]);
    assert_eq!(found.len(), 1, "{found:#?}");
}

/// wild54: a Liquibase XML changelog (JHipster's `config/liquibase/master.xml` with
/// `<include file=… relativeToChangelogFile=…>`, a nested changelog whose changeSet runs a
/// `<sqlFile>`) orders the SQL files it reaches as the YAML ones do: `z-create.sql` runs before
/// `a-rls.sql`, so the table is protected (by folder order `a-rls.sql` came first and the table
/// got SQL-001). A `<sqlFile>` in a `<rollback>` is no forward step. The XML files are checked
/// files; an XML file of the folder that is no changelog is not.
#[test]
fn liquibase_xml_changelogs_order_the_sql_files_they_include() {
    let d = dir_with(&[
        (
            "src/main/resources/config/liquibase/master.xml",
            b"<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<databaseChangeLog xmlns=\"http://www.liquibase.org/xml/ns/dbchangelog\">\n    <!-- <include file=\"sql/a-rls.sql\" relativeToChangelogFile=\"true\"/> -->\n    <include file=\"config/liquibase/changelog/00_create.xml\" relativeToChangelogFile=\"false\"/>\n    <include file=\"sql/a-rls.sql\" relativeToChangelogFile=\"true\"/>\n</databaseChangeLog>\n",
        ),
        (
            "src/main/resources/config/liquibase/changelog/00_create.xml",
            b"<databaseChangeLog>\n  <changeSet id=\"1\" author=\"a\">\n    <sqlFile path=\"../sql/z-create.sql\" relativeToChangelogFile=\"true\"/>\n    <rollback><sqlFile path=\"../sql/0-drop.sql\" relativeToChangelogFile=\"true\"/></rollback>\n  </changeSet>\n</databaseChangeLog>\n",
        ),
        (
            "src/main/resources/config/liquibase/sql/z-create.sql",
            b"CREATE TABLE profiles (id bigint PRIMARY KEY, phone text, user_id bigint);\n",
        ),
        (
            "src/main/resources/config/liquibase/sql/a-rls.sql",
            b"ALTER TABLE profiles ENABLE ROW LEVEL SECURITY;\nALTER TABLE profiles FORCE ROW LEVEL SECURITY;\nCREATE POLICY p ON profiles USING (user_id = 1);\n",
        ),
        (
            "src/main/resources/config/liquibase/sql/0-drop.sql",
            b"ALTER TABLE profiles DISABLE ROW LEVEL SECURITY;\n",
        ),
        (
            "src/main/resources/config/liquibase/fragment.xml",
            b"<beans><bean id=\"x\"/></beans>\n",
        ),
    ]);
    let (v, code) = json_check(d.path(), &["src"]);
    let findings = v["findings"].as_array().expect("findings");
    assert!(findings.is_empty(), "{findings:#?}");
    assert_eq!(v["problems"].as_array().map(Vec::len), Some(0), "{v:#?}");
    assert_eq!(code, 0);
    assert_eq!(v["summary"]["files"], 5, "{:#?}", v["summary"]);
}

/// wild54: a changelog entry naming a file or folder that does not exist (an `include` of a
/// changelog, an `includeAll` folder, a `sqlFile`) is a located problem at the entry's path
/// (exit 2), unless it says `errorIfMissing="false"`; a file that exists but is not part of the
/// run (the changelog given alone) is none. A cycle of changelogs (A includes B includes A) is
/// one located problem at the include that closes it (the changelogs walked by path), and the
/// run ends.
#[test]
fn liquibase_changelogs_naming_missing_files_or_a_cycle_are_located_problems() {
    let d = dir_with(&[
        (
            "db/changelog/master.xml",
            b"<databaseChangeLog>\n  <include file=\"db/changelog/gone.xml\"/>\n  <include file=\"maybe.xml\" relativeToChangelogFile=\"true\" errorIfMissing=\"false\"/>\n  <include file=\"loop.xml\" relativeToChangelogFile=\"true\"/>\n  <changeSet id=\"1\" author=\"a\">\n    <sqlFile path=\"sql/none.sql\" relativeToChangelogFile=\"true\"/>\n  </changeSet>\n</databaseChangeLog>\n",
        ),
        (
            "db/changelog/loop.xml",
            b"<databaseChangeLog>\n  <include file=\"db/changelog/master.xml\"/>\n  <include file=\"db/changelog/outside.sql\"/>\n</databaseChangeLog>\n",
        ),
        (
            "db/changelog/outside.sql",
            b"CREATE TABLE t (id int PRIMARY KEY);\n",
        ),
        (
            "db/changelog/db.changelog-master.yaml",
            b"databaseChangeLog:\n  - includeAll:\n      path: db/changelog/nothing/\n",
        ),
    ]);
    let (v, code) = json_check(d.path(), &["db"]);
    assert_eq!(code, 2);
    let mut problems: Vec<String> = v["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .map(|p| {
            format!(
                "{}:{}:{} {}",
                p["file"].as_str().unwrap_or(""),
                p["line"],
                p["column"],
                p["level"].as_str().unwrap_or("")
            )
        })
        .collect();
    problems.sort();
    assert_eq!(
        problems,
        [
            "db/changelog/db.changelog-master.yaml:3:7 error",
            "db/changelog/master.xml:2:18 error",
            "db/changelog/master.xml:4:18 error",
            "db/changelog/master.xml:6:20 error",
        ],
        "{v:#?}"
    );
    // the file that exists on disk but is not in the run: no problem
    let (v, code) = json_check(d.path(), &["db/changelog/loop.xml"]);
    let problems = v["problems"].as_array().expect("problems");
    assert!(problems.is_empty(), "{problems:#?}");
    assert_eq!(code, 0);
}

/// wild54: a `DO` loop over the catalog of another schema than the default (`WHERE schemaname =
/// 'app'`) that names each table in that schema (`app.%I`) enables RLS on that schema's
/// tables, in the same file and in a later migration; before, it stayed a note and the table
/// kept SQL-001. The same loop naming the tables unqualified would reach the default schema's
/// tables, so the `app` table is still reported.
#[test]
fn a_loop_over_another_schemas_catalog_reaches_its_tables() {
    let looped = |qualifier: &str| {
        format!(
            "DO $$\nDECLARE r record;\nBEGIN\n  FOR r IN SELECT tablename FROM pg_tables WHERE schemaname = 'app' LOOP\n    EXECUTE format('ALTER TABLE {qualifier}%I ENABLE ROW LEVEL SECURITY', r.tablename);\n    EXECUTE format('ALTER TABLE {qualifier}%I FORCE ROW LEVEL SECURITY', r.tablename);\n  END LOOP;\nEND\n$$;\n"
        )
    };
    let create = b"CREATE SCHEMA app;\nCREATE TABLE app.profiles (id bigint PRIMARY KEY, phone text, user_id bigint);\nCREATE POLICY own ON app.profiles USING (user_id = 1);\n";
    let qualified = looped("app.");
    let d = dir_with(&[
        ("m/1_init.up.sql", create.as_slice()),
        ("m/2_rls.up.sql", qualified.as_bytes()),
        (
            "one/schema.sql",
            format!("{}{}", String::from_utf8_lossy(create), qualified).as_bytes(),
        ),
    ]);
    let found = sql_findings(d.path(), &["m", "one"], &["SQL-001", "SQL-002"]);
    assert!(found.is_empty(), "{found:#?}");
    let unqualified = looped("");
    let d = dir_with(&[
        ("m/1_init.up.sql", create.as_slice()),
        ("m/2_rls.up.sql", unqualified.as_bytes()),
    ]);
    let found = sql_findings(d.path(), &["m"], &["SQL-001"]);
    assert_eq!(found.len(), 1, "{found:#?}");
}

/// wild54: sqitch keeps `deploy/`, `revert/` and `verify/` scripts side by side; a revert that
/// recreates the table its deploy drops was read as forward schema and reported (SQL-001 on
/// `revert/drop_legacy.sql`). Beside a `deploy/` folder, revert and verify scripts are no part
/// of the forward state (as `*.down.sql` files).
#[test]
fn sqitch_revert_scripts_are_no_forward_schema() {
    let d = dir_with(&[
        (
            "db/deploy/drop_legacy.sql",
            b"BEGIN;\nDROP TABLE IF EXISTS legacy_contacts;\nCOMMIT;\n",
        ),
        (
            "db/revert/drop_legacy.sql",
            b"BEGIN;\nCREATE TABLE legacy_contacts (id bigint PRIMARY KEY, email text, user_id bigint);\nCOMMIT;\n",
        ),
        (
            "db/verify/drop_legacy.sql",
            b"SELECT 1/(count(*) = 0)::int FROM pg_tables WHERE tablename = 'legacy_contacts';\n",
        ),
    ]);
    let found = sql_findings(d.path(), &["db"], &["SQL-001", "SQL-017"]);
    assert!(found.is_empty(), "{found:#?}");
}

/// sql35: tern (jackc/tern) keeps a migration's rollback below the line `---- create above /
/// drop below ----`. Read as forward DDL, its `DROP TABLE` erased the tables the up section
/// creates, and every finding about them was lost (tern-books, tern-users: no finding at all);
/// now the section is skipped with a note, as dbmate's and goose's are.
#[test]
fn terns_drop_below_section_is_no_forward_schema() {
    let d = dir_with(&[
        (
            "migrations/001_create_users.sql",
            b"CREATE TABLE users (\n  id uuid PRIMARY KEY,\n  email text NOT NULL,\n  user_id uuid\n);\nALTER TABLE users ENABLE ROW LEVEL SECURITY;\n\n---- create above / drop below ----\n\nALTER TABLE users DISABLE ROW LEVEL SECURITY;\ndrop table users;\n" as &[u8],
        ),
        // a comment of dashes that is not tern's marker changes nothing
        (
            "migrations/002_accounts.sql",
            b"CREATE TABLE accounts (id bigint PRIMARY KEY, user_id uuid NOT NULL);\n-- ---- create above ----\nDROP TABLE accounts;\n" as &[u8],
        ),
    ]);
    let (v, _) = json_check(
        d.path(),
        &["migrations", "--select", "SQL-001,SQL-002,SQL-003"],
    );
    let mut found = common::findings_of(&v);
    found.sort();
    assert_eq!(
        found,
        vec![
            (
                "SQL-002".to_string(),
                "migrations/001_create_users.sql".to_string(),
                6
            ),
            (
                "SQL-003".to_string(),
                "migrations/001_create_users.sql".to_string(),
                6
            ),
        ],
        "{v}"
    );
    let notes: Vec<&str> = v["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .filter_map(|p| p["message"].as_str())
        .filter(|m| m.starts_with("rollback section"))
        .collect();
    assert_eq!(
        notes,
        [
            "rollback section (`---- create above / drop below ----`) skipped: the schema is read as the up section leaves it"
        ],
        "{v}"
    );
}

/// sql35: a schema split into numbered stage folders (`01_tables`, `05_rls`, `09_grants`, as
/// rmr-studio/riven's `core/db/schema`) is one schema in the order of the numbers. Each folder
/// was a schema of its own: the RLS and policies of `05_rls` reached no table (false SQL-001 on
/// `profiles`; no SQL-002 on the enabling statement of `workspaces`).
#[test]
fn numbered_stage_folders_are_one_schema() {
    let d = dir_with(&[
        (
            "db/schema/01_tables/profiles.sql",
            b"CREATE TABLE profiles (id uuid PRIMARY KEY, user_id uuid NOT NULL, email text);\n" as &[u8],
        ),
        (
            "db/schema/01_tables/workspaces.sql",
            b"CREATE TABLE workspaces (id uuid PRIMARY KEY, name text NOT NULL);\n" as &[u8],
        ),
        (
            "db/schema/05_rls/profiles_rls.sql",
            b"ALTER TABLE profiles ENABLE ROW LEVEL SECURITY;\nALTER TABLE profiles FORCE ROW LEVEL SECURITY;\nCREATE POLICY own ON profiles USING (user_id = auth.uid());\n" as &[u8],
        ),
        (
            "db/schema/05_rls/workspaces_rls.sql",
            b"ALTER TABLE workspaces ENABLE ROW LEVEL SECURITY;\nCREATE POLICY member ON workspaces USING (true);\n" as &[u8],
        ),
    ]);
    let (v, _) = json_check(d.path(), &["db", "--select", "SQL-001,SQL-002,SQL-003"]);
    let mut found = common::findings_of(&v);
    found.sort();
    assert_eq!(
        found,
        vec![(
            "SQL-002".to_string(),
            "db/schema/05_rls/workspaces_rls.sql".to_string(),
            1
        )],
        "{v}"
    );
}

/// sql36: Flyway's callbacks run at their event. `beforeMigrate.sql` runs before every
/// versioned file (GymmateHub/Backend: a function `V1__` needs; DDD-Community's tables later
/// versions alter), so the RLS a versioned file turns on reaches the table it creates; a
/// `beforeClean.sql` runs only before `flyway clean`, so its `DROP TABLE` undoes nothing of
/// the migrations. Before: both sorted by name after the versioned files, a false SQL-001 on
/// `profiles` and a missed one on `accounts`.
#[test]
fn flyway_callbacks_run_at_their_event() {
    let d = dir_with(&[
        (
            "src/main/resources/db/migration/beforeMigrate.sql",
            b"CREATE TABLE IF NOT EXISTS profiles (id uuid PRIMARY KEY, user_id uuid NOT NULL);\n" as &[u8],
        ),
        (
            "src/main/resources/db/migration/V1__init.sql",
            b"CREATE TABLE accounts (id uuid PRIMARY KEY, user_id uuid NOT NULL);\n" as &[u8],
        ),
        (
            "src/main/resources/db/migration/V2__rls.sql",
            b"ALTER TABLE profiles ENABLE ROW LEVEL SECURITY;\nALTER TABLE profiles FORCE ROW LEVEL SECURITY;\nCREATE POLICY own ON profiles USING (user_id = current_setting('app.user')::uuid);\n" as &[u8],
        ),
        (
            "src/main/resources/db/migration/beforeClean.sql",
            b"DROP TABLE IF EXISTS accounts;\nDROP TABLE IF EXISTS profiles;\n" as &[u8],
        ),
    ]);
    let (v, _) = json_check(d.path(), &["src", "--select", "SQL-001,SQL-002,SQL-003"]);
    let found = common::findings_of(&v);
    assert_eq!(
        found,
        vec![(
            "SQL-001".to_string(),
            "src/main/resources/db/migration/V1__init.sql".to_string(),
            1
        )],
        "{v}"
    );
}

/// sql36: a user mapping's password (romankrru/hasura-multi-db's `up.sql`, a pg_dump's
/// `CREATE USER MAPPING … OPTIONS (user 'postgres', password '…')`) is a literal credential:
/// SQL-010 reports it at the option, and no output prints it. `ALTER USER MAPPING` is no
/// role's `ALTER USER`: before, its `SET password '…'` gave a role named `mapping` a password.
#[test]
fn user_mapping_passwords_are_reported_and_masked() {
    let sql = "CREATE EXTENSION IF NOT EXISTS postgres_fdw;\nCREATE SERVER app_db FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host 'db', dbname 'app');\nCREATE USER MAPPING FOR postgres\n  SERVER app_db\n  OPTIONS (user 'postgres', password 'fdw-Secret-42');\nALTER USER MAPPING FOR postgres SERVER app_db OPTIONS (SET password 'fdw-Rotated-43');\nCREATE USER MAPPING FOR reader SERVER app_db OPTIONS (user 'reader', password '${reader_password}');\n";
    let d = dir_with(&[("hasura/migrations/1_fdw/up.sql", sql.as_bytes())]);
    let (v, _) = json_check(d.path(), &["hasura", "--select", "SQL-010"]);
    let found = common::findings_of(&v);
    assert_eq!(
        found,
        vec![
            (
                "SQL-010".to_string(),
                "hasura/migrations/1_fdw/up.sql".to_string(),
                5
            ),
            (
                "SQL-010".to_string(),
                "hasura/migrations/1_fdw/up.sql".to_string(),
                6
            ),
        ],
        "{v}"
    );
    let messages: Vec<&str> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["message"].as_str())
        .collect();
    assert!(
        messages
            .iter()
            .all(|m| m.starts_with("user mapping for \"postgres\" on server \"app_db\"")),
        "{messages:?}"
    );
    for format in ["human", "json", "sarif", "junit", "html"] {
        let out = rg()
            .current_dir(d.path())
            .args(["check", "--select", "SQL-010", "--format", format, "hasura"])
            .output()
            .expect("run");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            !text.contains("fdw-Secret-42") && !text.contains("fdw-Rotated-43"),
            "{format}: {text}"
        );
        assert!(text.contains("SQL-010"), "{format}: {text}");
    }
    let out = rg()
        .current_dir(d.path())
        .args(["inspect", "hasura/migrations/1_fdw/up.sql"])
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        !text.contains("fdw-Secret-42") && !text.contains("fdw-Rotated-43"),
        "{text}"
    );
    assert!(!text.contains("\"mapping\""), "{text}");
}

/// sql36: an extension's scripts (`ext--1.0.sql` installs, `ext--1.0--1.1.sql` updates) run
/// install first, then the updates in the chain of their versions. By name the update sorted
/// first (`-` before `.`): the RLS it turns on reached no table, and the install's `CREATE
/// TABLE` made a false SQL-001 (and no SQL-002 on the update's statement).
#[test]
fn extension_update_scripts_run_after_the_install_script() {
    let d = dir_with(&[
        (
            "ext/sql/jobq--1.0.sql",
            b"-- complain if script is sourced in psql, rather than via CREATE EXTENSION\n\\echo Use \"CREATE EXTENSION jobq\" to load this file. \\quit\nCREATE TABLE jobq.job (jobid bigint PRIMARY KEY, user_id oid NOT NULL, command text NOT NULL);\n" as &[u8],
        ),
        (
            "ext/sql/jobq--1.0--1.1.sql",
            b"\\echo Use \"ALTER EXTENSION jobq UPDATE TO '1.1'\" to load this file. \\quit\nALTER TABLE jobq.job ENABLE ROW LEVEL SECURITY;\nCREATE POLICY job_owner ON jobq.job USING (user_id = (SELECT oid FROM pg_roles WHERE rolname = current_user));\n" as &[u8],
        ),
    ]);
    let (v, _) = json_check(d.path(), &["ext", "--select", "SQL-001,SQL-002,SQL-003"]);
    assert_eq!(
        common::findings_of(&v),
        vec![(
            "SQL-002".to_string(),
            "ext/sql/jobq--1.0--1.1.sql".to_string(),
            2
        )],
        "{v}"
    );
}

/// sql37: a sqitch project's deploy scripts in nested folders (launchql's
/// `deploy/schemas/app/tables/invites/table.sql` and
/// `deploy/schemas/app/tables/invites/policies/enable_row_level_security.sql`) are one schema in
/// the order of `sqitch.plan`, which the run reads beside them; `revert/` scripts at any depth
/// are no part of it. Each folder was a schema: the RLS of the `policies/` script reached no
/// table (false SQL-001 on `invites`, no SQL-002), a primary key added by
/// `constraints/…/constraint.sql` reached no table (false SQL-017), and by name
/// `policies/…` would run before `table.sql`.
#[test]
fn sqitch_deploy_trees_are_one_schema_in_plan_order() {
    let t = "deploy/schemas/app/tables";
    let d = dir_with(&[
        (
            "db/sqitch.plan",
            b"%syntax-version=1.0.0\n%project=app\n\nschemas/app/tables/invites/table 2024-01-01T00:00:00Z dev <dev@example.com> # add invites\nschemas/app/tables/invites/constraints/invites_pkey/constraint [schemas/app/tables/invites/table] 2024-01-01T00:00:00Z dev <dev@example.com> # pkey\nschemas/app/tables/invites/policies/enable_row_level_security [schemas/app/tables/invites/table] 2024-01-01T00:00:00Z dev <dev@example.com> # rls\n@v1.0 2024-01-02T00:00:00Z dev <dev@example.com> # tag\n" as &[u8],
        ),
        (
            &format!("db/{t}/invites/table.sql"),
            b"-- Deploy schemas/app/tables/invites/table to pg\nBEGIN;\nCREATE TABLE app.invites (\n  id uuid,\n  email text NOT NULL,\n  invite_token_hash text\n);\nCOMMIT;\n",
        ),
        (
            &format!("db/{t}/invites/constraints/invites_pkey/constraint.sql"),
            b"BEGIN;\nALTER TABLE app.invites ADD CONSTRAINT invites_pkey PRIMARY KEY (id);\nCOMMIT;\n",
        ),
        (
            &format!("db/{t}/invites/policies/enable_row_level_security.sql"),
            b"-- Deploy schemas/app/tables/invites/policies/enable_row_level_security to pg\nBEGIN;\n\nALTER TABLE app.invites\n    ENABLE ROW LEVEL SECURITY;\nCREATE POLICY own ON app.invites USING (email = current_setting('app.email'));\nCOMMIT;\n",
        ),
        (
            "db/revert/schemas/app/tables/invites/policies/enable_row_level_security.sql",
            b"BEGIN;\nALTER TABLE app.invites DISABLE ROW LEVEL SECURITY;\nCOMMIT;\n",
        ),
        (
            "db/revert/schemas/app/tables/invites/table.sql",
            b"BEGIN;\nDROP TABLE app.invites;\nCREATE TABLE app.invites (id uuid, email text);\nCOMMIT;\n",
        ),
    ]);
    let (v, _) = json_check(
        d.path(),
        &["db", "--select", "SQL-001,SQL-002,SQL-003,SQL-017"],
    );
    assert_eq!(
        common::findings_of(&v),
        vec![(
            "SQL-002".to_string(),
            format!("db/{t}/invites/policies/enable_row_level_security.sql"),
            5
        )],
        "{v}"
    );
}

/// sql37: dbmate's `db/schema.sql` (the dump `dbmate` writes of the schema its migrations
/// build, ending with `-- Dbmate schema migrations`) repeated each finding of the migrations
/// (usepriceflow/app: SQL-001 on `users` twice). When every version it lists is a migration
/// of the run, it is not checked again and a note says so; alone, it is checked.
#[test]
fn a_dbmate_schema_dump_beside_its_migrations_is_not_checked_twice() {
    let dump: &[u8] = b"SET statement_timeout = 0;\nSELECT pg_catalog.set_config('search_path', '', false);\n\nCREATE TABLE public.users (\n    id integer NOT NULL,\n    email text NOT NULL\n);\n\nALTER TABLE ONLY public.users\n    ADD CONSTRAINT users_pkey PRIMARY KEY (id);\n\n--\n-- PostgreSQL database dump complete\n--\n\n\n--\n-- Dbmate schema migrations\n--\n\nINSERT INTO public.schema_migrations (version) VALUES\n    ('20240525044318'),\n    ('20240525045757');\n";
    let d = dir_with(&[
        ("app/db/schema.sql", dump),
        (
            "app/db/migrations/20240525044318_create_users.sql",
            b"-- migrate:up\nCREATE TABLE users (\n    id SERIAL PRIMARY KEY,\n    email TEXT NOT NULL UNIQUE\n);\n\n-- migrate:down\nDROP TABLE users;\n",
        ),
        (
            "app/db/migrations/20240525045757_create_organizations.sql",
            b"-- migrate:up\nCREATE TABLE organizations (id SERIAL PRIMARY KEY, name TEXT NOT NULL);\n\n-- migrate:down\nDROP TABLE organizations;\n",
        ),
        // a dump whose migrations are not all in the run is the only full schema
        ("other/db/schema.sql", dump),
        (
            "other/db/migrations/20240525044318_create_users.sql",
            b"-- migrate:up\nCREATE TABLE users (id SERIAL PRIMARY KEY, email TEXT NOT NULL);\n",
        ),
    ]);
    let (v, _) = json_check(d.path(), &[".", "--select", "SQL-001"]);
    let mut found = common::findings_of(&v);
    found.sort();
    assert_eq!(
        found,
        vec![
            (
                "SQL-001".to_string(),
                "app/db/migrations/20240525044318_create_users.sql".to_string(),
                2
            ),
            (
                "SQL-001".to_string(),
                "other/db/migrations/20240525044318_create_users.sql".to_string(),
                2
            ),
            ("SQL-001".to_string(), "other/db/schema.sql".to_string(), 4),
        ],
        "{v}"
    );
    let notes: Vec<(&str, u64, &str)> = v["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .filter(|p| {
            p["message"]
                .as_str()
                .is_some_and(|m| m.starts_with("dbmate"))
        })
        .map(|p| {
            (
                p["file"].as_str().unwrap_or(""),
                p["line"].as_u64().unwrap_or(0),
                p["message"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        notes,
        [(
            "app/db/schema.sql",
            18,
            "dbmate's schema dump not checked: the 2 migrations it lists are files of this run (`app/db/migrations`), checked there"
        )],
        "{v}"
    );
}

/// sql37: other tools' down sections. Play's evolutions (`conf/evolutions/default/1.sql`: `#
/// --- !Ups`, `# --- !Downs`; a `#` line was an operator to the lexer, so the marker and the
/// `CREATE TABLE` after it were a syntax error, exit 2, or one statement "not modelled"), micrate
/// (`-- +micrate Down`) and MyBatis Migrations (`-- //@UNDO`): their `DROP TABLE` erased the
/// table the file creates, and every finding on it.
#[test]
fn play_micrate_and_mybatis_down_sections_are_no_forward_schema() {
    let d = dir_with(&[
        (
            "play/conf/evolutions/default/1.sql",
            b"# Users schema\n\n# --- !Ups\n\nCREATE TABLE Users (\n  id SERIAL PRIMARY KEY,\n  email text NOT NULL,\n  password text NOT NULL\n);\n\n# --- !Downs\n\nDROP TABLE Users;" as &[u8],
        ),
        (
            "crystal/db/migrations/20180512234307_add_users_table.sql",
            b"-- +micrate Up\nCREATE TABLE users(\n  id SERIAL PRIMARY KEY,\n  email VARCHAR NOT NULL\n);\n\n-- +micrate Down\nDROP TABLE users;\n",
        ),
        (
            "mybatis/scripts/20100322191008_create_accounts.sql",
            b"-- // create accounts\n-- Migration SQL that makes the change goes here.\nCREATE TABLE accounts (\n  id bigserial PRIMARY KEY,\n  email text NOT NULL\n);\n\n-- //@UNDO\n-- SQL to undo the change goes here.\nDROP TABLE accounts;\n",
        ),
    ]);
    let (v, code) = json_check(d.path(), &[".", "--select", "SQL-001,SQL-005"]);
    let mut found = common::findings_of(&v);
    found.sort();
    assert_eq!(
        found,
        vec![
            (
                "SQL-001".to_string(),
                "crystal/db/migrations/20180512234307_add_users_table.sql".to_string(),
                2
            ),
            (
                "SQL-001".to_string(),
                "mybatis/scripts/20100322191008_create_accounts.sql".to_string(),
                3
            ),
            (
                "SQL-001".to_string(),
                "play/conf/evolutions/default/1.sql".to_string(),
                5
            ),
            (
                "SQL-005".to_string(),
                "play/conf/evolutions/default/1.sql".to_string(),
                8
            ),
        ],
        "{v}"
    );
    assert_eq!(code, 1, "{v}");
    let notes: Vec<&str> = v["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .filter_map(|p| p["message"].as_str())
        .collect();
    assert_eq!(notes.len(), 3, "{notes:?}");
    assert!(
        notes.iter().all(|m| m.starts_with("rollback section")),
        "{notes:?}"
    );
}

/// sql37: launchql's and pgpm's packages keep, beside their `deploy/` tree, the extension script
/// their tool builds from it (`sql/<ext>--<version>.sql`, every deploy script in plan order,
/// launchql/postgres-ast-deparser's `packages/dbs_rls/sql/dbs_rls--0.0.1.sql`): each finding of
/// the deploy scripts was reported again there. Beside `<ext>.control` and a `deploy/` folder of
/// the run it is not checked again; an extension's scripts without them (pg_cron's) are.
#[test]
fn a_packaged_extension_script_beside_its_deploy_tree_is_not_checked_twice() {
    let d = dir_with(&[
        (
            "pkg/sqitch.plan",
            b"%project=app\nschemas/app/tables/users/table 2024-01-01T00:00:00Z dev <d@x>\n" as &[u8],
        ),
        ("pkg/app.control", b"default_version = '0.0.1'\n"),
        (
            "pkg/deploy/schemas/app/tables/users/table.sql",
            b"BEGIN;\nCREATE TABLE app.users (id uuid PRIMARY KEY, email text NOT NULL);\nCOMMIT;\n",
        ),
        (
            "pkg/sql/app--0.0.1.sql",
            b"\\echo Use \"CREATE EXTENSION app\" to load this file. \\quit\nCREATE TABLE app.users (id uuid PRIMARY KEY, email text NOT NULL);\n",
        ),
        (
            "ext/sql/jobq--1.0.sql",
            b"\\echo Use \"CREATE EXTENSION jobq\" to load this file. \\quit\nCREATE TABLE jobq.job (jobid bigint PRIMARY KEY, user_id oid NOT NULL);\n",
        ),
    ]);
    let (v, _) = json_check(d.path(), &[".", "--select", "SQL-001"]);
    let mut found = common::findings_of(&v);
    found.sort();
    assert_eq!(
        found,
        vec![
            (
                "SQL-001".to_string(),
                "ext/sql/jobq--1.0.sql".to_string(),
                2
            ),
            (
                "SQL-001".to_string(),
                "pkg/deploy/schemas/app/tables/users/table.sql".to_string(),
                2
            ),
        ],
        "{v}"
    );
    let notes: Vec<&str> = v["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .filter_map(|p| p["message"].as_str())
        .filter(|m| m.starts_with("extension script"))
        .collect();
    assert_eq!(
        notes,
        [
            "extension script not checked: `app.control`'s package builds it from the deploy scripts of this run (`pkg/deploy`), checked there"
        ],
        "{v}"
    );
}

/// sql37: a script that includes others with psql's `\ir` (the PostgREST starter kit's
/// `db/src/init.sql`) is one schema with them, in the order psql runs them, and an included
/// file's unqualified names start in the search path it is included in. Each folder was a
/// schema and `data/todo.sql` read alone created `public.todo`: a false SQL-001 on it, and no
/// SQL-002 at `authorization/privileges.sql`'s `ENABLE ROW LEVEL SECURITY` of `data.todo`.
#[test]
fn psql_includes_are_one_schema_in_the_search_path_they_set() {
    let d = dir_with(&[
        (
            "db/src/init.sql",
            b"\\set ON_ERROR_STOP on\nbegin;\n\\ir data/schema.sql\n\\ir authorization/privileges.sql\ncommit;\n" as &[u8],
        ),
        (
            "db/src/data/schema.sql",
            b"drop schema if exists data cascade;\ncreate schema data;\nset search_path = data, public;\n\\ir todo.sql\n",
        ),
        (
            "db/src/data/todo.sql",
            b"create table todo (\n\tid    serial primary key,\n\ttodo  text not null,\n\towner_id int\n);\n",
        ),
        (
            "db/src/authorization/privileges.sql",
            b"grant usage on schema api to anonymous;\nalter table data.todo enable row level security;\ncreate policy todo_access_policy on data.todo to api using (request.user_id() = owner_id);\n",
        ),
    ]);
    let (v, _) = json_check(d.path(), &["db", "--select", "SQL-001,SQL-002,SQL-003"]);
    assert_eq!(
        common::findings_of(&v),
        vec![(
            "SQL-002".to_string(),
            "db/src/authorization/privileges.sql".to_string(),
            2
        )],
        "{v}"
    );
}
