//! PostgreSQL DDL → schema model with spans (the model is described in docs/sql-model.md).
//!
//! A file is split into statements by a small lexer that knows quotes, dollar quotes, comments,
//! `BEGIN ATOMIC` bodies and psql meta-commands, so one bad statement never hides the others.
//! Each statement is parsed by `sqlparser` (PostgreSQL dialect) and applied in order to one
//! model per file: a later `ALTER TABLE ... ENABLE ROW LEVEL SECURITY` counts. Spans come from
//! the lexer's byte offsets, so every table, column, constraint, policy, grant, role and
//! function points at its own text.

mod apply;
mod lex;
mod model;
mod node;
mod recover;
mod stmt;
mod tables;

use crate::input::{Document, InputType, Loaded};
use crate::source::span::Span;
use crate::source::{Problem, SourceFile};
use lex::{Kind, Piece, Tok, starts_with_words};
use recover::Verdict;
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;
use std::sync::Arc;
use stmt::Stmt;

/// How the statements of a file fared (for corpus statistics and tests).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct SqlStats {
    pub statements: usize,
    /// Parsed by sqlparser (and applied to the model when relevant).
    pub parsed: usize,
    /// Not parsed, of a kind the model does not use: skipped with a note.
    pub skipped: usize,
    /// Not parsed, of a kind the model uses: reported as an error.
    pub failed: usize,
    /// Queries and data changes (`SELECT`, `INSERT` …): they cannot change the schema, so they
    /// are not parsed (`SELECT set_config('search_path', …)` is read before).
    pub ignored: usize,
    pub meta_commands: usize,
}

/// Loads one `.sql` file as one schema document.
pub fn load(file: &Arc<SourceFile>) -> Loaded {
    load_with_stats(file).0
}

/// The byte ranges `[start, end)` of the statements of a PostgreSQL file, as runeguard splits
/// them (psql meta-commands and `COPY` data left out; the `;` excluded). For benchmarks and
/// the oracle scripts (`examples/sql_frontends.rs`).
pub fn statement_ranges(src: &str) -> Vec<(usize, usize)> {
    lex::split(src)
        .into_iter()
        .filter_map(|p| match p {
            Piece::Stmt { start, end, .. } => Some((start, end)),
            Piece::Meta { .. } => None,
        })
        .collect()
}

/// Statement kinds the model is built from: when one of them cannot be parsed, the file is
/// not fully checked (an error). Anything else that cannot be parsed is skipped with a note.
const MODELLED: &[&[&str]] = &[
    &["CREATE", "TABLE"],
    &["ALTER", "TABLE"],
    &["CREATE", "POLICY"],
    &["ALTER", "POLICY"],
    &["DROP", "POLICY"],
    &["GRANT"],
    &["REVOKE"],
    &["CREATE", "ROLE"],
    &["CREATE", "USER"],
    &["CREATE", "GROUP"],
    &["ALTER", "ROLE"],
    &["ALTER", "USER"],
    &["ALTER", "GROUP"],
    &["CREATE", "FUNCTION"],
    &["CREATE", "PROCEDURE"],
    &["ALTER", "FUNCTION"],
    &["ALTER", "PROCEDURE"],
    &["ALTER", "ROUTINE"],
    &["CREATE", "SCHEMA"],
    &["CREATE", "EXTENSION"],
    &["DROP", "TABLE"],
    &["TRUNCATE"],
    &["ALTER", "DEFAULT", "PRIVILEGES"],
];

/// Kinds read from their tokens when PostgreSQL accepts them, besides the modelled ones.
const READ_WHEN_VALID: &[&[&str]] = &[
    &["DO"],
    &["COMMENT"],
    &["CREATE", "VIEW"],
    &["CREATE", "MATERIALIZED"],
    &["CREATE", "RECURSIVE"],
    &["ALTER", "VIEW"],
    &["ALTER", "MATERIALIZED"],
];

fn is_modelled(src: &str, toks: &[Tok]) -> bool {
    !is_role_config(src, toks)
        && MODELLED
            .iter()
            .any(|words| starts_with_words(src, toks, words))
}

