//! Rendered inputs: Helm charts and Kustomize overlays turned into a Kubernetes YAML stream
//! whose every byte range knows where it came from.
//!
//! A renderer produces a [`Rendered`]: the rendered stream as a synthetic [`SourceFile`]
//! (parsed by the ordinary YAML loader, so rules see ordinary Kubernetes documents) and a
//! [`SourceMap`] from byte ranges of that stream to their [`Origin`]s. The map is recorded
//! while rendering, where each piece of output is made (the same idea as
//! `input/postgres/node.rs` building a value and its spans together), never reconstructed
//! afterwards. A finding located in the rendered stream is then moved to the origin a person
//! has to edit (see [`SourceMap::primary`]); the rest of the chain is kept as related locations.

use crate::source::SourceFile;
use crate::source::map::{OriginRole, SourceMap};
use crate::source::span::{Children, SpanTree};
use std::sync::Arc;

/// What rendering a chart or an overlay produced.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// The rendered stream: multi-document Kubernetes YAML with `# Source:` comments, as
    /// `helm template` and `kustomize build` print it. Its `path` names the chart or overlay
    /// folder (`deploy/chart`), so reports that have no origin still point somewhere real.
    pub stream: Arc<SourceFile>,
    pub map: SourceMap,
    /// For a chart rendered without a namespace given: the namespace it was rendered with
    /// (`default`, as `helm template`). Helm installs such a chart's objects into the
    /// namespace `helm install -n` chooses, not into this one (see [`in_install_namespace`]).
    pub install_namespace: Option<String>,
    /// For a Helm chart: the values each template saw and where each was set, for a finding
    /// on a field a block skipped (`with .Values.podSecurityContext` on `{}`).
    pub chart_values: Option<Arc<helm::ChartValues>>,
}

pub mod helm;
pub mod kustomize;
pub mod roots;

/// Joins a reported path and a relative one, resolving `.` and `..` where it can.
pub fn join_display(base: &str, rel: &str) -> String {
    let joined = if rel.starts_with('/') || base.is_empty() || base == "." {
        rel.to_string()
    } else {
        format!("{base}/{rel}")
    };
    clean_slash_path(&joined)
}

/// Go's `path.Clean` of a slash path: `.` and empty elements dropped, `..` resolved where it
/// can be, `.` for nothing (Sprig's `clean`, and the paths Kustomize reports).
pub fn clean_slash_path(path: &str) -> String {
    let absolute = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for p in path.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|l| *l != "..") {
                    parts.pop();
                } else if !absolute {
                    parts.push("..");
                }
            }
            p => parts.push(p),
        }
    }
    let s = parts.join("/");
    if absolute {
        format!("/{s}")
    } else if s.is_empty() {
        ".".to_string()
    } else {
        s
    }
}

/// How a chart or an overlay is rendered: the settings `helm template` and `kustomize build`
/// take from their command lines, settled once from runeguard's command line and
/// `.runeguard.yaml`.
#[derive(Debug, Clone)]
pub struct RenderOptions {
    /// Helm's release name (`release-name`, as `helm template` uses without one).
    pub release_name: String,
    /// The release namespace (`default`).
    pub namespace: String,
    /// Whether the namespace was given (`-n`, the configuration, a kustomization): when not,
    /// the chart's objects go where `helm install -n` puts them.
    pub namespace_given: bool,
    /// `--values FILE`, in order, applied after the chart's own `values.yaml`.
    pub values_files: Vec<std::path::PathBuf>,
    /// `--set K=V` and Helm's other value flags, in the order Helm applies them (see
    /// [`SetArg`]), after the values files.
    pub set: Vec<SetArg>,
    /// `.Capabilities.KubeVersion` (e.g. `v1.31.0`); None means Helm's default.
    pub kube_version: Option<String>,
    /// `--api-versions`: added after Helm's own `.Capabilities.APIVersions`.
    pub api_versions: Vec<String>,
    /// Values written inside another file (a kustomization's `helmCharts[].valuesInline`).
    pub inline_values: Option<InlineValues>,
    /// `--include-crds`: the charts' `crds/` files come first in the stream.
    pub include_crds: bool,
    /// Added to the stream's name only (` (values ci/x.yaml)` for a chart-testing rendering):
    /// the chart's own files keep their paths, so a finding on a template or `values.yaml`
    /// line is at that file whichever rendering found it.
    pub stream_suffix: String,
}

/// A mapping of values inside another YAML file: the node at `path` of `file`'s first
/// document, merged after the first `after` of the values files (so its lines are the
/// values' origins).
#[derive(Debug, Clone)]
pub struct InlineValues {
    pub file: Arc<SourceFile>,
    pub path: Vec<crate::source::span::PathSeg>,
    pub after: usize,
    /// Kustomize read the values file before `after` itself and wrote it back merged with
    /// these values (`valuesMerge` `override` or `merge`): Helm then reads its scalars as
    /// kyaml wrote them, so `y`, `on`, `no` and the other YAML 1.1 booleans stay strings.
    pub rewrites_file: bool,
    /// The values already read, with their spans in `file` (a `HelmChartInflationGenerator`
    /// configuration's `valuesInline`, which may be text inside a kustomization); `path` is
    /// then unused.
    pub read: Option<(serde_json::Value, crate::source::span::SpanTree)>,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            release_name: "release-name".to_string(),
            namespace: "default".to_string(),
            namespace_given: false,
            values_files: Vec::new(),
            set: Vec::new(),
            kube_version: None,
            api_versions: Vec::new(),
            inline_values: None,
            include_crds: false,
            stream_suffix: String::new(),
        }
    }
}

