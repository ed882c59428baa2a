//! One `runeguard check` run: discover → load → evaluate (in parallel) → whole-project rules →
//! suppressions → a sorted [`RunReport`]. Nothing here knows the command line or output formats.

use crate::finding::Finding;
use crate::input::span::PathSeg;
use crate::input::{Document, InputType, Problem, SourceFile, classify, discover};
use crate::policy::engine::RuleFailure;
use crate::policy::{Evaluator, Hit, PolicyOptions, PolicySet};
use crate::report::RunReport;
use crate::rule::{Framework, Rule, Scope, Severity};
use crate::suppress;
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

/// What to check and how.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    pub paths: Vec<PathBuf>,
    /// Text read from standard input, with the name to report it under.
    pub stdin: Option<(String, String)>,
    pub policy: PolicyOptions,
    /// Rule ids, names or id prefixes to keep (empty: all).
    pub select: Vec<String>,
    /// Rule ids, names or id prefixes to drop.
    pub ignore: Vec<String>,
    /// Keep only rules mapped to one of these frameworks (empty: all).
    pub frameworks: Vec<Framework>,
    pub fail_on: Severity,
    /// Worker threads (None: one per core).
    pub jobs: Option<usize>,
    /// Glob patterns of paths not to check.
    pub exclude: Vec<String>,
    /// Per-rule severity overrides (id or name → severity).
    pub severity_overrides: BTreeMap<String, Severity>,
    /// Per-path rule ignores: (glob anchored to an absolute directory, rule selectors, reason).
    pub path_ignores: Vec<(String, Vec<String>, String)>,
    /// Baseline fingerprints (findings matching them are suppressed as `external`).
    pub baseline: Option<suppress::Baseline>,
    /// Deterministic shard of the file set: (index, count), 1-based index.
    pub shard: Option<(usize, usize)>,
    /// Called with (files done, files total) as the run progresses.
    pub progress: Option<Progress>,
}

impl Default for CheckOptions {
    fn default() -> Self {
        CheckOptions {
            paths: vec![PathBuf::from(".")],
            stdin: None,
            policy: PolicyOptions {
                builtin: true,
                ..Default::default()
            },
            select: Vec::new(),
            ignore: Vec::new(),
            frameworks: Vec::new(),
            fail_on: Severity::Low,
            jobs: None,
            exclude: Vec::new(),
            severity_overrides: BTreeMap::new(),
            path_ignores: Vec::new(),
            baseline: None,
            shard: None,
            progress: None,
        }
    }
}

/// A progress callback: (files done, files total).
#[derive(Clone)]
pub struct Progress(pub Arc<dyn Fn(usize, usize) + Send + Sync>);

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Progress")
    }
}

/// The rules a run uses, after `--select`, `--ignore` and `--framework`.
pub fn active_rules(set: &PolicySet, opts: &CheckOptions) -> Vec<Arc<Rule>> {
    set.rules
        .iter()
        .filter(|r| opts.select.is_empty() || opts.select.iter().any(|s| r.matches_selector(s)))
        .filter(|r| !opts.ignore.iter().any(|s| r.matches_selector(s)))
        .filter(|r| {
            opts.frameworks.is_empty()
                || opts
                    .frameworks
                    .iter()
                    .any(|f| r.controls.get(f).is_some_and(|c| !c.is_empty()))
        })
        .cloned()
        .collect()
}

/// What processing one file produced.
#[derive(Default)]
struct FileOutcome {
    findings: Vec<Finding>,
    problems: Vec<Problem>,
    /// Documents kept for whole-project rules, with their engine values.
    kept: Vec<(Document, regorus::Value)>,
    documents: usize,
    /// Files holding `runeguard:ignore` comments (to report the ones that suppress nothing).
    directive_files: Vec<Arc<SourceFile>>,
}

/// Turns a rule's hit on a document into a located finding.
pub fn to_finding(
    hit: Hit,
    doc: &Document,
    path: Vec<PathSeg>,
    overrides: &BTreeMap<String, Severity>,
) -> Finding {
    let resolved = doc.spans.resolve(&path);
    let severity = overrides
        .get(&hit.rule.id)
        .or_else(|| overrides.get(&hit.rule.name))
        .copied()
        .or(hit.severity)
        .unwrap_or(hit.rule.severity);
    let fingerprint = Finding::fingerprint_of(&hit.rule.id, &doc.file.path, &doc.resource, &path);
    // A rule about secrets points at a credential: the file's outputs mask the node's value.
    if hit.rule.secret
        && resolved.exact
        && let Some(node) = doc.spans.get(&path)
        && matches!(node.children, crate::input::span::Children::Leaf)
    {
        doc.file
            .mark_credential(node.span.start.offset..node.span.end.offset);
    }
    Finding {
        rule: hit.rule,
        severity,
        message: hit.message,
        file: doc.file.clone(),
        span: resolved.span,
        path,
        exact: resolved.exact,
        resource: doc.resource.clone(),
        fingerprint,
        suppression: None,
    }
}

