use super::*;
use crate::source::span::PathSeg;
use crate::source::{Problem, ProblemLevel};
use serde_json::Value;

fn load_str(text: &str) -> (Loaded, SqlStats) {
    let file = SourceFile::new("db/t.sql".into(), None, text.to_string());
    load_with_stats(&file)
}

fn model(text: &str) -> Value {
    let (l, _) = load_str(text);
    l.documents
        .into_iter()
        .next()
        .map(|d| d.value)
        .unwrap_or(Value::Null)
}

fn path(segs: &[&str]) -> Vec<PathSeg> {
    segs.iter()
        .map(|s| {
            s.parse::<usize>()
                .map_or_else(|_| PathSeg::Key(s.to_string()), PathSeg::Index)
        })
        .collect()
}

/// The source text of the node at `segs`.
fn text_at(text: &str, segs: &[&str]) -> String {
    let (l, _) = load_str(text);
    let doc = &l.documents[0];
    let node = doc
        .spans
        .get(&path(segs))
        .unwrap_or_else(|| panic!("no node at {segs:?}"));
    text[node.span.range()].to_string()
}

#[test]
fn one_document_per_file_with_a_schema_model() {
    let (l, stats) = load_str("CREATE TABLE t (id int PRIMARY KEY);");
    assert_eq!(l.documents.len(), 1);
    let d = &l.documents[0];
    assert_eq!(
        (d.input_type, d.subtype.as_str(), d.resource.as_str()),
        (InputType::Postgres, "schema", "schema t.sql")
    );
    assert_eq!(
        d.value["tables"]["public.t"]["primary_key"],
        serde_json::json!(["id"])
    );
    assert_eq!(
        stats,
        SqlStats {
            statements: 1,
            parsed: 1,
            ..Default::default()
        }
    );
}

#[test]
fn later_statements_change_the_model() {
    let m = model(
        "CREATE TABLE t (id int, email text);\n\
         ALTER TABLE t ENABLE ROW LEVEL SECURITY;\n\
         ALTER TABLE t FORCE ROW LEVEL SECURITY, NO FORCE ROW LEVEL SECURITY;\n\
         ALTER TABLE t ADD CONSTRAINT t_pkey PRIMARY KEY (id), ALTER COLUMN email SET NOT NULL;\n\
         ALTER TABLE other ENABLE ROW LEVEL SECURITY;",
    );
    let t = &m["tables"]["public.t"];
    assert_eq!(
        t["rls"],
        serde_json::json!({"enabled": true, "forced": false})
    );
    assert_eq!(t["primary_key"], serde_json::json!(["id"]));
    assert_eq!(t["columns"]["email"]["not_null"], true);
    // a table only altered here is a stub: created elsewhere
    assert_eq!(m["tables"]["public.other"]["created"], false);
}

#[test]
fn names_are_folded_and_qualified_with_the_search_path() {
    let m = model(
        "CREATE TABLE \"Users\" (ID int);\n\
         SET search_path TO app, public;\n\
         CREATE TABLE Orders (id int);\n\
         SELECT pg_catalog.set_config('search_path', '', false);\n\
         CREATE TABLE s.x (id int);",
    );
    let names: Vec<&String> = m["tables"]
        .as_object()
        .map(|o| o.keys().collect())
        .unwrap_or_default();
    assert_eq!(names, ["public.Users", "app.orders", "s.x"]);
    assert!(m["tables"]["public.Users"]["columns"]["id"].is_object());
}

#[test]
fn a_bad_statement_is_reported_and_the_rest_is_modelled() {
    let text = "CREATE TABLE a (id int);\nCREATE TABLE b (id int,, x);\nGRANT SELECT ON a TO PUBLIC;\nCREATE TABLE c (id int);\n";
    let (l, stats) = load_str(text);
    let errors: Vec<&Problem> = l
        .problems
        .iter()
        .filter(|p| p.level == ProblemLevel::Error)
        .collect();
    assert_eq!(errors.len(), 1, "{:?}", l.problems);
    let pos = errors[0].pos.expect("a position");
    assert_eq!((pos.line, pos.column), (2, 24), "{}", errors[0]);
    assert!(
        errors[0]
            .message
            .starts_with("syntax error in CREATE TABLE statement: "),
        "{}",
        errors[0].message
    );
    let m = &l.documents[0].value;
    assert!(m["tables"]["public.a"].is_object() && m["tables"]["public.c"].is_object());
    assert_eq!(m["grants"][0]["grantees"], serde_json::json!(["public"]));
    assert_eq!((stats.statements, stats.parsed, stats.failed), (4, 3, 1));
}

#[test]
fn unmodelled_statements_and_meta_commands_are_notes() {
    let text = "\\connect app\nDO $$ BEGIN PERFORM 1; END $$;\nCREATE TABLE t (id int);\n\\set x 1\nCREATE EVENT TRIGGER e ON ddl_command_end EXECUTE FUNCTION f();\n";
    let (l, stats) = load_str(text);
    assert!(
        l.problems.iter().all(|p| p.level == ProblemLevel::Note),
        "{:?}",
        l.problems
    );
    let messages: Vec<String> = l.problems.iter().map(|p| p.to_string()).collect();
    assert_eq!(
        messages,
        [
            "db/t.sql:1:1: psql meta-command `\\connect` skipped",
            "db/t.sql:4:1: psql meta-command `\\set` skipped",
            "db/t.sql:5:1: CREATE EVENT TRIGGER statement skipped: not modelled (no SQL rule reads it)",
        ]
    );
    // the DO block holds no DDL: read, nothing to model
    assert_eq!(
        (stats.meta_commands, stats.skipped, stats.parsed),
        (2, 1, 2)
    );
}

