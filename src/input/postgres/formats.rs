//! `EXECUTE format('<statement>', …)` in a `DO` block whose text is certain: the template is a
//! constant and each argument a constant or the variable of a loop over constants
//! (`FOREACH t IN ARRAY ARRAY['a', 'b']`, `FOR t IN SELECT unnest(ARRAY[…])`, `FOR t IN
//! VALUES ('a'), ('b')`). Migrations enable row-level security, create policies and grant
//! privileges table by table that way; the statements run as surely as written ones.
//!
//! Their text is not in the file, so it has no place of its own: the reader writes it after
//! the end of its copy of the file and every node it yields points at the `EXECUTE format(…)`
//! that runs it (the line a person changes to change the statement).

use super::grammar;
use super::lex::{self, Kind, Tok};
use super::partman::{Value, arguments, loop_values, quote_ident, string_constant};

/// One `EXECUTE format(…)` with a certain text: bytes `[start, end)` of the file (`EXECUTE`
/// through the closing parenthesis) and the statements it runs, one per loop element.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Executed {
    pub start: usize,
    pub end: usize,
    pub texts: Vec<String>,
}

/// The `EXECUTE format(…);` statements of a PL/pgSQL body (bytes `[a, b)` of `src`) whose text
/// is certain. A template with another conversion than `%I`, `%L`, `%s`, `%%` (a position or
/// a width), an argument built at run time (a query, a concatenation, a variable no loop over
/// constants binds), `USING` or `INTO` after the call, or two loop variables (nested loops)
/// make the text not known: nothing is returned for that `EXECUTE`.
/// `catalog(schema)` gives the tables of `schema` the file has created so far: a loop over the
/// catalog (`FOR r IN SELECT tablename FROM pg_tables WHERE schemaname = 'public'`) reaches
/// them. A loop over another schema than `default_schema` (the one unqualified names resolve
/// to) is read only when each statement names its table qualified by that schema
/// (`format('ALTER TABLE app.%I …', r.tablename)`, `%I.%I` with `r.schemaname`): an
/// unqualified name would be another schema's table (wild54).
pub(super) fn executed_formats(
    src: &str,
    a: usize,
    b: usize,
    catalog: Catalog,
    default_schema: &str,
) -> Vec<Executed> {
    let Some(body) = src.get(a..b) else {
        return Vec::new();
    };
    let toks = lex::tokens(body);
    let mut out = Vec::new();
    for i in 0..toks.len() {
        if !grammar::executes_at_statement_start(body, &toks, i)
            || !toks.get(i + 1).is_some_and(|f| f.is(body, "format"))
        {
            continue;
        }
        let Some((args, close)) = arguments(body, &toks, i + 2) else {
            continue;
        };
        if toks.get(close + 1).is_none_or(|s| s.kind != Kind::Semi) {
            continue;
        }
        if let Some(texts) = texts(body, &toks[..i], &args, catalog, default_schema) {
            out.push(Executed {
                start: a + toks[i].start,
                end: a + toks[close].end,
                texts,
            });
        }
    }
    out
}

