//! `CREATE TABLE new (LIKE old [INCLUDING … | EXCLUDING …])`: the new table gets the columns of
//! the old one as the file has built it so far, and what the options include.

use super::lex::Kind;
use super::model::{Table, at};
use super::stmt::Stmt;
use crate::source::span::Span;

/// What `INCLUDING`/`EXCLUDING` options say of one property (`DEFAULTS`, `INDEXES` …): the last
/// option that names it or `ALL` decides, as in PostgreSQL; none means excluded.
struct Options(Vec<(bool, String)>);

impl Options {
    /// The options that follow the `LIKE` at token `like`, up to the end of its element.
    fn read(st: &Stmt, like: usize) -> Options {
        let mut out = Vec::new();
        let mut i = like + 1;
        while let Some(t) = st.toks.get(i) {
            if matches!(t.kind, Kind::Comma | Kind::RParen) {
                break;
            }
            let including = t.is(st.src, "INCLUDING");
            if (including || t.is(st.src, "EXCLUDING"))
                && let Some(what) = st.toks.get(i + 1).filter(|w| w.kind == Kind::Word)
            {
                out.push((including, what.text(st.src).to_uppercase()));
                i += 1;
            }
            i += 1;
        }
        Options(out)
    }

    fn include(&self, property: &str) -> bool {
        self.0
            .iter()
            .rev()
            .find(|(_, w)| w == property || w == "ALL")
            .is_some_and(|(including, _)| *including)
    }
}

/// Copies into `t` the columns of `source` (names, types and `NOT NULL` always; defaults,
/// generated columns, CHECK constraints and indexes — the primary key, unique and exclusion
/// constraints — when the options include them; foreign keys never), each pointing at the
/// `LIKE` element (`span`). `like` is the index of the `LIKE` token.
pub(super) fn copy_columns(t: &mut Table, source: &Table, st: &Stmt, like: usize, span: Span) {
    let options = Options::read(st, like);
    let (defaults, generated, constraints, indexes) = (
        options.include("DEFAULTS"),
        options.include("GENERATED") || options.include("IDENTITY"),
        options.include("CONSTRAINTS"),
        options.include("INDEXES"),
    );
    let in_key = |name: &str| {
        source
            .primary_key
            .as_ref()
            .is_some_and(|pk| pk.v.iter().any(|c| c == name))
    };
    for c in &source.columns {
        let mut copy = c.clone();
        copy.not_null = c.not_null || c.primary_key || in_key(&c.name);
        copy.primary_key = indexes && c.primary_key;
        copy.unique = indexes && c.unique;
        copy.default = c.default.clone().filter(|_| defaults);
        copy.generated = generated && c.generated;
        copy.references = None;
        if !constraints {
            copy.checks.clear();
        }
        copy.span = span;
        t.columns.push(copy);
    }
    for k in &source.constraints {
        let copied = match k.kind {
            "check" => constraints,
            "primary_key" | "unique" | "exclude" => indexes,
            _ => false,
        };
        if copied {
            let mut copy = k.clone();
            copy.span = span;
            t.constraints.push(copy);
        }
    }
    if indexes && let Some(pk) = &source.primary_key {
        t.primary_key = Some(at(pk.v.clone(), span));
    }
}
