//! `.runeguard.yaml`: project configuration, found upward from the working directory or given
//! with `--config`. Unknown keys are errors with their location.

use crate::input::render::SetArg;
use crate::input::yaml::{Schema, parse_stream, resolve};
use crate::source::span::{PathSeg, Pos, SpanTree};
use crate::source::{Problem, SourceFile};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub const FILE_NAMES: [&str; 2] = [".runeguard.yaml", ".runeguard.yml"];

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Rules to keep (ids, names, prefixes).
    #[serde(default)]
    pub select: Vec<String>,
    /// Rules to drop.
    #[serde(default)]
    pub ignore: Vec<String>,
    /// `fail-on` threshold.
    #[serde(default, rename = "fail-on")]
    pub fail_on: Option<String>,
    /// Only rules mapped to these frameworks.
    #[serde(default)]
    pub frameworks: Vec<String>,
    /// Extra policy directories (relative to the configuration file).
    #[serde(default)]
    pub policies: Vec<PathBuf>,
    /// Data files (relative to the configuration file).
    #[serde(default)]
    pub data: Vec<PathBuf>,
    /// Globs of paths not to check.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Rule id or name → severity.
    #[serde(default)]
    pub severity: BTreeMap<String, String>,
    /// Rules ignored for some paths.
    #[serde(default, rename = "per-path-ignores")]
    pub per_path_ignores: Vec<PathIgnore>,
    /// A baseline file (relative to the configuration file).
    #[serde(default)]
    pub baseline: Option<PathBuf>,
    /// How Helm charts and Kustomize overlays are rendered, per folder.
    #[serde(default)]
    pub render: Vec<RenderEntry>,
}

/// One chart's (or overlay's) rendering settings.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RenderEntry {
    /// The chart or overlay folder (relative to the configuration file).
    pub path: PathBuf,
    /// Helm release name [default: release-name].
    #[serde(default, rename = "release-name")]
    pub release_name: Option<String>,
    /// Release namespace [default: default].
    #[serde(default)]
    pub namespace: Option<String>,
    /// Values files (relative to the configuration file), after the chart's values.yaml.
    #[serde(default)]
    pub values: Vec<PathBuf>,
    /// `K=V` settings, as `--set` takes them.
    #[serde(default)]
    pub set: Vec<String>,
    /// As `--set-string` takes them: every value a string.
    #[serde(default, rename = "set-string")]
    pub set_string: Vec<String>,
    /// As `--set-json` takes them: each value JSON.
    #[serde(default, rename = "set-json")]
    pub set_json: Vec<String>,
    /// As `--set-file` takes them, the paths relative to the configuration file.
    #[serde(default, rename = "set-file")]
    pub set_file: Vec<String>,
    /// As `--set-literal` takes them: one key, the rest of the text its value.
    #[serde(default, rename = "set-literal")]
    pub set_literal: Vec<String>,
    /// `.Capabilities.KubeVersion`, e.g. `1.31.0`.
    #[serde(default, rename = "kube-version")]
    pub kube_version: Option<String>,
    /// Also render the chart with each of its `ci/*.yaml` values files.
    #[serde(default, rename = "ci-values")]
    pub ci_values: Option<bool>,
}

impl RenderEntry {
    /// The entry's value settings in the order Helm applies them, its `set-file:` paths read
    /// from `dir` (the configuration's folder) when relative.
    pub fn set_args(&self, dir: &Path) -> Vec<SetArg> {
        let by_flag = [
            &self.set_json[..],
            &self.set,
            &self.set_string,
            &self.set_file,
            &self.set_literal,
        ];
        crate::input::render::set_args(by_flag, Some(dir))
    }
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PathIgnore {
    /// Globs matched against the reported path.
    pub paths: Vec<String>,
    /// Rule ids, names or prefixes.
    pub rules: Vec<String>,
    /// Why (required: it is shown as the justification).
    pub reason: String,
}

/// A configuration and the directory its relative paths are resolved against.
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    pub config: Config,
    pub path: Option<PathBuf>,
    pub dir: PathBuf,
    /// Where each value of the file was written, to locate problems found in them later (a
    /// bad glob is only found when it is compiled).
    pub spans: SpanTree,
    /// The file's text and line index, to turn those spans into line:column.
    pub source: Option<std::sync::Arc<SourceFile>>,
}

impl Loaded {
    /// The file as reports name it (relative to `cwd` when below it).
    pub fn shown(&self, cwd: &Path) -> String {
        match &self.path {
            Some(p) => crate::input::discover::display_path(p, cwd),
            None => FILE_NAMES[0].to_string(),
        }
    }

    /// Where the value at `path` (`exclude[2]`) was written.
    pub fn position(&self, path: &[PathSeg]) -> Option<Pos> {
        self.path.as_ref()?;
        let source = self.source.as_ref()?;
        let resolved = self.spans.resolve(path);
        resolved.exact.then(|| source.pos(resolved.span.start))
    }
}

/// The process's working directory, read once for a command (the settings hold it from then
/// on); `.` when it cannot be read.
pub fn working_dir() -> PathBuf {
    std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."))
}

/// Finds `.runeguard.yaml` in `start` or its ancestors.
pub fn find_upward(start: &Path) -> Option<PathBuf> {
    let mut dir = Some(start);
    while let Some(d) = dir {
        for name in FILE_NAMES {
            let p = d.join(name);
            if p.is_file() {
                return Some(p);
            }
        }
        dir = d.parent();
    }
    None
}

/// Parses configuration text; errors are located.
pub fn parse(shown: &str, text: &str) -> Result<Config, Problem> {
    parse_located(shown, text).map(|(config, _, _)| config)
}

