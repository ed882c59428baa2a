//! One statement at a time: parse it with sqlparser and apply it to the model, or find out why
//! it cannot be parsed (PostgreSQL's grammar, through squawk) and read the modelled kinds from
//! their tokens; say what was skipped and what could not be checked.

use super::classify::{
    NOT_SCHEMA, READ_WHEN_VALID, is_modelled, is_modelled_action, is_role_config, kind_label,
};
use super::ctx::Ctx;
use super::grammar::{self, Verdict};
use super::lex::{self, Kind, Piece, Tok, starts_with_words};
use super::rewrite::rewrite;
use super::stmt::Stmt;
use super::{apply, comments, formats, functions, grants, partman, roles, tables, views};
use crate::source::span::{LineIndex, Span, SpanTree};
use crate::source::{Problem, SourceFile};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;

/// How one statement fared.
pub(super) enum Outcome {
    Parsed,
    Skipped,
    Failed,
    Ignored,
}

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

fn parse(dialect: &PostgreSqlDialect, sql: &str) -> Result<Vec<sqlparser::ast::Statement>, String> {
    Parser::new(dialect)
        .try_with_sql(sql)
        .and_then(|mut p| p.parse_statements())
        .map_err(|e| e.to_string())
}

/// Reads the statements of one file into one model, in file order.
pub(super) struct Reader<'a> {
    pub ctx: Ctx,
    /// What could not be read or was skipped, in file order.
    pub problems: Vec<Problem>,
    file: &'a SourceFile,
    dialect: PostgreSqlDialect,
    /// The file's text with the constants `EXECUTE` runs written in place (see `do_block`),
    /// followed by the statements `EXECUTE format(…)` runs (see `formats`).
    shadow: Option<String>,
    /// The byte ranges of `shadow` past the file's text that hold a statement run by `EXECUTE
    /// format(…)`, in order, each with the span of that `EXECUTE` in the file.
    virtual_texts: Vec<(usize, usize, Span)>,
}

