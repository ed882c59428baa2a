//! Helm charts rendered in-process, as `helm template` renders them: Go templates (the
//! vendored gotmpl, with a trace of where each output byte came from), Sprig's and Helm's
//! functions, values merged as Helm merges them, subcharts (folders and `.tgz`), library
//! charts, `global`, `condition`/`tags`. Every rendered byte keeps its origin: the template
//! line that wrote it and, when a template printed a value, the values line that set it.

mod crypto;
mod funcs;
mod toyaml;
pub mod values;

use super::{Origin, OriginRole, Outcome, RenderOptions, Rendered, SourceMap};
use crate::input::span::{Span, SpanTree};
use crate::input::{Problem, SourceFile};
use gotmpl::{Template, Value};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};
use values::Origins;

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

/// One file of a chart, by its path inside the chart (`templates/x.yaml`).
#[derive(Debug, Clone)]
struct ChartFile {
    rel: String,
    bytes: Arc<Vec<u8>>,
    /// Where it is reported (`deploy/chart/templates/x.yaml`, `chart/charts/sub.tgz#sub/...`).
    display: String,
    fs_path: Option<PathBuf>,
}

/// A loaded chart: its metadata, files and subcharts.
#[derive(Debug)]
struct Chart {
    /// Chart.yaml as JSON.
    meta: serde_json::Value,
    name: String,
    files: Vec<ChartFile>,
    subcharts: Vec<Chart>,
}

impl Chart {
    fn file(&self, rel: &str) -> Option<&ChartFile> {
        self.files.iter().find(|f| f.rel == rel)
    }
    fn is_library(&self) -> bool {
        self.meta.get("type").and_then(|t| t.as_str()) == Some("library")
    }
}

fn source(f: &ChartFile) -> Result<Arc<SourceFile>, Problem> {
    let text = crate::input::files::decode(&f.display, f.bytes.to_vec())?;
    Ok(SourceFile::new(f.display.clone(), f.fs_path.clone(), text))
}

/// Reads a chart folder (recursively, its `charts/` folders and archives).
fn load_dir(dir: &Path, display: &str, problems: &mut Vec<Problem>, depth: usize) -> Option<Chart> {
    let mut files = Vec::new();
    let ignore = read_helmignore(dir);
    let mut stack = vec![(dir.to_path_buf(), String::new())];
    let mut subdirs = Vec::new();
    let mut archives = Vec::new();
    while let Some((d, rel)) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            problems.push(Problem::error(
                display,
                None,
                format!("cannot read folder {}", d.display()),
            ));
            continue;
        };
        let mut entries: Vec<_> = rd.filter_map(Result::ok).collect();
        entries.sort_by_key(|e| e.file_name());
        for e in entries {
            let name = e.file_name().to_string_lossy().to_string();
            let r = if rel.is_empty() {
                name.clone()
            } else {
                format!("{rel}/{name}")
            };
            let Ok(ft) = e.file_type() else { continue };
            if ignored(&ignore, &r, ft.is_dir()) {
                continue;
            }
            if ft.is_dir() {
                if r == "charts" {
                    for sub in std::fs::read_dir(e.path())
                        .into_iter()
                        .flatten()
                        .filter_map(Result::ok)
                    {
                        let p = sub.path();
                        if p.is_dir() && p.join("Chart.yaml").is_file() {
                            subdirs.push(p);
                        } else if p.extension().is_some_and(|x| x == "tgz")
                            || p.to_string_lossy().ends_with(".tar.gz")
                        {
                            archives.push(p);
                        }
                    }
                    continue;
                }
                stack.push((e.path(), r));
            } else if ft.is_file() {
                if files.len() > MAX_CHART_FILES {
                    problems.push(Problem::error(
                        display,
                        None,
                        format!("chart has more than {MAX_CHART_FILES} files; not rendered"),
                    ));
                    return None;
                }
                match std::fs::read(e.path()) {
                    Ok(b) => files.push(ChartFile {
                        display: format!("{}/{}", display.trim_end_matches('/'), r),
                        rel: r,
                        bytes: Arc::new(b),
                        fs_path: Some(e.path()),
                    }),
                    Err(err) => problems.push(Problem::error(
                        &format!("{display}/{r}"),
                        None,
                        format!("cannot read: {err}"),
                    )),
                }
            }
        }
    }
    files.sort_by(|a, b| a.rel.cmp(&b.rel));
    let mut chart = chart_from_files(files, display, problems)?;
    subdirs.sort();
    archives.sort();
    if depth > 20 {
        problems.push(Problem::error(
            display,
            None,
            "subcharts nested more than 20 deep; not rendered",
        ));
        return None;
    }
    for s in subdirs {
        let name = s
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string();
        if let Some(c) = load_dir(
            &s,
            &format!("{}/charts/{name}", display.trim_end_matches('/')),
            problems,
            depth + 1,
        ) {
            chart.subcharts.push(c);
        }
    }
    for a in archives {
        let name = a
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string();
        let shown = format!("{}/charts/{name}", display.trim_end_matches('/'));
        if let Some(c) = load_archive(&a, &shown, problems, depth + 1) {
            chart.subcharts.push(c);
        }
    }
    Some(chart)
}

fn chart_from_files(
    files: Vec<ChartFile>,
    display: &str,
    problems: &mut Vec<Problem>,
) -> Option<Chart> {
    let Some(cf) = files.iter().find(|f| f.rel == "Chart.yaml") else {
        problems.push(Problem::error(
            display,
            None,
            "no Chart.yaml: not a Helm chart",
        ));
        return None;
    };
    let src = match source(cf) {
        Ok(s) => s,
        Err(p) => {
            problems.push(p);
            return None;
        }
    };
    let meta = match values::read_yaml(&src) {
        Ok((v, _)) => v,
        Err(p) => {
            problems.push(p);
            return None;
        }
    };
    let Some(name) = meta
        .get("name")
        .and_then(|n| n.as_str())
        .map(str::to_string)
    else {
        problems.push(Problem::error(
            &cf.display,
            Some(src.lines.pos_at_offset(&src.text, 0)),
            "Chart.yaml has no name",
        ));
        return None;
    };
    Some(Chart {
        meta,
        name,
        files,
        subcharts: Vec::new(),
    })
}

