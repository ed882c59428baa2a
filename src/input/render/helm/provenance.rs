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
    /// The key variable of `range $k, $v := …` (the map key or list index).
    pub(super) key_var: Option<String>,
    /// A variable holding the value at `path` itself (`$c := .Values.x`, `with $c := …`):
    /// its scope, from its declaration to the end of the block declaring it.
    pub(super) var: Option<String>,
    /// For `var`, the values its expression prints a part of (`$tag := ternary "" (printf
    /// ":%s" .tag) (empty .tag)`: `.tag`), where the variable is no one value: what a
    /// combination printing the variable may have printed of them ([`operand_parts`]).
    pub(super) parts: Vec<Vec<String>>,
    /// For `var`, the `dict …` call it was bound to (`$dict := dict "service"
    /// .Values.loki.image …`), which an `include` given the variable reads as if written
    /// there ([`through_call`]).
    pub(super) dict: Option<String>,
}

/// A variable declared in a block: its name, where its scope starts, the values path it
/// holds, and the values its expression prints a part of ([`Scope::parts`]).
type Var = (
    String,
    usize,
    Option<Vec<String>>,
    Vec<Vec<String>>,
    Option<String>,
);

/// A path segment standing for "the element of the collection before it that a `range`
/// printed": [`element_of`] tells which from the printed text.
pub(super) const ELEMENT: &str = "\u{0}element";

/// The first segment of a path relative to a partial's dot (`.imageRoot.tag` in a `define`
/// body is `[DOT, "imageRoot", "tag"]`): what the `include` call passed as dot tells which
/// values it is ([`through_call`]).
pub(super) const DOT: &str = "\u{0}dot";

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
    key_var: Option<String>,
    /// Variables declared in the block so far (and assigned there, [`reassigned`]).
    vars: Vec<Var>,
    /// The names of the variables declared (`:=`) in the block, not only assigned.
    declared: Vec<String>,
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
        key_var: None,
        vars: Vec::new(),
        declared: Vec::new(),
    };
    let mut stack: Vec<Open> = vec![root];
    let close = |o: Open, end: usize, out: &mut Vec<Scope>| {
        for (name, from, path, parts, dict) in o.vars {
            out.push(Scope {
                body: from..end,
                path,
                range: false,
                elem_var: None,
                key_var: None,
                var: Some(name),
                parts,
                dict,
            });
        }
        if o.scoped {
            out.push(Scope {
                body: o.body..end,
                path: o.path,
                range: o.range,
                elem_var: o.elem_var,
                key_var: o.key_var,
                var: None,
                parts: Vec::new(),
                dict: None,
            });
        }
    };
    for action in super::actions::actions(src, 0) {
        let (a, b, inner) = (action.start, action.end, action.inner);
        let word = action.keyword();
        let open = |path, range, scoped, barrier, elem_var| Open {
            body: b,
            path,
            range,
            scoped,
            barrier,
            elem_var,
            key_var: None,
            vars: Vec::new(),
            declared: Vec::new(),
        };
        match word {
            "if" => stack.push(open(None, false, false, false, None)),
            // Dot in a define body is what the caller passed ([`DOT`]).
            "define" | "block" => {
                stack.push(open(Some(vec![DOT.to_string()]), false, true, true, None))
            }
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
                let listed = (word == "range").then(|| listed(rest, &stack)).flatten();
                let (path, range) = match listed {
                    // `range $w := list .Values.a`: dot and $w are a, as in a `with`.
                    Some(Listed::One(path)) => (Some(path), false),
                    // `range list .Values.a .Values.b`: an element of their parent, told
                    // by the text printed.
                    Some(Listed::Siblings(parent)) => (Some(parent), true),
                    None => (resolve(rest, &stack), word == "range"),
                };
                let elem_var = elem_var.filter(|_| range);
                let mut block = open(path.clone(), range, true, false, elem_var);
                block.key_var = declared
                    .filter(|_| range)
                    .and_then(|vars| vars.split_once(','))
                    .map(|(k, _)| k.trim().to_string())
                    .filter(|k| is_var(k));
                // `with $x := .Values.y`: $x is y in the body, as dot is.
                if !range
                    && let Some(v) = declared
                        .and_then(|vars| vars.rsplit(',').next())
                        .map(str::trim)
                        .filter(|v| is_var(v))
                {
                    block.vars.push((v.to_string(), b, path, Vec::new(), None));
                    block.declared.push(v.to_string());
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
                    let parts = named_parts(e, &stack);
                    let dict = (terms(e).first() == Some(&"dict")).then(|| format!("({e})"));
                    let assigned = !inner.contains(":=");
                    if assigned {
                        reassigned(&mut stack, v, b, (&path, &parts));
                    }
                    if let Some(top) = stack.last_mut() {
                        if !assigned {
                            top.declared.push(v.to_string());
                        }
                        top.vars.push((v.to_string(), b, path, parts, dict));
                    }
                }
            }
        }
    }
    while let Some(o) = stack.pop() {
        close(o, src.len(), &mut out);
    }
    out
}

/// A variable declared in an enclosing block and assigned (`$tag = .Values.global.tag`) in
/// a block inside it (an `if`/`else` branch, a `with`): after that block the variable holds
/// either value, which the printed text tells ([`printed_of`]). From the assignment to the end
/// of the declaring block it may be any value it was given so far: its path when they all
/// name one, else none, with every one among its parts (session fid30). The branch itself
/// reads the value assigned (the entry its own block gets, whose scope is smaller).
fn reassigned(
    stack: &mut [Open],
    name: &str,
    at: usize,
    (path, parts): (&Option<Vec<String>>, &[Vec<String>]),
) {
    let Some(top) = stack.len().checked_sub(1) else {
        return;
    };
    let mut declaring = None;
    for (i, o) in stack.iter().enumerate().rev() {
        if o.declared.iter().any(|n| n == name) {
            declaring = Some(i);
            break;
        }
        if o.barrier {
            break;
        }
    }
    let Some(d) = declaring.filter(|&d| d < top) else {
        return;
    };
    let Some((_, _, old_path, old_parts, _)) = stack[d].vars.iter().rev().find(|(n, ..)| n == name)
    else {
        return;
    };
    let merged_path = old_path.clone().filter(|p| Some(p) == path.as_ref());
    let mut merged: Vec<Vec<String>> = Vec::new();
    let candidates = old_path
        .iter()
        .chain(old_parts)
        .chain(path.iter())
        .chain(parts);
    for p in candidates {
        if !merged.contains(p) {
            merged.push(p.clone());
        }
    }
    if merged_path.is_some() {
        merged.clear();
    }
    stack[d]
        .vars
        .push((name.to_string(), at, merged_path, merged, None));
}

/// `$name` (a variable, not `$` alone).
fn is_var(v: &str) -> bool {
    v.len() > 1 && v.starts_with('$') && v[1..].chars().all(|c| c.is_alphanumeric() || c == '_')
}

