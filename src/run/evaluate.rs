//! One file's documents through the per-document rules: located findings, rule failures as
//! problems, and what the rest of the run needs kept (documents for whole-project rules,
//! annotated objects and document lines for the suppression pass).

use super::CheckOptions;
use crate::finding::{Finding, Part};
use crate::input::render::Rendered;
use crate::input::{Document, classify, kubernetes};
use crate::policy::engine::{RuleFailure, RuleInput};
use crate::policy::{Evaluator, Hit};
use crate::rule::{Rule, Scope, Severity};
use crate::source::span::{Children, PathSeg, Span};
use crate::source::{Problem, SourceFile, secrets};
use crate::suppress::{self, AnnotatedDocument, DocumentLines};
use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

/// What every file of a run is checked with: the policies, the per-document rules, the
/// whole-project rules (whose documents are kept), and the run's options. The rules are read
/// from the policies when first asked for: a run finds, reads and renders its inputs while its
/// policies load (see [`super::check_loading`]).
pub(super) struct Pass<'a> {
    policies: &'a super::Policies<'a>,
    /// The active rules, the per-document ones and the whole-project ones.
    rules: OnceLock<Rules>,
    pub opts: &'a CheckOptions,
    /// Evaluators no worker holds now. rayon makes a worker's state for every piece of work
    /// it splits off (`map_init`), often one a document; an evaluator taken from here keeps
    /// its VMs and what they computed once for every document (a policy's constant tables).
    idle: std::sync::Mutex<Vec<Evaluator<'a>>>,
}

/// A worker's evaluator slot, lent by [`Pass::lend`]: its evaluator goes back to the pass's
/// idle ones when the worker's piece of work is done.
pub(super) struct Lent<'p, 'a> {
    slot: Option<Evaluator<'a>>,
    idle: &'p std::sync::Mutex<Vec<Evaluator<'a>>>,
}

impl<'a> std::ops::Deref for Lent<'_, 'a> {
    type Target = Option<Evaluator<'a>>;
    fn deref(&self) -> &Self::Target {
        &self.slot
    }
}

impl std::ops::DerefMut for Lent<'_, '_> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.slot
    }
}

impl Drop for Lent<'_, '_> {
    fn drop(&mut self) {
        if let Some(ev) = self.slot.take()
            && let Ok(mut idle) = self.idle.lock()
        {
            idle.push(ev);
        }
    }
}

struct Rules {
    all: Vec<Arc<Rule>>,
    document: Vec<Arc<Rule>>,
    project: Vec<Arc<Rule>>,
}

impl<'a> Pass<'a> {
    pub fn new(policies: &'a super::Policies<'a>, opts: &'a CheckOptions) -> Self {
        Pass {
            policies,
            rules: OnceLock::new(),
            opts,
            idle: Default::default(),
        }
    }

    /// A worker's evaluator slot: an idle evaluator if there is one, else empty (made by
    /// [`Pass::evaluator`] when first needed).
    pub fn lend(&self) -> Lent<'_, 'a> {
        Lent {
            slot: self.idle.lock().ok().and_then(|mut idle| idle.pop()),
            idle: &self.idle,
        }
    }

    fn rules(&self) -> &Rules {
        self.rules.get_or_init(|| {
            let all = super::active_rules(self.policies.get(), self.opts);
            let of = |scope| all.iter().filter(|r| r.scope == scope).cloned().collect();
            Rules {
                document: of(Scope::Document),
                project: of(Scope::Project),
                all,
            }
        })
    }

    pub fn doc_rules(&self) -> &[Arc<Rule>] {
        &self.rules().document
    }

    pub fn project_rules(&self) -> &[Arc<Rule>] {
        &self.rules().project
    }

    /// The active rules, for the report.
    pub fn into_rules(self) -> Vec<Arc<Rule>> {
        self.rules();
        self.rules.into_inner().map(|r| r.all).unwrap_or_default()
    }

    /// A worker's evaluator, made when it first has documents to evaluate (waiting for the
    /// policies if they are still loading).
    pub fn evaluator<'e>(&self, slot: &'e mut Option<Evaluator<'a>>) -> &'e mut Evaluator<'a> {
        slot.get_or_insert_with(|| Evaluator::new(self.policies.get()))
    }
}

