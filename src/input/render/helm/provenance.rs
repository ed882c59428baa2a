//! Which values path a template action prints (`{{ .Values.x }}`, `.` inside
//! `with .Values.x`; the lines of a `toYaml` block are `line_paths`), so output is mapped
//! to its values line.

/// A `with`/`range` block of a template source: its body's byte range and the values path
/// its pipeline names (`.Values.securityContext` → `["securityContext"]`).
pub(super) struct Scope {
    pub(super) body: std::ops::Range<usize>,
    pub(super) path: Option<Vec<String>>,
    /// `range` changes dot to an element, not the value itself.
    pub(super) range: bool,
    /// The variable `range $k, $v := …` (or `range $v := …`) sets to each element.
    pub(super) elem_var: Option<String>,
}

/// A path segment standing for "the element of the collection before it that a `range`
/// printed": [`element_of`] tells which from the printed text.
pub(super) const ELEMENT: &str = "\u{0}element";

pub(super) fn scopes(src: &str) -> Vec<Scope> {
    let mut out = Vec::new();
    // (body start, values path, range, with/range, define/block: dot is the caller's there,
    // the element variable of a range)
    type Open = (usize, Option<Vec<String>>, bool, bool, bool, Option<String>);
    let mut stack: Vec<Open> = Vec::new();
    let mut i = 0;
    while let Some(o) = src[i..].find("{{") {
        let a = i + o;
        let Some(c) = src[a..].find("}}") else { break };
        let b = a + c + 2;
        let inner = src[a + 2..b - 2].trim_matches(|ch: char| ch == '-' || ch.is_whitespace());
        let word = inner.split_whitespace().next().unwrap_or("");
        match word {
            "if" => stack.push((b, None, false, false, false, None)),
            "define" | "block" => stack.push((b, None, false, false, true, None)),
            "with" | "range" => {
                let whole = inner[word.len()..].trim();
                let rest = whole.rsplit(":=").next().unwrap_or(whole).trim();
                let elem_var = whole
                    .split_once(":=")
                    .filter(|_| word == "range")
                    .and_then(|(vars, _)| vars.rsplit(',').next())
                    .map(|v| v.trim().to_string())
                    .filter(|v| v.starts_with('$') && v.len() > 1);
                // `.Values.x`, or `.x` inside `with .Values.y` (dot is y there: y.x).
                let path = dotted_values(rest).or_else(|| {
                    let fields = dot_fields(rest)?;
                    let (_, parent, range, _, _, _) = stack
                        .iter()
                        .rev()
                        .find(|(_, _, _, scoped, barrier, _)| *scoped || *barrier)
                        .filter(|(_, _, _, scoped, _, _)| *scoped)?;
                    let mut path = parent.clone().filter(|_| !range)?;
                    path.extend(fields);
                    Some(path)
                });
                stack.push((b, path, word == "range", true, false, elem_var));
            }
            "end" => {
                if let Some((start, path, range, scoped, _, elem_var)) = stack.pop()
                    && scoped
                {
                    out.push(Scope {
                        body: start..a,
                        path,
                        range,
                        elem_var,
                    });
                }
            }
            _ => {}
        }
        i = b;
    }
    out
}

/// `.a.b` alone (a field chain of dot, the whole pipeline) → `["a", "b"]`.
fn dot_fields(expr: &str) -> Option<Vec<String>> {
    let rest = expr.trim().strip_prefix('.')?;
    let ok = !rest.is_empty()
        && rest
            .split('.')
            .all(|f| !f.is_empty() && f.chars().all(|c| c.is_alphanumeric() || c == '_'));
    ok.then(|| rest.split('.').map(str::to_string).collect())
}

/// `.Values.a.b` or `$.Values.a.b` at the start of an expression → `["a", "b"]`.
pub(super) fn dotted_values(expr: &str) -> Option<Vec<String>> {
    let e = expr.trim().trim_start_matches('(');
    let rest = e
        .strip_prefix("$.Values.")
        .or_else(|| e.strip_prefix(".Values."))?;
    let path: Vec<String> = rest
        .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-' || c == '.'))
        .next()
        .unwrap_or("")
        .split('.')
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    (!path.is_empty()).then_some(path)
}

