//! Helm charts rendered in-process, as `helm template` renders them: Go templates (the
//! vendored gotmpl, with a trace of where each output byte came from), Sprig's and Helm's
//! functions, values merged as Helm merges them, subcharts (folders and `.tgz`), library
//! charts, `global`, `condition`/`tags`. Every rendered byte keeps its origin: the template
//! line that wrote it and, when a template printed a value, the values line that set it.

mod actions;
mod archived;
mod chart;
mod cipher;
mod crds;
mod crypto;
mod documents;
mod engine;
mod funcs;
mod generated;
mod keys;
mod line_paths;
mod prepare;
mod provenance;
mod schema;
mod skipped;
mod toyaml;
pub mod values;

use crate::input::render::{Outcome, RenderOptions, Rendered, SetFlag};
use crate::source::map::{Origin, OriginRole, SourceMap};
use crate::source::span::{Span, SpanTree};
use crate::source::{Problem, SourceFile};
use gotmpl::{Template, Value};
pub use skipped::{ChartValues, NodeBlock, Skipped, Switch};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};
use values::Origins;

/// The maps the split into documents looks up for every piece of every output (template
/// names, action offsets, values paths): hashed with foldhash, not SipHash, whose hashing was
/// 2.4 % of a Bitnami chart's check. Their keys are the chart's own names and offsets, and
/// the per-process random seed keeps a chart from choosing its collisions.
pub(crate) type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// The file of each template name (files and `define`s).
pub(super) type DefineFiles = FastMap<String, Arc<SourceFile>>;

use chart::*;
use documents::*;
use engine::*;
use prepare::*;
use provenance::*;
use schema::validate_schema;

/// How long one chart may take to render.
pub const TIME_LIMIT: Duration = Duration::from_secs(30);
/// Most bytes a chart's rendered output may have.
pub const MAX_OUTPUT: usize = 64 * 1024 * 1024;
/// Deepest nesting of `include`/`tpl` (Helm stops at 1000).
pub const MAX_INCLUDE_DEPTH: usize = 1000;
/// Most files a chart (with its subcharts) may have, and most bytes of one archive.
const MAX_CHART_FILES: usize = 20_000;
const MAX_ARCHIVE_BYTES: u64 = 256 * 1024 * 1024;
/// `.Capabilities.KubeVersion` when none is given (Helm v4's default).
pub const DEFAULT_KUBE_VERSION: &str = "v1.36.0";

/// One template file of the whole chart (subcharts included), named as Helm names it.
struct Tmpl {
    name: String,
    file: Arc<SourceFile>,
    /// Index of the prepared chart whose values it sees.
    chart: usize,
}

/// Renders the chart in `dir` (a folder holding `Chart.yaml`) as `helm template` would.
/// `display` is how `dir` is reported (relative to the working directory, with `/`).
pub fn render_chart(dir: &Path, display: &str, opts: &RenderOptions) -> Outcome {
    render_chart_with(dir, display, opts, |_| {})
}

/// [`render_chart`], handing the calling thread each file that becomes an origin of the
/// stream as soon as a template's output names it (once per file), while the render goes on
/// on its own thread: the caller prepares what it will read of them (their credentials).
pub fn render_chart_with(
    dir: &Path,
    display: &str,
    opts: &RenderOptions,
    mut while_rendering: impl FnMut(Arc<SourceFile>),
) -> Outcome {
    // A big stack for deep template nesting; the render runs on its own thread.
    let (dir, display, opts) = (dir.to_path_buf(), display.to_string(), opts.clone());
    let (origin_files, found) = std::sync::mpsc::channel();
    let handle = std::thread::Builder::new()
        .name("helm-render".into())
        .stack_size(256 * 1024 * 1024)
        .spawn(move || {
            let mut origin_files = OriginFiles {
                to: origin_files,
                handed: Default::default(),
                last: 0,
            };
            render_on_this_thread(&dir, &display, &opts, &mut origin_files)
        });
    match handle {
        Ok(h) => {
            // Ends when the render thread ends (it holds the sender).
            for f in found {
                while_rendering(f);
            }
            h.join().unwrap_or_else(|_| Outcome {
                rendered: None,
                problems: vec![Problem::error(
                    "chart",
                    None,
                    "the Helm renderer failed unexpectedly (a bug): chart not checked",
                )],
            })
        }
        Err(e) => Outcome {
            rendered: None,
            problems: vec![Problem::error(
                "chart",
                None,
                format!("cannot start the renderer: {e}"),
            )],
        },
    }
}