/// pg_dump (17.6, 16.10, 15.14 and later) opens every dump with `\restrict KEY` and closes it
/// with `\unrestrict KEY`; they and psql's printing commands change nothing the model reads, so
/// they are read silently, as comments are (wild26: a Rails `structure.sql`).
#[test]
fn pg_dump_restrict_keys_and_echo_are_no_notes() {
    let text = "\\restrict XcTvZlKfwzFA58DrQgftAigeSJFtpOBaQynk1v7oiMVh2qf85wKgqd2OTsOKWJ1\n\
                CREATE TABLE t (id int PRIMARY KEY);\n\
                \\echo created\n\
                \\unrestrict XcTvZlKfwzFA58DrQgftAigeSJFtpOBaQynk1v7oiMVh2qf85wKgqd2OTsOKWJ1\n\
                \\connect other\n";
    let (l, stats) = load_str(text);
    let messages: Vec<String> = l.problems.iter().map(|p| p.to_string()).collect();
    assert_eq!(
        messages,
        ["db/t.sql:5:1: psql meta-command `\\connect` skipped"]
    );
    assert_eq!((stats.meta_commands, stats.parsed), (4, 1));
}

/// A MySQL file (a dump, a migration of another project) is one note at its first MySQL
/// sign, not a syntax error per statement; PostgreSQL naming MySQL's words in names, comments
/// or strings is still read as PostgreSQL.
#[test]
fn a_mysql_file_is_one_note() {
    for (text, at) in [
        (
            "-- users\nCREATE TABLE `users` (\n  `id` int(11) NOT NULL\n);\n",
            "2:14",
        ),
        ("CREATE TABLE t (\n  id int\n) ENGINE=InnoDB;\n", "3:3"),
        (
            "CREATE TABLE t (\n  id INT AUTO_INCREMENT PRIMARY KEY\n);\n",
            "2:10",
        ),
    ] {
        let (l, stats) = load_str(text);
        assert_eq!(model(text), model(""), "{text}");
        assert_eq!(stats.statements, 0, "{text}");
        let messages: Vec<String> = l.problems.iter().map(|p| p.to_string()).collect();
        assert_eq!(
            messages,
            [format!(
                "db/t.sql:{at}: file skipped: MySQL syntax (runeguard reads PostgreSQL DDL)"
            )],
            "{text}"
        );
        assert!(l.problems.iter().all(|p| p.level == ProblemLevel::Note));
    }
    for text in [
        "-- ported from MySQL: `users` ENGINE=InnoDB\nCREATE TABLE users (id int, auto_increment int, engine text);\n",
        "CREATE TABLE t (note text DEFAULT 'a `b` ) ENGINE = x');\n",
    ] {
        let (l, _) = load_str(text);
        assert_eq!(l.documents.len(), 1, "{text}");
        assert!(l.problems.is_empty(), "{text}: {:?}", l.problems);
    }
}

/// sql36: an Oracle or SQL Server file (a Flyway project's PL/SQL `afterMigrate.sql`, an
/// Oracle `V1__init.sql`) is one note at its first sign of the dialect, not a PostgreSQL schema
/// whose tables lack row-level security; PostgreSQL with columns or tables named `number`, a
/// cursor's `DECLARE`, `AS IDENTITY (…)` and array subscripts is read as PostgreSQL.
#[test]
fn oracle_and_sql_server_files_are_one_note() {
    for (text, at, dialect) in [
        (
            "CREATE TABLE pwa_users (\n  id NUMBER(10) PRIMARY KEY,\n  email VARCHAR2(200)\n);\n",
            "2:6",
            "Oracle",
        ),
        (
            "CREATE TABLE t (id NUMBER NOT NULL, email VARCHAR2(200));\n",
            "1:20",
            "Oracle",
        ),
        (
            "DECLARE\n  l_ids bpmmgr.varchar2_list_type;\nBEGIN\n  NULL;\nEND;\n",
            "1:1",
            "Oracle",
        ),
        (
            "BEGIN\n  EXECUTE IMMEDIATE 'DROP TABLE t';\nEND;\n",
            "2:3",
            "Oracle",
        ),
        (
            "CREATE TABLE [dbo].[Users] (\n  [Id] INT IDENTITY(1,1) NOT NULL,\n  [Email] NVARCHAR(MAX)\n);\n",
            "1:14",
            "SQL Server",
        ),
        (
            "CREATE TABLE users (id INT IDENTITY(1,1) PRIMARY KEY, email NVARCHAR(MAX));\n",
            "1:28",
            "SQL Server",
        ),
    ] {
        let (l, stats) = load_str(text);
        assert_eq!(model(text), model(""), "{text}");
        assert_eq!(stats.statements, 0, "{text}");
        let messages: Vec<String> = l.problems.iter().map(|p| p.to_string()).collect();
        assert_eq!(
            messages,
            [format!(
                "db/t.sql:{at}: file skipped: {dialect} syntax (runeguard reads PostgreSQL DDL)"
            )],
            "{text}"
        );
    }
    for text in [
        "CREATE TABLE t (id int GENERATED BY DEFAULT AS IDENTITY (START WITH 1), number int, tags text[]);\n",
        "CREATE TABLE t (x int CONSTRAINT number CHECK (x > 0), y int REFERENCES number (id));\n",
        "ALTER TABLE t RENAME COLUMN number TO num;\nALTER TABLE t RENAME num TO number;\n",
        "DECLARE c NO SCROLL CURSOR FOR SELECT 1;\nDECLARE d CURSOR FOR SELECT 1;\n",
        "SELECT a number, b FROM t;\nCREATE TABLE u (v varchar2(10));\n",
        "-- ported from Oracle: id NUMBER(10), name NVARCHAR(MAX)\nCREATE TABLE t (id int);\n",
    ] {
        let (l, _) = load_str(text);
        assert!(
            !l.problems
                .iter()
                .any(|p| p.message.contains("file skipped")),
            "{text}: {:?}",
            l.problems
        );
    }
}

#[test]
fn alter_table_is_retried_action_by_action() {
    let text = "CREATE TABLE t (id int, v text);\nALTER TABLE t ALTER COLUMN v SET STATISTICS 100, ENABLE ROW LEVEL SECURITY;";
    let (l, stats) = load_str(text);
    assert_eq!(
        l.documents[0].value["tables"]["public.t"]["rls"]["enabled"],
        true
    );
    assert!(
        l.problems.iter().all(|p| p.level == ProblemLevel::Note),
        "{:?}",
        l.problems
    );
    assert_eq!(stats.skipped, 1);
    assert_eq!(
        text_at(text, &["tables", "public.t", "rls", "enabled"]),
        "ENABLE ROW LEVEL SECURITY"
    );
}

