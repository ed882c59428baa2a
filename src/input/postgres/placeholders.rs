//! Template placeholders in SQL migrations: Flyway's and Liquibase's `${schema}`, Go
//! templates' `{{ .SCHEMA }}` (sql-migrate, a server rendering its migrations), Jinja's
//! `{{ schema }}`. Written where a name goes, they make the statement no SQL (every one a
//! syntax error, exit 2) though the file is right. Outside quotes, comments and dollar
//! quotes, each is read as a quoted name of the same length (`{{ .SCHEMA }}` as
//! `"SCHEMA"     `), so the statement is read and every span keeps its place; text in
//! strings is left as it is written.

/// The text with its placeholders read as names, and the byte offset and text of the first
/// placeholder; `None` when the text has none.
pub(super) fn neutralize(src: &str) -> Option<(String, usize, String)> {
    if !src.contains("${") && !src.contains("{{") {
        return None;
    }
    let b = src.as_bytes();
    let mut out = b.to_vec();
    let mut first: Option<(usize, String)> = None;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\'' | b'"' => i = skip_quoted(b, i, b[i]),
            b'-' if b.get(i + 1) == Some(&b'-') => {
                i = b[i..]
                    .iter()
                    .position(|&c| c == b'\n')
                    .map_or(b.len(), |p| i + p);
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i = src[i + 2..].find("*/").map_or(b.len(), |p| i + 2 + p + 2);
            }
            b'$' if b.get(i + 1) != Some(&b'{') => i = skip_dollar_quote(src, i),
            b'$' | b'{' => match placeholder(src, i) {
                Some(end) => {
                    let inner = &src[i..end];
                    let name = last_identifier(inner).unwrap_or("p");
                    let mut with = format!("\"{name}\"");
                    if with.len() > inner.len() {
                        with = "p".into();
                    }
                    with.extend(std::iter::repeat_n(' ', inner.len() - with.len()));
                    out[i..end].copy_from_slice(with.as_bytes());
                    if first.is_none() {
                        first = Some((i, inner.to_string()));
                    }
                    i = end;
                }
                None => i += 1,
            },
            _ => i += 1,
        }
    }
    let (at, text) = first?;
    // Only ASCII bytes were written over ASCII placeholders: still UTF-8.
    String::from_utf8(out).ok().map(|s| (s, at, text))
}

/// The text of a string constant with its placeholders written as the quoted names
/// [`neutralize`] reads them as outside strings (`'{{ .SCHEMA }}.audit'` → `"SCHEMA".audit`),
/// for a string that names a table (pg_partman's `p_parent_table`).
pub(super) fn names_in_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        let rest = &text[i..];
        let next = rest.find(['$', '{']).map_or(text.len(), |p| i + p);
        out.push_str(&text[i..next]);
        if next == text.len() {
            break;
        }
        match placeholder(text, next) {
            Some(end) => {
                let name = last_identifier(&text[next..end]).unwrap_or("p");
                out.push('"');
                out.push_str(name);
                out.push('"');
                i = end;
            }
            None => {
                out.push_str(&text[next..next + 1]);
                i = next + 1;
            }
        }
    }
    out
}

/// The end of a placeholder starting at `i` (`${name}`, `${flyway:defaultSchema}`,
/// `{{ … }}` on one line), if one starts there.
fn placeholder(src: &str, i: usize) -> Option<usize> {
    let rest = &src[i..];
    let (open, close) = if rest.starts_with("${") {
        ("${", "}")
    } else if rest.starts_with("{{") {
        ("{{", "}}")
    } else {
        return None;
    };
    let body_end = rest[open.len()..].find(close)? + open.len();
    let body = &rest[open.len()..body_end];
    let ok = !body.trim().is_empty()
        && body.len() <= 200
        && body.is_ascii()
        && !body.contains(['\n', ';', '{'])
        && (open == "{{"
            || body
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || b"_.:-".contains(&c)));
    ok.then_some(i + body_end + close.len())
}

/// The last identifier in a placeholder: `{{ .SCHEMA }}` → `SCHEMA`, `${flyway:defaultSchema}`
/// → `defaultSchema`.
fn last_identifier(p: &str) -> Option<&str> {
    let b = p.as_bytes();
    let mut end = b.len();
    while end > 0 {
        if b[end - 1].is_ascii_alphanumeric() || b[end - 1] == b'_' {
            let mut start = end;
            while start > 0 && (b[start - 1].is_ascii_alphanumeric() || b[start - 1] == b'_') {
                start -= 1;
            }
            if b[start].is_ascii_alphabetic() || b[start] == b'_' {
                return Some(&p[start..end]);
            }
            end = start;
        } else {
            end -= 1;
        }
    }
    None
}

fn skip_quoted(b: &[u8], i: usize, q: u8) -> usize {
    let mut j = i + 1;
    while j < b.len() {
        if b[j] == q {
            if b.get(j + 1) == Some(&q) {
                j += 2;
                continue;
            }
            return j + 1;
        }
        j += 1;
    }
    b.len()
}

/// Past a dollar-quoted body `$tag$ … $tag$` starting at `i`, or one byte on when `$` starts
/// none (`$1`).
fn skip_dollar_quote(src: &str, i: usize) -> usize {
    let rest = &src[i + 1..];
    let tag_len = rest
        .bytes()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == b'_')
        .count();
    if rest.as_bytes().get(tag_len) != Some(&b'$')
        || rest.as_bytes().first().is_some_and(u8::is_ascii_digit)
    {
        return i + 1;
    }
    let tag = &src[i..i + tag_len + 2];
    let body = i + tag.len();
    src[body..]
        .find(tag)
        .map_or(src.len(), |p| body + p + tag.len())
}

#[cfg(test)]
mod tests {
    use super::neutralize;

    #[test]
    fn placeholders_become_names_of_the_same_length() {
        let src = "CREATE EXTENSION pg_partman SCHEMA {{ .SCHEMA }};\nCREATE TABLE ${schema}.users (note text DEFAULT '${keep}');\n-- {{ comment }}\nDO $$ BEGIN PERFORM '{{ x }}'; END $$;\n";
        let (out, at, first) = neutralize(src).expect("placeholders");
        assert_eq!(out.len(), src.len());
        assert_eq!((at, first.as_str()), (35, "{{ .SCHEMA }}"));
        assert!(out.contains("SCHEMA \"SCHEMA\"     ;"), "{out}");
        assert!(out.contains("TABLE \"schema\" .users"), "{out}");
        assert!(out.contains("'${keep}'"), "{out}");
        assert!(out.contains("-- {{ comment }}"), "{out}");
        assert!(out.contains("PERFORM '{{ x }}'"), "{out}");
        assert!(neutralize("CREATE TABLE t (a int);").is_none());
    }
}
