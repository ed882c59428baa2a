//! Which values path a template action prints (`{{ .Values.x }}`, `.` inside
//! `with .Values.x`, the lines of a `toYaml` block), so output is mapped to its values line.

use super::*;
/// A `with`/`range` block of a template source: its body's byte range and the values path
/// its pipeline names (`.Values.securityContext` → `["securityContext"]`).
pub(super) struct Scope {
    pub(super) body: std::ops::Range<usize>,
    pub(super) path: Option<Vec<String>>,
    /// `range` changes dot to an element, not the value itself.
    pub(super) range: bool,
}

pub(super) fn scopes(src: &str) -> Vec<Scope> {
    let mut out = Vec::new();
    let mut stack: Vec<(usize, Option<Vec<String>>, bool, bool)> = Vec::new();
    let mut i = 0;
    while let Some(o) = src[i..].find("{{") {
        let a = i + o;
        let Some(c) = src[a..].find("}}") else { break };
        let b = a + c + 2;
        let inner = src[a + 2..b - 2].trim_matches(|ch: char| ch == '-' || ch.is_whitespace());
        let word = inner.split_whitespace().next().unwrap_or("");
        match word {
            "if" | "define" | "block" => stack.push((b, None, false, false)),
            "with" | "range" => {
                let rest = inner[word.len()..].trim();
                let rest = rest.rsplit(":=").next().unwrap_or(rest).trim();
                let path = dotted_values(rest);
                stack.push((b, path, word == "range", true));
            }
            "end" => {
                if let Some((start, path, range, scoped)) = stack.pop()
                    && scoped
                {
                    out.push(Scope {
                        body: start..a,
                        path,
                        range,
                    });
                }
            }
            _ => {}
        }
        i = b;
    }
    out
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
    if matches!(first, "include" | "template" | "tpl") && !inner.contains(".Values.") {
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
    // Dot inside `with .Values.x` (innermost scope holding the action).
    let dot_re = DOT_RE.get_or_init(|| {
        regex::Regex::new(r"(?:^|[\s(|])\.((?:[A-Za-z0-9_]+\.?)*)").expect("valid regex")
    });
    let c = dot_re.captures(inner)?;
    let scope = scopes
        .iter()
        .filter(|s| s.body.contains(&at))
        .min_by_key(|s| s.body.len())?;
    let mut path = scope.path.clone()?;
    if scope.range {
        return Some(path);
    }
    path.extend(
        c[1].split('.')
            .filter(|s| !s.is_empty())
            .map(str::to_string),
    );
    Some(path)
}

/// The distinct values paths an action names (`printf "%s:%s" .Values.a .Values.b`,
/// `.Values.x | default .Values.y`), in the order written.
fn named_values(action: &str) -> Vec<Vec<String>> {
    let re = VALUES_RE.get_or_init(|| {
        regex::Regex::new(r"\$?\.Values((?:\.[A-Za-z0-9_-]+)+)").expect("valid regex")
    });
    let mut paths: Vec<Vec<String>> = Vec::new();
    for c in re.captures_iter(action) {
        let p: Vec<String> = c[1]
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

pub(super) static VALUES_RE: OnceLock<regex::Regex> = OnceLock::new();
pub(super) static DOT_RE: OnceLock<regex::Regex> = OnceLock::new();

/// For text printed by `toYaml`: each line's byte range and its key path from the printed
/// value's root (indentation-tracked mapping keys and sequence indexes).
/// A line of a printed block (its byte range) and its key path.
pub(super) type LinePath = (std::ops::Range<usize>, Vec<String>);

pub(super) fn yaml_line_paths(text: &str) -> Vec<LinePath> {
    let mut out = Vec::new();
    // (indent, key or index, is_seq, next index)
    let mut stack: Vec<(usize, String)> = Vec::new();
    let mut seq_counts: HashMap<(usize, Vec<String>), usize> = HashMap::new();
    let mut pos = 0;
    let mut block_indent: Option<usize> = None;
    for line in text.split_inclusive('\n') {
        let r = pos..pos + line.len();
        pos += line.len();
        let t = line.trim_end();
        let mut indent = t.len() - t.trim_start().len();
        let mut body = t.trim_start();
        if body.is_empty() {
            out.push((r, stack.iter().map(|(_, k)| k.clone()).collect()));
            continue;
        }
        if let Some(bi) = block_indent {
            if indent > bi {
                out.push((r, stack.iter().map(|(_, k)| k.clone()).collect()));
                continue;
            }
            block_indent = None;
        }
        while stack.last().is_some_and(|(i, _)| *i >= indent) {
            stack.pop();
        }
        // `- key: v`: an item, then a key inside it.
        while let Some(rest) = body
            .strip_prefix("- ")
            .or_else(|| (body == "-").then_some(""))
        {
            let parent: Vec<String> = stack.iter().map(|(_, k)| k.clone()).collect();
            let n = seq_counts.entry((indent, parent)).or_insert(0);
            stack.push((indent, n.to_string()));
            *n += 1;
            indent += 2;
            body = rest;
            if body.is_empty() {
                break;
            }
        }
        if let Some((k, v)) = body.split_once(':')
            && (v.is_empty() || v.starts_with(' '))
            && !k.starts_with(['"', '\'', '{', '['])
        {
            stack.push((indent, k.trim().to_string()));
            out.push((r, stack.iter().map(|(_, k)| k.clone()).collect()));
            let v = v.trim();
            if v.starts_with('|') || v.starts_with('>') {
                block_indent = Some(indent);
            }
            continue;
        }
        out.push((r, stack.iter().map(|(_, k)| k.clone()).collect()));
    }
    out
}