/// Files handed to the caller as they become origins (see [`render_chart_with`]), each once.
struct OriginFiles {
    to: std::sync::mpsc::Sender<Arc<SourceFile>>,
    /// The files handed, by address (`Arc::as_ptr`).
    handed: std::collections::HashSet<usize>,
    /// The address of the file offered last (already in `handed`), or 0.
    last: usize,
}

impl OriginFiles {
    fn offer(&mut self, file: &Arc<SourceFile>) {
        // Most offers repeat the one before (each line of a template's output names it).
        let at = Arc::as_ptr(file) as usize;
        if self.last == at {
            return;
        }
        self.last = at;
        if self.handed.insert(at) {
            // The caller may have stopped listening: nothing to do then.
            let _ = self.to.send(file.clone());
        }
    }
}

fn render_on_this_thread(
    dir: &Path,
    display: &str,
    opts: &RenderOptions,
    origin_files: &mut OriginFiles,
) -> Outcome {
    let mut problems = Vec::new();
    DEADLINE.with(|d| d.set(Some(Instant::now() + TIME_LIMIT)));
    gotmpl::trace::set_deadline(Some(Instant::now() + TIME_LIMIT));
    // Random functions draw from a generator seeded by what is rendered, so the same chart
    // with the same settings renders the same bytes (Helm's are random).
    // A `--set` argument is seeded as its text alone, as before the other value flags were
    // taken, so a chart rendered with `--set` draws what it drew then.
    let settings: Vec<String> = opts
        .set
        .iter()
        .map(|s| match s.flag {
            SetFlag::Set => s.arg.clone(),
            other => format!("{} {}", other.flag(), s.arg),
        })
        .collect();
    crypto::seed(&format!(
        "{display}\0{}\0{}\0{:?}\0{:?}",
        opts.release_name, opts.namespace, opts.values_files, settings
    ));
    // A packaged chart (`runeguard check app-1.2.0.tgz`) is read as Helm reads one.
    let chart = if dir.is_file() {
        load_archive(dir, display, &mut problems, 0)
    } else {
        load_dir(dir, display, &mut problems, 0)
    };
    let Some(chart) = chart else {
        return Outcome {
            rendered: None,
            problems,
        };
    };
    // Helm installs no library chart (v4 renders it as nothing): say so, or the folder would
    // look checked and clean while its helpers are checked only through charts using them.
    if chart.is_library() {
        let shown = chart
            .file("Chart.yaml")
            .map_or_else(|| display.to_string(), |f| f.display.clone());
        problems.push(Problem::note(
            &shown,
            None,
            "a library chart renders no objects of its own; its templates are checked through the charts that depend on it",
        ));
    }
    // User values: --values files then --set and the other value flags, over the chart's
    // values.yaml.
    let mut user = serde_json::json!({});
    let mut origins = Origins::default();
    // The values files in order, with inline values (a kustomization's) at their place.
    let mut layers = Vec::new();
    // Values files are named as the user gave them, relative to where runeguard runs.
    let cwd = std::env::current_dir().unwrap_or_default();
    for i in 0..=opts.values_files.len() {
        if let Some(iv) = opts.inline_values.as_ref().filter(|iv| iv.after == i) {
            layers.push(values::inline_values(iv).map(|(v, t)| (iv.file.clone(), v, t)));
        }
        let Some(vf) = opts.values_files.get(i) else {
            break;
        };
        let shown = crate::input::files::display_path(vf, &cwd);
        let rewritten = opts
            .inline_values
            .as_ref()
            .is_some_and(|iv| iv.rewrites_file && i == 0);
        let read = std::fs::read(vf)
            .map_err(|e| Problem::error(&shown, None, format!("cannot read values file: {e}")))
            .and_then(|b| crate::input::files::decode(&shown, b))
            .map(|t| SourceFile::new(shown.clone(), Some(vf.clone()), t))
            .and_then(|src| {
                if rewritten {
                    values::read_rewritten_values_file(&src)
                } else {
                    values::read_values_file(&src)
                }
                .map(|(v, t)| (src, v, t))
            });
        let read = read.map(|(src, mut v, t)| {
            if rewritten {
                values::yaml11_bools_as_text(&mut v, &t, &src.text);
            }
            (src, v, t)
        });
        layers.push(read);
    }
    for layer in layers {
        match layer {
            Ok((src, v, tree)) => {
                if let Some(p) = values::not_a_map(&src, &v, &tree, "common.Values") {
                    problems.push(p);
                    continue;
                }
                let v = if v.is_null() {
                    serde_json::json!({})
                } else {
                    v
                };
                values::merge_into(
                    &mut user,
                    &v,
                    Some(&tree),
                    &src,
                    OriginRole::Values,
                    &mut Vec::new(),
                    &mut origins,
                );
            }
            Err(p) => problems.push(p),
        }
    }
    for s in &opts.set {
        if let Err(p) = values::apply_set(&mut user, s, &cwd, &mut origins) {
            problems.push(p);
        }
    }
    let prepared = prepare(
        &chart,
        chart.name.clone(),
        chart.name.clone(),
        user,
        origins,
        &mut problems,
    );
    let mut flat: Vec<&Prepared> = Vec::new();
    fn flatten<'p, 'a>(p: &'p Prepared<'a>, out: &mut Vec<&'p Prepared<'a>>) {
        out.push(p);
        for s in &p.subs {
            flatten(s, out);
        }
    }
    flatten(&prepared, &mut flat);
    // The values files are the origins of what templates print from values: handed over
    // before the templates are parsed.
    for p in &flat {
        for o in p.origins.by_path.values() {
            origin_files.offer(&o.file);
        }
    }
    // The values schema is checked on another thread while the templates render (a big schema
    // costs as much to compile as a small chart to render); its problems keep their place.
    let at = problems.len();
    let (mut docs, schema_problems) = std::thread::scope(|scope| {
        let schema_check = chart.file("values.schema.json").map(|schema| {
            let (values, origins) = (&prepared.values, &prepared.origins);
            let check = move || {
                let mut found = Vec::new();
                validate_schema(schema, values, origins, &mut found);
                found
            };
            let spawned = std::thread::Builder::new()
                .name("helm-schema".into())
                .stack_size(64 * 1024 * 1024)
                .spawn_scoped(scope, check)
                .map_err(|_| check);
            (schema.display.as_str(), spawned)
        });
        let docs = render_templates(&flat, opts, origin_files, &mut problems);
        let found = match schema_check {
            None => Vec::new(),
            Some((shown, Ok(handle))) => handle.join().unwrap_or_else(|_| {
                vec![Problem::error(
                    shown,
                    None,
                    "the values schema check failed unexpectedly (a bug)",
                )]
            }),
            // No thread to be had: checked here.
            Some((_, Err(check))) => check(),
        };
        (docs, found)
    });
    problems.splice(at..at, schema_problems);
    // Helm's install order of kinds, then template name (hooks and tests among the rest, as
    // `helm template` prints them).
    docs.sort_by(|a, b| (kind_rank(&a.kind), &a.name).cmp(&(kind_rank(&b.kind), &b.name)));
    if opts.include_crds {
        docs.splice(0..0, crds::crd_docs(&flat, &mut problems));
    }
    let mut text = String::new();
    let mut map = SourceMap::default();
    for d in &docs {
        text.push_str("---\n# Source: ");
        text.push_str(&d.name);
        text.push('\n');
        let base = text.len();
        text.push_str(&d.content);
        for (r, o) in &d.segments {
            map.push(base + r.start..base + r.end, o.clone());
        }
        for (at, o) in &d.nodes {
            map.push_node(base + at, o.clone());
        }
        text.push('\n');
    }
    map.mark_generated(generated::ranges(&text));
    // Which values each template saw, kept for the findings on what a skipped block would
    // have written (moved out of the charts: nothing is copied).
    let mut templates = FastMap::default();
    for (i, p) in flat.iter().enumerate() {
        for f in p.chart.templates() {
            templates.insert(f.display.clone(), i);
        }
    }
    drop(flat);
    fn settled<'a>(
        p: Prepared<'a>,
        parent: Option<(usize, &'a Chart, bool)>,
        out: &mut Vec<(serde_json::Value, Origins)>,
        links: &mut Vec<archived::ChartLink>,
    ) {
        let index = out.len();
        let link = archived::ChartLink::of(p.chart, &p.name, parent);
        let here = Some((index, p.chart, link.archived));
        links.push(link);
        out.push((p.values, p.origins));
        for s in p.subs {
            settled(s, here, out, links);
        }
    }
    let (mut charts, mut links) = (Vec::new(), Vec::new());
    settled(prepared, None, &mut charts, &mut links);
    let stream = SourceFile::new(
        format!("{display}{}", opts.stream_suffix),
        Some(dir.to_path_buf()),
        text,
    );
    Outcome {
        rendered: Some(Rendered {
            stream,
            map,
            install_namespace: (!opts.namespace_given).then(|| opts.namespace.clone()),
            chart_values: Some(Arc::new(ChartValues {
                templates,
                charts,
                links,
                switches: Default::default(),
            })),
        }),
        problems,
    }
}

