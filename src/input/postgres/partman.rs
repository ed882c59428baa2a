//! pg_partman's `create_parent` (named `create_partition` from 5.3 on; `create_parent` stays as
//! its alias): the call makes a table's partitions when the migration runs, so no statement of
//! the schema creates them. Among them is a DEFAULT partition, `<parent>_default`, unless
//! `p_default_table` is false (5.x) or the type is trigger-based `partman` (4.x); leaving it
//! out of the model made SQL-014 report every table handed to pg_partman. The call's
//! `p_template_table` names a table that only carries properties to new partitions and never
//! holds a row: it is marked so that the rules about a table's rows pass it by.
//!
//! The calls are read from the tokens of a `SELECT` or of a `DO` body (`PERFORM
//! create_parent(…)`); the arguments, positional or named (`p_name := v`, `p_name => v`), are
//! string or boolean constants.

use super::ctx::Ctx;
use super::lex::{Kind, Tok};
use super::model::{Partition, Partman};
use super::stmt::Stmt;

/// One `create_parent(…)` call.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Call {
    /// The parent table, `schema.table` as pg_partman requires it.
    pub parent: String,
    /// Whether pg_partman creates the DEFAULT partition.
    pub default_table: bool,
    /// `p_template_table`, when given.
    pub template: Option<String>,
    /// Byte range of the call: the function name through the closing parenthesis.
    pub start: usize,
    pub end: usize,
}

/// `p_type` values of pg_partman 4.x and earlier, whose positional order differs from 5.x
/// (`p_parent_table, p_control, p_type, p_interval, …`).
const LEGACY_TYPES: &[&str] = &[
    "native",
    "partman",
    "time-static",
    "time-dynamic",
    "time-custom",
    "id-static",
    "id-dynamic",
];

/// Positional indexes of the arguments read, by signature.
struct Signature {
    type_: usize,
    default_table: Option<usize>,
    template: usize,
}

const V5: Signature = Signature {
    type_: 3,
    default_table: Some(7),
    template: 10,
};

/// 4.x has no `p_default_table`: a natively partitioned parent always gets its DEFAULT.
const V4: Signature = Signature {
    type_: 2,
    default_table: None,
    template: 13,
};

/// An argument's value: a string constant (unquoted) or a bare word (`false`, `NULL`).
#[derive(Debug, Clone)]
pub(super) enum Value {
    Str(String),
    Word(String),
    /// Constants and words joined by `||` (`t || '_select'`).
    Concat(Vec<Value>),
    Other,
}

impl Value {
    fn text(&self) -> Option<&str> {
        match self {
            Value::Str(s) | Value::Word(s) => Some(s),
            Value::Concat(_) | Value::Other => None,
        }
    }

    /// PostgreSQL's spellings of false for a boolean argument.
    fn is_false(&self) -> bool {
        self.text().is_some_and(|t| {
            ["false", "f", "no", "n", "off", "0"]
                .iter()
                .any(|w| t.trim().eq_ignore_ascii_case(w))
        })
    }
}

/// The pg_partman calls among `toks` (tokens of `src`).
pub(super) fn calls(src: &str, toks: &[Tok]) -> Vec<Call> {
    let mut out = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        if !(t.is(src, "create_parent") || t.is(src, "create_partition"))
            || toks.get(i + 1).is_none_or(|n| n.kind != Kind::LParen)
            || defines_function(src, toks, i)
        {
            continue;
        }
        let Some((args, close)) = arguments(src, toks, i + 1) else {
            continue;
        };
        let parents = |v: &Value| match v {
            Value::Str(s) => vec![s.clone()],
            Value::Word(var) => loop_values(src, toks, var),
            Value::Concat(_) | Value::Other => Vec::new(),
        };
        out.extend(read_call(&args, parents, t.start, toks[close].end));
    }
    out.extend(executed_calls(src, toks));
    out
}