/// The first words of a statement, for messages: `CREATE TABLE`, `ALTER DEFAULT PRIVILEGES`.
fn kind_label(src: &str, toks: &[Tok]) -> String {
    let words: Vec<String> = toks
        .iter()
        .take_while(|t| t.kind == Kind::Word)
        .take(3)
        .map(|t| t.text(src).to_uppercase())
        .collect();
    let n = match words.first().map(String::as_str) {
        Some("CREATE" | "ALTER" | "DROP") => {
            let skip = [
                "OR",
                "REPLACE",
                "TEMP",
                "TEMPORARY",
                "UNLOGGED",
                "UNIQUE",
                "MATERIALIZED",
                "DEFAULT",
                "EVENT",
                "FOREIGN",
                "TEXT",
            ];
            if words.get(1).is_some_and(|w| skip.contains(&w.as_str())) {
                3
            } else {
                2
            }
        }
        _ => 1,
    };
    let label = words.into_iter().take(n).collect::<Vec<_>>().join(" ");
    if label.is_empty() {
        "this".into()
    } else {
        label
    }
}

/// Same-length rewrites of PostgreSQL syntax that sqlparser reads differently; spans are kept.
/// Returns the text to parse and whether `CREATE USER` was read as `CREATE ROLE`.
fn rewrite(src: &str, start: usize, end: usize, toks: &[Tok]) -> (String, bool) {
    let mut sql = src.get(start..end).unwrap_or("").to_string();
    let mut put = |t: &Tok, with: &str| {
        let (a, b) = (t.start - start, t.end - start);
        if with.len() == b - a && sql.is_char_boundary(a) && sql.is_char_boundary(b) {
            sql.replace_range(a..b, with);
        }
    };
    let mut as_user = false;
    let word = |i: usize| toks.get(i).filter(|t| t.kind == Kind::Word);
    if let (Some(c), Some(u)) = (word(0), word(1))
        && c.is(src, "CREATE")
        && u.is(src, "USER")
        && !word(2).is_some_and(|m| m.is(src, "MAPPING"))
    {
        put(u, "ROLE");
        as_user = true;
    }
    // ALTER USER is ALTER ROLE in PostgreSQL (sqlparser reads another dialect's ALTER USER)
    if let (Some(a), Some(u)) = (word(0), word(1))
        && a.is(src, "ALTER")
        && u.is(src, "USER")
        && !word(2).is_some_and(|m| m.is(src, "MAPPING"))
    {
        put(u, "ROLE");
    }
    // generated columns `GENERATED ALWAYS AS (expr) VIRTUAL` (PostgreSQL 18): read as STORED,
    // which the model does not tell apart
    if starts_with_words(src, toks, &["CREATE", "TABLE"])
        || starts_with_words(src, toks, &["ALTER", "TABLE"])
    {
        for (i, t) in toks.iter().enumerate() {
            if t.is(src, "VIRTUAL") && i > 0 && toks[i - 1].kind == Kind::RParen {
                put(t, "STORED ");
            }
        }
    }
    // constraint and column options that change nothing the model holds: temporal keys
    // `(a, b WITHOUT OVERLAPS)` and `(a, PERIOD b)` (PostgreSQL 18), `NO INHERIT`,
    // `[NOT] ENFORCED`, `COMPRESSION method`
    if starts_with_words(src, toks, &["CREATE", "TABLE"])
        || starts_with_words(src, toks, &["ALTER", "TABLE"])
    {
        let blank = |t: &Tok| " ".repeat(t.end - t.start);
        for (i, t) in toks.iter().enumerate() {
            let next = toks.get(i + 1);
            let prev = i.checked_sub(1).map(|p| &toks[p]);
            if (t.is(src, "WITHOUT") && next.is_some_and(|n| n.is(src, "OVERLAPS")))
                || (t.is(src, "NO") && next.is_some_and(|n| n.is(src, "INHERIT")))
                || (t.is(src, "COMPRESSION") && next.is_some_and(|n| n.kind == Kind::Word))
            {
                put(t, &blank(t));
                if let Some(n) = next {
                    put(n, &blank(n));
                }
            } else if t.is(src, "PERIOD")
                && prev.is_some_and(|p| p.kind == Kind::Comma)
                && next.is_some_and(|n| matches!(n.kind, Kind::Word | Kind::Quoted))
            {
                put(t, &blank(t));
            } else if t.is(src, "ENFORCED") {
                put(t, &blank(t));
                if let Some(p) = prev.filter(|p| p.is(src, "NOT")) {
                    put(p, &blank(p));
                }
            }
        }
    }
    // CREATE [OR REPLACE] PROCEDURE: sqlparser's PostgreSQL procedure syntax lacks routine
    // options (SECURITY DEFINER, SET ...); a procedure is read as a function that returns nothing.
    let proc_at = if word(1).is_some_and(|t| t.is(src, "OR")) {
        3
    } else {
        1
    };
    if word(0).is_some_and(|t| t.is(src, "CREATE"))
        && let Some(p) = word(proc_at).filter(|t| t.is(src, "PROCEDURE"))
    {
        put(p, "FUNCTION ");
    }
    let is_role_stmt = word(0).is_some_and(|t| t.is(src, "CREATE") || t.is(src, "ALTER"))
        && word(1).is_some_and(|t| t.is(src, "ROLE") || t.is(src, "USER") || t.is(src, "GROUP"));
    if is_role_stmt {
        for w in toks.windows(2) {
            if (w[0].is(src, "ENCRYPTED") || w[0].is(src, "UNENCRYPTED"))
                && w[1].is(src, "PASSWORD")
            {
                let blank = " ".repeat(w[0].end - w[0].start);
                put(&w[0], &blank);
            }
        }
    }
    // LIKE parent INCLUDING ALL / EXCLUDING ...: the options do not change the columns we see.
    if starts_with_words(src, toks, &["CREATE", "TABLE"]) {
        for w in toks.windows(2) {
            if (w[0].is(src, "INCLUDING") || w[0].is(src, "EXCLUDING")) && w[1].kind == Kind::Word {
                put(&w[0], &" ".repeat(w[0].end - w[0].start));
                put(&w[1], &" ".repeat(w[1].end - w[1].start));
            }
        }
    }
    // routine option `ROWS n` (estimated rows of a set-returning function), unknown to sqlparser
    if starts_with_words(src, toks, &["CREATE", "FUNCTION"]) {
        for w in toks.windows(2) {
            if w[0].is(src, "ROWS")
                && w[1].kind == Kind::Other
                && w[1].text(src).bytes().all(|b| b.is_ascii_digit())
            {
                put(&w[0], &" ".repeat(w[0].end - w[0].start));
                put(&w[1], &" ".repeat(w[1].end - w[1].start));
            }
        }
    }
    // psql variables `:name` / `:"name"` read as the variable's name (`:'name'`, a string, is
    // left alone so that a password given as a variable is not taken for a literal)
    for (i, t) in toks.iter().enumerate() {
        let next = toks.get(i + 1);
        let prev = i.checked_sub(1).and_then(|p| toks.get(p));
        let is_colon = t.kind == Kind::Other && t.text(src) == ":";
        let cast = prev.is_some_and(|p| p.end == t.start && p.text(src) == ":")
            || next.is_some_and(|n| n.text(src) == ":");
        if is_colon
            && !cast
            && next.is_some_and(|n| n.start == t.end && matches!(n.kind, Kind::Word | Kind::Quoted))
        {
            put(t, " ");
        }
    }
    (sql, as_user)
}

