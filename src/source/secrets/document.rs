//! A document's values and their credentials, located through the document's spans: masking
//! a JSON value for `inspect`, marking a rendered stream's credentials, and the value part of
//! an entry (so that masking keeps the key readable).

use super::MASK;
use super::detect::{classify, reference_field};
use super::redact::{Known, redact_known};
use std::borrow::Cow;
use std::ops::Range;

/// Whether a value located at `span` (its text `len` bytes long) is a credential by its place:
/// its span overlaps one of the file's credential `ranges`. Not so for a value derived from a
/// statement (a SQL role's `name` and `kind`, located at its whole `CREATE ROLE … PASSWORD
/// '…'`): its span is over 32 bytes and four times its text, and the credentials inside cover
/// less than half of it; such a value is masked only where it holds one of the file's
/// credentials (`redact_known`). A scalar written with escapes (`"\u0070\u0061…"` in JSON) is
/// as wide, but its credential covers it.
pub(super) fn overlaps_credential(
    span: crate::source::span::Span,
    len: usize,
    ranges: &[Range<usize>],
) -> bool {
    let (a, b) = (span.start as usize, span.end as usize);
    let covered: usize = ranges
        .iter()
        .map(|r| r.end.min(b).saturating_sub(r.start.max(a)))
        .sum();
    let width = b.saturating_sub(a);
    let derived = width > 32 && width > 4 * len && covered * 2 < width;
    !derived && ranges.iter().any(|r| r.start < b.max(a + 1) && a < r.end)
}

/// Masks the string values of a document's JSON value that overlap one of the file's
/// credential `ranges` (located through the document's spans), or that the detector reads as a
/// credential under their key, unless the value lies in one of the file's `names` (an nginx
/// `fastcgi_pass`'s upstream, a rendered env entry's name: [`SourceFile::mark_name`]).
///
/// [`SourceFile::mark_name`]: crate::source::SourceFile::mark_name
pub fn redact_value(
    value: &serde_json::Value,
    spans: &crate::source::span::SpanTree,
    ranges: &[Range<usize>],
    names: &[Range<usize>],
    known: &Known,
) -> serde_json::Value {
    let c = Ctx {
        ranges,
        names,
        known,
    };
    struct Ctx<'a> {
        ranges: &'a [Range<usize>],
        names: &'a [Range<usize>],
        known: &'a Known,
    }
    impl Ctx<'_> {
        /// Whether the value at `t` is a name by its place: its span lies in a marked name.
        fn named(&self, t: Option<&crate::source::span::SpanTree>) -> bool {
            t.is_some_and(|t| {
                let r = t.span.range();
                self.names
                    .iter()
                    .any(|n| n.start <= r.start && r.end <= n.end)
            })
        }
    }
    fn walk(
        v: &serde_json::Value,
        t: Option<&crate::source::span::SpanTree>,
        keys: &mut Vec<String>,
        c: &Ctx,
    ) -> serde_json::Value {
        let (ranges, known) = (c.ranges, c.known);
        use crate::source::span::PathSeg;
        use serde_json::Value;
        match v {
            Value::Object(m) => {
                let name = m.get("name").and_then(Value::as_str).map(str::to_string);
                let mut out = serde_json::Map::new();
                for (k, x) in m {
                    let child = t.and_then(|t| t.child(&PathSeg::Key(k.clone())));
                    keys.push(k.clone());
                    let mut r = walk(x, child, keys, c);
                    keys.pop();
                    // An env entry's value, named by its `name`.
                    if k == "value"
                        && let (Some(n), Some(s)) = (&name, scalar_text(x))
                        && classify(n, &s, false).is_some()
                    {
                        r = Value::from(MASK);
                    }
                    out.insert(k.clone(), r);
                }
                Value::Object(out)
            }
            Value::Array(a) => Value::Array(
                a.iter()
                    .enumerate()
                    .map(|(i, x)| {
                        let child = t.and_then(|t| t.child(&PathSeg::Index(i)));
                        walk(x, child, keys, c)
                    })
                    .collect(),
            ),
            Value::String(s) => {
                let overlaps = t.is_some_and(|t| overlaps_credential(t.span, s.len(), ranges));
                let path: Vec<&str> = keys.iter().map(String::as_str).collect();
                let name = entry_name(&path);
                if overlaps || (!c.named(t) && classify(&name, s, reference_field(&path)).is_some())
                {
                    // Keep what is not a credential in a longer text (a URL's host).
                    match redact_known(s, known) {
                        Cow::Owned(o) if overlaps && o != *s => Value::String(o),
                        _ => Value::from(MASK),
                    }
                } else {
                    match redact_known(s, known) {
                        Cow::Borrowed(_) => v.clone(),
                        Cow::Owned(o) => Value::String(o),
                    }
                }
            }
            // A number is a credential too when its place or its key says so
            // (`trust-store-password: 12345678`): YAML reads such a password as a number.
            Value::Number(n) => {
                let overlaps =
                    t.is_some_and(|t| overlaps_credential(t.span, n.to_string().len(), ranges));
                let path: Vec<&str> = keys.iter().map(String::as_str).collect();
                let name = entry_name(&path);
                if overlaps
                    || (!c.named(t)
                        && classify(&name, &n.to_string(), reference_field(&path)).is_some())
                {
                    Value::from(MASK)
                } else {
                    v.clone()
                }
            }
            _ => v.clone(),
        }
    }
    let mut out = walk(value, Some(spans), &mut Vec::new(), &c);
    // A Secret's data is credentials whatever its keys.
    if value.get("kind").and_then(serde_json::Value::as_str) == Some("Secret")
        && let Some(obj) = out.as_object_mut()
    {
        for key in ["data", "stringData"] {
            if let Some(serde_json::Value::Object(m)) = obj.get_mut(key) {
                for v in m.values_mut() {
                    if v.is_string() || v.is_number() {
                        *v = serde_json::Value::from(MASK);
                    }
                }
            }
        }
    }
    out
}

