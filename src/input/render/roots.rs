//! Finding charts and overlays in a walk: a folder holding `Chart.yaml` is a Helm chart, a
//! folder holding `kustomization.yaml` (`.yml`, `Kustomization`) is a Kustomize overlay.
//!
//! Their files are parts of one rendered input, not inputs of their own: a chart's templates,
//! values files, partials, `NOTES.txt` and the data it reads through `.Files`; an overlay's
//! kustomization, patches and generator sources. A chart's `crds/` hold plain manifests Helm
//! installs as they are, so they stay ordinary inputs. An overlay's resource files, and the
//! bases other overlays of the walk use, are checked through the overlays that deploy them
//! (docs/rendering.md, "Bases, resources and folders checked alone").

use crate::input::files::{
    Candidate, CandidateKind, Walked, display_path, has_known_extension, normalize,
};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Path, PathBuf};

/// The names a kustomization file may have, in the order Kustomize looks for them.
pub const KUSTOMIZATION_FILES: [&str; 3] =
    ["kustomization.yaml", "kustomization.yml", "Kustomization"];

/// The kustomization file of a folder, if it is an overlay.
pub fn kustomization_file(dir: &Path) -> Option<PathBuf> {
    KUSTOMIZATION_FILES
        .iter()
        .map(|n| dir.join(n))
        .find(|p| p.is_file())
}

/// True when `dir` is a Helm chart.
pub fn is_chart(dir: &Path) -> bool {
    dir.join("Chart.yaml").is_file()
}