/// What a renderer returns: the stream when anything rendered, and the located problems met
/// (a template that failed, a remote resource not fetched, a limit reached). A problem of
/// level error makes the run exit 2; a partial stream is still checked.
#[derive(Debug, Default)]
pub struct Outcome {
    pub rendered: Option<Rendered>,
    pub problems: Vec<crate::source::Problem>,
}

/// Settings of one chart or overlay from `.runeguard.yaml` (`render:` entries).
#[derive(Debug, Clone, Default)]
pub struct FolderSettings {
    /// The folder (normalized absolute path).
    pub dir: std::path::PathBuf,
    pub release_name: Option<String>,
    pub namespace: Option<String>,
    /// Values files (absolute), applied after the chart's `values.yaml`, before `--values`.
    pub values_files: Vec<std::path::PathBuf>,
    /// `set:`, `set-string:`, `set-json:`, `set-file:` and `set-literal:`, before the command
    /// line's of the same flag.
    pub set: Vec<SetArg>,
    pub kube_version: Option<String>,
    /// Also render the chart with each of its `ci/*.yaml` (Helm's chart-testing convention).
    pub ci_values: Option<bool>,
}

/// How the charts and overlays of a run are rendered: the command line's options for all,
/// and settings per folder from the configuration.
#[derive(Debug, Clone, Default)]
pub struct RenderConfig {
    /// `--values` / `--set` of the command line (release name, namespace, kube version from
    /// the configuration's defaults).
    pub defaults: RenderOptions,
    pub folders: Vec<FolderSettings>,
    /// Render every chart with each of its `ci/*.yaml` too (`--helm-ci-values`).
    pub ci_values: bool,
}

impl RenderConfig {
    /// The renderings of a chart or overlay, in groups: one group per `render:` entry of its
    /// folder (several entries are several environments of one chart: each is rendered, its
    /// stream named after its values files, ` (values values-prod.yaml)`), else one with the
    /// run's settings. A group is its entry's rendering then, when asked (`ci-values: true`
    /// or `--helm-ci-values`), one more with each `ci/*.yaml` (sorted) as a values file, its
    /// stream named with the suffix ` (values ci/NAME)`.
    pub fn renderings_for(&self, dir: &std::path::Path, chart: bool) -> Vec<Vec<RenderOptions>> {
        let several = self.entries_for(dir).nth(1).is_some();
        let mut groups = Vec::new();
        for (n, entry) in self.entries_for(dir).enumerate() {
            let mut base = self.entry_options(Some(entry));
            if several {
                base.stream_suffix = entry_suffix(entry, n);
            }
            groups.push(self.with_ci(base, Some(entry), dir, chart));
        }
        if groups.is_empty() {
            groups.push(self.with_ci(self.entry_options(None), None, dir, chart));
        }
        groups
    }

    /// `base`, then its renderings with each of the chart's `ci/*.yaml` when asked.
    fn with_ci(
        &self,
        base: RenderOptions,
        entry: Option<&FolderSettings>,
        dir: &std::path::Path,
        chart: bool,
    ) -> Vec<RenderOptions> {
        let wanted = entry.and_then(|f| f.ci_values).unwrap_or(self.ci_values);
        let ci: Vec<std::path::PathBuf> = if chart && wanted {
            ci_values_files(dir)
        } else {
            Vec::new()
        };
        let mut out = vec![base];
        for f in ci {
            let mut o = out[0].clone();
            let name = f
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .to_string();
            o.values_files.insert(0, f);
            o.stream_suffix = format!("{} (values ci/{name})", o.stream_suffix);
            out.push(o);
        }
        out
    }

    /// The options for the chart or overlay in `dir` (normalized absolute path): its first
    /// `render:` entry's, as [`RenderConfig::renderings_for`] gives them first (`runeguard
    /// render` prints that one; `--values` chooses another).
    pub fn options_for(&self, dir: &std::path::Path) -> RenderOptions {
        self.entry_options(self.entries_for(dir).next())
    }

    /// The `render:` entries of the folder `dir` (normalized absolute path), in order.
    pub fn entries_for<'a>(
        &'a self,
        dir: &'a std::path::Path,
    ) -> impl Iterator<Item = &'a FolderSettings> + 'a {
        self.folders.iter().filter(move |f| f.dir == dir)
    }

    /// The options of one `render:` entry (none: the run's): the entry's settings first,
    /// then the command line's values files and `--set`s (applied last).
    fn entry_options(&self, entry: Option<&FolderSettings>) -> RenderOptions {
        let mut o = self.defaults.clone();
        if let Some(f) = entry {
            if let Some(r) = &f.release_name {
                o.release_name = r.clone();
            }
            if let Some(n) = &f.namespace {
                o.namespace = n.clone();
                o.namespace_given = true;
            }
            if f.kube_version.is_some() {
                o.kube_version = f.kube_version.clone();
            }
            let mut values = f.values_files.clone();
            values.extend(o.values_files);
            o.values_files = values;
            let mut set = f.set.clone();
            set.extend(o.set);
            o.set = in_helm_order(set);
        }
        o
    }
}

