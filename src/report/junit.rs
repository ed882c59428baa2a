//! JUnit XML for Jenkins, GitLab and other CI test reports.
//!
//! One `<testsuite>` per active rule. Inside it, one `<testcase>` per file the rule reported
//! on, with a `<failure>` per unsuppressed finding (suppressed ones are listed in the
//! testcase's `<system-out>`); a rule without findings has one passing testcase. Files that
//! could not be checked are `<error>` testcases of a last `runeguard` suite; notes are passing
//! testcases there, with the note as output.

use super::RunReport;
use crate::finding::Finding;
use crate::rule::Rule;
use crate::source::ProblemLevel;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Arc;

/// Escapes text for XML content and attribute values, dropping characters XML 1.0 forbids.
fn esc(s: &str) -> String {
    let clean: String = s
        .chars()
        .filter(|&c| {
            matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')
        })
        .collect();
    quick_xml::escape::escape(clean.as_str()).into_owned()
}

struct Case {
    name: String,
    classname: String,
    failures: Vec<(String, String, String)>,
    errors: Vec<(String, String, String)>,
    out: Vec<String>,
}

impl Case {
    fn new(name: &str, classname: &str) -> Self {
        Case {
            name: name.to_string(),
            classname: classname.to_string(),
            failures: Vec::new(),
            errors: Vec::new(),
            out: Vec::new(),
        }
    }

    fn write(&self, xml: &mut String) {
        let _ = write!(
            xml,
            "    <testcase name=\"{}\" classname=\"{}\"",
            esc(&self.name),
            esc(&self.classname)
        );
        if self.failures.is_empty() && self.errors.is_empty() && self.out.is_empty() {
            xml.push_str("/>\n");
            return;
        }
        xml.push_str(">\n");
        for (tag, list) in [("failure", &self.failures), ("error", &self.errors)] {
            for (message, kind, body) in list {
                let _ = writeln!(
                    xml,
                    "      <{tag} message=\"{}\" type=\"{}\">{}</{tag}>",
                    esc(message),
                    esc(kind),
                    esc(body)
                );
            }
        }
        if !self.out.is_empty() {
            let _ = writeln!(
                xml,
                "      <system-out>{}</system-out>",
                esc(&self.out.join("\n"))
            );
        }
        xml.push_str("    </testcase>\n");
    }
}

struct Suite {
    name: String,
    cases: Vec<Case>,
}

impl Suite {
    fn tests(&self) -> usize {
        self.cases.len()
    }
    fn failures(&self) -> usize {
        self.cases
            .iter()
            .filter(|c| !c.failures.is_empty() && c.errors.is_empty())
            .count()
    }
    fn errors(&self) -> usize {
        self.cases.iter().filter(|c| !c.errors.is_empty()).count()
    }
}

fn location(f: &Finding) -> String {
    format!("{}:{}:{}", f.file.path, f.start().line, f.start().column)
}

fn rule_suite(rule: &Rule, findings: &[&Finding]) -> Suite {
    let classname = format!("runeguard.{}", rule.id);
    let mut by_file: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in findings {
        by_file.entry(f.file.path.as_str()).or_default().push(f);
    }
    let mut cases = Vec::new();
    for (file, list) in by_file {
        let mut case = Case::new(file, &classname);
        for f in list {
            let mut body = format!("{}: {} [{}]", location(f), f.message, rule.id);
            if !f.resource.is_empty() {
                body.push_str(&format!("\nresource: {}", f.resource));
            }
            if !f.path.is_empty() {
                body.push_str(&format!("\npath: {}", f.path_string()));
            }
            if !rule.remediation.trim().is_empty() {
                body.push_str(&format!("\nremediation: {}", rule.remediation.trim()));
            }
            match &f.suppression {
                None => case
                    .failures
                    .push((f.message.clone(), f.severity.to_string(), body)),
                Some(s) => case.out.push(format!(
                    "suppressed: {}: {} ({})",
                    location(f),
                    f.message,
                    s.justification
                )),
            }
        }
        cases.push(case);
    }
    if cases.is_empty() {
        cases.push(Case::new("no findings", &classname));
    }
    Suite {
        name: format!("{} {}", rule.id, rule.name),
        cases,
    }
}

pub fn render(report: &RunReport) -> String {
    let mut rules: BTreeMap<&str, &Arc<Rule>> = BTreeMap::new();
    for r in report
        .rules
        .iter()
        .chain(report.findings.iter().map(|f| &f.rule))
    {
        rules.entry(r.id.as_str()).or_insert(r);
    }
    let mut findings: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in &report.findings {
        findings.entry(f.rule.id.as_str()).or_default().push(f);
    }
    let mut suites: Vec<Suite> = rules
        .iter()
        .map(|(id, rule)| rule_suite(rule, findings.get(id).map(Vec::as_slice).unwrap_or(&[])))
        .collect();

    if !report.problems.is_empty() {
        let mut cases = Vec::new();
        for p in &report.problems {
            let name = match p.pos {
                Some(pos) => format!("{}:{}:{}", p.file, pos.line, pos.column),
                None => p.file.clone(),
            };
            let mut case = Case::new(&name, "runeguard.input");
            match p.level {
                ProblemLevel::Error => {
                    case.errors
                        .push((p.message.clone(), "error".into(), p.to_string()))
                }
                ProblemLevel::Note => case.out.push(p.to_string()),
            }
            cases.push(case);
        }
        suites.push(Suite {
            name: "runeguard input".into(),
            cases,
        });
    }

    let tests: usize = suites.iter().map(Suite::tests).sum();
    let failures: usize = suites.iter().map(Suite::failures).sum();
    let errors: usize = suites.iter().map(Suite::errors).sum();
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        xml,
        "<testsuites name=\"runeguard\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\">"
    );
    for suite in &suites {
        let _ = writeln!(
            xml,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"0\">",
            esc(&suite.name),
            suite.tests(),
            suite.failures(),
            suite.errors()
        );
        for case in &suite.cases {
            case.write(&mut xml);
        }
        xml.push_str("  </testsuite>\n");
    }
    xml.push_str("</testsuites>\n");
    xml
}