/// The values path an action prints, if it prints one value: `.Values.x.y` anywhere in its
/// pipeline (one distinct path), or `.`/`.field` inside `with .Values.x`.
pub(super) fn values_path(action: &str, at: usize, scopes: &[Scope]) -> Option<Vec<String>> {
    let inner = action
        .trim_start_matches("{{")
        .trim_end_matches("}}")
        .trim_matches(|c: char| c == '-' || c.is_whitespace());
    let first = inner.split_whitespace().next().unwrap_or("");
    if matches!(first, "include" | "template") && !inner.contains(".Values.") {
        return None;
    }
    // `tpl . $` inside `with .Values.x` prints the text of the value dot is (fluent-bit's
    // `initContainers` string); `tpl` of anything else (an include, a literal) prints no
    // one value.
    if first == "tpl" && !inner.contains(".Values.") && !inner[3..].trim_start().starts_with('.') {
        return None;
    }
    let mut paths = named_values(inner);
    match paths.len() {
        1 => return paths.pop(),
        0 => {}
        _ => {
            // `default .Values.a .Values.b`, `.Values.x | default "y"` of maps (scalars are
            // told apart by what was printed: [`several_values`]): the last named.
            return paths.pop();
        }
    }
    // `$v` (or `$v.field`) set by an enclosing `range $k, $v := .Values.x`: the element of
    // x it printed ([`ELEMENT`], told by the text printed).
    if !inner.contains(":=") && !inner.contains(" = ") {
        let var = inner
            .split(|c: char| c.is_whitespace() || c == '(' || c == ')' || c == '|')
            .find(|t| t.starts_with('$') && t.len() > 1 && !t.starts_with("$."));
        if let Some(token) = var {
            let (name, fields) = token.split_once('.').unwrap_or((token, ""));
            let scope = scopes
                .iter()
                .filter(|s| s.body.contains(&at) && s.elem_var.as_deref() == Some(name))
                .min_by_key(|s| s.body.len())?;
            let mut path = scope.path.clone()?;
            path.push(ELEMENT.to_string());
            path.extend(
                fields
                    .split('.')
                    .filter(|f| !f.is_empty())
                    .map(str::to_string),
            );
            return Some(path);
        }
    }
    // Dot inside `with .Values.x` (innermost scope holding the action).
    let dotted = first_dot_path(inner)?;
    let scope = scopes
        .iter()
        .filter(|s| s.body.contains(&at))
        .min_by_key(|s| s.body.len())?;
    let mut path = scope.path.clone()?;
    if scope.range {
        path.push(ELEMENT.to_string());
    }
    path.extend(
        dotted
            .split('.')
            .filter(|s| !s.is_empty())
            .map(str::to_string),
    );
    Some(path)
}

/// The values path an action named, unless its value is empty (`""` or null) while the
/// action printed text: then what was printed came from elsewhere (`default .Chart.Name
/// .Values.nameOverride`, `.Values.tag | default "1.0"`), and that values line is not its
/// origin.
pub(super) fn unless_empty(
    path: Vec<String>,
    printed: &str,
    values: &serde_json::Value,
) -> Option<Vec<String>> {
    let empty = path
        .iter()
        .try_fold(values, |v, k| v.get(k))
        .is_some_and(|v| v.is_null() || v.as_str() == Some(""));
    (!empty || printed.trim().is_empty()).then_some(path)
}

/// A values path with an [`ELEMENT`] segment made concrete: the one element of the
/// collection before it whose value (or field after it) is the scalar `printed` shows
/// (quotes aside); when none or several are, the collection itself.
pub(super) fn element_of(
    mut path: Vec<String>,
    printed: &str,
    values: &serde_json::Value,
) -> Vec<String> {
    let Some(at) = path.iter().position(|s| s == ELEMENT) else {
        return path;
    };
    let rest: Vec<String> = path[at + 1..].to_vec();
    path.truncate(at);
    let mut coll = values;
    for k in &path {
        match coll.get(k.as_str()) {
            Some(v) => coll = v,
            None => return path,
        }
    }
    let shown = printed.trim();
    let shown = [('"', '"'), ('\'', '\'')]
        .iter()
        .find_map(|&(a, b)| shown.strip_prefix(a)?.strip_suffix(b))
        .unwrap_or(shown);
    let scalar = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::Bool(b) => Some(b.to_string()),
        _ => None,
    };
    let children: Vec<(String, &serde_json::Value)> = match coll {
        serde_json::Value::Object(m) => m.iter().map(|(k, v)| (k.clone(), v)).collect(),
        serde_json::Value::Array(a) => a
            .iter()
            .enumerate()
            .map(|(i, v)| (i.to_string(), v))
            .collect(),
        _ => return path,
    };
    let mut hits = children.into_iter().filter(|(_, v)| {
        let mut v = *v;
        for f in &rest {
            match v.get(f.as_str()) {
                Some(x) => v = x,
                None => return false,
            }
        }
        // As printed, or base64 of it (`{{ $v | b64enc }}`, a Secret's data).
        !shown.is_empty()
            && scalar(v)
                .is_some_and(|t| t == shown || data_encoding::BASE64.encode(t.as_bytes()) == shown)
    });
    if let (Some((key, _)), None) = (hits.next(), hits.next()) {
        path.push(key);
        path.extend(rest);
    }
    path
}