#[test]
fn spans_point_at_each_element_of_its_statement() {
    let text = "-- users\nCREATE TABLE users (\n    id uuid PRIMARY KEY,\n    \"E-mail\" text NOT NULL,\n    CONSTRAINT email_ok CHECK (\"E-mail\" LIKE '%@%')\n) PARTITION BY RANGE (id);\nALTER TABLE ONLY users\n    ENABLE ROW LEVEL SECURITY,\n    FORCE ROW LEVEL SECURITY;\nCREATE POLICY p ON users USING (true);\nCREATE ROLE r LOGIN SUPERUSER;\n";
    assert_eq!(
        text_at(text, &["tables", "public.users", "columns", "id"]),
        "id uuid PRIMARY KEY"
    );
    assert_eq!(
        text_at(text, &["tables", "public.users", "columns", "E-mail"]),
        "\"E-mail\" text NOT NULL"
    );
    assert_eq!(
        text_at(text, &["tables", "public.users", "constraints", "0"]),
        "CONSTRAINT email_ok CHECK (\"E-mail\" LIKE '%@%')"
    );
    assert_eq!(
        text_at(text, &["tables", "public.users", "partition_by"]),
        "PARTITION BY RANGE (id)"
    );
    assert_eq!(
        text_at(text, &["tables", "public.users", "rls", "forced"]),
        "FORCE ROW LEVEL SECURITY"
    );
    assert_eq!(
        text_at(text, &["policies", "0"]),
        "CREATE POLICY p ON users USING (true)"
    );
    assert_eq!(
        text_at(text, &["roles", "r", "options", "superuser"]),
        "SUPERUSER"
    );
    let table = text_at(text, &["tables", "public.users"]);
    assert!(
        table.starts_with("CREATE TABLE users (") && table.ends_with("PARTITION BY RANGE (id)")
    );
    // a finding on the table points at its first line only
    let (l, _) = load_str(text);
    let focus = l.documents[0]
        .spans
        .resolve(&path(&["tables", "public.users"]))
        .span;
    let file = &l.documents[0].file;
    let (start, end) = (file.pos(focus.start), file.pos(focus.end));
    assert_eq!((start.line, start.column, end.line), (2, 1, 2));
}

#[test]
fn literal_passwords_are_never_kept() {
    let text = "CREATE USER app WITH ENCRYPTED PASSWORD 'hunter2';\nALTER ROLE ops PASSWORD NULL;\nCREATE ROLE v PASSWORD 'SCRAM-SHA-256$4096:abc$def:ghi';\n";
    let m = model(text);
    assert!(!m.to_string().contains("hunter2") && !m.to_string().contains("SCRAM"));
    assert_eq!(
        m["roles"]["app"]["password"],
        serde_json::json!({"literal": true, "hashed": false, "null": false})
    );
    assert_eq!(m["roles"]["app"]["kind"], "user");
    assert_eq!(m["roles"]["app"]["options"]["login"], true);
    assert_eq!(m["roles"]["ops"]["password"]["null"], true);
    assert_eq!(m["roles"]["v"]["password"]["hashed"], true);
    // the span covers the keyword and the value, so that reports can mask the value
    assert_eq!(
        text_at(text, &["roles", "app", "password"]),
        "PASSWORD 'hunter2'"
    );
}

/// A password written as a template's reference or a placeholder is none of the role's: SQL-010
/// reported Flyway's `PASSWORD '${app_password}'`, which the masking rightly left as it is.
#[test]
fn a_placeholder_password_is_no_literal() {
    let m = model(
        "CREATE ROLE a LOGIN PASSWORD '${app_password}';\nCREATE ROLE b PASSWORD '<password>';\nALTER ROLE c PASSWORD 'changeme';\nCREATE ROLE d PASSWORD 'Xk9vQ2mZt7Lp';\n",
    );
    for role in ["a", "b", "c"] {
        assert_eq!(m["roles"][role]["password"]["literal"], false, "{role}");
    }
    assert_eq!(m["roles"]["d"]["password"]["literal"], true);
    // psql's variable, in a statement sqlparser reads and in one it does not
    let text = "CREATE USER app WITH LOGIN PASSWORD :'app_password';\nALTER ROLE ops WITH PASSWORD :'ops_pw' VALID UNTIL 'infinity';\n";
    let (l, _) = load_str(text);
    assert!(
        l.problems.iter().all(|p| p.level == ProblemLevel::Note),
        "{:?}",
        l.problems
    );
    let m = &l.documents[0].value;
    assert_eq!(
        m["roles"]["app"]["password"],
        serde_json::json!({"literal": false, "hashed": false, "null": false})
    );
    assert_eq!(
        text_at(text, &["roles", "app", "password"]),
        "PASSWORD :'app_password'"
    );
    assert_eq!(m["roles"]["ops"]["password"]["literal"], false);
}

#[test]
fn routines_grants_and_partitions() {
    let m = model(
        "CREATE PROCEDURE app.p() LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$ SELECT 1 $$;\n\
         CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END;\n\
         ALTER FUNCTION f() SECURITY DEFINER;\n\
         GRANT ALL ON ALL TABLES IN SCHEMA app TO PUBLIC;\n\
         ALTER DEFAULT PRIVILEGES IN SCHEMA app GRANT SELECT ON TABLES TO reader;\n\
         CREATE TABLE log (at date) PARTITION BY RANGE (at);\n\
         CREATE TABLE log_1 PARTITION OF log FOR VALUES FROM ('2025-01-01') TO ('2025-02-01');\n\
         CREATE TABLE log_d PARTITION OF log DEFAULT;\n\
         DROP TABLE log_1;",
    );
    let p = &m["functions"][0];
    assert_eq!(
        (p["kind"].as_str(), p["security_definer"].as_bool()),
        (Some("procedure"), Some(true))
    );
    assert_eq!(
        p["search_path"],
        serde_json::json!(["pg_catalog", "pg_temp"])
    );
    assert_eq!(m["functions"][1]["security_definer"], true);
    assert!(m["functions"][1].get("search_path").is_none());
    assert_eq!(m["grants"][0]["object_type"], "all_tables_in_schema");
    assert_eq!(m["grants"][1]["default_privileges"], true);
    assert_eq!(
        m["tables"]["public.log"]["partition_by"]["strategy"],
        "range"
    );
    let parts = m["partitions"].as_array().map(Vec::len);
    assert_eq!(
        parts,
        Some(1),
        "the dropped partition is gone: {}",
        m["partitions"]
    );
    assert_eq!(m["partitions"][0]["default"], true);
    assert_eq!(
        m["drops"][0],
        serde_json::json!({"statement": "drop", "table": "public.log_1", "partition": true})
    );
}