/// `ALTER ROLE r [IN DATABASE d] SET/RESET ...`: a role's session settings, not its attributes.
fn is_role_config(src: &str, toks: &[Tok]) -> bool {
    let role_stmt = ["ROLE", "USER", "GROUP"]
        .iter()
        .any(|w| starts_with_words(src, toks, &["ALTER", w]));
    role_stmt
        && toks
            .iter()
            .skip(2)
            .any(|t| t.is(src, "SET") || t.is(src, "RESET") || t.is(src, "DATABASE"))
}

/// An ALTER TABLE action that changes what the model holds (RLS, columns, constraints, partitions).
fn is_modelled_action(src: &str, toks: &[Tok]) -> bool {
    let w = |i: usize, kw: &str| toks.get(i).is_some_and(|t| t.is(src, kw));
    let rls = (w(0, "ENABLE") || w(0, "DISABLE") || w(0, "FORCE") || (w(0, "NO") && w(1, "FORCE")))
        && toks.iter().any(|t| t.is(src, "SECURITY"));
    let structural = ["ADD", "ATTACH", "DETACH", "RENAME"]
        .iter()
        .any(|k| w(0, k));
    let drop = w(0, "DROP")
        && (w(1, "COLUMN")
            || w(1, "CONSTRAINT")
            || !toks.get(1).is_some_and(|t| {
                t.kind == Kind::Word
                    && ["DEFAULT", "EXPRESSION", "IDENTITY", "NOT"]
                        .iter()
                        .any(|k| t.is(src, k))
            }));
    let alter_col = w(0, "ALTER") && toks.iter().any(|t| t.is(src, "NULL") || t.is(src, "TYPE"));
    rls || structural || drop || alter_col
}