/// Which of Helm's value flags gave a setting. The order of the variants is the order in which
/// Helm v4 applies them (`pkg/cli/values/options.go` `MergeValues`: after the values files,
/// every `--set-json`, then `--set`, `--set-string`, `--set-file`, `--set-literal`), whatever
/// their order on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SetFlag {
    /// `--set-json`: each value is a JSON document (`a=[1,2]`), or the whole argument one
    /// JSON object merged over the values.
    Json,
    /// `--set`: strvals' grammar, numbers, booleans and `null` typed.
    Set,
    /// `--set-string`: `--set`'s grammar, every value a string.
    String,
    /// `--set-file`: `--set`'s grammar, each value the content of the file it names.
    File,
    /// `--set-literal`: one key, the whole rest of the argument its value, no escapes.
    Literal,
}

impl SetFlag {
    /// Every flag, in the order Helm applies them.
    pub const ALL: [SetFlag; 5] = [
        SetFlag::Json,
        SetFlag::Set,
        SetFlag::String,
        SetFlag::File,
        SetFlag::Literal,
    ];

    /// The flag as written on the command line, which also names the argument in reports.
    pub fn flag(self) -> &'static str {
        match self {
            SetFlag::Json => "--set-json",
            SetFlag::Set => "--set",
            SetFlag::String => "--set-string",
            SetFlag::File => "--set-file",
            SetFlag::Literal => "--set-literal",
        }
    }
}

/// One argument of a value flag (`--set a=1`, `--set-file ca=certs/ca.pem`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SetArg {
    pub flag: SetFlag,
    pub arg: String,
    /// Where a `--set-file` path is read from when relative: the configuration's folder for a
    /// `render:` entry's `set-file:`, as its `values:` are; None for the command line's, read
    /// from the working directory as Helm reads them.
    pub base: Option<std::path::PathBuf>,
}

impl SetArg {
    pub fn new(flag: SetFlag, arg: impl Into<String>) -> Self {
        SetArg {
            flag,
            arg: arg.into(),
            base: None,
        }
    }
}

/// The arguments of each value flag, `by_flag` in [`SetFlag`]'s order (`--set-json`, `--set`,
/// `--set-string`, `--set-file`, `--set-literal`), each flag's in the order given; `base` is
/// where relative `--set-file` paths are read from.
pub fn set_args(by_flag: [&[String]; 5], base: Option<&std::path::Path>) -> Vec<SetArg> {
    SetFlag::ALL
        .into_iter()
        .zip(by_flag)
        .flat_map(|(flag, args)| {
            args.iter().map(move |a| SetArg {
                flag,
                arg: a.clone(),
                base: base.map(std::path::Path::to_path_buf),
            })
        })
        .collect()
}

/// `args` sorted into the order Helm applies its value flags, each flag's arguments in the
/// order given.
pub fn in_helm_order(mut args: Vec<SetArg>) -> Vec<SetArg> {
    args.sort_by_key(|a| a.flag);
    args
}

/// The name a rendering of one of several `render:` entries of a folder adds to its stream's:
/// its values files (` (values values-prod.yaml)`), else its place among the entries.
fn entry_suffix(entry: &FolderSettings, n: usize) -> String {
    let files: Vec<String> = entry
        .values_files
        .iter()
        .map(|p| {
            p.file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .to_string()
        })
        .collect();
    if files.is_empty() {
        format!(" (render entry {})", n + 1)
    } else {
        format!(" (values {})", files.join(", "))
    }
}

/// A chart's `ci/*.yaml` values files (chart-testing's convention), sorted.
pub fn ci_values_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut ci: Vec<std::path::PathBuf> = std::fs::read_dir(dir.join("ci"))
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
        .collect();
    ci.sort();
    ci
}

/// Values files beside a chart's `values.yaml` that Helm does not read by itself
/// (`values-prod.yaml`, `values.staging.yml`, `prod-values.yaml`, a `values.yml` Helm ignores):
/// those not among `used` (the run's values files), sorted.
pub fn unused_values_files(
    dir: &std::path::Path,
    used: &[std::path::PathBuf],
) -> Vec<std::path::PathBuf> {
    let canonical = |p: &std::path::Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.into());
    let used: Vec<std::path::PathBuf> = used.iter().map(|p| canonical(p)).collect();
    let mut out: Vec<std::path::PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            let stem = name
                .strip_suffix(".yaml")
                .or_else(|| name.strip_suffix(".yml"))
                .unwrap_or("");
            name != "values.yaml"
                && stem.to_ascii_lowercase().contains("values")
                && p.is_file()
                && !used.contains(&canonical(p))
        })
        .collect();
    out.sort();
    out
}

/// True when `dir` is a Helm chart (holds `Chart.yaml`).
pub fn is_chart(dir: &std::path::Path) -> bool {
    roots::is_chart(dir)
}

