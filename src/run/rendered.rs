//! Charts and overlays: rendered, their stream checked as Kubernetes YAML like any manifest,
//! then each finding moved to the line a person edits (values, `--set`, patch, template).

use super::evaluate::{FileOutcome, Pass, evaluate_documents};
use crate::finding::Finding;
use crate::input::Document;
use crate::input::discover::{self, CandidateKind};
use crate::input::render::helm::NodeBlock;
use crate::input::render::{self, Rendered};
use crate::policy::Evaluator;
use crate::source::ProblemLevel;
use crate::source::SourceFile;
use crate::source::map::OriginRole;
use crate::source::secrets;
use crate::suppress::{self, DocumentLines};
use std::sync::Arc;

/// Renders a chart or an overlay and checks its stream as Kubernetes YAML. Findings stay on
/// the stream until [`move_to_origins`]; problems met in the stream are moved at once.
pub(super) fn process_rendered<'a>(
    ev: &mut Option<Evaluator<'a>>,
    c: &discover::Candidate,
    pass: &Pass<'a>,
) -> FileOutcome {
    let mut out = FileOutcome::default();
    let dir = discover::normalize(&c.path, &pass.opts.cwd);
    let groups = pass
        .opts
        .render
        .renderings_for(&dir, c.kind == CandidateKind::Chart);
    // Values files beside the chart's `values.yaml` (an environment's) are not read by Helm
    // unless given: say so, or the chart would look checked as it deploys there.
    if c.kind == CandidateKind::Chart {
        let used: Vec<std::path::PathBuf> = groups
            .iter()
            .flatten()
            .flat_map(|v| v.values_files.iter().cloned())
            .collect();
        for f in render::unused_values_files(&dir, &used) {
            let name = f.file_name().unwrap_or_default().to_string_lossy();
            let shown = render::join_display(&c.display, &name);
            out.problems.push(crate::source::Problem::note(
                &shown,
                None,
                format!("values the chart was not checked with (Helm reads only values.yaml): `--values {shown}`, or `values:` in a `render:` entry of .runeguard.yaml, checks it with them"),
            ));
        }
    }
    for variants in groups {
        render_group(ev, c, &dir, variants, pass, &mut out);
    }
    out
}

/// One group of renderings of a chart or overlay ([`render::RenderConfig::renderings_for`]):
/// the rendering of its settings, then those with each `ci/*.yaml`.
fn render_group<'a>(
    ev: &mut Option<Evaluator<'a>>,
    c: &discover::Candidate,
    dir: &std::path::Path,
    variants: Vec<render::RenderOptions>,
    pass: &Pass<'a>,
    out: &mut FileOutcome,
) {
    // With `ci/*.yaml` renderings, the default one's errors wait for theirs: a chart whose
    // defaults ask for values (`required`) has its test values in `ci/`, and chart-testing
    // renders such a chart with those only.
    let with_ci = variants.len() > 1;
    let mut default_errors = Vec::new();
    let mut ci_rendered = false;
    for (i, ropts) in variants.into_iter().enumerate() {
        let outcome = match c.kind {
            CandidateKind::Overlay => {
                let (outcome, read, unapplied) =
                    render::render_overlay(&c.path, &c.display, &ropts);
                let cwd = &pass.opts.cwd;
                out.read
                    .extend(read.iter().map(|p| discover::normalize(p, cwd)));
                super::evaluate::evaluate_unapplied_patches(ev, unapplied, pass, out);
                outcome
            }
            _ => render::render(&c.path, &c.display, &ropts, false),
        };
        if with_ci && i == 0 {
            default_errors = outcome.problems;
        } else if !with_ci
            && c.kind == CandidateKind::Chart
            && outcome.problems.iter().any(not_rendered)
            && !render::ci_values_files(dir).is_empty()
        {
            // Not asked to use them: say that the chart's test values exist.
            let mut problems = outcome.problems;
            for p in problems.iter_mut().filter(|p| not_rendered(p)) {
                p.message.push_str(" (the chart has ci/*.yaml test values: `--helm-ci-values` checks it with them)");
            }
            out.problems.extend(problems);
        } else {
            ci_rendered |= i > 0
                && outcome.rendered.is_some()
                && !outcome
                    .problems
                    .iter()
                    .any(|p| p.level == ProblemLevel::Error);
            out.problems.extend(outcome.problems);
        }
        let Some(r) = outcome.rendered else {
            continue;
        };
        let r = Arc::new(r);
        let loaded = render::load(&r);
        out.problems.extend(loaded.problems);
        out.documents += loaded.documents.len();
        for f in r.map.files() {
            if suppress::has_directives(&f.text)
                && !out.directive_files.iter().any(|d| d.path == f.path)
            {
                out.directive_files.push(f);
            }
        }
        if !out.directive_files.is_empty() {
            origin_document_lines(&r, &loaded.documents, &mut out.document_lines);
        }
        evaluate_documents(ev, loaded.documents, pass, out);
        out.rendered.push(r);
    }
    if ci_rendered {
        for p in &mut default_errors {
            if p.level == ProblemLevel::Error {
                p.level = ProblemLevel::Note;
                p.message = format!(
                    "with the chart's default values: {}; it is checked with its ci/*.yaml values instead, as chart-testing checks a chart that has them",
                    p.message
                );
            }
        }
    }
    out.problems.extend(default_errors);
}