#[test]
fn psql_variables_and_copy_data_do_not_break_parsing() {
    let text = "GRANT SELECT ON t TO :reader;\nCOPY t (a) FROM stdin;\nnot; sql; at all\n\\.\nCREATE TABLE after_copy (id int);";
    let (l, _) = load_str(text);
    assert!(
        l.problems.iter().all(|p| p.level == ProblemLevel::Note),
        "{:?}",
        l.problems
    );
    assert!(l.documents[0].value["tables"]["public.after_copy"].is_object());
}

mod never_panics {
    use super::*;
    use proptest::prelude::*;

    const PIECES: &[&str] = &[
        "DO $$ BEGIN ",
        " END $$",
        " THEN ",
        "EXECUTE 'x'",
        "GRANT SELECT (a) ON ",
        "REVOKE GRANT OPTION FOR ALL ON LARGE OBJECT 1 FROM ",
        "ALTER GROUP g ADD USER ",
        "ALTER USER u WITH PASSWORD ",
        "COMMENT ON FUNCTION f(",
        " IS ",
        "CREATE VIEW v WITH (security_invoker",
        " AS SELECT * FROM ",
        " JOIN ",
        "CREATE SCHEMA s CREATE TABLE ",
        "CREATE FUNCTION f(m mood) RETURNS SETOF mood ",
        "'pw'",
        "CREATE TABLE ",
        "ALTER TABLE ",
        "t",
        "(",
        ")",
        ",",
        ";",
        " ",
        "\n",
        "'",
        "\"",
        "$$",
        "$a$",
        "--",
        "/*",
        "*/",
        "BEGIN ATOMIC ",
        "END",
        "CASE ",
        "\\",
        "\\.",
        "COPY t FROM stdin;",
        "ENABLE ROW LEVEL SECURITY",
        "PARTITION OF ",
        "FOR VALUES ",
        "DEFAULT",
        "GRANT ALL ON ",
        " TO PUBLIC",
        "CREATE ROLE r PASSWORD ",
        "E'\\'",
        "é",
        "::",
        ":",
        "CREATE FUNCTION f() ",
        "SECURITY DEFINER ",
        "SET search_path = ",
        "PRIMARY KEY",
        "CHECK (",
        "int",
        "ROWS 5",
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn on_arbitrary_text(text in "\\PC*") {
            let (l, _) = load_str(&text);
            prop_assert_eq!(l.documents.len(), 1);
        }

        #[test]
        fn on_sql_like_text(parts in proptest::collection::vec(0..PIECES.len(), 0..60)) {
            let text: String = parts.iter().map(|&i| PIECES[i]).collect();
            let (l, stats) = load_str(&text);
            prop_assert_eq!(l.documents.len(), 1);
            prop_assert_eq!(stats.statements, stats.parsed + stats.skipped + stats.failed + stats.ignored);
        }
    }
}

#[test]
fn statements_sqlparser_cannot_read_are_modelled() {
    let text = "\
CREATE TYPE mood AS ENUM ('a', 'b');
CREATE FUNCTION app.f(m mood, n int) RETURNS SETOF mood LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$ SELECT m $$;
COMMENT ON FUNCTION app.f(mood, int) IS 'the f';
GRANT SELECT (id, email), UPDATE (email) ON TABLE users TO app;
GRANT ALL (id) ON users TO app;
GRANT USAGE ON LANGUAGE plperl TO PUBLIC;
GRANT SELECT ON LARGE OBJECT 1234 TO reader;
ALTER GROUP staff ADD USER alice, bob;
ALTER USER alice WITH SUPERUSER PASSWORD 'pw';
ALTER DEFAULT PRIVILEGES FOR ROLE owner IN SCHEMA app GRANT SELECT ON TABLES TO app;
GRANT pg_read_all_data, staff TO carol WITH ADMIN OPTION GRANTED BY postgres;
";
    let (l, stats) = load_str(text);
    assert!(
        l.problems.iter().all(|p| p.level == ProblemLevel::Note),
        "{:?}",
        l.problems
    );
    assert_eq!((stats.parsed, stats.failed), (stats.statements, 0));
    let m = &l.documents[0].value;
    let f = &m["functions"][0];
    assert_eq!(
        (
            &f["name"],
            &f["args"],
            &f["security_definer"],
            &f["search_path"]
        ),
        (
            &serde_json::json!("app.f"),
            &serde_json::json!("m mood, n int"),
            &serde_json::json!(true),
            &serde_json::json!(["pg_catalog", "pg_temp"])
        )
    );
    assert_eq!(m["comments"][0]["name"], "app.f");
    assert_eq!(m["comments"][0]["object_type"], "function");
    assert_eq!(
        m["grants"][0]["columns"],
        serde_json::json!({"select": ["id", "email"], "update": ["email"]})
    );
    assert_eq!(
        m["grants"][1]["columns"],
        serde_json::json!({"all": ["id"]})
    );
    assert_eq!(m["grants"][2]["object_type"], "language");
    assert_eq!(m["grants"][2]["grantees"], serde_json::json!(["public"]));
    assert_eq!(m["grants"][3]["object_type"], "large_object");
    assert_eq!(m["grants"][3]["objects"], serde_json::json!(["1234"]));
    assert_eq!(m["grants"][4]["object_type"], "role");
    assert_eq!(m["grants"][4]["objects"], serde_json::json!(["staff"]));
    assert_eq!(
        m["grants"][4]["grantees"],
        serde_json::json!(["alice", "bob"])
    );
    assert_eq!(m["roles"]["alice"]["options"]["superuser"], true);
    assert_eq!(m["roles"]["alice"]["password"]["literal"], true);
    assert_eq!(m["grants"][5]["for_roles"], serde_json::json!(["owner"]));
    assert_eq!(m["grants"][6]["object_type"], "role");
    assert_eq!(
        m["grants"][6]["objects"],
        serde_json::json!(["pg_read_all_data", "staff"])
    );
    assert_eq!(m["grants"][6]["grantees"], serde_json::json!(["carol"]));
    assert_eq!(m["grants"][6]["with_grant_option"], true);
    assert_eq!(
        text_at(text, &["roles", "alice", "password"]),
        "PASSWORD 'pw'"
    );
}

