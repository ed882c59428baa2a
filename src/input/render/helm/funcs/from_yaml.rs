//! `fromYaml`'s reading of a text: the first document as a template value. Charts feed it
//! whole files (Istio's CRDs, twice each) and the values of `include`s, so it is built
//! straight from the parser's events, without the spans the loader keeps for findings, and
//! the same text read again in a render is copied from the first reading.

use super::json_to_value;
use crate::input::yaml::{resolve_yaml11, surely_string, yaml11_key};
use gotmpl::{MapRef, Value};
use saphyr_parser::{Event, Parser, ScalarStyle};
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// Most text bytes whose readings a render thread keeps.
const KEPT_BYTES: usize = 64 << 20;
/// Nesting the direct reading handles; deeper text goes to the loader (which reports it).
const DIRECT_DEPTH: usize = 128;

thread_local! {
    /// Readings of this render (a render runs on its own thread): text → its value or the
    /// parser's message.
    static READ: RefCell<Readings> = RefCell::new((HashMap::new(), 0));
}

/// Each text read and its reading, and the bytes of text kept.
type Readings = (HashMap<Text, Result<Value, String>>, usize);

/// A text as a key: equal when the whole texts are equal, hashed from its length and a
/// sample of its bytes (hashing whole files twice a reading cost more than a lookup saves).
#[derive(PartialEq, Eq)]
struct Text(String);

impl std::hash::Hash for Text {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        let b = self.0.as_bytes();
        state.write_usize(b.len());
        if b.len() <= 512 {
            state.write(b);
        } else {
            state.write(&b[..128]);
            state.write(&b[b.len() - 128..]);
            let step = b.len() / 64;
            for i in 0..64 {
                state.write_u8(b[i * step]);
            }
        }
    }
}

/// The first document of `text` as Helm's `fromYaml` sees it (YAML 1.1 scalars, every number
/// a float; no document is an empty map), or the parser's message. A pure function of the
/// text: a repeated text gets a fresh copy of the first reading (a map a template changes
/// with `set` is its own, as each of Helm's readings is).
pub(super) fn read(text: String) -> Result<Value, String> {
    let text = Text(text);
    if let Some(found) = READ.with(|r| r.borrow().0.get(&text).cloned()) {
        return found.map(|v| v.deep_copy());
    }
    let Text(text) = text;
    // A tab go-yaml refuses where saphyr reads the text or words its problem otherwise.
    // A `\/` escape go-yaml v2 refuses in a double-quoted scalar, or a directive it refuses
    // (`%YAML 1.2`): the loader finds them.
    let loader_only =
        |text: &str| text.contains("\\/") || text.starts_with('%') || text.contains("\n%");
    let whole = |text: &str| match (!loader_only(text)).then(|| walk(text, true)).flatten() {
        Some(read) => read,
        None => by_loader(text),
    };
    // go-yaml reads `?` in a flow collection as a key indicator, even inside a plain scalar.
    let flow_keys = flow_question_marks(&text);
    let read = match (super::yaml_tabs::tab_error(&text), flow_keys) {
        (Some(e), _) => Err(e),
        (None, Some(Err(e))) => Err(e),
        (None, Some(Ok(spaced))) => whole(&spaced),
        (None, None) => match whole(&text) {
            // go-yaml decodes the document's root node and stops: text after a root flow
            // collection (`{"a":1}-2`, `{a: 1}}`) is never parsed.
            Err(e) => match first_flow_node(&text) {
                Some(node) => match token_after_root(&text[node.len()..]) {
                    Some(problem) => Err(format!("error converting YAML to JSON: yaml: {problem}")),
                    None => whole(node).map_err(|_| e),
                },
                None => Err(e),
            },
            read => read,
        },
    };
    READ.with(|r| {
        let (kept, bytes) = &mut *r.borrow_mut();
        if *bytes + text.len() > KEPT_BYTES {
            kept.clear();
            *bytes = 0;
        }
        *bytes += text.len();
        kept.insert(Text(text), read.clone());
    });
    read.map(|v| v.deep_copy())
}