/// Reads a `.tgz` subchart: one top folder holding the chart.
fn load_archive(
    path: &Path,
    display: &str,
    problems: &mut Vec<Problem>,
    depth: usize,
) -> Option<Chart> {
    let Ok(f) = std::fs::File::open(path) else {
        problems.push(Problem::error(display, None, "cannot read archive"));
        return None;
    };
    let gz = flate2::read::GzDecoder::new(std::io::Read::take(f, MAX_ARCHIVE_BYTES));
    let mut ar = tar::Archive::new(std::io::Read::take(gz, MAX_ARCHIVE_BYTES));
    let mut by_root: BTreeMap<String, Vec<(String, Vec<u8>)>> = BTreeMap::new();
    let entries = match ar.entries() {
        Ok(e) => e,
        Err(e) => {
            problems.push(Problem::error(
                display,
                None,
                format!("cannot read archive: {e}"),
            ));
            return None;
        }
    };
    for entry in entries {
        let mut entry = match entry {
            Ok(e) => e,
            Err(e) => {
                problems.push(Problem::error(
                    display,
                    None,
                    format!("cannot read archive: {e}"),
                ));
                return None;
            }
        };
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let Ok(p) = entry.path() else { continue };
        let p = p.to_string_lossy().replace('\\', "/");
        let Some((root, rest)) = p.split_once('/') else {
            continue;
        };
        if rest.split('/').any(|c| c == "..") {
            continue;
        }
        let mut buf = Vec::new();
        if std::io::Read::read_to_end(&mut entry, &mut buf).is_err() {
            problems.push(Problem::error(
                display,
                None,
                "cannot read archive: truncated",
            ));
            return None;
        }
        by_root
            .entry(root.to_string())
            .or_default()
            .push((rest.to_string(), buf));
        if by_root.values().map(Vec::len).sum::<usize>() > MAX_CHART_FILES {
            problems.push(Problem::error(
                display,
                None,
                "archive has too many files; not rendered",
            ));
            return None;
        }
    }
    let Some((root, files)) = by_root.into_iter().next() else {
        problems.push(Problem::error(display, None, "empty chart archive"));
        return None;
    };
    // Nested archives inside archives are rare; folders inside charts/ are handled here.
    let mut top = Vec::new();
    let mut subs: BTreeMap<String, Vec<ChartFile>> = BTreeMap::new();
    for (rel, bytes) in files {
        let shown = format!("{display}#{root}/{rel}");
        if let Some(rest) = rel.strip_prefix("charts/")
            && let Some((sub, inner)) = rest.split_once('/')
        {
            subs.entry(sub.to_string()).or_default().push(ChartFile {
                rel: inner.to_string(),
                bytes: Arc::new(bytes),
                display: shown,
                fs_path: None,
            });
            continue;
        }
        top.push(ChartFile {
            rel,
            bytes: Arc::new(bytes),
            display: shown,
            fs_path: None,
        });
    }
    top.sort_by(|a, b| a.rel.cmp(&b.rel));
    let mut chart = chart_from_files(top, display, problems)?;
    if depth > 20 {
        return Some(chart);
    }
    for (_, mut files) in subs {
        files.sort_by(|a, b| a.rel.cmp(&b.rel));
        if let Some(c) = chart_from_files(files, display, problems) {
            chart.subcharts.push(c);
        }
    }
    Some(chart)
}

fn read_helmignore(dir: &Path) -> Option<globset::GlobSet> {
    let text = std::fs::read_to_string(dir.join(".helmignore")).ok()?;
    let mut b = globset::GlobSetBuilder::new();
    for line in text.lines() {
        let l = line.trim();
        if l.is_empty() || l.starts_with('#') || l.starts_with('!') {
            continue;
        }
        let l = l.trim_start_matches('/').trim_end_matches('/');
        for pat in [l.to_string(), format!("**/{l}")] {
            if let Ok(g) = globset::Glob::new(&pat) {
                b.add(g);
            }
        }
    }
    b.build().ok()
}

fn ignored(set: &Option<globset::GlobSet>, rel: &str, _is_dir: bool) -> bool {
    // Chart.yaml, values and templates are never ignored by Helm's loader in practice.
    if rel == "Chart.yaml" || rel == "templates" {
        return false;
    }
    set.as_ref().is_some_and(|s| s.is_match(rel))
}

/// A chart whose values are settled: what its templates see.
struct Prepared<'a> {
    chart: &'a Chart,
    /// `parent/charts/sub` path used in template names (`nginx/charts/common`).
    path: String,
    values: serde_json::Value,
    origins: Origins,
    /// Subcharts enabled by their conditions and tags.
    subs: Vec<Prepared<'a>>,
}

fn get_path<'v>(v: &'v serde_json::Value, path: &str) -> Option<&'v serde_json::Value> {
    let mut cur = v;
    for k in path.split('.') {
        cur = cur.get(k)?;
    }
    Some(cur)
}

/// Settles a chart's values (its `values.yaml` under what its parent passes down) and
/// decides which subcharts are enabled.
fn prepare<'a>(
    chart: &'a Chart,
    path: String,
    mut vals: serde_json::Value,
    mut origins: Origins,
    problems: &mut Vec<Problem>,
) -> Prepared<'a> {
    // The chart's own values.yaml under the values given to it.
    if let Some(vf) = chart.file("values.yaml") {
        match source(vf).and_then(|src| values::read_yaml(&src).map(|(v, t)| (src, v, t))) {
            Ok((src, defaults, tree)) => {
                let mut own = Origins::default();
                let mut base = if defaults.is_null() {
                    serde_json::json!({})
                } else {
                    defaults.clone()
                };
                values::merge_into(
                    &mut base,
                    &serde_json::json!({}),
                    Some(&tree),
                    &src,
                    OriginRole::Values,
                    &mut Vec::new(),
                    &mut own,
                );
                record_all(&mut own, &tree, &src);
                // User/parent values win: their origins overwrite.
                for (k, o) in origins.by_path.drain() {
                    own.by_path.insert(k, o);
                }
                origins = own;
                values::coalesce_defaults(&mut vals, &base);
            }
            Err(p) => problems.push(p),
        }
    }
    if !vals.is_object() {
        vals = serde_json::json!({});
    }

    let deps: Vec<serde_json::Value> = chart
        .meta
        .get("dependencies")
        .and_then(|d| d.as_array())
        .cloned()
        .unwrap_or_default();
    let mut subs = Vec::new();
    for sub in &chart.subcharts {
        // The dependency entry naming this subchart (by name, or by alias).
        let dep = deps
            .iter()
            .find(|d| d.get("name").and_then(|n| n.as_str()) == Some(sub.name.as_str()));
        let key = dep
            .and_then(|d| d.get("alias").and_then(|a| a.as_str()))
            .unwrap_or(&sub.name)
            .to_string();
        if let Some(d) = dep {
            if !enabled(d, &vals) {
                continue;
            }
            if d.get("import-values").is_some() {
                problems.push(Problem::note(
                    &format!("{}/Chart.yaml", chart_display(chart)),
                    None,
                    format!(
                        "import-values of dependency {key} are not applied by runeguard's renderer"
                    ),
                ));
            }
        }
        let mut sv = vals.get(&key).cloned().unwrap_or(serde_json::json!({}));
        if !sv.is_object() {
            sv = serde_json::json!({});
        }
        // `global` flows down: the parent's globals over the subchart's.
        if let Some(g) = vals.get("global") {
            let mut merged = sv.get("global").cloned().unwrap_or(serde_json::json!({}));
            values::coalesce_defaults(&mut merged, &serde_json::json!({}));
            let mut gg = g.clone();
            values::coalesce_defaults(&mut gg, &merged);
            sv["global"] = gg;
        }
        let mut so = Origins::default();
        for (k, o) in &origins.by_path {
            if k.first() == Some(&key) {
                so.by_path.insert(k[1..].to_vec(), o.clone());
            } else if k.first().map(String::as_str) == Some("global") {
                so.by_path.insert(k.clone(), o.clone());
            }
        }
        let p = prepare(sub, format!("{path}/charts/{}", sub.name), sv, so, problems);
        // What the subchart settled is visible to the parent under its key (Helm coalesces
        // the parent's view with the subchart's defaults).
        if let Some(obj) = vals.as_object_mut() {
            let mut view = p.values.clone();
            if let Some(o) = view.as_object_mut() {
                o.remove("global");
            }
            obj.insert(key.clone(), merge_view(obj.get(&key), view));
        }
        subs.push(p);
    }
    Prepared {
        chart,
        path,
        values: vals,
        origins,
        subs,
    }
}