/// The calls a PL/pgSQL `EXECUTE` runs from a constant text: `EXECUTE 'SELECT
/// partman.create_parent(''app.t'', …)'`, or `EXECUTE format('SELECT
/// partman.create_parent(%L, …)', 'app.t')` whose arguments are constants or a loop variable
/// over an array of them. The calls found span the whole `EXECUTE`; a text built any other
/// way (concatenation, a query's result) yields nothing.
fn executed_calls(src: &str, toks: &[Tok]) -> Vec<Call> {
    let mut out = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        if !t.is(src, "EXECUTE") {
            continue;
        }
        let (texts, end) = match toks.get(i + 1) {
            Some(s) if s.kind == Kind::Str => match string_constant(s.text(src)) {
                Some(text) => (vec![text], s.end),
                None => continue,
            },
            Some(f) if f.is(src, "format") => match formatted(src, toks, i + 2) {
                Some(found) => found,
                None => continue,
            },
            _ => continue,
        };
        for text in texts {
            if !text.to_ascii_lowercase().contains("create_parent")
                && !text.to_ascii_lowercase().contains("create_partition")
            {
                continue;
            }
            let inner = super::lex::tokens(&text);
            out.extend(calls(&text, &inner).into_iter().map(|c| Call {
                start: t.start,
                end,
                ..c
            }));
        }
    }
    out
}

/// The texts `format('…', a, b)` (its `(` at `toks[open]`) yields: `%L` is replaced by the
/// argument as a quoted literal, `%s` and `%I` by the argument itself. An argument that is a
/// loop variable over an array yields one text per element. None when the template or an
/// argument is not known.
fn formatted(src: &str, toks: &[Tok], open: usize) -> Option<(Vec<String>, usize)> {
    if toks.get(open)?.kind != Kind::LParen {
        return None;
    }
    let (args, close) = arguments(src, toks, open)?;
    let (template, rest) = args.split_first()?;
    let Value::Str(template) = &template.1 else {
        return None;
    };
    let mut choices: Vec<Vec<String>> = Vec::new();
    for (_, v) in rest {
        let values = match v {
            Value::Str(s) => vec![s.clone()],
            Value::Word(var) => loop_values(src, toks, var),
            Value::Concat(_) | Value::Other => Vec::new(),
        };
        if values.is_empty() {
            return None;
        }
        choices.push(values);
    }
    // one text per element of the (at most one) argument that takes several values
    let rounds = choices.iter().map(Vec::len).max().unwrap_or(1);
    let texts = (0..rounds)
        .map(|round| {
            let mut args = choices
                .iter()
                .map(|c| c.get(round).unwrap_or(&c[0]).as_str());
            substitute(template, &mut args)
        })
        .collect();
    Some((texts, toks[close].end))
}

/// `format`'s template with its `%L`, `%s`, `%I` taken from `args` in order (`%%` is `%`).
pub(super) fn substitute<'a>(template: &str, args: &mut impl Iterator<Item = &'a str>) -> String {
    let mut out = String::new();
    let mut chars = template.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('L') => {
                let v = args.next().unwrap_or("");
                out.push('\'');
                out.push_str(&v.replace('\'', "''"));
                out.push('\'');
            }
            Some('I') => out.push_str(&quote_ident(args.next().unwrap_or(""))),
            Some('s') => out.push_str(args.next().unwrap_or("")),
            Some(other) => {
                out.push('%');
                out.push(other);
            }
            None => out.push('%'),
        }
    }
    out
}

/// PostgreSQL's reserved key words (those `quote_ident` quotes besides names that are not
/// plain lower-case identifiers).
const RESERVED: &[&str] = &[
    "all",
    "analyse",
    "analyze",
    "and",
    "any",
    "array",
    "as",
    "asc",
    "asymmetric",
    "both",
    "case",
    "cast",
    "check",
    "collate",
    "column",
    "constraint",
    "create",
    "current_catalog",
    "current_date",
    "current_role",
    "current_time",
    "current_timestamp",
    "current_user",
    "default",
    "deferrable",
    "desc",
    "distinct",
    "do",
    "else",
    "end",
    "except",
    "false",
    "fetch",
    "for",
    "foreign",
    "from",
    "grant",
    "group",
    "having",
    "in",
    "initially",
    "intersect",
    "into",
    "lateral",
    "leading",
    "limit",
    "localtime",
    "localtimestamp",
    "not",
    "null",
    "offset",
    "on",
    "only",
    "or",
    "order",
    "placing",
    "primary",
    "references",
    "returning",
    "select",
    "session_user",
    "some",
    "symmetric",
    "system_user",
    "table",
    "then",
    "to",
    "trailing",
    "true",
    "union",
    "unique",
    "user",
    "using",
    "variadic",
    "when",
    "where",
    "window",
    "with",
];

