//! huandu/xstrings' `ToSnakeCase` and `ToKebabCase` (Sprig's `snakecase`, `kebabcase`), as
//! v1.5 computes them: the text is cut into words (runs of connectors `-`, `_` and spaces; of
//! punctuation; an upper-case letter and the lower-case letters after it, or a run of
//! capitals; letters; numbers; anything else), the words are lower-cased and joined by the
//! connector, where a number sticks to the word before it unless letters follow it
//! (`Bld4Floor3rd` is `bld4_floor_3rd`, `HTTP20xOK` is `http_20x_ok`), and no connector is
//! put next to punctuation (`a.b` stays `a.b`). Character classes are Go's `unicode` ones.

use unicode_general_category::{GeneralCategory as G, get_general_category};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Word {
    Invalid,
    Number,
    Upper,
    Alphabet,
    Connector,
    Punct,
    Other,
}

/// Go's `utf8.RuneError`, which xstrings skips.
const BAD: char = '\u{FFFD}';

fn is_connector(c: char) -> bool {
    c == '-' || c == '_' || c.is_whitespace()
}

fn is_upper(c: char) -> bool {
    get_general_category(c) == G::UppercaseLetter
}

fn is_punct(c: char) -> bool {
    matches!(
        get_general_category(c),
        G::ConnectorPunctuation
            | G::DashPunctuation
            | G::OpenPunctuation
            | G::ClosePunctuation
            | G::InitialPunctuation
            | G::FinalPunctuation
            | G::OtherPunctuation
    )
}

fn is_number(c: char) -> bool {
    matches!(
        get_general_category(c),
        G::DecimalNumber | G::LetterNumber | G::OtherNumber
    )
}

/// xstrings' `isAlphabet`: a letter that is not a CJK ideograph.
fn is_alphabet(c: char) -> bool {
    let letter = matches!(
        get_general_category(c),
        G::UppercaseLetter
            | G::LowercaseLetter
            | G::TitlecaseLetter
            | G::ModifierLetter
            | G::OtherLetter
    );
    letter
        && !matches!(c, '\u{4E00}'..='\u{9FCC}' | '\u{3400}'..='\u{4D85}' | '\u{20000}'..='\u{2B81D}')
}

/// Go's `unicode.ToLower` (one character).
fn lower(c: char) -> char {
    c.to_lowercase().next().unwrap_or(c)
}

/// The next character that is not `BAD` and the bytes up to its end (`prev` when there is none).
fn next_valid(s: &str, prev: char) -> (char, usize) {
    let mut size = 0;
    for c in s.chars() {
        size += c.len_utf8();
        if c != BAD {
            return (c, size);
        }
    }
    (prev, size)
}

/// Advances over the characters `more` accepts: (`offset`, `remaining`, the last character read).
fn run(
    mut offset: usize,
    mut remaining: &str,
    mut r: char,
    more: impl Fn(char) -> bool,
) -> (usize, &str) {
    while !remaining.is_empty() {
        let size;
        (r, size) = next_valid(remaining, r);
        if !more(r) {
            break;
        }
        offset += size;
        remaining = &remaining[size..];
    }
    (offset, remaining)
}

/// xstrings' `nextWord`: the first word of `s`, its type and what follows.
fn next_word(s: &str) -> (Word, &str, &str) {
    if s.is_empty() {
        return (Word::Invalid, "", "");
    }
    let (r, size) = next_valid(s, BAD);
    let mut offset = size;
    if r == BAD {
        return (Word::Invalid, &s[..offset], &s[offset..]);
    }
    let mut remaining = &s[size..];
    let wt;
    if is_connector(r) {
        wt = Word::Connector;
        (offset, remaining) = run(offset, remaining, r, is_connector);
    } else if is_punct(r) {
        wt = Word::Punct;
        (offset, remaining) = run(offset, remaining, r, is_punct);
    } else if is_upper(r) {
        wt = Word::Upper;
        if !remaining.is_empty() {
            let (r2, size2) = next_valid(remaining, r);
            if is_upper(r2) {
                // A run of capitals; "HTTPStatus" is "HTTP" then "Status".
                let mut prev_size = size2;
                offset += size2;
                remaining = &remaining[size2..];
                let mut r = r2;
                while !remaining.is_empty() {
                    let size;
                    (r, size) = next_valid(remaining, r);
                    if !is_upper(r) {
                        break;
                    }
                    prev_size = size;
                    offset += size;
                    remaining = &remaining[size..];
                }
                if !remaining.is_empty() && is_alphabet(r) {
                    offset -= prev_size;
                    remaining = &s[offset..];
                }
            } else if is_alphabet(r2) {
                offset += size2;
                remaining = &remaining[size2..];
                (offset, remaining) =
                    run(offset, remaining, r2, |c| is_alphabet(c) && !is_upper(c));
            }
        }
    } else if is_alphabet(r) {
        wt = Word::Alphabet;
        (offset, remaining) = run(offset, remaining, r, |c| is_alphabet(c) && !is_upper(c));
    } else if is_number(r) {
        wt = Word::Number;
        (offset, remaining) = run(offset, remaining, r, is_number);
    } else {
        wt = Word::Other;
        (offset, remaining) = run(offset, remaining, r, |c| {
            !(is_connector(c) || is_alphabet(c) || is_number(c) || is_punct(c))
        });
    }
    (wt, &s[..offset], remaining)
}

