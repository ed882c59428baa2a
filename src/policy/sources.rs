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
    pub text: String,
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