/// A scalar's text as a credential would be written: a string, or a number's digits.
fn scalar_text(v: &serde_json::Value) -> Option<std::borrow::Cow<'_, str>> {
    match v {
        serde_json::Value::String(s) => Some(std::borrow::Cow::Borrowed(s)),
        serde_json::Value::Number(n) => Some(std::borrow::Cow::Owned(n.to_string())),
        _ => None,
    }
}

/// `entry` without its leading blanks and block sequence indicators (`- `, nested `- - `);
/// a scalar that starts with `-` (`-abc`) keeps it.
fn without_item_indicators(entry: &str) -> &str {
    let mut body = entry.trim_start_matches([' ', '\t']);
    while let Some(rest) = body.strip_prefix("- ").or_else(|| body.strip_prefix("-\t")) {
        body = rest.trim_start_matches([' ', '\t']);
    }
    body
}

/// The name a value under `keys` is judged under: its key, or for an entry of a `tokens`
/// mapping (Consul's ACL `tokens { agent = "…" }`) the token its key names (`agent_token`),
/// as CFG-016 reads it (session cfg36); the `default` of an HCL `variable "db_password" {
/// default = "…" }` block (a Nomad job's variables) is judged under the variable's name
/// (session cfg37).
pub fn entry_name<'a>(keys: &[&'a str]) -> Cow<'a, str> {
    match keys {
        [.., parent, key] if parent.eq_ignore_ascii_case("tokens") => {
            Cow::Owned(format!("{key}_token"))
        }
        [.., block, name, key]
            if block.eq_ignore_ascii_case("variable") && key.eq_ignore_ascii_case("default") =>
        {
            Cow::Borrowed(name)
        }
        [.., key] => Cow::Borrowed(key),
        [] => Cow::Borrowed(""),
    }
}