#[test]
fn do_blocks_are_read_for_their_ddl() {
    let text = "\
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'svc') THEN
    CREATE ROLE svc LOGIN PASSWORD 'secret';
  END IF;
  GRANT ALL ON TABLE public.t TO svc;
  EXECUTE format('GRANT SELECT ON %I TO svc', current_setting('app.table'));
EXCEPTION WHEN duplicate_object THEN NULL;
END
$$;
";
    let (l, stats) = load_str(text);
    let m = &l.documents[0].value;
    assert_eq!(m["roles"]["svc"]["options"]["login"], true);
    assert_eq!(m["grants"][0]["privileges"], serde_json::json!(["all"]));
    assert_eq!(
        text_at(text, &["roles", "svc", "password"]),
        "PASSWORD 'secret'"
    );
    let messages: Vec<String> = l.problems.iter().map(|p| p.to_string()).collect();
    assert_eq!(
        messages,
        [
            "db/t.sql:1:1: DO statement: 1 dynamic EXECUTE statement(s) not modelled (their text is built at run time)"
        ]
    );
    assert_eq!((stats.statements, stats.parsed), (1, 1));
}

/// wild37: `EXECUTE '<statement>'` with a constant text runs that statement as surely as a
/// plain one: it is read, at its place in the file (a doubled quote `''` is one quote, and the
/// lines stay the file's); a text built by `format` from a variable is still only noted.
#[test]
fn do_blocks_read_the_constant_text_of_execute() {
    let text = "\
DO $$
DECLARE t text := 'x';
BEGIN
  EXECUTE 'GRANT SELECT ON public.accounts TO PUBLIC';
  IF true THEN EXECUTE 'CREATE ROLE loader LOGIN
      PASSWORD ''s3cr3t-Pw'' BYPASSRLS'; END IF;
  EXECUTE $q$ALTER TABLE public.accounts ENABLE ROW LEVEL SECURITY$q$;
  EXECUTE format('CREATE TABLE %I (id int)', t);
  EXECUTE 'GRANT ALL ON ' || t || ' TO PUBLIC';
END
$$;
";
    let (l, _) = load_str(text);
    let m = &l.documents[0].value;
    assert_eq!(m["grants"][0]["grantees"], serde_json::json!(["public"]));
    assert_eq!(
        text_at(text, &["grants", "0"]),
        "GRANT SELECT ON public.accounts TO PUBLIC"
    );
    assert_eq!(m["roles"]["loader"]["options"]["bypassrls"], true);
    assert_eq!(m["roles"]["loader"]["password"]["literal"], true);
    assert_eq!(
        text_at(text, &["roles", "loader", "options", "bypassrls"]),
        "BYPASSRLS"
    );
    assert_eq!(
        text_at(text, &["roles", "loader", "password"]),
        "PASSWORD ''s3cr3t-Pw'"
    );
    assert_eq!(m["tables"]["public.accounts"]["rls"]["enabled"], true);
    assert_eq!(m["grants"].as_array().map(Vec::len), Some(1));
    let messages: Vec<String> = l.problems.iter().map(|p| p.to_string()).collect();
    assert_eq!(
        messages,
        [
            "db/t.sql:1:1: DO statement: 2 dynamic EXECUTE statement(s) not modelled (their text is built at run time)"
        ]
    );
}

/// wild41: `EXECUTE format(…)` whose template is a constant and whose arguments are constants
/// or the variable of a loop over constants runs statements as certain as written ones: they
/// are read, and every node they yield points at the `EXECUTE` (their text is not in the
/// file). `%I` quotes as PostgreSQL does; a loop over a query stays a note.
#[test]
fn do_blocks_read_format_over_loops_of_constants() {
    let text = "\
CREATE TABLE tenant_domains (id int PRIMARY KEY);
DO $$
DECLARE tbl text;
BEGIN
  FOREACH tbl IN ARRAY ARRAY['tenant_domains', 'Audit'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', tbl);
  END LOOP;
  FOR t IN SELECT unnest(ARRAY['a']) LOOP
    EXECUTE format('GRANT SELECT ON %I.%I TO %s', 'app', t, 'reader');
  END LOOP;
  FOR r IN SELECT tablename FROM pg_tables LOOP
    EXECUTE format('GRANT ALL ON %I TO PUBLIC', r.tablename);
  END LOOP;
END
$$;
";
    let (l, _) = load_str(text);
    let m = &l.documents[0].value;
    assert_eq!(m["tables"]["public.tenant_domains"]["rls"]["enabled"], true);
    assert_eq!(m["tables"]["public.Audit"]["rls"]["enabled"], true);
    assert_eq!(
        text_at(text, &["tables", "public.tenant_domains", "rls", "enabled"]),
        "EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', tbl)"
    );
    assert_eq!(m["grants"][0]["grantees"], serde_json::json!(["reader"]));
    assert_eq!(m["grants"].as_array().map(Vec::len), Some(1));
    assert_eq!(
        text_at(text, &["grants", "0"]),
        "EXECUTE format('GRANT SELECT ON %I.%I TO %s', 'app', t, 'reader')"
    );
    let messages: Vec<String> = l.problems.iter().map(|p| p.to_string()).collect();
    assert_eq!(
        messages,
        [
            "db/t.sql:2:1: DO statement: 1 dynamic EXECUTE statement(s) not modelled (their text is built at run time)"
        ]
    );
}

/// `DO LANGUAGE 'plpgsql' $$ … $$` names its language before the body, as a string (wild21:
/// a pg_partman migration): the body is the dollar-quoted string, not the language's name.
#[test]
fn do_blocks_naming_their_language_first_are_read() {
    let text = "\
DO LANGUAGE 'plpgsql' $$DECLARE
  v text;
BEGIN
  SELECT extversion INTO v FROM pg_extension WHERE extname = 'pg_partman';
  IF v like '5.%' THEN
    CREATE ROLE partman_user LOGIN PASSWORD 'secret';
  END IF;
END$$;
";
    let (l, _) = load_str(text);
    let m = &l.documents[0].value;
    assert_eq!(m["roles"]["partman_user"]["options"]["login"], true);
    let messages: Vec<String> = l.problems.iter().map(|p| p.to_string()).collect();
    assert!(messages.is_empty(), "{messages:?}");
}

#[test]
fn deeply_nested_statements_never_overflow_the_stack() {
    let deep =
        |open: &str, close: &str| format!("{}1{}", open.repeat(100_000), close.repeat(100_000));
    for text in [
        format!("DO $$ BEGIN PERFORM {}; END $$;", deep("(", ")")),
        format!("CREATE VIEW v AS SELECT {};", deep("(", ")")),
        format!("GRANT SELECT ({}) ON t TO u;", deep("(", ")")),
        format!(
            "CREATE FUNCTION f() RETURNS int AS $$ SELECT {} $$ LANGUAGE sql;",
            deep("(", ")")
        ),
        format!("ALTER TABLE t ADD CHECK {};", deep("(", ")")),
        format!(
            "CREATE FUNCTION f(m mood) RETURNS SETOF mood LANGUAGE sql AS $$ SELECT {} $$;",
            deep("(", ")")
        ),
        format!("COMMENT ON FUNCTION f(int) IS '{}';", deep("(", ")")),
    ] {
        // on a thread with a small stack, as rayon's workers have
        let handle = std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || {
                let text = format!("{text}\nCREATE ROLE r LOGIN PASSWORD 's3cr3t-pw';\n");
                model(&text)["roles"]["r"]["password"]["literal"].clone()
            })
            .expect("thread");
        assert_eq!(handle.join().expect("no overflow"), true);
    }
}