/// The rendered stream with, after each line, a comment naming the origins of that line
/// (`runeguard render --origins`, `runeguard inspect` of a chart or overlay).
pub fn annotate_origins(r: &Rendered) -> String {
    let text = &r.stream.text;
    let mut out = String::with_capacity(text.len() * 2);
    let mut start = 0;
    // Offsets come from the text, what is printed from the masked text (same lines).
    for (n, line) in text.split_inclusive('\n').enumerate() {
        let end = start + line.len();
        let body = line.trim_end_matches('\n');
        out.push_str(printable(&r.stream.redacted_line(n as u32 + 1)).as_str());
        let mut names: Vec<String> = Vec::new();
        for (_, origins) in r.map.overlapping(start..end.max(start + 1)) {
            for o in origins {
                let line = o.file.lines.line_of(o.span.start as usize);
                let n = format!("{} {}:{}", o.role.as_str(), o.file.path, line);
                if !names.contains(&n) {
                    names.push(n);
                }
            }
        }
        if !names.is_empty() && !body.trim().is_empty() {
            out.push_str("  # <- ");
            out.push_str(&names.join(", "));
        }
        out.push('\n');
        start = end;
    }
    out
}

/// Renders a chart (`overlay` false) or an overlay, and makes the stream's credentials those
/// of its origins: a rendered byte range that came from a credential in its own file (a
/// password in `values.yaml`, a `--set` value, a generator literal, a literal in a template
/// or a base) is a credential of the stream too, so every output of the stream masks it (the
/// redaction stays a property of the source, carried through the source map). Every caller
/// renders through here.
pub fn render(
    dir: &std::path::Path,
    display: &str,
    opts: &RenderOptions,
    overlay: bool,
) -> Outcome {
    if overlay {
        return render_overlay(dir, display, opts).0;
    }
    let outcome = {
        // The credentials of each origin file are found while the chart renders.
        helm::render_chart_with(dir, display, opts, |f| {
            f.detected();
        })
    };
    if let Some(r) = &outcome.rendered {
        carry_credentials(r);
    }
    outcome
}

/// The patch documents an overlay's build did not apply (their targets may be an unfetched
/// remote resource's objects): each file, with the offsets of those documents in it.
pub type UnappliedPatches = Vec<(Arc<SourceFile>, Vec<usize>)>;

/// What an overlay's build did not apply because the objects it names may be an unfetched
/// remote resource's: patch documents ([`UnappliedPatches`]), and the ConfigMaps and Secrets
/// generated to merge into or replace such an object (`configMapGenerator` with `behavior:
/// merge` on Argo CD's `argocd-cm`), as a stream of their own whose origins are their
/// generators' lines. Both are read by the credential rules only.
#[derive(Default)]
pub struct Unapplied {
    pub patches: UnappliedPatches,
    pub objects: Option<Rendered>,
}

/// Renders an overlay as [`render`] does, with the files its build read (paths as the build
/// joined them) and the patches it left unapplied for an unfetched remote resource.
pub fn render_overlay(
    dir: &std::path::Path,
    display: &str,
    opts: &RenderOptions,
) -> (Outcome, Vec<std::path::PathBuf>, Unapplied) {
    let (outcome, read, unapplied) = kustomize::build_reading_patches(dir, display, opts);
    if let Some(r) = &outcome.rendered {
        carry_credentials(r);
    }
    if let Some(r) = &unapplied.objects {
        carry_credentials(r);
    }
    (outcome, read, unapplied)
}

/// Marks in the stream every segment whose origin span overlaps a credential of its file.
fn carry_credentials(r: &Rendered) {
    for (range, origins) in r.map.segments() {
        let holds_credential = origins.iter().any(|o| {
            let (start, end) = (
                o.span.start as usize,
                o.span.end.max(o.span.start + 1) as usize,
            );
            o.file.overlaps_credential(start..end)
        });
        if !holds_credential {
            continue;
        }
        let value = crate::source::secrets::value_of_entry(&r.stream.text, range.clone(), None);
        // The first line of a block scalar whose lines have origins of their own (a
        // generator's file, line by line: `values.yaml: |`): its value is the block indicator,
        // and the lines holding a credential are marked by their own segments.
        if !is_block_header(r.stream.text.get(value.clone()).unwrap_or("")) {
            r.stream.mark_credential(value);
        }
        // A line copied as it is from its origin (a generator file's line in such a block):
        // the file's credentials where they stand in it too, whatever the line's shape (a
        // PEM line ending in `=` has no value after its first `=`).
        for o in origins {
            let span = o.span.range();
            if span.len() == range.len()
                && o.file.text.get(span.clone()) == r.stream.text.get(range.clone())
                && o.file.overlaps_credential(span.clone())
            {
                for c in o.file.redaction().ranges.iter() {
                    let (start, end) = (c.start.max(span.start), c.end.min(span.end));
                    if start < end {
                        r.stream.mark_credential(
                            range.start + start - span.start..range.start + end - span.start,
                        );
                    }
                }
            }
        }
    }
}

/// Whether `value` is only a block scalar's indicator (`|`, `|-`, `>+`, `|2`), its text being
/// on the lines after it.
fn is_block_header(value: &str) -> bool {
    let v = value.trim();
    v.strip_prefix(['|', '>'])
        .is_some_and(|rest| rest.chars().all(|c| matches!(c, '-' | '+' | '1'..='9')))
}

