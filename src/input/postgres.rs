//! PostgreSQL DDL → schema model with spans (the model is described in docs/sql-model.md).
//!
//! A file is split into statements by a small lexer that knows quotes, dollar quotes, comments,
//! `BEGIN ATOMIC` bodies and psql meta-commands, so one bad statement never hides the others.
//! Each statement is parsed by `sqlparser` (PostgreSQL dialect) and applied in order to one
//! model per file: a later `ALTER TABLE ... ENABLE ROW LEVEL SECURITY` counts. Spans come from
//! the lexer's byte offsets, so every table, column, constraint, policy, grant, role and
//! function points at its own text.
//!
//! The rooms, in the order a statement meets them: `lex` (tokens and statements), `classify`
//! (what kind a statement is), `rewrite` (same-length rewrites for sqlparser), `dispatch` (one
//! statement: parse and apply, or ask `grammar` — squawk — and read it from its tokens),
//! `apply` (the kinds small enough to apply in one place) and one room per object kind that
//! holds both its sqlparser and its token reader (`tables`, `grants`, `roles`, `functions`,
//! `comments`, `views`); below them `ctx` (the model being built and name resolution), `stmt`
//! (a statement's tokens and spans), `model` (the model's types) and `document` (the model as
//! the JSON value and span tree rules see).

mod apply;
mod classify;
mod comments;
mod ctx;
mod dispatch;
mod document;
mod formats;
mod functions;
mod grammar;
mod grants;
mod lex;
mod like;
pub mod migrations;
mod model;
mod node;
mod partman;
mod placeholders;
mod rewrite;
mod roles;
mod stmt;
mod tables;
mod views;

use crate::input::{Document, InputType, Loaded};
use crate::source::SourceFile;
use crate::source::span::Span;
use classify::search_path_schema;
use dispatch::{Outcome, Reader};
use lex::Piece;
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

/// Loads one `.sql` file as one schema document after the migrations before it in its folder
/// left the tables `prior` (`schema.name`, with whether row-level security is on): a loop over
/// the catalog in this file (`FOR r IN SELECT tablename FROM pg_tables …`) reaches them too.
pub fn load_after(file: &Arc<SourceFile>, prior: Vec<(String, bool)>) -> Loaded {
    stacker::maybe_grow(STACK_RED_ZONE, STACK_SIZE, || load_inner(file, prior, None)).0
}

/// Whether a file's text may loop over the catalog's tables (`pg_tables`,
/// `information_schema.tables`, `pg_class`): only such a file reads differently after the
/// migrations before it (see `load_after`).
pub fn may_loop_over_catalog(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    lower.contains("execute")
        && (lower.contains("pg_tables")
            || lower.contains("information_schema.tables")
            || lower.contains("pg_class"))
}

/// psql meta-commands that change nothing a schema holds: pg_dump's `\restrict KEY` and
/// `\unrestrict KEY` (written around every dump since 17.6, 16.10 and 15.14) only limit which
/// meta-commands psql accepts in between, and the printing commands print. Noting them would
/// add two notes to every recent dump (wild26); `\connect`, `\set`, `\i` and the others still
/// get a note, since what they do may change what the file builds.
const SESSION_ONLY_META_COMMANDS: [&str; 5] =
    ["\\restrict", "\\unrestrict", "\\echo", "\\qecho", "\\warn"];

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

/// Loads a file and counts how its statements fared.
pub fn load_with_stats(file: &Arc<SourceFile>) -> (Loaded, SqlStats) {
    // the parsers recurse on nested expressions and joins: give them room on any thread
    stacker::maybe_grow(STACK_RED_ZONE, STACK_SIZE, || {
        load_inner(file, Vec::new(), None)
    })
}

const STACK_RED_ZONE: usize = 4 << 20;
const STACK_SIZE: usize = 32 << 20;