/// `format`'s `%I`: the text as one identifier, in double quotes unless it is a plain
/// lower-case name that is no reserved word (`'public.t'` is the one name `"public.t"`, as
/// PostgreSQL's `quote_ident` writes it).
pub(super) fn quote_ident(text: &str) -> String {
    let plain = text
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_lowercase() || b == b'_')
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && !RESERVED.contains(&text);
    if plain {
        text.to_string()
    } else {
        format!("\"{}\"", text.replace('"', "\"\""))
    }
}

/// The string constants a PL/pgSQL loop variable takes: `FOREACH var IN ARRAY ARRAY['a', 'b']`,
/// `FOREACH var IN ARRAY arr` with `arr text[] := ARRAY[…]` (or `DEFAULT`, or the `'{a,b}'`
/// form) declared, or `FOR var IN SELECT unnest(ARRAY[…])`. Migrations hand several tables to
/// pg_partman that way, one call in a loop; a variable bound any other way (a query over the
/// catalog, a function argument) yields nothing.
pub(super) fn loop_values(src: &str, toks: &[Tok], var: &str) -> Vec<String> {
    let word = |k: usize, w: &str| toks.get(k).is_some_and(|t| t.is(src, w));
    for k in 0..toks.len() {
        if !(word(k, "FOREACH") || word(k, "FOR")) || !word(k + 1, var) || !word(k + 2, "IN") {
            continue;
        }
        let found = if word(k, "FOREACH") && word(k + 3, "ARRAY") {
            match toks.get(k + 4) {
                Some(t) if t.is(src, "ARRAY") || t.kind == Kind::Str => {
                    array_constants(src, toks, k + 4)
                }
                Some(t) if t.kind == Kind::Word => declared_array(src, toks, t.text(src)),
                _ => None,
            }
        } else if word(k, "FOR")
            && word(k + 3, "SELECT")
            && word(k + 4, "unnest")
            && toks.get(k + 5).is_some_and(|t| t.kind == Kind::LParen)
        {
            array_constants(src, toks, k + 6)
        } else if word(k, "FOR") && word(k + 3, "VALUES") {
            values_list(src, toks, k + 3)
        } else if word(k, "FOR")
            && word(k + 3, "SELECT")
            && word(k + 5, "FROM")
            && toks.get(k + 6).is_some_and(|t| t.kind == Kind::LParen)
            && word(k + 7, "VALUES")
        {
            // `FOR t IN SELECT x FROM (VALUES ('a'), ('b')) AS v(x)`
            values_list(src, toks, k + 7)
        } else {
            None
        };
        if let Some(values) = found {
            return values;
        }
    }
    Vec::new()
}

/// The constants of a one-column `VALUES ('a'), ('b')` list at `toks[at]` (the word `VALUES`):
/// None when a row is anything else.
fn values_list(src: &str, toks: &[Tok], at: usize) -> Option<Vec<String>> {
    let mut values = Vec::new();
    let mut k = at + 1;
    loop {
        match (toks.get(k), toks.get(k + 1), toks.get(k + 2)) {
            (Some(open), Some(v), Some(close))
                if open.kind == Kind::LParen
                    && v.kind == Kind::Str
                    && close.kind == Kind::RParen =>
            {
                values.push(string_constant(v.text(src))?);
            }
            _ => return None,
        }
        k += 3;
        if toks.get(k).is_some_and(|t| t.kind == Kind::Comma) {
            k += 1;
        } else {
            return Some(values);
        }
    }
}