/// The texts `format(template, args…)` yields; `before` are the tokens of the body before
/// the `EXECUTE` (where the loops that bind its variables start).
fn texts(
    src: &str,
    before: &[Tok],
    args: &[(Option<String>, Value)],
    catalog: Catalog,
    default_schema: &str,
) -> Option<Vec<String>> {
    let ((None, Value::Str(template)), rest) = args.split_first()? else {
        return None;
    };
    // each argument as its parts: a constant (`Ok`) or a word the loop binds (`Err`, its
    // index in `looped`). Several words may be bound only as fields of one record of a loop
    // over the catalog (`r.schemaname`, `r.tablename`): their values go by the same element.
    let mut looped: Vec<(String, Vec<String>)> = Vec::new();
    // a loop over the catalog of another schema than the default: (schema, table names)
    let mut elsewhere: Option<(String, Vec<String>)> = None;
    let mut values: Vec<Vec<Result<String, usize>>> = Vec::new();
    let record = |w: &str| w.split_once('.').map(|(v, _)| v.to_ascii_lowercase());
    for (name, v) in rest {
        if name.is_some() {
            return None;
        }
        let parts = match v {
            Value::Concat(parts) => parts.iter().collect(),
            other => vec![other],
        };
        let mut arg = Vec::new();
        for part in parts {
            match part {
                Value::Str(s) => arg.push(Ok(s.clone())),
                Value::Word(w) if w.eq_ignore_ascii_case("NULL") => return None,
                Value::Word(w) => {
                    if let Some(k) = looped.iter().position(|(x, _)| x.eq_ignore_ascii_case(w)) {
                        arg.push(Err(k));
                        continue;
                    }
                    if let Some((first, _)) = looped.first()
                        && (record(first).is_none() || record(first) != record(w))
                    {
                        return None;
                    }
                    let mut from_catalog = |var: &str, field: Option<&str>| {
                        let (elements, schema, names) =
                            catalog_loop(src, before, var, field, catalog)?;
                        if let Some(schema) = schema.filter(|s| s != default_schema) {
                            elsewhere = Some((schema, names));
                        }
                        Some(elements)
                    };
                    let elements = match w.split_once('.') {
                        // `r.tablename` of `FOR r IN SELECT tablename FROM pg_tables …`
                        Some((var, field)) => from_catalog(var, Some(field)),
                        None => {
                            let v = loop_values(src, before, w);
                            if v.is_empty() {
                                from_catalog(w, None)
                            } else {
                                Some(v)
                            }
                        }
                    }?;
                    if elements.is_empty()
                        || looped
                            .first()
                            .is_some_and(|(_, e)| e.len() != elements.len())
                    {
                        return None;
                    }
                    looped.push((w.clone(), elements));
                    arg.push(Err(looped.len() - 1));
                }
                Value::Concat(_) | Value::Other => return None,
            }
        }
        values.push(arg);
    }
    // a record's schema alone names no table
    let schema_only = !looped.is_empty()
        && looped.iter().all(|(w, _)| {
            w.split_once('.').is_some_and(|(_, f)| {
                ["schemaname", "table_schema", "nspname"]
                    .iter()
                    .any(|c| f.eq_ignore_ascii_case(c))
            })
        });
    if schema_only {
        return None;
    }
    let count = looped.first().map_or(1, |(_, e)| e.len());
    let texts: Option<Vec<String>> = (0..count)
        .map(|i| {
            let args: Vec<String> = values
                .iter()
                .map(|parts| {
                    parts
                        .iter()
                        .map(|p| match p {
                            Ok(s) => s.as_str(),
                            Err(k) => looped[*k].1[i].as_str(),
                        })
                        .collect()
                })
                .collect();
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            substitute(template, &args)
        })
        .collect();
    let texts = texts?;
    // another schema's tables: each statement must name its table in that schema
    if let Some((schema, names)) = elsewhere {
        let qualified = |text: &str, name: &str| {
            let (s, n) = (quote_ident(&schema), quote_ident(name));
            [format!("{s}.{n}"), format!("{schema}.{name}")]
                .iter()
                .any(|q| text.contains(q.as_str()))
        };
        if names.len() != texts.len()
            || texts
                .iter()
                .zip(&names)
                .any(|(text, name)| !qualified(text, name))
        {
            return None;
        }
    }
    Some(texts)
}

/// `format`'s template with its conversions taken from `args`: in order, or by position
/// (`%1$I`, which also sets where the next unnumbered one reads). None for a flag or width
/// (`%-10s`, `%*s`), another conversion than `%I`, `%L`, `%s`, `%%`, or an argument the
/// template names but the call lacks (PostgreSQL rejects too few; it ignores extra ones).
fn substitute(template: &str, args: &[&str]) -> Option<String> {
    let mut out = String::with_capacity(template.len() + 16);
    let mut next = 0usize;
    let mut chars = template.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut conv = chars.next()?;
        if conv == '%' {
            out.push('%');
            continue;
        }
        if conv.is_ascii_digit() {
            let mut n = conv.to_digit(10)? as usize;
            loop {
                conv = chars.next()?;
                match conv.to_digit(10) {
                    Some(d) => n = n.checked_mul(10)?.checked_add(d as usize)?,
                    None => break,
                }
            }
            if conv != '$' || n == 0 {
                return None;
            }
            next = n - 1;
            conv = chars.next()?;
        }
        let arg = *args.get(next)?;
        next += 1;
        match conv {
            'I' => out.push_str(&quote_ident(arg)),
            'L' => {
                out.push('\'');
                out.push_str(&arg.replace('\'', "''"));
                out.push('\'');
            }
            's' => out.push_str(arg),
            _ => return None,
        }
    }
    Some(out)
}

/// A table of the catalog as a loop sees it: its name (schema left out) and whether its
/// row-level security is enabled at that point.
pub(super) type CatalogTable = (String, bool);

/// The tables of a schema that exist when a block runs (see `catalog_loop`): None when the
/// schema is not the one unqualified names resolve to ("" is `current_schema()`).
pub(super) type Catalog<'a> = &'a dyn Fn(&str) -> Option<Vec<CatalogTable>>;

