//! PostgreSQL's own grammar, through squawk: whether PostgreSQL accepts a statement sqlparser
//! cannot read, and the plain SQL statements inside a `DO` block's PL/pgSQL body (with a
//! token search when squawk cannot read the body).

use super::lex::{self, Kind, Piece, Tok};
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

/// The string constants a PL/pgSQL body (bytes `[a, b)` of the file) runs whole as SQL:
/// `EXECUTE '<statement>';` and `EXECUTE $q$<statement>$q$;` as a statement of their own (after
/// `;`, `BEGIN`, `THEN`, `ELSE`, `LOOP` or the body's start), with nothing after the string (no
/// `||`, `USING`, `INTO`). A text built at run time (`format(…)`, concatenation, a variable) is
/// not one: its statement is not known.
pub(super) fn executed_constants(src: &str, a: usize, b: usize) -> Vec<Tok> {
    let Some(body) = src.get(a..b) else {
        return Vec::new();
    };
    let toks = lex::tokens(body);
    let mut out = Vec::new();
    for i in 0..toks.len() {
        if !executes_at_statement_start(body, &toks, i) {
            continue;
        }
        let (Some(s), Some(end)) = (toks.get(i + 1), toks.get(i + 2)) else {
            continue;
        };
        if s.kind == Kind::Str && end.kind == Kind::Semi {
            out.push(Tok {
                start: s.start + a,
                end: s.end + a,
                ..*s
            });
        }
    }
    out
}

/// True when token `i` of a PL/pgSQL body is an `EXECUTE` that starts a statement: at the
/// body's start or after `;`, `BEGIN`, `THEN`, `ELSE` or `LOOP`.
pub(super) fn executes_at_statement_start(body: &str, toks: &[Tok], i: usize) -> bool {
    toks.get(i).is_some_and(|t| t.is(body, "EXECUTE"))
        && (i == 0
            || toks[i - 1].kind == Kind::Semi
            || ["BEGIN", "THEN", "ELSE", "LOOP"]
                .iter()
                .any(|k| toks[i - 1].is(body, k)))
}

/// The text a string constant (token `s` of `src`) holds, written in place of the constant so
/// that each byte of the statement it holds stays at its place: the quotes become spaces, a
/// doubled quote `''` one quote and a space (a dollar-quoted body is the file's text as it is). The range returned is where the
/// statement's text lies. `None` for an escape string (`E'…'`).
pub(super) fn constant_in_place(src: &str, s: &Tok) -> Option<(String, usize, usize)> {
    let text = src.get(s.start..s.end)?;
    let (open, close) = if let Some(after) = text.strip_prefix('$') {
        let tag = after.find('$')? + 2;
        (tag, tag)
    } else if text.starts_with('\'') && text.ends_with('\'') && text.len() >= 2 {
        (1, 1)
    } else {
        return None;
    };
    let inner = text.get(open..text.len().checked_sub(close)?)?;
    let mut out = " ".repeat(open);
    if open == 1 {
        // a doubled quote that opens a literal of the statement becomes ` '`, one that closes
        // it `' `: the literal's text and what follows it keep their columns
        let mut in_literal = false;
        for (n, line) in inner.split('\n').enumerate() {
            if n > 0 {
                out.push('\n');
            }
            if line.contains("''''") {
                // a quote inside a literal of the statement: the line keeps its length, its
                // columns after that quote shift left
                let decoded = line.replace("''", "'");
                out.push_str(&decoded);
                out.push_str(&" ".repeat(line.len() - decoded.len()));
                in_literal ^= line.matches("''").count() % 2 == 1;
                continue;
            }
            let mut rest = line;
            while let Some(at) = rest.find("''") {
                out.push_str(&rest[..at]);
                out.push_str(if in_literal { "' " } else { " '" });
                in_literal = !in_literal;
                rest = &rest[at + 2..];
            }
            out.push_str(rest);
        }
    } else {
        out.push_str(inner);
    }
    out.push_str(&" ".repeat(close));
    Some((out, s.start + open, s.end - close))
}
