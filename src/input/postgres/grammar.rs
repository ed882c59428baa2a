//! PostgreSQL's own grammar, through squawk: whether PostgreSQL accepts a statement sqlparser
//! cannot read, and the plain SQL statements inside a `DO` block's PL/pgSQL body (with a
//! token search when squawk cannot read the body).

use super::lex::{self, Kind, Piece};
use super::stmt::Stmt;
use squawk_syntax::ast::{self, AstNode};

/// PostgreSQL's verdict on a statement, as far as its grammar goes.
pub(super) enum Verdict {
    /// The grammar accepts it.
    Valid,
    /// A syntax error: squawk's message and the byte offset (in the statement) it points at.
    Invalid { message: String, offset: usize },
}

/// Parses one statement (without its `;`) with squawk, validation included.
pub(super) fn verdict(text: &str) -> Verdict {
    let parse = squawk_syntax::SourceFile::parse(text);
    match parse.errors().first() {
        None => Verdict::Valid,
        Some(e) => Verdict::Invalid {
            message: e.message().to_string(),
            offset: usize::from(e.range().start()),
        },
    }
}

/// The byte ranges (in the file) of the plain SQL statements of a `DO` block's PL/pgSQL body,
/// and how many dynamic `EXECUTE` statements it holds. `None` when the block is not PL/pgSQL,
/// its body cannot be read, or its text does not map byte for byte onto the file.
pub(super) fn do_block_statements(
    src: &str,
    start: usize,
    end: usize,
) -> Option<(Vec<(usize, usize)>, usize)> {
    let text = src.get(start..end)?;
    let parse = squawk_syntax::SourceFile::parse(text);
    let stmt = parse.tree().stmts().next()?;
    let ast::Stmt::Do(d) = stmt else {
        return None;
    };
    let body = d.plpgsql()?;
    if !body.errors().is_empty() {
        return None;
    }
    let mut ranges = Vec::new();
    let mut dynamic = 0;
    for node in body.syntax().descendants() {
        if ast::PlpgsqlDynExecuteStmt::can_cast(node.kind()) {
            dynamic += 1;
            continue;
        }
        let Some(exec) = ast::PlpgsqlExecSqlStmt::cast(node) else {
            continue;
        };
        let Some(inner) = exec.stmt() else { continue };
        let r = inner.syntax().text_range();
        let mapped = body.source_range(r);
        let (a, b) = (usize::from(mapped.start()), usize::from(mapped.end()));
        // the body must be the file's own text (a dollar-quoted body), not an unescaped copy
        let decoded = body
            .text()
            .get(usize::from(r.start())..usize::from(r.end()))?;
        if text.get(a..b)? != decoded {
            return None;
        }
        ranges.push((start + a, start + b));
    }
    Some((ranges, dynamic))
}

/// The byte range (in the file) of the text inside a statement's first dollar-quoted string:
/// a `DO` block's body (`DO LANGUAGE 'plpgsql' $$ … $$` names its language first).
pub(super) fn dollar_body(st: &Stmt) -> Option<(usize, usize)> {
    let body = st
        .toks
        .iter()
        .find(|t| t.kind == Kind::Str && t.text(st.src).starts_with('$'))?;
    let text = body.text(st.src);
    let tag = text[1..].find('$').map(|n| n + 2)?;
    let (a, b) = (body.start + tag, body.end.checked_sub(tag)?);
    (a <= b).then_some((a, b))
}

/// The statements of a PL/pgSQL body found from its tokens, when squawk cannot read the body:
/// in each `;`-separated piece, the DDL that starts it or follows `BEGIN`, `THEN`, `ELSE` or
/// `LOOP` (the start of a plain SQL statement in PL/pgSQL), and the count of dynamic `EXECUTE`.
pub(super) fn body_statements_from_tokens(st: &Stmt) -> Option<(Vec<(usize, usize)>, usize)> {
    let src = st.src;
    let (a, b) = dollar_body(st)?;
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
