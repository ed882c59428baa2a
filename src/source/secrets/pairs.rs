//! The two pair shapes the credential scan finds inside a line of text, matched by hand:
//!
//! - `NAME=value` (a message, a command line): the expression
//!   `(?:^|[\s,;:(\[{])(?P<key>[A-Za-z_][A-Za-z0-9_.\-]*)=(?P<val>[^\s,;'"\])}]+)` (a `:`
//!   before the key: `.npmrc`'s `//registry.npmjs.org/:_authToken=…`);
//! - `"key": "value"` (JSON on one line): the expression
//!   `"(?P<key>[A-Za-z_][A-Za-z0-9_.\-]*)"\s*:\s*"(?P<val>(?:[^"\\\n]|\\.)+)"`.
//!
//! Each function gives exactly the (key, value) ranges of the expression's `captures_iter`
//! (leftmost-first matches, each search starting where the last match ended; `\s` is Unicode
//! white space, as [`char::is_whitespace`]). Compiling the two expressions was ≈ 1.6 M
//! instructions of every run that read a line with `=` or `":` (nearly every run), more than
//! the scans themselves. `tests::pairs_match_their_expressions` compares them with the
//! expressions on generated lines.

use std::ops::Range;

fn is_key_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

fn is_key_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-')
}

/// The end of the key that starts at `at`, if one does (a maximal run: no key character can
/// follow a key that the expressions accept, since each wants `=` or `"` next).
fn key_end(b: &[u8], at: usize) -> Option<usize> {
    if !b.get(at).copied().is_some_and(is_key_start) {
        return None;
    }
    let mut i = at + 1;
    while b.get(i).copied().is_some_and(is_key_char) {
        i += 1;
    }
    Some(i)
}

/// The character starting at byte `at` of `s` (a char boundary).
fn char_at(s: &str, at: usize) -> Option<char> {
    s.get(at..)?.chars().next()
}

/// `NAME=value` pairs of `line`: (key, value) byte ranges.
pub(super) fn inline_pairs(line: &str) -> Vec<(Range<usize>, Range<usize>)> {
    let mut out = Vec::new();
    // Each position in turn, as the leftmost match would start there: at 0 (`^`) or at a
    // delimiter character; after a match, the search goes on where it ended.
    let mut p = 0;
    while p <= line.len() {
        let c = char_at(line, p);
        let delimiter =
            c.filter(|c| c.is_whitespace() || matches!(c, ',' | ';' | ':' | '(' | '[' | '{'));
        let starts = [(p == 0).then_some(0), delimiter.map(|c| p + c.len_utf8())];
        match starts
            .into_iter()
            .flatten()
            .find_map(|k| inline_pair_at(line, k))
        {
            Some((key, value)) => {
                p = value.end;
                out.push((key, value));
            }
            None => p += c.map_or(1, char::len_utf8),
        }
    }
    out
}

/// The `NAME=value` pair whose key starts at `k`, if one does.
fn inline_pair_at(line: &str, k: usize) -> Option<(Range<usize>, Range<usize>)> {
    let ke = key_end(line.as_bytes(), k)?;
    if line.as_bytes().get(ke) != Some(&b'=') {
        return None;
    }
    let vs = ke + 1;
    let mut ve = vs;
    while let Some(c) = char_at(line, ve) {
        if c.is_whitespace() || matches!(c, ',' | ';' | '\'' | '"' | ']' | ')' | '}') {
            break;
        }
        ve += c.len_utf8();
    }
    (ve > vs).then_some((k..ke, vs..ve))
}

/// `"key": "value"` pairs of `line`: (key, value) byte ranges.
pub(super) fn json_pairs(line: &str) -> Vec<(Range<usize>, Range<usize>)> {
    let b = line.as_bytes();
    let mut out = Vec::new();
    let mut p = 0;
    while let Some(q) = memchr::memchr(b'"', &b[p.min(b.len())..]).map(|q| p + q) {
        p = q + 1;
        let Some(ke) = key_end(b, q + 1) else {
            continue;
        };
        if b.get(ke) != Some(&b'"') {
            continue;
        }
        let mut i = skip_space(line, ke + 1);
        if b.get(i) != Some(&b':') {
            continue;
        }
        i = skip_space(line, i + 1);
        if b.get(i) != Some(&b'"') {
            continue;
        }
        let vs = i + 1;
        let mut j = vs;
        let end = loop {
            match char_at(line, j) {
                None | Some('\n') => break None,
                Some('"') => break Some(j),
                Some('\\') => match char_at(line, j + 1) {
                    None | Some('\n') => break None,
                    Some(c) => j += 1 + c.len_utf8(),
                },
                Some(c) => j += c.len_utf8(),
            }
        };
        if let Some(ve) = end
            && ve > vs
        {
            out.push((q + 1..ke, vs..ve));
            p = ve + 1;
        }
    }
    out
}

fn skip_space(s: &str, mut at: usize) -> usize {
    while let Some(c) = char_at(s, at).filter(|c| c.is_whitespace()) {
        at += c.len_utf8();
    }
    at
}

#[cfg(test)]
mod tests {
    use super::{inline_pairs, json_pairs};
    use proptest::prelude::*;
    use regex::Regex;

    fn by_expression(
        re: &Regex,
        line: &str,
    ) -> Vec<(std::ops::Range<usize>, std::ops::Range<usize>)> {
        re.captures_iter(line)
            .map(|c| {
                (
                    c.name("key").unwrap().range(),
                    c.name("val").unwrap().range(),
                )
            })
            .collect()
    }

    fn inline() -> Regex {
        Regex::new(r#"(?:^|[\s,;:(\[{])(?P<key>[A-Za-z_][A-Za-z0-9_.\-]*)=(?P<val>[^\s,;'"\])}]+)"#)
            .unwrap()
    }

    fn json() -> Regex {
        Regex::new(r#""(?P<key>[A-Za-z_][A-Za-z0-9_.\-]*)"\s*:\s*"(?P<val>(?:[^"\\\n]|\\.)+)""#)
            .unwrap()
    }

    #[test]
    fn pairs_of_common_lines() {
        let (i, j) = (inline(), json());
        for line in [
            "PASSWORD=hunter2 USER=bob",
            "run --token=abc,def;x=1 (k=v) [a=b] {c=d}",
            "=x a==b a=b=c",
            r#"{"password": "s3cr\"et", "user":"bob", "n": ""}"#,
            r#""a" : "b\\" "c": "d\"#,
            "\u{a0}key=välue\u{2003}k2=v",
            "",
        ] {
            assert_eq!(inline_pairs(line), by_expression(&i, line), "{line:?}");
            assert_eq!(json_pairs(line), by_expression(&j, line), "{line:?}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20_000))]
        /// Lines made of the characters both expressions care about, and a few others.
        #[test]
        fn pairs_match_their_expressions(
            line in proptest::collection::vec(
                proptest::sample::select(vec![
                    "a", "Z", "_", "k", "9", ".", "-", "=", "\"", "\\", ":", ",", ";", "(", ")",
                    "[", "]", "{", "}", "'", " ", "\t", "\n", "\r", "\u{a0}", "\u{2003}", "é",
                    "日", "key", "\"k\"", "\": \"", "x=", "\\\"",
                ]),
                0..24,
            )
        ) {
            let line = line.concat();
            prop_assert_eq!(inline_pairs(&line), by_expression(&inline(), &line));
            prop_assert_eq!(json_pairs(&line), by_expression(&json(), &line));
        }
    }
}