/// What processing one file (or one chart or overlay) produced.
#[derive(Default)]
pub(super) struct FileOutcome {
    pub findings: Vec<Finding>,
    pub problems: Vec<Problem>,
    /// Documents kept for whole-project rules, with their engine values.
    pub kept: Vec<(Document, RuleInput)>,
    pub documents: usize,
    /// Files holding `runeguard:ignore` comments, and the lines of their documents.
    pub directive_files: Vec<Arc<SourceFile>>,
    pub document_lines: DocumentLines,
    /// Kubernetes objects with ignore annotations.
    pub annotated: Vec<AnnotatedDocument>,
    /// Rendered streams (charts, overlays) whose findings are moved to their origins.
    pub rendered: Vec<Arc<Rendered>>,
    /// The files an overlay's builds read (normalized): what it checked of the walk.
    pub read: Vec<std::path::PathBuf>,
    /// The values of the file's Secrets: credentials masked wherever another file of the run
    /// repeats them, although the Secret's own file may have no finding to show.
    pub credentials: Vec<String>,
}

impl FileOutcome {
    /// Records the values of the Secrets among `documents` as credentials of every output,
    /// whichever rules run.
    fn mark_secret_values<'d>(&mut self, documents: impl Iterator<Item = &'d Document>) {
        for d in documents {
            let marked = secrets::mark_secret_data(&d.file, &d.value, &d.spans);
            self.credentials
                .extend(crate::source::one_line(&d.file.text, &marked.ranges).map(str::to_string));
            self.credentials.extend(marked.plaintexts);
        }
    }
}

/// Whether a secret rule's hit in an example or template file (`.env.example`,
/// `config.example.toml`) is on a documentation placeholder (`postgres://user:pass@…`,
/// `SMTP_PASSWORD=password`): the string at the hit's node, judged by
/// [`secrets::example_placeholder`]. A hit on anything but a string is kept.
fn example_placeholder(doc: &Document, hit: &Hit) -> bool {
    let mut value = &doc.value;
    for seg in &hit.path {
        value = match seg {
            PathSeg::Key(k) => match value.get(k) {
                Some(v) => v,
                None => return false,
            },
            PathSeg::Index(i) => match value.get(*i) {
                Some(v) => v,
                None => return false,
            },
        };
    }
    value
        .as_str()
        .is_some_and(|s| secrets::example_placeholder(s, hit.part))
}

/// Turns a rule's hit on a document into a located finding.
pub(super) fn to_finding(
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
    // A node reached through a YAML alias or merge key (`<<: *common`) is written at its
    // anchor: the finding points there, where a person changes it, and the alias site of the
    // object using it is related (each object's, once findings from one line are merged).
    let origin = resolved
        .exact
        .then(|| doc.spans.get(&path).and_then(|n| n.origin))
        .flatten();
    // A node a Compose service inherits from a service of another file (`extends: {file:
    // base.yml}`) is written in that file: the finding is there.
    // Several files may be taken in at one line (nginx's `include conf.d/*.conf`, Mosquitto's
    // `include_dir`): the node's file is the one whose text at its origin writes its key.
    let origin_file = origin
        .and_then(|o| {
            let mut at_site = doc
                .extended
                .iter()
                .filter(|e| e.site == resolved.span)
                .map(|e| e.file_of(o));
            let first = at_site.clone().next()?;
            Some(
                at_site
                    .find(|f| writes_key_at(f, o, &path))
                    .unwrap_or(first),
            )
        })
        .unwrap_or(&doc.file);
    // A rule about secrets points at a credential: the file's outputs mask the node's value.
    if hit.rule.secret
        && resolved.exact
        && let Some(node) = doc.spans.get(&path)
        && matches!(node.children, crate::source::span::Children::Leaf)
    {
        let range = origin.unwrap_or(node.span).range();
        let key = match path.last() {
            Some(PathSeg::Key(k)) => Some(k.as_str()),
            _ => None,
        };
        origin_file.mark_credential(if key.is_some() {
            secrets::value_of_entry(&origin_file.text, range, key)
        } else {
            range
        });
    }
    let (span, related) = match origin {
        Some(origin) => (
            origin,
            vec![crate::finding::Related {
                role: "alias",
                file: doc.file.clone(),
                span: resolved.span,
            }],
        ),
        None => substituted_origin(doc, resolved, hit.rule.secret),
    };
    let part = if Arc::ptr_eq(origin_file, &doc.file) {
        finding_part(doc, &path, hit.part)
    } else {
        None
    };
    Finding {
        rule: hit.rule,
        severity,
        message: hit.message,
        file: origin_file.clone(),
        span,
        path,
        found: resolved.found,
        part,
        resource: doc.resource.clone(),
        fingerprint,
        suppression: None,
        related,
    }
}

