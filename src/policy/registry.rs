//! Gathers policies (embedded built-ins, `--policy` directories), their rules and data, and
//! compiles them once into a regorus engine that every worker clones.

use super::embedded;
use super::metadata::{PolicyError, parse_rule};
use crate::input::span::Pos;
use crate::input::{InputType, Problem, yaml};
use crate::rule::{Origin, Rule};
use serde_json::{Map, Value};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Which policies and data to load.
#[derive(Debug, Clone, Default)]
pub struct PolicyOptions {
    /// Load the embedded built-in rules (settings defaults are always loaded).
    pub builtin: bool,
    /// Extra policy directories, searched recursively for `.rego` files.
    pub policy_dirs: Vec<PathBuf>,
    /// Data files (JSON or YAML) deep-merged into `data`.
    pub data_files: Vec<PathBuf>,
    /// Also load `*_test.rego` files (for `runeguard test`).
    pub include_tests: bool,
}

/// A policy source: its path as reported and its text.
#[derive(Debug, Clone)]
pub struct PolicySource {
    pub path: String,
    pub text: String,
    pub origin: Origin,
}

/// The policies, the rules they define, and their engines.
///
/// regorus looks through every loaded module on each `data` reference, so a run with one
/// engine holding all hundred-odd policies spends most of its time there. Each input type
/// therefore gets its own engine, holding only its rules and the libraries, compiled on first
/// use (a pre-commit run on one manifest never compiles the SQL rules).
pub struct PolicySet {
    /// Every rule whose metadata is valid, sorted by id.
    pub rules: Vec<Arc<Rule>>,
    pub sources: Vec<PolicySource>,
    /// Problems found while loading (metadata, data, clashes); compile problems of the engines
    /// built so far are in [`PolicySet::problems_all`].
    pub problems: Vec<Problem>,
    data: regorus::Value,
    engines: [std::sync::OnceLock<TypedEngine>; 3],
    /// The groups' bytecode programs for regorus' VM, per input type (None: the interpreter).
    programs: [std::sync::OnceLock<Vec<Option<Program>>>; 3],
    /// Per input type, the engine analysed for the RVM compiler (loop hoisting over every
    /// module: the costly part, done once for all of the type's programs).
    compiled: [std::sync::OnceLock<Option<regorus::CompiledPolicy>>; 3],
    /// Per input type, every built-in program by entry point (groups, whole-project rules).
    vm_programs: [std::sync::OnceLock<super::cache::Programs>; 3],
    /// Only built-in policies are loaded: groups are known without compiling anything, and
    /// the programs can come from the on-disk cache.
    builtin_only: bool,
    /// Whether the programs of each input type are in the on-disk cache.
    cached: [std::sync::OnceLock<bool>; 3],
    /// The groups made from the rules' metadata (when `builtin_only`).
    metadata_groups: [std::sync::OnceLock<Vec<RuleGroup>>; 3],
    /// A user policy took a built-in library's package (or one inside `runeguard.lib`): the
    /// built-in rules then run user code, which only the interpreter runs.
    builtin_libraries_replaced: bool,
    all: std::sync::OnceLock<TypedEngine>,
    /// The evaluators' counts, summed as each is dropped, and the first VM error.
    engine_stats: std::sync::Mutex<(super::engine::EvalStats, Option<String>)>,
}

/// A compiled RVM program, shared by every worker (each runs it in its own VM).
pub type Program = Arc<regorus::rvm::program::Program>;

/// One compiled engine: the rules it could compile, its groups, and what it had to drop.
#[derive(Clone)]
pub struct TypedEngine {
    pub engine: regorus::Engine,
    pub groups: Vec<RuleGroup>,
    /// Rules whose policy failed to compile (their ids).
    pub dropped: std::collections::BTreeSet<String>,
    pub problems: Vec<Problem>,
}

impl std::fmt::Debug for PolicySet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PolicySet")
            .field("rules", &self.rules.len())
            .field("problems", &self.problems)
            .finish()
    }
}

fn type_index(t: InputType) -> usize {
    match t {
        InputType::Kubernetes => 0,
        InputType::Postgres => 1,
        InputType::Config => 2,
    }
}