/// Parses every template of the enabled charts (`flat`: the top chart first, then its
/// subcharts) and renders them in Helm's order, as documents with their origins.
fn render_templates(
    flat: &[&Prepared],
    opts: &RenderOptions,
    origin_files: &mut OriginFiles,
    problems: &mut Vec<Problem>,
) -> Vec<Doc> {
    // Every template of every enabled chart, named `<chart path>/templates/<rel>`.
    let mut tmpls: Vec<Tmpl> = Vec::new();
    for (i, p) in flat.iter().enumerate() {
        for f in p.chart.templates() {
            match source(f) {
                Ok(src) => tmpls.push(Tmpl {
                    name: format!("{}/{}", p.path, f.rel),
                    file: src,
                    chart: i,
                }),
                Err(p) => problems.push(p),
            }
        }
    }
    // Helm parses deepest paths first, so a parent's `define` replaces a subchart's.
    tmpls.sort_by(|a, b| {
        let (da, db) = (a.name.matches('/').count(), b.name.matches('/').count());
        db.cmp(&da).then_with(|| b.name.cmp(&a.name))
    });
    let set_cell: Arc<OnceLock<Template>> = Arc::new(OnceLock::new());
    let mut set = Template::new("")
        .funcs(helm_funcs(set_cell.clone()))
        .max_range_iters(1_000_000);
    let mut define_file = DefineFiles::default();
    let mut parse_failed: Vec<String> = Vec::new();
    for (t, parsed) in tmpls.iter().zip(parse_apart(&set, &tmpls)) {
        match parsed.and_then(|p| set.add_parsed(p, &t.file.text)) {
            Ok(names) => {
                for n in names {
                    define_file.insert(n, t.file.clone());
                }
                define_file.insert(t.name.clone(), t.file.clone());
            }
            Err(e) => {
                problems.push(template_error(&e.to_string(), &t.file, None));
                parse_failed.push(t.name.clone());
            }
        }
    }
    let _ = set_cell.set(set.clone());

    let kube = opts
        .kube_version
        .clone()
        .unwrap_or_else(|| DEFAULT_KUBE_VERSION.to_string());
    let caps = capabilities(&kube, &opts.api_versions);
    let release = vmap(vec![
        ("Name", str_v(&opts.release_name)),
        ("Namespace", str_v(&opts.namespace)),
        ("IsInstall", Value::Bool(true)),
        ("IsUpgrade", Value::Bool(false)),
        ("Revision", Value::Int(1)),
        ("Service", str_v("Helm")),
    ]);
    let tops = top_objects(flat, &release, &caps);

    // Render in Helm's order (the parse order: deepest first, names in reverse): a template
    // may change its chart's shared top-level object or values (`set $ "Values" …`,
    // `merge .Values.x …`) for the ones after it; outputs are sorted for the stream afterwards.
    // Each output is split into documents with their origins (a third of a chart's render)
    // on a second thread while the next template executes: the splitting reads only the
    // output, its trace and the values as prepared, none of what a template may change.
    let (outputs, splitting) = std::sync::mpsc::channel::<Output>();
    let splitter = |outputs: std::sync::mpsc::Receiver<Output>, origin_files: &mut OriginFiles| {
        let mut loc = Locator {
            define_file: &define_file,
            scopes: Default::default(),
        };
        let mut docs: Vec<Doc> = Vec::new();
        for o in outputs {
            let t = &tmpls[o.tmpl];
            let before = docs.len();
            let p = flat[t.chart];
            split_documents(
                t,
                (&o.text, &o.pieces, &o.calls),
                (&o.included, &o.printed, &o.strings),
                &mut loc,
                p,
                &mut docs,
            );
            for d in &docs[before..] {
                for o in d.segments.iter().flat_map(|(_, origins)| origins) {
                    origin_files.offer(&o.file);
                }
            }
        }
        docs
    };
    // The thread takes what it needs from here; without a thread, this one does afterwards.
    let handoff = std::sync::Mutex::new(Some((splitting, origin_files)));
    let take = || handoff.lock().ok().and_then(|mut h| h.take());
    std::thread::scope(|scope| {
        let split_thread = std::thread::Builder::new()
            .name("helm-split".into())
            .stack_size(64 * 1024 * 1024)
            .spawn_scoped(scope, || take().map(|(rx, files)| splitter(rx, files)));
        execute_templates(
            &set,
            &tmpls,
            flat,
            &tops,
            &parse_failed,
            &define_file,
            &outputs,
            problems,
        );
        drop(outputs);
        let split = split_thread.map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)));
        match split {
            Ok(Some(docs)) => docs,
            // No thread to be had: the outputs waited in the channel.
            _ => take().map_or_else(Vec::new, |(rx, files)| splitter(rx, files)),
        }
    })
}