/// The value's part of an entry's range (`key: value`, `- key: value`, `key=value`,
/// `key = value` → `value`),
/// so that masking a credential keeps its key readable. With `key`, the range must start with
/// that key (plain or quoted); without, the key is whatever stands before the first `: ` (no
/// quote or space in it) or `=`. Without `key` and with no key found, the range less a sequence item's `- `; with `key`
/// not found, the whole range.
pub fn value_of_entry(text: &str, range: Range<usize>, key: Option<&str>) -> Range<usize> {
    let Some(entry) = text.get(range.clone()) else {
        return range;
    };
    let rest = match key {
        Some(k) => [k.to_string(), format!("\"{k}\""), format!("'{k}'")]
            .iter()
            .find_map(|q| entry.strip_prefix(q.as_str()))
            .and_then(|r| {
                // `key: value`, or `key = value` (TOML, HCL, `.properties`, `.env`).
                let r = r.trim_start_matches([' ', '\t']);
                r.strip_prefix(':').or_else(|| r.strip_prefix('='))
            }),
        None => {
            let body = entry.trim_start_matches([' ', '-']);
            match body.find(": ") {
                Some(c) if !body[..c].contains(['"', '\'', ' ']) => Some(&body[c + 1..]),
                _ => body
                    .find('=')
                    .filter(|i| !body[..*i].contains(' '))
                    .map(|i| &body[i + 1..])
                    // A sequence item's `- ` (a rendered list item a var or replacement
                    // copied a credential into) is no part of its value: masked with it, the
                    // printed line would read as an alias.
                    .or_else(|| Some(without_item_indicators(entry))),
            }
        }
    };
    let Some(rest) = rest else {
        return range;
    };
    let value = rest.trim_start();
    let start = range.end - value.len();
    match value.trim_end_matches('\n').len() {
        0 => range,
        len => start..start + len,
    }
}

/// What [`mark_secret_data`] marked in a Secret: the ranges of its file that hold its values
/// or repeat them, and each value's plaintext (a `data` value decoded from base64, a
/// `stringData` value as written), the credential other files may repeat.
#[derive(Debug, Default)]
pub struct SecretValues {
    pub ranges: Vec<Range<usize>>,
    pub plaintexts: Vec<String>,
}

/// Marks on a document's file every value of a Secret's `data` and `stringData` (a Secret's
/// content is a credential whatever it looks like), except under keys that say they hold
/// none (`username`, `ca.crt`), and where the file repeats a value's plaintext: a `data`
/// value is masked as base64, but its decoded text beside it (`password: cGFzc3dvcmQ=  #
/// password`, a comment made by `echo -n … | base64`) or elsewhere in the file is the
/// credential itself. Returns the ranges marked (a rendered stream carries them to the
/// lines they were written on) and the plaintexts (the run masks them in its other files).
pub fn mark_secret_data(
    file: &crate::source::SourceFile,
    value: &serde_json::Value,
    spans: &crate::source::span::SpanTree,
) -> SecretValues {
    let mut marked = SecretValues::default();
    if value.get("kind").and_then(serde_json::Value::as_str) != Some("Secret") {
        return marked;
    }
    for section in ["data", "stringData"] {
        let (Some(serde_json::Value::Object(m)), Some(t)) =
            (value.get(section), spans.child_key(section))
        else {
            continue;
        };
        for (k, v) in m {
            let Some(s) = v.as_str() else {
                continue;
            };
            if s.trim().is_empty() || super::detect::not_secret_name(k) {
                continue;
            }
            let Some(node) = t.child_key(k) else {
                continue;
            };
            let range = value_of_entry(&file.text, node.span.range(), Some(k));
            file.mark_credential(range.clone());
            let plaintext = match section {
                "data" => decoded_text(s),
                _ => one_line_text(s),
            };
            if let Some(plain) = plaintext {
                for r in repeated_plaintext(&file.text, range.end, &plain) {
                    file.mark_credential(r.clone());
                    marked.ranges.push(r);
                }
                marked.plaintexts.push(plain);
            }
            marked.ranges.push(range);
        }
    }
    marked
}

