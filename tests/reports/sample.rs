//! A run report built by hand for the report tests: findings exact and not, suppressed,
//! secret-bearing (masked in snippets), on lines with non-ASCII text and in a path that needs
//! percent-encoding; problems with and without a position; a rule without findings; and small
//! control catalogs, so snapshots do not move when the real catalogs grow.

#![allow(dead_code)]

use runeguard::compliance::{Catalog, ComplianceSummary, Control, summarize_with};
use runeguard::finding::{Finding, Suppression, SuppressionKind};
use runeguard::input::InputType;
use runeguard::report::RunReport;
use runeguard::rule::{Framework, Origin, Rule, Scope, Severity};
use runeguard::source::span::{PathSeg, Span};
use runeguard::source::{Problem, SourceFile};
use std::collections::BTreeMap;
use std::sync::Arc;

pub const K8S_PATH: &str = "deploy/web app/déploiement.yaml";
pub const SQL_PATH: &str = "db/roles.sql";

/// Secret values in the sample files: no report may print them.
pub const SECRETS: [&str; 3] = ["s3cr3t", "hunter2", "tok-9f8e"];

pub const K8S_TEXT: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: café
  namespace: boutique
  annotations:
    note/ünïcode: \"✓ ok\"
spec:
  template:
    spec:
      containers:
        - name: web
          image: nginx:1.27
          securityContext:
            privileged: true
          env:
            - name: DB_PASSWORD
              value: \"s3cr3t-ü\"
            - name: API_TOKEN
              value: |
                tok-9f8e
        - name: sidecar # runeguard:ignore K8S-001 -- the CNI plugin needs it
          image: proxy:2
          securityContext:
            privileged: true
";

pub const SQL_TEXT: &str = "\
-- roles for the shop
CREATE ROLE app LOGIN PASSWORD 'hunter2''s';
ALTER TABLE users ENABLE ROW LEVEL SECURITY;
";

fn controls(pairs: &[(Framework, &[&str])]) -> BTreeMap<Framework, Vec<String>> {
    pairs
        .iter()
        .map(|(f, ids)| (*f, ids.iter().map(|s| s.to_string()).collect()))
        .collect()
}

#[allow(clippy::too_many_arguments)]
pub fn rule(
    id: &str,
    name: &str,
    title: &str,
    severity: Severity,
    input: InputType,
    ctl: &[(Framework, &[&str])],
    origin: Origin,
) -> Arc<Rule> {
    let stem = name.replace('-', "_");
    Arc::new(Rule {
        id: id.into(),
        name: name.into(),
        title: title.into(),
        description: format!("Flags {}.", title.to_lowercase()),
        severity,
        input,
        kinds: Vec::new(),
        scope: Scope::Document,
        controls: controls(ctl),
        rationale: format!("Why {name} matters, in one sentence."),
        remediation: format!("How to fix {name}: set the `field` right."),
        related: vec![format!("https://example.com/docs/{name}")],
        package: format!("runeguard.{}.{stem}", input.as_str()),
        source: format!("policies/{}/{stem}.rego", input.as_str()),
        origin,
        secret: false,
    })
}

pub struct Sample {
    pub k8s: Arc<SourceFile>,
    pub sql: Arc<SourceFile>,
    pub rules: BTreeMap<&'static str, Arc<Rule>>,
}