/// The values path an expression evaluates to, if it is one value of values: `.Values.a`,
/// `.a` inside `with .Values.b`, `$c.a` for a variable bound to one, `index X "k" $i` of
/// one of those (a key that is not a literal is the [`ELEMENT`] the printed text tells), and
/// what a function returning its argument or a part of it unchanged makes of one (`omit`,
/// `pick`, `deepCopy`, `merge` into a new dict, `toYaml`, `get`, `dig`, `default`, a
/// `ternary` of two ways to one value). Functions after it in a pipeline (`| default dict`,
/// `| toYaml`) keep the value when it is set; a `ternary` stage picks one of its two.
fn resolve(expr: &str, stack: &[Open]) -> Option<Vec<String>> {
    let stages = pipeline_stages(expr);
    let mut path = resolve_command(stages.first()?, stack);
    for stage in &stages[1..] {
        let words = terms(stage);
        if words.first() == Some(&"ternary") {
            // `COND | ternary A B`: the piped value is the condition, not printed.
            path = one_of(&words[1..], stack);
        } else if path.is_none()
            && stages[0].trim_start().starts_with('$')
            && let ["default", fallback] = words[..]
        {
            // `$d.password | default (b64enc .Values.password)` with `$d` a `lookup` (empty
            // when rendering, as `helm template` does): the fallback's value (a keycloak
            // admin-secret helper, session fid38). Only after a variable: an include's text
            // piped to a `default` is printed when it is not empty.
            path = resolve_term(fallback, stack);
        }
    }
    path
}

/// The path of one command of a pipeline ([`resolve`]).
fn resolve_command(cmd: &str, stack: &[Open]) -> Option<Vec<String>> {
    let words = terms(cmd);
    let (&head, args) = words.split_first()?;
    let term = |t: &str| resolve_term(t, stack);
    // The map a lookup starts from: `.Values` itself (`index .Values "a" "b"`, `dig "a" ""
    // .Values.AsMap`) is the empty path, which is no value's path on its own.
    let map = |t: &str| match t {
        ".Values" | "$.Values" | ".Values.AsMap" | "$.Values.AsMap" => Some(Vec::new()),
        _ => term(t),
    };
    match head {
        "index" => {
            let (first, keys) = args.split_first()?;
            if keys.is_empty() {
                return term(first);
            }
            // Inside a `range`, a field of dot is one element's (`with index .containers 0`
            // inside `range .Values.workloads`: the first container of the workload printed).
            let mut path = map(first).or_else(|| element_field(first, stack))?;
            for k in keys {
                if let Some(lit) = k.strip_prefix('"').and_then(|k| k.strip_suffix('"')) {
                    path.push(lit.to_string());
                } else if k.chars().all(|c| c.is_ascii_digit()) {
                    path.push(k.to_string());
                } else {
                    path.push(ELEMENT.to_string());
                }
            }
            Some(path)
        }
        // The value itself, or a part of it, whatever the other arguments.
        "omit" | "pick" | "deepCopy" | "mustDeepCopy" | "toYaml" | "mustToYaml" | "toString" => {
            term(args.first()?)
        }
        "required" | "default" | "nindent" | "indent" => term(args.last()?),
        // `$v = tpl $v $.root`: the text of the value (goauthentik's env helper; its values
        // line, rendered), as `tpl $v $` printed in place is (session fid38).
        "tpl" => term(args.first()?),
        // The value encoded: the printed text is its base64, which is read back.
        "b64enc" => term(args.first()?),
        "get" => {
            let mut path = map(args.first()?)?;
            path.push(literal(args.get(1)?)?.to_string());
            Some(path)
        }
        "dig" => {
            let root = map;
            let (map, rest) = args.split_last()?;
            let keys = rest.get(..rest.len().checked_sub(1)?)?;
            if keys.is_empty() {
                return None;
            }
            let mut path = root(map)?;
            for k in keys {
                path.push(literal(k)?.to_string());
            }
            Some(path)
        }
        "ternary" => one_of(args.get(..2)?, stack),
        // `merge (dict) .Values.x`: the one value merged into a new map.
        "merge" | "mergeOverwrite" | "mustMerge" | "mustMergeOverwrite" => {
            let mut found = args.iter().filter_map(|a| term(a));
            match (found.next(), found.next()) {
                (Some(p), None) => Some(p),
                _ => None,
            }
        }
        // One operand only: `printf "%s" .Values.a` is not the value a.
        _ if args.is_empty() => term(head),
        _ => None,
    }
}

/// What a `range` over `list`/`tuple` of values walks.
enum Listed {
    /// One value: the element is that value.
    One(Vec<String>),
    /// Several values with one parent (`.Values.a`, `.Values.b`): the parent's path.
    Siblings(Vec<String>),
}

/// The values a `range` over `list A B …` (or `tuple`) walks, when each is a values path.
fn listed(expr: &str, stack: &[Open]) -> Option<Listed> {
    let stages = pipeline_stages(expr);
    let [cmd] = stages.as_slice() else {
        return None;
    };
    let cmd = cmd
        .strip_prefix('(')
        .and_then(|c| c.strip_suffix(')'))
        .unwrap_or(cmd);
    let words = terms(cmd);
    let (&head, args) = words.split_first()?;
    if !matches!(head, "list" | "tuple") || args.is_empty() {
        return None;
    }
    let paths: Vec<Vec<String>> = args
        .iter()
        .map(|a| resolve_term(a, stack))
        .collect::<Option<_>>()?;
    if let [one] = paths.as_slice() {
        return Some(Listed::One(one.clone()));
    }
    let (first, rest) = paths.split_first()?;
    let parent = first.get(..first.len().checked_sub(1)?)?;
    rest.iter()
        .all(|p| p.len() == first.len() && p.starts_with(parent))
        .then(|| Listed::Siblings(parent.to_vec()))
}

/// The one path two terms (a `ternary`'s) both evaluate to.
fn one_of(two: &[&str], stack: &[Open]) -> Option<Vec<String>> {
    let (a, b) = (two.first()?, two.get(1)?);
    let a = resolve_term(a, stack)?;
    (resolve_term(b, stack).as_ref() == Some(&a)).then_some(a)
}

/// A term's path: a parenthesized pipeline, or a field chain.
fn resolve_term(t: &str, stack: &[Open]) -> Option<Vec<String>> {
    match t.strip_prefix('(').and_then(|t| t.strip_suffix(')')) {
        Some(inner) => resolve(inner, stack),
        None => resolve_ref(t, stack),
    }
}

/// A Go string literal's text (`"k"` → `k`), without escapes.
fn literal(t: &str) -> Option<&str> {
    t.strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .filter(|t| !t.contains('\\'))
}

/// The stages of a pipeline (`a | b c`), split at the `|` outside parentheses and strings.
fn pipeline_stages(expr: &str) -> Vec<&str> {
    split_top(expr, |c| c == '|')
        .into_iter()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect()
}

/// The terms of a command (`f "a b" (g .x) .y` → `f`, `"a b"`, `(g .x)`, `.y`).
pub(super) fn terms(cmd: &str) -> Vec<&str> {
    split_top(cmd.trim(), char::is_whitespace)
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect()
}

/// Where a scan of text stands against its quoted strings: a `"…"` (whose `\` escapes the
/// next character) or another quote character the language has (Go's `` `…` ``, YAML's
/// `'…'`, whose `''` closes and reopens).
pub(super) struct Quotes {
    opens: &'static [char],
    open: Option<char>,
    escaped: bool,
}