fn merge_view(existing: Option<&serde_json::Value>, view: serde_json::Value) -> serde_json::Value {
    match existing {
        Some(e) => {
            let mut e = e.clone();
            values::coalesce_defaults(&mut e, &view);
            e
        }
        None => view,
    }
}

fn chart_display(c: &Chart) -> String {
    c.files
        .iter()
        .find(|f| f.rel == "Chart.yaml")
        .map(|f| {
            f.display
                .trim_end_matches("Chart.yaml")
                .trim_end_matches('/')
                .to_string()
        })
        .unwrap_or_else(|| c.name.clone())
}

fn record_all(o: &mut Origins, tree: &SpanTree, file: &Arc<SourceFile>) {
    let mut path = Vec::new();
    let mut base = serde_json::json!({});
    let _ = &mut base;
    fn walk(o: &mut Origins, t: &SpanTree, file: &Arc<SourceFile>, path: &mut Vec<String>) {
        o.by_path.insert(
            path.clone(),
            Origin {
                role: OriginRole::Values,
                file: file.clone(),
                span: t.focus,
            },
        );
        match &t.children {
            crate::input::span::Children::Map(e) => {
                for (k, c) in e {
                    path.push(k.clone());
                    walk(o, c, file, path);
                    path.pop();
                }
            }
            crate::input::span::Children::Seq(items) => {
                for (i, c) in items.iter().enumerate() {
                    path.push(i.to_string());
                    walk(o, c, file, path);
                    path.pop();
                }
            }
            crate::input::span::Children::Leaf => {}
        }
    }
    walk(o, tree, file, &mut path);
}

/// Helm's `condition` (first path that holds a boolean decides) and `tags` (any true tag
/// enables; none set leaves it enabled).
fn enabled(dep: &serde_json::Value, vals: &serde_json::Value) -> bool {
    if let Some(cond) = dep.get("condition").and_then(|c| c.as_str()) {
        for p in cond.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            if let Some(serde_json::Value::Bool(b)) = get_path(vals, p) {
                return *b;
            }
        }
    }
    if let Some(tags) = dep.get("tags").and_then(|t| t.as_array()) {
        let mut any_set = false;
        for t in tags.iter().filter_map(|t| t.as_str()) {
            if let Some(serde_json::Value::Bool(b)) = vals.get("tags").and_then(|tv| tv.get(t)) {
                if *b {
                    return true;
                }
                any_set = true;
            }
        }
        if any_set {
            return false;
        }
    }
    true
}

/// One template file of the whole chart (subcharts included), named as Helm names it.
struct Tmpl {
    name: String,
    file: Arc<SourceFile>,
    /// Index of the prepared chart whose values it sees.
    chart: usize,
}

thread_local! {
    static INCLUDE_DEPTH: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    static DEADLINE: std::cell::Cell<Option<Instant>> = const { std::cell::Cell::new(None) };
}

fn check_deadline() -> gotmpl::Result<()> {
    if DEADLINE
        .with(|d| d.get())
        .is_some_and(|d| Instant::now() > d)
    {
        return Err(funcs::err(format!(
            "rendering took longer than {} s; stopped",
            TIME_LIMIT.as_secs()
        )));
    }
    Ok(())
}

struct DepthGuard;
impl DepthGuard {
    fn enter() -> gotmpl::Result<DepthGuard> {
        let d = INCLUDE_DEPTH.with(|c| {
            c.set(c.get() + 1);
            c.get()
        });
        if d > MAX_INCLUDE_DEPTH {
            INCLUDE_DEPTH.with(|c| c.set(c.get() - 1));
            return Err(funcs::err(format!(
                "include/tpl nested more than {MAX_INCLUDE_DEPTH} deep (a template that includes itself?)"
            )));
        }
        check_deadline()?;
        Ok(DepthGuard)
    }
}
impl Drop for DepthGuard {
    fn drop(&mut self) {
        INCLUDE_DEPTH.with(|c| c.set(c.get().saturating_sub(1)));
    }
}

/// Helm's functions that need the template set.
fn helm_funcs(set: Arc<OnceLock<Template>>) -> gotmpl::FuncMap {
    let mut m = funcs::library();
    let s1 = set.clone();
    m.insert(
        "include".into(),
        Arc::new(move |a: &[Value]| {
            let name = funcs::to_str(
                a.first()
                    .ok_or_else(|| funcs::err("include needs a template name"))?,
            );
            let _g = DepthGuard::enter()?;
            let t = s1
                .get()
                .ok_or_else(|| funcs::err("template set not ready"))?;
            let out = t.execute_template_to_string(&name, a.get(1).unwrap_or(&Value::Nil))?;
            if out.len() > MAX_OUTPUT {
                return Err(funcs::err(format!(
                    "include {name:?} produced more than {} MB",
                    MAX_OUTPUT >> 20
                )));
            }
            Ok(Value::String(out.into()))
        }),
    );
    let s2 = set.clone();
    m.insert(
        "tpl".into(),
        Arc::new(move |a: &[Value]| {
            let text = funcs::to_str(
                a.first()
                    .ok_or_else(|| funcs::err("tpl needs a template"))?,
            );
            // Text without an action renders to itself: no need to parse it.
            if !text.contains("{{") {
                return Ok(Value::String(text.into()));
            }
            let data = a.get(1).cloned().unwrap_or(Value::Nil);
            let _g = DepthGuard::enter()?;
            let mut t = s2
                .get()
                .ok_or_else(|| funcs::err("template set not ready"))?
                .clone();
            // Named apart from the chart's files: positions in it are in the text given to tpl.
            t.parse_named("tpl", &text)?;
            let out = t.execute_template_to_string("tpl", &data)?;
            Ok(Value::String(out.into()))
        }),
    );
    m.insert(
        "required".into(),
        Arc::new(|a: &[Value]| {
            let msg = funcs::to_str(a.first().unwrap_or(&Value::Nil));
            let v = a.get(1).cloned().unwrap_or(Value::Nil);
            match &v {
                Value::Nil => Err(funcs::err(msg)),
                Value::String(s) if s.is_empty() => Err(funcs::err(msg)),
                _ => Ok(v),
            }
        }),
    );
    m.insert(
        "fail".into(),
        Arc::new(|a: &[Value]| Err(funcs::err(funcs::to_str(a.first().unwrap_or(&Value::Nil))))),
    );
    m.insert(
        "lookup".into(),
        Arc::new(|_a: &[Value]| Ok(Value::Map(gotmpl::MapRef::new(BTreeMap::new())))),
    );
    m
}

