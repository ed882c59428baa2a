//! Statements sqlparser cannot read. squawk (a parser written for PostgreSQL's grammar) decides
//! whether PostgreSQL accepts them; the kinds the model is built from are then read from their
//! tokens here: GRANT/REVOKE (column privileges, `ON LANGUAGE`, `ON LARGE OBJECT`, role
//! membership), ALTER ROLE/USER/GROUP, COMMENT ON, CREATE FUNCTION/PROCEDURE. The DDL inside `DO`
//! blocks is found with squawk's PL/pgSQL parser (`do_block_statements`).

use super::apply::{Ctx, hashed_verifier};
use super::lex::{Kind, Tok};
use super::model::{Function, Grant, Named, Password, at};
use super::stmt::Stmt;
use squawk_syntax::ast::{self, AstNode};

/// PostgreSQL's verdict on a statement, as far as its grammar goes.
pub(crate) enum Verdict {
    /// The grammar accepts it.
    Valid,
    /// A syntax error: squawk's message and the byte offset (in the statement) it points at.
    Invalid { message: String, offset: usize },
}

/// Parses one statement (without its `;`) with squawk, validation included.
pub(crate) fn verdict(text: &str) -> Verdict {
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
pub(crate) fn do_block_statements(
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

fn is(st: &Stmt, i: usize, kw: &str) -> bool {
    st.toks.get(i).is_some_and(|t| t.is(st.src, kw))
}

/// The index of the first token at parenthesis depth 0, from `from`, that is one of `kws`.
fn find_kw(st: &Stmt, from: usize, kws: &[&str]) -> Option<usize> {
    let mut depth = 0usize;
    for (i, t) in st.toks.iter().enumerate().skip(from) {
        match t.kind {
            Kind::LParen => depth += 1,
            Kind::RParen => depth = depth.saturating_sub(1),
            Kind::Word if depth == 0 && kws.iter().any(|k| t.is(st.src, k)) => return Some(i),
            _ => {}
        }
    }
    None
}

/// The parts of the (possibly qualified) name at token `i`, folded; and the index after it.
fn name_at(st: &Stmt, i: usize) -> (Vec<String>, usize) {
    if i >= st.toks.len() {
        return (Vec::new(), i);
    }
    let end = st.skip_name(i);
    let parts = st.toks[i..end.min(st.toks.len())]
        .iter()
        .filter(|t| matches!(t.kind, Kind::Word | Kind::Quoted))
        .map(|t| st.tok_ident(t))
        .collect();
    (parts, end)
}

fn qualify(ctx: &Ctx, parts: &[String]) -> String {
    match parts {
        [] => String::new(),
        [one] => format!("{}.{one}", ctx.default_schema),
        [.., s, t] => format!("{s}.{t}"),
    }
}

/// A role named in GRANT/REVOKE/ALTER GROUP: `PUBLIC` is `public`, `GROUP r` is `r`.
fn role_at(st: &Stmt, a: usize, b: usize) -> Option<String> {
    let mut i = a;
    if is(st, i, "GROUP") && i < b {
        i += 1;
    }
    let t = st.toks.get(i)?;
    Some(match t.kind {
        Kind::Word => t.text(st.src).to_lowercase(),
        _ => st.tok_ident(t),
    })
}

/// `GRANT role TO r` / `REVOKE role FROM r`: role membership (no `ON`).
pub(crate) fn is_role_grant(st: &Stmt) -> bool {
    (is(st, 0, "GRANT") || is(st, 0, "REVOKE")) && find_kw(st, 1, &["ON"]).is_none()
}

/// `GRANT` and `REVOKE` in all their forms (object privileges with column lists, every object
/// type, role membership). Returns false when the statement is not one of them.
pub(crate) fn grant(ctx: &mut Ctx, st: &Stmt) -> bool {
    let revoke = is(st, 0, "REVOKE");
    if !revoke && !is(st, 0, "GRANT") {
        return false;
    }
    let mut i = 1;
    if revoke && is(st, 2, "OPTION") && is(st, 3, "FOR") {
        i = 4;
    }
    let on = find_kw(st, i, &["ON"]);
    let Some(to) = find_kw(st, on.unwrap_or(i), &[if revoke { "FROM" } else { "TO" }]) else {
        return false;
    };
    let privs_end = on.unwrap_or(to);
    let mut privileges = Vec::new();
    let mut columns = Vec::new();
    for (a, b) in st.comma_split(i, privs_end) {
        let mut words = Vec::new();
        let mut cols = Vec::new();
        let mut j = a;
        while j <= b {
            let t = &st.toks[j];
            if t.kind == Kind::LParen {
                let close = st.closing(j).unwrap_or(b).min(b);
                cols.extend(
                    st.toks[j + 1..close]
                        .iter()
                        .filter(|c| matches!(c.kind, Kind::Word | Kind::Quoted))
                        .map(|c| st.tok_ident(c)),
                );
                j = close + 1;
                continue;
            }
            words.push(st.tok_ident(t));
            j += 1;
        }
        let p = words.join(" ");
        let p = match p.as_str() {
            "all privileges" => "all".to_string(),
            "temp" => "temporary".to_string(),
            _ => p,
        };
        if !cols.is_empty() {
            columns.push((p.clone(), cols));
        }
        privileges.push(p);
    }
    let (object_type, objects) = match on {
        None => ("role".to_string(), std::mem::take(&mut privileges)),
        Some(on) => grant_objects(ctx, st, on + 1, to),
    };
    let tail = find_kw(st, to + 1, &["WITH", "GRANTED", "CASCADE", "RESTRICT"]);
    let grantees = st
        .comma_split(to + 1, tail.unwrap_or(st.toks.len()))
        .into_iter()
        .filter_map(|(a, b)| role_at(st, a, b))
        .collect();
    let with_grant_option = !revoke
        && tail.is_some_and(|w| {
            is(st, w, "WITH") && (is(st, w + 1, "GRANT") || is(st, w + 1, "ADMIN"))
        });
    ctx.schema.push_grant(Grant {
        action: if revoke { "revoke" } else { "grant" },
        privileges,
        columns,
        object_type,
        objects,
        grantees,
        with_grant_option,
        default_privileges: false,
        for_roles: Vec::new(),
        current_tables: None,
        span: st.whole(),
        focus: st.focus(),
    });
    true
}

/// The object type and objects of `ON ...` (tokens `[i, to)`).
fn grant_objects(ctx: &Ctx, st: &Stmt, i: usize, to: usize) -> (String, Vec<String>) {
    let word = |k: usize| {
        st.toks
            .get(k)
            .filter(|t| t.kind == Kind::Word)
            .map(|t| t.text(st.src).to_lowercase())
    };
    let w0 = word(i).unwrap_or_default();
    let (object_type, first, qualified): (String, usize, bool) = if w0 == "all"
        && word(i + 2).as_deref() == Some("in")
        && word(i + 3).as_deref() == Some("schema")
    {
        let plural = word(i + 1).unwrap_or_default();
        (format!("all_{plural}_in_schema"), i + 4, false)
    } else {
        match w0.as_str() {
            "table" | "sequence" | "function" | "procedure" | "routine" | "type" | "domain" => {
                (w0.clone(), i + 1, true)
            }
            "database" | "schema" | "language" | "tablespace" | "parameter" => {
                (w0.clone(), i + 1, false)
            }
            "large" if word(i + 1).as_deref() == Some("object") => {
                ("large_object".into(), i + 2, false)
            }
            "foreign" if word(i + 1).as_deref() == Some("server") => {
                ("foreign_server".into(), i + 2, false)
            }
            "foreign"
                if word(i + 1).as_deref() == Some("data")
                    && word(i + 2).as_deref() == Some("wrapper") =>
            {
                ("foreign_data_wrapper".into(), i + 3, false)
            }
            _ => ("table".into(), i, true),
        }
    };
    let objects = st
        .comma_split(first, to)
        .into_iter()
        .map(|(a, b)| {
            let t = &st.toks[a];
            if !matches!(t.kind, Kind::Word | Kind::Quoted) {
                return st
                    .src
                    .get(t.start..st.toks[b].end)
                    .unwrap_or("")
                    .to_string();
            }
            let (parts, _) = name_at(st, a);
            if qualified {
                qualify(ctx, &parts)
            } else {
                parts.join(".")
            }
        })
        .collect();
    (object_type, objects)
}

/// A password written as `PASSWORD '…'` / `PASSWORD NULL` (token `kw` is `PASSWORD`).
pub(crate) fn password_at(st: &Stmt, kw: usize) -> Option<Password> {
    let value = st.toks.get(kw + 1)?;
    let span = st.span(st.toks[kw].start, value.end);
    if value.is(st.src, "NULL") {
        return Some(Password {
            literal: false,
            hashed: false,
            null: true,
            span,
        });
    }
    if value.kind != Kind::Str {
        return None;
    }
    let text = value.text(st.src);
    let inner = text
        .trim_start_matches(['E', 'e'])
        .trim_matches('\'')
        .to_string();
    Some(Password {
        literal: true,
        hashed: hashed_verifier(&inner),
        null: false,
        span,
    })
}

const ROLE_FLAGS: &[(&str, &str, &str)] = &[
    ("superuser", "SUPERUSER", "NOSUPERUSER"),
    ("createdb", "CREATEDB", "NOCREATEDB"),
    ("createrole", "CREATEROLE", "NOCREATEROLE"),
    ("inherit", "INHERIT", "NOINHERIT"),
    ("login", "LOGIN", "NOLOGIN"),
    ("replication", "REPLICATION", "NOREPLICATION"),
    ("bypassrls", "BYPASSRLS", "NOBYPASSRLS"),
];

/// `ALTER ROLE|USER name [WITH] options`, `ALTER … RENAME TO`, `ALTER GROUP g ADD|DROP USER …`.
/// Returns false when the statement is not one of them.
pub(crate) fn alter_role(ctx: &mut Ctx, st: &Stmt) -> bool {
    if !is(st, 0, "ALTER") || !(is(st, 1, "ROLE") || is(st, 1, "USER") || is(st, 1, "GROUP")) {
        return false;
    }
    let Some(name) = role_at(st, 2, 2) else {
        return false;
    };
    let (whole, focus) = (st.whole(), st.focus());
    if is(st, 1, "GROUP") && (is(st, 3, "ADD") || is(st, 3, "DROP")) && is(st, 4, "USER") {
        let members = st
            .comma_split(5, st.toks.len())
            .into_iter()
            .filter_map(|(a, b)| role_at(st, a, b))
            .collect();
        ctx.schema.push_grant(Grant {
            action: if is(st, 3, "ADD") { "grant" } else { "revoke" },
            privileges: Vec::new(),
            columns: Vec::new(),
            object_type: "role".into(),
            objects: vec![name],
            grantees: members,
            with_grant_option: false,
            default_privileges: false,
            for_roles: Vec::new(),
            current_tables: None,
            span: whole,
            focus,
        });
        return true;
    }
    if is(st, 3, "RENAME") && is(st, 4, "TO") {
        if let Some(new) = st.toks.get(5).map(|t| st.tok_ident(t))
            && let Some(r) = ctx.schema.roles.iter_mut().find(|r| r.name == name)
        {
            r.name = new;
        }
        return true;
    }
    let role = ctx.schema.role_or_stub(&name, whole, focus);
    let mut k = 3;
    while k < st.toks.len() {
        let t = &st.toks[k];
        if let Some((opt, _, no)) = ROLE_FLAGS
            .iter()
            .find(|(_, yes, no)| t.is(st.src, yes) || t.is(st.src, no))
        {
            role.set_option(opt, !t.is(st.src, no), st.tok_span(t));
        } else if t.is(st.src, "PASSWORD")
            && let Some(new) = password_at(st, k)
        {
            // a literal once written stays in the file's history, whatever follows
            let keep = role.password.as_ref().is_some_and(|old| old.literal) && !new.literal;
            if !keep {
                role.password = Some(new);
            }
            k += 1;
        }
        k += 1;
    }
    true
}

/// `COMMENT ON <object type> name IS '…'`.
pub(crate) fn comment(ctx: &mut Ctx, st: &Stmt) -> bool {
    if !is(st, 0, "COMMENT") || !is(st, 1, "ON") {
        return false;
    }
    let Some(is_kw) = find_kw(st, 2, &["IS"]) else {
        return false;
    };
    // the object type: the words before the first name (two words at most, e.g. EVENT TRIGGER)
    let mut k = 2;
    let mut kind = Vec::new();
    while k < is_kw && kind.len() < 3 {
        let t = &st.toks[k];
        let next_is_name = st
            .toks
            .get(k + 1)
            .is_some_and(|n| matches!(n.kind, Kind::Word | Kind::Quoted) && k + 1 < is_kw);
        if t.kind == Kind::Word && next_is_name {
            kind.push(t.text(st.src).to_lowercase());
            k += 1;
            let last = kind.last().map(String::as_str).unwrap_or("");
            let more = [
                "materialized",
                "foreign",
                "event",
                "access",
                "text",
                "operator",
            ]
            .contains(&last)
                || (kind.len() == 2 && kind[0] == "text");
            if !more {
                break;
            }
        } else {
            break;
        }
    }
    let (parts, _) = name_at(st, k);
    let mut fields = vec![("object_type", kind.join(" "))];
    if let Some(text) = st.toks.get(is_kw + 1).filter(|t| t.kind == Kind::Str) {
        let raw = text.text(st.src);
        let inner = if let Some(rest) = raw.strip_prefix('$') {
            let tag_end = rest.find('$').map_or(0, |n| n + 2);
            raw.get(tag_end..raw.len().saturating_sub(tag_end))
                .unwrap_or("")
                .to_string()
        } else {
            raw.trim_start_matches(['E', 'e'])
                .trim_matches('\'')
                .replace("''", "'")
        };
        fields.push(("text", inner));
    }
    ctx.schema.comments.push(Named {
        name: parts.join("."),
        fields,
        span: st.whole(),
        focus: st.focus(),
    });
    true
}

/// `CREATE [OR REPLACE] FUNCTION|PROCEDURE name(args) …` read from its tokens: the name, the
/// arguments as written, `LANGUAGE`, `SECURITY DEFINER|INVOKER` and `SET` options.
pub(crate) fn create_function(ctx: &mut Ctx, st: &Stmt) -> bool {
    let mut k = 1;
    if is(st, 1, "OR") && is(st, 2, "REPLACE") {
        k = 3;
    }
    let procedure = is(st, k, "PROCEDURE");
    if !is(st, 0, "CREATE") || !(procedure || is(st, k, "FUNCTION")) {
        return false;
    }
    let (parts, after) = name_at(st, k + 1);
    if parts.is_empty() || !st.toks.get(after).is_some_and(|t| t.kind == Kind::LParen) {
        return false;
    }
    let Some(close) = st.closing(after) else {
        return false;
    };
    let args = st
        .comma_split(after + 1, close)
        .into_iter()
        .map(|(a, b)| {
            st.toks[a..=b]
                .iter()
                .map(|t| t.text(st.src).to_lowercase())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join(", ");
    let name = qualify(ctx, &parts);
    let (whole, focus) = (st.whole(), st.focus());
    let mut f = Function {
        name: name.clone(),
        kind: if procedure { "procedure" } else { "function" }.into(),
        args: args.clone(),
        language: None,
        created: true,
        security_definer: at(false, focus),
        search_path: None,
        config: Vec::new(),
        span: whole,
        focus,
    };
    let mut depth = 0usize;
    let mut i = close + 1;
    while i < st.toks.len() {
        let t = &st.toks[i];
        match t.kind {
            Kind::LParen => depth += 1,
            Kind::RParen => depth = depth.saturating_sub(1),
            _ => {}
        }
        if depth > 0 || t.kind != Kind::Word {
            i += 1;
            continue;
        }
        if t.is(st.src, "BEGIN") && is(st, i + 1, "ATOMIC") {
            break;
        }
        if t.is(st.src, "LANGUAGE")
            && let Some(l) = st.toks.get(i + 1)
        {
            f.language = Some(st.tok_ident(l).trim_matches('\'').to_string());
        } else if t.is(st.src, "SECURITY") && (is(st, i + 1, "DEFINER") || is(st, i + 1, "INVOKER"))
        {
            f.security_definer = at(
                is(st, i + 1, "DEFINER"),
                st.span(t.start, st.toks[i + 1].end),
            );
        } else if t.is(st.src, "SET") && !is(st, i - 1, "RETURNS") {
            let name_tok = st.toks.get(i + 1);
            let end = find_kw(
                st,
                i + 2,
                &[
                    "LANGUAGE",
                    "SECURITY",
                    "SET",
                    "AS",
                    "RETURN",
                    "BEGIN",
                    "IMMUTABLE",
                    "STABLE",
                    "VOLATILE",
                    "STRICT",
                    "CALLED",
                    "PARALLEL",
                    "COST",
                    "ROWS",
                    "LEAKPROOF",
                    "NOT",
                    "EXTERNAL",
                    "SUPPORT",
                    "TRANSFORM",
                    "WINDOW",
                ],
            )
            .unwrap_or(st.toks.len());
            if let Some(n) = name_tok {
                let param = st.tok_ident(n);
                let values: Vec<&Tok> = st.toks[(i + 2).min(end)..end]
                    .iter()
                    .filter(|v| !(v.is(st.src, "TO") || v.text(st.src) == "="))
                    .filter(|v| v.kind != Kind::Comma)
                    .collect();
                let span = st.span(t.start, st.toks[end.saturating_sub(1).max(i)].end);
                if param == "search_path" {
                    let list = values
                        .iter()
                        .flat_map(|v| match v.kind {
                            Kind::Str => v
                                .text(st.src)
                                .trim_matches('\'')
                                .split(',')
                                .map(|x| x.trim().trim_matches('"').to_string())
                                .collect::<Vec<_>>(),
                            _ => vec![st.tok_ident(v)],
                        })
                        .filter(|s| !s.is_empty())
                        .collect();
                    f.search_path = Some(at(list, span));
                } else {
                    let value = values
                        .iter()
                        .map(|v| v.text(st.src))
                        .collect::<Vec<_>>()
                        .join(", ");
                    f.config.retain(|(k, _)| *k != param);
                    f.config.push((param, value));
                }
            }
            i = end;
            continue;
        }
        i += 1;
    }
    ctx.schema
        .functions
        .retain(|old| !(old.name == name && old.args == args));
    ctx.schema.functions.push(f);
    true
}

/// `CREATE [OR REPLACE] [TEMP] [RECURSIVE] [MATERIALIZED] VIEW name [(cols)] [WITH (opts)] AS
/// query [WITH CHECK OPTION]`, and `ALTER [MATERIALIZED] VIEW name SET|RESET (opts)` /
/// `OWNER TO r` / `RENAME TO n`, read from their tokens. Returns false for other statements.
pub(crate) fn view(ctx: &mut Ctx, st: &Stmt) -> bool {
    let create = is(st, 0, "CREATE");
    if !create && !is(st, 0, "ALTER") {
        return false;
    }
    let mut k = 1;
    if create && is(st, 1, "OR") && is(st, 2, "REPLACE") {
        k = 3;
    }
    while ["TEMP", "TEMPORARY", "RECURSIVE"]
        .iter()
        .any(|w| is(st, k, w))
    {
        k += 1;
    }
    let materialized = is(st, k, "MATERIALIZED");
    if materialized {
        k += 1;
    }
    if !is(st, k, "VIEW") {
        return false;
    }
    k += 1;
    if is(st, k, "IF") {
        k += if is(st, k + 1, "NOT") { 3 } else { 2 };
    }
    if k >= st.toks.len() {
        return false;
    }
    let (parts, mut i) = name_at(st, k);
    if parts.is_empty() {
        return false;
    }
    let name = qualify(ctx, &parts);
    let (whole, focus) = (st.whole(), st.focus());
    if !create {
        let Some(v) = ctx.schema.views.iter_mut().find(|v| v.name == name) else {
            return true;
        };
        if is(st, i, "SET") || is(st, i, "RESET") {
            let set = is(st, i, "SET");
            for (opt, value, span) in view_options(st, i + 1) {
                let value = set && value;
                match opt.as_str() {
                    "security_invoker" => v.security_invoker = at(value, span),
                    "security_barrier" => v.security_barrier = at(value, span),
                    _ => {}
                }
            }
        } else if is(st, i, "OWNER") && is(st, i + 1, "TO") {
            if let Some(t) = st.toks.get(i + 2) {
                v.owner = Some(at(st.tok_ident(t), st.range_focus(i, i + 2)));
            }
        } else if is(st, i, "RENAME")
            && is(st, i + 1, "TO")
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
    if is(st, i, "WITH") && st.toks.get(i + 1).is_some_and(|t| t.kind == Kind::LParen) {
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
    let body = find_kw(st, i, &["AS"]).map_or(st.toks.len(), |a| a + 1);
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
                    let (p, end) = name_at(st, j);
                    let is_call = st.toks.get(end).is_some_and(|n| n.kind == Kind::LParen);
                    let cte = p.len() == 1 && ctes.contains(&p[0]);
                    if !p.is_empty() && !is_call && !cte {
                        let q = qualify(ctx, &p);
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
        .find(|&w| is(st, w, "WITH") && (is(st, w + 1, "CHECK") || is(st, w + 2, "CHECK")))
    {
        check_option = Some(
            if is(st, w + 1, "LOCAL") {
                "local"
            } else {
                "cascaded"
            }
            .to_string(),
        );
    }
    ctx.schema.views.retain(|v| v.name != name);
    ctx.schema.views.push(super::model::View {
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
fn view_options(st: &Stmt, open: usize) -> Vec<(String, bool, crate::source::span::Span)> {
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