/// From this size on, a rendered stream's credential scan runs beside its parsing (a thread
/// costs ≈ 50 µs; 64 kB scan in ≈ 0.6 ms).
const PARALLEL_SCAN_BYTES: usize = 64 * 1024;

/// A credential of the stream (a Secret's value) is one where it was written: the values,
/// `--set`, patch or generator line it came from has its value masked, and a template's or
/// base's literal text holding it is masked where it stands (a generator's source, which
/// holds it before encoding, has its value masked), so that no snippet of those files shows
/// it.
fn mark_where_written(r: &Rendered, range: std::ops::Range<usize>) {
    use crate::source::map::OriginRole;
    let written = r.stream.text.get(range.clone()).unwrap_or("").trim();
    let written = written
        .strip_prefix('"')
        .and_then(|w| w.strip_suffix('"'))
        .unwrap_or(written);
    for o in r.map.origins(range) {
        let text = &o.file.text;
        let entry_value = || crate::source::secrets::value_of_entry(text, o.span.range(), None);
        match o.role {
            // A file `--set-file` gave is the value, without a key: all of it.
            OriginRole::Set if o.is_set_file_value() => {
                let range = o.span.range();
                let len = text.get(range.clone()).map_or(0, |t| t.trim_end().len());
                o.file.mark_credential(range.start..range.start + len)
            }
            OriginRole::Values | OriginRole::Set | OriginRole::ValuesPart | OriginRole::Patch => {
                o.file.mark_credential(entry_value())
            }
            // A transformer's line (a generator's `- name:`, `namespace:`) is not the value.
            OriginRole::Template
            | OriginRole::Base
            | OriginRole::Target
            | OriginRole::Dependency
            | OriginRole::Kustomization => {
                let at = o.span.start as usize;
                match text.get(o.span.range()).and_then(|t| t.find(written)) {
                    Some(i) if written.len() >= 4 => {
                        o.file.mark_credential(at + i..at + i + written.len());
                    }
                    // A generator's source (`- password=…`, an env file's line, a file) holds
                    // the value before Kustomize encoded it.
                    _ if o.role == OriginRole::Base => o.file.mark_credential(entry_value()),
                    // A template's action that printed it is code, not the value.
                    _ => {}
                }
            }
        }
    }
}

/// A rendered document's names (an env entry's `name`, a `secretKeyRef`'s `key` and `name`:
/// [`name_ranges`](crate::source::secrets::name_ranges)) are no credentials of the stream,
/// and the values (or `--set`) line that wrote one as it is holds a name too (vault's
/// `secretKey: AWS_SECRET_ACCESS_KEY`, which its key made a credential): neither is masked,
/// in the stream or in the values file (session fid30). A literal secret value (an env
/// entry's `value`, a Secret's `data`) is no name and stays masked.
fn mark_names(r: &Rendered, d: &super::Document) {
    use crate::source::map::OriginRole;
    for (range, name) in crate::source::secrets::name_ranges(&d.file, &d.value, &d.spans) {
        if name.trim().is_empty() {
            continue;
        }
        d.file.mark_name(range.clone());
        for o in r.map.origins(range) {
            if !matches!(
                o.role,
                OriginRole::Values | OriginRole::Set | OriginRole::ValuesPart
            ) || o.is_set_file_value()
            {
                continue;
            }
            let written =
                crate::source::secrets::value_of_entry(&o.file.text, o.span.range(), None);
            let text = o.file.text.get(written.clone()).unwrap_or("").trim();
            if text.trim_matches(['"', '\'']) == name {
                o.file.mark_name(written);
            }
        }
    }
}

/// Masks in a printed stream (`render`, `inspect`) each credential of the stream or of the
/// files it was rendered from where the stream repeats it as a word of its own: a
/// generator's literal or a values password passed again in a container's `args` printed
/// in clear, the Secret that holds it being masked. Run after [`load`], which marks them.
pub fn mask_repeated_credentials(r: &Rendered) {
    if let Some(words) = crate::source::secrets::spreading_words(marked_credentials(r)) {
        r.stream.mask_words(&words);
    }
}

/// The credentials a rendering knows without scanning again: those marked in its stream
/// (a rendered Secret's values, values the detector read under their keys; what the detector
/// found in the stream, when it ran) and in the files it was rendered from (values lines, a
/// generator's literals).
pub fn marked_credentials(r: &Rendered) -> Vec<String> {
    let mut credentials = r.stream.one_line_credentials(false);
    for f in r.map.files() {
        credentials.extend(f.one_line_credentials(false));
    }
    credentials
}