/// What a character is to [`Quotes`].
#[derive(PartialEq, Eq)]
pub(super) enum Quoted {
    /// Outside any string.
    Outside,
    /// A quote opening or closing a string.
    Quote,
    /// Inside a string (an escape and what it escapes included).
    Inside,
}

impl Quotes {
    /// Strings opened by `"` and by each of `others`.
    pub(super) fn new(others: &'static [char]) -> Self {
        Quotes {
            opens: others,
            open: None,
            escaped: false,
        }
    }

    /// Reads the next character.
    pub(super) fn step(&mut self, c: char) -> Quoted {
        match self.open {
            Some(_) if self.escaped => {
                self.escaped = false;
                Quoted::Inside
            }
            Some('"') if c == '\\' => {
                self.escaped = true;
                Quoted::Inside
            }
            Some(q) if c == q => {
                self.open = None;
                Quoted::Quote
            }
            Some(_) => Quoted::Inside,
            None if c == '"' || self.opens.contains(&c) => {
                self.open = Some(c);
                Quoted::Quote
            }
            None => Quoted::Outside,
        }
    }
}

/// `text` split at the characters `at` accepts outside parentheses and string literals.
fn split_top(text: &str, at: impl Fn(char) -> bool) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut quotes, mut from) = (0usize, Quotes::new(&['`']), 0);
    for (i, c) in text.char_indices() {
        if quotes.step(c) != Quoted::Outside {
            continue;
        }
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ if depth == 0 && at(c) => {
                out.push(&text[from..i]);
                from = i + c.len_utf8();
            }
            _ => {}
        }
    }
    out.push(&text[from..]);
    out
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

/// A field of dot (`.containers`) inside a `range` over a values path: that path, an
/// [`ELEMENT`], then the fields, which what is printed tells apart ([`element_of`]).
fn element_field(token: &str, stack: &[Open]) -> Option<Vec<String>> {
    let fields = dot_fields(token.trim_start_matches('(').trim_end_matches(')'))?;
    let parent = stack
        .iter()
        .rev()
        .find(|o| o.scoped || o.barrier)
        .filter(|o| o.scoped && o.range)?;
    let mut path = parent.path.clone()?;
    path.push(ELEMENT.to_string());
    path.extend(fields);
    Some(path)
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
        if let Some((_, _, path, ..)) = o.vars.iter().rev().find(|(n, ..)| n == name) {
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

/// The values a variable's expression prints a part of, where the scan is ([`var_path`]'s
/// declaration): its own path, then those its `printf`/`ternary` parts name.
fn var_parts(name: &str, stack: &[Open]) -> Vec<Vec<String>> {
    for o in stack.iter().rev() {
        if let Some((_, _, path, parts, _)) = o.vars.iter().rev().find(|(n, ..)| n == name) {
            let mut out: Vec<Vec<String>> = path.iter().cloned().collect();
            out.extend(
                parts
                    .iter()
                    .filter(|p| !out.contains(p))
                    .cloned()
                    .collect::<Vec<_>>(),
            );
            return out;
        }
        if o.elem_var.as_deref() == Some(name) || o.barrier {
            break;
        }
    }
    Vec::new()
}

/// The values an expression may print a part of (a variable's, `$tag := ternary "" (printf
/// ":%s" (toString .tag)) (empty .tag)`; `$ref := printf ":%s" (.service.tag | default
/// .defaultVersion)`): each `.Values` path, field of dot and variable (the values a variable
/// itself holds a part of) it names, a `ternary`'s condition left out (it prints nothing),
/// and the objects Helm gives (`.Chart`, `.Release`) too. In the order written, once each.
fn named_parts(expr: &str, stack: &[Open]) -> Vec<Vec<String>> {
    // Text made of values (`printf`, a `ternary` of texts, a value and its `default`s), not
    // a collection holding them (`dict "name" .Values.b.name "sc" .Values.b.sc`, printed by
    // a `toYaml` whose lines tell their own values).
    let first = pipeline_stages(expr).first().copied().unwrap_or("");
    let head = terms(first.trim_start_matches('('))
        .first()
        .copied()
        .unwrap_or("");
    let texty = head.starts_with(['.', '$'])
        || matches!(
            head,
            "printf"
                | "print"
                | "ternary"
                | "default"
                | "coalesce"
                | "cat"
                | "toString"
                | "quote"
                | "squote"
                | "trim"
                | "trimPrefix"
                | "trimSuffix"
                | "lower"
                | "upper"
                | "replace"
                | "join"
        );
    if !texty {
        return Vec::new();
    }
    let without_cond;
    let expr = match ternary_condition(expr) {
        Some(cond) => {
            without_cond = expr.replace(cond, "");
            without_cond.as_str()
        }
        None => expr,
    };
    let masked = without_string_literals(expr);
    let mut out: Vec<Vec<String>> = Vec::new();
    let mut add = |p: Vec<String>| {
        if !p.is_empty() && !out.contains(&p) {
            out.push(p);
        }
    };
    for token in masked
        .split(|c: char| c.is_whitespace() || c == '(' || c == ')' || c == '|' || c == ',')
        .filter(|t| !t.is_empty())
    {
        let helm_object = [
            ".Chart.",
            ".Release.",
            ".Capabilities.",
            ".Template.",
            ".Files.",
        ]
        .iter()
        .any(|o| token.starts_with(o) || token.starts_with(&format!("${o}")[..]));
        if helm_object {
            continue;
        }
        if token.starts_with('$') && !token.starts_with("$.") && is_var(token) {
            for p in var_parts(token, stack) {
                add(p);
            }
        } else if ((token.starts_with('$') && token.len() > 1)
            || (token.starts_with('.') && token.len() > 1 && dot_like(token))
            || token.starts_with(".Values."))
            && let Some(p) = resolve_ref(token, stack)
        {
            add(p);
        }
    }
    out
}

/// The first argument of a `tpl` call (`args` is what follows the word `tpl`): a
/// parenthesized pipeline with its parentheses (string literals may hold any of them), or
/// one word. A pipeline into `tpl` (`.x | tpl $`) has no argument here: the rest is returned.
fn tpl_text_arg(args: &str) -> &str {
    let args = args.trim_start();
    let masked = without_string_literals(args);
    if masked.starts_with('(') {
        let mut depth = 0usize;
        for (i, c) in masked.char_indices() {
            match c {
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        return &args[..=i];
                    }
                }
                _ => {}
            }
        }
        return args;
    }
    let end = masked
        .find(|c: char| c.is_whitespace() || c == '|' || c == ')')
        .unwrap_or(args.len());
    &args[..end]
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
    let inner = super::actions::inner(action);
    let first = inner.split_whitespace().next().unwrap_or("");
    if matches!(first, "include" | "template") && !inner.contains(".Values.") {
        return None;
    }
    // `tpl . $` inside `with .Values.x` prints the text of the value dot is (fluent-bit's
    // `initContainers` string), and so does `tpl (toYaml .) $root` or `tpl $v $` in a
    // `range $k, $v` (grafana's `containerSecurityContext`, its `grafana.ini` sections):
    // only the template argument is read, the context (`$`, `$root`, `.context`) prints
    // nothing. `tpl` of anything else (an include, a literal) prints no one value.
    if first == "tpl" && !inner.contains(".Values.") {
        let text = tpl_text_arg(&inner[3..]);
        let head = text.trim_start_matches(|c: char| c == '(' || c.is_whitespace());
        if head.starts_with(['"', '`'])
            || head.starts_with("include")
            || head.starts_with("template")
        {
            return None;
        }
        return match operand_paths(text, at, scopes).as_slice() {
            [one] => one.clone(),
            _ => None,
        };
    }
    let mut paths = named_values(inner);
    // A map given to an `include` the action calls as an operand (`printf "%s:%s"
    // .Values.g.repository (tpl (include "x.tag" .Values.g) .)`) is no value the action
    // prints: the include's returned text is, which its own piece tells (session fid33).
    if paths.len() > 1 {
        let own = named_values(&without_include_operands(inner));
        if !own.is_empty() && own.len() < paths.len() {
            paths = own;
        }
    }
    match paths.len() {
        // A part of it the action takes (`get .Values.flags "hostIPC"`, `dig`, `index`).
        1 => {
            let named = paths.pop()?;
            // `.Values.AsMap` is `.Values` itself (a method comes before a key in Go).
            if named == ["AsMap"] {
                return resolve(inner, &[]).filter(|p| !p.is_empty());
            }
            let part = resolve(inner, &[]).filter(|p| p.starts_with(&named));
            return Some(part.unwrap_or(named));
        }
        // A lookup from `.Values` itself (`index .Values "auth" "password"`, `dig "a" "b" ""
        // .Values.AsMap`), which names no `.Values.x`.
        0 if let Some(part) = resolve(inner, &[]).filter(|p| !p.is_empty()) => return Some(part),
        0 => {}
        // An `include` given several values (`dict "imageRoot" .Values.image "global"
        // .Values.global`): what the partial printed tells which ([`through_call`]).
        _ if first == "include" => return None,
        _ => {
            // `default .Values.a .Values.b`, `.Values.x | default "y"` of maps (scalars are
            // told apart by what was printed: [`several_values`]): the last named.
            return paths.pop();
        }
    }
    // One operand (a variable or a field of dot) is the value printed; several
    // (`printf "%s:%s" $registry .repository`) are combined: no one of them is, unless they
    // are the key and the value of one `range` entry.
    match operand_paths(inner, at, scopes).as_slice() {
        [one] => one.clone(),
        _ => key_and_value(inner, at, scopes),
    }
}