/// For each kept document, whether it goes to the namespace chosen at install time (a Helm
/// chart's object rendered without a namespace given: see `render::in_install_namespace`).
pub(super) fn install_namespaced(
    kept: &[(Document, crate::policy::engine::RuleInput)],
    rendered: &[Arc<Rendered>],
) -> Vec<bool> {
    kept.iter()
        .map(|(d, _)| {
            rendered
                .iter()
                .find(|r| Arc::ptr_eq(&r.stream, &d.file))
                .is_some_and(|r| render::in_install_namespace(r, &d.spans))
        })
        .collect()
}

/// Moves each finding on a rendered stream to the origin a person edits: the values or
/// `--set` line that gave the offending value, or the patch line that set it, else the
/// template or base line; the rest of the chain becomes its related locations.
pub(super) fn move_to_origins(findings: &mut [Finding], rendered: &[Arc<Rendered>]) {
    // A template node's block, read once for all the findings on fields missing from it.
    let mut blocks = NodeBlocks::default();
    for f in findings {
        let Some(r) = rendered.iter().find(|r| Arc::ptr_eq(&r.stream, &f.file)) else {
            continue;
        };
        // A node on one line (`replicas: 1`) takes the origins of all of it, so a value
        // printed from values wins over the literal key; a collection takes its first line's.
        // A finding on a missing field is on its nearest ancestor, a collection even when its
        // span is one line (a container's `- name: {{ .Values.name }}`): its first byte's
        // origins, so it points at the template's line, not at the values line of the name.
        let lines = &f.file.lines;
        let start = f.span.start as usize;
        let end = if f.exact() && lines.line_of(start) == lines.line_of(f.span.end as usize) {
            (f.span.end as usize).max(start + 1)
        } else {
            start + 1
        };
        // A field missing from a map a values file gave whole (`securityContext:` then `{{
        // toYaml .Values.securityContext | nindent 12 }}`): that map's values line, where a
        // person adds the field; the template's key line is related.
        let values_map = (!f.exact())
            .then(|| values_map_origin(r, &f.file.text, start, &f.path))
            .flatten();
        // A field a block skipped for an empty value (`{{- with .Values.podSecurityContext }}`
        // over `securityContext:`, with `podSecurityContext: {}`): that value's line, where a
        // person sets it, and the condition.
        let skipped = (!f.exact() && values_map.is_none())
            .then(|| skipped_block(r, f, start, &mut blocks))
            .flatten();
        let mut origins = r.map.origins(start..end);
        // Where in the stream the primary origin is looked for, byte for byte.
        let mut focus = f.span;
        // The part of a one-line node the finding is about, printed apart: its origins first.
        if let Some(part) = f.part.filter(|p| {
            lines.line_of(p.scalar.start as usize) == lines.line_of(p.scalar.end as usize)
        }) && let Some(first) = part_origins(r, part, start)
        {
            origins.retain(|o| {
                !first
                    .iter()
                    .any(|p| Arc::ptr_eq(&p.file, &o.file) && p.span == o.span)
            });
            origins.splice(0..0, first);
            focus = part.text;
        }
        // A part on one line of a block scalar (the credential setting of an embedded
        // configuration file a chart printed from a values map, `toYaml` or `tpl` of it, or
        // read from a chart file): where that text is written first when a person wrote it
        // there (a values or `--set` entry holding it, a chart file's or a template's literal
        // line), not the key holding the whole file (session fid37).
        let block_part = f
            .part
            .filter(|p| {
                lines.line_of(p.scalar.start as usize) != lines.line_of(p.scalar.end as usize)
            })
            .and_then(|part| {
                let mut line = r.map.origins(part.text.range());
                // A line a chart file printed through `tpl` has the values the file prints
                // as its parts: the one whose values entry holds the part's text wrote it.
                let text = f.file.text.get(part.text.range()).unwrap_or("");
                let wrote: Vec<usize> = (0..line.len())
                    .filter(|&i| {
                        line[i].role == OriginRole::ValuesPart
                            && !text.is_empty()
                            && line[i]
                                .file
                                .text
                                .get(line[i].span.range())
                                .is_some_and(|t| t.contains(text))
                    })
                    .collect();
                if let [one] = wrote[..] {
                    let o = line.remove(one);
                    line.insert(0, o);
                }
                let first = *line.first()?;
                let written = match first.role {
                    OriginRole::Values | OriginRole::Set | OriginRole::ValuesPart => true,
                    OriginRole::Template => first
                        .file
                        .text
                        .get(first.span.range())
                        .is_some_and(|t| !t.contains("{{")),
                    _ => false,
                };
                // The value an action computed (`static-auth-secret={{ include "x.secret"
                // . }}` of a helper's `randAlphaNum`, a `lookup`), on a line whose setting a
                // template writes as text just before the action: that action, where a person
                // sees the setting (session fid38).
                let at = written
                    .then(|| written_at(first, text))
                    .flatten()
                    .or_else(|| setting_action(&line, &f.file.text, part.text.start as usize))?;
                Some((at, line, part.text))
            });
        if let Some((at, line, text)) = &block_part {
            origins.retain(|o| {
                !line
                    .iter()
                    .any(|p| Arc::ptr_eq(&p.file, &o.file) && p.span == o.span)
            });
            origins.splice(0..0, line.iter().skip(1).copied());
            origins.insert(0, at);
            focus = *text;
        }
        // The value of a finding's entry that a chart file printed through `tpl` and then
        // encoded (a Secret's `password.conf: {{ tpl (.Files.Get …) . | b64enc }}`): the
        // values the file prints are related, after the template line (session fid37).
        if let Some(part) = f.part {
            for o in r.map.origins(part.text.range()) {
                if o.role == OriginRole::ValuesPart
                    && !origins
                        .iter()
                        .any(|x| Arc::ptr_eq(&x.file, &o.file) && x.span == o.span)
                {
                    origins.push(o);
                }
            }
        }
        // A finding on a whole list element (a container, a volume) points where the element
        // starts in its file, as it does when that file is checked by itself, not at the key
        // printed first (the stream's keys are sorted).
        if let Some(element) = r
            .map
            .node_at(start)
            .filter(|_| on_element(&f.path, &f.file.text, start))
        {
            origins.retain(|o| !(Arc::ptr_eq(&o.file, &element.file) && o.span == element.span));
            origins.insert(0, element);
        }
        if let Some(o) = &values_map {
            origins.insert(0, o);
        }
        if let Some(s) = &skipped {
            origins.insert(0, &s.condition);
            if let Some(o) = &s.set_at {
                origins.insert(0, o);
            }
        }
        // A credential in the stream (flagged by a secret rule) is one where it was written
        // too: the values line, the `--set` argument or the template literal is masked.
        let in_stream = f.span.start as usize..f.span.end.max(f.span.start + 1) as usize;
        let stream = f.file.clone();
        let stream_redaction = stream.redaction();
        let mut credentials: Vec<&str> = stream_redaction
            .ranges
            .iter()
            .filter(|c| c.start < in_stream.end && in_stream.start < c.end)
            .filter_map(|c| stream.text.get(c.clone()))
            .collect();
        // The part of the node the finding is about, inside a masked range wider than it (an
        // embedded file's setting value, in the block scalar another secret rule flagged
        // whole): that value is the credential where the finding points; the block's other
        // lines (the setting's own `password:` line among them) are not (session fid38; the
        // line was masked whole, key and all).
        if let Some(part) = f.part.filter(|p| p.text.byte_len() > 0)
            && let Some(value) = stream.text.get(part.text.range())
            && stream_redaction.ranges.iter().any(|c| {
                c.start <= part.text.start as usize
                    && part.text.end as usize <= c.end
                    && c.end - c.start > value.len()
            })
        {
            credentials = vec![value];
        }
        let credential = !credentials.is_empty();
        // A place inside a subchart archive is no line of the repository: the folder chart's
        // values entry that overrides it, or its `dependencies` entry, is (a credential stays
        // where it was written, which is masked there).
        let outside = origins
            .first()
            .filter(|_| !credential)
            .and_then(|o| r.chart_values.as_ref()?.outside_archives(o));
        if let Some(o) = &outside {
            // The terminal shows the parent chart's line only: say where inside the archive.
            if let Some(inside) = origins.first() {
                let line = inside.file.lines.line_of(inside.span.start as usize);
                f.message.push_str(&format!(
                    " (inside the archive: {}:{line})",
                    inside.file.path
                ));
            }
            origins.insert(0, o);
        }
        // Template text written because a value switched it on (`{{- if .Values.hostNetwork
        // }}` over `hostNetwork: true`): the text stays the finding's place, the values line
        // that turned it on (and the condition) come next in its chain.
        let switch = origins
            .first()
            .filter(|o| o.role == OriginRole::Template)
            .and_then(|o| {
                let values = r.chart_values.as_ref()?;
                values.switched_on(&o.file, o.span.start as usize)
            });
        // Text a partial printed inside its own `if` on values (kubernetes-replicator's
        // `roleName` helper printing `{{ "cluster-admin" }}` when `grantClusterAdmin` is on):
        // the condition and its values line are related too, after the primary (session
        // fid34).
        let switch = switch.or_else(|| {
            let first = origins.first().filter(|o| o.role == OriginRole::Template)?;
            let values = r.chart_values.as_ref()?;
            origins[1..]
                .iter()
                .filter(|o| o.role == OriginRole::Template && !Arc::ptr_eq(&o.file, &first.file))
                .find_map(|o| values.switched_on_in_define(&o.file, o.span.start as usize))
        });
        if let Some(s) = &switch {
            let at = 1.min(origins.len());
            origins.insert(at, &s.condition);
            for o in s.set_at.iter().rev() {
                origins.insert(at, o);
            }
        }
        let Some(primary) = origins.first() else {
            continue;
        };
        // One related location per line of a file and role: a line that is an action and
        // literal text (`replicas: {{ .Values.n }}`) has an origin for each part, the same
        // place to a reader (and none repeats the primary's line).
        let line_of = |o: &crate::source::map::Origin| o.file.lines.line_of(o.span.start as usize);
        let mut seen = vec![(
            primary.role.as_str(),
            Arc::as_ptr(&primary.file),
            line_of(primary),
        )];
        let mut related: Vec<crate::finding::Related> = origins[1..]
            .iter()
            .filter(|o| {
                let key = (o.role.as_str(), Arc::as_ptr(&o.file), line_of(o));
                let new = !seen.contains(&key);
                seen.push(key);
                new
            })
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
        f.file = primary.file.clone();
        f.span = render::precise_span(r, primary, focus);
        f.related = related;
        if credential {
            let range = f.span.range();
            let text = &f.file.text;
            let at = range.start.min(text.len());
            let to = range.end.clamp(at, text.len());
            let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
            let line_end = text[to..].find('\n').map_or(text.len(), |i| to + i);
            let before = &text[line_start..at];
            let in_action = text[at..].starts_with("{{")
                || before
                    .rfind("{{")
                    .is_some_and(|o| !before[o..].contains("}}"));
            // The credential as a template's lines hold it (a literal inside an action, or
            // beside the part of the line the finding points at): each occurrence is masked.
            let mut found = false;
            let template = matches!(primary.role, crate::source::map::OriginRole::Template);
            for c in credentials.iter().filter(|_| template) {
                for line in c.lines().map(str::trim) {
                    let unquoted = line
                        .strip_prefix('"')
                        .and_then(|l| l.strip_suffix('"'))
                        .or_else(|| line.strip_prefix('\'').and_then(|l| l.strip_suffix('\'')))
                        .unwrap_or(line);
                    if unquoted.len() < 4 {
                        continue;
                    }
                    let hay = &text[line_start..line_end];
                    for (i, _) in hay.match_indices(unquoted) {
                        let s = line_start + i;
                        f.file.mark_credential(s..s + unquoted.len());
                        found = true;
                    }
                }
            }
            // A template action that printed a credential it does not hold (`{{ $v | b64enc
            // }}`) is template code: not masked. Any other origin is the place it was
            // written (the values line of a value transformed on its way, a `--set`): its value.
            if !found && !in_action {
                f.file
                    .mark_credential(secrets::value_of_entry(text, range, None));
            }
        }
    }
}

