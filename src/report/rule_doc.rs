//! One rule document: what a rule checks, why it matters, the controls it gives evidence for,
//! how to fix it, and a failing and a passing example. Built once from the rule's metadata,
//! the control catalogs and (where examples are shown) its fixtures; rendered into
//! `runeguard explain` (`catalog`), the pages under `docs/rules/` (`docs`) and the help of a
//! SARIF rule (`report::sarif`). The renderers only lay it out: none of them looks a control
//! title up or reads a fixture itself.

use crate::compliance::{Catalog, title_in, with_title};
use crate::rule::{Framework, Rule};
use std::collections::BTreeMap;

/// The reason written into generated suppression examples.
pub const EXAMPLE_REASON: &str = "reviewed: accepted risk, see TICKET-123";

/// A control a rule is mapped to, with its catalog title when the catalog lists it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ControlRef<'a> {
    pub id: &'a str,
    pub title: Option<&'a str>,
}

impl ControlRef<'_> {
    /// `AC-6(10) Least Privilege | Prohibit …`, or the id alone when the catalog lacks it.
    pub fn titled(&self) -> String {
        with_title(self.id, self.title)
    }
}

/// A rule's examples, taken from its fixtures (see `testing::examples`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Examples {
    /// Fence language: `yaml`, `toml`, `sql`, `json`.
    pub lang: &'static str,
    /// A failing example: the documents of a fail fixture that are reported, `expect:`
    /// markers removed.
    pub fail: Option<String>,
    /// A passing example.
    pub pass: Option<String>,
    /// The failing example with an inline `runeguard:ignore` on the line of its first finding.
    pub suppressed: Option<String>,
}

impl Default for Examples {
    fn default() -> Self {
        Examples {
            lang: "yaml",
            fail: None,
            pass: None,
            suppressed: None,
        }
    }
}

/// The fence language of a fixture, by its file name.
pub fn fence_lang(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "sql" => "sql",
        "toml" => "toml",
        "json" => "json",
        _ => "yaml",
    }
}

/// Everything said about one rule, whatever the format it is shown in.
#[derive(Debug, Clone)]
pub struct RuleDoc<'a> {
    /// Id, name, severity, input, title, description, rationale, remediation, references.
    pub rule: &'a Rule,
    /// The frameworks the rule is mapped to (in [`Framework::ALL`] order, those with at
    /// least one control), each with its controls in metadata order.
    pub controls: Vec<(Framework, Vec<ControlRef<'a>>)>,
    /// Its examples (none where a format shows none, as in SARIF).
    pub examples: Examples,
}

impl<'a> RuleDoc<'a> {
    /// The document of `rule`, its controls titled from `catalogs`, without examples.
    pub fn new(rule: &'a Rule, catalogs: &'a BTreeMap<Framework, Catalog>) -> Self {
        let controls = Framework::ALL
            .into_iter()
            .filter_map(|f| {
                let ids = rule.controls.get(&f).filter(|ids| !ids.is_empty())?;
                let refs = ids
                    .iter()
                    .map(|id| ControlRef {
                        id,
                        title: title_in(catalogs, f, id),
                    })
                    .collect();
                Some((f, refs))
            })
            .collect();
        RuleDoc {
            rule,
            controls,
            examples: Examples::default(),
        }
    }

    /// The same document with examples.
    pub fn with_examples(mut self, examples: Examples) -> Self {
        self.examples = examples;
        self
    }
}
