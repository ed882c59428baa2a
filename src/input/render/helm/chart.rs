//! Loading a chart: its files (honouring `.helmignore`), `Chart.yaml`, and its subcharts
//! under `charts/`, as folders or `.tgz` archives, within the file and size limits.

use super::*;
use crate::source::span::{Children, PathSeg};
/// One file of a chart, by its path inside the chart (`templates/x.yaml`).
#[derive(Debug, Clone)]
pub(super) struct ChartFile {
    pub(super) rel: String,
    pub(super) bytes: Arc<Vec<u8>>,
    /// Where it is reported (`deploy/chart/templates/x.yaml`, `chart/charts/sub.tgz#sub/...`).
    pub(super) display: String,
    pub(super) fs_path: Option<PathBuf>,
}

/// A loaded chart: its metadata, files and subcharts.
#[derive(Debug)]
pub(super) struct Chart {
    /// Chart.yaml as JSON.
    pub(super) meta: serde_json::Value,
    pub(super) name: String,
    pub(super) files: Vec<ChartFile>,
    pub(super) subcharts: Vec<Chart>,
    /// For a dependency `charts/` lacked, read from the repository instead: where from, and
    /// why that copy (said in a note at the dependency).
    pub(super) taken_from: Option<String>,
    /// Its `values.yaml` read once: a chart with `condition`s weighs its subcharts with
    /// their defaults before each subchart settles its own values from the same file, and a
    /// subchart listed under two aliases settles twice.
    defaults: std::sync::OnceLock<Option<Result<ReadValues, Problem>>>,
}

/// A values file, its values and their spans.
pub(super) type ReadValues = (
    Arc<SourceFile>,
    serde_json::Value,
    crate::source::span::SpanTree,
);

impl Chart {
    pub(super) fn file(&self, rel: &str) -> Option<&ChartFile> {
        self.files.iter().find(|f| f.rel == rel)
    }

    /// The entries of the chart's `dependencies` (a Helm 2 chart's `requirements.yaml` ones
    /// are merged into its metadata when it is loaded); none when it lists none.
    pub(super) fn dependencies(&self) -> &[serde_json::Value] {
        self.meta
            .get("dependencies")
            .and_then(|d| d.as_array())
            .map_or(&[], Vec::as_slice)
    }
    /// Its `values.yaml` as read by [`super::values::read_values_yaml`] (None when it has
    /// none), read once.
    pub(super) fn values_yaml(&self) -> Option<&Result<ReadValues, Problem>> {
        self.defaults
            .get_or_init(|| {
                self.file("values.yaml").map(|vf| {
                    source(vf).and_then(|src| {
                        super::values::read_values_yaml(&src).map(|(v, t)| (src, v, t))
                    })
                })
            })
            .as_ref()
    }

    /// Its files under `templates/`.
    pub(super) fn templates(&self) -> impl Iterator<Item = &ChartFile> {
        self.files
            .iter()
            .filter(|f| f.rel.starts_with("templates/"))
    }
    pub(super) fn is_library(&self) -> bool {
        self.meta.get("type").and_then(|t| t.as_str()) == Some("library")
    }
}

pub(super) fn source(f: &ChartFile) -> Result<Arc<SourceFile>, Problem> {
    let text = crate::input::files::decode(&f.display, f.bytes.to_vec())?;
    Ok(SourceFile::new(f.display.clone(), f.fs_path.clone(), text))
}

/// The shown path of `rel` inside the chart shown as `display`: a chart checked as `.` shows
/// its files as `templates/x.yaml`, as the walk shows plain files, not `./templates/x.yaml`.
fn below(display: &str, rel: &str) -> String {
    match display.trim_end_matches('/') {
        "" | "." => rel.to_string(),
        d => format!("{d}/{rel}"),
    }
}