/// A finding on the entry of a file checked as it is (not a rendered stream) whose part lies
/// on a line of the literal block scalar the entry holds (K8S-035 and K8S-036 on a Secret's or
/// ConfigMap's embedded `app.yaml: |` file, at its first credential setting) points at that
/// line, from its first character to the end of the part, as CFG-016 points at the setting
/// and as the finding does in a rendered chart (session fid37); the entry's key is related
/// (role `entry`), and a suppression comment there still applies (session cfg37).
pub(super) fn point_into_literal_blocks(findings: &mut [Finding], rendered: &[Arc<Rendered>]) {
    for f in findings {
        let Some(part) = f.part else {
            continue;
        };
        if rendered.iter().any(|r| Arc::ptr_eq(&r.stream, &f.file)) {
            continue;
        }
        let lines = &f.file.lines;
        let text = f.file.text.as_str();
        let (start, end) = (part.text.start as usize, part.text.end as usize);
        if lines.line_of(part.scalar.start as usize) == lines.line_of(part.scalar.end as usize)
            || lines.line_of(start) == lines.line_of(f.span.start as usize)
            || !(part.scalar.start..part.scalar.end).contains(&f.span.start)
            || start < part.scalar.start as usize
            || end > part.scalar.end as usize
            || end > text.len()
        {
            continue;
        }
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let lead = text[line_start..start].len() - text[line_start..start].trim_start().len();
        let entry = f.span;
        f.span = Span::new(line_start + lead, end);
        f.related.push(crate::finding::Related {
            role: "entry",
            file: f.file.clone(),
            span: entry,
        });
    }
}

/// What a finding on the node at `path` is about, when a rendered input may have written it
/// in several pieces: the characters `[a, b)` a rule named of the string there, else the
/// value of a map entry (`privileged: true`, a Secret's `password: <base64>`), whose key a
/// chart may print from another value (`{{ .Values.passwordKey }}: {{ .Values.password |
/// b64enc }}`).
fn finding_part(doc: &Document, path: &[PathSeg], chars: Option<(usize, usize)>) -> Option<Part> {
    let node = doc.spans.get(path)?;
    if !matches!(node.children, crate::source::span::Children::Leaf) {
        return None;
    }
    let mut value = &doc.value;
    for seg in path {
        value = match seg {
            PathSeg::Key(k) => value.get(k)?,
            PathSeg::Index(i) => value.get(*i)?,
        };
    }
    let text = match value {
        serde_json::Value::String(s) => std::borrow::Cow::Borrowed(s.as_str()),
        serde_json::Value::Bool(_) | serde_json::Value::Number(_) if chars.is_none() => {
            std::borrow::Cow::Owned(value.to_string())
        }
        _ => return None,
    };
    let s = text.as_ref();
    // A map entry's span holds its key: the scalar is the end of it, written as the string
    // itself (plain, or quoted with no escape), else the finding is about the whole node.
    let raw = doc.file.text.get(node.span.range())?;
    let quoted = |q: char| {
        raw.strip_suffix(q)
            .and_then(|r| r.strip_suffix(s))
            .and_then(|r| r.strip_suffix(q))
            .map(|r| r.len() + 1)
    };
    let offset = quoted('"')
        .or_else(|| quoted('\''))
        .or_else(|| raw.strip_suffix(s).map(str::len));
    let Some(offset) = offset else {
        // A literal block scalar (`app.yml: |` and the file's lines): the characters a rule
        // named on one of its lines (an embedded file's credential setting).
        // Without characters named, the whole string when it is one line (a Secret's
        // base64 text): the line that wrote it.
        let chars = chars.unwrap_or((0, s.chars().count()));
        return literal_block_part(raw, node.span.start as usize, s, chars);
    };
    let start = node.span.start as usize + offset;
    let scalar = Span::new(start, start + s.len());
    let Some((a, b)) = chars else {
        let entry = matches!(path.last(), Some(PathSeg::Key(_)));
        return entry.then_some(Part {
            text: scalar,
            scalar: node.span,
        });
    };
    let byte = |c: usize| {
        s.char_indices()
            .map(|(i, _)| i)
            .chain(std::iter::once(s.len()))
            .nth(c)
    };
    Some(Part {
        text: Span::new(start + byte(a)?, start + byte(b)?),
        scalar,
    })
}

