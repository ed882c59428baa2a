//! Rego text passes run before compiling: import aliases expanded, unused built-in libraries
//! left out of an engine, recursive functions found (regorus overflows its stack on them; OPA
//! rejects them too). They read and rewrite policy text only; they know nothing of engines.

use super::metadata::parse_rule;
use super::sources::PolicySource;
use crate::rule::{Origin, Rule};

/// The `import data.X.Y [as Z]` lines of a policy: (alias, full path).
fn data_imports(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for line in text.lines() {
        let mut words = line.split('#').next().unwrap_or("").split_whitespace();
        if words.next() != Some("import") {
            continue;
        }
        let Some(path) = words.next() else { continue };
        if !path.starts_with("data.")
            || !path
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.')
        {
            continue;
        }
        let alias = match (words.next(), words.next(), words.next()) {
            (None, _, _) => path.rsplit('.').next().unwrap_or("").to_string(),
            (Some("as"), Some(a), None) => a.to_string(),
            _ => continue,
        };
        if !alias.is_empty()
            && alias
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_')
        {
            out.push((alias, path.to_string()));
        }
    }
    out
}

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Rewrites `alias.field` references to imported `data` packages into full `data.` paths, for
/// speed with the same meaning: regorus evaluates an import alias by computing the whole
/// imported package (every rule of the library) before picking the field, on every reference,
/// whereas a full path evaluates only the rule it names. Identifiers inside strings and comments
/// are left alone. Returns None (use the text as written) when nothing changes, or when an alias
/// is used other than as `alias.field` outside its import line (it might be shadowed or passed
/// whole, where the rewrite could change the meaning).
pub fn expand_import_aliases(text: &str) -> Option<String> {
    let imports = data_imports(text);
    if imports.is_empty() {
        return None;
    }
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len() + 256);
    let mut last = 0;
    let mut i = 0;
    let mut changed = false;
    let mut line_is_import = false;
    let mut at_line_start = true;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'\n' => {
                at_line_start = true;
                line_is_import = false;
                i += 1;
            }
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    if bytes[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
                i += 1;
            }
            b'`' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'`' {
                    i += 1;
                }
                i += 1;
            }
            _ if is_ident_byte(b) => {
                let start = i;
                while i < bytes.len() && is_ident_byte(bytes[i]) {
                    i += 1;
                }
                let word = &text[start..i];
                if at_line_start && word == "import" {
                    line_is_import = true;
                }
                at_line_start = false;
                if line_is_import || (start > 0 && bytes[start - 1] == b'.') {
                    continue;
                }
                if let Some((_, full)) = imports.iter().find(|(a, _)| a == word) {
                    // `alias.field`, where field is an identifier (not `alias.` at a line end).
                    if bytes.get(i) == Some(&b'.')
                        && bytes.get(i + 1).is_some_and(|c| is_ident_byte(*c))
                    {
                        out.push_str(&text[last..start]);
                        out.push_str(full);
                        last = i;
                        changed = true;
                    } else {
                        return None;
                    }
                }
            }
            _ => {
                if !b.is_ascii_whitespace() {
                    at_line_start = false;
                }
                i += 1;
            }
        }
    }
    if !changed {
        return None;
    }
    out.push_str(&text[last.min(text.len())..]);
    Some(out)
}

/// Drops the built-in libraries that nothing chosen refers to (the SQL library from the
/// Kubernetes engine, say): every loaded module costs on each `data` reference, and in parsing
/// and analysis at start-up. A library stays when any kept source (rules, users' modules,
/// other kept libraries) mentions its package path (`data.runeguard.lib.k8s` not followed by an
/// identifier character); a mention in a comment or string keeps it too, which is merely
/// conservative. The built-in policies never reach a library by a computed path (a test checks).
pub(super) fn without_unused_builtin_libraries(chosen: Vec<&PolicySource>) -> Vec<&PolicySource> {
    let package = |s: &PolicySource| super::metadata::package_of(&s.text).map(|(p, _)| p);
    let is_lib =
        |s: &PolicySource| s.origin == Origin::Builtin && s.path.starts_with("policies/lib/");
    // Users' policies might reach a library through `data.runeguard.lib[x]` or the like:
    // with any of them loaded, every library stays.
    if chosen.iter().any(|s| s.origin == Origin::User) {
        return chosen;
    }
    let mut keep: Vec<bool> = chosen.iter().map(|s| !is_lib(s)).collect();
    loop {
        let mut grew = false;
        for i in 0..chosen.len() {
            if keep[i] {
                continue;
            }
            let Some(pkg) = package(chosen[i]) else {
                keep[i] = true;
                grew = true;
                continue;
            };
            let needle = format!("data.{pkg}");
            let used = chosen.iter().zip(&keep).filter(|(_, k)| **k).any(|(s, _)| {
                s.text.match_indices(&needle).any(|(at, _)| {
                    !s.text
                        .as_bytes()
                        .get(at + needle.len())
                        .is_some_and(|b| is_ident_byte(*b))
                })
            });
            if used {
                keep[i] = true;
                grew = true;
            }
        }
        if !grew {
            break;
        }
    }
    chosen
        .into_iter()
        .zip(keep)
        .filter(|(_, k)| *k)
        .map(|(s, _)| s)
        .collect()
}