/// Loads a rendered stream: each document must be a Kubernetes object. Problems met in the
/// stream (YAML a template produced badly, a document that is not an object) are located at
/// the template or patch line that produced them.
pub fn load(r: &Rendered) -> super::Loaded {
    // Every output of the stream masks what the detector finds in its text; a big stream is
    // scanned on another thread while this one parses it (the scan needs only the text).
    let mut loaded = if r.stream.text.len() >= PARALLEL_SCAN_BYTES {
        std::thread::scope(|s| {
            let _ = std::thread::Builder::new()
                .name("stream-scan".into())
                .spawn_scoped(s, || {
                    r.stream.detected();
                });
            super::classify::load_yaml(&r.stream, super::yaml::Schema::Core)
        })
    } else {
        super::classify::load_yaml(&r.stream, super::yaml::Schema::Core)
    };
    // What the detector reads in the documents (`- name: API_TOKEN` with its `value`) is a
    // credential of the stream, as a check's rules would flag it: `render` and `inspect`
    // mask it too.
    let mark = |d: &mut super::Document| {
        crate::source::secrets::mark_document(&d.file, &d.value, &d.spans);
        mark_names(r, d);
        for range in crate::source::secrets::mark_secret_data(&d.file, &d.value, &d.spans).ranges {
            mark_where_written(r, range);
        }
        if r.map.has_generated() {
            as_generated(&mut d.value, &d.spans, None, r);
        }
    };
    // A big stream's documents on the worker threads: each one's marks are its own ranges
    // (the file keeps them as a set, merged when the redaction is made).
    if r.stream.text.len() >= PARALLEL_SCAN_BYTES {
        use rayon::prelude::*;
        loaded.documents.par_iter_mut().for_each(mark);
    } else {
        loaded.documents.iter_mut().for_each(mark);
    }
    let mut kept = Vec::new();
    for d in loaded.documents {
        if d.input_type == super::InputType::Kubernetes || d.embedded {
            kept.push(d);
        } else {
            let p = crate::source::Problem::error(
                &r.stream.path,
                Some(r.stream.pos(d.span().start)),
                "rendered document is not a Kubernetes object (no apiVersion or kind); not checked",
            );
            loaded.problems.push(p);
        }
    }
    loaded.documents = kept;
    for p in &mut loaded.problems {
        if p.file != r.stream.path {
            continue;
        }
        let stream = &r.stream;
        if let Some(pos) = p.pos
            && let at =
                stream
                    .lines
                    .offset_at_line_col(&stream.text, pos.line, pos.column as usize - 1)
            && let Some(o) = r.map.primary(at..at + 1)
        {
            p.message = format!(
                "{} (in the rendered output at line {} of `runeguard render {}`)",
                p.message, pos.line, r.stream.path
            );
            // At the node's own column when the template wrote its line as it is (a
            // duplicate key indented in the template text), not at the origin's first byte.
            let span = precise_span(r, o, crate::source::span::Span::new(at, at + 1));
            p.file = o.file.path.clone();
            p.pos = Some(o.file.pos(span.start));
        }
    }
    loaded
}