/// The document-scope rules that apply to one (input type, subtype), evaluated together by a
/// generated module: regorus resets its evaluation state on every `eval_rule` (≈ 0.3 ms with a
/// hundred modules loaded), and shared helpers (`k8s.containers`) are computed once per pass.
#[derive(Debug, Clone)]
pub struct RuleGroup {
    pub input: InputType,
    /// The subtype, or None for subtypes that no rule names in its `kinds`.
    pub subtype: Option<String>,
    /// Entries are guarded by `input.kind` (Kubernetes): the group serves every kind.
    pub guarded: bool,
    /// The group holds built-in rules only (users' rules get groups of their own).
    pub builtin: bool,
    /// `data.runeguard.__eval__.gN.results`: a set of `[rule id, deny set]` pairs.
    pub entrypoint: String,
    pub rules: Vec<Arc<Rule>>,
}

/// Builds the groups and their Rego modules for the document-scope rules of one input type.
/// Kubernetes rules share one module whose entries are guarded by `input.kind` (one module, not
/// one per kind: every module costs on each `data` reference); other inputs get one module per
/// subtype named in a `kinds` list, plus one for the rest.
fn make_groups(input: InputType, rules: &[Arc<Rule>]) -> Vec<(RuleGroup, String)> {
    // Evaluation finds a group's members by binary search over ids.
    debug_assert!(
        rules.windows(2).all(|w| w[0].id < w[1].id),
        "rules sorted by id"
    );
    let mut out = Vec::new();
    for builtin in [true, false] {
        let of_origin: Vec<Arc<Rule>> = rules
            .iter()
            .filter(|r| (r.origin == Origin::Builtin) == builtin)
            .cloned()
            .collect();
        make_groups_of(input, &of_origin, builtin, &mut out);
    }
    out
}

/// The groups of one origin's rules, numbered after those already in `out`.
fn make_groups_of(
    input: InputType,
    rules: &[Arc<Rule>],
    builtin: bool,
    out: &mut Vec<(RuleGroup, String)>,
) {
    let of_type: Vec<&Arc<Rule>> = rules
        .iter()
        .filter(|r| r.scope == crate::rule::Scope::Document && r.input == input)
        .collect();
    if of_type.is_empty() {
        return;
    }
    // `results` is a set of [id, deny] pairs rather than an object keyed by id: regorus
    // registers `results["K8S-001"] := ...` as a rule of its own and rejects `results` as an
    // entry point, which silently sent every document down the rule-by-rule path.
    let module_for = |n: usize, members: &[Arc<Rule>], guard: bool| {
        let package = format!("runeguard.__eval__.g{n}");
        let mut module = format!("package {package}\n\nimport rego.v1\n\n");
        for r in members {
            if guard && !r.kinds.is_empty() {
                let kinds = r
                    .kinds
                    .iter()
                    .map(|k| format!("{k:?}"))
                    .collect::<Vec<_>>()
                    .join(", ");
                module.push_str(&format!(
                    "results contains [{:?}, data.{}.deny] if input.kind in {{{kinds}}}\n\n",
                    r.id, r.package
                ));
            } else {
                module.push_str(&format!(
                    "results contains [{:?}, data.{}.deny]\n\n",
                    r.id, r.package
                ));
            }
        }
        (format!("data.{package}.results"), module)
    };
    if input == InputType::Kubernetes {
        let members: Vec<Arc<Rule>> = of_type.iter().map(|r| (*r).clone()).collect();
        let (entrypoint, module) = module_for(out.len(), &members, true);
        out.push((
            RuleGroup {
                input,
                subtype: None,
                guarded: true,
                builtin,
                entrypoint,
                rules: members,
            },
            module,
        ));
        return;
    }
    let mut subtypes: Vec<Option<String>> = of_type
        .iter()
        .flat_map(|r| r.kinds.iter().cloned())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .map(Some)
        .collect();
    subtypes.push(None);
    for subtype in subtypes {
        let members: Vec<Arc<Rule>> = of_type
            .iter()
            .filter(|r| match &subtype {
                Some(s) => r.applies_to(input, s),
                None => r.kinds.is_empty(),
            })
            .map(|r| (*r).clone())
            .collect();
        if members.is_empty() {
            continue;
        }
        let (entrypoint, module) = module_for(out.len(), &members, false);
        out.push((
            RuleGroup {
                input,
                subtype,
                guarded: false,
                builtin,
                entrypoint,
                rules: members,
            },
            module,
        ));
    }
}