/// The first function of a module that calls itself, directly or through other functions of
/// the same module, with the line of its head. A light reading of the text: top-level
/// statements start at column 1; strings and comments are skipped.
pub fn recursive_function(text: &str) -> Option<(String, u32)> {
    let mut heads: Vec<(String, u32, String)> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let code = strip_strings_and_comments(line);
        let starts_statement = line
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
        if starts_statement {
            let name: String = line
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            let is_function = line[name.len()..].starts_with('(')
                && !matches!(name.as_str(), "package" | "import" | "default");
            heads.push((
                if is_function { name } else { String::new() },
                i as u32 + 1,
                String::new(),
            ));
            if let Some(last) = heads.last_mut() {
                last.2
                    .push_str(&code[code.find('(').map(|p| p + 1).unwrap_or(0).min(code.len())..]);
                last.2.push('\n');
            }
        } else if let Some(last) = heads.last_mut() {
            last.2.push_str(&code);
            last.2.push('\n');
        }
    }
    let functions: std::collections::BTreeMap<&str, (u32, Vec<String>)> = {
        let mut m: std::collections::BTreeMap<&str, (u32, Vec<String>)> =
            std::collections::BTreeMap::new();
        for (name, line, body) in &heads {
            if name.is_empty() {
                continue;
            }
            let calls = calls_in(body);
            let e = m.entry(name.as_str()).or_insert((*line, Vec::new()));
            e.1.extend(calls);
        }
        m
    };
    // Depth-first search for a cycle.
    for (start, (line, _)) in &functions {
        let mut stack: Vec<&str> = vec![start];
        let mut seen = std::collections::BTreeSet::new();
        while let Some(f) = stack.pop() {
            for callee in functions.get(f).map(|(_, c)| c.as_slice()).unwrap_or(&[]) {
                if callee == start {
                    return Some((start.to_string(), *line));
                }
                if functions.contains_key(callee.as_str()) && seen.insert(callee.clone()) {
                    stack.push(callee);
                }
            }
        }
    }
    None
}

fn strip_strings_and_comments(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut in_str: Option<char> = None;
    let mut escaped = false;
    for c in line.chars() {
        match in_str {
            Some(q) => {
                if escaped {
                    escaped = false;
                } else if c == '\\' && q == '"' {
                    escaped = true;
                } else if c == q {
                    in_str = None;
                }
            }
            None => {
                if c == '#' {
                    break;
                }
                if c == '"' || c == '`' {
                    in_str = Some(c);
                    continue;
                }
                out.push(c);
            }
        }
    }
    out
}

/// Names called as `name(` (not `a.name(`: builtins and other packages).
fn calls_in(body: &str) -> Vec<String> {
    let mut out = Vec::new();
    let chars: Vec<char> = body.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_alphabetic() || chars[i] == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            let prev_dot = start > 0 && chars[start - 1] == '.';
            if !prev_dot && chars.get(i) == Some(&'(') {
                out.push(chars[start..i].iter().collect());
            }
        } else {
            i += 1;
        }
    }
    out
}

/// What reading one policy source found: its rule (or a library, or a metadata error) with
/// the value its METADATA block read as, and a function of it that calls itself.
pub(super) struct ReadSource {
    pub(super) rule: Result<Option<Rule>, super::metadata::PolicyError>,
    /// The rule came from the stored built-in rules (nothing to store).
    pub(super) known: bool,
    pub(super) recursion: Option<(String, u32)>,
}

impl ReadSource {
    /// Reads a source, taking its rule as `known` when the on-disk cache has it (see
    /// [`super::cache::Metadata`]).
    pub(super) fn of(src: &PolicySource, known: Option<&Rule>) -> ReadSource {
        ReadSource {
            rule: match known {
                Some(rule) => Ok(Some(rule.clone())),
                None => parse_rule(&src.path, &src.text, src.origin.clone()),
            },
            known: known.is_some(),
            // The built-in policies are known not to recurse (`no_builtin_policy_recurses` checks
            // every one), so only users' policies are searched (≈ 1 ms for the built-in ones).
            recursion: match src.origin {
                Origin::Builtin => None,
                Origin::User => recursive_function(&src.text),
            },
        }
    }
}

#[cfg(test)]
mod recursion_tests {
    use super::recursive_function;

    /// What lets [`super::ReadSource::of`] skip the search for the built-in policies.
    #[test]
    fn no_builtin_policy_recurses() {
        for (path, text) in crate::embedded::under("policies/") {
            if path.ends_with(".rego") {
                assert_eq!(recursive_function(text), None, "{path}");
            }
        }
    }