/// As `load_after`, for a file another one includes (`\ir data/todo.sql`, session sql37): its
/// unqualified names start in `schema`, the search path in effect where it is included.
pub fn load_included(
    file: &Arc<SourceFile>,
    prior: Vec<(String, bool)>,
    schema: Option<String>,
) -> Loaded {
    stacker::maybe_grow(STACK_RED_ZONE, STACK_SIZE, || {
        load_inner(file, prior, schema)
    })
    .0
}

/// The files a PostgreSQL script includes with psql's `\i`, `\ir`, `\include` and
/// `\include_relative` (session sql37): for each, where it is written, the path as written
/// (quotes removed), whether it is relative to the including file, and the schema unqualified
/// names resolve to at that point (the first of the last `SET search_path` before it).
pub fn psql_includes(text: &str) -> Vec<(usize, String, bool, Option<String>)> {
    if !text.contains("\\i") {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut schema: Option<String> = None;
    for piece in lex::split(text) {
        match piece {
            Piece::Stmt { toks, .. } => {
                if let Some(s) = search_path_schema(text, &toks) {
                    schema = Some(s);
                }
            }
            Piece::Meta { start, end } => {
                let line = text.get(start..end).unwrap_or("").trim_start();
                let (cmd, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
                let relative = match cmd {
                    "\\i" | "\\include" => false,
                    "\\ir" | "\\include_relative" => true,
                    _ => continue,
                };
                // a quoted path may hold spaces
                let rest = rest.trim_start();
                let target = match rest.chars().next() {
                    Some(q @ ('\'' | '"')) => rest[1..].split(q).next().unwrap_or(""),
                    _ => rest.split_whitespace().next().unwrap_or(""),
                };
                if !target.is_empty() {
                    out.push((start, target.to_string(), relative, schema.clone()));
                }
            }
        }
    }
    out
}

fn load_inner(
    file: &Arc<SourceFile>,
    prior: Vec<(String, bool)>,
    schema: Option<String>,
) -> (Loaded, SqlStats) {
    let templated = placeholders::neutralize(&file.text);
    let text = templated
        .as_ref()
        .map_or(file.text.as_str(), |t| t.0.as_str());
    // Play's evolutions: the `#` lines Play reads and drops are blanks to the lexer
    let evolution = play_evolution_blanked(text);
    let src = evolution.as_deref().unwrap_or(text);
    let lines = &file.lines;
    let mut reader = Reader::new(file);
    reader.ctx.prior = prior;
    if let Some(schema) = schema {
        reader.ctx.default_schema = schema;
    }
    let mut stats = SqlStats::default();
    if let Some((_, at, first)) = &templated {
        reader.note(
            *at,
            format!("template placeholders (`{first}`) read as names: the statements are read as the template writes them"),
        );
    }
    let mut pieces = lex::split(src);
    if let Some((at, dialect)) = mysql_marker(src, &pieces)
        .map(|at| (at, "MySQL"))
        .or_else(|| oracle_or_sql_server_marker(src, &pieces))
    {
        // Another dialect: every statement would be a syntax error PostgreSQL's grammar
        // reports (exit 2), though nothing is wrong with the file, or be read as PostgreSQL
        // (an Oracle table "without row-level security"). One note says why it is not read;
        // the file is still one (empty) schema document.
        reader.note(
            at,
            format!("file skipped: {dialect} syntax (runeguard reads PostgreSQL DDL)"),
        );
        pieces.clear();
    }
    // the markers as written (a Play `#` marker is a blank in `src`; the offsets are the same)
    let rollback = rollback_sections(text);
    let piece_start = |p: &Piece| match p {
        Piece::Meta { start, .. } | Piece::Stmt { start, .. } => *start,
    };
    // An empty down section (the common case) skips nothing, and says nothing.
    for &(start, end, marker) in &rollback {
        if pieces
            .iter()
            .any(|p| (start..end).contains(&piece_start(p)))
        {
            reader.note(
                start,
                format!("rollback section (`{marker}`) skipped: the schema is read as the up section leaves it"),
            );
        }
    }
    pieces.retain(|p| {
        let at = piece_start(p);
        !rollback.iter().any(|&(a, b, _)| (a..b).contains(&at))
    });
    for piece in pieces {
        match piece {
            Piece::Meta { start, end } => {
                stats.meta_commands += 1;
                let cmd = src
                    .get(start..end)
                    .unwrap_or("")
                    .split_whitespace()
                    .next()
                    .unwrap_or("\\");
                if !SESSION_ONLY_META_COMMANDS.contains(&cmd) {
                    reader.note(start, format!("psql meta-command `{cmd}` skipped"));
                }
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
                    reader.ctx.default_schema = schema;
                }
                match reader.statement(&st) {
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
    let mut node = reader.ctx.schema.to_node(whole, focus);
    reader.place(&mut node.tree);
    let name = file.path.rsplit('/').next().unwrap_or(&file.path);
    let loaded = Loaded {
        documents: vec![Document {
            file: Arc::clone(file),
            index: 0,
            input_type: InputType::Postgres,
            subtype: "schema".into(),
            resource: format!("schema {name}"),
            value: node.value,
            spans: node.tree,
            substituted: Vec::new(),
            extended: Vec::new(),
            embedded: false,
            fragment: false,
        }],
        problems: reader.problems,
    };
    (loaded, stats)
}

/// The rollback sections `[start, end)` of a migration that keeps both directions in one file
/// (dbmate `-- migrate:down`, goose `-- +goose Down`, sql-migrate `-- +migrate Down`, micrate
/// `-- +micrate Down`, Play's `# --- !Downs`, MyBatis' and dbdeploy's `-- //@UNDO`, tern's
/// `---- create above / drop below ----`), each with
/// its marker line: from a down marker to the next up marker or the end of the file. Read in
/// sequence after the up section, they would drop the tables and disable the row-level
/// security the migration creates, and every finding about them would be lost.
fn rollback_sections(src: &str) -> Vec<(usize, usize, &str)> {
    let mut out = Vec::new();
    let mut down: Option<(usize, &str)> = None;
    let mut offset = 0;
    for line in src.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        match migration_direction(line) {
            Some(false) if down.is_none() => down = Some((start, line.trim())),
            Some(true) => {
                if let Some((from, marker)) = down.take() {
                    out.push((from, start, marker));
                }
            }
            _ => {}
        }
    }
    if let Some((from, marker)) = down {
        out.push((from, src.len(), marker));
    }
    out
}

/// Whether a line is a migration tool's direction marker: `Some(true)` for up, `Some(false)`
/// for down. The first word after the tool's prefix decides (`-- migrate:up transaction:false`,
/// `-- +goose Down`, `-- +migrate Up notransaction`). tern (jackc/tern) has one marker, the
/// line `---- create above / drop below ----`: what follows it is the down migration
/// (docs/robustness.md, session sql35). micrate (Crystal) writes `-- +micrate Up`/`Down`,
/// Play `# --- !Ups`/`!Downs`, MyBatis Migrations and dbdeploy `-- //@UNDO` (session sql37).
fn migration_direction(line: &str) -> Option<bool> {
    let trimmed = line.trim();
    if let Some(up) = play_evolution_marker(trimmed) {
        return Some(up);
    }
    let rest = trimmed.strip_prefix("--")?.trim().to_ascii_lowercase();
    if rest.starts_with("--")
        && rest.trim_matches(|c: char| c == '-' || c.is_whitespace()) == "create above / drop below"
    {
        return Some(false);
    }
    // MyBatis Migrations and dbdeploy: `-- //@UNDO` starts the undo section (session sql37)
    if rest.strip_prefix("//").map(str::trim) == Some("@undo") {
        return Some(false);
    }
    let after = ["migrate:", "+goose ", "+migrate ", "+micrate "]
        .iter()
        .find_map(|p| rest.strip_prefix(p))?;
    match after.split_whitespace().next()? {
        "up" => Some(true),
        "down" => Some(false),
        _ => None,
    }
}

/// A Play evolution's marker (session sql37): a line (trimmed) that starts with `#` or `--` and
/// holds `!Ups` (`Some(true)`) or `!Downs` (`Some(false)`), as Play's `Evolutions` reads them
/// (`# --- !Ups`, `-- !Downs`; case matters, as in Play).
fn play_evolution_marker(trimmed: &str) -> Option<bool> {
    if !(trimmed.starts_with('#') || trimmed.starts_with("--")) {
        return None;
    }
    let word = |w: &str| {
        trimmed.match_indices(w).any(|(i, _)| {
            !trimmed[i + w.len()..].starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
        })
    };
    if word("!Ups") {
        Some(true)
    } else if word("!Downs") {
        Some(false)
    } else {
        None
    }
}

/// A Play evolution (`conf/evolutions/default/1.sql`; session sql37) with its `#` lines
/// blanked: Play splits the script at its marker lines (`# --- !Ups`, `# --- !Downs`) and drops
/// them with whatever precedes the first marker (`# Users schema`); to the lexer, `#` is an
/// operator, so the marker and the statement after it were one syntax error (exit 2) or one
/// statement "not modelled", and the table it creates was lost. Each such line becomes spaces
/// (offsets unchanged); `None` when the text has no `#` marker of Play's.
fn play_evolution_blanked(src: &str) -> Option<String> {
    let is_hash_marker = |l: &str| {
        let t = l.trim();
        t.starts_with('#') && play_evolution_marker(t).is_some()
    };
    if !src.lines().any(is_hash_marker) {
        return None;
    }
    let mut out = String::with_capacity(src.len());
    let mut before_first = true;
    for line in src.split_inclusive('\n') {
        let t = line.trim();
        let marker = t.starts_with('#') && play_evolution_marker(t).is_some();
        if marker || (before_first && t.starts_with('#')) {
            let body = line.trim_end_matches(['\n', '\r']);
            out.extend(std::iter::repeat_n(' ', body.len()));
            out.push_str(&line[body.len()..]);
        } else {
            out.push_str(line);
        }
        if play_evolution_marker(t).is_some() {
            before_first = false;
        }
    }
    Some(out)
}

/// The byte offset of the first sign that a file is Oracle's or SQL Server's, not PostgreSQL's
/// (session sql36: a Flyway project's `afterMigrate.sql` written in PL/SQL, an Oracle
/// `V1__init.sql` whose `email VARCHAR2(200)` table got a false SQL-001), with the dialect's
/// name. Oracle: a column typed `NUMBER` (`NUMBER(10)`, or bare before a constraint, a comma
/// or the closing parenthesis) in `CREATE`/`ALTER TABLE` (PostgreSQL has no such type; orafce
/// adds `varchar2`, not `number`, so `VARCHAR2` is no sign), a PL/SQL block `DECLARE
/// name type;` (PostgreSQL's `DECLARE` declares a cursor), `EXECUTE IMMEDIATE`. SQL Server: a
/// `(MAX)` length, `IDENTITY(1,1)` (PostgreSQL writes `AS IDENTITY (…)`), a `[dbo].` name.
/// Quotes and comments are not looked in.
fn oracle_or_sql_server_marker(src: &str, pieces: &[Piece]) -> Option<(usize, &'static str)> {
    use lex::Kind;
    pieces.iter().find_map(|p| {
        let Piece::Stmt { toks, .. } = p else {
            return None;
        };
        let word = |i: usize, w: &str| toks.get(i).is_some_and(|t| t.is(src, w));
        let table_stmt = (word(0, "CREATE") || word(0, "ALTER"))
            && toks.iter().take(6).any(|t| t.is(src, "TABLE"));
        if word(0, "DECLARE")
            && toks.get(1).is_some_and(|t| t.kind == Kind::Word)
            && !toks.iter().skip(2).take(4).any(|t| {
                [
                    "CURSOR",
                    "BINARY",
                    "INSENSITIVE",
                    "ASENSITIVE",
                    "SCROLL",
                    "NO",
                ]
                .iter()
                .any(|k| t.is(src, k))
            })
        {
            return Some((toks[0].start, "Oracle"));
        }
        if let Some(i) = (0..toks.len()).find(|&i| word(i, "EXECUTE") && word(i + 1, "IMMEDIATE")) {
            return Some((toks[i].start, "Oracle"));
        }
        toks.iter().enumerate().find_map(|(i, t)| {
            let prev = i.checked_sub(1).map(|j| toks[j]);
            let next = toks.get(i + 1);
            let after_name = prev.is_some_and(|p| matches!(p.kind, Kind::Word | Kind::Quoted));
            let ends_column = next.is_some_and(|n| {
                matches!(n.kind, Kind::Comma | Kind::RParen)
                    || [
                        "PRIMARY",
                        "NOT",
                        "NULL",
                        "DEFAULT",
                        "CONSTRAINT",
                        "UNIQUE",
                        "CHECK",
                        "REFERENCES",
                    ]
                    .iter()
                    .any(|k| n.is(src, k))
            });
            let lparen = next.is_some_and(|n| n.kind == Kind::LParen);
            if table_stmt
                && t.is(src, "NUMBER")
                && after_name
                && !prev.is_some_and(|p| {
                    [
                        "TO",
                        "COLUMN",
                        "CONSTRAINT",
                        "REFERENCES",
                        "TABLE",
                        "EXISTS",
                        "ONLY",
                        "RENAME",
                    ]
                    .iter()
                    .any(|k| p.is(src, k))
                })
                && (lparen || ends_column)
            {
                return Some((t.start, "Oracle"));
            }
            let max_length = t.is(src, "MAX")
                && prev.is_some_and(|p| p.kind == Kind::LParen)
                && i >= 2
                && ["VARCHAR", "NVARCHAR", "VARBINARY", "CHAR", "NCHAR"]
                    .iter()
                    .any(|k| toks[i - 2].is(src, k));
            let identity = table_stmt
                && t.is(src, "IDENTITY")
                && lparen
                && !prev.is_some_and(|p| p.is(src, "AS"))
                && toks.get(i + 2).is_some_and(|n| n.kind == Kind::Other);
            let bracketed = t.kind == Kind::Other
                && t.text(src) == "["
                && toks.get(i + 1).is_some_and(|n| n.is(src, "dbo"))
                && toks.get(i + 2).is_some_and(|n| n.text(src) == "]");
            (max_length || identity || bracketed).then_some((t.start, "SQL Server"))
        })
    })
}

/// The byte offset of the first sign that a file is MySQL, not PostgreSQL: a backtick-quoted
/// name (PostgreSQL has no backtick token), a `) ENGINE =` table option, or `AUTO_INCREMENT`
/// after a column's type. Quotes and comments are not looked in (the lexer skips them), so a
/// PostgreSQL file that mentions MySQL in a comment or string is read as PostgreSQL.
fn mysql_marker(src: &str, pieces: &[Piece]) -> Option<usize> {
    use lex::Kind;
    pieces.iter().find_map(|p| {
        let Piece::Stmt { toks, .. } = p else {
            return None;
        };
        toks.iter().enumerate().find_map(|(i, t)| {
            let prev = i.checked_sub(1).map(|j| toks[j]);
            let next = toks.get(i + 1);
            let marker = (t.kind == Kind::Other && t.text(src) == "`")
                || (t.is(src, "ENGINE")
                    && prev.is_some_and(|p| p.kind == Kind::RParen)
                    && next.is_some_and(|n| n.text(src) == "="))
                || (t.is(src, "AUTO_INCREMENT")
                    && prev.is_some_and(|p| matches!(p.kind, Kind::Word | Kind::RParen))
                    && next.is_some_and(|n| {
                        matches!(n.kind, Kind::Comma | Kind::RParen)
                            || ["PRIMARY", "NOT", "NULL", "UNIQUE", "COMMENT", "KEY"]
                                .iter()
                                .any(|k| n.is(src, k))
                    }));
            marker.then_some(t.start)
        })
    })
}

#[cfg(test)]
mod tests;