fn vmap(entries: Vec<(&str, Value)>) -> Value {
    Value::Map(gotmpl::MapRef::new(
        entries
            .into_iter()
            .map(|(k, v)| (Arc::from(k), v))
            .collect(),
    ))
}

fn str_v(s: &str) -> Value {
    Value::String(Arc::from(s))
}

/// Helm's top-level object (`$`) of each chart of `flat`: one map shared by all the chart's
/// templates (a change one makes is seen by those rendered after it, as in Helm), holding
/// `.Values`, `.Chart`, `.Release`, `.Capabilities`, `.Files` and `.Subcharts` (each
/// enabled subchart's own object, by name).
fn top_objects(flat: &[&Prepared], release: &Value, caps: &Value) -> Vec<gotmpl::MapRef> {
    let tops: Vec<gotmpl::MapRef> = flat
        .iter()
        .map(|p| {
            let files: Vec<(String, Arc<Vec<u8>>)> = p
                .chart
                .files
                .iter()
                .filter(|f| !f.rel.starts_with("templates/") && f.rel != "Chart.yaml")
                .map(|f| (f.rel.clone(), f.bytes.clone()))
                .collect();
            gotmpl::MapRef::new(BTreeMap::from([
                (Arc::from("Values"), funcs::json_to_value(&p.values)),
                (Arc::from("Chart"), chart_object(&p.chart.meta)),
                (Arc::from("Release"), release.clone()),
                (Arc::from("Capabilities"), caps.clone()),
                (Arc::from("Files"), files_object(Arc::new(files))),
            ]))
        })
        .collect();
    for (i, p) in flat.iter().enumerate() {
        let subs: BTreeMap<Arc<str>, Value> = p
            .subs
            .iter()
            .filter_map(|sub| {
                let j = flat.iter().position(|f| std::ptr::eq(*f, sub))?;
                let name = sub.path.rsplit('/').next().unwrap_or(&sub.path);
                Some((Arc::from(name), Value::Map(tops[j].clone())))
            })
            .collect();
        tops[i]
            .write()
            .insert(Arc::from("Subcharts"), Value::from(subs));
    }
    tops
}

/// `.Chart`: Chart.yaml with Helm's Go field names.
fn chart_object(meta: &serde_json::Value) -> Value {
    let mut m = BTreeMap::new();
    if let Some(o) = meta.as_object() {
        for (k, v) in o {
            let name = match k.as_str() {
                "apiVersion" => "APIVersion".to_string(),
                "kubeVersion" => "KubeVersion".to_string(),
                "appVersion" => "AppVersion".to_string(),
                other => {
                    let mut c = other.chars();
                    c.next()
                        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                        .unwrap_or_default()
                }
            };
            m.insert(Arc::from(name.as_str()), funcs::json_to_value(v));
        }
    }
    for k in [
        "Name",
        "Version",
        "AppVersion",
        "Description",
        "Type",
        "Home",
        "Icon",
    ] {
        m.entry(Arc::from(k)).or_insert_with(|| str_v(""));
    }
    m.entry(Arc::from("IsRoot")).or_insert(Value::Bool(true));
    Value::Map(gotmpl::MapRef::new(m))
}

/// API versions `.Capabilities.APIVersions.Has` knows without a cluster: Helm v4's defaults
/// (the built-in groups of its Kubernetes client), in its order.
const API_VERSIONS: &[&str] = &[
    "v1",
    "admissionregistration.k8s.io/v1",
    "admissionregistration.k8s.io/v1alpha1",
    "admissionregistration.k8s.io/v1beta1",
    "internal.apiserver.k8s.io/v1alpha1",
    "apps/v1",
    "apps/v1beta1",
    "apps/v1beta2",
    "authentication.k8s.io/v1",
    "authentication.k8s.io/v1alpha1",
    "authentication.k8s.io/v1beta1",
    "authorization.k8s.io/v1",
    "authorization.k8s.io/v1beta1",
    "autoscaling/v1",
    "autoscaling/v2",
    "batch/v1",
    "batch/v1beta1",
    "certificates.k8s.io/v1",
    "certificates.k8s.io/v1beta1",
    "certificates.k8s.io/v1alpha1",
    "coordination.k8s.io/v1alpha2",
    "coordination.k8s.io/v1beta1",
    "coordination.k8s.io/v1",
    "discovery.k8s.io/v1",
    "discovery.k8s.io/v1beta1",
    "events.k8s.io/v1",
    "events.k8s.io/v1beta1",
    "extensions/v1beta1",
    "flowcontrol.apiserver.k8s.io/v1",
    "flowcontrol.apiserver.k8s.io/v1beta1",
    "flowcontrol.apiserver.k8s.io/v1beta2",
    "flowcontrol.apiserver.k8s.io/v1beta3",
    "networking.k8s.io/v1",
    "networking.k8s.io/v1beta1",
    "node.k8s.io/v1",
    "node.k8s.io/v1alpha1",
    "node.k8s.io/v1beta1",
    "policy/v1",
    "policy/v1beta1",
    "rbac.authorization.k8s.io/v1",
    "rbac.authorization.k8s.io/v1beta1",
    "rbac.authorization.k8s.io/v1alpha1",
    "resource.k8s.io/v1",
    "resource.k8s.io/v1beta2",
    "resource.k8s.io/v1beta1",
    "resource.k8s.io/v1alpha3",
    "scheduling.k8s.io/v1alpha2",
    "scheduling.k8s.io/v1beta1",
    "scheduling.k8s.io/v1",
    "storage.k8s.io/v1beta1",
    "storage.k8s.io/v1",
    "storage.k8s.io/v1alpha1",
    "storagemigration.k8s.io/v1beta1",
    "apiextensions.k8s.io/v1beta1",
    "apiextensions.k8s.io/v1",
];