/// An action printing the key and the value of one entry of a `range $k, $v := .Values.m`
/// (`printf "%s: %s" $k (tpl $v $ | quote)`, keycloak's and bitnami's annotations): that
/// entry ([`ELEMENT`], told by the printed `k: v`), where other combinations are several
/// values.
fn key_and_value(inner: &str, at: usize, scopes: &[Scope]) -> Option<Vec<String>> {
    let masked = without_string_literals(inner);
    let operands: Vec<&str> = masked
        .split(|c: char| c.is_whitespace() || c == '(' || c == ')' || c == '|')
        .filter(|t| {
            (t.starts_with('$') && t.len() > 1 && !t.starts_with("$."))
                || (t.starts_with('.') && dot_like(t))
        })
        .collect();
    let [a, b] = operands.as_slice() else {
        return None;
    };
    let scope = scopes
        .iter()
        .filter(|s| s.var.is_none() && s.range && s.body.contains(&at))
        .min_by_key(|s| s.body.len())?;
    let (k, v) = (scope.key_var.as_deref()?, scope.elem_var.as_deref()?);
    if !((*a == k && *b == v) || (*a == v && *b == k)) {
        return None;
    }
    let mut path = scope.path.clone()?;
    path.push(ELEMENT.to_string());
    Some(path)
}

/// The path of each operand of an action that is a variable (`$v`, `$v.field`) or a field of
/// dot (`.`, `.a.b`), in the order written (`None` for one that holds no values path).
/// `$v` set by an enclosing `range $k, $v := .Values.x` is the element of x it printed
/// ([`ELEMENT`], told by the text printed); a variable bound to a value is that value in its
/// scope; dot is what the innermost `with`/`range` (or the `define`, [`DOT`]) made it.
pub(super) fn operand_paths(inner: &str, at: usize, scopes: &[Scope]) -> Vec<Option<Vec<String>>> {
    operand_candidates(inner, at, scopes)
        .into_iter()
        .map(|(path, _)| path)
        .collect()
}

/// The values each operand of an action may have printed a part of ([`operand_paths`]): its
/// path, and for a variable bound to an expression (`$tag := ternary "" (printf ":%s" .tag)
/// …`, `$registry := .global.registry | default .service.registry`) the values that
/// expression names ([`Scope::parts`]), in the order written, once each. `printf "%s%s%s"
/// .repository $tag $digest` may have printed the tag: which of them did, the text printed
/// tells ([`printed_of`]).
pub(super) fn operand_parts(inner: &str, at: usize, scopes: &[Scope]) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = Vec::new();
    for (path, parts) in operand_candidates(inner, at, scopes) {
        for p in path.into_iter().chain(parts.iter().cloned()) {
            if !out.contains(&p) {
                out.push(p);
            }
        }
    }
    out
}

/// An operand's path, and the values its variable's expression names ([`Scope::parts`]).
type Candidate<'s> = (Option<Vec<String>>, &'s [Vec<String>]);

/// Each operand's path ([`operand_paths`]) and, for a variable alone, its [`Scope::parts`].
fn operand_candidates<'s>(inner: &str, at: usize, scopes: &'s [Scope]) -> Vec<Candidate<'s>> {
    if inner.contains(":=") || inner.contains(" = ") {
        return Vec::new();
    }
    let masked = without_string_literals(inner);
    let operands = masked
        .split(|c: char| c.is_whitespace() || c == '(' || c == ')' || c == '|')
        .filter(|t| {
            (t.starts_with('$') && t.len() > 1 && !t.starts_with("$."))
                || (t.starts_with('.') && !t.starts_with(".Values") && dot_like(t))
        });
    operands
        .map(|token| {
            if token.starts_with('$') {
                let (name, fields) = token.split_once('.').unwrap_or((token, ""));
                let Some(scope) = scopes
                    .iter()
                    .filter(|s| {
                        s.body.contains(&at)
                            && (s.elem_var.as_deref() == Some(name)
                                || s.var.as_deref() == Some(name))
                    })
                    .min_by_key(|s| s.body.len())
                else {
                    return (None, &[][..]);
                };
                let parts = if fields.is_empty() {
                    &scope.parts[..]
                } else {
                    &[][..]
                };
                let Some(mut path) = scope.path.clone() else {
                    return (None, parts);
                };
                if scope.var.is_none() {
                    path.push(ELEMENT.to_string());
                }
                extend_with_fields(&mut path, fields);
                return (Some(path), parts);
            }
            // Dot inside `with .Values.x` (innermost scope holding the action).
            let path = scopes
                .iter()
                .filter(|s| s.var.is_none() && s.body.contains(&at))
                .min_by_key(|s| s.body.len())
                .and_then(|scope| {
                    let mut path = scope.path.clone()?;
                    if scope.range {
                        path.push(ELEMENT.to_string());
                    }
                    extend_with_fields(&mut path, token);
                    Some(path)
                });
            (path, &[][..])
        })
        .collect()
}

