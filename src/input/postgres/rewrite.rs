//! Same-length rewrites of PostgreSQL syntax before sqlparser reads a statement.

use super::lex::{Kind, Tok, starts_with_words};

/// Same-length rewrites of PostgreSQL syntax that sqlparser reads differently; spans are kept.
/// Returns the text to parse and whether `CREATE USER` was read as `CREATE ROLE`.
pub(super) fn rewrite(src: &str, start: usize, end: usize, toks: &[Tok]) -> (String, bool) {
    let mut sql = src.get(start..end).unwrap_or("").to_string();
    let mut put = |t: &Tok, with: &str| {
        let (a, b) = (t.start - start, t.end - start);
        if with.len() == b - a && sql.is_char_boundary(a) && sql.is_char_boundary(b) {
            sql.replace_range(a..b, with);
        }
    };
    let mut as_user = false;
    let word = |i: usize| toks.get(i).filter(|t| t.kind == Kind::Word);
    if let (Some(c), Some(u)) = (word(0), word(1))
        && c.is(src, "CREATE")
        && u.is(src, "USER")
        && !word(2).is_some_and(|m| m.is(src, "MAPPING"))
    {
        put(u, "ROLE");
        as_user = true;
    }
    // ALTER USER is ALTER ROLE in PostgreSQL (sqlparser reads another dialect's ALTER USER)
    if let (Some(a), Some(u)) = (word(0), word(1))
        && a.is(src, "ALTER")
        && u.is(src, "USER")
        && !word(2).is_some_and(|m| m.is(src, "MAPPING"))
    {
        put(u, "ROLE");
    }
    // generated columns `GENERATED ALWAYS AS (expr) VIRTUAL` (PostgreSQL 18): read as STORED,
    // which the model does not tell apart
    if starts_with_words(src, toks, &["CREATE", "TABLE"])
        || starts_with_words(src, toks, &["ALTER", "TABLE"])
    {
        for (i, t) in toks.iter().enumerate() {
            if t.is(src, "VIRTUAL") && i > 0 && toks[i - 1].kind == Kind::RParen {
                put(t, "STORED ");
            }
        }
    }
    // constraint, column and table options that change nothing the model holds: temporal keys
    // `(a, b WITHOUT OVERLAPS)` and `(a, PERIOD b)` (PostgreSQL 18), `NO INHERIT`,
    // `[NOT] ENFORCED`, `COMPRESSION method`, `WITHOUT OIDS` (accepted for backward
    // compatibility, and still written by old schema files)
    if starts_with_words(src, toks, &["CREATE", "TABLE"])
        || starts_with_words(src, toks, &["ALTER", "TABLE"])
    {
        let blank = |t: &Tok| " ".repeat(t.end - t.start);
        for (i, t) in toks.iter().enumerate() {
            let next = toks.get(i + 1);
            let prev = i.checked_sub(1).map(|p| &toks[p]);
            if (t.is(src, "WITHOUT")
                && next.is_some_and(|n| n.is(src, "OVERLAPS") || n.is(src, "OIDS")))
                || (t.is(src, "NO") && next.is_some_and(|n| n.is(src, "INHERIT")))
                || (t.is(src, "COMPRESSION") && next.is_some_and(|n| n.kind == Kind::Word))
            {
                put(t, &blank(t));
                if let Some(n) = next {
                    put(n, &blank(n));
                }
            } else if t.is(src, "PERIOD")
                && prev.is_some_and(|p| p.kind == Kind::Comma)
                && next.is_some_and(|n| matches!(n.kind, Kind::Word | Kind::Quoted))
            {
                put(t, &blank(t));
            } else if t.is(src, "ENFORCED") {
                put(t, &blank(t));
                if let Some(p) = prev.filter(|p| p.is(src, "NOT")) {
                    put(p, &blank(p));
                }
            }
        }
    }
    // table constraints `[CONSTRAINT n] NOT NULL col [NO INHERIT]` (PostgreSQL 18): read
    // without them, and applied to their columns after (`tables::apply_create_not_null`)
    let create_table = word(0).is_some_and(|t| t.is(src, "CREATE"))
        && toks.iter().take(5).any(|t| t.is(src, "TABLE"));
    if create_table {
        let mut hidden = super::tables::create_not_null_elements(src, toks);
        // `LIKE source` elements beside others: sqlparser reads a lone one only (the
        // columns are copied from the tokens, `tables::create_table`)
        let likes = super::tables::like_elements(src, toks);
        if likes.len() > 1 || likes.first().is_some_and(|&(_, _, n)| n > 1) {
            hidden.extend(likes);
        }
        for (a, b, _) in hidden {
            // the element and the comma that separates it from its neighbour
            let (a, b) = if toks[a - 1].kind == Kind::Comma {
                (a - 1, b)
            } else if toks.get(b + 1).is_some_and(|t| t.kind == Kind::Comma) {
                (a, b + 1)
            } else {
                (a, b)
            };
            for t in &toks[a..=b] {
                put(t, &" ".repeat(t.end - t.start));
            }
        }
        // `CHECK (…) NOT VALID` in the table's own list: PostgreSQL accepts it and validates
        // the constraint at once (the table is empty)
        for w in toks.windows(2) {
            if w[0].is(src, "NOT") && w[1].is(src, "VALID") {
                put(&w[0], &" ".repeat(w[0].end - w[0].start));
                put(&w[1], &" ".repeat(w[1].end - w[1].start));
            }
        }
        // an operator class in a partition key (`PARTITION BY LIST (a point_ops)`), which no
        // rule reads
        if let Some(p) = toks.iter().position(|t| t.is(src, "PARTITION"))
            && toks.get(p + 1).is_some_and(|t| t.is(src, "BY"))
            && let Some(open) = toks.iter().skip(p).position(|t| t.kind == Kind::LParen)
        {
            let open = p + open;
            let mut depth = 0usize;
            for i in open..toks.len() {
                match toks[i].kind {
                    Kind::LParen => depth += 1,
                    Kind::RParen => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    _ => {}
                }
                let t = &toks[i];
                if depth == 1
                    && t.kind == Kind::Word
                    && i > open + 1
                    && matches!(toks[i - 1].kind, Kind::Word | Kind::Quoted | Kind::RParen)
                    && !toks[i - 1].is(src, "COLLATE")
                    && toks
                        .get(i + 1)
                        .is_some_and(|n| matches!(n.kind, Kind::Comma | Kind::RParen))
                {
                    put(t, &" ".repeat(t.end - t.start));
                }
            }
        }
    }
    // referential actions on some columns `ON DELETE SET NULL (a)` / `SET DEFAULT (a)`
    // (PostgreSQL 15), which no rule reads
    if starts_with_words(src, toks, &["CREATE", "TABLE"])
        || starts_with_words(src, toks, &["ALTER", "TABLE"])
    {
        for (i, t) in toks.iter().enumerate() {
            if t.is(src, "SET")
                && toks
                    .get(i + 1)
                    .is_some_and(|n| n.is(src, "NULL") || n.is(src, "DEFAULT"))
                && i >= 2
                && (toks[i - 1].is(src, "DELETE") || toks[i - 1].is(src, "UPDATE"))
                && toks[i - 2].is(src, "ON")
                && toks.get(i + 2).is_some_and(|n| n.kind == Kind::LParen)
            {
                for n in &toks[i + 2..] {
                    put(n, &" ".repeat(n.end - n.start));
                    if n.kind == Kind::RParen {
                        break;
                    }
                }
            }
        }
    }
    // identity options `(SEQUENCE NAME s.seq START WITH 1 …)`: sqlparser knows the sequence
    // options but not the name of the sequence, which no rule reads
    if starts_with_words(src, toks, &["CREATE", "TABLE"])
        || starts_with_words(src, toks, &["ALTER", "TABLE"])
    {
        for (i, t) in toks.iter().enumerate() {
            if !(t.is(src, "SEQUENCE") && toks.get(i + 1).is_some_and(|n| n.is(src, "NAME"))) {
                continue;
            }
            // the name: words and quoted parts joined by `.`
            let mut last = i + 2;
            while toks.get(last + 1).is_some_and(|d| d.text(src) == ".")
                && toks
                    .get(last + 2)
                    .is_some_and(|n| matches!(n.kind, Kind::Word | Kind::Quoted))
            {
                last += 2;
            }
            if toks
                .get(i + 2)
                .is_some_and(|n| matches!(n.kind, Kind::Word | Kind::Quoted))
            {
                for b in &toks[i..=last] {
                    put(b, &" ".repeat(b.end - b.start));
                }
            }
        }
    }
    // CREATE [OR REPLACE] PROCEDURE: sqlparser's PostgreSQL procedure syntax lacks routine
    // options (SECURITY DEFINER, SET ...); a procedure is read as a function that returns nothing.
    let proc_at = if word(1).is_some_and(|t| t.is(src, "OR")) {
        3
    } else {
        1
    };
    if word(0).is_some_and(|t| t.is(src, "CREATE"))
        && let Some(p) = word(proc_at).filter(|t| t.is(src, "PROCEDURE"))
    {
        put(p, "FUNCTION ");
    }
    let is_role_stmt = word(0).is_some_and(|t| t.is(src, "CREATE") || t.is(src, "ALTER"))
        && word(1).is_some_and(|t| t.is(src, "ROLE") || t.is(src, "USER") || t.is(src, "GROUP"));
    if is_role_stmt {
        // `SYSID n`: a noise option PostgreSQL accepts and ignores
        for w in toks.windows(2) {
            if w[0].is(src, "SYSID") && w[1].kind == Kind::Other {
                put(&w[0], &" ".repeat(w[0].end - w[0].start));
                put(&w[1], &" ".repeat(w[1].end - w[1].start));
            }
        }
        for w in toks.windows(2) {
            if (w[0].is(src, "ENCRYPTED") || w[0].is(src, "UNENCRYPTED"))
                && w[1].is(src, "PASSWORD")
            {
                let blank = " ".repeat(w[0].end - w[0].start);
                put(&w[0], &blank);
            }
        }
    }
    // LIKE parent INCLUDING ALL / EXCLUDING ...: the options do not change the columns we see.
    if starts_with_words(src, toks, &["CREATE", "TABLE"]) {
        for w in toks.windows(2) {
            if (w[0].is(src, "INCLUDING") || w[0].is(src, "EXCLUDING")) && w[1].kind == Kind::Word {
                put(&w[0], &" ".repeat(w[0].end - w[0].start));
                put(&w[1], &" ".repeat(w[1].end - w[1].start));
            }
        }
    }
    // routine option `ROWS n` (estimated rows of a set-returning function), unknown to sqlparser
    if starts_with_words(src, toks, &["CREATE", "FUNCTION"]) {
        for w in toks.windows(2) {
            if w[0].is(src, "ROWS")
                && w[1].kind == Kind::Other
                && w[1].text(src).bytes().all(|b| b.is_ascii_digit())
            {
                put(&w[0], &" ".repeat(w[0].end - w[0].start));
                put(&w[1], &" ".repeat(w[1].end - w[1].start));
            }
        }
    }
    // psql variables `:name` / `:"name"` read as the variable's name, `:'name'` as a string
    // (the model tells a password given so from a literal by the colon: roles' `password`)
    for (i, t) in toks.iter().enumerate() {
        let next = toks.get(i + 1);
        let prev = i.checked_sub(1).and_then(|p| toks.get(p));
        let is_colon = t.kind == Kind::Other && t.text(src) == ":";
        let cast = prev.is_some_and(|p| p.end == t.start && p.text(src) == ":")
            || next.is_some_and(|n| n.text(src) == ":");
        if is_colon
            && !cast
            && next.is_some_and(|n| {
                n.start == t.end && matches!(n.kind, Kind::Word | Kind::Quoted | Kind::Str)
            })
        {
            put(t, " ");
        }
    }
    (sql, as_user)
}