/// The value a `DECLARE` section gives the array variable `name`: `name text[] := ARRAY[…]`.
fn declared_array(src: &str, toks: &[Tok], name: &str) -> Option<Vec<String>> {
    let at = toks
        .iter()
        .position(|t| t.kind == Kind::Word && t.text(src).eq_ignore_ascii_case(name))?;
    let end = toks[at..]
        .iter()
        .position(|t| t.kind == Kind::Semi)
        .map_or(toks.len(), |n| at + n);
    let value = (at + 1..end).find(|&k| {
        let t = &toks[k];
        t.is(src, "ARRAY") || (t.kind == Kind::Str && t.text(src).starts_with("'{"))
    })?;
    array_constants(src, toks, value)
}

/// The string constants of the array written at `toks[at]`: `ARRAY['a', 'b']` or `'{a,b}'`.
/// None when an element is no constant.
fn array_constants(src: &str, toks: &[Tok], at: usize) -> Option<Vec<String>> {
    let first = toks.get(at)?;
    if first.kind == Kind::Str {
        let inner = string_constant(first.text(src))?;
        let items = inner.strip_prefix('{')?.strip_suffix('}')?;
        return Some(
            items
                .split(',')
                .map(|x| x.trim().trim_matches('"').to_string())
                .filter(|x| !x.is_empty())
                .collect(),
        );
    }
    if !first.is(src, "ARRAY") || toks.get(at + 1)?.text(src) != "[" {
        return None;
    }
    let mut values = Vec::new();
    for t in &toks[at + 2..] {
        match (t.kind, t.text(src)) {
            (_, "]") => return Some(values),
            (Kind::Str, text) => values.push(string_constant(text)?),
            (Kind::Comma, _) => {}
            _ => return None,
        }
    }
    None
}

/// Applies the pg_partman calls among `toks` (tokens of `st.src`) to the model: the DEFAULT
/// partition they create, and the template tables they name.
pub(super) fn apply(ctx: &mut Ctx, st: &Stmt, toks: &[Tok]) {
    for call in calls(st.src, toks) {
        let span = st.lines.first_line(st.src, st.span(call.start, call.end));
        ctx.schema.partman.retain(|p| p.parent != call.parent);
        ctx.schema.partman.push(Partman {
            parent: call.parent.clone(),
            default_table: call.default_table,
            span,
        });
        if call.default_table {
            let child = format!("{}_default", call.parent);
            ctx.schema.partitions.retain(|p| p.child != child);
            ctx.schema.partitions.push(Partition {
                parent: call.parent.clone(),
                child,
                bound: "default".into(),
                from: None,
                to: None,
                span,
            });
        }
        if let Some(template) = call.template {
            ctx.schema.table_or_stub(&template, span, span).template_of = Some(call.parent);
        }
    }
}

/// `CREATE FUNCTION partman.create_parent(…)`: the definition, not a call.
fn defines_function(src: &str, toks: &[Tok], name: usize) -> bool {
    let mut k = name;
    // step back over `schema .`
    while k >= 2 && toks[k - 1].text(src) == "." {
        k -= 2;
    }
    k >= 1 && (toks[k - 1].is(src, "FUNCTION") || toks[k - 1].is(src, "PROCEDURE"))
}

/// The arguments of the call whose `(` is `toks[open]`: `(name, value)` pairs (no name for a
/// positional one), and the index of the closing `)`.
#[allow(clippy::type_complexity)]
pub(super) fn arguments(
    src: &str,
    toks: &[Tok],
    open: usize,
) -> Option<(Vec<(Option<String>, Value)>, usize)> {
    let mut depth = 0usize;
    let mut args = Vec::new();
    let mut arg_start = open + 1;
    for (j, t) in toks.iter().enumerate().skip(open) {
        match t.kind {
            Kind::LParen => depth += 1,
            Kind::RParen => {
                depth -= 1;
                if depth == 0 {
                    if j > arg_start {
                        args.push(argument(src, &toks[arg_start..j]));
                    }
                    return Some((args, j));
                }
            }
            Kind::Comma if depth == 1 => {
                args.push(argument(src, &toks[arg_start..j]));
                arg_start = j + 1;
            }
            _ => {}
        }
    }
    None
}

