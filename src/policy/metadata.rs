//! Reads a rule's `# METADATA` block from its `.rego` text.
//!
//! regorus drops comments and has no `rego.metadata.rule()`, so Rust reads OPA's annotation
//! format itself: a `# METADATA` line at column 1, YAML in the comment lines after it, ending
//! at the first line that is not a comment. Unknown keys are errors, located in the file.

use crate::input::InputType;
use crate::input::yaml::{Schema, parse_stream, resolve};
use crate::rule::{Framework, Origin, Rule, Scope, Severity};
use crate::source::span::LineIndex;
use serde::Deserialize;
use std::collections::BTreeMap;

/// A metadata or policy problem, located in the `.rego` file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyError {
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub message: String,
}

impl std::fmt::Display for PolicyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file, self.line, self.column, self.message
        )
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMetadata {
    title: String,
    description: String,
    custom: RawCustom,
    // OPA annotation keys that runeguard accepts and ignores.
    #[serde(default)]
    scope: Option<serde_json::Value>,
    #[serde(default)]
    authors: Option<serde_json::Value>,
    #[serde(default)]
    organizations: Option<serde_json::Value>,
    #[serde(default)]
    related_resources: Option<serde_json::Value>,
    #[serde(default)]
    schemas: Option<serde_json::Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCustom {
    id: String,
    name: String,
    severity: Severity,
    input: String,
    #[serde(default)]
    kinds: Vec<String>,
    #[serde(default)]
    scope: Scope,
    controls: BTreeMap<String, Vec<String>>,
    rationale: String,
    remediation: String,
    #[serde(default)]
    related: Vec<String>,
    /// The rule's findings point at credentials: their spans are masked in every output.
    #[serde(default)]
    secret: bool,
}

/// The package declared by a policy (`package a.b.c`), and its line.
pub fn package_of(text: &str) -> Option<(String, u32)> {
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        if let Some(rest) = t.strip_prefix("package ") {
            let pkg = rest.split('#').next().unwrap_or("").trim().to_string();
            return Some((pkg, i as u32 + 1));
        }
    }
    None
}

/// The METADATA block that precedes the `package` line, as (first YAML line number, YAML text).
fn metadata_block(text: &str) -> Option<(u32, String)> {
    let mut lines = text.lines().enumerate();
    let (start, _) = lines
        .by_ref()
        .take_while(|(_, l)| !l.trim().starts_with("package "))
        .find(|(_, l)| l.trim_end() == "# METADATA")?;
    let mut yaml = String::new();
    for (_, line) in lines {
        let Some(rest) = line.strip_prefix('#') else {
            break;
        };
        let rest = rest.strip_prefix(' ').unwrap_or(rest);
        yaml.push_str(rest);
        yaml.push('\n');
    }
    Some((start as u32 + 2, yaml))
}