/// The charts and overlays among `walked` files, as candidates, the
/// normalized paths of the files that are their parts (not to be checked on their own), and
/// the walk's overlays with what they check (to give back what an overlay that fails to build
/// was to check: [`Overlays::give_back`]).
pub fn find(
    _root_display: &str,
    walked: &[Walked],
    cwd: &Path,
) -> (Vec<Candidate>, HashSet<PathBuf>, Overlays) {
    let name_of = |p: &Path| {
        p.file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("")
            .to_string()
    };
    // Every folder holding a Chart.yaml, subcharts included (normalized).
    let all_charts: BTreeSet<PathBuf> = walked
        .iter()
        .filter(|w| name_of(&w.path) == "Chart.yaml")
        .filter_map(|w| w.normalized.parent().map(Path::to_path_buf))
        .collect();
    let inside =
        |dir: &Path, set: &BTreeSet<PathBuf>| dir.ancestors().skip(1).any(|a| set.contains(a));
    let mut out = Vec::new();
    let mut parts = HashSet::new();
    // Top-level charts: not inside another chart (a subchart renders with its parent).
    let mut top_charts: Vec<(PathBuf, Candidate)> = Vec::new();
    for chart in all_charts.iter().filter(|c| !inside(c, &all_charts)) {
        let fs = walked
            .iter()
            .find(|w| w.normalized.parent() == Some(chart.as_path()))
            .and_then(|w| w.path.parent().map(Path::to_path_buf))
            .unwrap_or_else(|| chart.clone());
        let candidate = Candidate {
            display: display_path(&fs, cwd),
            path: fs,
            explicit: false,
            kind: CandidateKind::Chart,
        };
        top_charts.push((chart.clone(), candidate));
    }
    let in_a_chart = |p: &Path| p.ancestors().skip(1).any(|a| all_charts.contains(a));
    let is_crd_file = |p: &Path| {
        p.ancestors().skip(1).any(|a| {
            a.file_name().is_some_and(|n| n == "crds")
                && a.parent().is_some_and(|c| all_charts.contains(c))
        })
    };
    for w in walked {
        if in_a_chart(&w.normalized) && !is_crd_file(&w.normalized) {
            parts.insert(w.normalized.clone());
        }
    }
    // Kustomizations (outside charts), one per folder: overlays and components.
    let mut kusts: BTreeMap<PathBuf, Kust> = BTreeMap::new();
    for w in walked {
        let (p, n) = (&w.path, w.normalized.clone());
        let name = name_of(p);
        if !KUSTOMIZATION_FILES.contains(&name.as_str()) {
            continue;
        }
        if in_a_chart(&n) {
            continue;
        }
        let Some(dir) = p.parent() else { continue };
        // One kustomization per folder, the first of Kustomize's names.
        if kustomization_file(dir).is_some_and(|k| normalize(&k, cwd) != n) {
            parts.insert(n);
            continue;
        }
        parts.insert(n.clone());
        let value = read_kustomization(p);
        let norm_dir = normalize(dir, cwd);
        for f in referenced_parts(&value) {
            parts.insert(normalize(&norm_dir.join(f), cwd));
        }
        let component = value.get("kind").and_then(Value::as_str) == Some("Component");
        let uses = local_resources(&value)
            .iter()
            .map(|r| normalize(&norm_dir.join(r), cwd))
            .collect();
        let charts = helm_chart_dirs(&value)
            .iter()
            .map(|r| normalize(&norm_dir.join(r), cwd))
            .collect();
        kusts.entry(norm_dir).or_insert(Kust {
            dir: dir.to_path_buf(),
            component,
            uses,
            charts,
        });
    }
    let walked_files: HashSet<&Path> = walked.iter().map(|w| w.normalized.as_path()).collect();
    let (rendered, reached) = rendered_overlays(&kusts, &BTreeSet::new());
    // A chart an overlay of the walk inflates (`helmCharts` from its chart home) is checked
    // with the values the overlay gives it, not also on its own with its defaults.
    let mut withheld_charts = BTreeMap::new();
    let inflated: HashSet<&PathBuf> = reached
        .iter()
        .filter_map(|d| kusts.get(d))
        .flat_map(|k| k.charts.iter())
        .collect();
    for (chart, candidate) in top_charts {
        if inflated.contains(&chart) {
            withheld_charts.insert(chart, candidate);
        } else {
            out.push(candidate);
        }
    }
    for dir in &rendered {
        let k = &kusts[dir];
        out.push(Candidate {
            display: display_path(&k.dir, cwd),
            path: k.dir.clone(),
            explicit: false,
            kind: CandidateKind::Overlay,
        });
    }
    // A resource file of a kustomization the walk renders (directly or through the bases and
    // components it uses) is checked in the form the overlay deploys it, not again as itself:
    // as itself it would be reported for what the overlay changes (its namespace, its image).
    let mut resources: BTreeMap<PathBuf, Resource> = BTreeMap::new();
    for k in reached.iter().filter_map(|d| kusts.get(d)) {
        for u in &k.uses {
            if walked_files.contains(u.as_path()) && !kusts.contains_key(u) && !parts.contains(u) {
                parts.insert(u.clone());
                if let Some(w) = walked.iter().find(|w| w.normalized == *u) {
                    let (path, display) = (w.path.clone(), w.display.clone());
                    resources.insert(
                        u.clone(),
                        Resource {
                            path,
                            display,
                            owners: Vec::new(),
                        },
                    );
                }
            }
        }
    }
    // Which rendered overlays reach each resource file: a file is given back only when all of
    // them ran (a shard of the run may hold some of them only).
    for d in &rendered {
        for k in reach_of(&kusts, d).iter().filter_map(|r| kusts.get(r)) {
            for u in &k.uses {
                if let Some(r) = resources.get_mut(u)
                    && !r.owners.contains(d)
                {
                    r.owners.push(d.clone());
                }
            }
        }
    }
    let overlays = Overlays {
        kusts,
        resources,
        charts: withheld_charts,
        rendered: rendered.into_iter().collect(),
        cwd: cwd.to_path_buf(),
    };
    (out, parts, overlays)
}