fn argument(src: &str, toks: &[Tok]) -> (Option<String>, Value) {
    // the lexer reads operators a character at a time: `:=` and `=>` are two tokens
    let named = toks.len() >= 3
        && toks[0].kind == Kind::Word
        && toks[1].end == toks[2].start
        && matches!(
            (toks[1].text(src), toks[2].text(src)),
            (":", "=") | ("=", ">")
        );
    let (name, rest) = if named {
        (Some(toks[0].text(src).to_ascii_lowercase()), &toks[3..])
    } else {
        (None, toks)
    };
    // the value is the first token: a cast after it (`'public.events'::text`) changes nothing;
    // anything else after it (`t || '_history'`, `'a' || 'b'`) makes a value not known
    let cast = rest.len() >= 3
        && rest[1].text(src) == ":"
        && rest[2].text(src) == ":"
        && rest[1].end == rest[2].start;
    // a record's field, `r.tablename` (the lexer reads `.` as a token of its own)
    if let [a, dot, b] = rest
        && a.kind == Kind::Word
        && b.kind == Kind::Word
        && dot.text(src) == "."
        && a.end == dot.start
        && dot.end == b.start
    {
        return (
            name,
            Value::Word(format!("{}.{}", a.text(src), b.text(src))),
        );
    }
    if rest.len() > 1 && !cast {
        return (name, concatenation(src, rest));
    }
    let value = match rest.first() {
        Some(t) if t.kind == Kind::Str => match string_constant(t.text(src)) {
            Some(s) => Value::Str(s),
            None => Value::Other,
        },
        Some(t) if t.kind == Kind::Word => Value::Word(t.text(src).to_string()),
        _ => Value::Other,
    };
    (name, value)
}

/// `a || b || …` where each part is a string constant or a word: its parts; anything else is
/// [`Value::Other`].
fn concatenation(src: &str, toks: &[Tok]) -> Value {
    let mut parts = Vec::new();
    let mut k = 0;
    loop {
        match toks.get(k) {
            Some(t) if t.kind == Kind::Str => match string_constant(t.text(src)) {
                Some(s) => parts.push(Value::Str(s)),
                None => return Value::Other,
            },
            Some(t) if t.kind == Kind::Word => {
                // a record's field, `r.tablename || '_own'`
                match (toks.get(k + 1), toks.get(k + 2)) {
                    (Some(dot), Some(b))
                        if dot.text(src) == "."
                            && b.kind == Kind::Word
                            && t.end == dot.start
                            && dot.end == b.start =>
                    {
                        parts.push(Value::Word(format!("{}.{}", t.text(src), b.text(src))));
                        k += 2;
                    }
                    _ => parts.push(Value::Word(t.text(src).to_string())),
                }
            }
            _ => return Value::Other,
        }
        match (toks.get(k + 1), toks.get(k + 2)) {
            (None, _) => return Value::Concat(parts),
            (Some(a), Some(b)) if a.text(src) == "|" && b.text(src) == "|" && a.end == b.start => {
                k += 3
            }
            _ => return Value::Other,
        }
    }
}

/// The text of a plain `'…'` constant (`''` read as `'`) or of a dollar-quoted one
/// (`$f$…$f$`, as written); None for other string forms.
pub(super) fn string_constant(text: &str) -> Option<String> {
    if let Some(after) = text.strip_prefix('$') {
        let tag = after.find('$')? + 2;
        return text
            .get(tag..text.len().checked_sub(tag)?)
            .map(str::to_string);
    }
    let inner = text.strip_prefix('\'')?.strip_suffix('\'')?;
    Some(inner.replace("''", "'"))
}