/// Reads a chart folder (recursively, its `charts/` folders and archives).
pub(super) fn load_dir(
    dir: &Path,
    display: &str,
    problems: &mut Vec<Problem>,
    depth: usize,
) -> Option<Chart> {
    let mut files = Vec::new();
    let ignore = read_helmignore(dir, display, problems)?;
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
            if let Some(line) = ignored(&ignore, &r, ft.is_dir()) {
                // Helm then finds no Chart.yaml: the rule that left it out is the place.
                if r == "Chart.yaml" && rel.is_empty() {
                    problems.push(Problem::error(
                        &below(display, ".helmignore"),
                        Some(crate::source::span::Pos {
                            line: line.max(1),
                            column: 1,
                        }),
                        "Chart.yaml file is missing (this .helmignore rule leaves it out)",
                    ));
                    return None;
                }
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
                        display: below(display, &r),
                        rel: r,
                        bytes: Arc::new(b),
                        fs_path: Some(e.path()),
                    }),
                    Err(err) => problems.push(Problem::error(
                        &below(display, &r),
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
            &below(display, &format!("charts/{name}")),
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
        let shown = below(display, &format!("charts/{name}"));
        if let Some(c) = load_archive(&a, &shown, problems, depth + 1) {
            chart.subcharts.push(c);
        }
    }
    // Only for the chart checked: a vendored subchart's own dependencies are Helm's to package.
    if depth == 0 {
        local_dependencies(&mut chart, dir, display, problems);
    }
    Some(chart)
}

/// Dependencies `charts/` lacks (repositories seldom commit `charts/*.tgz`), read from the
/// repository itself when it holds them, so that the chart is checked whole offline:
/// - a `file://` dependency from its folder, which is what `helm dependency build` packages;
/// - any other from the chart's sibling folder of the dependency's name (a monorepo of charts:
///   Bitnami's `common`, prometheus-community's `kube-state-metrics`), when that folder's chart
///   has the dependency's name and a version its constraint accepts.
///
/// A copy with another name or an unaccepted version is not used: the dependency stays missing
/// (an error, in `prepare`). Each one used is named in a note at the dependency.
fn local_dependencies(chart: &mut Chart, dir: &Path, display: &str, problems: &mut Vec<Problem>) {
    let Some(deps) = chart.meta.get("dependencies").and_then(|d| d.as_array()) else {
        return;
    };
    let mut found = Vec::new();
    for dep in deps {
        let Some(name) = dep.get("name").and_then(|n| n.as_str()) else {
            continue;
        };
        if chart.subcharts.iter().any(|s| s.name == name)
            || found.iter().any(|c: &Chart| c.name == name)
        {
            continue;
        }
        let repo = dep.get("repository").and_then(|r| r.as_str()).unwrap_or("");
        let rel = match repo.strip_prefix("file://") {
            Some(path) => path.to_string(),
            // A sibling folder: the name must be one folder's name, not a path.
            None if name.is_empty() || name.contains(['/', '\\']) || name.starts_with('.') => {
                continue;
            }
            None => format!("../{name}"),
        };
        let folder = dir.join(&rel);
        if !folder.join("Chart.yaml").is_file() || same_folder(&folder, dir) {
            continue;
        }
        let shown = if Path::new(&rel).is_absolute() {
            crate::input::files::display_path(
                Path::new(&rel),
                &std::env::current_dir().unwrap_or_default(),
            )
        } else {
            crate::input::render::join_display(display, &rel)
        };
        let mut found_problems = Vec::new();
        let Some(mut c) = load_dir(&folder, &shown, &mut found_problems, 1) else {
            continue;
        };
        let version = c.meta.get("version").and_then(|v| v.as_str()).unwrap_or("");
        let constraint = dep
            .get("version")
            .and_then(|v| v.as_str())
            .unwrap_or("")
            .trim();
        let accepted =
            constraint.is_empty() || funcs::semver_compare(constraint, version).unwrap_or(false);
        if c.name != name || !accepted {
            continue;
        }
        problems.extend(found_problems);
        let within = if constraint.is_empty() {
            String::new()
        } else {
            format!(", which {constraint} accepts")
        };
        c.taken_from = Some(if repo.starts_with("file://") {
            format!(
                "read from {shown} (version {version}{within}), as `helm dependency build` packages it"
            )
        } else {
            let from = if repo.is_empty() {
                String::new()
            } else {
                format!(" from {repo}")
            };
            format!(
                "read from the repository's own {shown} (version {version}{within}); the chart `helm dependency build` fetches{from} may differ"
            )
        });
        found.push(c);
    }
    chart.subcharts.extend(found);
}