fn failure_problem(doc: &Document, f: RuleFailure) -> Problem {
    Problem::error(
        &doc.file.path,
        Some(doc.span().start),
        format!(
            "rule {} ({}) failed on {}: {}",
            f.rule.id, f.rule.name, doc.resource, f.message
        ),
    )
}

fn process_file(
    ev: &mut Evaluator,
    file: Arc<SourceFile>,
    explicit: bool,
    doc_rules: &[Arc<Rule>],
    project_rules: &[Arc<Rule>],
    opts: &CheckOptions,
) -> FileOutcome {
    let mut out = FileOutcome::default();
    let loaded = classify::load(&file, explicit);
    if file.text.contains("runeguard:ignore") {
        out.directive_files.push(file.clone());
    }
    out.problems = loaded.problems;
    out.documents = loaded.documents.len();
    if explicit && loaded.documents.is_empty() && out.problems.is_empty() {
        out.problems.push(Problem::note(
            &file.path,
            None,
            "no rules apply: the file holds no Kubernetes object, schema or configuration document",
        ));
    }
    for doc in loaded.documents {
        let applicable: Vec<&Arc<Rule>> = doc_rules
            .iter()
            .filter(|r| r.applies_to(doc.input_type, &doc.subtype))
            .collect();
        let value = crate::policy::engine::to_rego(&doc.value);
        let (hits, failures) =
            ev.evaluate_document(&value, doc.input_type, &doc.subtype, &applicable);
        out.problems
            .extend(failures.into_iter().map(|f| failure_problem(&doc, f)));
        let first = out.findings.len();
        for hit in hits {
            let path = hit.path.clone();
            out.findings
                .push(to_finding(hit, &doc, path, &opts.severity_overrides));
        }
        if doc.input_type == InputType::Kubernetes {
            suppress::apply_annotations(&doc, &mut out.findings[first..]);
        }
        if project_rules
            .iter()
            .any(|r| r.applies_to(doc.input_type, &doc.subtype))
        {
            // Kept to the end of the run: the engine value serves the rules and the spans
            // locate findings; the document's own value is only read for ignore annotations.
            let mut doc = doc;
            if !suppress::has_ignore_annotations(&doc.value) {
                doc.value = serde_json::Value::Null;
            }
            out.kept.push((doc, value));
        }
    }
    out
}

/// How long one evaluation of a group of whole-project rules may run (per-document rules get
/// 10 s): their input is every document of the repository.
pub const PROJECT_RULE_TIME_LIMIT: std::time::Duration = std::time::Duration::from_secs(120);

/// Evaluates the whole-project rules over every kept document of their input type, in
/// parallel.
fn run_project_rules(
    set: &PolicySet,
    rules: &[Arc<Rule>],
    docs: &[(Document, regorus::Value)],
    opts: &CheckOptions,
) -> (Vec<Finding>, Vec<Problem>) {
    // One task per rule: the nine SQL schema rules, say, would otherwise run one after the
    // other on one core. Their inputs cost no copies (shared values), so each builds its own.
    let outcomes: Vec<(Vec<Finding>, Vec<Problem>)> = rules
        .par_iter()
        .map_init(
            || Evaluator::new(set),
            |ev, rule| run_project_rule(ev, rule, docs, opts),
        )
        .collect();
    let mut findings = Vec::new();
    let mut problems = Vec::new();
    for (f, p) in outcomes {
        findings.extend(f);
        problems.extend(p);
    }
    (findings, problems)
}

/// Runs `f` in the `--jobs` thread pool, if one was made (else in rayon's global pool).
fn in_pool<R: Send>(pool: Option<&rayon::ThreadPool>, f: impl FnOnce() -> R + Send) -> R {
    match pool {
        Some(pool) => pool.install(f),
        None => f(),
    }
}