/// A resource file of the walk that overlays check: where it is, and the rendered overlays
/// that reach it (through their bases and components).
struct Resource {
    path: PathBuf,
    display: String,
    owners: Vec<PathBuf>,
}

/// The kustomizations an overlay's build reads: itself, its bases and components, theirs.
fn reach_of(kusts: &BTreeMap<PathBuf, Kust>, from: &Path) -> BTreeSet<PathBuf> {
    let mut reached = BTreeSet::new();
    let mut stack = vec![from.to_path_buf()];
    while let Some(d) = stack.pop() {
        if !reached.insert(d.clone()) {
            continue;
        }
        if let Some(k) = kusts.get(&d) {
            stack.extend(k.uses.iter().filter(|u| kusts.contains_key(*u)).cloned());
        }
    }
    reached
}

/// The overlays of a walk and the resource files they check, kept so that an overlay that
/// fails to build, or builds without reading one of its resource files (a located error
/// each), does not take those files with it: "checked through the overlay" holds only for
/// what its build read.
#[derive(Default)]
pub struct Overlays {
    /// Every kustomization of the walk, by normalized folder.
    kusts: BTreeMap<PathBuf, Kust>,
    /// The walk's resource files left out of the walk because an overlay reaches them, by
    /// normalized path.
    resources: BTreeMap<PathBuf, Resource>,
    /// The charts of the walk checked only through the overlays that inflate them, by
    /// normalized folder.
    charts: BTreeMap<PathBuf, Candidate>,
    /// The overlays the walk renders (normalized).
    rendered: BTreeSet<PathBuf>,
    cwd: PathBuf,
}

impl Overlays {
    /// Adds the overlays of another walk (another path given on the command line).
    pub fn extend(&mut self, other: Overlays) {
        self.cwd = other.cwd;
        self.kusts.extend(other.kusts);
        self.resources.extend(other.resources);
        self.charts.extend(other.charts);
        self.rendered.extend(other.rendered);
    }

    /// The bases to render on their own once the overlays of `failed` (normalized folders)
    /// built nothing: those only they used, chosen by the rule of the walk (the ones no
    /// other such base uses). A run asks again with the bases of the answer that fail too;
    /// the answer only grows with `failed`.
    pub fn give_back(&self, failed: &BTreeSet<PathBuf>) -> Vec<Candidate> {
        if failed.is_empty() {
            return Vec::new();
        }
        let (rendered, reached) = rendered_overlays(&self.kusts, failed);
        let mut out: Vec<Candidate> = rendered
            .iter()
            .filter(|d| !self.rendered.contains(*d) && !failed.contains(*d))
            .filter_map(|d| self.kusts.get(d))
            .map(|k| Candidate {
                display: display_path(&k.dir, &self.cwd),
                path: k.dir.clone(),
                explicit: false,
                kind: CandidateKind::Overlay,
            })
            .collect();
        // A chart only failed overlays inflate is rendered on its own.
        let inflated: HashSet<&PathBuf> = reached
            .iter()
            .filter(|d| !failed.contains(*d))
            .filter_map(|d| self.kusts.get(d))
            .flat_map(|k| k.charts.iter())
            .collect();
        out.extend(
            self.charts
                .iter()
                .filter(|(d, _)| !inflated.contains(d))
                .map(|(_, c)| c.clone()),
        );
        out
    }

    /// The resource files no build of the run read (`read`, normalized), each with the first
    /// overlay that was to check it: they are checked as written. A file some overlay that did
    /// not run reaches (another shard's) is left to that overlay.
    pub fn unread(
        &self,
        read: &HashSet<PathBuf>,
        ran: &HashSet<PathBuf>,
    ) -> Vec<(Candidate, PathBuf)> {
        self.resources
            .iter()
            .filter(|(n, r)| {
                !read.contains(*n)
                    && has_known_extension(&r.path)
                    && r.owners.iter().all(|o| ran.contains(o))
            })
            .map(|(_, r)| {
                let c = Candidate {
                    display: r.display.clone(),
                    path: r.path.clone(),
                    explicit: false,
                    kind: CandidateKind::File,
                };
                (c, r.owners.first().cloned().unwrap_or_default())
            })
            .collect()
    }
}