/// The span in an origin's file for a finding at `rendered`: literal template or base text
/// maps byte for byte (same line, same columns); anything else is the origin's own span.
pub(crate) fn precise_span(
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

/// Whether an object of a rendered chart (its `spans` in the stream) goes to the namespace
/// chosen at install time: the chart was rendered without a namespace given, and the object
/// sets none, or sets the one it was rendered with through an action (`{{ .Release.Namespace
/// }}`, a helper) rather than a values, `--set` or literal template line that writes it.
pub fn in_install_namespace(r: &Rendered, spans: &SpanTree) -> bool {
    use crate::source::span::PathSeg;
    let Some(release) = &r.install_namespace else {
        return false;
    };
    let path = [
        PathSeg::Key("metadata".into()),
        PathSeg::Key("namespace".into()),
    ];
    let Some(node) = spans.get(&path) else {
        return true;
    };
    let text = &r.stream.text;
    let range = crate::source::secrets::value_of_entry(text, node.span.range(), Some("namespace"));
    let value = text[range.clone()].trim().trim_matches(['"', '\'']);
    if value != release {
        return false;
    }
    // Written where a person edits it: a values or `--set` entry holding it, or template text
    // outside any action. An action's text (`default .Release.Namespace .Values.x`) may
    // hold the word without writing it.
    !r.map.origins(range).iter().any(|o| {
        let at = o.file.text.get(o.span.range()).unwrap_or("");
        let written = match o.role {
            OriginRole::Values | OriginRole::Set | OriginRole::ValuesPart => true,
            OriginRole::Template => {
                !at.contains("{{") && !inside_action(&o.file.text, o.span.start as usize)
            }
            _ => false,
        };
        written && at.contains(value)
    })
}

/// Whether `at` lies inside a `{{ … }}` action of a template's text.
fn inside_action(text: &str, at: usize) -> bool {
    let before = text.get(..at).unwrap_or("");
    match (before.rfind("{{"), before.rfind("}}")) {
        (Some(open), Some(close)) => open > close,
        (Some(_), None) => true,
        _ => false,
    }
}

/// What the rules read for a value generated at render time (a Helm chart's `randAlphaNum`
/// password, `genCA` key, and what `b64enc` made of them): a reference, as `{{ … }}` or
/// `${VAR}` are, since no credential of that kind is committed anywhere. Every output still
/// masks the value itself.
pub const GENERATED_VALUE: &str = "<generated at render time>";

/// Replaces each string of `value` whose text in the stream is only generated text with
/// [`GENERATED_VALUE`], and masks that text.
fn as_generated(value: &mut serde_json::Value, spans: &SpanTree, key: Option<&str>, r: &Rendered) {
    match (value, &spans.children) {
        (serde_json::Value::Object(m), Children::Map(children)) => {
            for (k, child) in children {
                if let Some(v) = m.get_mut(k) {
                    as_generated(v, child, Some(k), r);
                }
            }
        }
        (serde_json::Value::Array(items), Children::Seq(children)) => {
            for (v, child) in items.iter_mut().zip(children) {
                as_generated(v, child, None, r);
            }
        }
        (v @ serde_json::Value::String(_), Children::Leaf) => {
            // A mapping entry's span holds its key: only the value counts.
            let text = &r.stream.text;
            let range = match key {
                Some(k) => {
                    crate::source::secrets::value_of_entry(text, spans.span.range(), Some(k))
                }
                None => spans.span.range(),
            };
            if r.map.only_generated(text, range.clone()) {
                // A block scalar keeps its indicator (`|`), so the masked stream stays YAML.
                let body = match text[range.clone()].starts_with(['|', '>']) {
                    true => text[range.clone()]
                        .find('\n')
                        .map_or(range.end, |i| range.start + i + 1),
                    false => range.start,
                };
                r.stream.mark_credential(body..range.end);
                *v = serde_json::Value::from(GENERATED_VALUE);
            }
        }
        _ => {}
    }
}

/// The masked stream as printed by `runeguard render`: a masked plain scalar would begin
/// with `*` and read as a YAML alias, so such a value is double-quoted; the output stays YAML
/// that parses to the same documents, with the credentials masked.
pub fn printable(masked: &str) -> String {
    // Only a line holding the mask changes.
    if !masked.contains(crate::source::secrets::MASK) {
        return masked.to_string();
    }
    let mut out = String::with_capacity(masked.len() + 16);
    // The indentation a content line of the block scalar being read must exceed (`key: |`
    // at column 2: its lines are indented 3 or more): such a line is the scalar's text, where
    // a mask after `: ` is text too (`password: ********` of an embedded configuration file);
    // quoting it would change the string (session fid37).
    let mut block: Option<usize> = None;
    for line in masked.split_inclusive('\n') {
        let (body, eol) = match line.strip_suffix('\n') {
            Some(b) => (b, "\n"),
            None => (line, ""),
        };
        let indent = body.len() - body.trim_start_matches(' ').len();
        if block.is_some_and(|parent| body.trim().is_empty() || indent > parent) {
            out.push_str(line);
            continue;
        }
        quote_masked(body, &mut out);
        out.push_str(eol);
        block = block_scalar_parent(body);
    }
    out
}

/// When `line` opens a block scalar (`key: |`, `key: >-`, `- |2`, `key: !!binary |`, a
/// comment after it), the indentation its content lines exceed: the key's column for a
/// mapping value, the last `-`'s for a sequence entry.
fn block_scalar_parent(line: &str) -> Option<usize> {
    const BLANK: [char; 2] = [' ', '\t'];
    let code = match line.find(" #") {
        Some(i) => &line[..i],
        None => line,
    }
    .trim_end_matches(BLANK);
    let (head, token) = code.rsplit_once(BLANK)?;
    let indicator = token.strip_prefix(['|', '>'])?;
    if indicator.len() > 2
        || !indicator
            .chars()
            .all(|c| matches!(c, '-' | '+' | '1'..='9'))
    {
        return None;
    }
    // One tag between the key and the indicator (`key: !!binary |`).
    let head = head.trim_end_matches(BLANK);
    let head = match head.rsplit_once(BLANK) {
        Some((h, tag)) if tag.starts_with('!') => h.trim_end_matches(BLANK),
        _ => head,
    };
    // The node the scalar is the value of: past each `- ` of nested sequences.
    let mut col = line.len() - line.trim_start_matches(' ').len();
    let mut dash = None;
    let mut rest = &line[col..];
    while let Some(r) = rest.strip_prefix('-').filter(|r| r.starts_with(BLANK)) {
        dash = Some(col);
        let t = r.trim_start_matches(BLANK);
        col += rest.len() - t.len();
        rest = t;
    }
    if head.ends_with(':') {
        Some(col)
    } else if head
        .trim_start_matches(BLANK)
        .chars()
        .all(|c| matches!(c, '-' | ' ' | '\t'))
    {
        dash
    } else {
        None
    }
}

/// Copies a line with each plain scalar that starts with the mask double-quoted: after `: `,
/// a block sequence's `- `, or in a flow collection after `[`, `{` or `,`. In a flow
/// collection the scalar ends at `,`, `]` or `}`, else at a comment or the line's end. A
/// block scalar's content line (only the mask after its indentation) is text, not a scalar.
fn quote_masked(body: &str, out: &mut String) {
    const MASK: &str = crate::source::secrets::MASK;
    let mut copied = 0;
    let mut from = 0;
    while let Some(off) = body[from..].find(MASK) {
        let at = from + off;
        let before = &body[..at];
        let lead = before.trim_start();
        let flow = flow_depth(before) > 0;
        let starts = block_scalar_starts(before, lead)
            || (flow && before.trim_end().ends_with(['[', '{', ',']));
        if !starts {
            from = at + MASK.len();
            continue;
        }
        let tail = &body[at..];
        let mut end = tail.find(" #").unwrap_or(tail.len());
        if flow {
            end = end.min(tail.find([',', ']', '}']).unwrap_or(tail.len()));
        }
        let value = tail[..end].trim_end();
        out.push_str(&body[copied..at]);
        out.push('"');
        out.push_str(&value.replace('\\', "\\\\").replace('"', "\\\""));
        out.push('"');
        copied = at + value.len();
        from = copied;
    }
    out.push_str(&body[copied..]);
}

/// Whether a plain scalar starts right after `before` (the line up to the mask) in block
/// context: after a mapping's `:` or a block sequence's `-`, followed by any run of spaces
/// or tabs (`AWS_SECRET_ACCESS_KEY:  {{ … }}` in keel's Secret template, `-   x`), and past
/// one tag or anchor (`key: !!binary ********`): a mask there would read as an alias.
fn block_scalar_starts(before: &str, lead: &str) -> bool {
    const BLANK: [char; 2] = [' ', '\t'];
    let head = before.trim_end_matches(BLANK);
    if head.len() == before.len() {
        return false;
    }
    // One tag (`!!binary`, `!secret`) or anchor (`&a`) between the indicator and the value.
    let head = match head.rsplit_once(BLANK) {
        Some((h, tok)) if tok.starts_with(['!', '&']) => h.trim_end_matches(BLANK),
        _ => head,
    };
    if head.ends_with(':') {
        return true;
    }
    let lead = lead.trim_end_matches(BLANK);
    let lead = match lead.rsplit_once(BLANK) {
        Some((h, tok)) if tok.starts_with(['!', '&']) => h.trim_end_matches(BLANK),
        _ => lead,
    };
    !lead.is_empty()
        && lead.ends_with('-')
        && lead.bytes().all(|b| matches!(b, b'-' | b' ' | b'\t'))
}

/// How many flow collections (`[`, `{`) are open at the end of `text`, outside quotes.
fn flow_depth(text: &str) -> usize {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    for c in text.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '[' | '{') => depth += 1,
            (None, ']' | '}') => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    depth
}