/// The origins of the part a finding is about (the image tag a rule named, a map entry's
/// value), best first, when the line was put together from several places (repository and
/// tag printed by two actions or by one `printf`, a key and its value from two values) and
/// the part's best origin is a place a person writes it: a values, `--set` or patch line, or
/// the line of the node's own key (`key_at`: a template's `default "latest"`), not a
/// partial's line that every caller shares. None when one piece printed the part with the
/// rest of the line: the finding is about the whole of it.
fn part_origins(
    r: &Rendered,
    part: crate::finding::Part,
    key_at: usize,
) -> Option<Vec<&crate::source::map::Origin>> {
    if part.text.byte_len() == 0 {
        return None;
    }
    let pieces = r.map.overlapping(part.text.range());
    let whole = pieces
        .first()
        .is_some_and(|(s, _)| s.start <= part.scalar.start as usize)
        && pieces
            .last()
            .is_some_and(|(s, _)| s.end >= part.scalar.end as usize);
    if whole {
        return None;
    }
    let mut first = r.map.origins(part.text.range());
    // A part one of the values an action combined printed: that value's line, ahead of the
    // action.
    let user = |o: &&crate::source::map::Origin| {
        matches!(
            o.role,
            OriginRole::Values | OriginRole::Set | OriginRole::Patch
        )
    };
    let combined: Vec<usize> = (0..first.len())
        .filter(|&i| first[i].role == OriginRole::ValuesPart)
        .collect();
    if let [one] = combined[..]
        && !first.iter().any(user)
    {
        let o = first.remove(one);
        first.insert(0, o);
    }
    let line_of = |o: &crate::source::map::Origin| o.file.lines.line_of(o.span.start as usize);
    let best = first.first()?;
    // A template action that wrote the part into a map (`set $image "tag" (default
    // .Chart.AppVersion $image.tag)` in a helper, session fid33) is where it is decided, as a
    // template's own `default` on the node's key line is.
    let set_action = || {
        best.role == OriginRole::Template
            && best
                .file
                .text
                .get(best.span.range())
                .is_some_and(|t| t.starts_with("{{") && t.contains(" set "))
    };
    let written = user(best)
        || best.role == OriginRole::ValuesPart
        || set_action()
        || r.map
            .origins(key_at..key_at + 1)
            .iter()
            .any(|k| Arc::ptr_eq(&k.file, &best.file) && line_of(k) == line_of(best));
    written.then_some(first)
}