/// A kustomization of the walk: its folder (as walked), whether it is a `Component`, and the
/// normalized paths of the local resources, bases and components it names.
struct Kust {
    dir: PathBuf,
    component: bool,
    uses: Vec<PathBuf>,
    /// The folders of the charts it inflates (`helmCharts`), normalized.
    charts: Vec<PathBuf>,
}

/// The overlays of the walk that are rendered as inputs of their own: those no other
/// kustomization of the walk uses (a base is checked through the overlays that use it, in the
/// namespace, names and images they give it), and any overlay the walk would otherwise not
/// reach (a base used only through a cycle or by an unused component), so that nothing is
/// left unchecked. A folder given alone has no user in the walk: it is rendered as itself.
/// Also every kustomization those renderings read (themselves, their bases, components).
/// An overlay of `failed` built nothing: it is kept among the rendered (it was rendered) but
/// uses nothing, so what only it used is rendered on its own.
fn rendered_overlays(
    kusts: &BTreeMap<PathBuf, Kust>,
    failed: &BTreeSet<PathBuf>,
) -> (Vec<PathBuf>, BTreeSet<PathBuf>) {
    let uses = |d: &PathBuf| -> &[PathBuf] {
        match kusts.get(d) {
            Some(k) if !failed.contains(d) => &k.uses,
            _ => &[],
        }
    };
    let used: HashSet<&PathBuf> = kusts
        .keys()
        .flat_map(|d| uses(d).iter().filter(move |u| *u != d))
        .filter(|u| kusts.contains_key(*u))
        .collect();
    let mut rendered: Vec<PathBuf> = Vec::new();
    let mut reached: BTreeSet<PathBuf> = BTreeSet::new();
    let reach = |from: &PathBuf, reached: &mut BTreeSet<PathBuf>| {
        let mut stack = vec![from.clone()];
        while let Some(d) = stack.pop() {
            if !reached.insert(d.clone()) {
                continue;
            }
            stack.extend(uses(&d).iter().filter(|u| kusts.contains_key(*u)).cloned());
        }
    };
    let overlays = || kusts.iter().filter(|(_, k)| !k.component).map(|(d, _)| d);
    for d in overlays().filter(|d| !used.contains(d)) {
        rendered.push(d.clone());
        reach(d, &mut reached);
    }
    // In the folders' order, so the choice is the same on every run.
    let rest: Vec<PathBuf> = overlays().cloned().collect();
    for d in rest {
        if !reached.contains(&d) {
            rendered.push(d.clone());
            reach(&d, &mut reached);
        }
    }
    rendered.sort();
    (rendered, reached)
}