#[test]
fn dropped_roles_keep_their_literal_password() {
    let m = model(
        "CREATE ROLE tmp LOGIN PASSWORD 's3cr3t-pw';\nDROP ROLE tmp;\nCREATE ROLE other;\nDROP ROLE other;",
    );
    assert!(m["roles"].as_object().is_some_and(|r| r.is_empty()));
    assert_eq!(m["dropped_roles"]["tmp"]["password"]["literal"], true);
    assert!(m["dropped_roles"].get("other").is_none());
}

#[test]
fn views_with_their_security_options_and_tables() {
    let text = "\
CREATE VIEW v WITH (security_invoker = true, security_barrier) AS
  WITH recent AS (SELECT * FROM app.orders) SELECT * FROM recent r JOIN users u ON u.id = r.uid, generate_series(1, 2) g;
CREATE MATERIALIZED VIEW mv AS SELECT count(*) FROM app.orders;
ALTER VIEW v SET (security_invoker = false);
CREATE VIEW w AS SELECT 1 FROM t WITH LOCAL CHECK OPTION;
";
    let m = model(text);
    let v = &m["views"]["public.v"];
    assert_eq!(v["security_invoker"], false);
    assert_eq!(v["security_barrier"], true);
    assert_eq!(
        v["reads"],
        serde_json::json!(["app.orders", "public.users"])
    );
    assert_eq!(m["views"]["public.mv"]["materialized"], true);
    assert_eq!(m["views"]["public.w"]["check_option"], "local");
    assert_eq!(
        text_at(text, &["views", "public.v", "security_invoker"]),
        "security_invoker = false"
    );
}

#[test]
fn schema_elements_and_postgres_18_table_syntax() {
    let text = "\
CREATE SCHEMA app AUTHORIZATION owner CREATE TABLE t (id int PRIMARY KEY) GRANT SELECT ON t TO reader;
CREATE TABLE p (id int, valid daterange, PRIMARY KEY (id, valid WITHOUT OVERLAPS), c int NOT NULL NO INHERIT);
CREATE TABLE g (a int, b int GENERATED ALWAYS AS (a * 2) VIRTUAL);
";
    let (l, stats) = load_str(text);
    assert!(l.problems.is_empty(), "{:?}", l.problems);
    assert_eq!(stats.failed, 0);
    let m = &l.documents[0].value;
    assert_eq!(m["schemas"]["app"]["authorization"], "owner");
    assert!(m["tables"]["app.t"].is_object());
    assert_eq!(m["grants"][0]["objects"], serde_json::json!(["app.t"]));
    assert_eq!(
        m["tables"]["public.p"]["primary_key"],
        serde_json::json!(["id", "valid"])
    );
    assert_eq!(m["tables"]["public.g"]["columns"]["b"]["generated"], true);
}

#[test]
fn syntax_errors_point_at_the_error_and_valid_unread_statements_are_notes() {
    let text =
        "CREATE TABLE a (id int)\nCREATE TABLE b (id int);\nALTER SEQUENCE s OWNED BY a.id;\n";
    let (l, stats) = load_str(text);
    let messages: Vec<String> = l.problems.iter().map(|p| p.to_string()).collect();
    assert_eq!(
        messages,
        [
            "db/t.sql:1:24: syntax error in CREATE TABLE statement: Missing semicolon between statements",
            "db/t.sql:3:1: ALTER SEQUENCE statement skipped: not modelled (no SQL rule reads it)",
        ]
    );
    assert_eq!((stats.failed, stats.skipped), (1, 1));
}

/// `RUNEGUARD_SQL_DUMP=file.sql cargo test --lib dump_model -- --ignored --nocapture`
#[test]
#[ignore]
fn dump_model() {
    let Ok(path) = std::env::var("RUNEGUARD_SQL_DUMP") else {
        return;
    };
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let file = SourceFile::new(path, None, text);
    let (l, stats) = load_with_stats(&file);
    for p in &l.problems {
        println!("{p}");
    }
    println!("{stats:?}");
    for d in &l.documents {
        println!(
            "{}",
            serde_json::to_string_pretty(&d.value).unwrap_or_default()
        );
    }
}