/// Whether two folders are the same (a chart naming itself as its dependency).
fn same_folder(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

pub(super) fn chart_from_files(
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
    let mut meta = match read_metadata(&src, go_string_fields) {
        Ok(v) => v,
        Err(p) => {
            problems.push(p);
            return None;
        }
    };
    // Helm 2 charts (`apiVersion: v1`) list their dependencies in `requirements.yaml`; Helm
    // reads it after Chart.yaml into the same metadata, so its `dependencies` (conditions,
    // aliases, import-values) replace Chart.yaml's, whatever the apiVersion.
    if let Some(rf) = files.iter().find(|f| f.rel == "requirements.yaml") {
        match source(rf).and_then(|s| {
            read_metadata(&s, |req, t| {
                let deps = req.as_object_mut().map(|o| o.get_mut("dependencies"));
                each_object(
                    deps.flatten(),
                    t.child_key("dependencies"),
                    &DEPENDENCY_TEXT,
                    t,
                );
            })
        }) {
            Ok(req) => {
                if let (Some(deps), Some(m)) = (req.get("dependencies"), meta.as_object_mut()) {
                    m.insert("dependencies".into(), deps.clone());
                }
            }
            Err(p) => problems.push(p),
        }
    }
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
        taken_from: None,
        defaults: std::sync::OnceLock::new(),
    })
}

/// Chart.yaml (or requirements.yaml) read as Helm reads it into its struct: `strings` turns
/// the scalars of the struct's `string` fields into Go's strings ([`go_string_fields`]). An
/// infinity or NaN (`.inf`) in such a field is Go's name for it (`+Inf`); anywhere else it is
/// Helm's error, located at the scalar (sigs.k8s.io/yaml goes through JSON, which has none).
fn read_metadata(
    src: &Arc<SourceFile>,
    strings: impl FnOnce(&mut serde_json::Value, &Fields),
) -> Result<serde_json::Value, Problem> {
    let (mut meta, tree, non_finite) = values::read_yaml_non_finite(src)?;
    let fields = Fields {
        tree,
        src: src.clone(),
        non_finite: std::cell::RefCell::new(non_finite),
    };
    strings(&mut meta, &fields);
    if let Some(i) = fields.non_finite.into_inner().into_iter().next() {
        return Err(Problem::error(&src.path, Some(i.pos), i.message));
    }
    Ok(meta)
}

/// The span tree of a metadata file beside its value, and the infinities and NaNs found in it
/// that no `string` field has taken yet.
struct Fields {
    tree: SpanTree,
    src: Arc<SourceFile>,
    non_finite: std::cell::RefCell<Vec<crate::input::yaml::ResolveIssue>>,
}

impl Fields {
    fn child_key(&self, k: &str) -> Option<&SpanTree> {
        self.tree.child_key(k)
    }

    /// Takes the infinity or NaN written as the scalar `leaf` (a leaf of the tree), if any:
    /// Go's name for it (`+Inf`, `-Inf`, `NaN`).
    fn take_non_finite(&self, leaf: Option<&SpanTree>) -> Option<&'static str> {
        let leaf = leaf.filter(|t| matches!(t.children, Children::Leaf))?;
        let at = |o: u32| self.src.lines.pos_at_offset(&self.src.text, o as usize);
        let (start, end) = (at(leaf.span.start), at(leaf.span.end));
        let mut found = self.non_finite.borrow_mut();
        let i = found.iter().position(|i| start <= i.pos && i.pos < end)?;
        let issue = found.remove(i);
        issue
            .message
            .rsplit(' ')
            .next()
            .and_then(|name| ["+Inf", "-Inf", "NaN"].into_iter().find(|n| *n == name))
    }
}

const DEPENDENCY_TEXT: [&str; 6] = [
    "name",
    "version",
    "repository",
    "condition",
    "tags",
    "alias",
];

fn text_fields(
    o: &mut serde_json::Map<String, serde_json::Value>,
    tree: Option<&SpanTree>,
    keys: &[&str],
    fields: &Fields,
) {
    for k in keys {
        if let Some(v) = o.get_mut(*k) {
            go_string(v, tree.and_then(|t| t.child_key(k)), fields);
        }
    }
}

fn each_text(v: Option<&mut serde_json::Value>, tree: Option<&SpanTree>, fields: &Fields) {
    if let Some(serde_json::Value::Array(items)) = v {
        for (i, item) in items.iter_mut().enumerate() {
            go_string(item, tree.and_then(|t| t.child(&PathSeg::Index(i))), fields);
        }
    }
}