/// The local resources, bases and components a kustomization names, as written (remote ones
/// match no walked file or folder, so they need no test here).
fn local_resources(k: &Value) -> Vec<String> {
    ["resources", "bases", "components"]
        .iter()
        .filter_map(|key| k.get(*key).and_then(Value::as_array))
        .flatten()
        .filter_map(Value::as_str)
        .map(|s| s.trim().trim_end_matches('/').to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// The folders (relative to the kustomization's) of the charts a kustomization inflates:
/// each `helmCharts` (and old `helmChartInflationGenerator`) entry's `<chartHome>/<name>`, or
/// `<chartHome>/<name>-<version>/<name>` for a chart pulled from a repository, where the
/// Kustomize renderer looks for them (kustomize/charts.rs).
fn helm_chart_dirs(k: &Value) -> Vec<String> {
    let text = |v: Option<&Value>| match v {
        Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let old: Vec<&Value> = k
        .get("helmChartInflationGenerator")
        .and_then(Value::as_array)
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    let home = old
        .iter()
        .rev()
        .find_map(|e| text(e.get("chartHome")))
        .or_else(|| text(k.get("helmGlobals").and_then(|g| g.get("chartHome"))))
        .unwrap_or_else(|| "charts".to_string());
    let entries = k
        .get("helmCharts")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|e| (e.get("name"), e.get("repo"), e.get("version")))
        .chain(old.iter().map(|e| {
            (
                e.get("chartName"),
                e.get("chartRepoUrl"),
                e.get("chartVersion"),
            )
        }));
    let mut out = Vec::new();
    for (name, repo, version) in entries {
        let Some(name) = text(name) else { continue };
        match (text(repo), text(version)) {
            (Some(_), Some(v)) => out.push(format!("{home}/{name}-{v}/{name}")),
            _ => out.push(format!("{home}/{name}")),
        }
    }
    out
}

/// The chart or overlay a file named on the command line is a part of, if any: the outermost
/// chart above it (a subchart renders with its parent) unless the file is in the nearest
/// chart's `crds/`, else the nearest kustomization that reads it as a patch, generator source
/// or config (Kustomize refuses such files outside its folder, so only folders above it can),
/// or that is the file itself. A template, a values file or a patch checked alone is not an
/// object anyone deploys (`pre-commit` passes exactly such files): the whole that renders it
/// is checked instead. A resource file stays itself: it is a manifest as written.
pub fn owner_of(file: &Path, cwd: &Path) -> Option<Candidate> {
    let abs = normalize(file, cwd);
    if let Some(chart) = chart_above(&abs, cwd) {
        return chart.map(|c| inflating_overlay(&c, cwd).unwrap_or(c));
    }
    for dir in abs.ancestors().skip(1) {
        let Some(k) = kustomization_file(dir) else {
            continue;
        };
        let value = read_kustomization(&k);
        let names_it = k == abs
            || referenced_parts(&value)
                .iter()
                .any(|p| normalize(&dir.join(p), cwd) == abs);
        if !names_it {
            continue;
        }
        // A Component renders only inside the overlays that use it: its parts stay files.
        if value.get("kind").and_then(Value::as_str) == Some("Component") {
            return None;
        }
        return Some(Candidate {
            display: display_path(dir, cwd),
            path: dir.to_path_buf(),
            explicit: true,
            kind: CandidateKind::Overlay,
        });
    }
    None
}

/// The nearest kustomization above a file that none of the kustomizations above it names, as
/// a resource, base or component, or as a patch, generator source or config: the file sits in
/// an overlay's tree but no build reads it (kubebuilder's `config/default` keeps its optional
/// patches beside a kustomization whose entries for them are commented out). `None` when no
/// kustomization is above the file, or one names it. Files inside a chart are the chart's.
pub fn unused_beside_kustomization(file: &Path, cwd: &Path) -> Option<PathBuf> {
    let abs = normalize(file, cwd);
    if chart_above(&abs, cwd).is_some() {
        return None;
    }
    let mut nearest = None;
    for dir in abs.ancestors().skip(1) {
        let Some(k) = kustomization_file(dir) else {
            continue;
        };
        let value = read_kustomization(&k);
        let names_it = local_resources(&value)
            .into_iter()
            .chain(referenced_parts(&value))
            .any(|p| normalize(&dir.join(p), cwd) == abs);
        if names_it {
            return None;
        }
        nearest.get_or_insert(k);
    }
    nearest
}

/// The nearest overlay above a chart that inflates it from its chart home (`helmCharts`):
/// a part of such a chart is deployed with the overlay's values, so naming it checks the
/// overlay (as a walk does).
fn inflating_overlay(chart: &Candidate, cwd: &Path) -> Option<Candidate> {
    let dir = normalize(&chart.path, cwd);
    dir.ancestors().skip(1).find_map(|above| {
        let k = kustomization_file(above)?;
        helm_chart_dirs(&read_kustomization(&k))
            .iter()
            .any(|c| normalize(&above.join(c), cwd) == dir)
            .then(|| Candidate {
                display: display_path(above, cwd),
                path: above.to_path_buf(),
                explicit: true,
                kind: CandidateKind::Overlay,
            })
    })
}

/// The chart a path inside a chart belongs to (see [`owner_of`]): `None` when no chart is
/// above it, `Some(None)` for a file of the nearest chart's `crds/` (a plain manifest).
fn chart_above(abs: &Path, cwd: &Path) -> Option<Option<Candidate>> {
    let charts: Vec<&Path> = abs.ancestors().skip(1).filter(|d| is_chart(d)).collect();
    let nearest = charts.first()?;
    if abs.starts_with(nearest.join("crds")) {
        return Some(None);
    }
    let top = charts.last()?.to_path_buf();
    Some(Some(Candidate {
        display: display_path(&top, cwd),
        path: top,
        explicit: true,
        kind: CandidateKind::Chart,
    }))
}

/// The chart a folder inside a chart (`chart/templates`) belongs to, if any: such a folder
/// renders only with its chart. Overlays above a folder are not looked for.
pub fn chart_owner_of(dir: &Path, cwd: &Path) -> Option<Candidate> {
    chart_above(&normalize(dir, cwd), cwd).flatten()
}

/// A kustomization file's content (`null` when it cannot be read or parsed: the rendering
/// reports that, located).
fn read_kustomization(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let file = crate::source::SourceFile::new(String::new(), None, text);
    // An infinity or NaN is no reason to lose the file's references (Kustomize reads them).
    super::helm::values::read_yaml_non_finite(&file)
        .map(|(v, _, _)| v)
        .unwrap_or(Value::Null)
}

/// The files a kustomization reads that are not resources: patches, generator sources,
/// transformer and generator configs, replacement sources, values files of `helmCharts`.
pub fn referenced_parts(k: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let strs = |v: Option<&Value>| -> Vec<String> {
        match v {
            Some(Value::Array(a)) => a
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect(),
            Some(Value::String(s)) => vec![s.clone()],
            _ => Vec::new(),
        }
    };
    let is_path = |s: &str| !s.contains('\n') && !s.trim_start().starts_with('{') && !s.is_empty();
    // Patch lists: entries with `path`, or strings naming a file (inline patches have newlines).
    for key in [
        "patches",
        "patchesStrategicMerge",
        "patchesJson6902",
        "replacements",
    ] {
        if let Some(Value::Array(a)) = k.get(key) {
            for e in a {
                match e {
                    Value::String(s) if is_path(s) => out.push(s.clone()),
                    Value::Object(o) => {
                        if let Some(s) = o.get("path").and_then(Value::as_str) {
                            out.push(s.to_string());
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    for key in ["configMapGenerator", "secretGenerator"] {
        if let Some(Value::Array(a)) = k.get(key) {
            for g in a {
                for f in strs(g.get("files")) {
                    // `key=path` names the key the file's content is stored under.
                    let path = f.split_once('=').map(|(_, p)| p.to_string()).unwrap_or(f);
                    out.push(path);
                }
                out.extend(strs(g.get("envs")));
                out.extend(strs(g.get("env")));
            }
        }
    }
    for key in [
        "transformers",
        "generators",
        "validators",
        "configurations",
        "crds",
    ] {
        out.extend(strs(k.get(key)).into_iter().filter(|s| is_path(s)));
    }
    if let Some(Value::Array(a)) = k.get("helmCharts") {
        for c in a {
            out.extend(strs(c.get("valuesFile")));
            out.extend(strs(c.get("additionalValuesFiles")));
        }
    }
    if let Some(s) = k
        .get("openapi")
        .and_then(|o| o.get("path"))
        .and_then(Value::as_str)
    {
        out.push(s.to_string());
    }
    out
}