/// One whole-project rule over the documents it sees.
fn run_project_rule(
    ev: &mut Evaluator,
    rule: &Arc<Rule>,
    docs: &[(Document, regorus::Value)],
    opts: &CheckOptions,
) -> (Vec<Finding>, Vec<Problem>) {
    let input_type = rule.input;
    let mut findings = Vec::new();
    let mut problems = Vec::new();
    let selected: Vec<&(Document, regorus::Value)> = docs
        .iter()
        .filter(|(d, _)| rule.applies_to(d.input_type, &d.subtype))
        .collect();
    if selected.is_empty() {
        return (findings, problems);
    }
    ev.set_time_limit(input_type, PROJECT_RULE_TIME_LIMIT);
    // The documents' values share their contents: this input costs no copies.
    let mut input = BTreeMap::new();
    input.insert(
        regorus::Value::from("documents"),
        regorus::Value::from(selected.iter().map(|(_, v)| v.clone()).collect::<Vec<_>>()),
    );
    input.insert(
        regorus::Value::from("files"),
        regorus::Value::from(
            selected
                .iter()
                .map(|(d, _)| regorus::Value::from(d.file.path.as_str()))
                .collect::<Vec<_>>(),
        ),
    );
    let (hits, failures) = ev.evaluate(&regorus::Value::from(input), &[rule]);
    for f in failures {
        problems.push(Problem::error(
            &f.rule.source,
            None,
            format!(
                "whole-project rule {} ({}) failed: {}",
                f.rule.id, f.rule.name, f.message
            ),
        ));
    }
    for hit in hits {
        let target = match hit.path.as_slice() {
            [PathSeg::Key(k), PathSeg::Index(i), rest @ ..] if k == "documents" => {
                selected.get(*i).map(|d| (*d, rest.to_vec()))
            }
            _ => None,
        };
        match target {
            Some(((doc, _), rest)) => {
                let mut f = [to_finding(hit, doc, rest, &opts.severity_overrides)];
                if doc.input_type == InputType::Kubernetes {
                    suppress::apply_annotations(doc, &mut f);
                }
                findings.extend(f);
            }
            None => problems.push(Problem::error(
                &hit.rule.source,
                None,
                format!(
                    "whole-project rule {} returned a path that does not start with \
                         [\"documents\", <index>]: {:?}",
                    hit.rule.id, hit.path
                ),
            )),
        }
    }
    (findings, problems)
}

/// Runs a check with policies already loaded.
pub fn check_with(set: &PolicySet, opts: &CheckOptions) -> RunReport {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    // Masking reads the credential vocabulary the rules read (`--data` extends both).
    let mut vocabulary_problem = None;
    if let Ok(data) = serde_json::to_value(set.data())
        && let Some(c) = data.pointer("/settings/credentials")
        && let Err(e) = crate::secrets::configure(c)
    {
        vocabulary_problem = Some(Problem::error("--data", None, e));
    }
    let rules = active_rules(set, opts);
    let doc_rules: Vec<Arc<Rule>> = rules
        .iter()
        .filter(|r| r.scope == Scope::Document)
        .cloned()
        .collect();
    let project_rules: Vec<Arc<Rule>> = rules
        .iter()
        .filter(|r| r.scope == Scope::Project)
        .cloned()
        .collect();
    let mut problems: Vec<Problem> = vocabulary_problem.into_iter().collect();

    let mut exclude = globset::GlobSetBuilder::new();
    for pattern in &opts.exclude {
        match globset::Glob::new(pattern) {
            Ok(g) => {
                exclude.add(g);
            }
            Err(e) => problems.push(Problem::error(
                "--exclude",
                None,
                format!("invalid glob {pattern:?}: {e}"),
            )),
        }
    }
    let exclude = exclude
        .build()
        .unwrap_or_else(|_| globset::GlobSet::empty());

    let mut candidates = Vec::new();
    if !opts.paths.is_empty() {
        let (found, walk_problems) = discover::discover(&opts.paths, &exclude, &cwd);
        candidates = found;
        problems.extend(walk_problems);
    }
    if let Some((shard, count)) = opts.shard {
        candidates = crate::shard::select(candidates, shard, count);
    }

    let total = candidates.len() + usize::from(opts.stdin.is_some());
    let done = std::sync::atomic::AtomicUsize::new(0);
    let tick = || {
        let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        if let Some(p) = &opts.progress {
            (p.0)(n, total);
        }
    };

    let run = || {
        let mut outcomes: Vec<FileOutcome> = candidates
            .par_iter()
            .map_init(
                || Evaluator::new(set),
                |ev, c| {
                    let o = match discover::read(c) {
                        Ok(file) => {
                            process_file(ev, file, c.explicit, &doc_rules, &project_rules, opts)
                        }
                        Err(p) => FileOutcome {
                            problems: vec![p],
                            ..Default::default()
                        },
                    };
                    tick();
                    o
                },
            )
            .collect();
        if let Some((name, text)) = &opts.stdin {
            let mut ev = Evaluator::new(set);
            let text = text.strip_prefix('\u{feff}').unwrap_or(text).to_string();
            let file = SourceFile::new(name.clone(), None, text);
            outcomes.push(process_file(
                &mut ev,
                file,
                true,
                &doc_rules,
                &project_rules,
                opts,
            ));
            tick();
        }
        outcomes
    };
    let pool = match opts.jobs {
        Some(n) if n > 0 => rayon::ThreadPoolBuilder::new().num_threads(n).build().ok(),
        _ => None,
    };
    let outcomes = in_pool(pool.as_ref(), run);

    let files = candidates.len() + usize::from(opts.stdin.is_some());
    let mut findings = Vec::new();
    let mut kept = Vec::new();
    let mut documents = 0;
    let mut directive_files = Vec::new();
    for o in outcomes {
        directive_files.extend(o.directive_files);
        findings.extend(o.findings);
        problems.extend(o.problems);
        kept.extend(o.kept);
        documents += o.documents;
    }
    if !project_rules.is_empty() {
        kept.sort_by(|(a, _), (b, _)| (&a.file.path, a.index).cmp(&(&b.file.path, b.index)));
        let (f, p) = in_pool(pool.as_ref(), || {
            run_project_rules(set, &project_rules, &kept, opts)
        });
        findings.extend(f);
        problems.extend(p);
    }
    drop(kept);
    set.warm_cache();
    // Policy problems: loading, and compiling the engines this run used.
    problems.extend(set.problems_all());
    // Directives in files with no finding at all suppress nothing.
    let with_findings: std::collections::BTreeSet<&str> =
        findings.iter().map(|f| f.file.path.as_str()).collect();
    let clean: Vec<Arc<SourceFile>> = directive_files
        .into_iter()
        .filter(|f| !with_findings.contains(f.path.as_str()))
        .collect();
    problems.extend(suppress::unused_in_clean_files(&clean, &rules));

    finish(findings, problems, rules, files, documents, opts)
}