impl Sample {
    pub fn new() -> Self {
        use Framework::*;
        let k8s = SourceFile::new(K8S_PATH.into(), None, K8S_TEXT.into());
        let sql = SourceFile::new(SQL_PATH.into(), None, SQL_TEXT.into());
        let b = Origin::Builtin;
        let kube = InputType::Kubernetes;
        let rules: BTreeMap<&'static str, Arc<Rule>> = [
            rule(
                "K8S-001",
                "privileged-container",
                "Containers must not run privileged",
                Severity::Critical,
                kube,
                &[
                    (Nist80053, &["AC-6", "CM-7"]),
                    (NistCsf2, &["PR.AA-05"]),
                    (Soc2, &["CC6.1", "CC6.3"]),
                    (ZeroTrust, &["ZT-6"]),
                    (CisKubernetes, &["5.2.2"]),
                ],
                b.clone(),
            ),
            rule(
                "K8S-002",
                "privilege-escalation-allowed",
                "Containers must not allow privilege escalation",
                Severity::High,
                kube,
                &[
                    (Nist80053, &["AC-6(10)"]),
                    (NistCsf2, &["PR.AA-05"]),
                    (Soc2, &["CC6.3"]),
                    (ZeroTrust, &["ZT-6"]),
                ],
                b.clone(),
            ),
            rule(
                "K8S-008",
                "host-network",
                "Pods must not use the host network",
                Severity::High,
                kube,
                &[
                    (Nist80053, &["SC-7", "AC-4"]),
                    (NistCsf2, &["PR.IR-01"]),
                    (Soc2, &["CC6.6"]),
                    (ZeroTrust, &["ZT-2"]),
                ],
                b.clone(),
            ),
            rule(
                "K8S-017",
                "hardcoded-secret-in-env",
                "Secrets must not be literal env values",
                Severity::High,
                kube,
                &[
                    (Nist80053, &["IA-5", "SC-28"]),
                    (NistCsf2, &["PR.AA-01", "PR.DS-01"]),
                    (Soc2, &["CC6.1"]),
                ],
                b.clone(),
            ),
            rule(
                "SQL-010",
                "literal-role-password",
                "Role passwords must not be literals",
                Severity::Critical,
                InputType::Postgres,
                &[
                    (Nist80053, &["IA-5"]),
                    (NistCsf2, &["PR.AA-01"]),
                    (Soc2, &["CC6.1"]),
                ],
                b.clone(),
            ),
            rule(
                "ORG-001",
                "annotation-check",
                "Annotations follow the house style",
                Severity::Medium,
                kube,
                &[(ZeroTrust, &["ZT-7"])],
                Origin::User,
            ),
        ]
        .into_iter()
        .map(|r| (leak(&r.id), r))
        .collect();
        Sample { k8s, sql, rules }
    }

    /// A span from 1-based (line, column) to (line, column), end exclusive.
    pub fn span(file: &SourceFile, start: (u32, usize), end: (u32, usize)) -> Span {
        Span::new(
            file.lines
                .offset_at_line_col(&file.text, start.0, start.1 - 1),
            file.lines.offset_at_line_col(&file.text, end.0, end.1 - 1),
        )
    }

    #[allow(clippy::too_many_arguments)]
    pub fn finding(
        &self,
        rule: &str,
        file: &Arc<SourceFile>,
        start: (u32, usize),
        end: (u32, usize),
        message: &str,
        path: &[PathSeg],
        exact: bool,
        resource: &str,
    ) -> Finding {
        let rule = self.rules[rule].clone();
        Finding {
            severity: rule.severity,
            fingerprint: Finding::fingerprint_of(&rule.id, &file.path, resource, path),
            rule,
            message: message.into(),
            file: file.clone(),
            span: Self::span(file, start, end),
            path: path.to_vec(),
            found: if exact { path.len() } else { path.len() - 1 },
            part: None,
            resource: resource.into(),
            suppression: None,
            related: Vec::new(),
        }
    }

    pub fn findings(&self) -> Vec<Finding> {
        let k = |s: &str| PathSeg::Key(s.into());
        let i = PathSeg::Index;
        let container = |n| vec![k("spec"), k("template"), k("spec"), k("containers"), i(n)];
        let with = |mut p: Vec<PathSeg>, tail: &[&str]| {
            p.extend(tail.iter().map(|s| k(s)));
            p
        };
        let dep = "Deployment boutique/café";
        let mut out = vec![
            self.finding("ORG-001", &self.k8s, (7, 19), (7, 25), "Deployment boutique/café has a non-ASCII annotation value", &[k("metadata"), k("annotations"), k("note/ünïcode")], true, dep),
            self.finding("K8S-002", &self.k8s, (14, 11), (14, 27), "Deployment boutique/café, container \"web\" allows privilege escalation", &with(container(0), &["securityContext", "allowPrivilegeEscalation"]), false, dep),
            self.finding("K8S-001", &self.k8s, (15, 13), (15, 29), "Deployment boutique/café, container \"web\" runs privileged", &with(container(0), &["securityContext", "privileged"]), true, dep),
            self.finding("K8S-017", &self.k8s, (18, 15), (18, 32), "Deployment boutique/café, container \"web\" sets env var \"DB_PASSWORD\" to a literal value", &with(container(0), &["env"]).into_iter().chain([i(0), k("value")]).collect::<Vec<_>>(), true, dep),
            self.finding("K8S-017", &self.k8s, (20, 15), (21, 25), "Deployment boutique/café, container \"web\" sets env var \"API_TOKEN\" to a literal value", &with(container(0), &["env"]).into_iter().chain([i(1), k("value")]).collect::<Vec<_>>(), true, dep),
            self.finding("K8S-001", &self.k8s, (25, 13), (25, 29), "Deployment boutique/café, container \"sidecar\" runs privileged", &with(container(1), &["securityContext", "privileged"]), true, dep),
            self.finding("SQL-010", &self.sql, (2, 1), (2, 44), "role app is created with a literal password", &[k("roles"), k("app")], true, "role app"),
        ];
        out[5].suppression = Some(Suppression {
            kind: SuppressionKind::InSource,
            justification: "the CNI plugin needs it".into(),
            origin: format!("{K8S_PATH}:22"),
        });
        out.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        out
    }

    pub fn problems(&self) -> Vec<Problem> {
        let mut p = vec![
            Problem::error(
                "config/broken.yaml",
                Some(pos(3, 7)),
                "could not parse YAML: mapping values are not allowed in this context",
            ),
            Problem::error(
                "gone.yaml",
                None,
                "cannot read: No such file or directory (os error 2)",
            ),
            Problem::note(
                SQL_PATH,
                Some(pos(3, 1)),
                "runeguard:ignore SQL-005 suppresses nothing; remove it",
            ),
        ];
        p.sort();
        p
    }

    pub fn report(&self) -> RunReport {
        RunReport {
            findings: self.findings(),
            problems: self.problems(),
            rules: self.rules.values().cloned().collect(),
            files: 4,
            documents: 2,
            fail_on: Severity::Low,
            fixed_from_baseline: 1,
            version: "0.0.0-test".into(),
        }
    }

    /// A report with nothing found and nothing wrong.
    pub fn clean_report(&self) -> RunReport {
        RunReport {
            findings: Vec::new(),
            problems: Vec::new(),
            ..self.report()
        }
    }
}