/// `SET search_path TO a, b` and `SELECT pg_catalog.set_config('search_path', 'a, b', ...)`.
fn search_path_schema(src: &str, toks: &[Tok]) -> Option<String> {
    let first_of = |items: Vec<String>| -> String {
        items
            .into_iter()
            .map(|s| s.trim().trim_matches('"').to_string())
            .find(|s| !s.is_empty() && s != "$user")
            .unwrap_or_else(|| "public".into())
    };
    let unquote = |t: &Tok| t.text(src).trim_matches('\'').to_string();
    let mut i = 0;
    if toks.first().is_some_and(|t| t.is(src, "SET")) {
        i += 1;
        if toks
            .get(i)
            .is_some_and(|t| t.is(src, "SESSION") || t.is(src, "LOCAL"))
        {
            i += 1;
        }
        if !toks.get(i).is_some_and(|t| t.is(src, "search_path")) {
            return None;
        }
        let values: Vec<String> = toks
            .iter()
            .skip(i + 2)
            .filter(|t| t.kind != Kind::Comma)
            .map(|t| match t.kind {
                Kind::Str => unquote(t),
                Kind::Quoted => t.text(src).trim_matches('"').to_string(),
                _ => t.text(src).to_lowercase(),
            })
            .collect();
        if values.first().is_some_and(|v| v == "default") {
            return Some("public".into());
        }
        return Some(first_of(values));
    }
    let pos = toks.windows(3).position(|w| {
        w[0].kind == Kind::Str
            && w[0].text(src) == "'search_path'"
            && w[1].kind == Kind::Comma
            && w[2].kind == Kind::Str
    })?;
    if !toks.first().is_some_and(|t| t.is(src, "SELECT")) {
        return None;
    }
    let value = unquote(&toks[pos + 2]);
    Some(first_of(value.split(',').map(str::to_string).collect()))
}

/// `(message, line, column)` of a sqlparser error: `... at Line: 3, Column: 7`.
fn error_location(msg: &str) -> (String, Option<(u32, u32)>) {
    let msg = msg.strip_prefix("sql parser error: ").unwrap_or(msg);
    let Some(i) = msg.rfind(" at Line: ") else {
        return (msg.to_string(), None);
    };
    let rest = &msg[i + " at Line: ".len()..];
    let mut parts = rest.split(", Column: ");
    let line = parts.next().and_then(|l| l.trim().parse().ok());
    let col = parts.next().and_then(|c| c.trim().parse().ok());
    (msg[..i].to_string(), line.zip(col))
}

/// Loads a file and counts how its statements fared.
pub fn load_with_stats(file: &Arc<SourceFile>) -> (Loaded, SqlStats) {
    // the parsers recurse on nested expressions and joins: give them room on any thread
    stacker::maybe_grow(STACK_RED_ZONE, STACK_SIZE, || load_inner(file))
}