/// Whether `text` holds a YAML node. A text of blanks, comments and document markers holds
/// none: [`read`] gives it as `fromYaml`'s empty map, where `fromYamlArray` has an empty list
/// (go-yaml leaves its target slice as it was). A text the parser refuses counts as holding
/// one, so [`read`] reports the problem.
pub(super) fn holds_node(text: &str) -> bool {
    let mut parser = Parser::new_from_str(text);
    while let Some(event) = parser.next_event() {
        match event {
            Ok((
                Event::Scalar(..)
                | Event::SequenceStart(..)
                | Event::MappingStart(..)
                | Event::Alias(_),
                _,
            ))
            | Err(_) => return true,
            Ok(_) => {}
        }
    }
    false
}

/// The scanner's error for the token after a root flow collection on its line, which go-yaml
/// scans (to see the document end) though it never parses it: after `]`/`}` no simple key
/// is allowed, so `?` and `- ` are refused, and `%`, `@`, `` ` `` start no token. Anything
/// else there (a scalar, a comment, another collection) is left unread.
fn token_after_root(rest: &str) -> Option<&'static str> {
    let line = rest.split('\n').next().unwrap_or("");
    let t = line.trim_start_matches([' ', '\t']);
    let mut chars = t.chars();
    match chars.next()? {
        '?' => Some("mapping keys are not allowed in this context"),
        '-' if chars.next().is_none_or(|c| matches!(c, ' ' | '\t' | '\r')) => {
            Some("block sequence entries are not allowed in this context")
        }
        '%' | '@' | '`' => Some("found character that cannot start any token"),
        _ => None,
    }
}

/// `?` inside flow collections as go-yaml v2's scanner reads it: always a key indicator there
/// (libyaml's rule, where YAML 1.2 and saphyr let a plain scalar hold it). A `?` that starts
/// an entry (`[?a]`) opens a complex key: the text comes back with a space after it, which
/// saphyr reads so (`[{a: null}]`). A `?` after a node or inside a plain scalar
/// (`[https://x/a?b=c]`, `{a: b?c}`) ends the node, and go-yaml's parser wants `,` or the
/// closing bracket there: its error. `None` when no `?` is inside a flow collection.
fn flow_question_marks(text: &str) -> Option<Result<String, String>> {
    if !text.contains('?') {
        return None;
    }
    let b = text.as_bytes();
    let blank = |i: usize| {
        b.get(i)
            .is_none_or(|c| matches!(c, b' ' | b'\t' | b'\n' | b'\r'))
    };
    let mut flows: Vec<u8> = Vec::new();
    // A node may start here (after `[`, `{`, `,`, `:`); inside a plain scalar.
    let (mut expect, mut plain) = (false, false);
    // The block context's state: at a line's first node, and a block scalar's indentation.
    let mut line_start = true;
    let mut block_scalar: Option<usize> = None;
    let mut keys: Vec<usize> = Vec::new();
    let mut line0 = 0usize;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'\n' {
            line0 += 1;
            line_start = true;
            i += 1;
            // The lines of a block scalar (more indented than its key's line) are text.
            if let Some(indent) = block_scalar {
                let rest = &text[i..];
                let line = rest.split('\n').next().unwrap_or("");
                let own = line.len() - line.trim_start_matches(' ').len();
                if own > indent || line.trim().is_empty() {
                    continue;
                }
                block_scalar = None;
            }
            continue;
        }
        if block_scalar.is_some() && flows.is_empty() {
            i += 1;
            continue;
        }
        if flows.is_empty() {
            // Block context: a flow collection starts a node (a line's first, after `- `,
            // `: ` or `? `); quotes are skipped; a comment ends the line.
            match c {
                b' ' | b'\t' | b'\r' => {}
                b'#' if i == 0 || blank(i - 1) => {
                    while i < b.len() && b[i] != b'\n' {
                        i += 1;
                    }
                    continue;
                }
                b'[' | b'{' if line_start => {
                    flows.push(c);
                    expect = true;
                    plain = false;
                }
                b'-' | b':' | b'?' if blank(i + 1) => line_start = true,
                b'"' | b'\'' if line_start => {
                    i = quoted_end(b, i);
                    line_start = false;
                    continue;
                }
                b'|' | b'>' if line_start => {
                    let line_begin = text[..i].rfind('\n').map_or(0, |n| n + 1);
                    let own =
                        text[line_begin..].len() - text[line_begin..].trim_start_matches(' ').len();
                    block_scalar = Some(own);
                    line_start = false;
                }
                _ => line_start = false,
            }
            i += 1;
            continue;
        }
        match c {
            b' ' | b'\t' | b'\r' => {}
            b'#' if blank(i.wrapping_sub(1)) && i > 0 => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'[' | b'{' => {
                flows.push(c);
                (expect, plain) = (true, false);
            }
            b']' | b'}' => {
                flows.pop();
                (expect, plain) = (false, false);
                line_start = false;
            }
            b',' => (expect, plain) = (true, false),
            b':' if !plain
                || blank(i + 1)
                || b.get(i + 1).is_some_and(|n| b",[]{}".contains(n)) =>
            {
                (expect, plain) = (true, false)
            }
            // A key indicator opening an entry; saphyr wants a blank after it.
            b'?' if expect && !plain => {
                if !blank(i + 1) {
                    keys.push(i + 1);
                }
            }
            b'?' => {
                let close = if flows.last() == Some(&b'{') {
                    '}'
                } else {
                    ']'
                };
                let at = match line0 {
                    0 => String::new(),
                    n => format!("line {n}: "),
                };
                return Some(Err(format!(
                    "error converting YAML to JSON: yaml: {at}did not find expected ',' or '{close}'"
                )));
            }
            b'"' | b'\'' if !plain => {
                i = quoted_end(b, i);
                (expect, plain) = (false, false);
                continue;
            }
            _ => (expect, plain) = (false, true),
        }
        i += 1;
    }
    if keys.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(text.len() + keys.len());
    let mut from = 0;
    for k in keys {
        out.push_str(&text[from..k]);
        out.push(' ');
        from = k;
    }
    out.push_str(&text[from..]);
    Some(Ok(out))
}

