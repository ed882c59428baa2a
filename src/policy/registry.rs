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

/// The compiled policies and the rules they define.
#[derive(Clone)]
pub struct PolicySet {
    pub engine: regorus::Engine,
    /// Every rule, sorted by id.
    pub rules: Vec<Arc<Rule>>,
    pub sources: Vec<PolicySource>,
    /// Policies or data that failed to load (each makes the run exit 2).
    pub problems: Vec<Problem>,
    /// Generated modules that evaluate every document-scope rule of a document in one pass.
    pub groups: Vec<RuleGroup>,
}

/// The document-scope rules that apply to one (input type, subtype), evaluated together by a
/// generated module: regorus resets its evaluation state on every `eval_rule` (≈ 0.3 ms with a
/// hundred modules loaded), and shared helpers (`k8s.containers`) are computed once per pass.
#[derive(Debug, Clone)]
pub struct RuleGroup {
    pub input: InputType,
    /// The subtype, or None for subtypes that no rule names in its `kinds`.
    pub subtype: Option<String>,
    /// `data.runeguard.__eval__.gN.results`: rule id → the rule's `deny` set.
    pub entrypoint: String,
    pub rules: Vec<Arc<Rule>>,
}

impl PolicySet {
    /// The group of rules for a document of this type and subtype.
    pub fn group_for(&self, input: InputType, subtype: &str) -> Option<&RuleGroup> {
        self.groups
            .iter()
            .find(|g| g.input == input && g.subtype.as_deref() == Some(subtype))
            .or_else(|| self.groups.iter().find(|g| g.input == input && g.subtype.is_none()))
    }
}

/// Builds the groups and their Rego modules.
fn make_groups(rules: &[Arc<Rule>]) -> Vec<(RuleGroup, String)> {
    let doc_rules: Vec<&Arc<Rule>> = rules.iter().filter(|r| r.scope == crate::rule::Scope::Document).collect();
    let mut out = Vec::new();
    for input in InputType::ALL {
        let of_type: Vec<&Arc<Rule>> = doc_rules.iter().copied().filter(|r| r.input == input).collect();
        let mut subtypes: Vec<Option<String>> = of_type.iter().flat_map(|r| r.kinds.iter().cloned()).collect::<std::collections::BTreeSet<_>>().into_iter().map(Some).collect();
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
            let n = out.len();
            let package = format!("runeguard.__eval__.g{n}");
            let mut module = format!("package {package}\n\nimport rego.v1\n\n");
            for r in &members {
                module.push_str(&format!("results[{:?}] := data.{}.deny\n\n", r.id, r.package));
            }
            let group = RuleGroup { input, subtype, entrypoint: format!("data.{package}.results"), rules: members };
            out.push((group, module));
        }
    }
    out
}

impl std::fmt::Debug for PolicySet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PolicySet").field("rules", &self.rules.len()).field("problems", &self.problems).finish()
    }
}

fn policy_problem(e: PolicyError) -> Problem {
    Problem::error(&e.file, Some(Pos { line: e.line, column: e.column, offset: 0 }), e.message)
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
            pos = Some(Pos { line, column, offset: 0 });
        }
    }
    // Keep the last line of regorus' message ("error: ...") plus the context it printed.
    let message = err.lines().map(str::trim_end).filter(|l| !l.trim().is_empty()).collect::<Vec<_>>().join("\n");
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

fn read_policy_dir(dir: &Path, include_tests: bool, out: &mut Vec<PolicySource>, problems: &mut Vec<Problem>) {
    let shown = dir.display().to_string();
    if !dir.is_dir() {
        problems.push(Problem::error(&shown, None, "policy directory not found"));
        return;
    }
    let mut files = Vec::new();
    for entry in ignore::WalkBuilder::new(dir).standard_filters(false).hidden(true).sort_by_file_path(|a, b| a.cmp(b)).build() {
        match entry {
            Ok(e) if e.file_type().is_some_and(|t| t.is_file()) => {
                let p = e.into_path();
                let is_rego = p.extension().is_some_and(|x| x == "rego");
                let is_test = p.file_name().is_some_and(|n| n.to_string_lossy().ends_with("_test.rego"));
                if is_rego && (include_tests || !is_test) {
                    files.push(p);
                }
            }
            Ok(_) => {}
            Err(e) => problems.push(Problem::error(&shown, None, format!("cannot walk policy directory: {e}"))),
        }
    }
    for p in files {
        let path = p.display().to_string();
        match std::fs::read_to_string(&p) {
            Ok(text) => out.push(PolicySource { path, text, origin: Origin::User }),
            Err(e) => problems.push(Problem::error(&path, None, format!("cannot read policy: {e}"))),
        }
    }
}

/// Reads a data file (JSON or YAML) into a value.
fn read_data_file(path: &Path) -> Result<Value, Problem> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| Problem::error(&shown, None, format!("cannot read data file: {e}")))?;
    let lines = crate::input::span::LineIndex::new(&text);
    let (docs, err) = yaml::parse_stream(&text, &lines);
    if let Some(e) = err {
        return Err(Problem::error(&shown, Some(e.pos), format!("invalid data file: {}", e.message)));
    }
    let mut merged = Value::Object(Map::new());
    for d in docs {
        let (v, _, _) = yaml::resolve(&d.root, yaml::Schema::Core, &text, &lines).map_err(|e| Problem::error(&shown, Some(e.pos), e.message))?;
        if !v.is_object() {
            return Err(Problem::error(&shown, None, "a data file must hold a mapping at the top level"));
        }
        deep_merge(&mut merged, v);
    }
    Ok(merged)
}