/// The calls one `create_parent(…)` makes: one, or one per table a loop hands it
/// (`parents` reads the parent argument's value).
fn read_call(
    args: &[(Option<String>, Value)],
    parents: impl Fn(&Value) -> Vec<String>,
    start: usize,
    end: usize,
) -> Vec<Call> {
    let positional: Vec<&Value> = args
        .iter()
        .take_while(|(name, _)| name.is_none())
        .map(|(_, v)| v)
        .collect();
    let named = |key: &str| {
        args.iter()
            .find(|(name, _)| name.as_deref() == Some(key))
            .map(|(_, v)| v)
    };
    let is_legacy_type = |t: &str| LEGACY_TYPES.contains(&t.trim().to_ascii_lowercase().as_str());
    let legacy_order = positional
        .get(V4.type_)
        .and_then(|v| v.text())
        .is_some_and(is_legacy_type);
    let sig = if legacy_order { &V4 } else { &V5 };
    let arg = |key: &str, index: Option<usize>| {
        named(key).or_else(|| index.and_then(|i| positional.get(i).copied()))
    };
    let Some(parent) = arg("p_parent_table", Some(0)) else {
        return Vec::new();
    };
    let type_ = arg("p_type", Some(sig.type_)).and_then(|v| v.text());
    // 4.x's types other than `native` partition by inheritance and triggers, with no DEFAULT
    let trigger_based =
        type_.is_some_and(|t| is_legacy_type(t) && !t.trim().eq_ignore_ascii_case("native"));
    let default_off = arg("p_default_table", sig.default_table).is_some_and(Value::is_false);
    let template = arg("p_template_table", Some(sig.template))
        .and_then(|v| v.text())
        .and_then(table_name);
    parents(parent)
        .iter()
        .filter_map(|p| table_name(p))
        .map(|parent| Call {
            parent,
            default_table: !trigger_based && !default_off,
            template: template.clone(),
            start,
            end,
        })
        .collect()
}

