//! The byte ranges of the credentials in a whole source text: `key: value` lines,
//! Kubernetes `name:`/`value:` pairs, block scalars under secret names, inline pairs, SQL.

use super::detect::{
    classify, conn_password, find_shape, password_placeholder, reference_field, secret_name,
    url_password,
};
use super::vocabulary::vocabulary;
use regex::Regex;
use std::ops::Range;
use std::sync::LazyLock;

/// SQL: `PASSWORD '…'`, `IDENTIFIED BY '…'`, `PASSWORD $$…$$`, and `PASSWORD ''…''` written
/// inside a quoted statement (`EXECUTE 'CREATE ROLE r PASSWORD ''…'''` in a `DO` block, which
/// runeguard reads as a statement since wild37), tried first so that its doubled quotes are not
/// read as an empty password.
pub(super) static SQL_PASSWORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:PASSWORD|IDENTIFIED\s+BY)\s+(?:''((?:[^'\\]|'''')+)''|E?'((?:[^'\\]|''|\\.)*)'|\$\$(.*?)\$\$)",
    )
    .expect("sql regex")
});

/// A PL/pgSQL `format('…', …)` whose template is a quoted constant (`''` a quote inside it).
static FORMAT_CALL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\bformat\s*\(\s*'((?:[^']|'')*)'").expect("format regex"));

/// In a template, the conversion a password takes: `PASSWORD %L`, `PASSWORD ''%s''`,
/// `IDENTIFIED BY %L`.
static TEMPLATE_PASSWORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:PASSWORD|IDENTIFIED\s+BY)\s+(?:''%s''|%[Ls])").expect("template regex")
});

/// The credentials `format` writes into a statement (wild41: runeguard reads `EXECUTE
/// format('CREATE ROLE %I LOGIN PASSWORD %L', r, 's3cret')`): the argument that fills a
/// template's password conversion, when it is a string constant.
fn formatted_passwords(text: &str, out: &mut Vec<Range<usize>>) {
    for c in FORMAT_CALL.captures_iter(text) {
        let (Some(whole), Some(template)) = (c.get(0), c.get(1)) else {
            continue;
        };
        for p in TEMPLATE_PASSWORD.find_iter(template.as_str()) {
            // the argument's index: the conversions before the password's (`%%` is none)
            let before = &template.as_str()[..p.end() - 1];
            let Some(index) = before
                .matches('%')
                .count()
                .checked_sub(2 * before.matches("%%").count() + 1)
            else {
                continue;
            };
            if let Some(r) = format_argument(text, whole.end(), index) {
                out.push(r);
            }
        }
    }
}

/// The byte range of the text of argument `index` (after the template, which ends at `from`)
/// of a `format` call, when that argument is a plain string constant.
fn format_argument(text: &str, from: usize, index: usize) -> Option<Range<usize>> {
    let b = text.as_bytes();
    let (mut i, mut depth, mut arg) = (from, 0usize, 0usize);
    while i < b.len() {
        match b[i] {
            b'\'' => {
                let start = i + 1;
                i += 1;
                // to the closing quote (`''` is a quote inside)
                while i < b.len() && !(b[i] == b'\'' && b.get(i + 1) != Some(&b'\'')) {
                    i += if b[i] == b'\'' { 2 } else { 1 };
                }
                if depth == 0 && arg == index + 1 {
                    return (start < i).then_some(start..i.min(b.len()));
                }
            }
            b'(' => depth += 1,
            b')' if depth == 0 => return None,
            b')' => depth -= 1,
            b',' if depth == 0 => arg += 1,
            b';' => return None,
            _ => {}
        }
        i += 1;
    }
    None
}

/// False only when [`SQL_PASSWORD`] cannot match: an ASCII text holding neither `password`
/// nor `identified` in any letter case. Most texts with a quote are not SQL, and compiling
/// the expression costs more than most files' whole scan. A text with other characters
/// goes to the expression: Unicode case folding matches `ſ` (U+017F) for `s`.
pub(super) fn may_hold_sql_password(text: &str) -> bool {
    if !text.is_ascii() {
        return true;
    }
    // Each word's first letter in either case found by `memchr` (a vectorized search: the
    // texts are whole rendered charts, a megabyte for istio `base`), then the word compared.
    let b = text.as_bytes();
    let holds = |word: &[u8]| {
        memchr::memchr2_iter(word[0], word[0].to_ascii_uppercase(), b).any(|i| {
            b[i..]
                .get(..word.len())
                .is_some_and(|w| w.eq_ignore_ascii_case(word))
        })
    };
    holds(b"password") || holds(b"identified")
}

/// The value part of the rest of a line after `key: `: its byte range within `rest`, without
/// quotes, trailing comments or a trailing comma.
fn value_range(rest: &str) -> Option<Range<usize>> {
    let trimmed_start = rest.len() - rest.trim_start().len();
    let body = &rest[trimmed_start..];
    let first = body.chars().next()?;
    if first == '"' || first == '\'' {
        let b = body.as_bytes();
        let mut i = 1;
        while i < b.len() {
            if b[i] == b'\\' && first == '"' {
                i += 2;
                continue;
            }
            if b[i] == first as u8 {
                if first == '\'' && b.get(i + 1) == Some(&b'\'') {
                    i += 2;
                    continue;
                }
                return Some(trimmed_start + 1..trimmed_start + i);
            }
            i += 1;
        }
        return Some(trimmed_start + 1..trimmed_start + b.len());
    }
    if matches!(first, '{' | '[') {
        return None;
    }
    let mut end = body.len();
    if let Some(i) = body.find(" #") {
        end = i;
    }
    let v = body[..end].trim_end();
    let v = v.strip_suffix(',').unwrap_or(v).trim_end();
    (!v.is_empty()).then(|| trimmed_start..trimmed_start + v.len())
}

/// The leading spaces and tabs of a line, counted byte by byte (`trim_start_matches` of a
/// char set costs ~12 instructions a character, and a CRD's lines are deeply indented).
fn indent_of(line: &str) -> usize {
    line.bytes()
        .take_while(|&b| b == b' ' || b == b'\t')
        .count()
}

/// The byte ranges of the credentials in a source text, sorted and disjoint.
pub fn scan(text: &str) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::new();
    // Token shapes, anywhere (a PEM block spans its lines): one pass over the text finds the
    // hints present (every occurrence, overlapping ones too), then only their patterns run.
    let voc = vocabulary();
    let present = voc.hinted_text(text);
    for (p, _) in voc.patterns.iter().zip(&present).filter(|(_, on)| **on) {
        for c in p.re.captures_iter(text) {
            if let Some(m) = c.iter().skip(1).flatten().next().or_else(|| c.get(0)) {
                out.push(m.range());
            }
        }
    }
    if text.contains("://") {
        out.extend(url_password(text));
    }
    if text.contains('=') {
        out.extend(conn_password(text));
    }
    if (text.contains('\'') || text.contains("$$")) && may_hold_sql_password(text) {
        for c in SQL_PASSWORD.captures_iter(text) {
            if let Some(m) = c.get(1).or_else(|| c.get(2)).or_else(|| c.get(3))
                && !password_placeholder(m.as_str())
            {
                out.push(m.range());
            }
        }
    }
    if text.contains('\'') && may_hold_sql_password(text) {
        formatted_passwords(text, &mut out);
    }
    command_line_credentials(text, &mut out);
    shell_assignments(text, &mut out);
    program_passwords(text, &mut out);
    super::text_forms::scan(text, &mut out);
    scan_lines(text, &mut out);
    repeated_elsewhere(text, &mut out);
    merge(out)
}

/// The values of command-line options that take a credential (`--requirepass s3cret`,
/// `--db-password=s3cret`, `-Dspring.datasource.password=s3cret`), as CFG-016 reads a
/// Compose service's command line: a long option or a `-D` property named like a credential,
/// or one of `credential_options`, with a literal value (not a reference or placeholder).
/// Every output masks them, not only those a rule flagged (`inspect` and `render` run none).
fn command_line_credentials(text: &str, out: &mut Vec<Range<usize>>) {
    let b = text.as_bytes();
    // Where a value ends: a quoted one at its closing quote (spaces included), a block list's
    // item at its line's end (or a comment), a flow list's at its `,` or `]`, a word at a
    // space, quote, `,` or `]`.
    let value_end = |from: usize, item: Item| {
        let stop = |f: &dyn Fn(u8) -> bool| {
            from + b[from..]
                .iter()
                .position(|&c| f(c))
                .unwrap_or(b.len() - from)
        };
        match item {
            Item::Quoted(q) => stop(&|c| c == q || c == b'\n' || c == b'\r'),
            Item::Line => {
                let end = stop(&|c| c == b'\n' || c == b'\r');
                let line = &text[from..end];
                let kept = line.find(" #").unwrap_or(line.len());
                from + line[..kept].trim_end().len()
            }
            Item::Flow => {
                let end = stop(&|c| matches!(c, b',' | b']' | b'}' | b'\n' | b'\r'));
                from + text[from..end].trim_end().len()
            }
            Item::Word => {
                stop(&|c| c.is_ascii_whitespace() || matches!(c, b'"' | b'\'' | b',' | b']'))
            }
        }
    };
    for dash in memchr::memchr_iter(b'-', b) {
        let after_boundary = dash == 0
            || matches!(
                b[dash - 1],
                b' ' | b'\t' | b'\n' | b'"' | b'\'' | b'[' | b',' | b'('
            );
        let name_start = match (b.get(dash + 1), b.get(dash + 2)) {
            (Some(b'-' | b'D'), Some(c)) if after_boundary && c.is_ascii_alphabetic() => dash + 2,
            _ => continue,
        };
        let name_end = name_start
            + b[name_start..]
                .iter()
                .position(|&c| !(c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-')))
                .unwrap_or(b.len() - name_start);
        let name = &text[name_start..name_end];
        let (start, item) = match b.get(name_end) {
            Some(b'=') => (name_end + 1, Item::Word),
            // `--name value`, the next word when it is no option (long options only): in the
            // same string, or the next item of a list (`["--password", "…"]`, or a block
            // list's next `- …` line).
            _ if b[dash + 1] == b'-' => match next_word(b, name_end) {
                Some(next) => next,
                None => continue,
            },
            _ => continue,
        };
        // A quoted value (`--password="two words"`, a list's `"…"` item) is what the quotes
        // hold.
        let (start, item) = match b.get(start) {
            Some(&q @ (b'"' | b'\'')) => (start + 1, Item::Quoted(q)),
            _ => (start, item),
        };
        let end = value_end(start, item);
        if start >= end {
            continue;
        }
        let named = secret_name(name)
            || vocabulary()
                .credential_options
                .iter()
                .any(|o| o.eq_ignore_ascii_case(name));
        if named && !super::detect::not_literal(name, &text[start..end]) {
            out.push(start..end);
        }
    }
}

/// The values of credential-named variables a shell line assigns for the program it runs
/// (`sh -c "PGPASSWORD=s3cret pg_dump …"`, `export API_TOKEN=s3cret; …`, `docker run -e
/// DB_PASSWORD=s3cret`), as K8S-017 and CFG-016 read a command line (lib command_line's
/// `assignments`). The `NAME=value` pairs of a text are read elsewhere only after a boundary
/// that is no quote and in long values: here the name is a shell variable's (letters, digits,
/// `_`) after a space, a quote, `;`, `&`, `|`, `(`, `` ` ``, `[`, `,` or an option's `=`
/// (`kubectl create secret … --from-literal=password=…`, `docker run --env=DB_PASSWORD=…`),
/// and the value runs to a
/// space, `;`, `,`, a quote or a closing bracket, or to its closing quote when it opens with
/// one. A value the shell expands (`$VAR`, `$(…)`) is no literal.
fn shell_assignments(text: &str, out: &mut Vec<Range<usize>>) {
    // A variable's name is short: the run of word characters before a `=` is read back at most
    // this far, so base64 padding (`…AAAA==` of a certificate) costs no scan of its whole run
    // and no look-up of it as a name.
    const LONGEST_NAME: usize = 64;
    let b = text.as_bytes();
    for eq in memchr::memchr_iter(b'=', b) {
        if b.get(eq + 1)
            .is_none_or(|&c| c == b'=' || c.is_ascii_whitespace())
        {
            continue;
        }
        let lo = eq.saturating_sub(LONGEST_NAME + 1);
        let name_start = match b[lo..eq]
            .iter()
            .rposition(|&c| !(c.is_ascii_alphanumeric() || c == b'_'))
        {
            Some(i) => lo + i + 1,
            None if lo == 0 => 0,
            None => continue,
        };
        let after_boundary = name_start == 0
            || matches!(
                b[name_start - 1],
                b' ' | b'\t'
                    | b'\n'
                    | b'"'
                    | b'\''
                    | b';'
                    | b'&'
                    | b'|'
                    | b'('
                    | b'`'
                    | b'['
                    | b','
                    | b'='
            );
        if name_start == eq
            || !after_boundary
            || !(b[name_start].is_ascii_alphabetic() || b[name_start] == b'_')
        {
            continue;
        }
        let name = &text[name_start..eq];
        if !secret_name(name) {
            continue;
        }
        let (start, end) = match b.get(eq + 1) {
            Some(&q @ (b'"' | b'\'')) => {
                let from = eq + 2;
                let len = b[from..]
                    .iter()
                    .position(|&c| c == q || c == b'\n')
                    .unwrap_or(b.len() - from);
                (from, from + len)
            }
            _ => {
                let from = eq + 1;
                let len = b[from..]
                    .iter()
                    .position(|&c| {
                        c.is_ascii_whitespace()
                            || matches!(c, b';' | b',' | b'"' | b'\'' | b']' | b')' | b'}')
                    })
                    .unwrap_or(b.len() - from);
                (from, from + len)
            }
        };
        let value = &text[start..end];
        if start < end && !value.starts_with(['$', '`']) && !super::detect::not_literal(name, value)
        {
            out.push(start..end);
        }
    }
}

/// Passwords given to a program by its own short option (`mysqladmin ping -pS3cret`,
/// `redis-cli -a S3cret`; settings' `program_password_options`), as K8S-017 and CFG-016 read
/// them (lib command_line's `program_options`): among the words after the program's name on
/// its line (a shell line, a flow list) and, when the name is a block list's item, in the
/// list's next items, up to a word that ends its command (`;`, `&&`, `||`, `|`) or a comment.
fn program_passwords(text: &str, out: &mut Vec<Range<usize>>) {
    let voc = vocabulary();
    let Some(programs) = voc.program_names() else {
        return;
    };
    let b = text.as_bytes();
    for m in programs.find_iter(text) {
        let (s, e) = (m.start(), m.end());
        let starts_word = s == 0
            || matches!(
                b[s - 1],
                b' ' | b'\t'
                    | b'\n'
                    | b'"'
                    | b'\''
                    | b'['
                    | b','
                    | b'('
                    | b'/'
                    | b';'
                    | b'&'
                    | b'|'
                    | b'`'
            );
        let ends_word = b
            .get(e)
            .is_none_or(|c| matches!(c, b' ' | b'\t' | b'\n' | b'\r' | b'"' | b'\'' | b',' | b']'));
        if !starts_word || !ends_word {
            continue;
        }
        let options: Vec<_> = voc.options_of(&text[s..e]).collect();
        if options.is_empty() {
            continue;
        }
        let words = command_words(text, s, e);
        for (i, w) in words.iter().enumerate() {
            let word = &text[w.clone()];
            for o in &options {
                let value = if o.joined {
                    match word.strip_prefix(o.option.as_str()) {
                        Some(rest) if !rest.is_empty() => w.start + o.option.len()..w.end,
                        _ => continue,
                    }
                } else if word == o.option {
                    match words.get(i + 1) {
                        Some(next) if !text[next.clone()].starts_with('-') => next.clone(),
                        _ => continue,
                    }
                } else {
                    continue;
                };
                let v = text[value.clone()].trim_matches(['"', '\'', '\\']);
                let start = value.start + text[value.clone()].find(v).unwrap_or(0);
                if !v.is_empty()
                    && !v.starts_with(['$', '`'])
                    && !super::detect::not_literal("password", v)
                {
                    out.push(start..start + v.len());
                }
            }
        }
    }
}

/// The words that follow a program's name (at `s..e`) in its command: the rest of its line
/// and, when the name is a block list's item (`- mysqladmin`), the next items of that list;
/// split at spaces, `,`, `[` and `]`, without the quotes around a word, up to a word that
/// ends the command (`;`, `&&`, `||`, `|`, a word ending in `;`) or starts a comment.
fn command_words(text: &str, s: usize, e: usize) -> Vec<Range<usize>> {
    let line_start = text[..s].rfind('\n').map_or(0, |i| i + 1);
    let line_end = |from: usize| text[from..].find('\n').map_or(text.len(), |i| from + i);
    let first = e..line_end(e);
    let mut lines = Vec::from([first.clone()]);
    // `  - mysqladmin` (the name quoted or not, after a path or not): the list's next items at
    // the same indentation. Only ASCII separators, so that `+ 1` steps over one byte.
    let word_start = text[line_start..s]
        .rfind(|c: char| c.is_ascii_whitespace() || matches!(c, '"' | '\'' | '[' | ','))
        .map_or(line_start, |i| line_start + i + 1);
    let head = &text[line_start..word_start];
    let item_indent = head
        .trim_end_matches(['"', '\''])
        .trim_end()
        .strip_suffix('-')
        .filter(|h| h.bytes().all(|c| c == b' '))
        .map(str::len);
    if let Some(indent) = item_indent {
        let mut at = first.end + 1;
        while at < text.len() {
            let end = line_end(at);
            let line = text[at..end].trim_end_matches('\r');
            let prefix = indent + 2;
            if !(line.len() > prefix
                && line.as_bytes()[..indent].iter().all(|&c| c == b' ')
                && line[indent..].starts_with("- "))
            {
                break;
            }
            lines.push(at + prefix..at + line.len());
            at = end + 1;
        }
    }
    let mut words = Vec::new();
    for line in lines {
        let mut i = line.start;
        let bytes = text.as_bytes();
        while i < line.end {
            let sep = |c: u8| c.is_ascii_whitespace() || matches!(c, b',' | b'[' | b']');
            while i < line.end && sep(bytes[i]) {
                i += 1;
            }
            let start = i;
            while i < line.end && !sep(bytes[i]) {
                i = quoted_end(bytes, i, line.end).unwrap_or(i + 1);
            }
            if start == i {
                continue;
            }
            let raw = &text[start..i];
            let word = raw.trim_matches(['"', '\'', '\\']);
            if word.starts_with('#') {
                return words;
            }
            let ws = start + raw.find(word).unwrap_or(0);
            let ends = matches!(word, ";" | "&&" | "||" | "|") || word.ends_with(';');
            let word = word.trim_end_matches(';');
            if !word.is_empty() {
                words.push(ws..ws + word.len());
            }
            if ends {
                return words;
            }
        }
    }
    words
}

/// A shell word's quoted part opening at byte `i` (`-p'two words'`, `"a b"`, YAML's escaped
/// `\"a b\"`): the byte after its closing quote, when a quote opens there (text follows it)
/// and its closing quote on the line ends the word (a separator, a quote or the line's end
/// follows). A quote that closes a YAML string the command is in (`--silent",`) opens nothing.
fn quoted_end(bytes: &[u8], i: usize, end: usize) -> Option<usize> {
    let q = bytes[i];
    if !matches!(q, b'"' | b'\'') {
        return None;
    }
    let ends_word = |c: Option<&u8>| {
        c.is_none_or(|&c| {
            c.is_ascii_whitespace() || matches!(c, b',' | b']' | b';' | b'"' | b'\'' | b'\\')
        })
    };
    if ends_word(bytes[..end].get(i + 1)) {
        return None;
    }
    let close = bytes[i + 1..end].iter().position(|&c| c == q)? + i + 1;
    ends_word(bytes[..end].get(close + 1)).then_some(close + 1)
}

/// How far an option's value runs.
#[derive(Clone, Copy)]
enum Item {
    /// To the closing quote (this byte).
    Quoted(u8),
    /// A block list's plain item: to its line's end.
    Line,
    /// A flow list's plain item: to the next `,` or the list's end.
    Flow,
    /// One word.
    Word,
}

/// Where the word after an option ending at `at` starts, and how far it runs: past spaces,
/// or past the option's closing quote and the list's `,` or line break and `- `. None when no
/// word follows or the next one is an option.
fn next_word(b: &[u8], at: usize) -> Option<(usize, Item)> {
    let spaces = |mut i: usize| {
        while matches!(b.get(i), Some(b' ' | b'\t')) {
            i += 1;
        }
        i
    };
    let mut i = at;
    if matches!(b.get(i), Some(b'"' | b'\'')) {
        i += 1;
    }
    let gap = spaces(i);
    let item;
    (i, item) = match b.get(gap) {
        Some(b',') => (spaces(gap + 1), Item::Flow),
        Some(b'\n') => {
            let item = spaces(gap + 1);
            (b.get(item) == Some(&b'-') && matches!(b.get(item + 1), Some(b' ' | b'\t')))
                .then(|| (spaces(item + 1), Item::Line))?
        }
        _ if gap > i && i == at => (gap, Item::Word),
        _ => return None,
    };
    let first = *b.get(i)?;
    (first != b'-' && first != b'\n' && first != b'\r').then_some((i, item))
}

/// Each credential found is hidden wherever else the text holds it as a word of its own: a
/// password under `MasterUserPassword:` repeated under another name, in an argument list
/// (`args: ["-p", "…"]`) or in a command line would otherwise print there, where nothing
/// says it is one. A word of its own: not inside a longer run of letters, digits, `_` and
/// `-` (a password `admin` leaves `admin-tools` alone). One pass over the text for all of
/// them; a text without credentials costs nothing.
///
/// A credential the text also uses as a key (`postgres:` naming the Compose service whose
/// `POSTGRES_PASSWORD: postgres` it is, `airflow-apiserver:` beside `airflow:airflow@…`) is
/// a name of the file: masked where it is the credential, not wherever the name is
/// (`image: postgres:16`, a message about service "postgres").
fn repeated_elsewhere(text: &str, out: &mut Vec<Range<usize>>) {
    let mut values: Vec<&str> = crate::source::one_line(text, out)
        .filter(|v| v.len() >= 4 && !super::vocabulary_word(v))
        .collect();
    if values.is_empty() {
        return;
    }
    values.sort_unstable();
    values.dedup();
    let keyed = keys_among(text, &values);
    values.retain(|v| !keyed.contains(v));
    if values.is_empty() {
        return;
    }
    if let Some(words) = Words::new(&values) {
        out.extend(words.in_text(text));
    }
}

/// Whether `text` has `word` as a mapping key, or as a part of one joined by `-`, `_` or `.`
/// (`postgres:`, `x-airflow-common:`, `"redis": {`, `- name-of-it: …`): a key ends with `:`
/// and a blank or the line's end, and only indentation, a list's `- ` or a flow mapping's
/// `{`/`,` precede it on its line.
pub fn used_as_key(text: &str, word: &str) -> bool {
    !keys_among(text, &[word]).is_empty()
}

/// The words of `words` that `text` uses as keys (see [`used_as_key`]), found in one pass
/// over the text for all of them: a file may hold thousands of credentials (a dump's password
/// hashes), and a search of the whole text for each was quadratic.
pub fn keys_among<'w>(text: &str, words: &[&'w str]) -> std::collections::HashSet<&'w str> {
    let mut keyed = std::collections::HashSet::new();
    let words: Vec<&str> = words.iter().copied().filter(|w| !w.is_empty()).collect();
    // A few credentials are looked for one by one: building an automaton costs more.
    if words.len() <= 16 {
        for w in words {
            if memchr::memmem::find_iter(text.as_bytes(), w.as_bytes())
                .any(|s| key_at(text, s, s + w.len()))
            {
                keyed.insert(w);
            }
        }
        return keyed;
    }
    let Ok(ac) = aho_corasick::AhoCorasick::builder()
        .kind(Some(aho_corasick::AhoCorasickKind::ContiguousNFA))
        .build(&words)
    else {
        return keyed;
    };
    for m in ac.find_overlapping_iter(text) {
        let word = words[m.pattern().as_usize()];
        if !keyed.contains(word) && key_at(text, m.start(), m.end()) {
            keyed.insert(word);
        }
    }
    keyed
}

/// Whether the word at `s..e` of `text` is a key or a part of one (see [`used_as_key`]).
fn key_at(text: &str, s: usize, e: usize) -> bool {
    let b = text.as_bytes();
    let joined = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.');
    // A word of its own, not letters inside a longer run (`post` in `postgres`).
    if s > 0 && b[s - 1].is_ascii_alphanumeric() || b.get(e).is_some_and(u8::is_ascii_alphanumeric)
    {
        return false;
    }
    let mut ks = s;
    while ks > 0 && joined(b[ks - 1]) {
        ks -= 1;
    }
    let mut ke = e;
    while ke < b.len() && joined(b[ke]) {
        ke += 1;
    }
    if matches!(b.get(ke), Some(b'"' | b'\'')) {
        ke += 1;
    }
    if b.get(ke) != Some(&b':')
        || !matches!(b.get(ke + 1), None | Some(b' ' | b'\t' | b'\n' | b'\r'))
    {
        return false;
    }
    if ks > 0 && matches!(b[ks - 1], b'"' | b'\'') {
        ks -= 1;
    }
    let line_start = b[..ks]
        .iter()
        .rposition(|&c| c == b'\n')
        .map_or(0, |i| i + 1);
    let before = text[line_start..ks].trim_end_matches([' ', '\t']);
    before.is_empty() || before.ends_with(['-', '{', ','])
}

/// Credentials to find in a text as words of their own: not inside a longer run of letters,
/// digits, `_` and `-` (a password `admin` leaves `admin-tools` alone). One pass over the
/// text for all of them.
pub struct Words(aho_corasick::AhoCorasick);

impl Words {
    /// None when there is nothing to find.
    pub fn new<S: AsRef<str>>(values: &[S]) -> Option<Words> {
        if values.is_empty() {
            return None;
        }
        // An NFA: a DFA of a few long credentials (a generated certificate's base64) costs
        // millions of instructions to build, more than a run's searches with the NFA.
        aho_corasick::AhoCorasick::builder()
            .match_kind(aho_corasick::MatchKind::LeftmostLongest)
            .kind(Some(aho_corasick::AhoCorasickKind::ContiguousNFA))
            .build(values.iter().map(|v| v.as_ref().as_bytes()))
            .ok()
            .map(Words)
    }

    /// The byte ranges where `text` holds one of the credentials as a word of its own.
    pub fn in_text(&self, text: &str) -> Vec<Range<usize>> {
        let word = |b: Option<&u8>| {
            b.is_some_and(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-'))
        };
        let bytes = text.as_bytes();
        self.0
            .find_iter(text)
            .filter(|m| {
                let before = m.start().checked_sub(1).and_then(|i| bytes.get(i));
                !word(before) && !word(bytes.get(m.end()))
            })
            .map(|m| m.range())
            .collect()
    }
}

/// `key: value` lines, Kubernetes `name:`/`value:` pairs and block scalars under secret names.
fn scan_lines(text: &str, out: &mut Vec<Range<usize>>) {
    let mut offset = 0;
    // The last `name:` seen (an env entry's name) and its indentation. Keys and names are
    // slices of the text: a stream has a key on most of its lines.
    let mut env_name: Option<(&str, usize)> = None;
    // A block scalar under a secret name: its key's indentation.
    let mut block: Option<usize> = None;
    let mut path: Vec<(usize, &str)> = Vec::new();
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let content = line.trim_end_matches(['\n', '\r']);
        let ind = indent_of(content);
        if let Some(key_ind) = block {
            if content.trim().is_empty() {
                continue;
            }
            if ind > key_ind {
                out.push(start + ind..start + content.len());
                continue;
            }
            block = None;
        }
        let Some((key, key_ind, val_start, enclosing)) = split_pair(content) else {
            if content.contains('=') || content.contains("\":") {
                scan_inline(content, start, out);
            }
            super::text_forms::directive_value(content, start, out);
            super::text_forms::redis_passwords(content, start, out);
            super::text_forms::nginx_named_value(content, start, out);
            continue;
        };
        while path.last().is_some_and(|(i, _)| *i >= key_ind) {
            path.pop();
        }
        // A key left of the `name:` closes the mapping that held it: a `value:` further down
        // belongs to another mapping (a Kustomize patch target's `name:` and the `value:` of
        // a JSON patch operation below it), not to that entry.
        if env_name.is_some_and(|(_, i)| key_ind < i) {
            env_name = None;
        }
        let mut rest = &content[val_start..];
        if let Some(q) = enclosing
            && let Some(end) = rest.rfind(q as char)
        {
            rest = &rest[..end];
        }
        path.push((key_ind, key));
        let reference = || {
            let keys: Vec<&str> = path.iter().map(|(_, k)| *k).collect();
            reference_field(&keys)
        };
        if rest.len() > 120 && (rest.contains('=') || rest.contains("\":")) {
            scan_inline(rest, start + val_start, out);
        }
        if key == "name" {
            env_name = value_range(rest).map(|r| (&rest[r], key_ind));
            continue;
        }
        // A record's `type` naming a credential names its `value` as an env entry's `name`
        // does (a Keycloak user's `{"type": "password", "value": …}`); another type
        // (`type: string` beside a `name:`) leaves the name as it was.
        if key == "type" {
            if let Some(r) = value_range(rest)
                && secret_name(&rest[r.clone()])
            {
                env_name = Some((&rest[r], key_ind));
            }
            continue;
        }
        // An env entry's value: named by the entry's `name`.
        let name = match (env_name, key) {
            (Some((n, i)), "value") if key_ind.abs_diff(i) <= 2 => n,
            _ => key,
        };
        let trimmed = rest.trim();
        let is_block = trimmed
            .strip_prefix(['|', '>'])
            .is_some_and(|r| r.chars().all(|c| matches!(c, '-' | '+' | '1'..='9' | ' ')));
        if is_block {
            if secret_name(name) && !reference() {
                block = Some(ind);
            }
            continue;
        }
        if let Some(r) = value_range(rest) {
            let v = &rest[r.clone()];
            if v.len() >= 4 && classify(name, v, false).is_some() && !reference() {
                let base = start + val_start;
                // Only the token when it has a shape inside a longer text.
                match find_shape(v) {
                    Some((_, sr)) => out.push(base + r.start + sr.start..base + r.start + sr.end),
                    None => out.push(base + r.start..base + r.end),
                }
            }
        }
    }
}

/// `key: value`, `key = value`, `"key": value`, `- KEY=value`, `export KEY=value` at the start
/// of a line: the key, its byte offset and the offset of the value in the line.
fn split_pair(line: &str) -> Option<(&str, usize, usize, Option<u8>)> {
    let b = line.as_bytes();
    let mut i = indent_of(line);
    if b.get(i) == Some(&b'-') && matches!(b.get(i + 1), Some(b' ' | b'\t')) {
        i += 2;
        while matches!(b.get(i), Some(b' ' | b'\t')) {
            i += 1;
        }
    }
    if line[i..].starts_with("export ") {
        i += 7;
    }
    let quote = match b.get(i) {
        Some(&q @ (b'"' | b'\'')) => {
            i += 1;
            Some(q)
        }
        _ => None,
    };
    let key_start = i;
    while let Some(&c) = b.get(i) {
        if c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-' | b'/' | b'@') {
            i += 1;
        } else {
            break;
        }
    }
    if i == key_start {
        return None;
    }
    let key_end = i;
    // `'KEY=value'`: the quotes enclose the whole item; the value ends at the closing one.
    let mut enclosing = None;
    if let Some(q) = quote {
        if b.get(i) == Some(&q) {
            i += 1;
        } else if b.get(i) == Some(&b'=') {
            enclosing = Some(q);
        } else {
            return None;
        }
    }
    while matches!(b.get(i), Some(b' ' | b'\t')) {
        i += 1;
    }
    match b.get(i) {
        Some(b'=') => i += 1,
        Some(b':') if b.get(i + 1) == Some(&b'=') => i += 2,
        Some(b':') if matches!(b.get(i + 1), None | Some(b' ' | b'\t' | b'\r')) => i += 1,
        _ => return None,
    }
    while matches!(b.get(i), Some(b' ' | b'\t')) {
        i += 1;
    }
    Some((
        &line[key_start..key_end],
        key_start,
        i.min(line.len()),
        enclosing,
    ))
}

/// `NAME=value` and `"key": "value"` pairs inside a line (a message, a command line, JSON on
/// one line), with `base` the line's offset in the text.
fn scan_inline(line: &str, base: usize, out: &mut Vec<Range<usize>>) {
    let mut pairs = Vec::new();
    if line.contains('=') {
        pairs = super::pairs::inline_pairs(line);
    }
    if line.contains("\":") {
        pairs.extend(super::pairs::json_pairs(line));
    }
    for (k, v) in pairs {
        if classify(&line[k], &line[v.clone()], false).is_some() {
            out.push(base + v.start..base + v.end);
        }
    }
}

/// Sorts ranges and joins the overlapping ones.
pub fn merge(mut ranges: Vec<Range<usize>>) -> Vec<Range<usize>> {
    ranges.retain(|r| r.start < r.end);
    ranges.sort_by_key(|r| (r.start, r.end));
    let mut out: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
    for r in ranges {
        match out.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => out.push(r),
        }
    }
    out
}
