//! Where policies come from: the embedded built-ins, `--policy` directories and `--data`
//! files, read into sources and data; and how their errors become located problems.

use super::metadata::PolicyError;
use crate::input::yaml;
use crate::rule::Origin;
use crate::source::Problem;
use crate::source::span::Pos;
use serde_json::{Map, Value};
use std::path::{Path, PathBuf};

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
    /// The policy's text: borrowed from the binary for a built-in one (a run loads about a
    /// hundred, ≈ 400 KB that need not be copied), read from its file for a user's.
    pub text: std::borrow::Cow<'static, str>,
    pub origin: Origin,
}

pub(super) fn policy_problem(e: PolicyError) -> Problem {
    Problem::error(
        &e.file,
        Some(Pos {
            line: e.line,
            column: e.column,
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
            pos = Some(Pos { line, column });
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

pub(super) fn read_policy_dir(
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
                text: text.into(),
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
pub(super) fn read_data_file(path: &Path) -> Result<Value, Problem> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| Problem::error(&shown, None, format!("cannot read data file: {e}")))?;
    let lines = crate::source::span::LineIndex::new(&text);
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

/// The built-in settings (`policies/settings/*.json`), merged in path order.
pub(super) fn builtin_settings(problems: &mut Vec<Problem>) -> Value {
    let mut settings = Value::Object(Map::new());
    for (path, text) in crate::embedded::under("policies/settings/") {
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
                }),
                format!("invalid settings: {e}"),
            )),
        }
    }
    settings
}

/// Merges a policy directory's `settings/*.json` into `settings`, in path order.
/// Returns whether the folder held a settings file.
pub(super) fn read_settings_dir(
    dir: &Path,
    settings: &mut Value,
    problems: &mut Vec<Problem>,
) -> bool {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    let read = !files.is_empty();
    for f in files {
        let shown = f.display().to_string();
        match std::fs::read_to_string(&f)
            .map_err(|e| e.to_string())
            .and_then(|t| {
                serde_json::from_str::<Value>(&t)
                    .map_err(|e| format!("{}:{}: {e}", e.line(), e.column()))
            }) {
            Ok(v) => deep_merge(settings, v),
            Err(e) => problems.push(Problem::error(
                &shown,
                None,
                format!("invalid settings: {e}"),
            )),
        }
    }
    read
}

/// `{"settings": …}` of the built-in settings alone, read straight into the engine's values.
/// Going through `serde_json::Value` (then converting, then cloning the credentials out of it)
/// cost ≈ 4 M instructions of every run, on the way to its first evaluation; a run whose
/// settings are the built-in ones (no `--data` file, no settings in a `--policy` folder) needs
/// only this. `builtin_data_is_the_converted_settings` checks it equals the other way.
pub(super) fn builtin_data(problems: &mut Vec<Problem>) -> regorus::Value {
    let mut settings = regorus::Value::new_object();
    for (path, text) in crate::embedded::under("policies/settings/") {
        if !path.ends_with(".json") {
            continue;
        }
        match regorus::Value::from_json_str(text) {
            Ok(v) => merge_values(&mut settings, v),
            Err(e) => problems.push(Problem::error(path, None, format!("invalid settings: {e}"))),
        }
    }
    let mut data = regorus::Value::new_object();
    if let Ok(o) = data.as_object_mut() {
        o.insert(regorus::Value::from("settings"), settings);
    }
    data
}

/// [`deep_merge`] for the engine's values.
fn merge_values(dst: &mut regorus::Value, src: regorus::Value) {
    if let (Ok(d), regorus::Value::Object(s)) = (dst.as_object_mut(), &src) {
        for (k, v) in s.iter() {
            match d.get_mut(k) {
                Some(existing) => merge_values(existing, v.clone()),
                None => {
                    d.insert(k.clone(), v.clone());
                }
            }
        }
        return;
    }
    *dst = src;
}

/// The built-in policies a run loads: the libraries always (users' rules may import them), the
/// rules unless `--no-builtin`, their Rego tests when asked for.
pub(super) fn builtin_sources(opts: &PolicyOptions) -> Vec<PolicySource> {
    crate::embedded::under("policies/")
        .filter(|(path, _)| opts.builtin || path.starts_with("policies/lib/"))
        .filter(|(path, _)| {
            path.ends_with(".rego") && (opts.include_tests || !path.ends_with("_test.rego"))
        })
        .map(|(path, text)| PolicySource {
            path: path.to_string(),
            text: std::borrow::Cow::Borrowed(text),
            origin: Origin::Builtin,
        })
        .collect()
}

/// The settings of a run: the built-in ones alone (as the engine's `data`, see
/// [`builtin_data`]), or merged with a `--policy` folder's.
pub(super) enum Settings {
    Builtin(regorus::Value),
    Merged(Value),
}

/// The policies and settings of a run, with what reading them found wrong: the built-in ones
/// (settings are defaults for every run, even with --no-builtin) and each `--policy` folder's.
pub(super) fn read_sources(opts: &PolicyOptions) -> (Vec<Problem>, Settings, Vec<PolicySource>) {
    let mut problems = Vec::new();
    let mut sources = builtin_sources(opts);
    // Each folder's settings, merged in order over the built-in ones.
    let mut folders = Vec::new();
    for dir in &opts.policy_dirs {
        read_policy_dir(dir, opts.include_tests, &mut sources, &mut problems);
        // `DIR/settings/*.json` are parameters, merged like the built-in ones.
        let mut settings = Value::Object(Map::new());
        if read_settings_dir(&dir.join("settings"), &mut settings, &mut problems) {
            folders.push(settings);
        }
    }
    let settings = if folders.is_empty() && opts.data_files.is_empty() {
        Settings::Builtin(builtin_data(&mut problems))
    } else {
        let mut settings = builtin_settings(&mut problems);
        for s in folders {
            deep_merge(&mut settings, s);
        }
        Settings::Merged(settings)
    };
    (problems, settings, sources)
}

#[cfg(test)]
mod settings_tests {
    use super::{builtin_data, builtin_settings};

    /// The built-in settings read straight into the engine's values are the settings read as
    /// JSON, merged, then converted (what a run with `--data` or folder settings does).
    #[test]
    fn builtin_data_is_the_converted_settings() {
        let mut problems = Vec::new();
        let direct = builtin_data(&mut problems);
        let converted = regorus::Value::from(serde_json::json!({
            "settings": builtin_settings(&mut problems)
        }));
        assert!(problems.is_empty(), "{problems:?}");
        assert!(direct == converted, "the two ways differ");
        // Both built-in Kubernetes files were merged under one key.
        let k = &direct["settings"]["kubernetes"];
        assert!(k["injected_containers"] != regorus::Value::Undefined);
        assert!(k["safe_sysctls"] != regorus::Value::Undefined);
    }
}