/// The characters `[a, b)` of `s`, the string of the literal block scalar that ends the
/// entry `raw` (at `base` in its file): where they are written, when they lie on one line
/// of the string and that line is written as it is (the block's indentation, then the
/// line). `scalar` is the whole entry, its key's line to the block's last (session fid37).
fn literal_block_part(raw: &str, base: usize, s: &str, (a, b): (usize, usize)) -> Option<Part> {
    let nl = raw.find('\n')?;
    let header = raw[..nl].split(" #").next().unwrap_or("").trim_end();
    let indicator = header.rsplit([' ', '\t']).next()?.strip_prefix('|')?;
    if indicator.len() > 2
        || !indicator
            .chars()
            .all(|c| matches!(c, '-' | '+' | '1'..='9'))
    {
        return None;
    }
    let body = &raw[nl + 1..];
    let indent = body
        .lines()
        .find(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start_matches(' ').len())?;
    let byte = |c: usize| {
        s.char_indices()
            .map(|(i, _)| i)
            .chain(std::iter::once(s.len()))
            .nth(c)
    };
    let (ba, bb) = (byte(a)?, byte(b)?);
    let line_start = s[..ba].rfind('\n').map_or(0, |i| i + 1);
    let line_end = s[ba..].find('\n').map_or(s.len(), |i| ba + i);
    if bb > line_end {
        return None;
    }
    // The string's line n is the block's line n (a literal scalar keeps every line break).
    let mut at = 0;
    for _ in 0..memchr::memchr_iter(b'\n', &s.as_bytes()[..ba]).count() {
        at += body[at..].find('\n')? + 1;
    }
    let written_end = body[at..].find('\n').map_or(body.len(), |i| at + i);
    if body[at..written_end].get(indent..)? != &s[line_start..line_end] {
        return None;
    }
    let line_at = base + nl + 1 + at + indent;
    Some(Part {
        text: Span::new(line_at + (ba - line_start), line_at + (bb - line_start)),
        scalar: Span::new(base, base + raw.len()),
    })
}

/// A finding on a value written elsewhere in the file (an OpenShift Template parameter's
/// `value:`) points there, where a person changes it, the line using it related; a string
/// mixing text and parameters keeps the use line, the parameters' lines related.
fn substituted_origin(
    doc: &Document,
    resolved: crate::source::span::Resolved,
    secret: bool,
) -> (crate::source::span::Span, Vec<crate::finding::Related>) {
    let Some(s) = doc
        .substituted
        .iter()
        .find(|s| resolved.exact && s.used == resolved.span)
    else {
        return (resolved.span, Vec::new());
    };
    let related = |role, span| crate::finding::Related {
        role,
        file: doc.file.clone(),
        span,
    };
    if s.whole
        && let [from] = s.from.as_slice()
    {
        // The credential is where the parameter writes it.
        if secret {
            doc.file.mark_credential(secrets::value_of_entry(
                &doc.file.text,
                from.range(),
                Some("value"),
            ));
        }
        return (*from, vec![related("template", s.used)]);
    }
    let from = s.from.iter().map(|f| related("values", *f)).collect();
    (resolved.span, from)
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

/// The lines of each statement of a SQL document, which a comment alone above it heads as it
/// heads a YAML document: `-- runeguard:ignore SQL-004 -- reason` above a `CREATE POLICY`
/// covers the `USING (true)` lines below, where the finding points.
fn statement_lines<'d>(
    file: &'d SourceFile,
    d: &'d Document,
) -> impl Iterator<Item = (u32, u32)> + 'd {
    let collections = match (&d.input_type, &d.spans.children) {
        (crate::input::InputType::Postgres, Children::Map(c)) => c.as_slice(),
        _ => &[],
    };
    collections
        .iter()
        .flat_map(|(_, c)| match &c.children {
            Children::Seq(items) => items.iter().collect::<Vec<_>>(),
            Children::Map(items) => items.iter().map(|(_, t)| t).collect(),
            Children::Leaf => Vec::new(),
        })
        .map(|t| (file.pos(t.span.start).line, file.pos(t.span.end).line))
}