/// Where `text` is written inside the origin `o` (its only occurrence): the origin itself
/// when it is on the entry's own line (`password: x`, the key's column as for any value),
/// else from the start of the line holding it (a setting inside a values string written as
/// a block scalar). None when the origin does not hold it once.
fn written_at(o: &crate::source::map::Origin, text: &str) -> Option<crate::source::map::Origin> {
    if text.is_empty() {
        return None;
    }
    // A values entry's line walked back from a string it holds (`config:` above
    // `app.yml: |` and its lines): the entry as written, its lines indented deeper.
    let span = match o.role {
        OriginRole::Values | OriginRole::ValuesPart
            if !o.file.text.get(o.span.range())?.contains(text) =>
        {
            entry_block(&o.file.text, o.span.start as usize)
        }
        _ => o.span.range(),
    };
    let o = &crate::source::map::Origin {
        role: o.role,
        file: o.file.clone(),
        span: crate::source::span::Span::new(span.start, span.end),
    };
    let t = o.file.text.get(o.span.range())?;
    let i = t.find(text)?;
    if t[i + text.len()..].contains(text) {
        return None;
    }
    if !t[..i].contains('\n') {
        return Some(o.clone());
    }
    let line_start = t[..i].rfind('\n').map_or(0, |n| n + 1);
    let lead = t[line_start..i].len() - t[line_start..i].trim_start().len();
    let start = o.span.start as usize;
    Some(crate::source::map::Origin {
        role: o.role,
        file: o.file.clone(),
        span: crate::source::span::Span::new(start + line_start + lead, start + i + text.len()),
    })
}