/// The index past the quoted scalar starting at `i` (`'…'` with `''` inside, `"…"` with
/// backslash escapes), or the text's end when it is not closed.
fn quoted_end(b: &[u8], i: usize) -> usize {
    let q = b[i];
    let mut j = i + 1;
    while j < b.len() {
        match b[j] {
            b'\\' if q == b'"' => j += 2,
            c if c == q => {
                if q == b'\'' && b.get(j + 1) == Some(&b'\'') {
                    j += 2;
                    continue;
                }
                return j + 1;
            }
            _ => j += 1,
        }
    }
    b.len()
}
/// The root flow collection or quoted scalar a text starts with (after blank and comment
/// lines), when text follows it: what go-yaml reads of that text. Quotes are skipped whole.
fn first_flow_node(text: &str) -> Option<&str> {
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim();
        if !t.is_empty() && !t.starts_with('#') {
            break;
        }
        start += line.len();
    }
    let body = &text[start..];
    let lead = body.len() - body.trim_start().len();
    // A root quoted scalar followed by more text (`'x' y`, `''1.2.3''`, `"a" b`, on its
    // line or the next ones): go-yaml decodes the scalar and stops, as after a flow
    // collection (differential seed 73, `squote (squote …) | fromYaml`).
    if let Some(quote) = body[lead..]
        .chars()
        .next()
        .filter(|c| matches!(c, '\'' | '"'))
    {
        let end = start + lead + quoted_len(&body[lead..], quote)?;
        let rest = &text[end..];
        let key = rest.trim_start_matches([' ', '\t']).starts_with(':');
        return (!rest.trim().is_empty() && !key).then_some(&text[..end]);
    }
    if !body[lead..].starts_with(['{', '[']) {
        return None;
    }
    let mut depth = 0usize;
    let mut quotes = super::super::provenance::Quotes::new(&['\'']);
    for (i, c) in body[lead..].char_indices() {
        if quotes.step(c) != super::super::provenance::Quoted::Outside {
            continue;
        }
        match c {
            '{' | '[' => depth += 1,
            '}' | ']' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    let end = start + lead + i + 1;
                    let rest = text[end..].trim();
                    // `{a: 1}: x`: the collection is a key (go-yaml's invalid map key).
                    let key = text[end..].trim_start_matches([' ', '\t']).starts_with(':');
                    return (!rest.is_empty() && !key).then_some(&text[..end]);
                }
            }
            _ => {}
        }
    }
    None
}