/// Executes the templates in Helm's order, each output sent on to be split into documents.
#[allow(clippy::too_many_arguments)]
fn execute_templates(
    set: &Template,
    tmpls: &[Tmpl],
    flat: &[&Prepared],
    tops: &[gotmpl::MapRef],
    parse_failed: &[String],
    define_file: &DefineFiles,
    outputs: &std::sync::mpsc::Sender<Output>,
    problems: &mut Vec<Problem>,
) {
    let mut total = 0usize;
    for (ti, t) in tmpls.iter().enumerate() {
        let rel = t.name.rsplit("/templates/").next().unwrap_or("");
        let base = rel.rsplit('/').next().unwrap_or(rel);
        if base.starts_with('_') || parse_failed.contains(&t.name) {
            continue;
        }
        let p = flat[t.chart];
        if p.chart.is_library() {
            continue;
        }
        let notes = base == "NOTES.txt";
        // Helm renders only the top chart's NOTES.txt (subcharts' are skipped).
        if notes && t.chart != 0 {
            continue;
        }
        // Helm sets `.Template` in the chart's shared object before each template.
        set_template(
            tops,
            flat,
            t.chart,
            vmap(vec![
                ("Name", str_v(&t.name)),
                ("BasePath", str_v(&format!("{}/templates", p.path))),
            ])
            // Helm's `.Template` is a `common.Values`, as `.Values` is.
            .typed(funcs::HELM_VALUES),
        );
        let data = Value::Map(tops[t.chart].clone());
        gotmpl::trace::start();
        INCLUDED.with(|i| i.borrow_mut().clear());
        engine::TPL_FAILED.with(|f| f.borrow_mut().take());
        toyaml::take_printed();
        let result = set.execute_template_to_string(&t.name, &data);
        let trace = gotmpl::trace::take().unwrap_or_default();
        let included = INCLUDED.with(|i| std::mem::take(&mut *i.borrow_mut()));
        let printed = toyaml::take_printed();
        let strings = toyaml::string_origins(
            included
                .iter()
                .flat_map(|(_, pieces, ..)| pieces.iter().map(|pc| pc.printed)),
        );
        match result {
            Ok(out) => {
                if notes {
                    continue;
                }
                total += out.len();
                if total > MAX_OUTPUT {
                    problems.push(Problem::error(
                        &t.file.path,
                        None,
                        format!(
                            "the chart renders more than {} MB; stopped",
                            MAX_OUTPUT >> 20
                        ),
                    ));
                    break;
                }
                let _ = outputs.send(Output {
                    tmpl: ti,
                    text: out,
                    pieces: trace.pieces,
                    calls: trace.calls,
                    included,
                    printed,
                    strings,
                });
            }
            Err(e) => {
                // The innermost node whose template is a chart file: `tpl` text when a
                // chart file holds it as it is (`tpl (.Files.Get "config/app.conf") .`),
                // else the innermost template or partial (session fid35). Text that did not
                // parse is located where its parse error is, in that chart file; `tpl` of a
                // values string at that string's values line (session fid36).
                let failed = engine::TPL_FAILED.with(|f| f.borrow_mut().take());
                let last = trace.last.last().filter(|(name, ..)| name == "tpl");
                let in_file = failed.and_then(|failed| match (failed.parse, last) {
                    (Some((line, col)), _) => tpl_file(flat, &failed.text)
                        .map(|f| {
                            let line = u32::try_from(line).unwrap_or(u32::MAX);
                            let off =
                                f.lines
                                    .offset_at_line_col(&f.text, line, col.saturating_sub(1));
                            (f, off)
                        })
                        .or_else(|| tpl_value(&failed, line, col)),
                    (None, Some((_, off, _))) => {
                        tpl_file(flat, &failed.text).map(|f| (f, *off)).or_else(|| {
                            // The traced node's line and column in the tpl text.
                            let before = failed.text.get(..*off).unwrap_or("");
                            let line = before.matches('\n').count() + 1;
                            let col = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
                            tpl_value(&failed, line, col)
                        })
                    }
                    (None, None) => None,
                });
                let at =
                    in_file.or_else(|| {
                        trace.last.iter().rev().find_map(|(name, off, _)| {
                            define_file.get(name).map(|f| (f.clone(), *off))
                        })
                    });
                let (file, off) = match at {
                    Some((f, o)) => (f, Some(o)),
                    None => (t.file.clone(), None),
                };
                problems.push(template_error(
                    &format!("execution error in {}: {e}", t.name),
                    &file,
                    off,
                ));
            }
        }
    }
}