/// `.` or a field chain of dot (`.a.b`, `.a.`), not a number (`.5`).
fn dot_like(t: &str) -> bool {
    let rest = &t[1..];
    rest.is_empty()
        || (rest.starts_with(|c: char| c.is_alphabetic() || c == '_')
            && rest
                .chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '.'))
}

/// A path relative to a partial's dot ([`DOT`]) as a values path, through the `include`
/// call that ran the partial (`call`, that action's text at `at` of the caller's file, whose
/// scopes are `caller`): `include "x" (dict "k" .Values.a)` makes `[DOT, "k", …]` a's (the
/// Bitnami common library's form), `include "x" .Values.a` makes `[DOT, …]` a's. Another
/// path is returned as it is; `None` when the call does not tell.
pub(super) fn through_call(
    path: Vec<String>,
    call: &str,
    at: usize,
    caller: &[Scope],
) -> Option<Vec<String>> {
    if path.first().map(String::as_str) != Some(DOT) {
        return Some(path);
    }
    let masked = without_string_literals(call);
    // A `{{ template "x" pipeline }}` node (its text starts at the keyword) gives its dot
    // as an `include` does.
    let i = if masked.starts_with("template ") {
        0
    } else {
        let mut includes = masked.match_indices("include ");
        let (i, _) = includes.next()?;
        if includes.next().is_some() {
            return None;
        }
        i
    };
    let words = terms(&call[i..]);
    // A group is whole; a field chain may end an enclosing group (`(include "x" .Values.a)`).
    let arg = words.get(2)?;
    let arg = if arg.starts_with('(') {
        arg
    } else {
        arg.trim_end_matches([')', '}', '-'])
    };
    // A variable bound to a `dict` call (`$dict := dict "service" .Values.loki.image …` then
    // `include "loki.baseImage" $dict`, Grafana's charts): that call, read where it is given.
    let bound = is_var(arg)
        .then(|| {
            caller
                .iter()
                .filter(|s| s.var.as_deref() == Some(arg) && s.body.contains(&at))
                .min_by_key(|s| s.body.len())
                .and_then(|s| s.dict.clone())
        })
        .flatten();
    let arg = bound.as_deref().unwrap_or(arg);
    if let Some(found) = through_merge(&path, arg, at, caller) {
        return Some(found);
    }
    let (expr, rest) = match arg
        .strip_prefix('(')
        .and_then(|a| a.strip_suffix(')'))
        .map(terms)
        .filter(|t| t.first() == Some(&"dict"))
    {
        Some(pairs) => {
            let key = path.get(1)?;
            let value = pairs[1..]
                .chunks(2)
                .find(|kv| literal(kv[0]) == Some(key.as_str()))
                .and_then(|kv| kv.get(1))?;
            (*value, &path[2..])
        }
        None => (arg, &path[1..]),
    };
    // A map of one entry whose key the call computes (goauthentik's recursive
    // `authentik.env`: `include "authentik.env" (dict "root" $.root "values" (dict (printf
    // "%s__%s" (upper $k) (upper $sk)) $sv))`): ranging over it reaches that one value, so
    // the map reads as the value's parent map, whose element the printed text tells; a key
    // of it is the value (session fid38).
    if let Some(pairs) = expr
        .strip_prefix('(')
        .and_then(|a| a.strip_suffix(')'))
        .map(terms)
        .filter(|t| t.len() == 3 && t[0] == "dict" && literal(t[1]).is_none())
    {
        let mut resolved = values_path(pairs[2], at, caller)?;
        match rest.split_first() {
            Some((_, deeper)) => resolved.extend(deeper.iter().cloned()),
            None => {
                resolved.pop()?;
            }
        }
        return Some(resolved);
    }
    // A partial calling another with its own dot's parts gives a path relative to the
    // caller's dot, which the caller's own `include` call reads on (`from_calls`).
    let mut resolved = values_path(expr, at, caller)?;
    resolved.extend(rest.iter().cloned());
    Some(resolved)
}

/// A partial's dot path through a call given merged maps (`include "x.image" (merge
/// .Values.image (dict "tag" (default .Chart.AppVersion .Values.image.tag)))`, fluent-bit's):
/// a key a `dict` argument sets is its value there, when that value is a values path (the
/// fallback it writes names the key's own value, which Sprig's `merge` keeps when set);
/// else the key of the first argument that is a values path. `None` when the call merges no
/// such argument.
fn through_merge(path: &[String], arg: &str, at: usize, caller: &[Scope]) -> Option<Vec<String>> {
    let words = terms(arg.strip_prefix('(')?.strip_suffix(')')?);
    let (&head, args) = words.split_first()?;
    if !matches!(
        head,
        "merge" | "mergeOverwrite" | "mustMerge" | "mustMergeOverwrite"
    ) {
        return None;
    }
    let key = path.get(1)?;
    fn dict_of(a: &str) -> Option<Vec<&str>> {
        a.strip_prefix('(')
            .and_then(|a| a.strip_suffix(')'))
            .map(terms)
            .filter(|t| t.first() == Some(&"dict"))
    }
    for a in args {
        if let Some(pairs) = dict_of(a)
            && let Some(value) = pairs[1..]
                .chunks(2)
                .find(|kv| literal(kv[0]) == Some(key.as_str()))
                .and_then(|kv| kv.get(1))
            && let Some(mut found) = values_path(value, at, caller)
        {
            found.extend(path[2..].iter().cloned());
            return Some(found);
        }
    }
    let map = args.iter().find(|a| dict_of(a).is_none())?;
    let mut found = values_path(map, at, caller)?;
    found.extend(path[1..].iter().cloned());
    Some(found)
}