pub(super) fn process_file<'a>(
    ev: &mut Option<Evaluator<'a>>,
    file: Arc<SourceFile>,
    explicit: bool,
    pass: &Pass<'a>,
) -> FileOutcome {
    let mut out = FileOutcome::default();
    let mut loaded = classify::load(&file, explicit);
    kubernetes::mark_unused_patch_fragments(&file, &mut loaded, &pass.opts.cwd);
    if suppress::has_directives(&file.text) {
        out.directive_files.push(file.clone());
        let lines = loaded
            .documents
            .iter()
            .map(|d| (file.pos(d.span().start).line, file.pos(d.span().end).line))
            .chain(
                loaded
                    .documents
                    .iter()
                    .flat_map(|d| statement_lines(&file, d)),
            )
            .collect();
        out.document_lines.insert(file.path.clone(), lines);
    }
    // A Secret's content is a credential to every output, whichever rules run (a rendered
    // stream's Secrets are marked as it loads, with the lines they were written on).
    out.mark_secret_values(
        loaded
            .documents
            .iter()
            .filter(|d| d.input_type == crate::input::InputType::Kubernetes),
    );
    out.problems = loaded.problems;
    out.documents = loaded.documents.len();
    if explicit && loaded.documents.is_empty() && out.problems.is_empty() {
        out.problems.push(Problem::note(
            &file.path,
            None,
            "no rules apply: the file holds no Kubernetes object, schema or configuration document",
        ));
    }
    evaluate_documents(ev, loaded.documents, pass, &mut out);
    out
}

/// The patch documents an overlay's build did not apply because the objects they name may be
/// an unfetched remote resource's (`render::UnappliedPatches`: `argocd-cm` and
/// `argocd-secret` patched over Argo CD's `install.yaml` from GitHub): no object of the
/// stream holds them, yet a literal credential written in one (`clientSecret` in
/// `oidc.config`, `stringData`) is in the repository all the same. Each is read from its own
/// file as [`kubernetes::mark_unused_patch_fragments`] reads a fragment: by the credential
/// rules only, at its own lines, its Secret values masked in every output. The build's note
/// at the patch says so.
pub(super) fn evaluate_unapplied_patches<'a>(
    ev: &mut Option<Evaluator<'a>>,
    unapplied: crate::input::render::Unapplied,
    pass: &Pass<'a>,
    out: &mut FileOutcome,
) {
    // The ConfigMaps and Secrets generated to merge into such an object: their stream's
    // documents, by the credential rules only; findings move to the generators' lines as a
    // rendered stream's do.
    if let Some(r) = unapplied.objects {
        let r = Arc::new(r);
        let mut documents = crate::input::render::load(&r).documents;
        for d in &mut documents {
            d.fragment = true;
        }
        out.mark_secret_values(documents.iter());
        out.documents += documents.len();
        evaluate_documents(ev, documents, pass, out);
        out.rendered.push(r);
    }
    for (file, offsets) in &unapplied.patches {
        // A patch written inline in the kustomization (`patch: |`) is read from its block
        // scalar, at the kustomization's lines.
        let inline = std::path::Path::new(&file.path)
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| crate::input::render::roots::KUSTOMIZATION_FILES.contains(&n));
        let mut documents: Vec<Document> = if inline {
            let mut docs: Vec<Document> = Vec::new();
            for &at in offsets {
                for d in crate::input::embedded_file::block_objects(file, at, |f| {
                    classify::load(f, false)
                }) {
                    if !docs.iter().any(|o| o.span() == d.span()) {
                        docs.push(d);
                    }
                }
            }
            docs
        } else {
            classify::load(file, false)
                .documents
                .into_iter()
                .filter(|d| {
                    d.input_type == crate::input::InputType::Kubernetes && !d.embedded && {
                        let s = d.span();
                        let (start, end) = (s.start as usize, s.end as usize);
                        offsets
                            .iter()
                            .any(|&at| start <= at && at < end.max(start + 1))
                    }
                })
                .collect()
        };
        if documents.is_empty() {
            continue;
        }
        for d in &mut documents {
            d.fragment = true;
        }
        out.mark_secret_values(documents.iter());
        if suppress::has_directives(&file.text)
            && !out.directive_files.iter().any(|f| f.path == file.path)
        {
            out.directive_files.push(file.clone());
            let lines: Vec<(u32, u32)> = documents
                .iter()
                .map(|d| (file.pos(d.span().start).line, file.pos(d.span().end).line))
                .collect();
            out.document_lines
                .entry(file.path.clone())
                .or_default()
                .extend(lines);
        }
        out.documents += documents.len();
        evaluate_documents(ev, documents, pass, out);
    }
}

