//! One `runeguard check` run: discover → load → evaluate (in parallel) → whole-project rules →
//! suppressions → a sorted [`RunReport`]. Nothing here knows the command line or output formats.

use crate::finding::Finding;
use crate::input::discover::CandidateKind;
use crate::input::render::{self, Rendered};
use crate::input::{Document, InputType, classify, discover};
use crate::policy::engine::{RuleFailure, RuleInput};
use crate::policy::{Evaluator, Hit, PolicyOptions, PolicySet};
use crate::report::RunReport;
use crate::rule::{Framework, Rule, Scope, Severity};
use crate::source::span::PathSeg;
use crate::source::{Problem, SourceFile, secrets};
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
    pub path_ignores: Vec<suppress::PathIgnore>,
    /// Baseline fingerprints (findings matching them are suppressed as `external`).
    pub baseline: Option<suppress::Baseline>,
    /// Deterministic shard of the file set: (index, count), 1-based index.
    pub shard: Option<(usize, usize)>,
    /// Called with (files done, files total) as the run progresses.
    pub progress: Option<Progress>,
    /// How Helm charts and Kustomize overlays are rendered.
    pub render: crate::input::render::RenderConfig,
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
            render: Default::default(),
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
    kept: Vec<(Document, RuleInput)>,
    documents: usize,
    /// Files holding `runeguard:ignore` comments (to report the ones that suppress nothing).
    directive_files: Vec<Arc<SourceFile>>,
    /// Rendered streams (charts, overlays) whose findings are moved to their origins.
    rendered: Vec<Arc<Rendered>>,
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
        && matches!(node.children, crate::source::span::Children::Leaf)
    {
        let range = node.span.range();
        let key = match path.last() {
            Some(PathSeg::Key(k)) => Some(k.as_str()),
            _ => None,
        };
        doc.file.mark_credential(if key.is_some() {
            secrets::value_of_entry(&doc.file.text, range, key)
        } else {
            range
        });
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
        related: Vec::new(),
    }
}