/// The chart file (outside `templates/`) whose text is `text`, the text a failed `tpl` ran:
/// a file `.Files.Get` read.
fn tpl_file(flat: &[&Prepared], text: &str) -> Option<Arc<SourceFile>> {
    flat.iter()
        .flat_map(|p| p.chart.files.iter())
        .find(|f| !f.rel.starts_with("templates/") && f.bytes.as_slice() == text.as_bytes())
        .and_then(|f| source(f).ok())
}

/// Where in the values file a position of a failed `tpl`'s text is, when that text is a
/// values string (`tpl .Values.podAnnotations.x .`): the same line and column of the
/// string's text when it is written there as it is (a plain or block scalar whose line
/// reads as the text's line does), else the values entry's first line.
fn tpl_value(
    failed: &engine::TplFailed,
    line: usize,
    col: usize,
) -> Option<(Arc<SourceFile>, usize)> {
    let origin = toyaml::string_origin(failed.string?)?;
    let file = origin.file.clone();
    let span = origin.span.range();
    // The entry as written: its span, and the lines after it indented deeper than its key
    // (a block scalar's lines, which the span of its header may not cover).
    let key_line = file
        .lines
        .line_range(&file.text, file.lines.line_of(span.start));
    let indent = file
        .text
        .get(key_line.start..span.start)
        .map_or(0, |t| t.len() - t.trim_start_matches(' ').len());
    let first_end = span.end.max(key_line.end);
    let mut end = file
        .text
        .get(first_end..)
        .and_then(|t| t.find('\n'))
        .map_or(file.text.len(), |i| first_end + i + 1);
    for l in file.text.get(end..).unwrap_or("").split_inclusive('\n') {
        let body = l.trim_end_matches(['\n', '\r']);
        let deeper = body.len() - body.trim_start_matches(' ').len() > indent;
        if !(deeper || body.trim().is_empty()) {
            break;
        }
        end += l.len();
    }
    let written = file.text.get(span.start..end)?;
    let wanted = failed
        .text
        .lines()
        .nth(line.saturating_sub(1))
        .unwrap_or("");
    // The text's line as written in the entry: the first line of the entry that holds it
    // (after the key on the entry's first line, or indented under it in a block scalar),
    // up to its first character a quoted scalar escapes.
    let same = wanted
        .find(['"', '\\', '\''])
        .map_or(wanted, |i| &wanted[..i]);
    let found = (!same.trim().is_empty())
        .then(|| {
            let mut at = span.start;
            written.split_inclusive('\n').find_map(|l| {
                let here = at;
                at += l.len();
                l.find(same).map(|i| here + i)
            })
        })
        .flatten();
    let off = match found {
        Some(start) => {
            // The column when it is within what is written as it is, else the line's start.
            let col0 = col.saturating_sub(1);
            start + same.char_indices().nth(col0).map_or(0, |(i, _)| i)
        }
        None => span.start,
    };
    Some((file, off))
}