/// Among the origins of a part on a line of a block scalar, the template action that printed
/// it on a template line writing, as text just before the action, what the stream's line
/// holds before the part (`static-auth-secret=`, `password: "`): a setting's name, at least
/// two characters. None when no template line writes it so.
fn setting_action(
    line: &[&crate::source::map::Origin],
    stream: &str,
    part_at: usize,
) -> Option<crate::source::map::Origin> {
    let at = part_at.min(stream.len());
    let line_start = stream[..at].rfind('\n').map_or(0, |i| i + 1);
    let prefix = stream[line_start..at].trim_start();
    if prefix.trim().len() < 2 {
        return None;
    }
    line.iter().find_map(|o| {
        if o.role != OriginRole::Template {
            return None;
        }
        let text = &o.file.text;
        let start = (o.span.start as usize).min(text.len());
        let own_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let own_end = text[own_start..]
            .find('\n')
            .map_or(text.len(), |i| own_start + i);
        let own = &text[own_start..own_end];
        let lead = own.len() - own.trim_start().len();
        let rest = own[lead..].strip_prefix(prefix)?;
        if !rest.starts_with("{{") {
            return None;
        }
        let action = own_start + lead + prefix.len();
        let close = rest.find("}}")? + 2;
        Some(crate::source::map::Origin {
            role: OriginRole::Template,
            file: o.file.clone(),
            span: crate::source::span::Span::new(action, action + close),
        })
    })
}