/// The values path an action named, unless its value is empty as Sprig's `default` sees it
/// (`""`, null, `0`, `false`, an empty list or map) while the action printed other text:
/// then what was printed came from elsewhere (`default .Chart.Name .Values.nameOverride`,
/// `.Values.tag | default "1.0"`, `.Values.uid | default 100` with `uid: 0`), and that
/// values line is not its origin. An empty value printed as itself (`0`, `false`, `[]`)
/// is.
pub(super) fn unless_empty(
    path: Vec<String>,
    printed: &str,
    values: &serde_json::Value,
) -> Option<Vec<String>> {
    use serde_json::Value as J;
    let shown = printed.trim();
    let shown = [('"', '"'), ('\'', '\'')]
        .iter()
        .find_map(|&(a, b)| shown.strip_prefix(a)?.strip_suffix(b))
        .unwrap_or(shown);
    let Some(v) = path.iter().try_fold(values, |v, k| v.get(k)) else {
        // A key its map does not hold (`tag: ~`, a null Helm deleted while coalescing, or
        // never set) is empty to `default` as a null is: text printed there came from
        // elsewhere (`.Values.image.tag | default .Chart.AppVersion`). A path through what
        // the values do not hold as maps (a `range` element, a key `set` at run time) is
        // left to the callers.
        let (last, parent) = path.split_last()?;
        let holder = parent.iter().try_fold(values, |v, k| v.get(k));
        let absent = last != ELEMENT
            && holder.is_some_and(|m| m.as_object().is_some_and(|m| !m.contains_key(last)));
        return (!absent || shown.is_empty()).then_some(path);
    };
    let kept = match v {
        J::Null => shown.is_empty(),
        J::String(s) => !s.is_empty() || shown.is_empty(),
        J::Bool(b) => *b || shown.is_empty() || shown == "false",
        J::Number(n) => {
            n.as_f64() != Some(0.0) || shown.is_empty() || shown.parse::<f64>() == Ok(0.0)
        }
        J::Array(a) => !a.is_empty() || matches!(shown, "" | "[]" | "null"),
        J::Object(m) => !m.is_empty() || matches!(shown, "" | "{}" | "map[]" | "null"),
    };
    kept.then_some(path)
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
    // A key of a map, or an index of a list (`index .containers 0`: `containers`, `0`).
    fn child<'v>(v: &'v serde_json::Value, k: &str) -> Option<&'v serde_json::Value> {
        match v {
            serde_json::Value::Array(a) => a.get(k.parse::<usize>().ok()?),
            _ => v.get(k),
        }
    }
    let mut coll = values;
    for k in &path {
        match child(coll, k) {
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
    // A map or list printed by `toYaml` (`toYaml .hostPath | nindent 8` inside `range
    // .Values.hostVolumes`): the printed block, its common indent removed. Made only when an
    // element holds a map or list: most printed values are scalars.
    let block = std::cell::OnceCell::new();
    let block = || {
        block.get_or_init(|| {
            let lines: Vec<&str> = printed.lines().filter(|l| !l.trim().is_empty()).collect();
            let indent = lines
                .iter()
                .map(|l| l.len() - l.trim_start_matches(' ').len())
                .min()
                .unwrap_or(0);
            lines
                .iter()
                .map(|l| l.get(indent..).unwrap_or(l))
                .collect::<Vec<_>>()
                .join("\n")
        })
    };
    let is_block = |v: &serde_json::Value| match v {
        serde_json::Value::Object(m) if !m.is_empty() => true,
        serde_json::Value::Array(a) if !a.is_empty() => true,
        _ => false,
    } && !block().is_empty()
        && {
            // Or what `tpl` made of it (`tpl (toYaml .value) .context`, a text holding
            // `{{ .Release.Name }}`).
            let yaml = super::toyaml::to_yaml(&super::funcs::json_to_value(v));
            yaml == *block() || (yaml.contains("{{") && super::toyaml::tpl_of(&yaml, block()))
        };
    // As printed, or base64 of it (`{{ $v | b64enc }}`, a Secret's data).
    let is_shown = |v: &serde_json::Value| {
        !shown.is_empty()
            && (scalar(v)
                .is_some_and(|t| t == shown || data_encoding::BASE64.encode(t.as_bytes()) == shown)
                || is_block(v))
    };
    // The concrete paths below `v` along `rest`, each further [`ELEMENT`] any child (a
    // `range $value` inside `range $key, $value := .Values.x`: external-dns's list-valued
    // `extraArgs`), whose value is the one printed.
    fn below(
        v: &serde_json::Value,
        rest: &[String],
        is_shown: &dyn Fn(&serde_json::Value) -> bool,
        found: &mut Vec<Vec<String>>,
        at: &mut Vec<String>,
    ) {
        if found.len() > 1 {
            return;
        }
        let Some((first, more)) = rest.split_first() else {
            if is_shown(v) {
                found.push(at.clone());
            }
            return;
        };
        let children: Vec<(String, &serde_json::Value)> = if first == ELEMENT {
            match v {
                serde_json::Value::Object(m) => m.iter().map(|(k, v)| (k.clone(), v)).collect(),
                serde_json::Value::Array(a) => a
                    .iter()
                    .enumerate()
                    .map(|(i, v)| (i.to_string(), v))
                    .collect(),
                _ => Vec::new(),
            }
        } else {
            child(v, first)
                .map(|c| vec![(first.clone(), c)])
                .unwrap_or_default()
        };
        for (k, c) in children {
            at.push(k);
            below(c, more, is_shown, found, at);
            at.pop();
        }
    }
    if !matches!(
        coll,
        serde_json::Value::Object(_) | serde_json::Value::Array(_)
    ) {
        return path;
    }
    let elem_only = rest.is_empty();
    let mut whole = vec![ELEMENT.to_string()];
    whole.extend(rest);
    let mut found = Vec::new();
    below(coll, &whole, &is_shown, &mut found, &mut Vec::new());
    // Or what `tpl` made of a string field holding actions (`value: {{ tpl $item.value $ |
    // quote }}` over fluent-bit's `envWithTpl`, `value: "tok-{{ .Values.flush }}-…"`): the
    // text around its actions, in order, when that text holds a letter or digit (a field
    // that is one action fits any text). Asked only when no element printed its own text.
    if found.is_empty() && !shown.is_empty() {
        let is_tpl_shown = |v: &serde_json::Value| match v {
            serde_json::Value::String(t) if t.contains("{{") && !t.contains('\n') => {
                super::documents::matches_with_actions(t, shown)
            }
            _ => false,
        };
        below(coll, &whole, &is_tpl_shown, &mut found, &mut Vec::new());
    }
    if let [one] = found.as_slice() {
        path.extend(one.iter().cloned());
    } else if found.is_empty()
        && elem_only
        && let serde_json::Value::Object(m) = coll
    {
        // An entry printed with its key (`printf "%s: %s" $k $v`, `printf "--%s=%s" $k
        // (toString $v)`, `-D%s=%s`): the one entry whose key and value were printed.
        let mut printed_entries = m
            .iter()
            .filter(|(k, v)| scalar(v).is_some_and(|t| key_then_value(shown, k, &t)));
        if let (Some((k, _)), None) = (printed_entries.next(), printed_entries.next()) {
            path.push(k.clone());
        }
    }
    path
}

/// Whether `shown` prints `key` and then `value` with only punctuation and spaces between
/// them and after the value (`key: "value"`, `--key=value`, `-Dkey=value`), whatever comes
/// before the key (an option's dashes, a prefix of the format). The separator is not
/// empty: `keyvalue` could be another key's text.
fn key_then_value(shown: &str, key: &str, value: &str) -> bool {
    let apart = |s: &str| !s.chars().any(char::is_alphanumeric);
    !key.is_empty()
        && !value.is_empty()
        && shown.match_indices(key).any(|(i, _)| {
            let after = &shown[i + key.len()..];
            after.match_indices(value).any(|(j, _)| {
                let (between, rest) = (&after[..j], &after[j + value.len()..]);
                !between.is_empty() && apart(between) && apart(rest)
            })
        })
}

/// `inner` with each `(include …)` and `(template …)` operand blanked (string literals
/// first), lengths kept: what the action names itself.
fn without_include_operands(inner: &str) -> String {
    let mut out = without_string_literals(inner).into_bytes();
    let mut at = 0;
    while let Some(i) = find_call(&out[at..]).map(|i| at + i) {
        let mut depth = 0usize;
        let mut end = out.len();
        for (k, &b) in out[i..].iter().enumerate() {
            match b {
                b'(' => depth += 1,
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        end = i + k + 1;
                        break;
                    }
                }
                _ => {}
            }
        }
        out[i..end].fill(b' ');
        at = end;
    }
    String::from_utf8(out).unwrap_or_default()
}