fn each_object(
    v: Option<&mut serde_json::Value>,
    tree: Option<&SpanTree>,
    keys: &[&str],
    fields: &Fields,
) {
    if let Some(serde_json::Value::Array(items)) = v {
        for (i, item) in items.iter_mut().enumerate() {
            if let Some(o) = item.as_object_mut() {
                text_fields(
                    o,
                    tree.and_then(|t| t.child(&PathSeg::Index(i))),
                    keys,
                    fields,
                );
            }
        }
    }
}

/// Chart.yaml's text fields as Helm reads them into its `Metadata` struct: `sigs.k8s.io/yaml`
/// turns a scalar YAML 1.1 reads as a bool, number or null into the string Go prints for it
/// (`name: y` is the chart `true`, `appVersion: 1.10` is `1.1`, `~` is empty). Fields Helm
/// types otherwise (`deprecated`, a dependency's `enabled`, `import-values`) stay as read.
fn go_string_fields(meta: &mut serde_json::Value, fields: &Fields) {
    const TEXT: [&str; 11] = [
        "apiVersion",
        "name",
        "home",
        "version",
        "description",
        "icon",
        "condition",
        "tags",
        "appVersion",
        "kubeVersion",
        "type",
    ];
    let Some(o) = meta.as_object_mut() else {
        return;
    };
    let root = Some(&fields.tree);
    text_fields(o, root, &TEXT, fields);
    each_text(o.get_mut("keywords"), fields.child_key("keywords"), fields);
    each_text(o.get_mut("sources"), fields.child_key("sources"), fields);
    each_object(
        o.get_mut("maintainers"),
        fields.child_key("maintainers"),
        &["name", "email", "url"],
        fields,
    );
    each_object(
        o.get_mut("dependencies"),
        fields.child_key("dependencies"),
        &DEPENDENCY_TEXT,
        fields,
    );
    if let Some(serde_json::Value::Object(a)) = o.get_mut("annotations") {
        let tree = fields.child_key("annotations");
        for (k, v) in a.iter_mut() {
            go_string(v, tree.and_then(|t| t.child_key(k)), fields);
        }
    }
}

/// A scalar as the Go string `sigs.k8s.io/yaml` makes of it for a `string` field: booleans
/// and integers as written by `strconv`, floats by `FormatFloat(f, 'g', -1, 32)` (`1.1`,
/// `0.12345679`, `1e+10`, `+Inf` for `.inf`), null as empty. Maps and lists stay (Helm
/// refuses those). `leaf` is the scalar's place in the file.
fn go_string(v: &mut serde_json::Value, leaf: Option<&SpanTree>, fields: &Fields) {
    use serde_json::Value;
    let text = match v {
        Value::Null => String::new(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) if n.is_i64() || n.is_u64() => n.to_string(),
        Value::Number(n) => crate::input::yaml::go_float32(n.as_f64().unwrap_or(0.0)),
        Value::String(_) => match fields.take_non_finite(leaf) {
            Some(name) => name.to_string(),
            None => return,
        },
        _ => return,
    };
    *v = Value::String(text);
}

