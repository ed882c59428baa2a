//! Views (CREATE/ALTER [MATERIALIZED] VIEW) into the model, read from their tokens whether
//! or not sqlparser reads them: their options, check option, owner and the tables they read.

use super::ctx::Ctx;
use super::lex::Kind;
use super::model::{View, at};
use super::stmt::Stmt;
use crate::source::span::Span;

/// `CREATE [OR REPLACE] [TEMP] [RECURSIVE] [MATERIALIZED] VIEW name [(cols)] [WITH (opts)] AS
/// query [WITH CHECK OPTION]`, and `ALTER [MATERIALIZED] VIEW name SET|RESET (opts)` /
/// `OWNER TO r` / `RENAME TO n`, read from their tokens. Returns false for other statements.
pub(super) fn from_tokens(ctx: &mut Ctx, st: &Stmt) -> bool {
    let create = st.is_kw(0, "CREATE");
    if !create && !st.is_kw(0, "ALTER") {
        return false;
    }
    let mut k = 1;
    if create && st.is_kw(1, "OR") && st.is_kw(2, "REPLACE") {
        k = 3;
    }
    while ["TEMP", "TEMPORARY", "RECURSIVE"]
        .iter()
        .any(|w| st.is_kw(k, w))
    {
        k += 1;
    }
    let materialized = st.is_kw(k, "MATERIALIZED");
    if materialized {
        k += 1;
    }
    if !st.is_kw(k, "VIEW") {
        return false;
    }
    k += 1;
    if st.is_kw(k, "IF") {
        k += if st.is_kw(k + 1, "NOT") { 3 } else { 2 };
    }
    if k >= st.toks.len() {
        return false;
    }
    let (parts, mut i) = st.name_at(k);
    if parts.is_empty() {
        return false;
    }
    let name = ctx.qualify_parts(&parts);
    let (whole, focus) = (st.whole(), st.focus());
    if !create {
        let Some(v) = ctx.schema.views.iter_mut().find(|v| v.name == name) else {
            return true;
        };
        if st.is_kw(i, "SET") || st.is_kw(i, "RESET") {
            let set = st.is_kw(i, "SET");
            for (opt, value, span) in view_options(st, i + 1) {
                let value = set && value;
                match opt.as_str() {
                    "security_invoker" => v.security_invoker = at(value, span),
                    "security_barrier" => v.security_barrier = at(value, span),
                    _ => {}
                }
            }
        } else if st.is_kw(i, "OWNER") && st.is_kw(i + 1, "TO") {
            if let Some(t) = st.toks.get(i + 2) {
                v.owner = Some(at(st.tok_ident(t), st.range_focus(i, i + 2)));
            }
        } else if st.is_kw(i, "RENAME")
            && st.is_kw(i + 1, "TO")
            && let Some(t) = st.toks.get(i + 2)
        {
            let new = st.tok_ident(t);
            v.name = match v.name.rsplit_once('.') {
                Some((s, _)) => format!("{s}.{new}"),
                None => new,
            };
        }
        return true;
    }
    if st.toks.get(i).is_some_and(|t| t.kind == Kind::LParen) {
        i = st.closing(i).map_or(i, |c| c + 1);
    }
    let mut security_invoker = at(false, focus);
    let mut security_barrier = at(false, focus);
    let mut check_option = None;
    if st.is_kw(i, "WITH") && st.toks.get(i + 1).is_some_and(|t| t.kind == Kind::LParen) {
        for (opt, value, span) in view_options(st, i + 1) {
            match opt.as_str() {
                "security_invoker" => security_invoker = at(value, span),
                "security_barrier" => security_barrier = at(value, span),
                "check_option" => {
                    check_option = Some(if value { "cascaded" } else { "local" }.to_string())
                }
                _ => {}
            }
        }
    }
    // the query: tables after FROM / JOIN (CTE names left out)
    let body = st.find_kw(i, &["AS"]).map_or(st.toks.len(), |a| a + 1);
    let mut ctes = Vec::new();
    for w in st.toks[body.min(st.toks.len())..].windows(3) {
        if matches!(w[0].kind, Kind::Word | Kind::Quoted)
            && w[1].is(st.src, "AS")
            && (w[2].kind == Kind::LParen
                || w[2].is(st.src, "MATERIALIZED")
                || w[2].is(st.src, "NOT"))
        {
            ctes.push(st.tok_ident(&w[0]));
        }
    }
    let mut reads: Vec<String> = Vec::new();
    let stop = [
        "WHERE",
        "GROUP",
        "ORDER",
        "LIMIT",
        "HAVING",
        "WINDOW",
        "UNION",
        "EXCEPT",
        "INTERSECT",
        "ON",
        "USING",
        "JOIN",
        "INNER",
        "LEFT",
        "RIGHT",
        "FULL",
        "CROSS",
        "NATURAL",
        "WITH",
        "OFFSET",
        "FETCH",
        "FOR",
        "RETURNING",
        "SELECT",
    ];
    let mut j = body;
    while j < st.toks.len() {
        let t = &st.toks[j];
        if !(t.is(st.src, "FROM") || t.is(st.src, "JOIN")) {
            j += 1;
            continue;
        }
        let from = t.is(st.src, "FROM");
        let mut depth = 0usize;
        let mut at_item = true;
        j += 1;
        while j < st.toks.len() {
            let u = &st.toks[j];
            match u.kind {
                Kind::LParen => depth += 1,
                Kind::RParen if depth == 0 => break,
                Kind::RParen => depth -= 1,
                Kind::Comma if depth == 0 && from => {
                    at_item = true;
                    j += 1;
                    continue;
                }
                _ => {}
            }
            if depth == 0 && u.kind == Kind::Word && stop.iter().any(|s| u.is(st.src, s)) {
                break;
            }
            if depth == 0 && at_item {
                at_item = false;
                if u.is(st.src, "LATERAL") || u.is(st.src, "ONLY") {
                    at_item = true;
                } else if matches!(u.kind, Kind::Word | Kind::Quoted) {
                    let (p, end) = st.name_at(j);
                    let is_call = st.toks.get(end).is_some_and(|n| n.kind == Kind::LParen);
                    let cte = p.len() == 1 && ctes.contains(&p[0]);
                    if !p.is_empty() && !is_call && !cte {
                        let q = ctx.qualify_parts(&p);
                        if !reads.contains(&q) {
                            reads.push(q);
                        }
                    }
                    j = end;
                    continue;
                }
            }
            if !from {
                break;
            }
            j += 1;
        }
    }
    if let Some(w) = (body..st.toks.len())
        .rev()
        .find(|&w| st.is_kw(w, "WITH") && (st.is_kw(w + 1, "CHECK") || st.is_kw(w + 2, "CHECK")))
    {
        check_option = Some(
            if st.is_kw(w + 1, "LOCAL") {
                "local"
            } else {
                "cascaded"
            }
            .to_string(),
        );
    }
    ctx.schema.views.retain(|v| v.name != name);
    ctx.schema.views.push(View {
        name,
        materialized,
        security_invoker,
        security_barrier,
        check_option,
        reads,
        owner: None,
        span: whole,
        focus,
    });
    true
}

/// `(name [= value], …)` at token `open`: each option, its boolean value and its span.
fn view_options(st: &Stmt, open: usize) -> Vec<(String, bool, Span)> {
    let Some(close) = st.closing(open) else {
        return Vec::new();
    };
    st.comma_split(open + 1, close)
        .into_iter()
        .filter_map(|(a, b)| {
            let name = st.tok_ident(st.toks.get(a)?);
            let value = match st.toks.get(a + 2).filter(|_| b >= a + 2) {
                None => true,
                Some(v) => {
                    let text = v.text(st.src).trim_matches('\'').to_ascii_lowercase();
                    !matches!(text.as_str(), "false" | "off" | "no" | "0" | "local")
                }
            };
            Some((name, value, st.range_focus(a, b)))
        })
        .collect()
}