/// Sorts, deduplicates, fingerprints and applies suppressions.
fn finish(
    mut findings: Vec<Finding>,
    mut problems: Vec<Problem>,
    rules: Vec<Arc<Rule>>,
    files: usize,
    documents: usize,
    opts: &CheckOptions,
) -> RunReport {
    findings.sort_by(|a, b| {
        a.sort_key()
            .cmp(&b.sort_key())
            .then_with(|| a.span.end.cmp(&b.span.end))
    });
    findings.dedup_by(|a, b| {
        a.rule.id == b.rule.id
            && a.span == b.span
            && a.message == b.message
            && a.file.path == b.file.path
    });
    // Two findings of one rule on one node: keep fingerprints unique, deterministically.
    let mut seen: HashMap<String, usize> = HashMap::new();
    for f in &mut findings {
        let n = seen.entry(f.fingerprint.clone()).or_insert(0);
        *n += 1;
        if *n > 1 {
            f.fingerprint = format!("{}:{}", f.fingerprint, n);
        }
    }
    let fixed_from_baseline = suppress::apply(&mut findings, &mut problems, opts, &rules);
    redact_messages(&mut findings, &mut problems);
    problems.sort();
    problems.dedup();
    RunReport {
        findings,
        problems,
        rules,
        files,
        documents,
        fail_on: opts.fail_on,
        fixed_from_baseline,
        version: crate::VERSION.to_string(),
    }
}

/// Masks credentials quoted in messages: every finding's message and justification, and every
/// problem's message (through its file's credentials when the file had findings).
fn redact_messages(findings: &mut [Finding], problems: &mut [Problem]) {
    findings.par_iter_mut().for_each(|f| {
        if let std::borrow::Cow::Owned(m) = f.file.redact(&f.message) {
            f.message = m;
        }
        if let Some(s) = &mut f.suppression
            && let std::borrow::Cow::Owned(j) = f.file.redact(&s.justification)
        {
            s.justification = j;
        }
    });
    let files: HashMap<&str, &Arc<SourceFile>> = findings
        .iter()
        .map(|f| (f.file.path.as_str(), &f.file))
        .collect();
    for p in problems.iter_mut() {
        let redacted = match files.get(p.file.as_str()) {
            Some(file) => file.redact(&p.message).into_owned(),
            None => crate::secrets::redact_text(&p.message).into_owned(),
        };
        p.message = redacted;
    }
}

/// Loads policies and runs a check.
pub fn check(opts: &CheckOptions) -> RunReport {
    let set = PolicySet::load(&opts.policy);
    check_with(&set, opts)
}
