//! Which values path a template action prints (`{{ .Values.x }}`, `.` inside
//! `with .Values.x`; the lines of a `toYaml` block are `line_paths`), so output is mapped
//! to its values line.

/// A `with`/`range` block of a template source: its body's byte range and the values path
/// its pipeline names (`.Values.securityContext` → `["securityContext"]`); or, with `var`,
/// where a variable bound to a values path (`{{ $c := index $.Values.x $k }}`) is in scope.
pub(super) struct Scope {
    pub(super) body: std::ops::Range<usize>,
    pub(super) path: Option<Vec<String>>,
    /// `range` changes dot to an element, not the value itself.
    pub(super) range: bool,
    /// The variable `range $k, $v := …` (or `range $v := …`) sets to each element.
    pub(super) elem_var: Option<String>,
    /// A variable holding the value at `path` itself (`$c := .Values.x`, `with $c := …`):
    /// its scope, from its declaration to the end of the block declaring it.
    pub(super) var: Option<String>,
}

/// A path segment standing for "the element of the collection before it that a `range`
/// printed": [`element_of`] tells which from the printed text.
pub(super) const ELEMENT: &str = "\u{0}element";

/// A block open while scanning a source.
struct Open {
    body: usize,
    path: Option<Vec<String>>,
    range: bool,
    /// `with`/`range`: dot is `path` inside.
    scoped: bool,
    /// `define`/`block` (and the file itself): dot and variables are the caller's there.
    barrier: bool,
    elem_var: Option<String>,
    /// Variables declared in the block so far: name, where their scope starts, their path.
    vars: Vec<(String, usize, Option<Vec<String>>)>,
}

pub(super) fn scopes(src: &str) -> Vec<Scope> {
    let mut out = Vec::new();
    let root = Open {
        body: 0,
        path: None,
        range: false,
        scoped: false,
        barrier: true,
        elem_var: None,
        vars: Vec::new(),
    };
    let mut stack: Vec<Open> = vec![root];
    let close = |o: Open, end: usize, out: &mut Vec<Scope>| {
        for (name, from, path) in o.vars {
            out.push(Scope {
                body: from..end,
                path,
                range: false,
                elem_var: None,
                var: Some(name),
            });
        }
        if o.scoped {
            out.push(Scope {
                body: o.body..end,
                path: o.path,
                range: o.range,
                elem_var: o.elem_var,
                var: None,
            });
        }
    };
    let mut i = 0;
    while let Some(o) = src[i..].find("{{") {
        let a = i + o;
        let Some(c) = src[a..].find("}}") else { break };
        let b = a + c + 2;
        let inner = src[a + 2..b - 2].trim_matches(|ch: char| ch == '-' || ch.is_whitespace());
        let word = inner.split_whitespace().next().unwrap_or("");
        let open = |path, range, scoped, barrier, elem_var| Open {
            body: b,
            path,
            range,
            scoped,
            barrier,
            elem_var,
            vars: Vec::new(),
        };
        match word {
            "if" => stack.push(open(None, false, false, false, None)),
            "define" | "block" => stack.push(open(None, false, false, true, None)),
            "with" | "range" => {
                let whole = inner[word.len()..].trim();
                let rest = whole.rsplit(":=").next().unwrap_or(whole).trim();
                let declared = whole.split_once(":=").map(|(vars, _)| vars);
                let elem_var = declared
                    .filter(|_| word == "range")
                    .and_then(|vars| vars.rsplit(',').next())
                    .map(|v| v.trim().to_string())
                    .filter(|v| v.starts_with('$') && v.len() > 1);
                // `.Values.x`, `.x` inside `with .Values.y` (dot is y there: y.x), or a
                // variable's field (`$c.x`).
                let path = resolve(rest, &stack);
                let mut block = open(path.clone(), word == "range", true, false, elem_var);
                // `with $x := .Values.y`: $x is y in the body, as dot is.
                if word == "with"
                    && let Some(v) = declared.map(str::trim).filter(|v| is_var(v))
                {
                    block.vars.push((v.to_string(), b, path));
                }
                stack.push(block);
            }
            "end" if stack.len() > 1 => {
                if let Some(o) = stack.pop() {
                    close(o, a, &mut out);
                }
            }
            _ => {
                // `$c := EXPR` or `$c = EXPR`: from here to the end of the block, `$c.f` is
                // the value at EXPR's path and f.
                let decl = inner
                    .split_once(":=")
                    .or_else(|| inner.split_once(" = "))
                    .map(|(v, e)| (v.trim(), e.trim()))
                    .filter(|(v, _)| is_var(v));
                if let Some((v, e)) = decl {
                    let path = resolve(e, &stack);
                    if let Some(top) = stack.last_mut() {
                        top.vars.push((v.to_string(), b, path));
                    }
                }
            }
        }
        i = b;
    }
    while let Some(o) = stack.pop() {
        close(o, src.len(), &mut out);
    }
    out
}

/// `$name` (a variable, not `$` alone).
fn is_var(v: &str) -> bool {
    v.len() > 1 && v.starts_with('$') && v[1..].chars().all(|c| c.is_alphanumeric() || c == '_')
}