/// `schema.table` from pg_partman's text argument: unquoted parts fold to lower case, as
/// PostgreSQL folds the names it creates. A template placeholder in the text
/// (`'{{ .SCHEMA }}.audit'`) reads as the name the statements outside strings read it as.
fn table_name(text: &str) -> Option<String> {
    let text = super::placeholders::names_in_text(text);
    let mut parts = Vec::new();
    let mut rest = text.trim();
    while !rest.is_empty() {
        let (part, after) = if let Some(q) = rest.strip_prefix('"') {
            let close = q.find('"')?;
            (q[..close].to_string(), &q[close + 1..])
        } else {
            let end = rest.find('.').unwrap_or(rest.len());
            (rest[..end].trim().to_lowercase(), &rest[end..])
        };
        parts.push(part);
        rest = after.strip_prefix('.').unwrap_or(after).trim_start();
        if !after.is_empty() && !after.starts_with('.') {
            return None;
        }
    }
    match parts.as_slice() {
        [schema, table] if !schema.is_empty() && !table.is_empty() => {
            Some(format!("{schema}.{table}"))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::postgres::lex::tokens;

    fn read(src: &str) -> Vec<(String, bool, Option<String>)> {
        calls(src, &tokens(src))
            .into_iter()
            .map(|c| (c.parent, c.default_table, c.template))
            .collect()
    }

    fn call(parent: &str, default: bool, template: Option<&str>) -> (String, bool, Option<String>) {
        (parent.into(), default, template.map(String::from))
    }

    #[test]
    fn named_and_positional_arguments_of_both_signatures() {
        assert_eq!(
            read(
                "SELECT partman.create_parent(p_parent_table := 'public.Events', p_control := 'at', p_interval := '1 day')"
            ),
            [call("public.events", true, None)]
        );
        assert_eq!(
            read(
                "SELECT partman.create_parent(p_parent_table => 'public.m'::text, p_control => 'at'::text, p_interval => '1 month', p_default_table => false)"
            ),
            [call("public.m", false, None)]
        );
        // 5.x positional: the eighth argument is p_default_table
        assert_eq!(
            read("SELECT create_parent('app.m', 'at', '1 day', 'range', 'none', 4, NULL, 'f')"),
            [call("app.m", false, None)]
        );
        // 4.x positional: the third is p_type, the eighth p_start_partition
        assert_eq!(
            read(
                "SELECT partman.create_parent('s3.usage', 'start_ts', 'native', 'daily', NULL, 4, p_template_table := 's3.usage_tmpl', p_jobmon := false)"
            ),
            [call("s3.usage", true, Some("s3.usage_tmpl"))]
        );
        assert_eq!(
            read("SELECT partman.create_parent('app.old', 'id', 'partman', '10')"),
            [call("app.old", false, None)]
        );
        assert_eq!(
            read("SELECT partman.create_partition('\"App\".m', 'at', '1 day')"),
            [call("App.m", true, None)]
        );
    }

    #[test]
    fn definitions_unqualified_names_and_other_functions_are_no_calls() {
        assert!(read("CREATE FUNCTION partman.create_parent(p_parent_table text) RETURNS boolean AS $$ SELECT true $$ LANGUAGE sql").is_empty());
        assert!(read("SELECT partman.create_parent('events', 'at', '1 day')").is_empty());
        assert!(read("SELECT partman.run_maintenance('public.events')").is_empty());
    }

    /// wild25: migrations that hand several tables to pg_partman in a loop (a Russian landing
    /// zone's four LIST children, an Italian payments schema's five tables) had every one
    /// reported by SQL-014 as having no DEFAULT partition.
    #[test]
    fn a_loop_over_an_array_of_tables_hands_each_of_them_to_pg_partman() {
        // a DO body, as its tokens are searched
        let declared = "DECLARE parent_name TEXT; parents TEXT[] := ARRAY['dev.raw_lms', 'dev.raw_bot']; BEGIN FOREACH parent_name IN ARRAY parents LOOP PERFORM partman.create_parent(p_parent_table => parent_name, p_control => 'fetched_at', p_interval => '1 month'); END LOOP; END";
        assert_eq!(
            read(declared),
            [
                call("dev.raw_lms", true, None),
                call("dev.raw_bot", true, None)
            ]
        );
        let inline = "DECLARE t text; BEGIN FOREACH t IN ARRAY ARRAY['apd.transfer'] LOOP PERFORM partman.create_parent(p_parent_table := t, p_control := 'at', p_interval := '1 month', p_default_table := false); END LOOP; END";
        assert_eq!(read(inline), [call("apd.transfer", false, None)]);
        let literal = "DECLARE t text; ts text[] DEFAULT '{app.a,app.b}'; BEGIN FOREACH t IN ARRAY ts LOOP PERFORM partman.create_parent(t, 'at', '1 day'); END LOOP; END";
        assert_eq!(
            read(literal),
            [call("app.a", true, None), call("app.b", true, None)]
        );
        let unnest = "DECLARE t text; BEGIN FOR t IN SELECT unnest(ARRAY['app.c']) LOOP PERFORM partman.create_parent(t, 'at', '1 day'); END LOOP; END";
        assert_eq!(read(unnest), [call("app.c", true, None)]);
        // a variable bound by a query over the catalog names no table the schema can know
        let query = "DECLARE t text; BEGIN FOR t IN SELECT relname FROM pg_class LOOP PERFORM partman.create_parent(t, 'at', '1 day'); END LOOP; END";
        assert!(read(query).is_empty());
    }

    /// wild23's open item: a call run by `EXECUTE` from a constant text, or from `format` over
    /// constants or a loop variable, was not read.
    #[test]
    fn calls_run_by_execute_from_a_constant_or_formatted_text() {
        // a DO body, as its tokens are searched
        assert_eq!(
            read(
                "BEGIN EXECUTE 'SELECT partman.create_parent(''app.audit'', ''at'', ''1 day'')'; END"
            ),
            [call("app.audit", true, None)]
        );
        let looped = "DECLARE t text; BEGIN FOREACH t IN ARRAY ARRAY['app.a', 'app.b'] LOOP EXECUTE format('SELECT partman.create_parent(p_parent_table := %L, p_control := %L, p_interval := ''1 month'', p_default_table := false)', t, 'at'); END LOOP; END";
        assert_eq!(
            read(looped),
            [call("app.a", false, None), call("app.b", false, None)]
        );
        // a text built from a query's result names no table the schema can know
        let built = "DECLARE r record; BEGIN FOR r IN SELECT relname FROM pg_class LOOP EXECUTE format('SELECT partman.create_parent(%L, ''at'', ''1 day'')', r.relname); END LOOP; END";
        assert!(read(built).is_empty());
    }

    #[test]
    fn template_placeholders_in_the_table_name_read_as_names() {
        assert_eq!(
            read(
                "PERFORM create_parent(p_parent_table := '{{ .SCHEMA }}._audit', p_control := 'created_at', p_interval := '1 month', p_template_table := '{{ .SCHEMA }}._audit_template')"
            ),
            [call("SCHEMA._audit", true, Some("SCHEMA._audit_template"))]
        );
    }
}
