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
use super::partman::{Value, arguments, loop_values, quote_ident};

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
pub(super) fn executed_formats(src: &str, a: usize, b: usize) -> Vec<Executed> {
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
        if let Some(texts) = texts(body, &toks[..i], &args) {
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
fn texts(src: &str, before: &[Tok], args: &[(Option<String>, Value)]) -> Option<Vec<String>> {
    let ((None, Value::Str(template)), rest) = args.split_first()? else {
        return None;
    };
    // each argument as its parts: a constant (`Ok`) or the loop variable (`Err`)
    let mut looped: Option<(String, Vec<String>)> = None;
    let mut values: Vec<Vec<Result<String, ()>>> = Vec::new();
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
                    match &looped {
                        Some((var, _)) if !var.eq_ignore_ascii_case(w) => return None,
                        Some(_) => {}
                        None => {
                            let elements = loop_values(src, before, w);
                            if elements.is_empty() {
                                return None;
                            }
                            looped = Some((w.clone(), elements));
                        }
                    }
                    arg.push(Err(()));
                }
                Value::Concat(_) | Value::Other => return None,
            }
        }
        values.push(arg);
    }
    let elements = looped.map_or_else(|| vec![String::new()], |(_, e)| e);
    elements
        .iter()
        .map(|element| {
            let args: Vec<String> = values
                .iter()
                .map(|parts| {
                    parts
                        .iter()
                        .map(|p| p.as_deref().unwrap_or(element.as_str()))
                        .collect()
                })
                .collect();
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            substitute(template, &args)
        })
        .collect()
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
        executed_formats(body, 0, body.len())
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