/// One template's output on its way to [`split_documents`].
struct Output {
    tmpl: usize,
    text: String,
    pieces: Vec<gotmpl::trace::Piece>,
    /// The `{{template}}` calls that wrote pieces, with their call sites.
    calls: Vec<gotmpl::trace::Call>,
    included: Included,
    /// The `toYaml` outputs that printed values ([`toyaml::PrintedBlock`]).
    printed: Vec<toyaml::PrintedBlock>,
    /// The values line of each values string an included action printed as it was.
    strings: FastMap<usize, crate::source::map::Origin>,
}

/// Template sources above this many bytes in all are parsed on two threads.
const PARSE_APART_BYTES: usize = 64 * 1024;

/// Each template parsed on its own (what `parse_named` does before adding it to the set), in
/// order: a chart's templates are parsed by two threads when there is much to parse (the
/// set then takes them in Helm's order, as if parsed one after the other).
fn parse_apart(set: &Template, tmpls: &[Tmpl]) -> Vec<gotmpl::Result<gotmpl::Parsed>> {
    let parse = |part: &[Tmpl]| -> Vec<_> {
        part.iter()
            .map(|t| set.parse_apart(&t.name, &t.file.text))
            .collect()
    };
    let total: usize = tmpls.iter().map(|t| t.file.text.len()).sum();
    if total < PARSE_APART_BYTES {
        return parse(tmpls);
    }
    // Split where half of the bytes are behind.
    let mut behind = 0;
    let half = tmpls
        .iter()
        .position(|t| {
            behind += t.file.text.len();
            behind * 2 >= total
        })
        .map_or(tmpls.len(), |i| i + 1);
    let (first, second) = tmpls.split_at(half);
    std::thread::scope(|scope| {
        let other = std::thread::Builder::new()
            .name("helm-parse".into())
            .stack_size(64 * 1024 * 1024)
            .spawn_scoped(scope, || parse(second));
        let mut out = parse(first);
        match other.map(|h| h.join()) {
            Ok(Ok(rest)) => out.extend(rest),
            // No thread to be had (or it failed): parsed here.
            _ => out.extend(parse(second)),
        }
        out
    })
}

fn template_error(msg: &str, file: &Arc<SourceFile>, offset: Option<usize>) -> Problem {
    // gotmpl's parse errors carry `name:line:col`; runtime errors get the traced node.
    let pos = match offset {
        Some(o) => Some(file.lines.pos_at_offset(&file.text, o.min(file.text.len()))),
        None => parse_error_pos(msg),
    };
    Problem::error(&file.path, pos, format!("cannot render template: {msg}"))
}

fn parse_error_pos(msg: &str) -> Option<crate::source::span::Pos> {
    // "template: name:12:5: ..." or "name:12: ...".
    let re = regex::Regex::new(r":(\d+):(?:(\d+):)?").ok()?;
    let c = re.captures(msg)?;
    let line: u32 = c.get(1)?.as_str().parse().ok()?;
    let col: u32 = c.get(2).and_then(|m| m.as_str().parse().ok()).unwrap_or(1);
    Some(crate::source::span::Pos {
        line: line.max(1),
        column: col.max(1),
    })
}