#[cfg(test)]
mod tests {
    use super::printable;

    #[test]
    fn masked_values_stay_yaml_scalars_not_aliases() {
        let masked = "a: ********\nb:\n  - ********\n  - x\nc: \"********\"\nd: |\n  ********\ne: ********@host # note\n";
        assert_eq!(
            printable(masked),
            "a: \"********\"\nb:\n  - \"********\"\n  - x\nc: \"********\"\nd: |\n  ********\ne: \"********@host\" # note\n"
        );
    }

    #[test]
    fn a_masked_value_in_a_flow_collection_keeps_the_collection() {
        // Was `{a: "********}"`: the closing brace inside the quotes, invalid YAML.
        assert_eq!(
            printable("stringData: {a: ********}\n"),
            "stringData: {a: \"********\"}\n"
        );
        assert_eq!(
            printable("d: {a: ********, b: x, c: ********}\nl: [********, y]\n"),
            "d: {a: \"********\", b: x, c: \"********\"}\nl: [\"********\", y]\n"
        );
        // Quoted already, or inside a quoted string: unchanged.
        assert_eq!(
            printable("d: {a: \"x ********\", b: '********'}\n"),
            "d: {a: \"x ********\", b: '********'}\n"
        );
        assert_eq!(printable("- - ********\n"), "- - \"********\"\n");
    }

    #[test]
    fn a_masked_setting_inside_a_block_scalar_is_text_not_quoted() {
        // An embedded configuration file's `password: ********` is the string's text: a
        // quote there changes the string (opensearch-dashboards' config Secret, fid37).
        let masked = "data:\n  app.yml: |\n    db:\n      password: ********\n\n    x: ********\n  k: ********\n- |-\n  a: ********\n- b: >\n    c: ********\n  d: ********\n";
        assert_eq!(
            printable(masked),
            "data:\n  app.yml: |\n    db:\n      password: ********\n\n    x: ********\n  k: \"********\"\n- |-\n  a: ********\n- b: >\n    c: ********\n  d: \"********\"\n"
        );
        // A `|` inside a value is no indicator.
        assert_eq!(
            printable("k: a |\n  x: ********\n"),
            "k: a |\n  x: \"********\"\n"
        );
    }

    #[test]
    fn a_masked_value_after_several_blanks_or_a_tag_is_quoted_too() {
        // keel's Secret template writes `AWS_SECRET_ACCESS_KEY:  {{ … | b64enc }}` (two
        // spaces): `render` printed `AWS_SECRET_ACCESS_KEY:  ********`, an alias to YAML.
        assert_eq!(
            printable("data:\n  A:  ********\n  B:\t********\n"),
            "data:\n  A:  \"********\"\n  B:\t\"********\"\n"
        );
        assert_eq!(
            printable("- a\n-   ********\n- !!binary ********\nk: !!binary ********\n"),
            "- a\n-   \"********\"\n- !!binary \"********\"\nk: !!binary \"********\"\n"
        );
        // Inside a plain scalar (no indicator before it): text, unchanged.
        assert_eq!(printable("k: a  ********\n"), "k: a  ********\n");
        assert_eq!(printable("k: -x  ********\n"), "k: -x  ********\n");
    }
}