const STACK_RED_ZONE: usize = 4 << 20;
const STACK_SIZE: usize = 32 << 20;
/// Statements nested deeper than this (parentheses, in strings and bodies too) are not given to
/// squawk, whose parsers have no recursion limit of their own (sqlparser stops at 50 levels).
const MAX_NESTING: usize = 200;

/// The deepest parenthesis nesting of a text, strings and bodies included.
fn nesting(text: &str) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    for b in text.bytes() {
        match b {
            b'(' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b')' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

fn load_inner(file: &Arc<SourceFile>) -> (Loaded, SqlStats) {
    let src = file.text.as_str();
    let lines = &file.lines;
    let dialect = PostgreSqlDialect {};
    let mut ctx = apply::Ctx::new();
    let mut loaded = Loaded::default();
    let mut stats = SqlStats::default();
    for piece in lex::split(src) {
        match piece {
            Piece::Meta { start, end } => {
                stats.meta_commands += 1;
                let cmd = src
                    .get(start..end)
                    .unwrap_or("")
                    .split_whitespace()
                    .next()
                    .unwrap_or("\\");
                let pos = lines.pos_at_offset(src, start);
                loaded.problems.push(Problem::note(
                    &file.path,
                    Some(pos),
                    format!("psql meta-command `{cmd}` skipped"),
                ));
            }
            Piece::Stmt { start, end, toks } => {
                stats.statements += 1;
                let st = Stmt {
                    src,
                    lines,
                    start,
                    end,
                    toks: &toks,
                };
                if let Some(schema) = search_path_schema(src, &toks) {
                    ctx.default_schema = schema;
                }
                let outcome = parse_and_apply(&mut ctx, &st, &dialect, file, &mut loaded.problems);
                match outcome {
                    Outcome::Parsed => stats.parsed += 1,
                    Outcome::Skipped => stats.skipped += 1,
                    Outcome::Failed => stats.failed += 1,
                    Outcome::Ignored => stats.ignored += 1,
                }
            }
        }
    }
    let whole = Span::new(0, src.len());
    let focus = lines.first_line(src, whole);
    let node = ctx.schema.to_node(whole, focus);
    let name = file.path.rsplit('/').next().unwrap_or(&file.path);
    loaded.documents.push(Document {
        file: Arc::clone(file),
        index: 0,
        input_type: InputType::Postgres,
        subtype: "schema".into(),
        resource: format!("schema {name}"),
        value: node.value,
        spans: node.tree,
    });
    (loaded, stats)
}

enum Outcome {
    Parsed,
    Skipped,
    Failed,
    Ignored,
}

/// Statements that cannot change the schema model: queries and data changes.
const NOT_SCHEMA: &[&str] = &[
    "SELECT", "INSERT", "UPDATE", "DELETE", "MERGE", "EXPLAIN", "VALUES", "TABLE",
];

fn parse(dialect: &PostgreSqlDialect, sql: &str) -> Result<Vec<sqlparser::ast::Statement>, String> {
    Parser::new(dialect)
        .try_with_sql(sql)
        .and_then(|mut p| p.parse_statements())
        .map_err(|e| e.to_string())
}

/// Parses one statement and applies it; reports what could not be parsed. An ALTER TABLE that
/// sqlparser rejects is retried action by action, so that `ENABLE ROW LEVEL SECURITY` next to an
/// unsupported action still counts.
fn parse_and_apply(
    ctx: &mut apply::Ctx,
    st: &Stmt,
    dialect: &PostgreSqlDialect,
    file: &SourceFile,
    problems: &mut Vec<Problem>,
) -> Outcome {
    let (src, toks, start) = (st.src, st.toks, st.start);
    if toks
        .first()
        .is_some_and(|t| NOT_SCHEMA.iter().any(|k| t.is(src, k)))
    {
        return Outcome::Ignored;
    }
    if toks.first().is_some_and(|t| t.is(src, "DO")) {
        // sqlparser does not read DO; squawk does
        return do_block(ctx, st, dialect, file, problems);
    }
    let (sql, as_user) = rewrite(src, start, st.end, toks);
    let err = match parse(dialect, &sql) {
        Ok(statements) => {
            // role membership: sqlparser reads it as another statement; read from the tokens
            if recover::is_role_grant(st) {
                recover::grant(ctx, st);
                return Outcome::Parsed;
            }
            for s in &statements {
                apply::apply(ctx, st, s, as_user);
            }
            recover::view(ctx, st);
            return Outcome::Parsed;
        }
        Err(e) => e,
    };
    let label = kind_label(src, toks);
    let alter_table = starts_with_words(src, toks, &["ALTER", "TABLE"]);
    if alter_table
        && !tables::action_ranges(st)
            .iter()
            .any(|&(a, b)| is_modelled_action(src, &toks[a..=b.min(toks.len() - 1)]))
    {
        // none of its actions is one the model holds
        problems.push(Problem::note(
            &file.path,
            Some(st.lines.pos_at_offset(src, start)),
            "ALTER TABLE statement skipped: not modelled (no SQL rule reads its actions)",
        ));
        return Outcome::Skipped;
    }
    if !is_modelled(src, toks)
        && !READ_WHEN_VALID
            .iter()
            .any(|w| starts_with_words(src, toks, w))
    {
        // no SQL rule reads it: skipped without asking squawk (the parse figures in
        // docs/sql-model.md count these statements by PostgreSQL's verdict)
        problems.push(Problem::note(
            &file.path,
            Some(st.lines.pos_at_offset(src, start)),
            format!("{label} statement skipped: not modelled (no SQL rule reads it)"),
        ));
        return Outcome::Skipped;
    }
    // sqlparser cannot read it: PostgreSQL's grammar (squawk) says whether it is valid
    let verdict = if nesting(src.get(start..st.end).unwrap_or("")) > MAX_NESTING {
        let (message, _) = error_location(&err);
        Verdict::Invalid { message, offset: 0 }
    } else {
        match recover::verdict(src.get(start..st.end).unwrap_or("")) {
            Verdict::Valid => Verdict::Valid,
            // psql variables (`:name`) read as names, as for sqlparser
            Verdict::Invalid { .. } => recover::verdict(&sql),
        }
    };
    if let Verdict::Invalid { message, offset } = verdict {
        let pos = st.lines.pos_at_offset(src, start + offset);
        if is_modelled(src, toks) {
            problems.push(Problem::error(
                &file.path,
                Some(pos),
                format!("syntax error in {label} statement: {message}"),
            ));
            return Outcome::Failed;
        }
        problems.push(Problem::note(
            &file.path,
            Some(pos),
            format!("{label} statement skipped: syntax error ({message})"),
        ));
        return Outcome::Skipped;
    }
    // valid PostgreSQL that sqlparser cannot read: the modelled kinds are read from their tokens
    if recover::grant(ctx, st)
        || (!is_role_config(src, toks) && recover::alter_role(ctx, st))
        || recover::comment(ctx, st)
        || recover::create_function(ctx, st)
        || recover::view(ctx, st)
    {
        return Outcome::Parsed;
    }
    if label == "DO" {
        return do_block(ctx, st, dialect, file, problems);
    }
    if starts_with_words(src, toks, &["CREATE", "SCHEMA"])
        && let Some(outcome) = schema_elements(ctx, st, dialect, file, problems)
    {
        return outcome;
    }
    let (msg, _) = error_location(&err);
    if starts_with_words(src, toks, &["ALTER", "TABLE"]) {
        let ranges = tables::action_ranges(st);
        let name_end = ranges.first().map_or(toks.len(), |r| r.0);
        let mut outcome = Outcome::Parsed;
        for &(a, b) in &ranges {
            let (Some(first), Some(last)) = (toks.get(a), toks.get(b)) else {
                continue;
            };
            let mut sub: Vec<Tok> = toks[..name_end].to_vec();
            sub.extend_from_slice(&toks[a..=b]);
            let sub_st = Stmt {
                src,
                lines: st.lines,
                start,
                end: last.end,
                toks: &sub,
            };
            let prefix_end = toks
                .get(name_end.saturating_sub(1))
                .map_or(start, |t| t.end);
            let text = format!(
                "{} {}",
                src.get(start..prefix_end).unwrap_or(""),
                src.get(first.start..last.end).unwrap_or("")
            );
            let pos = st.lines.pos_at_offset(src, first.start);
            match parse(dialect, &text) {
                Ok(statements) => {
                    for s in &statements {
                        apply::apply(ctx, &sub_st, s, false);
                    }
                }
                Err(e) if is_modelled_action(src, &toks[a..=b]) => {
                    let (msg, _) = error_location(&e);
                    problems.push(Problem::error(
                        &file.path,
                        Some(pos),
                        format!(
                            "cannot model ALTER TABLE action: PostgreSQL accepts it, the SQL reader does not ({msg})"
                        ),
                    ));
                    outcome = Outcome::Failed;
                }
                Err(_) => {
                    problems.push(Problem::note(
                        &file.path,
                        Some(pos),
                        "ALTER TABLE action skipped: not modelled (no SQL rule reads it)",
                    ));
                    if matches!(outcome, Outcome::Parsed) {
                        outcome = Outcome::Skipped;
                    }
                }
            }
        }
        return outcome;
    }
    let pos = st.lines.pos_at_offset(src, start);
    if is_modelled(src, toks) {
        problems.push(Problem::error(
            &file.path,
            Some(pos),
            format!(
                "cannot model {label} statement: PostgreSQL accepts it, the SQL reader does not ({msg})"
            ),
        ));
        Outcome::Failed
    } else {
        problems.push(Problem::note(
            &file.path,
            Some(pos),
            format!("{label} statement skipped: not modelled (no SQL rule reads it)"),
        ));
        Outcome::Skipped
    }
}

/// `CREATE SCHEMA s [AUTHORIZATION r] CREATE TABLE … CREATE VIEW … GRANT …`: the schema, then
/// each element as its own statement, created in the new schema. None when there are no elements.
fn schema_elements(
    ctx: &mut apply::Ctx,
    st: &Stmt,
    dialect: &PostgreSqlDialect,
    file: &SourceFile,
    problems: &mut Vec<Problem>,
) -> Option<Outcome> {
    let (src, toks) = (st.src, st.toks);
    let mut depth = 0usize;
    let mut starts = Vec::new();
    for (i, t) in toks.iter().enumerate().skip(2) {
        match t.kind {
            Kind::LParen => depth += 1,
            Kind::RParen => depth = depth.saturating_sub(1),
            Kind::Word if depth == 0 && (t.is(src, "CREATE") || t.is(src, "GRANT")) => {
                starts.push(i)
            }
            _ => {}
        }
    }
    let first = *starts.first()?;
    let sub = |a: usize, b: usize| Stmt {
        src,
        lines: st.lines,
        start: toks[a].start,
        end: toks[b - 1].end,
        toks: &toks[a..b],
    };
    let head = sub(0, first);
    let mut outcome = parse_and_apply(ctx, &head, dialect, file, problems);
    let schema = {
        let mut k = 2;
        if toks.get(k).is_some_and(|t| t.is(src, "IF")) {
            k += 3;
        }
        match toks.get(k) {
            Some(t) if t.is(src, "AUTHORIZATION") => toks.get(k + 1).map(|r| head.tok_ident(r)),
            Some(t) => Some(head.tok_ident(t)),
            None => None,
        }
    };
    let new_default = schema.unwrap_or_else(|| ctx.default_schema.clone());
    let saved = std::mem::replace(&mut ctx.default_schema, new_default);
    for (n, &a) in starts.iter().enumerate() {
        let b = starts.get(n + 1).copied().unwrap_or(toks.len());
        if let Outcome::Failed = parse_and_apply(ctx, &sub(a, b), dialect, file, problems) {
            outcome = Outcome::Failed;
        }
    }
    ctx.default_schema = saved;
    Some(outcome)
}

/// The statements of a PL/pgSQL body found from its tokens, when squawk cannot read the body:
/// in each `;`-separated piece, the DDL that starts it or follows `BEGIN`, `THEN`, `ELSE` or
/// `LOOP` (the start of a plain SQL statement in PL/pgSQL), and the count of dynamic `EXECUTE`.
fn body_statements(st: &Stmt) -> Option<(Vec<(usize, usize)>, usize)> {
    let src = st.src;
    let body = st.toks.iter().find(|t| t.kind == Kind::Str)?;
    let text = body.text(src);
    if !text.starts_with('$') {
        return None;
    }
    let tag = text[1..].find('$').map(|n| n + 2)?;
    let (a, b) = (body.start + tag, body.end.checked_sub(tag)?);
    if a > b {
        return None;
    }
    let mut ranges = Vec::new();
    let mut dynamic = 0;
    for piece in lex::split(src.get(a..b)?) {
        let Piece::Stmt { end, toks, .. } = piece else {
            continue;
        };
        let mut depth = 0usize;
        for (i, t) in toks.iter().enumerate() {
            match t.kind {
                Kind::LParen => depth += 1,
                Kind::RParen => depth = depth.saturating_sub(1),
                _ => {}
            }
            let starts = depth == 0
                && (i == 0
                    || ["BEGIN", "THEN", "ELSE", "LOOP"]
                        .iter()
                        .any(|k| toks[i - 1].is(&src[a..b], k)));
            if !starts {
                continue;
            }
            let w = t.text(&src[a..b]);
            if w.eq_ignore_ascii_case("EXECUTE") {
                dynamic += 1;
                break;
            }
            if ["CREATE", "ALTER", "GRANT", "REVOKE", "DROP", "COMMENT"]
                .iter()
                .any(|k| w.eq_ignore_ascii_case(k))
            {
                ranges.push((a + t.start, a + end));
                break;
            }
        }
    }
    Some((ranges, dynamic))
}

/// A `DO` block: the plain SQL statements of its PL/pgSQL body (`CREATE ROLE` under `IF NOT
/// EXISTS`, `GRANT` …) are read and applied as if they ran; dynamic `EXECUTE` is not modelled
/// (a note says so).
fn do_block(
    ctx: &mut apply::Ctx,
    st: &Stmt,
    dialect: &PostgreSqlDialect,
    file: &SourceFile,
    problems: &mut Vec<Problem>,
) -> Outcome {
    let src = st.src;
    let pos = st.lines.pos_at_offset(src, st.start);
    // squawk's PL/pgSQL parser has no recursion limit: a body nested deeper than any real one
    // is searched from its tokens only
    let found = if nesting(src.get(st.start..st.end).unwrap_or("")) > MAX_NESTING {
        body_statements(st)
    } else {
        recover::do_block_statements(src, st.start, st.end).or_else(|| body_statements(st))
    };
    let Some((ranges, dynamic)) = found else {
        problems.push(Problem::note(
            &file.path,
            Some(pos),
            "DO statement skipped: its body is not PL/pgSQL written in dollar quotes, so its statements cannot be read",
        ));
        return Outcome::Skipped;
    };
    let mut outcome = Outcome::Parsed;
    for (a, b) in ranges {
        for piece in lex::split(src.get(a..b).unwrap_or("")) {
            let Piece::Stmt { start, end, toks } = piece else {
                continue;
            };
            let toks: Vec<Tok> = toks
                .into_iter()
                .map(|t| Tok {
                    start: t.start + a,
                    end: t.end + a,
                    ..t
                })
                .collect();
            let sub = Stmt {
                src,
                lines: st.lines,
                start: start + a,
                end: end + a,
                toks: &toks,
            };
            if let Outcome::Failed = parse_and_apply(ctx, &sub, dialect, file, problems) {
                outcome = Outcome::Failed;
            }
        }
    }
    if dynamic > 0 {
        problems.push(Problem::note(
            &file.path,
            Some(pos),
            format!(
                "DO statement: {dynamic} dynamic EXECUTE statement(s) not modelled (their text is built at run time)"
            ),
        ));
    }
    outcome
}

#[cfg(test)]
mod tests;