/// Reads a `.tgz` subchart: one top folder holding the chart.
pub(super) fn load_archive(
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
    let unreadable =
        |e: std::io::Error| Problem::error(display, None, format!("cannot read archive: {e}"));
    let entries = match ar.entries() {
        Ok(e) => e,
        Err(e) => {
            problems.push(unreadable(e));
            return None;
        }
    };
    for entry in entries {
        let mut entry = match entry {
            Ok(e) => e,
            Err(e) => {
                problems.push(unreadable(e));
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

/// One rule of `.helmignore` as Helm's `pkg/ignore` reads it: a pattern (Go's
/// `filepath.Match`: `*` and `?` stop at `/`) matched against the path from the chart's
/// folder when it holds a `/` (a leading `/` only anchors it there), else against the last
/// name of the path; a trailing `/` limits it to folders; a leading `!` negates it.
struct IgnoreRule {
    must_dir: bool,
    negate: bool,
    /// The rule's line in `.helmignore` (0 for Helm's default rule).
    line: u32,
}

/// A chart's `.helmignore` rules, in order, with their patterns in two glob sets: those
/// matched against the whole path and those matched against the last name. A set matches
/// literal names and `*.ext` patterns without building a regular expression, where a matcher
/// a rule built one for each (≈ 65 K instructions a rule, and every chart and subchart reads
/// its own file of a dozen or more rules).
pub(super) struct HelmIgnore {
    rules: Vec<IgnoreRule>,
    whole: globset::GlobSet,
    /// The rule of each pattern of `whole`, by the pattern's index.
    whole_rules: Vec<usize>,
    base: globset::GlobSet,
    base_rules: Vec<usize>,
}

/// Reads `.helmignore`, with Helm's default rule `templates/.?*` (hidden files under
/// `templates/`) after the file's rules. A rule with `**` or a pattern Go's `filepath.Match`
/// refuses makes Helm refuse the chart: a located problem, and `None`.
pub(super) fn read_helmignore(
    dir: &Path,
    display: &str,
    problems: &mut Vec<Problem>,
) -> Option<HelmIgnore> {
    let text = std::fs::read_to_string(dir.join(".helmignore")).unwrap_or_default();
    let shown = below(display, ".helmignore");
    let mut rules = Vec::new();
    let (mut whole, mut whole_rules) = (globset::GlobSetBuilder::new(), Vec::new());
    let (mut base, mut base_rules) = (globset::GlobSetBuilder::new(), Vec::new());
    for (i, line) in text
        .lines()
        .map(|l| (true, l))
        .chain([(false, "templates/.?*")])
        .enumerate()
    {
        let (in_file, line) = line;
        let at = Some(crate::source::span::Pos {
            line: i as u32 + 1,
            column: 1,
        });
        let l = line.trim();
        if l.is_empty() || l.starts_with('#') {
            continue;
        }
        if l.contains("**") {
            problems.push(Problem::error(
                &shown,
                at,
                "double-star (**) syntax is not supported",
            ));
            return None;
        }
        let (l, negate) = match l.strip_prefix('!') {
            Some(r) => (r, true),
            None => (l, false),
        };
        let (l, must_dir) = match l.strip_suffix('/') {
            Some(d) => (d, true),
            None => (l, false),
        };
        let whole_path = l.contains('/');
        // A last name holds no `/`, so whether `*` may match one does not matter there, and a
        // set matches `*.ext` without a regular expression only when it may.
        let glob = globset::GlobBuilder::new(l.strip_prefix('/').unwrap_or(l))
            .literal_separator(whole_path)
            .backslash_escape(true)
            .build();
        let Ok(glob) = glob else {
            problems.push(Problem::error(&shown, at, "syntax error in pattern"));
            return None;
        };
        if whole_path {
            whole.add(glob);
            whole_rules.push(rules.len());
        } else {
            base.add(glob);
            base_rules.push(rules.len());
        }
        rules.push(IgnoreRule {
            must_dir,
            negate,
            line: if in_file { i as u32 + 1 } else { 0 },
        });
    }
    // Each glob compiled on its own above, so the sets build.
    let (Ok(whole), Ok(base)) = (whole.build(), base.build()) else {
        problems.push(Problem::error(&shown, None, "syntax error in pattern"));
        return None;
    };
    Some(HelmIgnore {
        rules,
        whole,
        whole_rules,
        base,
        base_rules,
    })
}

/// Helm's `Rules.Ignore`, rule by rule: the first rule that matches ignores the path; a `!`
/// rule ignores every path it does not match (folders too: a folder ignored is not walked).
/// `Some(line)` of the rule that ignores it.
pub(super) fn ignored(ignore: &HelmIgnore, rel: &str, is_dir: bool) -> Option<u32> {
    let base = rel.rsplit('/').next().unwrap_or(rel);
    let mut hits = vec![false; ignore.rules.len()];
    for i in ignore.whole.matches(rel) {
        hits[ignore.whole_rules[i]] = true;
    }
    for i in ignore.base.matches(base) {
        hits[ignore.base_rules[i]] = true;
    }
    for (r, &hit) in ignore.rules.iter().zip(&hits) {
        if r.negate {
            if (r.must_dir && !is_dir) || !hit {
                return Some(r.line);
            }
            continue;
        }
        if r.must_dir && !is_dir {
            continue;
        }
        if hit {
            return Some(r.line);
        }
    }
    None
}
