//! What a rule is: the metadata every part of runeguard shares (the engine, reports, docs).
//! It is read from each policy's `# METADATA` block by `policy::metadata`.

use crate::input::InputType;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    /// GitHub code scanning's `security-severity` score for this level.
    pub fn security_severity(self) -> &'static str {
        match self {
            Severity::Critical => "9.5",
            Severity::High => "8.0",
            Severity::Medium => "5.5",
            Severity::Low => "3.0",
            Severity::Info => "0.0",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "info" => Ok(Severity::Info),
            "low" => Ok(Severity::Low),
            "medium" => Ok(Severity::Medium),
            "high" => Ok(Severity::High),
            "critical" => Ok(Severity::Critical),
            _ => Err(format!(
                "unknown severity {s:?} (expected critical, high, medium, low or info)"
            )),
        }
    }
}

/// The compliance frameworks a rule maps to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Framework {
    #[serde(rename = "nist-800-53")]
    Nist80053,
    #[serde(rename = "nist-csf-2.0")]
    NistCsf2,
    #[serde(rename = "soc2")]
    Soc2,
    #[serde(rename = "zero-trust")]
    ZeroTrust,
    #[serde(rename = "cis-kubernetes")]
    CisKubernetes,
}

impl Framework {
    pub const ALL: [Framework; 5] = [
        Framework::Nist80053,
        Framework::NistCsf2,
        Framework::Soc2,
        Framework::ZeroTrust,
        Framework::CisKubernetes,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Framework::Nist80053 => "nist-800-53",
            Framework::NistCsf2 => "nist-csf-2.0",
            Framework::Soc2 => "soc2",
            Framework::ZeroTrust => "zero-trust",
            Framework::CisKubernetes => "cis-kubernetes",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Framework::Nist80053 => "NIST SP 800-53 rev5",
            Framework::NistCsf2 => "NIST CSF 2.0",
            Framework::Soc2 => "SOC 2 (Trust Services Criteria)",
            Framework::ZeroTrust => "Zero trust (NIST SP 800-207)",
            Framework::CisKubernetes => "CIS Kubernetes Benchmark",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Framework::ALL.into_iter().find(|f| f.id() == s)
    }
}

/// Whether a rule judges one document at a time or every document of its input type at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    #[default]
    Document,
    /// Whole-project rules (⊕ in the catalog): `input.documents` holds every document.
    Project,
}

/// Where a rule came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    Builtin,
    User,
}

/// One rule's identity and documentation, from its `# METADATA` block.
#[derive(Debug, Clone, Serialize)]
pub struct Rule {
    pub id: String,
    pub name: String,
    pub title: String,
    pub description: String,
    pub severity: Severity,
    pub input: InputType,
    /// Restricts the documents the rule sees to these subtypes (Kubernetes kinds, config kinds).
    pub kinds: Vec<String>,
    pub scope: Scope,
    pub controls: BTreeMap<Framework, Vec<String>>,
    pub rationale: String,
    pub remediation: String,
    pub related: Vec<String>,
    /// The Rego package, e.g. `runeguard.kubernetes.privileged_container`.
    pub package: String,
    /// The policy file, as given to the engine (`policies/kubernetes/privileged_container.rego`).
    pub source: String,
    pub origin: Origin,
    /// `custom.secret: true`: the rule's findings point at credentials, whose spans every
    /// output masks (see [`crate::source::secrets`]).
    #[serde(skip)]
    pub secret: bool,
}

impl Rule {
    /// The rule's entry point for the engine.
    pub fn entrypoint(&self) -> String {
        format!("data.{}.deny", self.package)
    }

    /// The documentation page of a built-in rule.
    pub fn help_uri(&self) -> Option<String> {
        match self.origin {
            Origin::Builtin => Some(format!(
                "{}/docs/rules/{}.md",
                crate::REPOSITORY_URL,
                self.id
            )),
            Origin::User => self.related.first().cloned(),
        }
    }

    pub fn applies_to(&self, input: InputType, subtype: &str) -> bool {
        self.input == input && (self.kinds.is_empty() || self.kinds.iter().any(|k| k == subtype))
    }

    /// True when `selector` (an id, a name, or an id prefix such as `K8S` or `K8S-01`) picks it.
    pub fn matches_selector(&self, selector: &str) -> bool {
        let s = selector.trim();
        if s.is_empty() {
            return false;
        }
        self.id.eq_ignore_ascii_case(s)
            || self.name == s
            || self
                .id
                .to_ascii_uppercase()
                .starts_with(&s.to_ascii_uppercase())
    }
}