/// Statement statistics over a folder of `.sql` files (scripts/corpus-sql.sh):
/// `RUNEGUARD_SQL_CORPUS=dir cargo test --release --lib sql_corpus_stats -- --ignored --nocapture`
#[test]
#[ignore]
fn sql_corpus_stats() {
    let Ok(root) = std::env::var("RUNEGUARD_SQL_CORPUS") else {
        return;
    };
    let mut files = Vec::new();
    let mut stack = vec![std::path::PathBuf::from(root)];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "sql") {
                files.push(p);
            }
        }
    }
    files.sort();
    let mut total = SqlStats::default();
    let mut bytes = 0usize;
    let mut texts = Vec::new();
    for p in &files {
        let text = std::fs::read_to_string(p).unwrap_or_default();
        bytes += text.len();
        texts.push(SourceFile::new(p.display().to_string(), None, text));
    }
    let t0 = std::time::Instant::now();
    for f in &texts {
        let (_, s) = load_with_stats(f);
        total.statements += s.statements;
        total.parsed += s.parsed;
        total.skipped += s.skipped;
        total.failed += s.failed;
        total.ignored += s.ignored;
        total.meta_commands += s.meta_commands;
    }
    let secs = t0.elapsed().as_secs_f64();
    println!("files {} bytes {bytes} {total:?}", files.len());
    println!(
        "load: {secs:.3}s, {:.1} MB/s, {:.0} statements/s (one thread)",
        bytes as f64 / 1e6 / secs,
        total.statements as f64 / secs
    );
}