/// The values path an expression evaluates to, if it is one value of values: `.Values.a`,
/// `.a` inside `with .Values.b`, `$c.a` for a variable bound to one, `index X "k" $i` of
/// one of those (a key that is not a literal is the [`ELEMENT`] the printed text tells).
/// Functions after it in a pipeline (`| default dict`) keep the value when it is set.
fn resolve(expr: &str, stack: &[Open]) -> Option<Vec<String>> {
    let first = expr.split('|').next().unwrap_or("").trim();
    let mut words = first.split_whitespace();
    let head = words.next()?;
    if head == "index" {
        let mut path = resolve_ref(words.next()?, stack)?;
        for k in words {
            let k = k.trim_end_matches(')');
            if let Some(lit) = k.strip_prefix('"').and_then(|k| k.strip_suffix('"')) {
                path.push(lit.to_string());
            } else if k.chars().all(|c| c.is_ascii_digit()) {
                path.push(k.to_string());
            } else {
                path.push(ELEMENT.to_string());
            }
        }
        return Some(path);
    }
    // One operand only: `printf "%s" .Values.a` is not the value a.
    if words.next().is_some() {
        return None;
    }
    resolve_ref(head, stack)
}

/// Appends the fields of a chain after its variable (`a.b` of `$v.a.b`) to `path`.
fn extend_with_fields(path: &mut Vec<String>, fields: &str) {
    path.extend(
        fields
            .split('.')
            .filter(|f| !f.is_empty())
            .map(str::to_string),
    );
}

/// A field chain's values path: `.Values.a.b`, `$.Values.a`, `.a` (dot's path), `$v.a`.
fn resolve_ref(token: &str, stack: &[Open]) -> Option<Vec<String>> {
    let token = token.trim_start_matches('(').trim_end_matches(')');
    if let Some(path) = dotted_values(token) {
        return Some(path);
    }
    if token.starts_with('$') && !token.starts_with("$.") {
        let (name, fields) = token.split_once('.').unwrap_or((token, ""));
        let mut path = var_path(name, stack)?;
        extend_with_fields(&mut path, fields);
        return Some(path);
    }
    // `.x` inside `with .Values.y` (not inside a `range`: dot is an element there).
    let fields = if token == "." {
        Vec::new()
    } else {
        dot_fields(token)?
    };
    let parent = stack
        .iter()
        .rev()
        .find(|o| o.scoped || o.barrier)
        .filter(|o| o.scoped)?;
    let mut path = parent.path.clone().filter(|_| !parent.range)?;
    path.extend(fields);
    Some(path)
}

/// The values path variable `name` holds where the scan is, if one: the latest declaration
/// of the innermost block declaring it, or the element of the `range` that sets it.
fn var_path(name: &str, stack: &[Open]) -> Option<Vec<String>> {
    for o in stack.iter().rev() {
        if let Some((_, _, path)) = o.vars.iter().rev().find(|(n, _, _)| n == name) {
            return path.clone();
        }
        if o.elem_var.as_deref() == Some(name) {
            let mut path = o.path.clone()?;
            path.push(ELEMENT.to_string());
            return Some(path);
        }
        if o.barrier {
            break;
        }
    }
    None
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
                .filter(|s| {
                    s.body.contains(&at)
                        && (s.elem_var.as_deref() == Some(name) || s.var.as_deref() == Some(name))
                })
                .min_by_key(|s| s.body.len())?;
            let mut path = scope.path.clone()?;
            if scope.var.is_none() {
                path.push(ELEMENT.to_string());
            }
            extend_with_fields(&mut path, fields);
            return Some(path);
        }
    }
    // Dot inside `with .Values.x` (innermost scope holding the action).
    let dotted = first_dot_path(inner)?;
    let scope = scopes
        .iter()
        .filter(|s| s.var.is_none() && s.body.contains(&at))
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
    fn a_variable_bound_to_a_value_names_its_path_in_its_scope() {
        use super::{ELEMENT, scopes, values_path};
        let src = concat!(
            "{{- $a := .Values.agent }}{{ $a.image }}\n",
            "{{- range $k, $_ := .Values.m }}{{ $c := index $.Values.m $k \"x\" }}",
            "{{ $c.y }}{{ end }}{{ $c.y }}\n",
            "{{- with $s := $a.sc }}{{ $s.p }}{{ end }}\n",
            "{{- $a = printf \"%s\" .Values.b }}{{ $a.image }}\n",
            "{{- define \"d\" }}{{ $a.image }}{{ end }}",
        );
        let sc = scopes(src);
        let at = |needle: &str, nth: usize| {
            let i = src.match_indices(needle).nth(nth).unwrap().0;
            let end = i + src[i..].find("}}").unwrap() + 2;
            values_path(&src[i..end], i, &sc)
        };
        let p = |s: &[&str]| Some(s.iter().map(|x| x.to_string()).collect::<Vec<_>>());
        assert_eq!(at("{{ $a.image }}", 0), p(&["agent", "image"]));
        assert_eq!(at("{{ $c.y }}", 0), p(&["m", ELEMENT, "x", "y"]));
        // Past the end of the range declaring it, and after a reassignment to something
        // that is not one value, and in a define (another scope): no path.
        assert_eq!(at("{{ $c.y }}", 1), None);
        assert_eq!(at("{{ $s.p }}", 0), p(&["agent", "sc", "p"]));
        assert_eq!(at("{{ $a.image }}", 1), None);
        assert_eq!(at("{{ $a.image }}", 2), None);
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