/// The length of the quoted scalar `text` starts with (`quote` is its first character):
/// `''` is a quote inside single quotes, a backslash escapes the next character inside
/// double quotes. None when it is not closed.
fn quoted_len(text: &str, quote: char) -> Option<usize> {
    let mut chars = text.char_indices().skip(1).peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' if quote == '"' => {
                chars.next();
            }
            '\'' if quote == '\'' => {
                if chars.peek().is_some_and(|&(_, n)| n == '\'') {
                    chars.next();
                } else {
                    return Some(i + 1);
                }
            }
            '"' if quote == '"' => return Some(i + 1),
            _ => {}
        }
    }
    None
}

/// The loader's reading (what every input goes through): for what [`direct`] leaves to it.
fn by_loader(text: &str) -> Result<Value, String> {
    let mut read = std::borrow::Cow::Borrowed(text);
    // Bounded: each round turns one tab into a space.
    for _ in 0..64 {
        let file = crate::source::SourceFile::new("fromYaml".into(), None, read.to_string());
        match super::super::values::read_yaml(&file) {
            Ok((v, _)) => return Ok(json_to_value(&v)),
            // Go's JSON refusing what go-yaml read (an infinity, a null key, bad `!!binary`).
            Err(e) if e.message.starts_with("error converting YAML to JSON: ") => {
                return Err(e.message);
            }
            Err(e) => {
                let at = e.pos.map(|p| (p.line, p.column));
                // saphyr wants a space after a key's `:`; libyaml eats a tab there too (no
                // simple key may follow a simple key): the same text with a space.
                if e.message == "':' must be followed by a valid YAML whitespace"
                    && let Some(spaced) = at.and_then(|(line, _)| tab_after_key(&read, line))
                {
                    read = std::borrow::Cow::Owned(spaced);
                    continue;
                }
                if e.message.starts_with("a mapping key that is not a scalar")
                    && let Some(invalid) = invalid_map_key(&read, at)
                {
                    return Err(invalid);
                }
                return Err(go_yaml_error(&e.message, at, text));
            }
        }
    }
    Err(go_yaml_error(
        "found character that cannot start any token",
        None,
        text,
    ))
}

/// go-yaml's error for a mapping key that is a flow collection (`{{ .Release.Name }}` read
/// as YAML): `invalid map key: ` and Go's `%#v` of the key as go-yaml decodes it
/// (`map[interface {}]interface {}{"a":1}`, `[]interface {}{1, 2}`). `None` when the key at
/// `at` is not a flow collection closed where it starts.
pub(crate) fn invalid_map_key(text: &str, at: Option<(u32, u32)>) -> Option<String> {
    let (line, col) = at?;
    let (_, l) = line_at(text, line)?;
    let from = l
        .char_indices()
        .nth(col.checked_sub(1)? as usize)
        .map_or(l.len(), |(i, _)| i);
    let key = l[from..]
        .strip_prefix('?')
        .unwrap_or(&l[from..])
        .trim_start();
    if !key.starts_with(['{', '[']) {
        return None;
    }
    // The collection's end: brackets balanced outside quotes.
    let (mut depth, mut quote, mut end) = (0i32, None, None);
    for (i, c) in key.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '{' | '[') => depth += 1,
            (None, '}' | ']') => {
                depth -= 1;
                if depth == 0 {
                    end = Some(i + 1);
                    break;
                }
            }
            _ => {}
        }
    }
    let value = direct(&key[..end?])?;
    let mut out = String::from("error converting YAML to JSON: yaml: invalid map key: ");
    go_syntax(&mut out, &value);
    Some(out)
}

/// Go's `%#v` of a value go-yaml decoded into an `interface{}` (maps of `interface{}` keys,
/// keys in fmt's sorted order).
fn go_syntax(out: &mut String, v: &Value) {
    match v {
        Value::Nil => out.push_str("interface {}(nil)"),
        Value::String(s) => gotmpl::go_quote_into_with(out, s, false),
        Value::List(items) => {
            out.push_str("[]interface {}{");
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                go_syntax(out, item);
            }
            out.push('}');
        }
        Value::Map(m) => {
            out.push_str("map[interface {}]interface {}{");
            for (i, (k, item)) in m.snapshot().iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                gotmpl::go_quote_into_with(out, k, false);
                out.push(':');
                go_syntax(out, item);
            }
            out.push('}');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// The byte offset and the text (without its newline) of line `line` (1-based) of `text`.
fn line_at(text: &str, line: u32) -> Option<(usize, &str)> {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.checked_sub(1)? as usize)
        .map(str::len)
        .sum();
    Some((start, text[start..].split('\n').next()?))
}