/// xstrings' `toLower`: capitals and connectors of capital and connector words changed.
fn to_lower(buf: &mut String, wt: Word, s: &str, connector: char) {
    if wt != Word::Upper && wt != Word::Connector {
        buf.push_str(s);
        return;
    }
    for c in s.chars() {
        if is_connector(c) {
            buf.push(connector);
        } else if is_upper(c) {
            buf.push(lower(c));
        } else {
            buf.push(c);
        }
    }
}

/// xstrings' `camelCaseToLowerCase`: `snakecase` with `_`, `kebabcase` with `-`.
pub(super) fn camel_case_to_lower(s: &str, connector: char) -> String {
    let mut buf = String::new();
    if s.is_empty() {
        return buf;
    }
    let (mut wt, mut word, mut remaining) = next_word(s);
    while !remaining.is_empty() {
        if wt != Word::Connector {
            to_lower(&mut buf, wt, word, connector);
        }
        let prev = wt;
        let last = word;
        (wt, word, remaining) = next_word(remaining);
        match prev {
            Word::Number => {
                while wt == Word::Alphabet || wt == Word::Number {
                    to_lower(&mut buf, wt, word, connector);
                    (wt, word, remaining) = next_word(remaining);
                }
                if !matches!(wt, Word::Invalid | Word::Punct | Word::Connector) {
                    buf.push(connector);
                }
            }
            Word::Connector => to_lower(&mut buf, prev, last, connector),
            Word::Punct => {}
            _ => {
                if wt != Word::Number {
                    if wt != Word::Connector && wt != Word::Punct {
                        buf.push(connector);
                    }
                    continue;
                }
                if remaining.is_empty() {
                    continue;
                }
                let last = word;
                (wt, word, remaining) = next_word(remaining);
                // A number is part of the word before it ("Bld4Floor" is "bld4_floor")…
                if wt != Word::Alphabet {
                    to_lower(&mut buf, Word::Number, last, connector);
                    if wt != Word::Connector && wt != Word::Punct {
                        buf.push(connector);
                    }
                    continue;
                }
                // …unless lower-case letters follow it ("HTTP2xx" is "http_2xx").
                buf.push(connector);
                to_lower(&mut buf, Word::Number, last, connector);
                while wt == Word::Alphabet || wt == Word::Number {
                    to_lower(&mut buf, wt, word, connector);
                    (wt, word, remaining) = next_word(remaining);
                }
                if !matches!(wt, Word::Invalid | Word::Connector | Word::Punct) {
                    buf.push(connector);
                }
            }
        }
    }
    to_lower(&mut buf, wt, word, connector);
    buf
}

#[cfg(test)]
mod tests {
    use super::camel_case_to_lower;

    #[test]
    fn xstrings_documented_samples() {
        for (text, snake) in [
            ("FirstName", "first_name"),
            ("HTTPServer", "http_server"),
            ("NoHTTPS", "no_https"),
            ("GO_PATH", "go_path"),
            ("GO PATH", "go_path"),
            ("GO-PATH", "go_path"),
            ("http2xx", "http_2xx"),
            ("HTTP20xOK", "http_20x_ok"),
            ("Duration2m3s", "duration_2m3s"),
            ("Bld4Floor3rd", "bld4_floor_3rd"),
        ] {
            assert_eq!(camel_case_to_lower(text, '_'), snake, "{text}");
            assert_eq!(
                camel_case_to_lower(text, '-'),
                snake.replace('_', "-"),
                "{text}"
            );
        }
    }
}