impl<'a> Reader<'a> {
    pub fn new(file: &'a SourceFile) -> Reader<'a> {
        Reader {
            ctx: Ctx::new(),
            problems: Vec::new(),
            file,
            dialect: PostgreSqlDialect {},
            shadow: None,
            virtual_texts: Vec::new(),
        }
    }

    /// The place in the file of byte `offset` of the reader's text: a byte of a statement run
    /// by `EXECUTE format(…)` is at that `EXECUTE`.
    fn placed(&self, offset: usize) -> Option<Span> {
        let i = self
            .virtual_texts
            .partition_point(|&(_, end, _)| end <= offset);
        self.virtual_texts
            .get(i)
            .filter(|&&(start, _, _)| start <= offset)
            .map(|&(_, _, at)| at)
    }

    fn file_offset(&self, offset: usize) -> usize {
        self.placed(offset).map_or(offset, |at| at.start as usize)
    }

    /// Points every span of `tree` that lies in a statement run by `EXECUTE format(…)` at
    /// that `EXECUTE`.
    pub fn place(&self, tree: &mut SpanTree) {
        if self.virtual_texts.is_empty() {
            return;
        }
        let mut stack = vec![tree];
        while let Some(t) = stack.pop() {
            if let Some(at) = self.placed(t.span.start as usize) {
                t.span = at;
            }
            if let Some(at) = self.placed(t.focus.start as usize) {
                t.focus = at;
            }
            if let Some(o) = t.origin
                && let Some(at) = self.placed(o.start as usize)
            {
                t.origin = Some(at);
            }
            match &mut t.children {
                crate::source::span::Children::Leaf => {}
                crate::source::span::Children::Map(m) => stack.extend(m.iter_mut().map(|(_, c)| c)),
                crate::source::span::Children::Seq(v) => stack.extend(v.iter_mut()),
            }
        }
    }

    /// A note at byte `offset` of the file: something skipped that no rule needs.
    pub fn note(&mut self, offset: usize, message: impl Into<String>) {
        let offset = self.file_offset(offset);
        let pos = self.file.lines.pos_at_offset(&self.file.text, offset);
        self.problems
            .push(Problem::note(&self.file.path, Some(pos), message));
    }

    /// An error at byte `offset`: a modelled statement the model could not be built from.
    fn error(&mut self, offset: usize, message: impl Into<String>) {
        let offset = self.file_offset(offset);
        let pos = self.file.lines.pos_at_offset(&self.file.text, offset);
        self.problems
            .push(Problem::error(&self.file.path, Some(pos), message));
    }

    /// Reads the statements written in bytes `[from, to)` of `text` (the file, or the copy a
    /// `DO` block's executed texts are written into) one by one, with offsets into `text`;
    /// false when one of them failed.
    fn read_statements(&mut self, text: &str, lines: &LineIndex, from: usize, to: usize) -> bool {
        let mut ok = true;
        for piece in lex::split(text.get(from..to).unwrap_or("")) {
            let Piece::Stmt { start, end, toks } = piece else {
                continue;
            };
            let toks = shifted(toks, from);
            let sub = Stmt {
                src: text,
                lines,
                start: start + from,
                end: end + from,
                toks: &toks,
            };
            if let Outcome::Failed = self.statement(&sub) {
                ok = false;
            }
        }
        ok
    }

    /// Parses one statement and applies it; reports what could not be parsed.
    pub fn statement(&mut self, st: &Stmt) -> Outcome {
        let (src, toks, start) = (st.src, st.toks, st.start);
        if toks
            .first()
            .is_some_and(|t| NOT_SCHEMA.iter().any(|k| t.is(src, k)))
        {
            // a query changes no schema, except through a function that runs DDL: pg_partman's
            if toks.first().is_some_and(|t| t.is(src, "SELECT")) {
                partman::apply(&mut self.ctx, st, toks);
            }
            return Outcome::Ignored;
        }
        if toks.first().is_some_and(|t| t.is(src, "DO")) {
            // sqlparser does not read DO; squawk does
            return self.do_block(st);
        }
        // user mappings: read from the tokens (sqlparser reads CREATE only, and ALTER USER
        // MAPPING as a role's ALTER USER)
        if roles::user_mapping_from_tokens(&mut self.ctx, st) {
            return Outcome::Parsed;
        }
        let (sql, as_user) = rewrite(src, start, st.end, toks);
        let err = match parse(&self.dialect, &sql) {
            Ok(statements) => {
                // role membership: sqlparser reads it as another statement; read from the tokens
                if grants::is_role_grant(st) {
                    grants::from_tokens(&mut self.ctx, st);
                    return Outcome::Parsed;
                }
                for s in &statements {
                    apply::apply(&mut self.ctx, st, s, as_user);
                }
                tables::apply_create_not_null(&mut self.ctx, st);
                views::from_tokens(&mut self.ctx, st);
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
            self.note(
                start,
                "ALTER TABLE statement skipped: not modelled (no SQL rule reads its actions)",
            );
            return Outcome::Skipped;
        }
        if !is_modelled(src, toks)
            && !READ_WHEN_VALID
                .iter()
                .any(|w| starts_with_words(src, toks, w))
        {
            // no SQL rule reads it: skipped without asking squawk (the parse figures in
            // docs/sql-model.md count these statements by PostgreSQL's verdict)
            self.note(
                start,
                format!("{label} statement skipped: not modelled (no SQL rule reads it)"),
            );
            return Outcome::Skipped;
        }
        // sqlparser cannot read it: PostgreSQL's grammar (squawk) says whether it is valid
        let verdict = if nesting(src.get(start..st.end).unwrap_or("")) > MAX_NESTING {
            let (message, _) = error_location(&err);
            Verdict::Invalid { message, offset: 0 }
        } else {
            match grammar::verdict(src.get(start..st.end).unwrap_or("")) {
                Verdict::Valid => Verdict::Valid,
                // psql variables (`:name`) read as names, as for sqlparser
                Verdict::Invalid { .. } => grammar::verdict(&sql),
            }
        };
        if let Verdict::Invalid { message, offset } = verdict {
            if is_modelled(src, toks) {
                self.error(
                    start + offset,
                    format!("syntax error in {label} statement: {message}"),
                );
                return Outcome::Failed;
            }
            self.note(
                start + offset,
                format!("{label} statement skipped: syntax error ({message})"),
            );
            return Outcome::Skipped;
        }
        // valid PostgreSQL that sqlparser cannot read: the modelled kinds are read from their
        // tokens
        let ctx = &mut self.ctx;
        if grants::from_tokens(ctx, st)
            || grants::default_privileges_from_tokens(ctx, st)
            || (!is_role_config(src, toks) && roles::alter_from_tokens(ctx, st))
            || comments::from_tokens(ctx, st)
            || functions::create_from_tokens(ctx, st)
            || views::from_tokens(ctx, st)
        {
            return Outcome::Parsed;
        }
        if label == "DO" {
            return self.do_block(st);
        }
        if starts_with_words(src, toks, &["CREATE", "SCHEMA"])
            && let Some(outcome) = self.schema_elements(st)
        {
            return outcome;
        }
        if alter_table {
            return self.alter_table_actions(st);
        }
        let (msg, _) = error_location(&err);
        if is_modelled(src, toks) {
            self.error(
                start,
                format!(
                    "cannot model {label} statement: PostgreSQL accepts it, the SQL reader does not ({msg})"
                ),
            );
            Outcome::Failed
        } else {
            self.note(
                start,
                format!("{label} statement skipped: not modelled (no SQL rule reads it)"),
            );
            Outcome::Skipped
        }
    }

    /// An ALTER TABLE that sqlparser rejects, retried action by action, so that `ENABLE ROW
    /// LEVEL SECURITY` next to an unsupported action still counts.
    fn alter_table_actions(&mut self, st: &Stmt) -> Outcome {
        let (src, toks, start) = (st.src, st.toks, st.start);
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
            // `ADD [CONSTRAINT n] NOT NULL col` (PostgreSQL 18), unknown to sqlparser
            if tables::alter_add_not_null(&mut self.ctx, st, a, b) {
                continue;
            }
            match parse(&self.dialect, &text) {
                Ok(statements) => {
                    for s in &statements {
                        apply::apply(&mut self.ctx, &sub_st, s, false);
                    }
                }
                Err(e) if is_modelled_action(src, &toks[a..=b]) => {
                    let (msg, _) = error_location(&e);
                    self.error(
                        first.start,
                        format!(
                            "cannot model ALTER TABLE action: PostgreSQL accepts it, the SQL reader does not ({msg})"
                        ),
                    );
                    outcome = Outcome::Failed;
                }
                Err(_) => {
                    self.note(
                        first.start,
                        "ALTER TABLE action skipped: not modelled (no SQL rule reads it)",
                    );
                    if matches!(outcome, Outcome::Parsed) {
                        outcome = Outcome::Skipped;
                    }
                }
            }
        }
        outcome
    }

    /// `CREATE SCHEMA s [AUTHORIZATION r] CREATE TABLE … CREATE VIEW … GRANT …`: the schema,
    /// then each element as its own statement, created in the new schema. None when there are
    /// no elements.
    fn schema_elements(&mut self, st: &Stmt) -> Option<Outcome> {
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
        let mut outcome = self.statement(&head);
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
        let new_default = schema.unwrap_or_else(|| self.ctx.default_schema.clone());
        let saved = std::mem::replace(&mut self.ctx.default_schema, new_default);
        for (n, &a) in starts.iter().enumerate() {
            let b = starts.get(n + 1).copied().unwrap_or(toks.len());
            if let Outcome::Failed = self.statement(&sub(a, b)) {
                outcome = Outcome::Failed;
            }
        }
        self.ctx.default_schema = saved;
        Some(outcome)
    }

    /// A `DO` block: the plain SQL statements of its PL/pgSQL body (`CREATE ROLE` under `IF
    /// NOT EXISTS`, `GRANT` …) are read and applied as if they ran, and so is the constant text
    /// of an `EXECUTE '…'`; an `EXECUTE` of a text built at run time is not modelled (a note
    /// says so).
    fn do_block(&mut self, st: &Stmt) -> Outcome {
        let src = st.src;
        // squawk's PL/pgSQL parser has no recursion limit: a body nested deeper than any real
        // one is searched from its tokens only
        let found = if nesting(src.get(st.start..st.end).unwrap_or("")) > MAX_NESTING {
            grammar::body_statements_from_tokens(st)
        } else {
            grammar::do_block_statements(src, st.start, st.end)
                .or_else(|| grammar::body_statements_from_tokens(st))
        };
        let Some((ranges, dynamic)) = found else {
            self.note(
                st.start,
                "DO statement skipped: its body is not PL/pgSQL written in dollar quotes, so its statements cannot be read",
            );
            return Outcome::Skipped;
        };
        // `PERFORM partman.create_parent(…)` is PL/pgSQL, not one of the SQL statements read
        // below: the body's own tokens are searched for pg_partman calls
        if let Some((a, b)) = grammar::dollar_body(st) {
            let toks = shifted(lex::tokens(src.get(a..b).unwrap_or("")), a);
            partman::apply(&mut self.ctx, st, &toks);
        }
        let mut outcome = Outcome::Parsed;
        for (a, b) in ranges {
            if !self.read_statements(src, st.lines, a, b) {
                outcome = Outcome::Failed;
            }
        }
        // `EXECUTE '<statement>'`: a constant text is as certain as a plain statement; it is
        // read where it is written (see `grammar::constant_in_place`)
        let mut executed = 0;
        if let Some((a, b)) = grammar::dollar_body(st) {
            for s in grammar::executed_constants(src, a, b) {
                let Some((text, from, to)) = grammar::constant_in_place(src, &s)
                    .filter(|(text, _, _)| text.len() == s.end - s.start)
                else {
                    continue;
                };
                // one copy of the file per file, each constant written over its own bytes (the
                // text has the constant's length): no copy per EXECUTE
                let mut shadow = self
                    .shadow
                    .take()
                    .filter(|t| t.len() >= src.len())
                    .unwrap_or_else(|| src.to_string());
                shadow.replace_range(s.start..s.end, &text);
                executed += 1;
                if !self.read_statements(&shadow, st.lines, from, to) {
                    outcome = Outcome::Failed;
                }
                self.shadow = Some(shadow);
            }
            // `EXECUTE format(…)` over constants: each statement is written after the file's
            // text and read there; `place` points its nodes at the `EXECUTE`
            // the tables a loop over the catalog reaches: those of the schema the file has
            // created before this block (see `formats::catalog_loop`)
            let ctx = &self.ctx;
            let catalog = |schema: &str| -> Option<Vec<formats::CatalogTable>> {
                // "" is `current_schema()`
                let schema = if schema.is_empty() {
                    ctx.default_schema.as_str()
                } else {
                    schema
                };
                let in_schema = |name: &str| {
                    name.rsplit_once('.')
                        .filter(|(s, _)| *s == schema)
                        .map(|(_, n)| n.to_string())
                };
                let rls_on = |t: &super::model::Table| t.rls_enabled.as_ref().is_some_and(|e| e.v);
                // earlier migrations' tables first (in their order), unless this file dropped
                // them or writes them itself
                let mut out: Vec<formats::CatalogTable> = ctx
                    .prior
                    .iter()
                    .filter(|(name, _)| {
                        !ctx.schema
                            .drops
                            .iter()
                            .any(|d| d.statement == "drop" && d.table == *name)
                    })
                    .filter_map(|(name, on)| {
                        let n = in_schema(name)?;
                        match ctx.schema.tables.iter().find(|t| t.name == *name) {
                            // created again by this file: listed below
                            Some(t) if t.created => None,
                            Some(t) => Some((n, t.rls_enabled.as_ref().map_or(*on, |e| e.v))),
                            None => Some((n, *on)),
                        }
                    })
                    .collect();
                out.extend(
                    ctx.schema
                        .tables
                        .iter()
                        .filter(|t| t.created && !t.temporary)
                        .filter_map(|t| Some((in_schema(&t.name)?, rls_on(t)))),
                );
                Some(out)
            };
            let executed_texts =
                formats::executed_formats(src, a, b, &catalog, &ctx.default_schema);
            for e in executed_texts {
                executed += 1;
                let at = st.lines.first_line(src, Span::new(e.start, e.end));
                for text in e.texts.iter().filter(|t| !formats::is_query(t)) {
                    let mut shadow = self
                        .shadow
                        .take()
                        .filter(|t| t.len() >= src.len())
                        .unwrap_or_else(|| src.to_string());
                    shadow.push('\n');
                    let from = shadow.len();
                    // one line, so that a span in it is never taken for a line of the file
                    shadow.extend(
                        text.chars()
                            .map(|c| if c == '\n' || c == '\r' { ' ' } else { c }),
                    );
                    let to = shadow.len();
                    self.virtual_texts.push((from, to, at));
                    if !self.read_statements(&shadow, st.lines, from, to) {
                        outcome = Outcome::Failed;
                    }
                    self.shadow = Some(shadow);
                }
            }
        }
        let dynamic = dynamic.saturating_sub(executed);
        if dynamic > 0 {
            self.note(
                st.start,
                format!(
                    "DO statement: {dynamic} dynamic EXECUTE statement(s) not modelled (their text is built at run time)"
                ),
            );
        }
        outcome
    }
}

/// Tokens read from a piece of the text that starts at byte `by`, at their places in the
/// whole text.
fn shifted(toks: Vec<Tok>, by: usize) -> Vec<Tok> {
    toks.into_iter()
        .map(|t| Tok {
            start: t.start + by,
            end: t.end + by,
            ..t
        })
        .collect()
}