fn failure_problem(doc: &Document, f: RuleFailure) -> Problem {
    Problem::error(
        &doc.file.path,
        Some(doc.file.pos(doc.span().start)),
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
    evaluate_documents(
        ev,
        loaded.documents,
        doc_rules,
        project_rules,
        opts,
        &mut out,
    );
    out
}

/// Renders a chart or an overlay and checks its stream as Kubernetes YAML. Findings stay on
/// the stream until [`move_to_origins`]; problems met in the stream are moved at once.
fn process_rendered(
    ev: &mut Evaluator,
    c: &discover::Candidate,
    doc_rules: &[Arc<Rule>],
    project_rules: &[Arc<Rule>],
    opts: &CheckOptions,
) -> FileOutcome {
    let mut out = FileOutcome::default();
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let dir = discover::normalize(&c.path, &cwd);
    for (ropts, suffix) in opts
        .render
        .variants_for(&dir, c.kind == CandidateKind::Chart)
    {
        let display = format!("{}{suffix}", c.display);
        let outcome = match c.kind {
            CandidateKind::Overlay => render::render(&c.path, &display, &ropts, true),
            _ => render::render(&c.path, &display, &ropts, false),
        };
        out.problems.extend(outcome.problems);
        let Some(r) = outcome.rendered else {
            continue;
        };
        let r = Arc::new(r);
        let loaded = render::load(&r);
        out.problems.extend(loaded.problems);
        out.documents += loaded.documents.len();
        for f in r.map.files() {
            if f.text.contains("runeguard:ignore")
                && !out.directive_files.iter().any(|d| d.path == f.path)
            {
                out.directive_files.push(f);
            }
        }
        evaluate_documents(
            ev,
            loaded.documents,
            doc_rules,
            project_rules,
            opts,
            &mut out,
        );
        out.rendered.push(r);
    }
    out
}

/// Moves each finding on a rendered stream to the origin a person edits: the values or
/// `--set` line that gave the offending value, or the patch line that set it, else the
/// template or base line; the rest of the chain becomes its related locations.
fn move_to_origins(findings: &mut [Finding], rendered: &[Arc<Rendered>]) {
    for f in findings {
        let Some(r) = rendered.iter().find(|r| Arc::ptr_eq(&r.stream, &f.file)) else {
            continue;
        };
        // A node on one line (`replicas: 1`) takes the origins of all of it, so a value
        // printed from values wins over the literal key; a collection takes its first line's.
        let lines = &f.file.lines;
        let start = f.span.start as usize;
        let end = if lines.line_of(start) == lines.line_of(f.span.end as usize) {
            (f.span.end as usize).max(start + 1)
        } else {
            start + 1
        };
        let origins = r.map.origins(start..end);
        let Some(primary) = origins.first() else {
            continue;
        };
        let mut related: Vec<crate::finding::Related> = origins[1..]
            .iter()
            .map(|o| crate::finding::Related {
                role: o.role.as_str(),
                file: o.file.clone(),
                span: o.span,
            })
            .collect();
        related.push(crate::finding::Related {
            role: "rendered",
            file: f.file.clone(),
            span: f.span,
        });
        // A credential in the stream (flagged by a secret rule) is one where it was written
        // too: the values line, the `--set` argument or the template literal is masked.
        let in_stream = f.span.start as usize..f.span.end.max(f.span.start + 1) as usize;
        let credential = f
            .file
            .redaction()
            .ranges
            .iter()
            .any(|c| c.start < in_stream.end && in_stream.start < c.end);
        f.file = primary.file.clone();
        f.span = precise_span(r, primary, f.span);
        f.related = related;
        if credential {
            let range = f.span.range();
            f.file
                .mark_credential(secrets::value_of_entry(&f.file.text, range, None));
        }
    }
}

/// The span in an origin's file for a finding at `rendered`: literal template or base text
/// maps byte for byte (same line, same columns); anything else is the origin's own span.
fn precise_span(
    r: &Rendered,
    origin: &crate::source::map::Origin,
    rendered: crate::source::span::Span,
) -> crate::source::span::Span {
    let start = rendered.start as usize;
    let Some((seg, _)) = r
        .map
        .overlapping(start..start + 1)
        .iter()
        .find(|(seg, os)| seg.contains(&start) && os.iter().any(|o| std::ptr::eq(o, origin)))
    else {
        return origin.span;
    };
    let seg_text = r.stream.text.get(seg.clone()).unwrap_or("");
    let seg_len = seg_text.trim_end_matches('\n').len();
    let o_len = origin.span.byte_len();
    let o_text = origin.file.text.get(origin.span.range());
    if o_len != seg_len || o_text != Some(&seg_text[..seg_len]) {
        return origin.span;
    }
    let rel_start = start - seg.start;
    let rel_end = (rendered.end as usize)
        .saturating_sub(seg.start)
        .clamp(rel_start, seg_len);
    let a = origin.span.start as usize + rel_start;
    let b = origin.span.start as usize + rel_end;
    let len = origin.file.text.len();
    crate::source::span::Span::new(a.min(len), b.min(len))
}

fn evaluate_documents(
    ev: &mut Evaluator,
    documents: Vec<Document>,
    doc_rules: &[Arc<Rule>],
    project_rules: &[Arc<Rule>],
    opts: &CheckOptions,
    out: &mut FileOutcome,
) {
    for doc in documents {
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
}

/// How long one evaluation of a group of whole-project rules may run (per-document rules get
/// 10 s): their input is every document of the repository.
pub const PROJECT_RULE_TIME_LIMIT: std::time::Duration = std::time::Duration::from_secs(120);

/// Evaluates the whole-project rules over every kept document of their input type, in
/// parallel.
fn run_project_rules(
    set: &PolicySet,
    rules: &[Arc<Rule>],
    docs: &[(Document, RuleInput)],
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
    docs: &[(Document, RuleInput)],
    opts: &CheckOptions,
) -> (Vec<Finding>, Vec<Problem>) {
    let input_type = rule.input;
    let mut findings = Vec::new();
    let mut problems = Vec::new();
    let selected: Vec<&(Document, RuleInput)> = docs
        .iter()
        .filter(|(d, _)| rule.applies_to(d.input_type, &d.subtype))
        .collect();
    if selected.is_empty() {
        return (findings, problems);
    }
    ev.set_time_limit(input_type, PROJECT_RULE_TIME_LIMIT);
    let input = RuleInput::project(selected.iter().map(|(d, v)| (v, d.file.path.as_str())));
    let (hits, failures) = ev.evaluate(&input, &[rule]);
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
        && let Err(e) = crate::source::secrets::configure(c)
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
                    let o = match c.kind {
                        CandidateKind::File => match discover::read(c) {
                            Ok(file) => {
                                process_file(ev, file, c.explicit, &doc_rules, &project_rules, opts)
                            }
                            Err(p) => FileOutcome {
                                problems: vec![p],
                                ..Default::default()
                            },
                        },
                        CandidateKind::Chart | CandidateKind::Overlay => {
                            process_rendered(ev, c, &doc_rules, &project_rules, opts)
                        }
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
    let mut rendered = Vec::new();
    for o in outcomes {
        directive_files.extend(o.directive_files);
        rendered.extend(o.rendered);
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
    move_to_origins(&mut findings, &rendered);
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
    // The same rule on the same node once; a node reached twice through rendering (a base
    // checked as itself and through its overlays, a template line rendered for two objects)
    // is reported once whatever the messages say.
    findings.dedup_by(|a, b| {
        a.rule.id == b.rule.id
            && a.span == b.span
            && a.file.path == b.file.path
            && (a.message == b.message || !a.related.is_empty() || !b.related.is_empty())
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
    let fixed_from_baseline = suppress::apply(
        &mut findings,
        &mut problems,
        &opts.path_ignores,
        opts.baseline.as_ref(),
        &rules,
    );
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
            None => crate::source::secrets::redact_text(&p.message).into_owned(),
        };
        p.message = redacted;
    }
}

/// Loads policies and runs a check.
pub fn check(opts: &CheckOptions) -> RunReport {
    let set = PolicySet::load(&opts.policy);
    check_with(&set, opts)
}
