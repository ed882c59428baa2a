//! Where go-yaml (libyaml's scanner, under Helm's `fromYaml`) refuses a tab that saphyr
//! accepts or words differently. libyaml eats a tab as white space only in a flow, or where
//! no simple key may start: after a simple key's `:` (`a:\t1` is fine) but not at the start
//! of a line or after a block entry's `-` (`found character that cannot start any token`);
//! a plain scalar's next lines may not put a tab before the column its block wants (`found a
//! tab character that violates indentation`), nor may a block scalar's lines (`found a tab
//! character where an indentation space is expected`). saphyr reads several of these texts
//! (`"\t"`, `"a: 1\n\t"`, `"l:\n-\t1"`) or names other problems.
//!
//! The scan follows block structure line by line and answers only where it is sure: a line
//! it does not follow (a multi-line quoted or flow scalar, a complex key, a tag, an anchor, an
//! explicit block scalar indentation, a multi-line plain scalar) ends it with no answer, and
//! the parser decides as before.

/// go-yaml's error for the first tab libyaml refuses in `text`, as Helm prints it, or `None`
/// when it finds none or cannot follow the text that far.
pub(crate) fn tab_error(text: &str) -> Option<String> {
    if !text.contains('\t') || text.contains('\r') {
        return None;
    }
    let fail = |line0: usize, problem: &str| {
        let at = match line0 {
            0 => String::new(),
            n => format!("line {}: ", n + 1),
        };
        Some(format!(
            "error converting YAML to JSON: yaml: {at}{problem}"
        ))
    };
    // Some(indent) while the last token is a plain scalar: the column its next lines reach
    // (the block's indentation plus one).
    let mut plain: Option<usize> = None;
    // Inside a block scalar: the indentation of its parent block and its own, once known.
    let mut block: Option<(usize, Option<usize>)> = None;
    for (i, line) in text.split('\n').enumerate() {
        if let Some((parent, indent)) = block {
            let spaces = line.len() - line.trim_start_matches(' ').len();
            let after = &line[spaces..];
            if after.starts_with('\t') && indent.is_none_or(|n| spaces < n) {
                return fail(
                    i,
                    "found a tab character where an indentation space is expected",
                );
            }
            if after.is_empty() {
                continue;
            }
            match indent {
                None if spaces > parent => {
                    block = Some((parent, Some(spaces)));
                    continue;
                }
                Some(n) if spaces >= n => continue,
                _ => block = None,
            }
        }
        let rest = line.trim_start_matches([' ', '\t']);
        let leading = &line[..line.len() - rest.len()];
        if let Some(tab) = leading.find('\t') {
            match plain {
                // The plain scalar's scanner eats the blanks; a tab short of its column fails.
                Some(indent) if tab < indent => {
                    return fail(i, "found a tab character that violates indentation");
                }
                Some(_) if rest.is_empty() => continue,
                // A continuation line or a token after a tab: not followed here.
                Some(_) => return None,
                // At a line's start a simple key may begin: the tab is not eaten.
                None => return fail(i, "found character that cannot start any token"),
            }
        }
        if rest.is_empty() {
            continue;
        }
        if rest.starts_with('#') {
            plain = None;
            continue;
        }
        // Block entries, each a sequence at its column.
        let mut col = leading.len();
        let mut item = rest;
        let mut entry = None;
        while let Some(after) = item.strip_prefix('-') {
            match after.chars().next() {
                None => break,
                Some(' ') => {}
                // After `-` a simple key may begin: the tab is not eaten.
                Some('\t') => return fail(i, "found character that cannot start any token"),
                Some(_) => break,
            }
            entry = Some(col);
            let trimmed = after.trim_start_matches(' ');
            col += 1 + after.len() - trimmed.len();
            item = trimmed;
        }
        if item.is_empty() || item == "-" {
            plain = None;
            continue;
        }
        // A key (`k: v`, `k:` at the end): a mapping at this column, its value after it.
        let (owner, value) = match key_end(item) {
            Some(end) => (col, item[end + 1..].trim_start_matches([' ', '\t'])),
            None => match entry {
                Some(dash) => (dash, item),
                None => return None,
            },
        };
        match token(value)? {
            Token::None => plain = None,
            Token::Plain => plain = Some(owner + 1),
            Token::Block => {
                plain = None;
                block = Some((owner, None));
            }
        }
    }
    None
}

enum Token {
    /// Nothing, a comment, a quoted or flow scalar closed on the line.
    None,
    Plain,
    /// A block scalar's header (`|`, `>-`), without an explicit indentation.
    Block,
}