/// The distinct values paths an action names (`printf "%s:%s" .Values.a .Values.b`,
/// `.Values.x | default .Values.y`), in the order written.
fn named_values(action: &str) -> Vec<Vec<String>> {
    let mut paths: Vec<Vec<String>> = Vec::new();
    // `.Values.x` inside a string literal is text, not the value (`toYaml ".Values.x"`),
    // except for `tpl`, whose text is a template that reads it.
    let inner = action
        .trim_start_matches("{{")
        .trim_start_matches(|c: char| c == '-' || c.is_whitespace());
    let masked;
    let action = if inner.starts_with("tpl") {
        action
    } else {
        masked = without_string_literals(action);
        masked.as_str()
    };
    for dotted in values_refs(action) {
        let p: Vec<String> = dotted
            .split('.')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        if !paths.contains(&p) {
            paths.push(p);
        }
    }
    paths
}

/// `text` with the contents of its Go string literals (`"…"` with escapes, `` `…` ``)
/// blanked, lengths kept.
fn without_string_literals(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for c in text.chars() {
        match quote {
            None => {
                if c == '"' || c == '`' {
                    quote = Some(c);
                }
                out.push(c);
            }
            Some(q) => {
                if escaped {
                    escaped = false;
                    out.push(' ');
                } else if q == '"' && c == '\\' {
                    escaped = true;
                    out.push(' ');
                } else if c == q {
                    quote = None;
                    out.push(c);
                } else {
                    out.extend(std::iter::repeat_n(' ', c.len_utf8()));
                }
            }
        }
    }
    out
}

/// For an action naming several values: those whose text is in what it printed (`values`
/// is the chart's merged values), in the order printed. `default`, `coalesce` and `ternary`
/// print one of them; `printf` several; an empty or unprinted value is not one of them.
pub(super) fn several_values(
    action: &str,
    printed: &str,
    values: &serde_json::Value,
) -> Vec<Vec<String>> {
    let paths = named_values(action);
    if paths.len() < 2 {
        return Vec::new();
    }
    let mut found: Vec<(usize, Vec<String>)> = paths
        .into_iter()
        .filter_map(|p| {
            let mut v = values;
            for k in &p {
                v = v.get(k)?;
            }
            let text = match v {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Number(n) => n.to_string(),
                serde_json::Value::Bool(b) => b.to_string(),
                _ => return None,
            };
            let at = (!text.is_empty()).then(|| printed.find(&text)).flatten()?;
            Some((at, p))
        })
        .collect();
    found.sort_by_key(|(at, _)| *at);
    found.into_iter().map(|(_, p)| p).collect()
}

/// The dotted paths after each `.Values` of an action (`.a.b` of `$.Values.a.b`): what the
/// regular expression `\.Values((?:\.[A-Za-z0-9_-]+)+)` captures, matches taken left to
/// right without overlapping. Scanned by hand: compiling the expression cost more than a
/// small chart's whole provenance.
fn values_refs(inner: &str) -> Vec<&str> {
    let b = inner.as_bytes();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = inner[from..].find(".Values").map(|i| from + i) {
        let start = i + ".Values".len();
        let end = segments_end(b, start, |c| {
            c.is_ascii_alphanumeric() || c == b'_' || c == b'-'
        });
        if end > start {
            out.push(&inner[start..end]);
            from = end;
        } else {
            from = i + 1;
        }
    }
    out
}