/// Compiles one entry point of an analysed engine to a VM program (None when the RVM compiler
/// cannot take it, e.g. `walk`).
fn compile_program(compiled: &regorus::CompiledPolicy, entrypoint: &str) -> Option<Program> {
    regorus::languages::rego::compiler::Compiler::compile_from_policy(compiled, &[entrypoint]).ok()
}

fn policy_problem(e: PolicyError) -> Problem {
    Problem::error(
        &e.file,
        Some(Pos {
            line: e.line,
            column: e.column,
            offset: 0,
        }),
        e.message,
    )
}

/// Turns a regorus error (`--> file:line:col` somewhere in its text) into a located problem.
pub fn regorus_problem(fallback_file: &str, err: &str) -> Problem {
    let mut file = fallback_file.to_string();
    let mut pos = None;
    if let Some(idx) = err.find("-->") {
        let rest = err[idx + 3..].trim_start();
        let loc = rest.split_whitespace().next().unwrap_or("");
        let mut parts = loc.rsplitn(3, ':');
        let col = parts.next().and_then(|c| c.parse::<u32>().ok());
        let line = parts.next().and_then(|l| l.parse::<u32>().ok());
        if let (Some(line), Some(column), Some(f)) = (line, col, parts.next()) {
            file = f.to_string();
            pos = Some(Pos {
                line,
                column,
                offset: 0,
            });
        }
    }
    // Keep the last line of regorus' message ("error: ...") plus the context it printed.
    let message = err
        .lines()
        .map(str::trim_end)
        .filter(|l| !l.trim().is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    Problem::error(&file, pos, format!("policy error: {message}"))
}

/// Deep-merges `src` into `dst` (objects merge; anything else replaces).
pub fn deep_merge(dst: &mut Value, src: Value) {
    match (dst, src) {
        (Value::Object(d), Value::Object(s)) => {
            for (k, v) in s {
                match d.get_mut(&k) {
                    Some(existing) => deep_merge(existing, v),
                    None => {
                        d.insert(k, v);
                    }
                }
            }
        }
        (d, s) => *d = s,
    }
}

fn read_policy_dir(
    dir: &Path,
    include_tests: bool,
    out: &mut Vec<PolicySource>,
    problems: &mut Vec<Problem>,
) {
    let shown = dir.display().to_string();
    if !dir.is_dir() {
        problems.push(Problem::error(&shown, None, "policy directory not found"));
        return;
    }
    let mut files = Vec::new();
    for entry in ignore::WalkBuilder::new(dir)
        .standard_filters(false)
        .hidden(true)
        .sort_by_file_path(|a, b| a.cmp(b))
        .build()
    {
        match entry {
            Ok(e) if e.file_type().is_some_and(|t| t.is_file()) => {
                let p = e.into_path();
                let is_rego = p.extension().is_some_and(|x| x == "rego");
                let is_test = p
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().ends_with("_test.rego"));
                if is_rego && (include_tests || !is_test) {
                    files.push(p);
                }
            }
            Ok(_) => {}
            Err(e) => problems.push(Problem::error(
                &shown,
                None,
                format!("cannot walk policy directory: {e}"),
            )),
        }
    }
    for p in files {
        let path = p.display().to_string();
        match std::fs::read_to_string(&p) {
            Ok(text) => out.push(PolicySource {
                path,
                text,
                origin: Origin::User,
            }),
            Err(e) => problems.push(Problem::error(
                &path,
                None,
                format!("cannot read policy: {e}"),
            )),
        }
    }
}