/// Parses configuration text into the configuration and where its values were written.
fn parse_located(
    shown: &str,
    text: &str,
) -> Result<(Config, SpanTree, std::sync::Arc<SourceFile>), Problem> {
    let file = SourceFile::new(shown.to_string(), None, text.to_string());
    let (docs, err) = parse_stream(&file.text, &file.lines);
    if let Some(e) = err {
        return Err(Problem::error(
            shown,
            Some(e.pos),
            format!("invalid configuration: {}", e.message),
        ));
    }
    let Some(doc) = docs.first() else {
        return Ok((Config::default(), SpanTree::default(), file));
    };
    let (value, spans, issues) = resolve(&doc.root, Schema::Core, &file.text, &file.lines)
        .map_err(|e| Problem::error(shown, Some(e.pos), e.message))?;
    if let Some(i) = issues.first() {
        return Err(Problem::error(
            shown,
            Some(i.pos),
            format!("invalid configuration: {}", i.message),
        ));
    }
    if value.is_null() {
        return Ok((Config::default(), spans, file));
    }
    let config = serde_json::from_value::<Config>(value.clone()).map_err(|e| {
        let msg = e.to_string();
        // Locate the key serde complains about, searching the whole tree.
        let key = msg.split('`').nth(1).unwrap_or("").to_string();
        let at = find_key(&value, &spans, &key, &mut Vec::new()).unwrap_or(spans.focus.start);
        Problem::error(
            shown,
            Some(file.pos(at)),
            format!("invalid configuration: {msg}"),
        )
    })?;
    Ok((config, spans, file))
}

fn find_key(
    v: &serde_json::Value,
    spans: &SpanTree,
    key: &str,
    path: &mut Vec<PathSeg>,
) -> Option<u32> {
    match v {
        serde_json::Value::Object(m) => {
            for (k, child) in m {
                path.push(PathSeg::Key(k.clone()));
                if k == key {
                    let p = spans.resolve(path).span.start;
                    path.pop();
                    return Some(p);
                }
                let found = find_key(child, spans, key, path);
                path.pop();
                if found.is_some() {
                    return found;
                }
            }
            None
        }
        serde_json::Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                path.push(PathSeg::Index(i));
                let found = find_key(child, spans, key, path);
                path.pop();
                if found.is_some() {
                    return found;
                }
            }
            None
        }
        _ => None,
    }
}

/// Loads the configuration given with `--config`, or the one found upward from `cwd`.
pub fn load(explicit: Option<&Path>, cwd: &Path) -> Result<Loaded, Problem> {
    let path = match explicit {
        Some(p) => Some(p.to_path_buf()),
        None => find_upward(cwd),
    };
    let Some(path) = path else {
        return Ok(Loaded {
            dir: cwd.to_path_buf(),
            ..Default::default()
        });
    };
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(&path)
        .map_err(|e| Problem::error(&shown, None, format!("cannot read configuration: {e}")))?;
    let (config, spans, source) = parse_located(&shown, &text)?;
    for pi in &config.per_path_ignores {
        if pi.reason.trim().is_empty() {
            return Err(Problem::error(
                &shown,
                None,
                "every per-path-ignores entry needs a reason",
            ));
        }
    }
    let dir = path
        .parent()
        .map(Path::to_path_buf)
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or_else(|| cwd.to_path_buf());
    Ok(Loaded {
        config,
        path: Some(path),
        dir,
        spans,
        source: Some(source),
    })
}

/// The starter configuration written by `runeguard init`.
pub const STARTER: &str = r#"# runeguard configuration (https://github.com/runeguard/runeguard)
# Every key is optional. Paths are relative to this file.

# Fail the run (exit 1) on findings at or above this severity: critical, high, medium, low, info.
fail-on: low

# Only these rules (ids, names or prefixes such as K8S); empty means all.
select: []
# Rules never to run.
ignore: []
# Only rules mapped to these frameworks: nist-800-53, nist-csf-2.0, soc2, zero-trust, cis-kubernetes.
frameworks: []

# Paths not to check (globs).
exclude:
  - "**/testdata/**"

# Severity overrides: rule id or name -> severity.
severity: {}
#  K8S-016: medium

# Rules ignored for some paths, with the reason shown in reports.
per-path-ignores: []
#  - paths: ["deploy/monitoring/**"]
#    rules: [K8S-009]
#    reason: node-exporter needs the host PID namespace

# Extra Rego policies and data (rule parameters).
policies: []
data: []

# Findings recorded here do not fail the run (runeguard baseline create FILE).
# baseline: .runeguard-baseline.json

# How Helm charts and Kustomize overlays render, per folder. Several entries for one chart
# are several environments, each rendered and checked.
render: []
#  - path: deploy/chart
#    release-name: shop
#    namespace: payments
#    values: [deploy/chart/values-prod.yaml]
#    set: ["image.tag=1.2"]
#    set-file: ["tls.ca=certs/ca.pem"]   # also set-string, set-json, set-literal
#    kube-version: 1.31.0
#    ci-values: true        # also with each ci/*.yaml (chart-testing)
#  - path: deploy/chart
#    values: [deploy/chart/values-staging.yaml]
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starter_parses() {
        let c = parse(".runeguard.yaml", STARTER).unwrap();
        assert_eq!(c.fail_on.as_deref(), Some("low"));
    }

    #[test]
    fn unknown_keys_are_located() {
        let e = parse("c.yaml", "select: [K8S]\nper-path-ignores:\n  - paths: [a]\n    rules: [b]\n    reason: c\n    colour: red\n").unwrap_err();
        assert_eq!(e.pos.map(|p| p.line), Some(6), "{e}");
    }
}