/// What a line's value starts, or `None` when the scan does not follow it.
fn token(value: &str) -> Option<Token> {
    let Some(first) = value.chars().next() else {
        return Some(Token::None);
    };
    match first {
        '#' => Some(Token::None),
        '"' | '\'' => {
            let end = quoted_end(value)?;
            let after = value[end..].trim_start_matches([' ', '\t']);
            (after.is_empty() || after.starts_with('#')).then_some(Token::None)
        }
        '[' | '{' => flow_closed(value).then_some(Token::None),
        '|' | '>' => {
            let header = value[1..].split('#').next().unwrap_or("").trim();
            matches!(header, "" | "-" | "+").then_some(Token::Block)
        }
        // Anchors, tags, aliases, complex keys, directives, nested entries: not followed.
        '&' | '!' | '*' | '?' | '%' | '@' | '`' | '-' | ':' => None,
        // A plain scalar: it must not hold another key (`a: b: c`, the parser's error).
        _ if key_end(value).is_some() => None,
        _ => Some(Token::Plain),
    }
}

/// The byte index of a plain key's `:` (followed by a blank or the line's end), if the text
/// starts with one before any comment.
fn key_end(text: &str) -> Option<usize> {
    if text.starts_with(['"', '\'', '[', '{', '&', '!', '*', '?', '|', '>', '#']) {
        return None;
    }
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'#' if i > 0 && matches!(bytes[i - 1], b' ' | b'\t') => return None,
            b':' if matches!(bytes.get(i + 1), None | Some(b' ' | b'\t')) => return Some(i),
            _ => {}
        }
    }
    None
}

/// The byte index after a quoted scalar closed on this line.
fn quoted_end(text: &str) -> Option<usize> {
    let quote = text.as_bytes()[0];
    let bytes = text.as_bytes();
    let mut i = 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if quote == b'"' => i += 2,
            b'\'' if quote == b'\'' && bytes.get(i + 1) == Some(&b'\'') => i += 2,
            b if b == quote => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// True when a flow collection opened on the line closes on it (no quotes inside).
fn flow_closed(text: &str) -> bool {
    let mut depth = 0i32;
    for (i, c) in text.char_indices() {
        match c {
            '"' | '\'' => return false,
            '[' | '{' => depth += 1,
            ']' | '}' => {
                depth -= 1;
                if depth == 0 {
                    let after = text[i + 1..].trim_start_matches([' ', '\t']);
                    return after.is_empty() || after.starts_with('#');
                }
            }
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::tab_error;

    /// Helm v4's `fromYaml` of each text (`{"Error": …}`), or `None` where it reads it.
    #[test]
    fn tabs_are_refused_where_go_yaml_refuses_them() {
        let cases: &[(&str, Option<&str>)] = &[
            (
                "a:\n\tb: 1",
                Some("line 2: found character that cannot start any token"),
            ),
            (
                "\ta: 1",
                Some("found character that cannot start any token"),
            ),
            ("\t", Some("found character that cannot start any token")),
            (
                "l:\n-\t1",
                Some("line 2: found character that cannot start any token"),
            ),
            (
                "a:\n\t- 1",
                Some("line 2: found character that cannot start any token"),
            ),
            (
                "a:\n  \tb: 1",
                Some("line 2: found character that cannot start any token"),
            ),
            (
                "x: 1\ny:\n\tz: 2",
                Some("line 3: found character that cannot start any token"),
            ),
            (
                "a:\n  - x\n  -\ty",
                Some("line 3: found character that cannot start any token"),
            ),
            (
                "a: 1\n\t",
                Some("line 2: found a tab character that violates indentation"),
            ),
            (
                "a: 1\n\t\nb: 2",
                Some("line 2: found a tab character that violates indentation"),
            ),
            (
                "a: 1\n\tb: 2",
                Some("line 2: found a tab character that violates indentation"),
            ),
            (
                "a:\n  b: x\n\tc: 1",
                Some("line 3: found a tab character that violates indentation"),
            ),
            (
                "a: b\n\t c",
                Some("line 2: found a tab character that violates indentation"),
            ),
            (
                "a: |\n\tx",
                Some("line 2: found a tab character where an indentation space is expected"),
            ),
            (
                "a: |\n  x\n\ty",
                Some("line 3: found a tab character where an indentation space is expected"),
            ),
            // Read by go-yaml.
            ("a:\t1", None),
            ("a:\n  b:\t1", None),
            ("a: x\n  \ty", None),
            ("a: 1 \t# c", None),
            ("a: [1,\t2]", None),
            ("a\t: 1", None),
            ("a:\t\n  b: 1", None),
            ("a: |\n  x\n  \ty\nb: 1", None),
            ("a: \"x\ty\"", None),
            ("a: 1\nb: 2", None),
        ];
        for (text, want) in cases {
            let want = want.map(|p| format!("error converting YAML to JSON: yaml: {p}"));
            assert_eq!(tab_error(text), want, "{text:?}");
        }
    }
}