/// `text` with the tab after the first plain key's `:` of line `line` (1-based) made a space,
/// if that line has one before any quote or comment.
pub(crate) fn tab_after_key(text: &str, line: u32) -> Option<String> {
    let (start, l) = line_at(text, line)?;
    // A key written in quotes (`"a":\t1`): the `:` after its closing quote.
    let key = l.trim_start().trim_start_matches("- ").trim_start();
    let lead = l.len() - key.len();
    let quoted = match key.chars().next() {
        Some(q @ ('"' | '\'')) => quoted_len(key, q).map(|n| lead + n),
        _ => None,
    };
    let at = match quoted {
        Some(end) if l[end..].starts_with(":\t") => end,
        _ => l.find(":\t")?,
    };
    if quoted.is_none() && l[..at].contains(['"', '\'', '#', '[', '{']) {
        return None;
    }
    let mut out = text.to_string();
    out.replace_range(start + at + 1..start + at + 2, " ");
    Some(out)
}

/// The text of Helm's error for a YAML syntax error (sigs.k8s.io/yaml over go-yaml v2,
/// whose messages are libyaml's `problem` without its `context`): `error converting YAML to
/// JSON: yaml: line N: did not find expected key`. The parser's message is translated to
/// libyaml's wording, and the line is go-yaml's: the 0-based line of the problem (plus one
/// for a scanner error), left out when that is 0; the end of a text without a final line
/// break is on the line after it (libyaml's stream end).
pub(crate) fn go_yaml_error(message: &str, at: Option<(u32, u32)>, text: &str) -> String {
    // saphyr words its messages as libyaml's `context, problem`; go-yaml prints the problem.
    let problem = match message.split_once(", ") {
        Some((context, problem)) if context.starts_with("while ") => problem,
        _ => message,
    };
    // libyaml scans a `%` at the start of a line as a directive: a name of letters, digits,
    // `-` and `_`, then a blank; saphyr may stop later or elsewhere.
    if problem.contains("<document start>") || problem.contains("directive") {
        let found = text.lines().enumerate().find(|(_, l)| l.starts_with('%'));
        if let Some((line0, l)) = found {
            let name: String = l[1..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                .collect();
            let next = l[1 + name.len()..].chars().next();
            let problem = if name.is_empty() {
                "could not find expected directive name"
            } else if next.is_some_and(|c| c != ' ' && c != '\t') {
                "found unexpected non-alphabetical character"
            } else if name != "YAML" && name != "TAG" {
                "found unknown directive name"
            } else {
                ""
            };
            if !problem.is_empty() {
                let where_ = match line0 {
                    0 => String::new(),
                    n => format!("line {}: ", n + 1),
                };
                return format!("error converting YAML to JSON: yaml: {where_}{problem}");
            }
        }
    }
    let (problem, scanner) = match problem {
        // A closing bracket after a block mapping's value: libyaml wants the next key.
        "misplaced bracket"
            if at.is_some_and(|(line, col)| {
                text.lines()
                    .nth(line.saturating_sub(1) as usize)
                    .and_then(|l| l.get(..col.saturating_sub(1) as usize))
                    .is_some_and(|before| before.contains(": "))
            }) =>
        {
            ("did not find expected key".to_string(), false)
        }
        // A line that starts with `: ` is a value of an empty key to libyaml; the parser
        // then fails on the values that follow it on that line.
        "mapping values are not allowed in this context"
            if at.is_some_and(|(line, _)| {
                text.lines()
                    .nth(line.saturating_sub(1) as usize)
                    .is_some_and(|l| l.trim_start().starts_with(": "))
            }) =>
        {
            ("did not find expected key".to_string(), false)
        }
        "\"-\" is only valid inside a block" | "misplaced bracket" => {
            ("did not find expected node content".to_string(), false)
        }
        "expected ',' or ']'" => ("did not find expected ',' or ']'".to_string(), false),
        // A plain line with no `:` under a mapping (a merge conflict's `<<<<<<< HEAD`): the
        // scanner's error, at the line where it gave the simple key up.
        "simple key expect ':'" => ("could not find expected ':'".to_string(), true),
        "invalid trailing content after double-quoted scalar"
        | "invalid trailing content after single-quoted scalar" => {
            ("did not find expected key".to_string(), false)
        }
        p if p.starts_with("unexpected character") => (
            "found character that cannot start any token".to_string(),
            true,
        ),
        "found unknown anchor" => {
            // go-yaml's decoder names the alias (and gives no line).
            let name = at
                .and_then(|(line, col)| {
                    let rest = text.lines().nth(line.checked_sub(1)? as usize)?;
                    let rest = rest.get(col.saturating_sub(1) as usize..)?;
                    let alias = &rest[rest.find('*')? + 1..];
                    let end = alias
                        .find(|c: char| c.is_whitespace() || ",[]{}".contains(c))
                        .unwrap_or(alias.len());
                    Some(alias[..end].to_string())
                })
                .unwrap_or_default();
            return format!(
                "error converting YAML to JSON: yaml: unknown anchor '{name}' referenced"
            );
        }
        p => (
            p.to_string(),
            p.starts_with("found ") || p.starts_with("mapping values are not allowed"),
        ),
    };
    let mut line0 = at.map_or(0, |(line, _)| line.saturating_sub(1));
    if problem == "found unexpected end of stream" {
        // libyaml's mark is the end of the text (saphyr's the scalar's start).
        line0 = text.matches('\n').count() as u32;
    } else if let Some((line, col)) = at {
        let last = text.lines().count() as u32;
        let past_end = text
            .lines()
            .last()
            .is_some_and(|l| col as usize > l.chars().count());
        if !text.ends_with('\n') && !text.is_empty() && line == last && past_end {
            line0 += 1;
        }
    }
    let where_ = match (line0, scanner) {
        (0, _) => String::new(),
        (n, true) => format!("line {}: ", n + 1),
        (n, false) => format!("line {n}: "),
    };
    format!("error converting YAML to JSON: yaml: {where_}{problem}")
}

enum Frame {
    Seq(Vec<Value>),
    Map {
        entries: BTreeMap<Arc<str>, Value>,
        key: Option<Arc<str>>,
    },
}

/// The first document read straight from the events, or `None` when the text holds what
/// only the loader interprets (and reports) exactly: a syntax error, anchors and aliases,
/// tags, merge keys, duplicate or non-scalar keys, a block scalar ending a text that has no
/// final line break, deep nesting. The result is the loader's for every text it accepts
/// (`tests::direct_reading_is_the_loaders`).
pub(super) fn direct(text: &str) -> Option<Value> {
    walk(text, false).and_then(Result::ok)
}

/// [`direct`], and with `tags` scalars tagged as go-yaml v2 reads them (`!!str 1` is a
/// string, `!!binary` base64 decoded, `!!int x` an error: [`tagged_scalar`]).
fn walk(text: &str, tags: bool) -> Option<Result<Value, String>> {
    let mut stack: Vec<Frame> = Vec::new();
    let mut first: Option<Value> = None;
    // A block scalar running to the end of a text without a final line break loses the
    // break saphyr gives it (the loader's rule): where the text's trailing blanks start.
    let ends_in_blanks = (!text.ends_with(['\n', '\r'])).then(|| text.trim_end().chars().count());
    let mut parser = Parser::new_from_str(text);
    while let Some(event) = parser.next_event() {
        let (event, span) = event.ok()?;
        let done = match event {
            Event::StreamStart
            | Event::StreamEnd
            | Event::Nothing
            | Event::DocumentStart(_)
            | Event::DocumentEnd => continue,
            Event::Alias(_) => return None,
            Event::Scalar(value, style, anchor, tag) => {
                let in_key = matches!(stack.last(), Some(Frame::Map { key: None, .. }));
                if anchor != 0
                    || (tag.is_some() && (!tags || in_key))
                    || (matches!(style, ScalarStyle::Literal | ScalarStyle::Folded)
                        && ends_in_blanks.is_some_and(|at| span.end.index() >= at))
                {
                    return None;
                }
                if let Some(Frame::Map {
                    key: key @ None, ..
                }) = stack.last_mut()
                {
                    // `null:` is a nil key, which only the loader reports.
                    if value == "<<"
                        || (style == ScalarStyle::Plain
                            && matches!(value.as_ref(), "~" | "null" | "Null" | "NULL"))
                    {
                        return None;
                    }
                    // go-yaml v2 reads a plain key as a YAML 1.1 scalar (`y` is `true`).
                    let yaml11 = (style == ScalarStyle::Plain)
                        .then(|| yaml11_key(&value))
                        .flatten();
                    *key = Some(match yaml11 {
                        Some(k) => Arc::from(k.as_str()),
                        None => Arc::from(value.as_ref()),
                    });
                    continue;
                }
                if let Some(tag) = &tag {
                    match tagged_scalar(tag, &value)? {
                        Ok(v) => v,
                        Err(e) => return Some(Err(e)),
                    }
                } else if style == ScalarStyle::Plain {
                    if let Some(e) = non_finite(&value) {
                        return Some(Err(e));
                    }
                    if surely_string(&value) {
                        Value::String(Arc::from(value.as_ref()))
                    } else {
                        json_to_value(&resolve_yaml11(&value))
                    }
                } else {
                    Value::String(Arc::from(value.as_ref()))
                }
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                let expecting_key = matches!(stack.last(), Some(Frame::Map { key: None, .. }));
                if anchor != 0 || expecting_key || stack.len() >= DIRECT_DEPTH {
                    return None;
                }
                stack.push(if matches!(event, Event::SequenceStart(..)) {
                    Frame::Seq(Vec::new())
                } else {
                    Frame::Map {
                        entries: BTreeMap::new(),
                        key: None,
                    }
                });
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => match stack.pop()? {
                Frame::Seq(items) => Value::List(items.into()),
                Frame::Map { entries, .. } => Value::Map(MapRef::new(entries)),
            },
        };
        match stack.last_mut() {
            Some(Frame::Seq(items)) => items.push(done),
            Some(Frame::Map { entries, key }) => {
                let k = key.take()?;
                if entries.insert(k, done).is_some() {
                    return None;
                }
            }
            None => {
                first.get_or_insert(done);
            }
        }
    }
    Some(Ok(
        first.unwrap_or_else(|| Value::Map(MapRef::new(BTreeMap::new())))
    ))
}

/// Helm's error for a YAML 1.1 infinity or NaN (`.inf`, `-.Inf`, `.nan`): go-yaml reads a
/// float that Go's JSON, through which `fromYaml` goes, refuses.
fn non_finite(text: &str) -> Option<String> {
    crate::input::yaml::yaml11_non_finite(text)
        .map(|name| format!("{}{name}", crate::input::yaml::NON_FINITE))
}

/// A tagged scalar as go-yaml v2's `resolve` reads it: `!!str` keeps the text, `!!binary`
/// decodes its base64; `!!int`, `!!float`, `!!bool`, `!!null` read the text as a plain
/// scalar (quoted or not: `!!int "7"` is 7), which must have that type (an integer is also
/// a float), else the error Helm prints (`cannot decode !!str `x` as a !!int`); any other
/// tag keeps the text. `None` for what the loader is left with (`!!timestamp`, a
/// collection tag on a scalar).
fn tagged_scalar(tag: &saphyr_parser::Tag, text: &str) -> Option<Result<Value, String>> {
    let string = || Value::String(Arc::from(text));
    if !tag.is_yaml_core_schema() {
        return Some(Ok(string()));
    }
    let want = tag.suffix.as_str();
    let fail = |msg: String| Some(Err(format!("error converting YAML to JSON: yaml: {msg}")));
    match want {
        "str" => Some(Ok(string())),
        "binary" => {
            // Go's StdEncoding: padded, no line breaks or blanks inside.
            // Go's decoder skips line breaks (a `|` block of base64 lines).
            let joined: String = text.chars().filter(|c| !matches!(c, '\n' | '\r')).collect();
            match data_encoding::BASE64.decode(joined.as_bytes()) {
                Ok(bytes) => Some(Ok(Value::String(Arc::from(
                    String::from_utf8_lossy(&bytes).as_ref(),
                )))),
                Err(_) => fail("!!binary value contains invalid base64 data".into()),
            }
        }
        "int" | "float" | "bool" | "null" => {
            let read = resolve_yaml11(text);
            if want == "float"
                && let Some(e) = non_finite(text)
            {
                return Some(Err(e));
            }
            let got = match &read {
                _ if non_finite(text).is_some() => "float",
                serde_json::Value::Null => "null",
                serde_json::Value::Bool(_) => "bool",
                serde_json::Value::Number(n) if n.is_f64() => "float",
                serde_json::Value::Number(_) => "int",
                _ => "str",
            };
            if got == want || (want == "float" && got == "int") {
                Some(Ok(json_to_value(&read)))
            } else {
                fail(format!("cannot decode !!{got} `{text}` as a !!{want}"))
            }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::{by_loader, direct, read};
    use proptest::prelude::*;

    fn same(text: &str) {
        if let Some(v) = direct(text) {
            assert_eq!(Ok(v), by_loader(text), "{text:?}");
        }
    }

    /// Helm v4 reads these (libyaml eats a tab after a simple key's `:`).
    #[test]
    fn a_tab_after_a_key_is_white_space() {
        for (text, want) in [
            ("a:\t1", r#"{"a":1}"#),
            ("a:\n  b:\t1", r#"{"a":{"b":1}}"#),
            ("a:\tx\nb:\t'y'", r#"{"a":"x","b":"y"}"#),
        ] {
            let v = read(text.to_string()).unwrap();
            assert_eq!(
                super::super::value_to_json(&v).to_string(),
                want,
                "{text:?}"
            );
        }
    }

    #[test]
    fn direct_reading_is_the_loaders() {
        for text in [
            "",
            "---\n",
            "a: 1\nb: [x, 'y', \"z\"]\nc:\n  d: yes\n  e: 0o17\n  f: 012\n  g: 1e3\n  h: ~\n",
            "- a\n- b: |\n    text\n- >\n  folded\n",
            "a: |\n  no final break",
            "a: |\n  no final break\nb: 1",
            "a: |+\n  kept\n\n  ",
            "a: >-\n  é\n ",
            "a: 1\n---\nb: 2\n",
            "--- |\n  literal\n",
            "[1, 2.5, -3, 0x1f, .inf, null]",
            "a: &x 1\nb: *x\n",
            "a: !!str 1\n",
            "<<: {a: 1}\n",
            "a: 1\na: 2\n",
            "? [a]\n: 1\n",
            "a: b: c\n",
            "{a: 1, b: {c: [d, {e: f}]}}",
            "\"\": 1\n'': 2\n",
            "key with spaces: value with: colon\n",
        ] {
            same(text);
        }
        assert!(direct("a: &x 1\n").is_none());
        assert!(direct("a: 1\na: 2\n").is_none());
        assert!(direct("a: |\n  x").is_none());
        assert!(direct("a: 1\n").is_some());
    }

    #[test]
    fn a_repeated_text_is_a_fresh_copy() {
        let text = "metadata:\n  name: x\n".to_string();
        let a = read(text.clone()).unwrap();
        let b = read(text).unwrap();
        assert_eq!(a, b);
        if let (Some(gotmpl::Value::Map(ma)), Some(gotmpl::Value::Map(mb))) =
            (a.field("metadata"), b.field("metadata"))
        {
            assert!(!gotmpl::MapRef::ptr_eq(&ma, &mb));
        } else {
            panic!("metadata is a map");
        }
        assert!(read("a: [".to_string()).is_err());
    }

    proptest! {
        #[test]
        fn direct_reading_is_the_loaders_on_any_text(
            text in "([a-c]|[-:?,&*!|>#'\"\\[\\]{}]|\\.|0x1|1\\.5|yes|~| |  |\n|\n  |\n- ){0,40}"
        ) {
            if let Some(v) = direct(&text) {
                prop_assert_eq!(Ok(v), by_loader(&text));
            }
        }
    }
}