/// The lines of the values entry whose key line holds `at`: that line and the lines after
/// it indented deeper (or blank).
fn entry_block(text: &str, at: usize) -> std::ops::Range<usize> {
    let start = text[..at.min(text.len())].rfind('\n').map_or(0, |i| i + 1);
    let first_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let indent = text[start..first_end].len() - text[start..first_end].trim_start().len();
    let mut end = (first_end + 1).min(text.len());
    for l in text[end..].split_inclusive('\n') {
        let body = l.trim_end_matches(['\n', '\r']);
        if !(body.trim().is_empty() || body.len() - body.trim_start().len() > indent) {
            break;
        }
        end += l.len();
    }
    start..end.min(text.len())
}

/// For a finding on a field missing from a chart's node: the `with`/`if` block of the node's
/// template that would have written the field's first missing key, skipped because the value
/// it tests is empty.
type NodeBlocks = std::collections::HashMap<(*const SourceFile, usize, bool), NodeBlock>;

fn skipped_block(
    r: &Rendered,
    f: &Finding,
    start: usize,
    blocks: &mut NodeBlocks,
) -> Option<render::helm::Skipped> {
    use crate::source::span::PathSeg;
    let values = r.chart_values.as_ref()?;
    let PathSeg::Key(key) = f.path.get(f.found)? else {
        return None;
    };
    let element = matches!(f.path.get(f.found.checked_sub(1)?)?, PathSeg::Index(_));
    // Where the node was written: a list element's own line, else its key's first byte.
    let template = |o: &&crate::source::map::Origin| o.role == OriginRole::Template;
    let written = match r.map.node_at(start).filter(|_| element) {
        Some(o) => Some(o).filter(template)?,
        None => r.map.origins(start..start + 1).into_iter().find(template)?,
    };
    let at = written.span.start as usize;
    let block = blocks
        .entry((Arc::as_ptr(&written.file), at, element))
        .or_insert_with(|| NodeBlock::read(&written.file.text, at, element));
    values.skipped(&written.file, block, key)
}