    #[test]
    fn finds_direct_and_mutual_recursion() {
        assert_eq!(
            recursive_function("package a\n\nloop(x) := y if {\n  y := loop(x + 1)\n}\n"),
            Some(("loop".into(), 3))
        );
        assert_eq!(
            recursive_function("package a\nf(x) := g(x)\n\ng(x) := f(x) if true\n").map(|(n, _)| n),
            Some("f".into())
        );
        assert_eq!(
            recursive_function("package a\nf(x) := sprintf(\"f(%v)\", [x]) # f(x)\ng(x) := f(x)\n"),
            None
        );
        assert_eq!(
            recursive_function("package a\nf(x) := strings.f(x)\n"),
            None
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::embedded;

    #[test]
    fn import_aliases_expand_outside_strings_and_comments() {
        let text = "package p\n\nimport rego.v1\nimport data.runeguard.lib.k8s\nimport data.runeguard.lib.k8s_selectors as sel\n\n# k8s.containers in a comment\ndeny contains {\"msg\": \"k8s.x\"} if {\n\tsome c in k8s.containers\n\tsel.matches(c, `k8s.y`)\n\tnot data.other.k8s.z\n}\n";
        let out = expand_import_aliases(text).expect("rewritten");
        assert!(
            out.contains("some c in data.runeguard.lib.k8s.containers\n"),
            "{out}"
        );
        assert!(
            out.contains("data.runeguard.lib.k8s_selectors.matches(c, `k8s.y`)"),
            "{out}"
        );
        assert!(out.contains("# k8s.containers in a comment"), "{out}");
        assert!(out.contains("\"msg\": \"k8s.x\""), "{out}");
        assert!(out.contains("not data.other.k8s.z"), "{out}");
        assert!(out.contains("import data.runeguard.lib.k8s\n"), "{out}");
    }

    #[test]
    fn import_alias_used_whole_or_shadowed_is_left_alone() {
        let whole = "package p\nimport data.runeguard.lib.k8s\nx := k8s\n";
        assert_eq!(expand_import_aliases(whole), None);
        let shadowed =
            "package p\nimport data.runeguard.lib.k8s\nx if { some k8s in input.a; k8s.b }\n";
        assert_eq!(expand_import_aliases(shadowed), None);
        let no_use = "package p\nimport data.runeguard.lib.k8s\nx := 1\n";
        assert_eq!(expand_import_aliases(no_use), None);
    }

    #[test]
    fn built_in_policies_name_libraries_by_their_full_path() {
        for (path, text) in embedded::under("policies/").filter(|(p, _)| p.ends_with(".rego")) {
            for (at, _) in text.match_indices("data.runeguard.lib") {
                assert_eq!(
                    text.as_bytes().get(at + "data.runeguard.lib".len()),
                    Some(&b'.'),
                    "{path}: a library reached by a computed path"
                );
            }
            for (at, _) in text.match_indices("data[") {
                assert!(
                    at > 0
                        && (text.as_bytes()[at - 1] == b'.'
                            || is_ident_byte(text.as_bytes()[at - 1])),
                    "{path}: a computed `data` path"
                );
            }
        }
    }

    #[test]
    fn unused_built_in_libraries_are_left_out_of_an_engine() {
        let src = |path: &str, text: &str, origin: Origin| PolicySource {
            path: path.into(),
            text: text.to_string().into(),
            origin,
        };
        let k8s = src(
            "policies/lib/k8s.rego",
            "package runeguard.lib.k8s\nx := 1\n",
            Origin::Builtin,
        );
        let sel = src(
            "policies/lib/k8s_selectors.rego",
            "package runeguard.lib.k8s_selectors\nimport data.runeguard.lib.k8s\ny := k8s.x\n",
            Origin::Builtin,
        );
        let sql = src(
            "policies/lib/sql.rego",
            "package runeguard.lib.sql\nz := 1\n",
            Origin::Builtin,
        );
        let rule = src(
            "policies/kubernetes/r.rego",
            "package runeguard.kubernetes.r\nimport data.runeguard.lib.k8s_selectors as sel\n",
            Origin::Builtin,
        );
        let kept: Vec<&str> = without_unused_builtin_libraries(vec![&k8s, &sel, &sql, &rule])
            .iter()
            .map(|s| s.path.as_str())
            .collect();
        assert_eq!(
            kept,
            [
                "policies/lib/k8s.rego",
                "policies/lib/k8s_selectors.rego",
                "policies/kubernetes/r.rego"
            ]
        );
        let user = src(
            "mine/u.rego",
            "package u\nq := data.runeguard.lib[\"sql\"].z\n",
            Origin::User,
        );
        assert_eq!(
            without_unused_builtin_libraries(vec![&k8s, &sql, &user]).len(),
            3
        );
    }

    #[test]
    fn most_built_in_policies_importing_a_library_are_expanded() {
        let importing: Vec<&str> = embedded::under("policies/")
            .filter(|(p, t)| {
                p.ends_with(".rego") && !p.ends_with("_test.rego") && t.contains("import data.")
            })
            .map(|(_, t)| t)
            .collect();
        let expanded = importing
            .iter()
            .filter(|t| expand_import_aliases(t).is_some())
            .count();
        assert!(
            expanded * 10 >= importing.len() * 9,
            "{expanded} of {}",
            importing.len()
        );
    }
}