/// Parses the rule of one policy file. `Ok(None)` for a file with no METADATA block (a library).
/// The built-in rules come from the on-disk cache instead when it has them
/// ([`super::cache::Metadata`]): reading the YAML of a hundred policies was ≈ 1.5 ms of every run.
pub fn parse_rule(file: &str, text: &str, origin: Origin) -> Result<Option<Rule>, PolicyError> {
    let Some((first_line, yaml)) = metadata_block(text) else {
        return Ok(None);
    };
    let err = |line: u32, message: String| PolicyError {
        file: file.to_string(),
        line,
        column: 1,
        message,
    };
    let value = read_yaml(file, first_line, &yaml)?;
    let raw = RawMetadata::deserialize(&value).map_err(|e| {
        let msg = e.to_string();
        // Point at the offending key when serde names one.
        let line = msg
            .split('`')
            .nth(1)
            .and_then(|key| {
                yaml.lines()
                    .position(|l| l.trim_start().starts_with(&format!("{key}:")))
            })
            .map(|i| first_line + i as u32)
            .unwrap_or(first_line - 1);
        err(line, format!("invalid METADATA: {msg}"))
    })?;
    let _ = (
        &raw.scope,
        &raw.authors,
        &raw.organizations,
        &raw.related_resources,
        &raw.schemas,
    );
    let c = raw.custom;
    let key_line = |key: &str| {
        yaml.lines()
            .position(|l| l.trim_start().starts_with(&format!("{key}:")))
            .map(|i| first_line + i as u32)
            .unwrap_or(first_line)
    };
    if !valid_id(&c.id) {
        return Err(err(
            key_line("id"),
            format!(
                "rule id {:?} must look like ABC-123 (capital letters, a dash, digits)",
                c.id
            ),
        ));
    }
    if !valid_name(&c.name) {
        return Err(err(
            key_line("name"),
            format!(
                "rule name {:?} must be kebab-case (lowercase letters, digits and dashes)",
                c.name
            ),
        ));
    }
    let input = InputType::parse(&c.input).ok_or_else(|| {
        err(
            key_line("input"),
            format!(
                "unknown input type {:?} (expected kubernetes, postgres or config)",
                c.input
            ),
        )
    })?;
    let mut controls = BTreeMap::new();
    for (fw, ids) in c.controls {
        let framework = Framework::parse(&fw).ok_or_else(|| err(key_line(&fw), format!("unknown framework {fw:?} (expected nist-800-53, nist-csf-2.0, soc2, zero-trust or cis-kubernetes)")))?;
        controls.insert(framework, ids);
    }
    let (package, pkg_line) =
        package_of(text).ok_or_else(|| err(1, "policy has no package declaration".into()))?;
    if !package.starts_with("runeguard.") && origin == Origin::Builtin {
        return Err(err(
            pkg_line,
            format!("built-in package {package:?} must start with `runeguard.`"),
        ));
    }
    let rule = Rule {
        id: c.id,
        name: c.name,
        title: raw.title.trim().to_string(),
        description: raw.description.trim().to_string(),
        severity: c.severity,
        input,
        kinds: c.kinds,
        scope: c.scope,
        controls,
        rationale: c.rationale.trim().to_string(),
        remediation: c.remediation.trim().to_string(),
        related: c.related,
        package,
        source: file.to_string(),
        origin,
        secret: c.secret,
    };
    Ok(Some(rule))
}

/// The value of a METADATA block's YAML (the first line of `yaml` is `first_line` of `file`).
fn read_yaml(file: &str, first_line: u32, yaml: &str) -> Result<serde_json::Value, PolicyError> {
    let err = |line: u32, column: u32, message: String| PolicyError {
        file: file.to_string(),
        line,
        column,
        message,
    };
    let lines = LineIndex::new(yaml);
    let (docs, yaml_err) = parse_stream(yaml, &lines);
    if let Some(e) = yaml_err {
        return Err(err(
            first_line + e.pos.line - 1,
            e.pos.column + 2,
            format!("invalid METADATA: {}", e.message),
        ));
    }
    let Some(doc) = docs.first() else {
        return Err(err(first_line - 1, 1, "empty METADATA block".into()));
    };
    let (value, _, _) = resolve(&doc.root, Schema::Core, yaml, &lines).map_err(|e| {
        err(
            first_line + e.pos.line - 1,
            1,
            format!("invalid METADATA: {}", e.message),
        )
    })?;
    Ok(value)
}

fn valid_id(id: &str) -> bool {
    let Some((prefix, num)) = id.split_once('-') else {
        return false;
    };
    !prefix.is_empty()
        && prefix.len() <= 16
        && prefix
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_uppercase())
        && prefix
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        && !num.is_empty()
        && num.len() <= 6
        && num.chars().all(|c| c.is_ascii_digit())
}

fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !name.starts_with('-')
        && !name.ends_with('-')
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "# METADATA\n# title: T\n# description: D\n# custom:\n#   id: ABC-001\n#   name: a-rule\n#   severity: high\n#   input: kubernetes\n#   controls:\n#     nist-800-53: [AC-6]\n#   rationale: R\n#   remediation: M\npackage runeguard.x.a_rule\n";

    #[test]
    fn parses_a_rule() {
        let r = parse_rule("p.rego", GOOD, Origin::Builtin)
            .unwrap()
            .unwrap();
        assert_eq!(r.id, "ABC-001");
        assert_eq!(r.package, "runeguard.x.a_rule");
        assert_eq!(r.controls[&Framework::Nist80053], vec!["AC-6"]);
    }

    #[test]
    fn unknown_keys_are_located_errors() {
        let bad = GOOD.replace("#   rationale: R", "#   rationale: R\n#   colour: blue");
        let e = parse_rule("p.rego", &bad, Origin::Builtin).unwrap_err();
        assert!(e.message.contains("colour"), "{e}");
        assert_eq!(e.line, 12);
    }

    #[test]
    fn library_has_no_rule() {
        assert!(
            parse_rule("lib.rego", "package runeguard.lib.x\n", Origin::Builtin)
                .unwrap()
                .is_none()
        );
    }
}