/// From this many documents, a file's documents (a rendered chart's objects) are evaluated
/// on the worker threads: a one-chart run otherwise evaluates them all on one core.
const PARALLEL_DOCUMENTS: usize = 4;

pub(super) fn evaluate_documents<'a>(
    ev: &mut Option<Evaluator<'a>>,
    documents: Vec<Document>,
    pass: &Pass<'a>,
    out: &mut FileOutcome,
) {
    if documents.is_empty() {
        return;
    }
    if documents.len() < PARALLEL_DOCUMENTS || rayon::current_num_threads() < 2 {
        let ev = pass.evaluator(ev);
        for doc in documents {
            evaluate_document(ev, doc, pass, out);
        }
        return;
    }
    use rayon::prelude::*;
    // Each worker evaluates with its own engines; the results are put back in the
    // documents' order, as one thread would have given them.
    let parts: Vec<FileOutcome> = documents
        .into_par_iter()
        .map_init(
            || pass.lend(),
            |slot, doc| {
                let mut part = FileOutcome::default();
                evaluate_document(pass.evaluator(slot), doc, pass, &mut part);
                part
            },
        )
        .collect();
    for part in parts {
        out.problems.extend(part.problems);
        out.findings.extend(part.findings);
        out.annotated.extend(part.annotated);
        out.kept.extend(part.kept);
    }
}

/// One document through the rules that apply to it.
fn evaluate_document(ev: &mut Evaluator, doc: Document, pass: &Pass, out: &mut FileOutcome) {
    // A patch fragment no overlay applies is read for its credentials only.
    let applicable: Vec<&Arc<Rule>> = pass
        .doc_rules()
        .iter()
        .filter(|r| r.applies_to(doc.input_type, &doc.subtype) && (!doc.fragment || r.secret))
        .collect();
    let value = crate::policy::engine::to_rego(&doc.value);
    let (hits, failures) = ev.evaluate_document(&value, doc.input_type, &doc.subtype, &applicable);
    out.problems
        .extend(failures.into_iter().map(|f| failure_problem(&doc, f)));
    let example = secrets::example_file(&doc.file.path);
    for hit in hits {
        if example && hit.rule.secret && example_placeholder(&doc, &hit) {
            continue;
        }
        let path = hit.path.clone();
        out.findings
            .push(to_finding(hit, &doc, path, &pass.opts.severity_overrides));
    }
    // The document's own value is read only by ignore annotations, in the suppression
    // pass; the engine value serves the rules and the spans locate findings.
    let mut doc = doc;
    // a Liquibase changelog (`databaseChangeLog:`) orders the migrations it includes
    // (`migrations::liquibase_order`): kept with its value for the schema rules
    let changelog = (doc.input_type != crate::input::InputType::Postgres
        && doc.value.get("databaseChangeLog").is_some())
    .then(|| doc.value.clone());
    out.annotated.extend(AnnotatedDocument::take(&mut doc));
    if let Some(changelog) = changelog {
        doc.value = changelog;
        out.kept.push((doc, value));
    } else if !doc.fragment
        && pass
            .project_rules()
            .iter()
            .any(|r| r.applies_to(doc.input_type, &doc.subtype))
    {
        // a schema's value is read once more before the project rules: the tables each
        // migration leaves for the catalog loops of later ones (`project::read_after_earlier`)
        if doc.input_type != crate::input::InputType::Postgres {
            doc.value = serde_json::Value::Null;
        }
        out.kept.push((doc, value));
    }
}

/// Whether `file`'s text at `origin` writes the last key of `path` (a node taken in from
/// one of several files at one line is told apart by it).
fn writes_key_at(file: &SourceFile, origin: crate::source::span::Span, path: &[PathSeg]) -> bool {
    let Some(text) = file.text.get(origin.range()) else {
        return false;
    };
    match path.iter().rev().find_map(|s| match s {
        PathSeg::Key(k) => Some(k),
        PathSeg::Index(_) => None,
    }) {
        Some(k) => text.contains(k.as_str()),
        None => true,
    }
}