fn capabilities(kube: &str) -> Value {
    let v = if kube.starts_with('v') {
        kube.to_string()
    } else {
        format!("v{kube}")
    };
    let parts: Vec<&str> = v.trim_start_matches('v').split('.').collect();
    let major = parts.first().copied().unwrap_or("1").to_string();
    let minor = parts.get(1).copied().unwrap_or("0").to_string();
    let versions: Vec<Value> = API_VERSIONS.iter().map(|s| str_v(s)).collect();
    let has = Arc::new(|a: &[Value]| {
        let want = funcs::to_str(a.first().unwrap_or(&Value::Nil));
        // `group/version` or `group/version/Kind`.
        let gv = match want.matches('/').count() {
            2 => want
                .rsplit_once('/')
                .map(|(g, _)| g.to_string())
                .unwrap_or(want.clone()),
            1 if want.starts_with("v1/") => "v1".into(),
            _ => want.clone(),
        };
        Ok(Value::Bool(API_VERSIONS.contains(&gv.as_str())))
    });
    vmap(vec![
        (
            "KubeVersion",
            vmap(vec![
                ("Version", str_v(&v)),
                ("GitVersion", str_v(&v)),
                ("Major", str_v(&major)),
                ("Minor", str_v(&minor)),
            ]),
        ),
        (
            "APIVersions",
            vmap(vec![
                ("Has", Value::Function(has)),
                ("List", Value::List(versions.into())),
            ]),
        ),
        (
            "HelmVersion",
            vmap(vec![
                ("Version", str_v("v4.2")),
                ("GitCommit", str_v("")),
                ("GoVersion", str_v("")),
            ]),
        ),
    ])
}

/// `.Files` of a chart: every file outside `templates/` (and the chart's own metadata).
fn files_object(files: Arc<Vec<(String, Arc<Vec<u8>>)>>) -> Value {
    let f1 = files.clone();
    let get = Arc::new(move |a: &[Value]| {
        let name = funcs::to_str(a.first().unwrap_or(&Value::Nil));
        Ok(f1
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, b)| str_v(&String::from_utf8_lossy(b)))
            .unwrap_or(str_v("")))
    });
    let f2 = files.clone();
    let glob = Arc::new(move |a: &[Value]| {
        let pat = funcs::to_str(a.first().unwrap_or(&Value::Nil));
        let g = globset::GlobBuilder::new(&pat)
            .literal_separator(true)
            .build()
            .map_err(|e| funcs::err(format!("bad glob {pat:?}: {e}")))?
            .compile_matcher();
        let sub: Vec<(String, Arc<Vec<u8>>)> =
            f2.iter().filter(|(n, _)| g.is_match(n)).cloned().collect();
        Ok(files_object(Arc::new(sub)))
    });
    let f3 = files.clone();
    let as_config = Arc::new(move |_a: &[Value]| {
        let m: BTreeMap<Arc<str>, Value> = f3
            .iter()
            .map(|(n, b)| {
                (
                    Arc::from(n.rsplit('/').next().unwrap_or(n)),
                    str_v(&String::from_utf8_lossy(b)),
                )
            })
            .collect();
        Ok(str_v(&toyaml::to_yaml(&Value::Map(gotmpl::MapRef::new(m)))))
    });
    let f4 = files.clone();
    let as_secrets = Arc::new(move |_a: &[Value]| {
        let m: BTreeMap<Arc<str>, Value> = f4
            .iter()
            .map(|(n, b)| {
                let enc = funcs::library()
                    .get("b64enc")
                    .map(|f| f(&[str_v(&String::from_utf8_lossy(b))]))
                    .and_then(Result::ok)
                    .unwrap_or(str_v(""));
                (Arc::from(n.rsplit('/').next().unwrap_or(n)), enc)
            })
            .collect();
        Ok(str_v(&toyaml::to_yaml(&Value::Map(gotmpl::MapRef::new(m)))))
    });
    let f5 = files.clone();
    let lines = Arc::new(move |a: &[Value]| {
        let name = funcs::to_str(a.first().unwrap_or(&Value::Nil));
        let text = f5
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, b)| String::from_utf8_lossy(b).to_string())
            .unwrap_or_default();
        Ok(Value::List(
            text.split('\n').map(str_v).collect::<Vec<_>>().into(),
        ))
    });
    // The files themselves are entries too (Go's `Files` is a map of path to content):
    // `range $path, $_ := .Files.Glob "x/*"`, `if .Files.Glob "x"`.
    let mut entries: Vec<(&str, Value)> = files
        .iter()
        .map(|(n, b)| (n.as_str(), str_v(&String::from_utf8_lossy(b))))
        .collect();
    entries.extend(vec![
        ("Get", Value::Function(get.clone())),
        ("GetBytes", Value::Function(get)),
        ("Glob", Value::Function(glob)),
        ("AsConfig", Value::Function(as_config)),
        ("AsSecrets", Value::Function(as_secrets)),
        ("Lines", Value::Function(lines)),
    ]);
    vmap(entries)
}