/// The text a Secret's `data` value encodes, when it is one line of printable text (a
/// password, a token; not a certificate, a configuration file or bytes): base64 with line
/// breaks and blanks skipped as Kubernetes' decoder skips them, the line break that `echo`
/// without `-n` adds dropped.
fn decoded_text(encoded: &str) -> Option<String> {
    let joined: String = encoded.chars().filter(|c| !c.is_whitespace()).collect();
    let bytes = data_encoding::BASE64.decode(joined.as_bytes()).ok()?;
    one_line_text(&String::from_utf8(bytes).ok()?)
}

/// A Secret value's text when it is one line of printable text (the line break `echo` adds
/// dropped): only such a value can be repeated as a word, and a configuration file's
/// `stringData` (a few kB) is not worth a search of its file.
fn one_line_text(text: &str) -> Option<String> {
    let text = text.strip_suffix('\n').unwrap_or(text).trim();
    (!text.is_empty() && !text.chars().any(char::is_control)).then(|| text.to_string())
}

/// Where `text` repeats a Secret value's plaintext as a word of its own: anywhere in the
/// file when it looks like a credential (what [`spreads`](super::spreads) to other files:
/// `s3cr3tT0k`); a name, a number or a word (a database's `postgres`, a port, `password`)
/// only in the comment of its own line, from `after` (the end of the value) on: a Secret of
/// connection settings decodes to words its file uses as names, and masking them everywhere
/// made `image: postgres:15` unreadable.
fn repeated_plaintext(text: &str, after: usize, plain: &str) -> Vec<Range<usize>> {
    let Some(words) = super::Words::new(&[plain]) else {
        return Vec::new();
    };
    if super::spreads(plain) {
        return words.in_text(text);
    }
    let rest = text.get(after..).unwrap_or("");
    let line = &rest[..rest.find('\n').unwrap_or(rest.len())];
    let Some(comment) = line
        .char_indices()
        .find(|&(i, c)| c == '#' && (i == 0 || line[..i].ends_with([' ', '\t'])))
        .map(|(i, _)| i)
    else {
        return Vec::new();
    };
    let start = after + comment;
    words
        .in_text(&line[comment..])
        .into_iter()
        .map(|r| r.start + start..r.end + start)
        .collect()
}

/// Marks on a document's file (`file`, whose document has `value` and `spans`) the string values the detector reads as credentials under their
/// key, or as an env entry's `value` under its `name` (what [`redact_value`] masks in a value),
/// located through the document's spans. For text that no rule has read (a rendered stream
/// printed by `runeguard render`), so that its outputs mask what `check` would.
pub fn mark_document(
    file: &crate::source::SourceFile,
    value: &serde_json::Value,
    spans: &crate::source::span::SpanTree,
) {
    use crate::source::span::{PathSeg, SpanTree};
    use serde_json::Value;
    fn mark(file: &crate::source::SourceFile, t: &SpanTree, key: &str) {
        let range = t.span.range();
        file.mark_credential(value_of_entry(&file.text, range, Some(key)));
    }
    fn walk<'a>(
        file: &crate::source::SourceFile,
        v: &'a Value,
        t: &SpanTree,
        keys: &mut Vec<&'a str>,
    ) {
        match v {
            Value::Object(m) => {
                let name = m.get("name").and_then(Value::as_str);
                for (k, x) in m {
                    let Some(child) = t.child_key(k) else {
                        continue;
                    };
                    if k == "value"
                        && let (Some(n), Some(s)) = (name, x.as_str())
                        && classify(n, s, false).is_some()
                    {
                        mark(file, child, k);
                        continue;
                    }
                    keys.push(k);
                    walk(file, x, child, keys);
                    keys.pop();
                }
            }
            Value::Array(a) => {
                for (i, x) in a.iter().enumerate() {
                    if let Some(child) = t.child(&PathSeg::Index(i)) {
                        walk(file, x, child, keys);
                    }
                }
            }
            Value::String(s) => {
                let key = keys.last().copied().unwrap_or("");
                if classify(&entry_name(keys), s, reference_field(keys)).is_some() {
                    mark(file, t, key);
                }
            }
            _ => {}
        }
    }
    walk(file, value, spans, &mut Vec::new());
}