/// Reads a data file (JSON or YAML) into a value.
fn read_data_file(path: &Path) -> Result<Value, Problem> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| Problem::error(&shown, None, format!("cannot read data file: {e}")))?;
    let lines = crate::input::span::LineIndex::new(&text);
    let (docs, err) = yaml::parse_stream(&text, &lines);
    if let Some(e) = err {
        return Err(Problem::error(
            &shown,
            Some(e.pos),
            format!("invalid data file: {}", e.message),
        ));
    }
    let mut merged = Value::Object(Map::new());
    for d in docs {
        let (v, _, _) = yaml::resolve(&d.root, yaml::Schema::Core, &text, &lines)
            .map_err(|e| Problem::error(&shown, Some(e.pos), e.message))?;
        if !v.is_object() {
            return Err(Problem::error(
                &shown,
                None,
                "a data file must hold a mapping at the top level",
            ));
        }
        deep_merge(&mut merged, v);
    }
    Ok(merged)
}

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
fn without_unused_builtin_libraries(chosen: Vec<&PolicySource>) -> Vec<&PolicySource> {
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

fn new_engine() -> regorus::Engine {
    let mut engine = regorus::Engine::new();
    engine.set_rego_v0(false);
    // Builtin errors (e.g. a regex that does not compile) make an expression undefined, as in
    // OPA, instead of aborting the whole evaluation.
    engine.set_strict_builtin_errors(false);
    engine.set_execution_timer_config(super::engine::timer(super::engine::DOCUMENT_TIME_LIMIT));
    engine
}

impl PolicySet {
    /// Loads and compiles every policy once. Problems are collected, never fatal: the rules
    /// that loaded still run.
    pub fn load(opts: &PolicyOptions) -> PolicySet {
        let mut problems = Vec::new();
        let mut sources: Vec<PolicySource> = Vec::new();
        // Built-in settings are defaults for every run, even with --no-builtin.
        let mut settings = Value::Object(Map::new());
        for (path, text) in embedded::under("policies/settings/") {
            if !path.ends_with(".json") {
                continue;
            }
            match serde_json::from_str::<Value>(text) {
                Ok(v) => deep_merge(&mut settings, v),
                Err(e) => problems.push(Problem::error(
                    path,
                    Some(Pos {
                        line: e.line() as u32,
                        column: e.column() as u32,
                        offset: 0,
                    }),
                    format!("invalid settings: {e}"),
                )),
            }
        }
        for (path, text) in embedded::under("policies/") {
            // Built-in libraries are always there, so users' rules can import them.
            let is_lib = path.starts_with("policies/lib/");
            if !opts.builtin && !is_lib {
                continue;
            }
            {
                let is_test = path.ends_with("_test.rego");
                if path.ends_with(".rego") && (opts.include_tests || !is_test) {
                    sources.push(PolicySource {
                        path: path.to_string(),
                        text: text.to_string(),
                        origin: Origin::Builtin,
                    });
                }
            }
        }
        for dir in &opts.policy_dirs {
            read_policy_dir(dir, opts.include_tests, &mut sources, &mut problems);
            // `DIR/settings/*.json` are parameters, merged like the built-in ones.
            let mut files: Vec<PathBuf> = std::fs::read_dir(dir.join("settings"))
                .into_iter()
                .flatten()
                .filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "json"))
                .collect();
            files.sort();
            for f in files {
                let shown = f.display().to_string();
                match std::fs::read_to_string(&f)
                    .map_err(|e| e.to_string())
                    .and_then(|t| {
                        serde_json::from_str::<Value>(&t)
                            .map_err(|e| format!("{}:{}: {e}", e.line(), e.column()))
                    }) {
                    Ok(v) => deep_merge(&mut settings, v),
                    Err(e) => problems.push(Problem::error(
                        &shown,
                        None,
                        format!("invalid settings: {e}"),
                    )),
                }
            }
        }

        let mut data = Value::Object(Map::new());
        data.as_object_mut()
            .expect("object")
            .insert("settings".into(), settings);
        for f in &opts.data_files {
            match read_data_file(f) {
                Ok(v) => deep_merge(&mut data, v),
                Err(p) => problems.push(p),
            }
        }

        // A user library with the package of a built-in one replaces it (two modules with one
        // package would be merged by regorus, and their rules clash).
        let user_packages: std::collections::BTreeSet<String> = sources
            .iter()
            .filter(|s| s.origin == Origin::User)
            .filter_map(|s| super::metadata::package_of(&s.text).map(|(p, _)| p))
            .collect();
        let builtin_libraries_replaced = user_packages
            .iter()
            .any(|p| p == "runeguard.lib" || p.starts_with("runeguard.lib."));
        sources.retain(|s| {
            s.origin == Origin::User
                || super::metadata::package_of(&s.text)
                    .is_none_or(|(p, _)| !user_packages.contains(&p))
        });

        // Parse metadata, and drop rules whose id, name or package clashes.
        let mut rules: Vec<Arc<Rule>> = Vec::new();
        let mut kept = Vec::new();
        for src in sources {
            // OPA rejects recursion at compile time; regorus would overflow the stack on a
            // function that calls itself, so such a policy is reported and not loaded.
            if let Some((name, line)) = recursive_function(&src.text) {
                let rule = parse_rule(&src.path, &src.text, src.origin.clone())
                    .ok()
                    .flatten()
                    .map(|r| format!("; rule {} ({}) is not run", r.id, r.name))
                    .unwrap_or_default();
                problems.push(Problem::error(
                    &src.path,
                    Some(Pos {
                        line,
                        column: 1,
                        offset: 0,
                    }),
                    format!(
                        "policy error: recursion: function `{name}` calls itself ({}:{line}){rule}",
                        src.path
                    ),
                ));
                continue;
            }
            match parse_rule(&src.path, &src.text, src.origin.clone()) {
                Ok(Some(rule)) => {
                    if let Some(existing) = rules.iter().find(|r| {
                        r.id == rule.id || r.name == rule.name || r.package == rule.package
                    }) {
                        problems.push(Problem::error(&src.path, None, format!("rule {} ({}) clashes with {} ({}) in {}: ids, names and packages must be unique", rule.id, rule.name, existing.id, existing.name, existing.source)));
                        continue;
                    }
                    rules.push(Arc::new(rule));
                    kept.push(src);
                }
                Ok(None) => kept.push(src),
                Err(e) => problems.push(policy_problem(e)),
            }
        }
        rules.sort_by(|a, b| a.id.cmp(&b.id));
        let builtin_only = kept.iter().all(|s| s.origin == Origin::Builtin);
        PolicySet {
            rules,
            sources: kept,
            problems,
            data: regorus::Value::from(data),
            engines: Default::default(),
            programs: Default::default(),
            compiled: Default::default(),
            vm_programs: Default::default(),
            builtin_only,
            metadata_groups: Default::default(),
            cached: Default::default(),
            builtin_libraries_replaced,
            all: Default::default(),
            engine_stats: Default::default(),
        }
    }

    /// The rule a source defines, if any.
    fn rule_of(&self, src: &PolicySource) -> Option<&Arc<Rule>> {
        self.rules.iter().find(|r| r.source == src.path)
    }

    /// Compiles the given sources into an engine; a policy that fails is dropped (and reported)
    /// and the rest compiled again, so one broken policy never stops the others.
    fn compile(
        &self,
        mut chosen: Vec<&PolicySource>,
        group_input: Option<InputType>,
    ) -> TypedEngine {
        if let Some(input) = group_input
            && let Some(typed) = self.compile_grouped_at_once(&chosen, input)
        {
            return typed;
        }
        let mut problems = Vec::new();
        let mut dropped = std::collections::BTreeSet::new();
        let engine = loop {
            let mut engine = new_engine();
            let mut failed: Option<usize> = None;
            for (i, src) in chosen.iter().enumerate() {
                // The expanded text when it compiles; else the text as written (whose errors
                // are the ones to report, located in the user's file).
                let expanded = if group_input.is_some() {
                    expand_import_aliases(&src.text)
                } else {
                    None
                };
                let added = match expanded {
                    // A failed `add_policy` leaves the engine as it was.
                    Some(text) => engine
                        .add_policy(src.path.clone(), text)
                        .or_else(|_| engine.add_policy(src.path.clone(), src.text.clone()))
                        .map(|_| ()),
                    None => engine
                        .add_policy(src.path.clone(), src.text.clone())
                        .map(|_| ()),
                };
                if let Err(e) = added {
                    problems.push(regorus_problem(&src.path, &e.to_string()));
                    failed = Some(i);
                    break;
                }
            }
            if let Some(i) = failed {
                if let Some(r) = self.rule_of(chosen[i]) {
                    dropped.insert(r.id.clone());
                }
                chosen.remove(i);
                continue;
            }
            if let Err(e) = engine.add_data(self.data.clone()) {
                problems.push(Problem::error(
                    "--data",
                    None,
                    format!("cannot load data: {e}"),
                ));
            }
            match engine.eval_query("data.runeguard.__compile_check__".to_string(), false) {
                Ok(_) => break engine,
                Err(e) => {
                    let p = regorus_problem("policies", &e.to_string());
                    let culprit = chosen.iter().position(|src| src.path == p.file);
                    problems.push(p);
                    let gone: Vec<&PolicySource> = match culprit {
                        Some(i) => vec![chosen.remove(i)],
                        // An error that names no policy: give up on all of them, loudly.
                        None => std::mem::take(&mut chosen),
                    };
                    for src in gone {
                        if let Some(r) = self.rule_of(src) {
                            dropped.insert(r.id.clone());
                        }
                    }
                }
            }
        };
        let mut groups = Vec::new();
        let mut engine = engine;
        if let Some(input) = group_input {
            let compiled: Vec<Arc<Rule>> = self
                .rules
                .iter()
                .filter(|r| !dropped.contains(&r.id) && chosen.iter().any(|s| s.path == r.source))
                .cloned()
                .collect();
            let made = make_groups(input, &compiled);
            let mut grouped = engine.clone();
            let mut ok = true;
            for (g, module) in &made {
                ok &= grouped
                    .add_policy(format!("<runeguard:{}>", g.entrypoint), module.clone())
                    .is_ok();
            }
            // Should the group modules not compile, rules are evaluated one by one.
            if ok
                && grouped
                    .eval_query("data.runeguard.__compile_check__".to_string(), false)
                    .is_ok()
            {
                engine = grouped;
                groups = made.into_iter().map(|(g, _)| g).collect();
            }
        }
        problems.sort();
        problems.dedup();
        TypedEngine {
            engine,
            groups,
            dropped,
            problems,
        }
    }

    /// The usual case made cheap: every policy and the group modules compile together, so
    /// the engine is analysed once, not twice (before and after adding the groups; regorus
    /// analyses the whole engine again after any `add_policy`). None when anything fails: the
    /// caller then compiles step by step, to drop and report the culprits.
    fn compile_grouped_at_once(
        &self,
        chosen: &[&PolicySource],
        input: InputType,
    ) -> Option<TypedEngine> {
        let mut engine = new_engine();
        for src in chosen {
            let text = expand_import_aliases(&src.text).unwrap_or_else(|| src.text.clone());
            engine.add_policy(src.path.clone(), text).ok()?;
        }
        engine.add_data(self.data.clone()).ok()?;
        let compiled: Vec<Arc<Rule>> = self
            .rules
            .iter()
            .filter(|r| chosen.iter().any(|s| s.path == r.source))
            .cloned()
            .collect();
        let made = make_groups(input, &compiled);
        for (g, module) in &made {
            engine
                .add_policy(format!("<runeguard:{}>", g.entrypoint), module.clone())
                .ok()?;
        }
        engine
            .eval_query("data.runeguard.__compile_check__".to_string(), false)
            .ok()?;
        Some(TypedEngine {
            engine,
            groups: made.into_iter().map(|(g, _)| g).collect(),
            dropped: Default::default(),
            problems: Vec::new(),
        })
    }

    /// The `data` document every engine holds (settings and `--data` files).
    pub fn data(&self) -> &regorus::Value {
        &self.data
    }

    /// The bytecode programs of one input type's groups, index for index with
    /// [`TypedEngine::groups`], compiled on first use. A group gets one when it holds built-in
    /// rules only, no user policy replaced a built-in library, and regorus' RVM compiler takes
    /// it (it has no `walk` yet); the others run in the interpreter.
    ///
    /// The VM runs the built-in rules ≈ 5× faster than the interpreter. Its results are the
    /// interpreter's: `tests/engines.rs` compares the two on every fixture, and
    /// `bench/engines.sh` on the whole corpus. Users' rules stay on the interpreter, whose
    /// semantics are the reference (the VM's compiler needed fixes: vendor/regorus).
    /// `RUNEGUARD_ENGINE=interpreter` turns the VM off; `RUNEGUARD_ENGINE=vm` uses it from the
    /// first document (by default a worker switches after a few, see `VM_AFTER_DOCUMENTS`).
    pub fn programs(&self, input: InputType) -> &[Option<Program>] {
        self.programs[type_index(input)].get_or_init(|| {
            let all = self.vm_programs(input);
            self.groups(input)
                .iter()
                .map(|g| all.get(&g.entrypoint).cloned().flatten())
                .collect()
        })
    }

    /// The program of one built-in rule's `deny` (whole-project rules run one by one), on
    /// the terms of [`PolicySet::programs`].
    pub fn rule_program(&self, rule: &Rule) -> Option<Program> {
        if rule.origin != Origin::Builtin {
            return None;
        }
        self.vm_programs(rule.input)
            .get(&rule.entrypoint())
            .cloned()
            .flatten()
    }

    /// Every built-in program of an input type, by entry point: from the on-disk cache when
    /// only built-in policies are loaded, else (and on a miss) compiled, then stored.
    fn vm_programs(&self, input: InputType) -> &super::cache::Programs {
        self.vm_programs[type_index(input)].get_or_init(|| {
            if !self.vm_allowed() {
                return Default::default();
            }
            let entries = self.vm_entries(input);
            let key = self.cache_key(input, &entries);
            if let Some(programs) = key.as_deref().and_then(super::cache::load)
                && entries.iter().all(|e| programs.contains_key(e))
            {
                return programs;
            }
            let programs: super::cache::Programs = match self.compiled_policy(input) {
                Some(compiled) => entries
                    .iter()
                    .map(|e| (e.clone(), compile_program(compiled, e)))
                    .collect(),
                None => return Default::default(),
            };
            if let Some(key) = &key {
                super::cache::store(key, &programs);
            }
            programs
        })
    }

    /// The entry points of an input type's built-in programs: groups, whole-project rules.
    fn vm_entries(&self, input: InputType) -> Vec<String> {
        let mut entries: Vec<String> = self
            .groups(input)
            .iter()
            .filter(|g| g.builtin)
            .map(|g| g.entrypoint.clone())
            .collect();
        entries.extend(
            self.rules
                .iter()
                .filter(|r| {
                    r.input == input
                        && r.origin == Origin::Builtin
                        && r.scope == crate::rule::Scope::Project
                })
                .map(|r| r.entrypoint()),
        );
        entries
    }

    /// The cache key of an input type's programs (only built-in policies loaded).
    fn cache_key(&self, input: InputType, entries: &[String]) -> Option<String> {
        if !self.builtin_only {
            return None;
        }
        let mut what = vec![input.as_str()];
        what.extend(entries.iter().map(String::as_str));
        super::cache::key(&what)
    }

    /// Whether an input type's programs are ready or cached, so that using the VM costs
    /// nothing to set up.
    pub fn programs_cheap(&self, input: InputType) -> bool {
        self.programs[type_index(input)].get().is_some()
            || *self.cached[type_index(input)].get_or_init(|| {
                self.vm_allowed()
                    && self
                        .cache_key(input, &self.vm_entries(input))
                        .is_some_and(|k| super::cache::exists(&k))
            })
    }

    /// Compiles and stores the programs of the input types whose interpreter this run built
    /// and whose programs are not cached yet: a run too small to use the VM (a pre-commit
    /// run on one file) pays ≈ 15 ms once, so that the next one starts from the cache.
    pub fn warm_cache(&self) {
        if !self.builtin_only || !self.vm_allowed() || super::cache::dir().is_none() {
            return;
        }
        for t in [
            InputType::Kubernetes,
            InputType::Postgres,
            InputType::Config,
        ] {
            if self.engines[type_index(t)].get().is_some() && !self.programs_cheap(t) {
                let _ = self.vm_programs(t);
            }
        }
    }

    /// The rule groups of an input type (index for index with [`PolicySet::programs`]).
    pub fn groups(&self, input: InputType) -> &[RuleGroup] {
        if self.builtin_only {
            self.metadata_groups[type_index(input)].get_or_init(|| {
                make_groups(input, &self.rules)
                    .into_iter()
                    .map(|(g, _)| g)
                    .collect()
            })
        } else {
            &self.typed(input).groups
        }
    }

    /// Whether a rule's policy failed to compile (built-in policies always compile: their
    /// engine is not built to find out).
    pub fn is_dropped(&self, rule: &Rule) -> bool {
        !self.builtin_only && self.typed(rule.input).dropped.contains(&rule.id)
    }

    /// The input type's engine, analysed for the RVM compiler (any entry point will do: the
    /// analysis covers every module).
    fn compiled_policy(&self, input: InputType) -> Option<&regorus::CompiledPolicy> {
        self.compiled[type_index(input)]
            .get_or_init(|| {
                let typed = self.typed(input);
                let entry = typed.groups.first()?.entrypoint.as_str();
                typed
                    .engine
                    .clone()
                    .compile_with_entrypoint(&entry.into())
                    .ok()
            })
            .as_ref()
    }

    fn vm_allowed(&self) -> bool {
        !self.builtin_libraries_replaced
            && std::env::var("RUNEGUARD_ENGINE").as_deref() != Ok("interpreter")
    }

    /// The engine for one input type: its rules and every library (compiled on first use).
    pub fn typed(&self, input: InputType) -> &TypedEngine {
        self.engines[type_index(input)].get_or_init(|| {
            let candidates: Vec<&PolicySource> = self
                .sources
                .iter()
                .filter(|s| self.rule_of(s).is_none_or(|r| r.input == input))
                .filter(|s| !s.path.ends_with("_test.rego"))
                .collect();
            self.compile(without_unused_builtin_libraries(candidates), Some(input))
        })
    }

    /// One engine with every policy, tests included (for `runeguard test`).
    pub fn all(&self) -> &TypedEngine {
        self.all
            .get_or_init(|| self.compile(self.sources.iter().collect(), None))
    }

    /// Compiles every engine now (so that every policy error is reported).
    pub fn compile_all(&self) {
        for t in InputType::ALL {
            self.typed(t);
        }
    }

    /// Loading problems plus the compile problems of every engine built so far.
    pub fn problems_all(&self) -> Vec<Problem> {
        let mut out = self.problems.clone();
        for e in self.engines.iter().chain(std::iter::once(&self.all)) {
            if let Some(t) = e.get() {
                out.extend(t.problems.iter().cloned());
            }
        }
        out.sort();
        out.dedup();
        out
    }

    /// How the evaluations of this set went so far, over every worker that is done, and the
    /// first error the VM gave (the reason for a fallback to the interpreter).
    pub fn engine_stats(&self) -> (super::engine::EvalStats, Option<String>) {
        let guard = self.engine_stats.lock().unwrap_or_else(|e| e.into_inner());
        (guard.0, guard.1.clone())
    }

    pub(crate) fn record_engine_stats(
        &self,
        stats: &super::engine::EvalStats,
        vm_error: Option<String>,
    ) {
        let mut guard = self.engine_stats.lock().unwrap_or_else(|e| e.into_inner());
        guard.0.add(stats);
        if guard.1.is_none() {
            guard.1 = vm_error;
        }
    }

    /// True when a rule's policy compiled in its engine (building the engine if needed).
    pub fn is_compiled(&self, rule: &Rule) -> bool {
        !self.typed(rule.input).dropped.contains(&rule.id)
    }
}

#[cfg(test)]
mod recursion_tests {
    use super::recursive_function;

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
            text: text.into(),
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