#[test]
fn like_copies_the_columns_and_what_its_options_include() {
    let text = "CREATE TABLE audit_log (id bigint PRIMARY KEY, actor text NOT NULL,\n\
                  at timestamptz DEFAULT now() CHECK (at > '2000-01-01'), ref int REFERENCES u (id),\n\
                  CONSTRAINT one_actor UNIQUE (actor));\n\
                CREATE TABLE audit_copy (LIKE audit_log INCLUDING ALL EXCLUDING DEFAULTS);\n\
                CREATE TABLE audit_bare (LIKE public.audit_log);\n\
                CREATE TABLE elsewhere (LIKE not_in_this_file INCLUDING ALL);\n";
    let m = model(text);
    let copy = &m["tables"]["public.audit_copy"];
    let names: Vec<&str> = copy["columns"]
        .as_object()
        .map(|c| c.keys().map(String::as_str).collect())
        .unwrap_or_default();
    assert_eq!(names, ["id", "actor", "at", "ref"]);
    // INCLUDING ALL copies the primary key, unique and CHECK constraints; defaults were excluded
    // and foreign keys are never copied
    assert_eq!(copy["primary_key"], serde_json::json!(["id"]));
    assert_eq!(copy["columns"]["actor"]["not_null"], true);
    assert_eq!(copy["columns"]["at"]["default"], Value::Null);
    assert_eq!(
        copy["columns"]["at"]["checks"].as_array().map(Vec::len),
        Some(1)
    );
    assert_eq!(copy["columns"]["ref"]["references"], Value::Null);
    let kinds: Vec<&str> = copy["constraints"]
        .as_array()
        .map(|c| c.iter().filter_map(|k| k["type"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(kinds, ["unique"]);
    // no option: names, types and NOT NULL only
    let bare = &m["tables"]["public.audit_bare"];
    assert_eq!(bare["primary_key"], Value::Null);
    assert_eq!(bare["columns"]["id"]["primary_key"], false);
    assert_eq!(bare["columns"]["actor"]["not_null"], true);
    assert_eq!(bare["columns"]["at"]["type"], "timestamptz");
    assert_eq!(bare["columns"]["at"]["checks"], serde_json::json!([]));
    assert_eq!(bare["constraints"], serde_json::json!([]));
    // a copied column points at the LIKE clause that brought it
    assert_eq!(
        text_at(text, &["tables", "public.audit_copy", "columns", "actor"]),
        "LIKE audit_log INCLUDING ALL EXCLUDING DEFAULTS"
    );
    // a table the file does not create: nothing to copy, as before
    assert_eq!(
        m["tables"]["public.elsewhere"]["columns"],
        serde_json::json!({})
    );
}

/// Identity columns naming their sequence (`GENERATED ALWAYS AS IDENTITY (SEQUENCE NAME
/// s.seq …)`, written by hand and by pg_dump): the statement was an error, its table unread
/// (wild23, a dbmate migration).
#[test]
fn identity_columns_naming_their_sequence_are_read() {
    let text = "\
CREATE TABLE swoop.thread (
  created_at timestamptz NOT NULL,
  lock_id integer GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME swoop.thread_lock_id_seq
    MINVALUE -2147483648
    START WITH 1
    CYCLE
  ),
  note text
) PARTITION BY RANGE (created_at);
CREATE TABLE \"Q\" (id bigint GENERATED BY DEFAULT AS IDENTITY (SEQUENCE NAME \"Q_id_seq\" START WITH 1 INCREMENT BY 1) PRIMARY KEY);
";
    let (l, stats) = load_str(text);
    assert!(l.problems.is_empty(), "{:?}", l.problems);
    assert_eq!(stats.failed, 0);
    let m = &l.documents[0].value;
    assert!(m["tables"]["swoop.thread"]["columns"]["note"].is_object());
    assert_eq!(
        m["tables"]["public.Q"]["primary_key"],
        serde_json::json!(["id"])
    );
}

/// `CREATE TABLE … WITHOUT OIDS` (PostgreSQL still accepts it for backward compatibility) was an
/// error and its table unchecked (wild23, an exam schema).
#[test]
fn tables_declared_without_oids_are_read() {
    let text =
        "CREATE TABLE employees (\n  email text primary key,\n  lastname text\n) WITHOUT oids;\n";
    let (l, stats) = load_str(text);
    assert!(l.problems.is_empty(), "{:?}", l.problems);
    assert_eq!(stats.failed, 0);
    let m = &l.documents[0].value;
    assert_eq!(
        m["tables"]["public.employees"]["primary_key"],
        serde_json::json!(["email"])
    );
}

/// wild25: `ALTER COLUMN type SET STORAGE external` (a column named `type`) was read as a
/// change of type, which the SQL reader then failed to parse: an error (exit 2) for a
/// statement PostgreSQL accepts and no rule reads.
#[test]
fn a_column_named_type_or_null_is_no_type_or_nullability_change() {
    let text = "CREATE TABLE audit_log (name text, type text, props jsonb);\nALTER TABLE audit_log\n  ALTER COLUMN name SET STORAGE external,\n  ALTER COLUMN type SET STORAGE external,\n  ALTER type SET STATISTICS 100;\nALTER TABLE audit_log ALTER COLUMN type SET NOT NULL;\n";
    let (l, stats) = load_str(text);
    let errors: Vec<String> = l
        .problems
        .iter()
        .filter(|p| p.level == ProblemLevel::Error)
        .map(|p| p.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(stats.failed, 0);
    let m = &l.documents[0].value;
    assert_eq!(
        m["tables"]["public.audit_log"]["columns"]["type"]["not_null"],
        true
    );
}

/// wild41: valid PostgreSQL that was a "cannot model" error (PostgreSQL's regression SQL):
/// `NOT NULL column` table constraints (PostgreSQL 18) in the list and added by ALTER TABLE,
/// `CHECK … NOT VALID` in the list, `LIKE` beside other elements, an operator class in a
/// partition key, `ON DELETE SET NULL (column)`, `SYSID`.
#[test]
fn valid_table_forms_of_postgresql_are_modelled() {
    let text = "\
CREATE TABLE parent (id int PRIMARY KEY, actor text);
CREATE TABLE t (a int, b text, CONSTRAINT a_nn NOT NULL a, NOT NULL b NO INHERIT,
  CONSTRAINT ck CHECK (a > 0) NOT VALID);
ALTER TABLE parent ADD CONSTRAINT actor_nn NOT NULL actor NOT VALID;
CREATE TABLE arch (LIKE parent INCLUDING ALL, archived_at timestamptz, LIKE t);
CREATE TABLE p (a point) PARTITION BY LIST (a point_ops);
CREATE TABLE fk (id int, pid int, FOREIGN KEY (id, pid) REFERENCES parent ON DELETE SET NULL (pid));
CREATE ROLE r SYSID 12 LOGIN;
";
    let (l, stats) = load_str(text);
    let messages: Vec<String> = l.problems.iter().map(|p| p.to_string()).collect();
    assert_eq!(messages, Vec::<String>::new());
    assert_eq!(stats.failed, 0);
    let m = &l.documents[0].value;
    let t = &m["tables"]["public.t"];
    assert_eq!(t["columns"]["a"]["not_null"], true);
    assert_eq!(t["columns"]["b"]["not_null"], true);
    assert_eq!(
        text_at(text, &["tables", "public.t", "constraints", "0"]),
        "CONSTRAINT ck CHECK (a > 0) NOT VALID"
    );
    assert_eq!(
        m["tables"]["public.parent"]["columns"]["actor"]["not_null"],
        true
    );
    let arch = &m["tables"]["public.arch"];
    for c in ["id", "actor", "archived_at", "a", "b"] {
        assert!(arch["columns"][c].is_object(), "{c}: {arch}");
    }
    assert_eq!(arch["primary_key"], serde_json::json!(["id"]));
    assert!(m["tables"]["public.p"].is_object());
    assert!(m["tables"]["public.fk"].is_object());
    assert_eq!(m["roles"]["r"]["options"]["login"], true);
}

/// sql37: the down sections of Play's evolutions (`# --- !Downs`), micrate (`-- +micrate
/// Down`) and MyBatis Migrations/dbdeploy (`-- //@UNDO`) are rollbacks; Play's `#` lines are
/// blanks (they were an operator to the lexer: the marker and the statement after it were one
/// syntax error), and the lines a `--` comment or a word only starting with `!Ups` holds change
/// nothing.
#[test]
fn other_tools_down_sections_are_rollbacks() {
    for text in [
        "# Users schema\n\n# --- !Ups\n\nCREATE TABLE users (id int PRIMARY KEY, email text);\n\n# --- !Downs\n\nDROP TABLE users;",
        "-- !Ups\nCREATE TABLE users (id int PRIMARY KEY, email text);\n-- !Downs\nDROP TABLE users;\n",
        "-- +micrate Up\nCREATE TABLE users (id int PRIMARY KEY, email text);\n\n-- +micrate Down\nDROP TABLE users;\n",
        "-- // create users\nCREATE TABLE users (id int PRIMARY KEY, email text);\n\n--//@UNDO\nDROP TABLE users;\n",
    ] {
        let (l, stats) = load_str(text);
        let m = &l.documents[0].value;
        assert!(m["tables"]["public.users"].is_object(), "{text}: {m}");
        assert_eq!(stats.failed, 0, "{text}");
        assert!(
            l.problems
                .iter()
                .all(|p| p.message.starts_with("rollback section")),
            "{text}: {:?}",
            l.problems
        );
    }
    assert_eq!(migration_direction("-- fixes !Upstream parsing"), None);
    assert_eq!(migration_direction("# --- !Ups"), Some(true));
    assert_eq!(migration_direction("-- // @UNDO"), Some(false));
    // a `#` line with no marker before it is no Play evolution's: the lexer reads it as before
    assert!(play_evolution_blanked("SELECT 1 # 2;\n").is_none());
    let blanked = play_evolution_blanked("# note\n# --- !Ups\nSELECT 1;\n").expect("Play");
    assert_eq!(blanked, "      \n          \nSELECT 1;\n");
}

/// sql37: a script's psql includes, with the search path in effect at each.
#[test]
fn psql_includes_are_listed_with_their_search_path() {
    let text = "\\set QUIET on\nbegin;\n\\ir libs/settings.sql\nset search_path = data, public;\n\\i 'todo.sql'\n\\include_relative \"x y.sql\"\n\\echo done\n";
    let got = psql_includes(text);
    let got: Vec<(&str, bool, Option<&str>)> = got
        .iter()
        .map(|(_, t, r, s)| (t.as_str(), *r, s.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            ("libs/settings.sql", true, None),
            ("todo.sql", false, Some("data")),
            ("x y.sql", true, Some("data")),
        ]
    );
    assert!(psql_includes("CREATE TABLE t (id int);\n").is_empty());
}