/// Renders the chart in `dir` (a folder holding `Chart.yaml`) as `helm template` would.
/// `display` is how `dir` is reported (relative to the working directory, with `/`).
pub fn render_chart(dir: &Path, display: &str, opts: &RenderOptions) -> Outcome {
    // A big stack for deep template nesting; the render runs on its own thread.
    let (dir, display, opts) = (dir.to_path_buf(), display.to_string(), opts.clone());
    let handle = std::thread::Builder::new()
        .name("helm-render".into())
        .stack_size(256 * 1024 * 1024)
        .spawn(move || render_on_this_thread(&dir, &display, &opts));
    match handle {
        Ok(h) => h.join().unwrap_or_else(|_| Outcome {
            rendered: None,
            problems: vec![Problem::error(
                "chart",
                None,
                "the Helm renderer failed unexpectedly (a bug): chart not checked",
            )],
        }),
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

fn render_on_this_thread(dir: &Path, display: &str, opts: &RenderOptions) -> Outcome {
    let mut problems = Vec::new();
    DEADLINE.with(|d| d.set(Some(Instant::now() + TIME_LIMIT)));
    gotmpl::trace::set_deadline(Some(Instant::now() + TIME_LIMIT));
    // Random functions draw from a generator seeded by what is rendered, so the same chart
    // with the same settings renders the same bytes (Helm's are random).
    crypto::seed(&format!(
        "{display}\0{}\0{}\0{:?}\0{:?}",
        opts.release_name, opts.namespace, opts.values_files, opts.set
    ));
    let Some(chart) = load_dir(dir, display, &mut problems, 0) else {
        return Outcome {
            rendered: None,
            problems,
        };
    };
    // User values: --values files then --set, over the chart's values.yaml.
    let mut user = serde_json::json!({});
    let mut origins = Origins::default();
    for vf in &opts.values_files {
        let shown =
            crate::input::files::display_path(vf, &std::env::current_dir().unwrap_or_default());
        let read = std::fs::read(vf)
            .map_err(|e| Problem::error(&shown, None, format!("cannot read values file: {e}")))
            .and_then(|b| crate::input::files::decode(&shown, b))
            .map(|t| SourceFile::new(shown.clone(), Some(vf.clone()), t))
            .and_then(|src| values::read_yaml(&src).map(|(v, t)| (src, v, t)));
        match read {
            Ok((src, v, tree)) => {
                if !v.is_null() && !v.is_object() {
                    problems.push(Problem::error(&shown, None, "values file is not a mapping"));
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
        // Reported under its keys only: a value given on the command line (a password) is
        // never part of a path in a report.
        let file = SourceFile::new(values::set_display(s), None, s.clone());
        if let Err(e) = values::apply_set(&mut user, s, &file, &mut origins) {
            problems.push(Problem::error(&file.path, None, e));
        }
    }
    let prepared = prepare(&chart, chart.name.clone(), user, origins, &mut problems);
    if let Some(schema) = chart.file("values.schema.json") {
        validate_schema(schema, &prepared.values, &prepared.origins, &mut problems);
    }
    let mut flat: Vec<&Prepared> = Vec::new();
    fn flatten<'p, 'a>(p: &'p Prepared<'a>, out: &mut Vec<&'p Prepared<'a>>) {
        out.push(p);
        for s in &p.subs {
            flatten(s, out);
        }
    }
    flatten(&prepared, &mut flat);

    // Every template of every enabled chart, named `<chart path>/templates/<rel>`.
    let mut tmpls: Vec<Tmpl> = Vec::new();
    for (i, p) in flat.iter().enumerate() {
        for f in p
            .chart
            .files
            .iter()
            .filter(|f| f.rel.starts_with("templates/"))
        {
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
    let mut define_file: HashMap<String, Arc<SourceFile>> = HashMap::new();
    let mut parse_failed: Vec<String> = Vec::new();
    for t in &tmpls {
        match set.parse_named(&t.name, &t.file.text) {
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
    let caps = capabilities(&kube);
    let release = vmap(vec![
        ("Name", str_v(&opts.release_name)),
        ("Namespace", str_v(&opts.namespace)),
        ("IsInstall", Value::Bool(true)),
        ("IsUpgrade", Value::Bool(false)),
        ("Revision", Value::Int(1)),
        ("Service", str_v("Helm")),
    ]);
    let tops = top_objects(&flat, &release, &caps);

    // Render in Helm's order (the parse order: deepest first, names in reverse): a template
    // may change its chart's shared top-level object or values (`set $ "Values" …`,
    // `merge .Values.x …`) for the ones after it; outputs are sorted for the stream afterwards.
    let mut docs: Vec<Doc> = Vec::new();
    let mut total = 0usize;
    for t in &tmpls {
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
        tops[t.chart].write().insert(
            Arc::from("Template"),
            vmap(vec![
                ("Name", str_v(&t.name)),
                ("BasePath", str_v(&format!("{}/templates", p.path))),
            ]),
        );
        let data = Value::Map(tops[t.chart].clone());
        gotmpl::trace::start();
        let result = set.execute_template_to_string(&t.name, &data);
        let trace = gotmpl::trace::take().unwrap_or_default();
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
                split_documents(t, &out, &trace.pieces, &define_file, p, &mut docs);
            }
            Err(e) => {
                // The innermost node whose template is a chart file (not `tpl` text).
                let at =
                    trace.last.iter().rev().find_map(|(name, off, _)| {
                        define_file.get(name).map(|f| (f.clone(), *off))
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
    // Helm's install order of kinds, then template name (hooks and tests among the rest, as
    // `helm template` prints them).
    docs.sort_by(|a, b| (kind_rank(&a.kind), &a.name).cmp(&(kind_rank(&b.kind), &b.name)));
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
        text.push('\n');
    }
    let stream = SourceFile::new(display.to_string(), Some(dir.to_path_buf()), text);
    Outcome {
        rendered: Some(Rendered { stream, map }),
        problems,
    }
}

/// One rendered document with its source map relative to its content.
struct Doc {
    name: String,
    content: String,
    kind: String,
    segments: Vec<(std::ops::Range<usize>, Vec<Origin>)>,
}

const INSTALL_ORDER: &[&str] = &[
    "PriorityClass",
    "Namespace",
    "NetworkPolicy",
    "ResourceQuota",
    "LimitRange",
    "PodSecurityPolicy",
    "PodDisruptionBudget",
    "ServiceAccount",
    "Secret",
    "SecretList",
    "ConfigMap",
    "StorageClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "CustomResourceDefinition",
    "ClusterRole",
    "ClusterRoleList",
    "ClusterRoleBinding",
    "ClusterRoleBindingList",
    "Role",
    "RoleList",
    "RoleBinding",
    "RoleBindingList",
    "Service",
    "DaemonSet",
    "Pod",
    "ReplicationController",
    "ReplicaSet",
    "Deployment",
    "HorizontalPodAutoscaler",
    "StatefulSet",
    "Job",
    "CronJob",
    "IngressClass",
    "Ingress",
    "APIService",
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
];

fn kind_rank(kind: &str) -> usize {
    INSTALL_ORDER
        .iter()
        .position(|k| *k == kind)
        .unwrap_or(INSTALL_ORDER.len())
}

fn template_error(msg: &str, file: &Arc<SourceFile>, offset: Option<usize>) -> Problem {
    // gotmpl's parse errors carry `name:line:col`; runtime errors get the traced node.
    let pos = match offset {
        Some(o) => Some(file.lines.pos_at_offset(&file.text, o.min(file.text.len()))),
        None => parse_error_pos(msg, file),
    };
    Problem::error(&file.path, pos, format!("cannot render template: {msg}"))
}

fn parse_error_pos(msg: &str, file: &SourceFile) -> Option<crate::input::span::Pos> {
    // "template: name:12:5: ..." or "name:12: ...".
    let re = regex::Regex::new(r":(\d+):(?:(\d+):)?").ok()?;
    let c = re.captures(msg)?;
    let line: u32 = c.get(1)?.as_str().parse().ok()?;
    let col: usize = c.get(2).and_then(|m| m.as_str().parse().ok()).unwrap_or(1);
    Some(
        file.lines
            .pos_at_line_col(&file.text, line, col.saturating_sub(1)),
    )
}

/// The output of one template split into documents (Helm splits on `---` lines), each with
/// its origins from the trace.
fn split_documents(
    t: &Tmpl,
    out: &str,
    pieces: &[gotmpl::trace::Piece],
    define_file: &HashMap<String, Arc<SourceFile>>,
    p: &Prepared,
    docs: &mut Vec<Doc>,
) {
    let mut bounds = Vec::new();
    let mut start = 0;
    let mut pos = 0;
    for line in out.split_inclusive('\n') {
        let l = line.trim_end();
        if l == "---"
            || (l.starts_with("---") && l[3..].starts_with(|c: char| c.is_whitespace() || c == '#'))
        {
            bounds.push(start..pos);
            start = pos + line.len();
        }
        pos += line.len();
    }
    bounds.push(start..out.len());
    let mut with_cache: HashMap<usize, Vec<Scope>> = HashMap::new();
    let mut line_cache: HashMap<usize, Arc<Vec<LinePath>>> = HashMap::new();
    for b in bounds {
        let chunk = &out[b.clone()];
        // Drop leading blank lines and trailing whitespace as Helm does.
        let lead = chunk.len() - chunk.trim_start_matches(['\n', '\r', ' ', '\t']).len();
        let lead = chunk[..lead]
            .rfind('\n')
            .map(|i| i + 1)
            .unwrap_or(0)
            .min(lead);
        let body = chunk[lead..].trim_end();
        if body
            .lines()
            .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
        {
            continue;
        }
        let off = b.start + lead;
        let end = off + body.len();
        let mut segments = Vec::new();
        // Pieces are in output order: start at the first one that ends after this document.
        let first = pieces.partition_point(|pc| pc.end <= off);
        for (pi, piece) in pieces[first..]
            .iter()
            .enumerate()
            .take_while(|(_, pc)| pc.start < end)
            .map(|(i, pc)| (first + i, pc))
        {
            let file = define_file
                .get(&piece.name)
                .cloned()
                .unwrap_or_else(|| t.file.clone());
            let (s, e) = (piece.start.max(off), piece.end.min(end));
            if piece.action {
                let src = &file.text;
                let a_start = piece.offset.min(src.len());
                let a_end = src[a_start..]
                    .find("}}")
                    .map(|i| a_start + i + 2)
                    .unwrap_or(src.len());
                let span = Span::new(
                    file.lines.pos_at_offset(src, a_start),
                    file.lines.pos_at_offset(src, a_end),
                );
                let tmpl_origin = Origin {
                    role: OriginRole::Template,
                    file: file.clone(),
                    span,
                };
                let scopes = with_cache
                    .entry(Arc::as_ptr(&file) as usize)
                    .or_insert_with(|| scopes(&file.text));
                let expr = &src[a_start..a_end];
                let base_path = values_path(expr, a_start, scopes);
                // Line by line: a block printed by toYaml maps each line to its own key.
                let printed = &out[piece.start..piece.end];
                // Computed once per piece (a big block can span many documents).
                let line_paths = base_path.as_ref().map(|_| {
                    line_cache
                        .entry(pi)
                        .or_insert_with(|| Arc::new(yaml_line_paths(printed)))
                        .clone()
                });
                let mut cur = s;
                while cur < e {
                    let rel = cur - piece.start;
                    let line_end = printed[rel..]
                        .find('\n')
                        .map(|i| piece.start + rel + i + 1)
                        .unwrap_or(piece.end)
                        .min(e);
                    let mut origins = Vec::new();
                    if let Some(bp) = &base_path {
                        let sub = line_paths
                            .as_ref()
                            .and_then(|lp| {
                                // Line ranges are in order: binary search.
                                let i = lp.partition_point(|(r, _)| r.end <= rel);
                                lp.get(i)
                                    .filter(|(r, _)| r.contains(&rel))
                                    .map(|(_, p)| p.clone())
                            })
                            .unwrap_or_default();
                        let mut full = bp.clone();
                        full.extend(sub);
                        while !full.is_empty() {
                            if let Some(o) = p.origins.get(&full) {
                                origins.push(o.clone());
                                break;
                            }
                            full.pop();
                        }
                    }
                    origins.push(tmpl_origin.clone());
                    segments.push((cur - off..line_end - off, origins));
                    cur = line_end;
                }
            } else {
                // Literal text: the same bytes as the template's, line by line.
                let src = &file.text;
                let text_here = src.get(piece.offset..piece.offset + (piece.end - piece.start));
                let exact = text_here == Some(&out[piece.start..piece.end]);
                let mut cur = s;
                while cur < e {
                    let rel = cur - piece.start;
                    let line_end = out[cur..e].find('\n').map(|i| cur + i + 1).unwrap_or(e);
                    let span = if exact {
                        let a = piece.offset + rel;
                        let b = piece.offset + (line_end - piece.start);
                        let b_trim = src[a..b].trim_end_matches('\n').len() + a;
                        Span::new(
                            file.lines.pos_at_offset(src, a),
                            file.lines.pos_at_offset(src, b_trim),
                        )
                    } else {
                        let pos = file.lines.pos_at_offset(src, piece.offset.min(src.len()));
                        Span::new(pos, pos)
                    };
                    segments.push((
                        cur - off..line_end - off,
                        vec![Origin {
                            role: OriginRole::Template,
                            file: file.clone(),
                            span,
                        }],
                    ));
                    cur = line_end;
                }
            }
        }
        let head =
            crate::input::yaml::parse_stream(body, &crate::input::span::LineIndex::new(body));
        let _ = head;
        let kind = doc_kind(body);
        docs.push(Doc {
            name: t.name.clone(),
            content: body.to_string(),
            kind,
            segments,
        });
    }
}

/// The kind of a rendered document (its top-level `kind:`).
fn doc_kind(body: &str) -> String {
    body.lines()
        .find_map(|l| l.strip_prefix("kind:"))
        .map(|k| k.trim().trim_matches(['"', '\'']).to_string())
        .unwrap_or_default()
}

/// A `with`/`range` block of a template source: its body's byte range and the values path
/// its pipeline names (`.Values.securityContext` → `["securityContext"]`).
struct Scope {
    body: std::ops::Range<usize>,
    path: Option<Vec<String>>,
    /// `range` changes dot to an element, not the value itself.
    range: bool,
}

fn scopes(src: &str) -> Vec<Scope> {
    let mut out = Vec::new();
    let mut stack: Vec<(usize, Option<Vec<String>>, bool, bool)> = Vec::new();
    let mut i = 0;
    while let Some(o) = src[i..].find("{{") {
        let a = i + o;
        let Some(c) = src[a..].find("}}") else { break };
        let b = a + c + 2;
        let inner = src[a + 2..b - 2].trim_matches(|ch: char| ch == '-' || ch.is_whitespace());
        let word = inner.split_whitespace().next().unwrap_or("");
        match word {
            "if" | "define" | "block" => stack.push((b, None, false, false)),
            "with" | "range" => {
                let rest = inner[word.len()..].trim();
                let rest = rest.rsplit(":=").next().unwrap_or(rest).trim();
                let path = dotted_values(rest);
                stack.push((b, path, word == "range", true));
            }
            "end" => {
                if let Some((start, path, range, scoped)) = stack.pop()
                    && scoped
                {
                    out.push(Scope {
                        body: start..a,
                        path,
                        range,
                    });
                }
            }
            _ => {}
        }
        i = b;
    }
    out
}

/// `.Values.a.b` or `$.Values.a.b` at the start of an expression → `["a", "b"]`.
fn dotted_values(expr: &str) -> Option<Vec<String>> {
    let e = expr.trim().trim_start_matches('(');
    let rest = e
        .strip_prefix("$.Values.")
        .or_else(|| e.strip_prefix(".Values."))?;
    let path: Vec<String> = rest
        .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-' || c == '.'))
        .next()
        .unwrap_or("")
        .split('.')
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    (!path.is_empty()).then_some(path)
}

/// The values path an action prints, if it prints one value: `.Values.x.y` anywhere in its
/// pipeline (one distinct path), or `.`/`.field` inside `with .Values.x`.
fn values_path(action: &str, at: usize, scopes: &[Scope]) -> Option<Vec<String>> {
    let inner = action
        .trim_start_matches("{{")
        .trim_end_matches("}}")
        .trim_matches(|c: char| c == '-' || c.is_whitespace());
    let first = inner.split_whitespace().next().unwrap_or("");
    if matches!(first, "include" | "template" | "tpl") && !inner.contains(".Values.") {
        return None;
    }
    let re = VALUES_RE.get_or_init(|| {
        regex::Regex::new(r"\$?\.Values((?:\.[A-Za-z0-9_-]+)+)").expect("valid regex")
    });
    let mut paths: Vec<Vec<String>> = Vec::new();
    for c in re.captures_iter(inner) {
        let p: Vec<String> = c[1]
            .split('.')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        if !paths.contains(&p) {
            paths.push(p);
        }
    }
    match paths.len() {
        1 => return paths.pop(),
        0 => {}
        _ => {
            // `default .Values.a .Values.b`, `.Values.x | default "y"`: the last printed.
            return paths.pop();
        }
    }
    // Dot inside `with .Values.x` (innermost scope holding the action).
    let dot_re = DOT_RE.get_or_init(|| {
        regex::Regex::new(r"(?:^|[\s(|])\.((?:[A-Za-z0-9_]+\.?)*)").expect("valid regex")
    });
    let c = dot_re.captures(inner)?;
    let scope = scopes
        .iter()
        .filter(|s| s.body.contains(&at))
        .min_by_key(|s| s.body.len())?;
    let mut path = scope.path.clone()?;
    if scope.range {
        return Some(path);
    }
    path.extend(
        c[1].split('.')
            .filter(|s| !s.is_empty())
            .map(str::to_string),
    );
    Some(path)
}

static VALUES_RE: OnceLock<regex::Regex> = OnceLock::new();
static DOT_RE: OnceLock<regex::Regex> = OnceLock::new();

/// For text printed by `toYaml`: each line's byte range and its key path from the printed
/// value's root (indentation-tracked mapping keys and sequence indexes).
/// A line of a printed block (its byte range) and its key path.
type LinePath = (std::ops::Range<usize>, Vec<String>);

fn yaml_line_paths(text: &str) -> Vec<LinePath> {
    let mut out = Vec::new();
    // (indent, key or index, is_seq, next index)
    let mut stack: Vec<(usize, String)> = Vec::new();
    let mut seq_counts: HashMap<(usize, Vec<String>), usize> = HashMap::new();
    let mut pos = 0;
    let mut block_indent: Option<usize> = None;
    for line in text.split_inclusive('\n') {
        let r = pos..pos + line.len();
        pos += line.len();
        let t = line.trim_end();
        let mut indent = t.len() - t.trim_start().len();
        let mut body = t.trim_start();
        if body.is_empty() {
            out.push((r, stack.iter().map(|(_, k)| k.clone()).collect()));
            continue;
        }
        if let Some(bi) = block_indent {
            if indent > bi {
                out.push((r, stack.iter().map(|(_, k)| k.clone()).collect()));
                continue;
            }
            block_indent = None;
        }
        while stack.last().is_some_and(|(i, _)| *i >= indent) {
            stack.pop();
        }
        // `- key: v`: an item, then a key inside it.
        while let Some(rest) = body
            .strip_prefix("- ")
            .or_else(|| (body == "-").then_some(""))
        {
            let parent: Vec<String> = stack.iter().map(|(_, k)| k.clone()).collect();
            let n = seq_counts.entry((indent, parent)).or_insert(0);
            stack.push((indent, n.to_string()));
            *n += 1;
            indent += 2;
            body = rest;
            if body.is_empty() {
                break;
            }
        }
        if let Some((k, v)) = body.split_once(':')
            && (v.is_empty() || v.starts_with(' '))
            && !k.starts_with(['"', '\'', '{', '['])
        {
            stack.push((indent, k.trim().to_string()));
            out.push((r, stack.iter().map(|(_, k)| k.clone()).collect()));
            let v = v.trim();
            if v.starts_with('|') || v.starts_with('>') {
                block_indent = Some(indent);
            }
            continue;
        }
        out.push((r, stack.iter().map(|(_, k)| k.clone()).collect()));
    }
    out
}

/// Validates the merged values against the chart's `values.schema.json` (JSON Schema).
fn validate_schema(
    schema: &ChartFile,
    values: &serde_json::Value,
    origins: &Origins,
    problems: &mut Vec<Problem>,
) {
    let Ok(text) = std::str::from_utf8(&schema.bytes) else {
        problems.push(Problem::error(
            &schema.display,
            None,
            "values.schema.json is not UTF-8",
        ));
        return;
    };
    let s: serde_json::Value = match serde_json::from_str(text) {
        Ok(s) => s,
        Err(e) => {
            problems.push(Problem::error(
                &schema.display,
                None,
                format!("values.schema.json is not valid JSON: {e}"),
            ));
            return;
        }
    };
    let validator = match jsonschema::validator_for(&s) {
        Ok(v) => v,
        Err(e) => {
            problems.push(Problem::error(
                &schema.display,
                None,
                format!("values.schema.json is not a valid schema: {e}"),
            ));
            return;
        }
    };
    for e in validator.iter_errors(values).take(20) {
        let at = e.instance_path().as_str().to_string();
        let shown = if at.is_empty() {
            "/".to_string()
        } else {
            at.clone()
        };
        // Located at the values line that set the value (or its nearest set parent), which is
        // where it is fixed; else at the schema file.
        let mut path: Vec<String> = at
            .split('/')
            .filter(|s| !s.is_empty())
            .map(|s| s.replace("~1", "/").replace("~0", "~"))
            .collect();
        let origin = loop {
            if let Some(o) = origins.get(&path) {
                break Some(o);
            }
            if path.pop().is_none() {
                break None;
            }
        };
        let msg = format!("values do not match values.schema.json at {shown}: {e}");
        problems.push(match origin {
            Some(o) => Problem::error(&o.file.path, Some(o.span.start), msg),
            None => Problem::error(&schema.display, None, msg),
        });
    }
}