/// For the node whose key is at `key_at` in the stream (a finding's nearest ancestor of a
/// missing field): when its value was printed from a values file (its first byte's best
/// origin a values line, as toYaml prints a values map), the values line that holds it: the
/// entry itself for a value on one line (`resources: {}`), else the parent entry of the first
/// child's line (`securityContext:` above `runAsNonRoot: true`).
fn values_map_origin(
    r: &Rendered,
    stream: &str,
    key_at: usize,
    path: &[crate::source::span::PathSeg],
) -> Option<crate::source::map::Origin> {
    // The node is an entry of the finding's path, above its missing field (not the document,
    // whose first key a finding on a missing top-level field is at).
    let line_end = stream[key_at..]
        .find('\n')
        .map_or(stream.len(), |i| key_at + i);
    let key = stream[key_at..line_end]
        .split(": ")
        .next()
        .unwrap_or("")
        .trim_end_matches(':')
        .trim_matches(['"', '\'']);
    let (_, above) = path.split_last()?;
    if !above
        .iter()
        .any(|s| matches!(s, crate::source::span::PathSeg::Key(k) if k == key))
    {
        return None;
    }
    let (at, block) = value_start(stream, key_at)?;
    // Best first: a line toYaml printed from values has the values line before the action;
    // a template's literal (`runAsNonRoot: {{ … }}`) has only the template.
    let origins = r.map.origins(at..at + 1);
    let first = origins.first().filter(|o| o.role == OriginRole::Values)?;
    if !block {
        return Some((*first).clone());
    }
    let text = &first.file.text;
    let start = (first.span.start as usize).min(text.len());
    let span = parent_entry(text, start)?;
    Some(crate::source::map::Origin {
        role: OriginRole::Values,
        file: first.file.clone(),
        span,
    })
}

/// Where the value of the entry whose key starts at `key_at` begins, and whether it is a block
/// (entries or items on the lines below) rather than a value on one line (`{}`, a scalar).
fn value_start(stream: &str, key_at: usize) -> Option<(usize, bool)> {
    let line_start = stream[..key_at].rfind('\n').map_or(0, |i| i + 1);
    // A list element (`- name: web`, a container lacking a field) is a collection the
    // template wrote, whatever printed its first entry's value.
    if stream[line_start..key_at].trim_end().ends_with('-') || stream[key_at..].starts_with("- ") {
        return None;
    }
    let line_end = stream[key_at..]
        .find('\n')
        .map_or(stream.len(), |i| key_at + i);
    let line = &stream[key_at..line_end];
    let colon = line
        .match_indices(':')
        .map(|(i, _)| i)
        .find(|&i| line[i + 1..].is_empty() || line[i + 1..].starts_with([' ', '\t']))?;
    let rest = &line[colon + 1..];
    let trimmed = rest.trim_start();
    if !trimmed.is_empty() && !trimmed.starts_with('#') {
        return Some((line_end - rest.len() + (rest.len() - trimmed.len()), false));
    }
    let indent = key_at - line_start;
    let mut at = line_end + 1;
    while at < stream.len() {
        let end = stream[at..].find('\n').map_or(stream.len(), |i| at + i);
        let l = &stream[at..end];
        let body = l.trim_start();
        if body.is_empty() || body.starts_with('#') {
            at = end + 1;
            continue;
        }
        let own = l.len() - body.len();
        // A sequence may sit at its key's indentation (`key:` then `- a`).
        if own < indent || (own == indent && !body.starts_with("- ")) {
            return None;
        }
        let flow = body.starts_with(['{', '[']);
        return Some((at + own, !flow));
    }
    None
}

/// The span of the entry that holds the node starting at `at` in a YAML text: the first line
/// above it indented less (blank and comment lines skipped), from its first character to the
/// end of its text. A node after other text on its line (`- name:`) is measured from that
/// line's first character.
fn parent_entry(text: &str, at: usize) -> Option<crate::source::span::Span> {
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let before = &text[line_start..at];
    let lead = before.len() - before.trim_start().len();
    if !before.trim_start().chars().all(|c| c == '-' || c == ' ') {
        return None;
    }
    let mut end = line_start;
    while end > 0 {
        let start = text[..end - 1].rfind('\n').map_or(0, |i| i + 1);
        let l = &text[start..end - 1];
        let body = l.trim_start();
        let own = l.len() - body.len();
        if !body.is_empty() && !body.starts_with('#') && own < lead {
            let content = body.trim_end();
            let a = start + own;
            return Some(crate::source::span::Span::new(a, a + content.len()));
        }
        end = start;
    }
    None
}