/// The table names a loop over the catalog gives its variable: `FOR r IN SELECT tablename FROM
/// pg_tables WHERE schemaname = 'public' LOOP` (with `r.tablename` read, `field`), `FOR t IN
/// SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' [AND
/// table_type = 'BASE TABLE']`, or `FOR r IN SELECT relname FROM pg_class WHERE relkind = 'r'
/// AND relnamespace = 'public'::regnamespace` (also `c.relname FROM pg_class c JOIN
/// pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'r'`).
/// The set is not written in the file, but the intent is "every table of that schema", and
/// when the block runs those are the tables earlier migrations of the folder and the file
/// itself created there before the block (`catalog`): the loop reaches each of them. Other
/// filters may be `AND tablename IN (…)` / `NOT IN (…)` / `<> '…'` (`!=`) / `[NOT] LIKE`;
/// with an `IN` list the list is the set; `rowsecurity = false` (`relrowsecurity`, `NOT
/// rowsecurity`, `IS FALSE`, `IS NOT TRUE`, and the `true` forms) keeps the tables whose RLS
/// is off (on) at that point. Anything else in the query (another filter, another join, `OR`,
/// `ORDER BY`), a schema unqualified names do not resolve to, a `pg_class` loop without
/// `relkind = 'r'`, or a column that is not the table's name: not known (None).
fn catalog_loop(
    src: &str,
    toks: &[Tok],
    var: &str,
    field: Option<&str>,
    catalog: Catalog,
) -> Option<(Vec<String>, Option<String>, Vec<String>)> {
    let word = |k: usize, w: &str| toks.get(k).is_some_and(|t| t.is(src, w));
    let k = (0..toks.len()).rev().find(|&k| {
        word(k, "FOR") && word(k + 1, var) && word(k + 2, "IN") && {
            let open = toks.get(k + 3).is_some_and(|t| t.kind == Kind::LParen);
            word(k + 3 + usize::from(open), "SELECT")
        }
    })?;
    // `FOR r IN (SELECT …) LOOP`
    let wrapped = toks[k + 3].kind == Kind::LParen;
    let dotted = |k: usize| -> Option<(String, usize)> {
        let a = toks.get(k)?;
        if a.kind != Kind::Word {
            return None;
        }
        match (toks.get(k + 1), toks.get(k + 2)) {
            (Some(d), Some(b)) if d.text(src) == "." && b.kind == Kind::Word => Some((
                format!("{}.{}", a.text(src), b.text(src)).to_ascii_lowercase(),
                k + 3,
            )),
            _ => Some((a.text(src).to_ascii_lowercase(), k + 1)),
        }
    };
    let last = |s: &str| s.rsplit('.').next().unwrap_or("").to_string();
    // the selected columns (an alias's qualifier left out)
    let mut at = k + 4 + usize::from(wrapped);
    let mut cols = Vec::new();
    loop {
        let (col, next) = dotted(at)?;
        cols.push(last(&col));
        at = next;
        if toks.get(at)?.kind == Kind::Comma {
            at += 1;
        } else {
            break;
        }
    }
    if !word(at, "FROM") {
        return None;
    }
    at += 1;
    // an alias after a relation: `pg_class c`, `pg_class AS c`
    let alias = |k: usize| -> usize {
        let reserved = [
            "WHERE", "JOIN", "INNER", "LOOP", "ON", "ORDER", "LIMIT", "CROSS",
        ];
        if word(k, "AS") && toks.get(k + 1).is_some_and(|t| t.kind == Kind::Word) {
            return k + 2;
        }
        match toks.get(k) {
            Some(t) if t.kind == Kind::Word && !reserved.iter().any(|r| t.is(src, r)) => k + 1,
            _ => k,
        }
    };
    let (relation, next) = dotted(at)?;
    let (name_col, schema_col, rls_col) = match relation.as_str() {
        "pg_tables" | "pg_catalog.pg_tables" => ("tablename", "schemaname", "rowsecurity"),
        "information_schema.tables" => ("table_name", "table_schema", ""),
        "pg_class" | "pg_catalog.pg_class" => ("relname", "nspname", "relrowsecurity"),
        _ => return None,
    };
    let pg_class = name_col == "relname";
    at = alias(next);
    // `JOIN pg_namespace n ON n.oid = c.relnamespace` (or `, pg_namespace n` with that
    // condition in the WHERE clause)
    let mut joined = false;
    let mut join_condition = false;
    if pg_class && (word(at, "JOIN") || (word(at, "INNER") && word(at + 1, "JOIN"))) {
        at += if word(at, "INNER") { 2 } else { 1 };
        let (ns, next) = dotted(at)?;
        if last(&ns) != "pg_namespace" {
            return None;
        }
        at = alias(next);
        if !word(at, "ON") {
            return None;
        }
        let (l, after) = dotted(at + 1)?;
        if toks.get(after).map(|t| t.text(src)) != Some("=") {
            return None;
        }
        let (r, end) = dotted(after + 1)?;
        let pair = [last(&l), last(&r)];
        if !(pair == ["oid", "relnamespace"] || pair == ["relnamespace", "oid"]) {
            return None;
        }
        joined = true;
        at = end;
    } else if pg_class && toks.get(at).is_some_and(|t| t.kind == Kind::Comma) {
        let (ns, next) = dotted(at + 1)?;
        if last(&ns) != "pg_namespace" {
            return None;
        }
        joined = true;
        join_condition = true;
        at = alias(next);
    }
    let read = field.map_or_else(
        || (cols.len() == 1).then(|| cols[0].clone()),
        |f| Some(f.to_ascii_lowercase()),
    )?;
    // `r.schemaname` beside `r.tablename`: the schema of each table (a written one)
    let schema_field = read == schema_col;
    if !(read == name_col || schema_field) || !cols.contains(&read) {
        return None;
    }
    let mut schema: Option<String> = None;
    let mut listed: Option<Vec<String>> = None;
    let mut excluded: Vec<String> = Vec::new();
    let mut patterns: Vec<(String, bool)> = Vec::new();
    // `rowsecurity = false` keeps the tables whose RLS is off (`Some(false)`)
    let mut rls: Option<bool> = None;
    let mut relkind = false;
    if word(at, "WHERE") {
        at += 1;
        loop {
            // `NOT rowsecurity`
            if !rls_col.is_empty()
                && word(at, "NOT")
                && dotted(at + 1).is_some_and(|(c, _)| last(&c) == rls_col)
            {
                rls = Some(false);
                at = dotted(at + 1)?.1;
                if word(at, "AND") {
                    at += 1;
                    continue;
                }
                break;
            }
            let (col, after) = dotted(at)?;
            let col = last(&col);
            let op = toks.get(after).map(|t| t.text(src)).unwrap_or("");
            let op2 = toks.get(after + 1).map(|t| t.text(src)).unwrap_or("");
            let constant = |k: usize| {
                toks.get(k)
                    .filter(|t| t.kind == Kind::Str)
                    .and_then(|t| string_constant(t.text(src)))
            };
            let list = |k: usize| -> Option<(Vec<String>, usize)> {
                if toks.get(k)?.kind != Kind::LParen {
                    return None;
                }
                let mut values = Vec::new();
                let mut j = k + 1;
                loop {
                    values.push(constant(j)?);
                    match toks.get(j + 1)?.kind {
                        Kind::Comma => j += 2,
                        Kind::RParen => return Some((values, j + 2)),
                        _ => return None,
                    }
                }
            };
            let current_schema = word(after + 1, "current_schema");
            if !rls_col.is_empty() && col == rls_col {
                // `= false`, `= true`, `IS [NOT] FALSE|TRUE`, or the column alone (true)
                let boolean = |k: usize| -> Option<bool> {
                    let t = toks.get(k)?;
                    if t.is(src, "true") {
                        return Some(true);
                    }
                    if t.is(src, "false") {
                        return Some(false);
                    }
                    match constant(k)?.to_ascii_lowercase().as_str() {
                        "t" | "true" => Some(true),
                        "f" | "false" => Some(false),
                        _ => None,
                    }
                };
                if op == "=" {
                    rls = Some(boolean(after + 1)?);
                    at = after + 2;
                } else if word(after, "IS") && word(after + 1, "NOT") {
                    rls = Some(!boolean(after + 2)?);
                    at = after + 3;
                } else if word(after, "IS") {
                    rls = Some(boolean(after + 1)?);
                    at = after + 2;
                } else {
                    rls = Some(true);
                    at = after;
                }
            } else if pg_class && col == "relkind" && op == "=" {
                if constant(after + 1)? != "r" {
                    return None;
                }
                relkind = true;
                at = after + 2;
            } else if pg_class && col == "relkind" && op.eq_ignore_ascii_case("IN") {
                let (kinds, end) = list(after + 1)?;
                if !kinds.iter().any(|k| k == "r") || kinds.iter().any(|k| k != "r" && k != "p") {
                    return None;
                }
                relkind = true;
                at = end;
            } else if join_condition
                && op == "="
                && dotted(after + 1).is_some_and(|(r, _)| {
                    let pair = [col.clone(), last(&r)];
                    pair == ["oid", "relnamespace"] || pair == ["relnamespace", "oid"]
                })
            {
                join_condition = false;
                at = dotted(after + 1)?.1;
            } else if pg_class && col == "relnamespace" && op == "=" {
                // `relnamespace = 'public'::regnamespace`
                let s = constant(after + 1)?;
                if !(toks.get(after + 2).map(|t| t.text(src)) == Some(":")
                    && toks.get(after + 3).map(|t| t.text(src)) == Some(":")
                    && word(after + 4, "regnamespace"))
                {
                    return None;
                }
                schema = Some(s);
                at = after + 5;
            } else if col == schema_col && (!pg_class || joined) && op == "=" && current_schema {
                // `current_schema()`: the schema unqualified names resolve to
                schema = Some(String::new());
                let call = toks.get(after + 2).is_some_and(|t| t.kind == Kind::LParen)
                    && toks.get(after + 3).is_some_and(|t| t.kind == Kind::RParen);
                at = after + if call { 4 } else { 2 };
            } else if col == schema_col && (!pg_class || joined) && op == "=" {
                schema = Some(constant(after + 1)?);
                at = after + 2;
            } else if col == name_col
                && (op.eq_ignore_ascii_case("LIKE")
                    || (op.eq_ignore_ascii_case("NOT") && op2.eq_ignore_ascii_case("LIKE")))
            {
                let negated = op.eq_ignore_ascii_case("NOT");
                let at_pattern = after + 1 + usize::from(negated);
                let pattern = constant(at_pattern)?;
                if word(at_pattern + 1, "ESCAPE") {
                    return None;
                }
                patterns.push((pattern, negated));
                at = at_pattern + 1;
            } else if col == "table_type" && op == "=" && constant(after + 1)? == "BASE TABLE" {
                at = after + 2;
            } else if col == name_col && op.eq_ignore_ascii_case("IN") {
                let (values, end) = list(after + 1)?;
                listed = Some(values);
                at = end;
            } else if col == name_col
                && op.eq_ignore_ascii_case("NOT")
                && op2.eq_ignore_ascii_case("IN")
            {
                let (values, end) = list(after + 2)?;
                excluded.extend(values);
                at = end;
            } else if col == name_col && ((op == "<" && op2 == ">") || (op == "!" && op2 == "=")) {
                excluded.push(constant(after + 2)?);
                at = after + 3;
            } else {
                return None;
            }
            if word(at, "AND") {
                at += 1;
            } else {
                break;
            }
        }
    }
    // a pg_class loop reads ordinary tables only when it says so (indexes, views and
    // sequences are relations too), and its namespace join must be complete
    if pg_class && (!relkind || join_condition) {
        return None;
    }
    if wrapped {
        if toks.get(at).is_none_or(|t| t.kind != Kind::RParen) {
            return None;
        }
        at += 1;
    }
    if !word(at, "LOOP") {
        return None;
    }
    let written_schema = schema.clone().filter(|s| !s.is_empty());
    if schema_field && written_schema.is_none() {
        return None;
    }
    let names: Vec<CatalogTable> = match (listed, schema) {
        // a listed table's RLS is known only from the catalog
        (Some(list), schema) => {
            let known = schema.as_deref().and_then(catalog).unwrap_or_default();
            list.into_iter()
                .map(|n| {
                    let on = known.iter().any(|(k, on)| *k == n && *on);
                    (n, on)
                })
                .collect()
        }
        (None, Some(schema)) => catalog(&schema)?,
        (None, None) => return None,
    };
    let reached: Vec<String> = names
        .into_iter()
        .filter(|(_, on)| rls.is_none_or(|want| *on == want))
        .map(|(n, _)| n)
        .filter(|n| !excluded.contains(n))
        .filter(|n| patterns.iter().all(|(p, negated)| like(n, p) != *negated))
        .collect();
    let elements = reached
        .iter()
        .map(|n| match (&written_schema, schema_field) {
            (Some(s), true) => s.clone(),
            _ => n.clone(),
        })
        .collect();
    Some((elements, written_schema, reached))
}