/// Where the first `(include` or `(template` call starts in `b`.
fn find_call(b: &[u8]) -> Option<usize> {
    (0..b.len()).find(|&i| {
        b[i] == b'('
            && [&b"include"[..], b"template"].iter().any(|w| {
                let rest = b[i + 1..].trim_ascii_start();
                rest.starts_with(w) && rest.get(w.len()).is_some_and(u8::is_ascii_whitespace)
            })
    })
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
    let mut quotes = Quotes::new(&['`']);
    for c in text.chars() {
        match quotes.step(c) {
            Quoted::Inside => out.extend(std::iter::repeat_n(' ', c.len_utf8())),
            Quoted::Outside | Quoted::Quote => out.push(c),
        }
    }
    out
}

/// The condition of the `ternary` an action calls: its third argument, or the stages piped
/// into it (`.Values.on | ternary "a" "b"`).
fn ternary_condition(action: &str) -> Option<&str> {
    let inner = super::actions::inner(action);
    let stages = pipeline_stages(inner);
    let at = stages
        .iter()
        .position(|st| terms(st).first() == Some(&"ternary"))?;
    let words = terms(stages[at]);
    match words.get(3) {
        Some(cond) => Some(cond),
        None if at > 0 => {
            let start = stages[0].as_ptr() as usize - inner.as_ptr() as usize;
            let end =
                stages[at - 1].as_ptr() as usize - inner.as_ptr() as usize + stages[at - 1].len();
            Some(&inner[start..end])
        }
        None => None,
    }
}

/// For an action naming several values: those whose text is in what it printed (`values`
/// is the chart's merged values), in the order printed. `default`, `coalesce` and `ternary`
/// print one of them; `printf` several; an empty or unprinted value is not one of them.
pub(super) fn several_values(
    action: &str,
    printed: &str,
    values: &serde_json::Value,
) -> Vec<Vec<String>> {
    let mut paths = named_values(action);
    // A `ternary`'s condition is not printed (`ternary .Values.a .Values.b .Values.on`).
    if let Some(cond) = ternary_condition(action) {
        let printable = named_values(&action.replace(cond, ""));
        paths.retain(|p| printable.contains(p));
    }
    if paths.len() < 2 {
        return Vec::new();
    }
    printed_of(paths, printed, values)
}

/// For an action naming values and fields of a `range` element or of dot together (`printf
/// "%s/%s:%s" $.Values.registry .repository .tag` inside `range .Values.sidecars`): those
/// whose text is in what it printed, in the order printed. The one `.Values` path alone was
/// taken for the whole text (the registry's line for the tag's `latest`).
pub(super) fn values_and_fields(
    action: &str,
    fields: Vec<Vec<String>>,
    printed: &str,
    values: &serde_json::Value,
) -> Vec<Vec<String>> {
    if fields.is_empty() || !action.contains(".Values") || ternary_condition(action).is_some() {
        return Vec::new();
    }
    let mut paths = named_values(action);
    if paths.is_empty() {
        return Vec::new();
    }
    paths.extend(fields);
    printed_of(paths, printed, values)
}