/// The end of `.seg.seg…` starting at `at` (each `seg` one or more bytes `seg_byte` accepts).
fn segments_end(b: &[u8], at: usize, seg_byte: impl Fn(u8) -> bool) -> usize {
    let mut end = at;
    while b.get(end) == Some(&b'.') {
        let n = b[end + 1..].iter().take_while(|&&c| seg_byte(c)).count();
        if n == 0 {
            break;
        }
        end += 1 + n;
    }
    end
}

/// The path after the first `.` that starts a field chain (at the start, or after
/// whitespace, `(` or `|`): what `(?:^|[\s(|])\.((?:[A-Za-z0-9_]+\.?)*)` captures of the
/// first match (`.name.` → `name.`, a lone `.` → ``).
fn first_dot_path(inner: &str) -> Option<&str> {
    let b = inner.as_bytes();
    let at = inner.match_indices('.').map(|(i, _)| i).find(|&i| {
        inner[..i]
            .chars()
            .next_back()
            .is_none_or(|c| c.is_whitespace() || c == '(' || c == '|')
    })?;
    let word = |c: &u8| c.is_ascii_alphanumeric() || *c == b'_';
    let mut end = at + 1;
    loop {
        let n = b[end..].iter().take_while(|c| word(c)).count();
        if n == 0 {
            break;
        }
        end += n;
        if b.get(end) == Some(&b'.') {
            end += 1;
        }
    }
    Some(&inner[at + 1..end])
}

#[cfg(test)]
mod tests {
    use super::{first_dot_path, values_refs};
    use proptest::prelude::*;

    /// The scanners capture what the regular expressions they replace capture.
    fn by_regex(inner: &str) -> (Vec<String>, Option<String>) {
        let values = regex::Regex::new(r"\$?\.Values((?:\.[A-Za-z0-9_-]+)+)").unwrap();
        let dot = regex::Regex::new(r"(?:^|[\s(|])\.((?:[A-Za-z0-9_]+\.?)*)").unwrap();
        (
            values
                .captures_iter(inner)
                .map(|c| c[1].to_string())
                .collect(),
            dot.captures(inner).map(|c| c[1].to_string()),
        )
    }

    fn by_hand(inner: &str) -> (Vec<String>, Option<String>) {
        (
            values_refs(inner).into_iter().map(str::to_string).collect(),
            first_dot_path(inner).map(str::to_string),
        )
    }

    #[test]
    fn scanners_capture_as_the_expressions() {
        for s in [
            "",
            ".",
            ".Values",
            ".Values.",
            "$.Values.a.b-c.d_e | default .Values.x",
            ".Values.a..b",
            ".ValuesX.a .Values.y.",
            "toYaml .resources | nindent 2",
            "(.a.b).c",
            "x|.a.",
            "include \"x\" .",
            "\u{a0}.a",
            "é.a .b",
        ] {
            assert_eq!(by_hand(s), by_regex(s), "{s:?}");
        }
    }

    proptest! {
        #[test]
        fn scanners_match_the_expressions_on_any_text(
            s in "[.$Vaelus_bc9( |\t\u{a0}é-]{0,24}|(\\.Values|\\.| |[a-c]|-|\\(|\\|){0,12}"
        ) {
            prop_assert_eq!(by_hand(&s), by_regex(&s));
        }
    }

    #[test]
    fn an_element_is_told_by_the_text_printed() {
        use super::{ELEMENT, element_of};
        let values = serde_json::json!({
            "env": {"A": "x", "B": "y", "C": "y"},
            "list": [{"p": "/a"}, {"p": "/b"}]
        });
        let p = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(
            element_of(p(&["env", ELEMENT]), "\"x\"", &values),
            p(&["env", "A"])
        );
        // Two elements print the same: the collection.
        assert_eq!(element_of(p(&["env", ELEMENT]), "y", &values), p(&["env"]));
        assert_eq!(
            element_of(p(&["list", ELEMENT, "p"]), "/b", &values),
            p(&["list", "1", "p"])
        );
        assert_eq!(
            element_of(p(&["list", ELEMENT, "p"]), "/c", &values),
            p(&["list"])
        );
        // A Secret's data: the element whose value is the base64 printed.
        assert_eq!(
            element_of(p(&["env", ELEMENT]), "\"eA==\"", &values),
            p(&["env", "A"])
        );
    }
}