/// SQL's `LIKE`: `%` any run of characters, `_` one character, `\` escapes the next.
fn like(text: &str, pattern: &str) -> bool {
    fn go(t: &[char], p: &[char]) -> bool {
        match p.split_first() {
            None => t.is_empty(),
            Some(('%', rest)) => (0..=t.len()).any(|i| go(&t[i..], rest)),
            Some(('_', rest)) => !t.is_empty() && go(&t[1..], rest),
            Some(('\\', rest)) if !rest.is_empty() => {
                t.first() == Some(&rest[0]) && go(&t[1..], &rest[1..])
            }
            Some((c, rest)) => t.first() == Some(c) && go(&t[1..], rest),
        }
    }
    let t: Vec<char> = text.chars().collect();
    let p: Vec<char> = pattern.chars().collect();
    go(&t, &p)
}

/// Whether a text is a query that changes no schema (`SELECT`, `PERFORM`): pg_partman's calls
/// among them are read by `partman`.
pub(super) fn is_query(text: &str) -> bool {
    let first = text.split_whitespace().next().unwrap_or("");
    ["SELECT", "PERFORM", "WITH", "INSERT", "UPDATE", "DELETE"]
        .iter()
        .any(|k| first.eq_ignore_ascii_case(k))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(body: &str) -> Vec<Vec<String>> {
        let catalog = |schema: &str| match schema {
            // "" is `current_schema()`
            "public" | "" => Some(vec![
                ("accounts".to_string(), false),
                ("Notes".to_string(), true),
            ]),
            "app" => Some(vec![("orders".to_string(), false)]),
            _ => None,
        };
        executed_formats(body, 0, body.len(), &catalog, "public")
            .into_iter()
            .map(|e| e.texts)
            .collect()
    }

    #[test]
    fn loops_over_constants_yield_one_statement_per_element() {
        let foreach = "DECLARE tbl text; BEGIN FOREACH tbl IN ARRAY ARRAY['tenant_domains', 'Users', 'public.x'] LOOP EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', tbl); EXECUTE format('CREATE POLICY %I ON %I USING (tenant_id = %L)', tbl || '_p', tbl, 'a'); END LOOP; END";
        assert_eq!(
            read(foreach)[0],
            vec![
                "ALTER TABLE tenant_domains ENABLE ROW LEVEL SECURITY".to_string(),
                "ALTER TABLE \"Users\" ENABLE ROW LEVEL SECURITY".to_string(),
                "ALTER TABLE \"public.x\" ENABLE ROW LEVEL SECURITY".to_string(),
            ]
        );
        // a name built from the element (`tbl || '_p'`), a dollar-quoted template
        assert_eq!(
            read(foreach)[1][0],
            "CREATE POLICY tenant_domains_p ON tenant_domains USING (tenant_id = 'a')"
        );
        let positional = "BEGIN FOREACH t IN ARRAY ARRAY['a'] LOOP EXECUTE format('CREATE POLICY p_%1$s ON %1$I USING (true)', t); END LOOP; END";
        assert_eq!(
            read(positional)[0][0],
            "CREATE POLICY p_a ON a USING (true)"
        );
        let dollar = "BEGIN FOREACH t IN ARRAY ARRAY['a'] LOOP EXECUTE format($f$CREATE POLICY p ON %I USING (x = 'y')$f$, t); END LOOP; END";
        assert_eq!(read(dollar)[0][0], "CREATE POLICY p ON a USING (x = 'y')");
        let unnest = "DECLARE t text; BEGIN FOR t IN SELECT unnest(ARRAY['a', 'b']) LOOP EXECUTE format('ALTER TABLE public.%I FORCE ROW LEVEL SECURITY', t); END LOOP; END";
        assert_eq!(
            read(unnest)[0][1],
            "ALTER TABLE public.b FORCE ROW LEVEL SECURITY"
        );
        let values = "BEGIN FOR t IN VALUES ('a'), ('order') LOOP EXECUTE format('GRANT SELECT ON %I TO %s', t, 'app'); END LOOP; END";
        assert_eq!(
            read(values),
            vec![vec![
                "GRANT SELECT ON a TO app".to_string(),
                "GRANT SELECT ON \"order\" TO app".to_string(),
            ]]
        );
        let constant = "BEGIN EXECUTE format('ALTER TABLE %I.%I ENABLE ROW LEVEL SECURITY', 'app', 'accounts'); END";
        assert_eq!(
            read(constant),
            vec![vec![
                "ALTER TABLE app.accounts ENABLE ROW LEVEL SECURITY".to_string()
            ]]
        );
    }

    /// wild45: a loop over the catalog's tables of a schema reaches the tables the file created
    /// there before the block; an `IN` list is the set; other filters make it not known.
    #[test]
    fn loops_over_the_catalog_reach_the_tables_created_before() {
        let pg_tables = "DECLARE r record; BEGIN FOR r IN SELECT tablename FROM pg_tables WHERE schemaname = 'public' LOOP EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', r.tablename); END LOOP; END";
        assert_eq!(
            read(pg_tables),
            vec![vec![
                "ALTER TABLE accounts ENABLE ROW LEVEL SECURITY".to_string(),
                "ALTER TABLE \"Notes\" ENABLE ROW LEVEL SECURITY".to_string(),
            ]]
        );
        let info = "DECLARE t text; BEGIN FOR t IN SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name NOT IN ('Notes', 'x') LOOP EXECUTE format('ALTER TABLE public.%I FORCE ROW LEVEL SECURITY', t); END LOOP; END";
        assert_eq!(
            read(info),
            vec![vec![
                "ALTER TABLE public.accounts FORCE ROW LEVEL SECURITY".to_string()
            ]]
        );
        let wrapped = "DECLARE r record; BEGIN FOR r IN (SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename NOT LIKE 'pg\\_%' AND tablename LIKE 'acc%') LOOP EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', r.tablename); END LOOP; END";
        assert_eq!(
            read(wrapped),
            vec![vec![
                "ALTER TABLE accounts ENABLE ROW LEVEL SECURITY".to_string()
            ]]
        );
        let listed = "DECLARE t text; BEGIN FOR t IN SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = 'public' AND tablename IN ('orders', 'items') LOOP EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t); END LOOP; END";
        assert_eq!(read(listed)[0].len(), 2);
        for unknown in [
            // another schema than the one unqualified names resolve to, its tables named
            // unqualified (they would be the default schema's)
            "DECLARE r record; BEGIN FOR r IN SELECT tablename FROM pg_tables WHERE schemaname = 'app' LOOP EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', r.tablename); END LOOP; END",
            "DECLARE r record; BEGIN FOR r IN SELECT tablename FROM pg_tables WHERE schemaname = 'app' LOOP EXECUTE format('ALTER TABLE other.%I ENABLE ROW LEVEL SECURITY', r.tablename); END LOOP; END",
            // a filter that is not read
            "DECLARE r record; BEGIN FOR r IN SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE 'tenant_%' LOOP EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', r.tablename); END LOOP; END",
            "DECLARE r record; BEGIN FOR r IN SELECT tablename FROM pg_tables WHERE schemaname = 'public' OR schemaname = 'x' LOOP EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', r.tablename); END LOOP; END",
            // the field read is not the table's name
            "DECLARE r record; BEGIN FOR r IN SELECT schemaname, tablename FROM pg_tables WHERE schemaname = 'public' LOOP EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', r.schemaname); END LOOP; END",
            // another relation
            "DECLARE r record; BEGIN FOR r IN SELECT tablename FROM my_tables WHERE schemaname = 'public' LOOP EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', r.tablename); END LOOP; END",
        ] {
            assert_eq!(read(unknown), Vec::<Vec<String>>::new(), "{unknown}");
        }
    }

    /// wild54: a loop over another schema's catalog (`schemaname = 'app'`) reaches that
    /// schema's tables when each statement names them in it (`app.%I`, or `%I.%I` with the
    /// record's schema field); `information_schema.tables` and `pg_class` loops alike.
    #[test]
    fn loops_over_another_schema_reach_its_tables_when_named_in_it() {
        for body in [
            "DECLARE r record; BEGIN FOR r IN SELECT tablename FROM pg_tables WHERE schemaname = 'app' LOOP EXECUTE format('ALTER TABLE app.%I ENABLE ROW LEVEL SECURITY', r.tablename); END LOOP; END",
            "DECLARE r record; BEGIN FOR r IN SELECT schemaname, tablename FROM pg_tables WHERE schemaname = 'app' LOOP EXECUTE format('ALTER TABLE %I.%I ENABLE ROW LEVEL SECURITY', r.schemaname, r.tablename); END LOOP; END",
            "DECLARE t text; BEGIN FOR t IN SELECT table_name FROM information_schema.tables WHERE table_schema = 'app' AND table_type = 'BASE TABLE' LOOP EXECUTE format('ALTER TABLE app.%I ENABLE ROW LEVEL SECURITY', t); END LOOP; END",
            "DECLARE r record; BEGIN FOR r IN SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'app' AND c.relkind = 'r' LOOP EXECUTE format('ALTER TABLE app.%I ENABLE ROW LEVEL SECURITY', r.relname); END LOOP; END",
        ] {
            assert_eq!(
                read(body),
                vec![vec![
                    "ALTER TABLE app.orders ENABLE ROW LEVEL SECURITY".to_string()
                ]],
                "{body}"
            );
        }
    }

    /// wild47: `rowsecurity = false` keeps the tables whose RLS is off when the block runs;
    /// loops over `pg_class` with `relkind = 'r'` and a namespace are read.
    #[test]
    fn loops_filtered_by_row_security_and_over_pg_class_are_read() {
        let accounts = || {
            vec![vec![
                "ALTER TABLE accounts ENABLE ROW LEVEL SECURITY".to_string(),
            ]]
        };
        for body in [
            "DECLARE r record; BEGIN FOR r IN SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND rowsecurity = false LOOP EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', r.tablename); END LOOP; END",
            "DECLARE r record; BEGIN FOR r IN SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND NOT rowsecurity LOOP EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', r.tablename); END LOOP; END",
            "DECLARE r record; BEGIN FOR r IN SELECT t.tablename FROM pg_tables t WHERE t.schemaname = 'public' AND t.rowsecurity IS NOT TRUE LOOP EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', r.tablename); END LOOP; END",
            "DECLARE r record; BEGIN FOR r IN SELECT relname FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace AND NOT relrowsecurity LOOP EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', r.relname); END LOOP; END",
            "DECLARE r record; BEGIN FOR r IN SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relrowsecurity = false LOOP EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', r.relname); END LOOP; END",
            "DECLARE r record; BEGIN FOR r IN SELECT c.relname FROM pg_class c, pg_namespace n WHERE c.relnamespace = n.oid AND n.nspname = 'public' AND c.relkind = 'r' AND c.relname <> 'Notes' LOOP EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', r.relname); END LOOP; END",
        ] {
            assert_eq!(read(body), accounts(), "{body}");
        }
        let on = "DECLARE r record; BEGIN FOR r IN SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND rowsecurity = true LOOP EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', r.tablename); END LOOP; END";
        assert_eq!(
            read(on),
            vec![vec![
                "ALTER TABLE \"Notes\" FORCE ROW LEVEL SECURITY".to_string()
            ]]
        );
        // two fields of the record: the schema and the name
        let two = "DECLARE r RECORD; BEGIN FOR r IN SELECT schemaname, tablename FROM pg_tables WHERE schemaname = 'public' LOOP EXECUTE format('ALTER TABLE %I.%I ENABLE ROW LEVEL SECURITY', r.schemaname, r.tablename); END LOOP; END";
        assert_eq!(
            read(two),
            vec![vec![
                "ALTER TABLE public.accounts ENABLE ROW LEVEL SECURITY".to_string(),
                "ALTER TABLE public.\"Notes\" ENABLE ROW LEVEL SECURITY".to_string(),
            ]]
        );
        for unknown in [
            // every relation kind: indexes, views, sequences too
            "DECLARE r record; BEGIN FOR r IN SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace LOOP EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', r.relname); END LOOP; END",
            // a schema filter without the namespace join
            "DECLARE r record; BEGIN FOR r IN SELECT c.relname FROM pg_class c, pg_namespace n WHERE n.nspname = 'public' AND c.relkind = 'r' LOOP EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', r.relname); END LOOP; END",
            // views
            "DECLARE r record; BEGIN FOR r IN SELECT relname FROM pg_class WHERE relkind = 'v' AND relnamespace = 'public'::regnamespace LOOP EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', r.relname); END LOOP; END",
        ] {
            assert_eq!(read(unknown), Vec::<Vec<String>>::new(), "{unknown}");
        }
    }

    #[test]
    fn texts_built_at_run_time_are_not_known() {
        for body in [
            // a loop over the catalog
            "DECLARE r record; BEGIN FOR r IN SELECT tablename FROM pg_tables LOOP EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', r); END LOOP; END",
            // a variable no loop binds
            "DECLARE t text := current_setting('x'); BEGIN EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t); END",
            // an argument concatenated with a call
            "BEGIN FOREACH t IN ARRAY ARRAY['a'] LOOP EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t || now()); END LOOP; END",
            // a width, too few arguments, USING after the call
            "BEGIN EXECUTE format('ALTER TABLE %-10I ENABLE ROW LEVEL SECURITY', 'a'); END",
            "BEGIN EXECUTE format('ALTER TABLE %I.%I ENABLE ROW LEVEL SECURITY', 'a'); END",
            "BEGIN EXECUTE format('UPDATE %I SET x = $1', 'a') USING 1; END",
            // two loop variables (nested loops)
            "BEGIN FOREACH s IN ARRAY ARRAY['a'] LOOP FOREACH t IN ARRAY ARRAY['b'] LOOP EXECUTE format('GRANT SELECT ON %I.%I TO r', s, t); END LOOP; END LOOP; END",
            // the loop comes after the EXECUTE
            "BEGIN EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t); FOREACH t IN ARRAY ARRAY['a'] LOOP NULL; END LOOP; END",
        ] {
            assert_eq!(read(body), Vec::<Vec<String>>::new(), "{body}");
        }
    }
}