fn new_engine() -> regorus::Engine {
    let mut engine = regorus::Engine::new();
    engine.set_rego_v0(false);
    // Builtin errors (e.g. a regex that does not compile) make an expression undefined, as in
    // OPA, instead of aborting the whole evaluation.
    engine.set_strict_builtin_errors(false);
    engine.set_execution_timer_config(regorus::utils::limits::ExecutionTimerConfig {
        limit: std::time::Duration::from_secs(10),
        check_interval: std::num::NonZeroU32::new(1000).expect("non-zero"),
    });
    engine
}

impl PolicySet {
    /// Loads and compiles every policy once. Problems are collected, never fatal: the rules
    /// that loaded still run.
    pub fn load(opts: &PolicyOptions) -> PolicySet {
        let mut problems = Vec::new();
        let mut sources = Vec::new();
        // Built-in settings are defaults for every run, even with --no-builtin.
        let mut settings = Value::Object(Map::new());
        for (path, text) in embedded::under("policies/settings/") {
            if !path.ends_with(".json") {
                continue;
            }
            match serde_json::from_str::<Value>(text) {
                Ok(v) => deep_merge(&mut settings, v),
                Err(e) => problems.push(Problem::error(path, Some(Pos { line: e.line() as u32, column: e.column() as u32, offset: 0 }), format!("invalid settings: {e}"))),
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
                    sources.push(PolicySource { path: path.to_string(), text: text.to_string(), origin: Origin::Builtin });
                }
            }
        }
        for dir in &opts.policy_dirs {
            read_policy_dir(dir, opts.include_tests, &mut sources, &mut problems);
        }

        let mut data = Value::Object(Map::new());
        data.as_object_mut().expect("object").insert("settings".into(), settings);
        for f in &opts.data_files {
            match read_data_file(f) {
                Ok(v) => deep_merge(&mut data, v),
                Err(p) => problems.push(p),
            }
        }

        // Parse metadata, and drop rules whose id, name or package clashes.
        let mut entries: Vec<(PolicySource, Option<Rule>)> = Vec::new();
        for src in &sources {
            match parse_rule(&src.path, &src.text, src.origin.clone()) {
                Ok(Some(rule)) => {
                    if let Some(existing) = entries.iter().filter_map(|(_, r)| r.as_ref()).find(|r| r.id == rule.id || r.name == rule.name || r.package == rule.package) {
                        problems.push(Problem::error(&src.path, None, format!("rule {} ({}) clashes with {} ({}) in {}: ids, names and packages must be unique", rule.id, rule.name, existing.id, existing.name, existing.source)));
                        continue;
                    }
                    entries.push((src.clone(), Some(rule)));
                }
                Ok(None) => entries.push((src.clone(), None)),
                Err(e) => problems.push(policy_problem(e)),
            }
        }
        let data = regorus::Value::from(data);
        // regorus analyses all modules together, so one broken policy would stop every rule:
        // compile, and on an error drop the policy it names and try again.
        let engine = loop {
            let mut engine = new_engine();
            let mut failed: Option<usize> = None;
            for (i, (src, _)) in entries.iter().enumerate() {
                if let Err(e) = engine.add_policy(src.path.clone(), src.text.clone()) {
                    problems.push(regorus_problem(&src.path, &e.to_string()));
                    failed = Some(i);
                    break;
                }
            }
            if let Some(i) = failed {
                entries.remove(i);
                continue;
            }
            if let Err(e) = engine.add_data(data.clone()) {
                problems.push(Problem::error("--data", None, format!("cannot load data: {e}")));
            }
            match engine.eval_query("data.runeguard.__compile_check__".to_string(), false) {
                Ok(_) => break engine,
                Err(e) => {
                    let p = regorus_problem("policies", &e.to_string());
                    let culprit = entries.iter().position(|(src, _)| src.path == p.file);
                    problems.push(p);
                    match culprit {
                        Some(i) => {
                            entries.remove(i);
                        }
                        // An error that names no policy: give up on all of them, loudly.
                        None => {
                            entries.clear();
                        }
                    }
                }
            }
        };
        let mut rules: Vec<Arc<Rule>> = entries.iter().filter_map(|(_, r)| r.clone().map(Arc::new)).collect();
        let sources: Vec<PolicySource> = entries.into_iter().map(|(s, _)| s).collect();
        rules.sort_by(|a, b| a.id.cmp(&b.id));
        // Add the group modules; should they not compile, rules are evaluated one by one.
        let mut grouped = engine.clone();
        let made = make_groups(&rules);
        let mut ok = true;
        for (g, module) in &made {
            ok &= grouped.add_policy(format!("<runeguard:{}>", g.entrypoint), module.clone()).is_ok();
        }
        let (engine, groups) = if ok && grouped.eval_query("data.runeguard.__compile_check__".to_string(), false).is_ok() {
            (grouped, made.into_iter().map(|(g, _)| g).collect())
        } else {
            (engine, Vec::new())
        };
        PolicySet { engine, rules, sources, problems, groups }
    }
}