/// The strings of a document that are names, not values: an env entry's `name` (a map
/// with a `value` or `valueFrom` beside it) and what a reference field names
/// ([`reference_field`]: a `secretKeyRef`'s `name` and `key`, a `secretName`), with the
/// byte range of each in the document's file. A name that looks like a credential's
/// (`AWS_SECRET_ACCESS_KEY`, `key: password`) names one and holds none.
pub fn name_ranges(
    file: &crate::source::SourceFile,
    value: &serde_json::Value,
    spans: &crate::source::span::SpanTree,
) -> Vec<(Range<usize>, String)> {
    use crate::source::span::{PathSeg, SpanTree};
    use serde_json::Value;
    fn walk<'a>(
        file: &crate::source::SourceFile,
        v: &'a Value,
        t: &SpanTree,
        keys: &mut Vec<&'a str>,
        out: &mut Vec<(Range<usize>, String)>,
    ) {
        match v {
            Value::Object(m) => {
                let env_entry = m.contains_key("value") || m.contains_key("valueFrom");
                for (k, x) in m {
                    let Some(child) = t.child_key(k) else {
                        continue;
                    };
                    keys.push(k);
                    if let Value::String(s) = x
                        && ((k == "name" && env_entry) || reference_field(keys))
                    {
                        let range = value_of_entry(&file.text, child.span.range(), Some(k));
                        out.push((range, s.clone()));
                    } else {
                        walk(file, x, child, keys, out);
                    }
                    keys.pop();
                }
            }
            Value::Array(a) => {
                for (i, x) in a.iter().enumerate() {
                    if let Some(child) = t.child(&PathSeg::Index(i)) {
                        walk(file, x, child, keys, out);
                    }
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(file, value, spans, &mut Vec::new(), &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::{decoded_text, repeated_plaintext};

    #[test]
    fn a_secret_value_is_decoded_when_it_is_one_line_of_text() {
        assert_eq!(decoded_text("cGFzc3dvcmQ=").as_deref(), Some("password"));
        // `echo` without `-n`, and base64 wrapped over lines.
        assert_eq!(decoded_text("cGFzc3dvcmQK").as_deref(), Some("password"));
        assert_eq!(
            decoded_text("cGFzc3dv\n  cmQ=").as_deref(),
            Some("password")
        );
        // Two lines (a file), bytes, not base64, nothing.
        for encoded in ["bGluZTEKbGluZTI=", "AAH/", "not base64!", "", "Cg=="] {
            assert_eq!(decoded_text(encoded), None, "{encoded}");
        }
    }

    #[test]
    fn a_plaintext_is_found_where_the_file_repeats_it() {
        let text = "  token: czNj  # s3cr3tT0k\n  other: s3cr3tT0k-not\n  again: s3cr3tT0k\n";
        let end = text.find("  #").unwrap();
        let found: Vec<&str> = repeated_plaintext(text, end, "s3cr3tT0k")
            .into_iter()
            .map(|r| &text[r])
            .collect();
        // A word of its own: not inside `s3cr3tT0k-not`.
        assert_eq!(found.len(), 2);
        // A word, a name or a number only in its own line's comment, not as the key on the
        // next line or an image's name.
        let text = "  database: cG9z  # postgres\n  image: postgres:15\n";
        let end = text.find("  #").unwrap();
        let found = repeated_plaintext(text, end, "postgres");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0], 20..28);
        let text = "  password: cGFz  # password\n  password: x\n";
        let end = text.find("  #").unwrap();
        let found = repeated_plaintext(text, end, "password");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0], 20..28);
        assert_eq!(&text[20..28], "password");
        // No comment (a `#` inside a plain scalar is part of it): nothing.
        let text = "  password: cGFz#password\n";
        assert!(repeated_plaintext(text, text.find('\n').unwrap(), "password").is_empty());
    }
}