/// The text a scalar of the values prints as (`1.4.2`, `8080`, `true`); none for a
/// collection or a missing path. A segment of a list is an index (a `range` element's).
pub(super) fn scalar_text(path: &[String], values: &serde_json::Value) -> Option<String> {
    let mut v = values;
    for k in path {
        v = match v {
            serde_json::Value::Array(a) => a.get(k.parse::<usize>().ok()?)?,
            _ => v.get(k)?,
        };
    }
    match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Those of `paths` whose value's text is in what an action printed, in the order printed.
/// A field of a `range` element ([`ELEMENT`]) is the element's whose value is the text
/// printed (`default .mountPath .hostPath`: the one field `default` chose).
pub(super) fn printed_of(
    paths: Vec<Vec<String>>,
    printed: &str,
    values: &serde_json::Value,
) -> Vec<Vec<String>> {
    let paths = one_element_printed(paths, printed, values);
    let mut found: Vec<(usize, Vec<String>)> = paths
        .into_iter()
        .map(|p| element_of(p, printed, values))
        .filter_map(|p| {
            let text = scalar_text(&p, values)?;
            let at = (!text.is_empty()).then(|| printed.find(&text)).flatten()?;
            Some((at, p))
        })
        .collect();
    found.sort_by_key(|(at, _)| *at);
    found.into_iter().map(|(_, p)| p).collect()
}

/// Fields of one `range` element combined into one text (`printf "%s:%s" .repository .tag`
/// of a listed image): no field's text is the whole text printed, so [`element_of`] tells no
/// element by any one of them; the element is the one whose every field named has a text
/// found in what was printed, when exactly one element's are. Those paths are made concrete
/// in it; others are kept as they are.
fn one_element_printed(
    mut paths: Vec<Vec<String>>,
    printed: &str,
    values: &serde_json::Value,
) -> Vec<Vec<String>> {
    // The collection before the first path's element, and each field after it.
    let Some(first) = paths.iter().find_map(|p| {
        let at = p.iter().position(|s| s == ELEMENT)?;
        Some(p[..at].to_vec())
    }) else {
        return paths;
    };
    let fields: Vec<(usize, Vec<String>)> = paths
        .iter()
        .enumerate()
        .filter_map(|(i, p)| {
            let rest = p
                .strip_prefix(first.as_slice())?
                .strip_prefix(&[ELEMENT.to_string()])?;
            (!rest.contains(&ELEMENT.to_string())).then(|| (i, rest.to_vec()))
        })
        .collect();
    if fields.len() < 2 {
        return paths;
    }
    let Some(coll) = first.iter().try_fold(values, |v, k| match v {
        serde_json::Value::Array(a) => a.get(k.parse::<usize>().ok()?),
        _ => v.get(k),
    }) else {
        return paths;
    };
    let elements: Vec<String> = match coll {
        serde_json::Value::Array(a) => (0..a.len()).map(|i| i.to_string()).collect(),
        serde_json::Value::Object(m) => m.keys().cloned().collect(),
        _ => return paths,
    };
    let concrete = |e: &str, rest: &[String]| {
        let mut p = first.clone();
        p.push(e.to_string());
        p.extend(rest.iter().cloned());
        p
    };
    let mut printing = elements.iter().filter(|e| {
        fields.iter().all(|(_, rest)| {
            scalar_text(&concrete(e, rest), values)
                .is_some_and(|t| !t.is_empty() && printed.contains(&t))
        })
    });
    if let (Some(e), None) = (printing.next(), printing.next()) {
        for (i, rest) in &fields {
            paths[*i] = concrete(e, rest);
        }
    }
    paths
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

#[cfg(test)]
mod tests {
    use super::{unless_empty, values_refs};
    use proptest::prelude::*;

    /// A value Sprig's `default` finds empty is the origin only of text that is itself
    /// (`uid: 0` printed `0`), not of what `default` printed instead (`100`).
    #[test]
    fn an_empty_value_is_the_origin_only_of_itself() {
        let values = serde_json::json!({
            "uid": 0, "f": 0.0, "off": false, "s": "", "n": null, "l": [], "m": {},
            "one": 1, "on": true, "name": "x"
        });
        let keep = |key: &str, printed: &str| {
            unless_empty(vec![key.to_string()], printed, &values).is_some()
        };
        for (key, printed) in [
            ("uid", "0"),
            ("uid", "\"0\""),
            ("f", "0"),
            ("off", "false"),
            ("l", "[]"),
            ("m", "{}"),
            ("m", "map[]"),
            ("s", ""),
            ("n", ""),
            ("one", "100"),
            ("on", "x"),
            ("name", "y"),
            ("missing", ""),
        ] {
            assert!(keep(key, printed), "{key} printing {printed:?}");
        }
        for (key, printed) in [
            ("uid", "100"),
            ("f", "1.5"),
            ("off", "true"),
            ("s", "x"),
            ("n", "x"),
            ("l", "- a"),
            ("m", "a: 1"),
            // A key the map does not hold (a null Helm deleted): `default`'s other text.
            ("missing", "z"),
        ] {
            assert!(!keep(key, printed), "{key} printing {printed:?}");
        }
        // Below what the values do not hold as a map (a key `set` at run time under a new
        // map): left to the callers.
        let nested = vec!["new".to_string(), "key".to_string()];
        assert!(unless_empty(nested, "z", &values).is_some());
    }

    /// The scanners capture what the regular expressions they replace capture.
    fn by_regex(inner: &str) -> Vec<String> {
        let values = regex::Regex::new(r"\$?\.Values((?:\.[A-Za-z0-9_-]+)+)").unwrap();
        values
            .captures_iter(inner)
            .map(|c| c[1].to_string())
            .collect()
    }

    fn by_hand(inner: &str) -> Vec<String> {
        values_refs(inner).into_iter().map(str::to_string).collect()
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

    /// Alerting rules print Go templates for Prometheus: the `{{ end }}` inside a raw string
    /// (or a comment) is text, not the end of the `with` around it.
    #[test]
    fn an_action_inside_a_string_or_comment_closes_no_block() {
        use super::{scopes, values_path};
        let src = concat!(
            "{{- with .Values.alerts }}\n",
            "d: {{`{{ if $labels.job }}{{ $labels.job }}{{ end }}`}}\n",
            "{{/* a comment with {{ end }} */}}\n",
            "e: {{ \"}}{{ end }}\" }}\n",
            "w: {{ .warn }}\n",
            "{{- end }}\n",
        );
        let sc = scopes(src);
        let i = src.find("{{ .warn }}").unwrap();
        let p = values_path("{{ .warn }}", i, &sc);
        assert_eq!(p, Some(vec!["alerts".to_string(), "warn".to_string()]));
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
    fn a_lookup_from_values_itself_names_the_path_it_reads() {
        use super::{scopes, values_path};
        let src = concat!(
            "{{ index .Values \"auth\" \"password\" | b64enc }}\n",
            "{{ index $.Values \"a-b\" \"c\" }}\n",
            "{{ dig \"tls\" \"secret\" \"name\" \"\" .Values.AsMap }}\n",
            "{{ get .Values \"x\" }}\n",
            "{{ index .Values }}\n",
        );
        let sc = scopes(src);
        let line = |n: usize| {
            let i = src
                .split_inclusive('\n')
                .take(n)
                .map(str::len)
                .sum::<usize>();
            let end = i + src[i..].find("}}").unwrap() + 2;
            values_path(&src[i..end], i, &sc)
        };
        let p = |s: &[&str]| Some(s.iter().map(|x| x.to_string()).collect::<Vec<_>>());
        assert_eq!(line(0), p(&["auth", "password"]));
        assert_eq!(line(1), p(&["a-b", "c"]));
        assert_eq!(line(2), p(&["tls", "secret", "name"]));
        assert_eq!(line(3), p(&["x"]));
        assert_eq!(line(4), None);
    }

    #[test]
    fn a_partial_dot_is_read_through_its_include_call() {
        use super::{DOT, scopes, through_call, values_path};
        let partial = concat!(
            "{{- define \"p\" -}}\n",
            "{{- $v := typeIs \"string\" .value | ternary .value (.value | toYaml) }}{{ $v }}\n",
            "{{- $a := .sc -}}{{- $a = omit $a \"x\" -}}{{ omit $a \"enabled\" | toYaml }}\n",
            "{{ printf \"%s:%s\" .img.repository .img.tag }}\n",
            "{{- end -}}",
        );
        let sc = scopes(partial);
        let at = |needle: &str| {
            let i = partial.find(needle).unwrap();
            let end = i + partial[i..].find("}}").unwrap() + 2;
            values_path(&partial[i..end], i, &sc)
        };
        let p = |s: &[&str]| Some(s.iter().map(|x| x.to_string()).collect::<Vec<_>>());
        assert_eq!(at("{{ $v }}"), p(&[DOT, "value"]));
        assert_eq!(at("{{ omit $a"), p(&[DOT, "sc"]));
        // Two operands combined: no one value.
        assert_eq!(at("{{ printf"), None);
        let caller = "{{ include \"p\" (dict \"value\" .Values.pod \"sc\" (.Values.c) \"n\" 1) | nindent 2 }}{{ include \"p\" .Values.whole }}";
        let csc = scopes(caller);
        let via = |path: &[&str], call: usize| {
            let i = caller.match_indices("{{ include").nth(call).unwrap().0;
            let end = i + caller[i..].find("}}").unwrap() + 2;
            let path = path.iter().map(|x| x.to_string()).collect();
            through_call(path, &caller[i..end], i, &csc)
        };
        assert_eq!(
            via(&[DOT, "value", "runAsUser"], 0),
            p(&["pod", "runAsUser"])
        );
        assert_eq!(via(&[DOT, "sc"], 0), p(&["c"]));
        // A member that is no values path, a key the dict lacks.
        assert_eq!(via(&[DOT, "n"], 0), None);
        assert_eq!(via(&[DOT, "other"], 0), None);
        // Dot given whole.
        assert_eq!(via(&[DOT, "value"], 1), p(&["whole", "value"]));
        // A path that is no dot's is returned as it is.
        assert_eq!(via(&["a"], 0), p(&["a"]));
        // A partial passing on its own dot's parts: relative to the caller's dot.
        let middle = concat!(
            "{{- define \"middle\" -}}\n",
            "{{ include \"inner\" (dict \"sc\" .spec.securityContext) | indent 6 }}\n",
            "{{- end }}",
        );
        let msc = scopes(middle);
        let i = middle.find("{{ include").unwrap();
        let end = i + middle[i..].find("}}").unwrap() + 2;
        let path = [DOT, "sc", "privileged"].map(String::from).to_vec();
        assert_eq!(
            through_call(path, &middle[i..end], i, &msc),
            p(&[DOT, "spec", "securityContext", "privileged"])
        );
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
        // A map printed by `toYaml … | nindent`: the element holding that map.
        let values = serde_json::json!({
            "vols": [{"h": {"path": "/a", "type": "File"}}, {"h": {"path": "/b"}}]
        });
        assert_eq!(
            element_of(
                p(&["vols", ELEMENT, "h"]),
                "\n    path: /a\n    type: File",
                &values
            ),
            p(&["vols", "0", "h"])
        );
        assert_eq!(
            element_of(p(&["vols", ELEMENT, "h"]), "\n  path: /b", &values),
            p(&["vols", "1", "h"])
        );
    }
}