/// A template that did not render (an error of the chart's rendering, not of its stream).
fn not_rendered(p: &crate::source::Problem) -> bool {
    p.level == ProblemLevel::Error && p.message.starts_with("cannot render template")
}

/// Whether a finding at `start` of the stream, where a list element starts, is on the element
/// itself rather than on its first key: a rule's path names the element's first printed key
/// (`containers/0/image`, or `containers/0/env/1` while `env` exists without element 1) only
/// when that key is what the finding found.
fn on_element(path: &[crate::source::span::PathSeg], stream: &str, start: usize) -> bool {
    use crate::source::span::PathSeg;
    let Some(first) = path.iter().position(|s| matches!(s, PathSeg::Index(_))) else {
        return false;
    };
    let here = stream.get(start..).unwrap_or("");
    let names = |k: &str| {
        let quoted = serde_json::to_string(k).unwrap_or_default();
        [k, quoted.as_str()]
            .iter()
            .any(|form| here.strip_prefix(form).is_some_and(|r| r.starts_with(':')))
    };
    !path[first + 1..]
        .iter()
        .any(|s| matches!(s, PathSeg::Key(k) if names(k)))
}

/// The lines of each template, values or patch file holding directives that each rendered
/// document came from: a document's span in the stream, moved through the source map.
fn origin_document_lines(r: &Rendered, documents: &[Document], out: &mut DocumentLines) {
    for d in documents {
        let span = d.span();
        let mut per_file: Vec<(&str, u32, u32)> = Vec::new();
        for (_, origins) in r.map.overlapping(span.range()) {
            for o in origins
                .iter()
                .filter(|o| suppress::has_directives(&o.file.text))
            {
                let (a, b) = (o.file.pos(o.span.start).line, o.file.pos(o.span.end).line);
                match per_file.iter_mut().find(|(p, _, _)| *p == o.file.path) {
                    Some(entry) => {
                        entry.1 = entry.1.min(a);
                        entry.2 = entry.2.max(b);
                    }
                    None => per_file.push((&o.file.path, a, b)),
                }
            }
        }
        for (path, a, b) in per_file {
            out.entry(path.to_string()).or_default().push((a, b));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{parent_entry, value_start};

    #[test]
    fn a_value_starts_on_its_line_or_below() {
        let s = "a:\n  securityContext:\n    # note\n\n    runAsNonRoot: true\n  b: {}\n  c:\n  - x\n  d:\n  e: 1\n  - name: web\n";
        let at = |needle: &str| s.find(needle).unwrap();
        // Entries below, past a comment and a blank line: a block.
        assert_eq!(
            value_start(s, at("securityContext")),
            Some((at("runAsNonRoot"), true))
        );
        // On its line: not a block.
        assert_eq!(value_start(s, at("b: {}")), Some((at("{}"), false)));
        // A sequence at its key's indentation.
        assert_eq!(value_start(s, at("c:")), Some((at("- x"), true)));
        // Nothing below but a sibling: no value.
        assert_eq!(value_start(s, at("d:")), None);
        // A list element is the template's collection.
        assert_eq!(value_start(s, at("name: web")), None);
    }

    #[test]
    fn a_nodes_parent_entry_is_the_first_line_above_indented_less() {
        let v = "podSecurityContext: {}\nsecurityContext:\n  # capabilities:\n  #   drop: [ALL]\n\n  runAsNonRoot: true\ntolerations:\n  - key: a\n    value: b\n";
        let text = |s: crate::source::span::Span| &v[s.range()];
        let at = |needle: &str| v.find(needle).unwrap();
        assert_eq!(
            parent_entry(v, at("runAsNonRoot")).map(text),
            Some("securityContext:")
        );
        assert_eq!(
            parent_entry(v, at("key: a")).map(text),
            Some("tolerations:")
        );
        assert_eq!(parent_entry(v, at("value: b")).map(text), Some("- key: a"));
        // After other text on its line (a flow map): no block parent.
        assert_eq!(parent_entry("a: {b: 1}\n", 4), None);
        assert_eq!(parent_entry("top: 1\n", 0), None);
    }
}