fn pos(line: u32, column: u32) -> runeguard::source::span::Pos {
    runeguard::source::span::Pos { line, column }
}

fn leak(s: &str) -> &'static str {
    Box::leak(s.to_string().into_boxed_str())
}

/// Small catalogs: NIST 800-53 and SOC 2 subsets, the seven zero-trust tenets; no CSF catalog
/// (a missing catalog must still be summarised).
pub fn catalogs() -> BTreeMap<Framework, Catalog> {
    let cat = |framework, title: &'static str, controls: &[(&'static str, &'static str)]| Catalog {
        framework,
        title,
        source: None,
        controls: controls
            .iter()
            .map(|&(id, title)| Control {
                id,
                title,
                oscal_id: None,
                group: None,
                baselines: &[],
            })
            .collect(),
        withdrawn: Default::default(),
        catalog: None,
    };
    [
        cat(Framework::Nist80053, "NIST SP 800-53 rev5 (test subset)", &[
            ("AC-4", "Information Flow Enforcement"),
            ("AC-6", "Least Privilege"),
            ("AC-6(10)", "Least Privilege | Prohibit Non-privileged Users from Executing Privileged Functions"),
            ("CM-7", "Least Functionality"),
            ("IA-5", "Authenticator Management"),
            ("SC-7", "Boundary Protection"),
            ("SC-28", "Protection of Information at Rest"),
            ("SI-4", "System Monitoring"),
        ]),
        cat(Framework::Soc2, "SOC 2 (test subset)", &[
            ("CC6.1", "Logical access security software, infrastructure and architectures"),
            ("CC6.3", "Role-based access and least privilege"),
            ("CC6.6", "Logical access security measures against threats from outside the system boundaries"),
        ]),
        cat(Framework::ZeroTrust, "Zero trust tenets", &[
            ("ZT-1", "All data sources and computing services are resources"),
            ("ZT-2", "All communication is secured regardless of network location"),
            ("ZT-3", "Access to resources is granted per session"),
            ("ZT-4", "Access is determined by dynamic policy"),
            ("ZT-5", "The enterprise monitors the integrity and security posture of all assets"),
            ("ZT-6", "Authentication and authorization are dynamic and strictly enforced"),
            ("ZT-7", "The enterprise collects information to improve its security posture"),
        ]),
    ]
    .into_iter()
    .map(|c| (c.framework, c))
    .collect()
}

pub fn compliance(report: &RunReport) -> ComplianceSummary {
    summarize_with(&report.rules, &report.findings, &catalogs())
}
