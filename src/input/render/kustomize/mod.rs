//! Kustomize overlays built in-process, as `kubectl kustomize` (Kustomize v5) builds them,
//! with every node of the output knowing its origin: the base file line, the patch line for
//! patched fields, the kustomization line for fields a transformer set.
//!
//! The steps follow Kustomize's `KustTarget`: resources (files, folders, nested
//! kustomizations), generators, components, then the built-in transformers in Kustomize's
//! order; at the top level only, name hashes, name references and vars. Nothing is fetched:
//! a remote resource is a located problem.

mod charts;
mod generate;
mod node;
mod patch;
mod xform;

use super::{Origin, OriginRole, Outcome, RenderOptions, Rendered};
use crate::input::span::Pos;
use crate::input::{Problem, SourceFile};
use node::{Embed, Emitter, Node, V};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Deepest chain of kustomizations including one another.
pub const MAX_DEPTH: usize = 64;
/// Most resources one build may hold.
pub const MAX_RESOURCES: usize = 100_000;
/// Largest rendered stream, in bytes.
pub const MAX_OUTPUT: usize = 256 << 20;
/// Largest file a kustomization may read.
pub const MAX_FILE: u64 = 64 << 20;
/// Longest a build may take.
pub const TIME_LIMIT: Duration = Duration::from_secs(60);

/// The names a kustomization file may have, in Kustomize's order of preference.
pub const KUSTOMIZATION_FILES: [&str; 3] =
    ["kustomization.yaml", "kustomization.yml", "Kustomization"];

/// One resource of the build, with the names it has had (name references follow them).
#[derive(Debug, Clone)]
pub struct Res {
    pub node: Node,
    /// The file the resource came from (the kustomization for generated ones).
    pub source: Arc<SourceFile>,
    /// Every name it has had, the current one last.
    pub names: Vec<String>,
    /// Every namespace it has had ("" for none), the current one last.
    pub namespaces: Vec<String>,
    /// Prefixes and suffixes applied (`p:x`, `s:y`), to tell apart same-named references.
    pub affixes: Vec<String>,
    pub needs_hash: bool,
    /// The kustomization entries that brought it into the build, innermost first
    /// (`resources:` lines, the generator): the chain reported as related locations.
    pub via: Vec<Origin>,
}

impl Res {
    pub fn new(node: Node, source: Arc<SourceFile>) -> Res {
        let mut r = Res {
            node,
            source,
            names: Vec::new(),
            namespaces: Vec::new(),
            affixes: Vec::new(),
            needs_hash: false,
            via: Vec::new(),
        };
        r.names.push(r.name().to_string());
        r.namespaces.push(r.namespace().to_string());
        r
    }
    pub fn kind(&self) -> &str {
        self.node.get_str("kind").unwrap_or("")
    }
    pub fn api_version(&self) -> &str {
        self.node.get_str("apiVersion").unwrap_or("")
    }
    pub fn group(&self) -> &str {
        self.api_version()
            .rsplit_once('/')
            .map(|(g, _)| g)
            .unwrap_or("")
    }
    pub fn version(&self) -> &str {
        let av = self.api_version();
        av.rsplit_once('/').map(|(_, v)| v).unwrap_or(av)
    }
    pub fn name(&self) -> &str {
        self.node
            .path(&["metadata", "name"])
            .and_then(Node::as_str)
            .unwrap_or("")
    }
    pub fn namespace(&self) -> &str {
        self.node
            .path(&["metadata", "namespace"])
            .and_then(Node::as_str)
            .unwrap_or("")
    }
    pub fn set_name(&mut self, name: String, org: &Option<Origin>) {
        let md = self.node.entry_map("metadata", org);
        md.set("name", Node::str(name.clone(), org.clone()));
        if self.names.last() != Some(&name) {
            self.names.push(name);
        }
    }
    pub fn set_namespace(&mut self, ns: String, org: &Option<Origin>) {
        let md = self.node.entry_map("metadata", org);
        md.set("namespace", Node::str(ns.clone(), org.clone()));
        if self.namespaces.last() != Some(&ns) {
            self.namespaces.push(ns);
        }
    }
    /// Whether `name` is one of the names this resource has had.
    pub fn had_name(&self, name: &str) -> bool {
        self.names.iter().any(|n| n == name)
    }
    /// Whether `ns` is one of its namespaces ("" and "default" are the same).
    pub fn had_namespace(&self, ns: &str) -> bool {
        let norm = |s: &str| {
            if s.is_empty() {
                "default".to_string()
            } else {
                s.to_string()
            }
        };
        self.namespaces.iter().any(|n| norm(n) == norm(ns))
    }
    /// Its identity for duplicate checks: group, kind, namespace, name.
    pub fn id(&self) -> ResId {
        let ns = if self.namespace().is_empty() {
            "default"
        } else {
            self.namespace()
        };
        (
            self.group().into(),
            self.kind().into(),
            ns.into(),
            self.name().into(),
        )
    }
    fn describe(&self) -> String {
        if self.namespace().is_empty() {
            format!("{} {}", self.kind(), self.name())
        } else {
            format!("{} {}/{}", self.kind(), self.namespace(), self.name())
        }
    }
}

/// A var (`vars:`), resolved after name references at the top level.
#[derive(Debug, Clone)]
pub struct Var {
    pub name: String,
    pub kind: String,
    pub obj_name: String,
    pub api_version: Option<String>,
    pub namespace: Option<String>,
    pub field: String,
    pub at: Node,
}

/// What a kustomization has accumulated.
#[derive(Debug, Default)]
pub struct Acc {
    pub res: Vec<Res>,
    pub vars: Vec<Var>,
    /// The ids of `res` and their index, kept while resources are only appended (a
    /// transformer may change ids, so transforming drops it).
    pub ids: Option<HashMap<ResId, usize>>,
    /// Field specs added by `configurations:` files (for custom resources), which apply to
    /// the kustomization that names them and to those that include it.
    pub config: xform::Config,
}

/// Group, kind, namespace ("default" for none), name.
pub type ResId = (String, String, String, String);

/// A kustomization file read, with where it is.
pub struct Kust {
    pub dir: PathBuf,
    pub display: String,
    pub file: Arc<SourceFile>,
    pub node: Node,
}

impl Kust {
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.node.get(key)
    }
    /// The entries of a list field (absent or null: none).
    pub fn list(&self, key: &str) -> Vec<&Node> {
        match self.node.get(key) {
            Some(n) => match &n.v {
                V::Seq(items) => items.iter().collect(),
                _ => Vec::new(),
            },
            None => Vec::new(),
        }
    }
}

pub struct Builder<'a> {
    opts: &'a RenderOptions,
    pub problems: Vec<Problem>,
    files: HashMap<PathBuf, Arc<SourceFile>>,
    stack: Vec<PathBuf>,
    started: Instant,
    timed_out: bool,
}

/// Joins a reported path and a relative one, resolving `.` and `..` where it can.
pub fn join_display(base: &str, rel: &str) -> String {
    let joined = if rel.starts_with('/') || base.is_empty() || base == "." {
        rel.to_string()
    } else {
        format!("{base}/{rel}")
    };
    let absolute = joined.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for p in joined.split('/') {
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

fn is_remote(s: &str) -> bool {
    s.contains("://")
        || s.starts_with("git@")
        || s.starts_with("github.com/")
        || s.starts_with("gitlab.com/")
        || s.starts_with("bitbucket.org/")
        || s.contains("?ref=")
        || s.contains(".git//")
        || s.ends_with(".git")
}

/// Where a node is, for a problem: its origin file and start.
fn locate(n: &Node, fallback: &str) -> (String, Option<Pos>) {
    match &n.org {
        Some(o) => (o.file.path.clone(), Some(o.span.start)),
        None => (fallback.to_string(), None),
    }
}

/// The kustomization file in `dir`, if any.
pub fn kustomization_file(dir: &Path) -> Option<PathBuf> {
    KUSTOMIZATION_FILES
        .iter()
        .map(|f| dir.join(f))
        .find(|p| p.is_file())
}

/// Builds the overlay in `dir` (a folder holding `kustomization.yaml`, `.yml` or
/// `Kustomization`) as `kustomize build` would. `display` is how `dir` is reported.
pub fn build(dir: &Path, display: &str, opts: &RenderOptions) -> Outcome {
    let mut b = Builder {
        opts,
        problems: Vec::new(),
        files: HashMap::new(),
        stack: Vec::new(),
        started: Instant::now(),
        timed_out: false,
    };
    let mut acc = Acc::default();
    let root = b.accumulate(dir, display, &mut acc, false, 0);
    let Some(root) = root else {
        return Outcome {
            rendered: None,
            problems: b.problems,
        };
    };
    xform::add_hashes(&mut acc);
    xform::fix_back_references(&mut b, &mut acc, &root);
    xform::resolve_vars(&mut b, &mut acc);
    xform::sort(&mut b, &mut acc, &root);
    for r in &mut acc.res {
        // Kustomize keeps its bookkeeping in annotations and drops the map when it ends up
        // empty, so `annotations:` (null) or `{}` never reaches its output.
        if let Some(md) = r.node.get_mut("metadata")
            && md
                .get("annotations")
                .is_some_and(|a| a.is_null() || a.as_map().is_some_and(Vec::is_empty))
        {
            md.remove("annotations");
        }
    }
    let mut em = Emitter::default();
    for r in &acc.res {
        em.document_via(&r.source.path, &r.node, &r.via);
        if em.out.len() > MAX_OUTPUT {
            b.problems.push(Problem::error(
                display,
                None,
                format!(
                    "the built stream is larger than {} MiB; the rest was not built",
                    MAX_OUTPUT >> 20
                ),
            ));
            break;
        }
    }
    let stream = SourceFile::new(display.to_string(), Some(dir.to_path_buf()), em.out);
    b.problems.sort();
    b.problems.dedup();
    Outcome {
        rendered: Some(Rendered {
            stream,
            map: em.map,
        }),
        problems: b.problems,
    }
}

impl Builder<'_> {
    pub fn problem_at(&mut self, n: &Node, fallback: &str, msg: impl Into<String>) {
        let (file, pos) = locate(n, fallback);
        self.problems.push(Problem::error(&file, pos, msg));
    }

    fn out_of_time(&mut self, display: &str) -> bool {
        if !self.timed_out && self.started.elapsed() > TIME_LIMIT {
            self.timed_out = true;
            self.problems.push(Problem::error(
                display,
                None,
                format!(
                    "building took longer than {} s; stopped",
                    TIME_LIMIT.as_secs()
                ),
            ));
        }
        self.timed_out
    }

    /// Reads a file once per build (the same file reached twice shares one `SourceFile`).
    pub fn read(&mut self, fs: &Path, display: &str) -> Result<Arc<SourceFile>, String> {
        if let Some(f) = self.files.get(fs) {
            return Ok(f.clone());
        }
        let meta = std::fs::metadata(fs).map_err(|e| format!("cannot read {display}: {e}"))?;
        if meta.len() > MAX_FILE {
            return Err(format!("{display} is larger than {} MiB", MAX_FILE >> 20));
        }
        let bytes = std::fs::read(fs).map_err(|e| format!("cannot read {display}: {e}"))?;
        let text = String::from_utf8(bytes).map_err(|_| format!("{display} is not UTF-8 text"))?;
        let f = SourceFile::new(display.to_string(), Some(fs.to_path_buf()), text);
        self.files.insert(fs.to_path_buf(), f.clone());
        Ok(f)
    }

    /// Raw bytes of a generator source.
    pub fn read_bytes(&mut self, fs: &Path, display: &str) -> Result<Vec<u8>, String> {
        let meta = std::fs::metadata(fs).map_err(|e| format!("cannot read {display}: {e}"))?;
        if meta.is_dir() {
            return Err(format!("{display} is a folder, not a file"));
        }
        if meta.len() > MAX_FILE {
            return Err(format!("{display} is larger than {} MiB", MAX_FILE >> 20));
        }
        std::fs::read(fs).map_err(|e| format!("cannot read {display}: {e}"))
    }

    /// Loads the kustomization of `dir`.
    fn load_kust(&mut self, dir: &Path, display: &str, at: Option<&Node>) -> Option<Kust> {
        let found: Vec<PathBuf> = KUSTOMIZATION_FILES
            .iter()
            .map(|f| dir.join(f))
            .filter(|p| p.is_file())
            .collect();
        let Some(path) = found.first() else {
            let msg =
                format!("{display} has no kustomization.yaml, kustomization.yml or Kustomization");
            match at {
                Some(n) => self.problem_at(n, display, msg),
                None => self.problems.push(Problem::error(display, None, msg)),
            }
            return None;
        };
        let fname = path
            .file_name()
            .and_then(|s| s.to_str())
            .unwrap_or("kustomization.yaml");
        let fdisplay = join_display(display, fname);
        if found.len() > 1 {
            self.problems.push(Problem::error(
                &fdisplay,
                None,
                format!(
                    "{display} has more than one kustomization file; Kustomize refuses to choose"
                ),
            ));
            return None;
        }
        let file = match self.read(path, &fdisplay) {
            Ok(f) => f,
            Err(e) => {
                self.problems.push(Problem::error(&fdisplay, None, e));
                return None;
            }
        };
        let docs = match node::load_docs(&file.text, &file, OriginRole::Kustomization, None) {
            Ok(d) => d,
            Err(e) => {
                self.problems
                    .push(Problem::error(&fdisplay, Some(e.pos), e.message));
                return None;
            }
        };
        let node = match docs.len() {
            0 => Node::map(None),
            1 => docs.into_iter().next().expect("one"),
            _ => {
                self.problems.push(Problem::error(
                    &fdisplay,
                    None,
                    "a kustomization file must hold one document",
                ));
                return None;
            }
        };
        if node.as_map().is_none() {
            self.problems.push(Problem::error(
                &fdisplay,
                None,
                "a kustomization must be a mapping",
            ));
            return None;
        }
        Some(Kust {
            dir: dir.to_path_buf(),
            display: display.to_string(),
            file,
            node,
        })
    }

    /// Kustomize's `accumulateTarget`: the kustomization of `dir` applied to `acc`.
    fn accumulate(
        &mut self,
        dir: &Path,
        display: &str,
        acc: &mut Acc,
        component: bool,
        depth: usize,
    ) -> Option<Kust> {
        if self.out_of_time(display) {
            return None;
        }
        let kust = self.load_kust(dir, display, None)?;
        let kind = kust
            .get("kind")
            .and_then(Node::as_str)
            .unwrap_or("Kustomization")
            .to_string();
        if component && kind != "Component" {
            self.problems.push(Problem::error(
                &kust.file.path,
                None,
                format!(
                    "{display} is listed under components but its kind is {kind}, not Component"
                ),
            ));
            return None;
        }
        if !component && kind == "Component" {
            self.problems.push(Problem::error(
                &kust.file.path,
                None,
                format!("{display} is a Component; it can only be listed under components"),
            ));
            return None;
        }
        self.check_fields(&kust);
        for field in ["resources", "bases"] {
            for entry in kust.list(field) {
                self.resource(&kust, entry, acc, depth);
            }
        }
        xform::read_configurations(self, &kust, acc);
        // Kustomize's built-in generators run in this order: ConfigMaps, Secrets, charts.
        self.generators(&kust, acc);
        self.helm_charts(&kust, acc);
        for entry in kust.list("components") {
            let Some(rel) = entry.as_str() else {
                self.problem_at(entry, &kust.file.path, "a component must be a path");
                continue;
            };
            if is_remote(rel) {
                self.problem_at(
                    entry,
                    &kust.file.path,
                    format!("remote component {rel:?} is not fetched"),
                );
                continue;
            }
            let sub = dir.join(rel);
            let sub_display = join_display(display, rel);
            if !sub.is_dir() {
                self.problem_at(
                    entry,
                    &kust.file.path,
                    format!("component {sub_display} is not a folder"),
                );
                continue;
            }
            if self.enter(&sub, entry, &kust, depth) {
                self.accumulate(&sub, &sub_display, acc, true, depth + 1);
                self.stack.pop();
            }
        }
        xform::transform(self, &kust, acc);
        xform::read_vars(self, &kust, acc);
        if acc.res.len() > MAX_RESOURCES {
            self.problems.push(Problem::error(
                &kust.file.path,
                None,
                format!("more than {MAX_RESOURCES} resources; the build was cut there"),
            ));
            acc.res.truncate(MAX_RESOURCES);
            acc.ids = None;
        }
        Some(kust)
    }

    /// Pushes `dir` on the stack of kustomizations being built, unless that would be a cycle
    /// or too deep (reported at `entry`).
    fn enter(&mut self, dir: &Path, entry: &Node, kust: &Kust, depth: usize) -> bool {
        let canon = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
        let own = kust.dir.canonicalize().unwrap_or_else(|_| kust.dir.clone());
        if canon == own || self.stack.contains(&canon) {
            self.problem_at(
                entry,
                &kust.file.path,
                "this kustomization includes itself (a cycle); not followed",
            );
            return false;
        }
        if depth + 1 > MAX_DEPTH {
            self.problem_at(
                entry,
                &kust.file.path,
                format!("kustomizations nested deeper than {MAX_DEPTH}; not followed"),
            );
            return false;
        }
        if self.stack.is_empty() {
            self.stack.push(own);
        }
        self.stack.push(canon);
        true
    }

    fn check_fields(&mut self, kust: &Kust) {
        const KNOWN: &[&str] = &[
            "apiVersion",
            "kind",
            "metadata",
            "resources",
            "bases",
            "components",
            "patches",
            "patchesStrategicMerge",
            "patchesJson6902",
            "namespace",
            "namePrefix",
            "nameSuffix",
            "labels",
            "commonLabels",
            "commonAnnotations",
            "images",
            "replicas",
            "configMapGenerator",
            "secretGenerator",
            "generatorOptions",
            "helmCharts",
            "helmGlobals",
            "vars",
            "replacements",
            "transformers",
            "sortOptions",
            "buildMetadata",
            "configurations",
        ];
        const UNSUPPORTED: &[&str] = &[
            "generators",
            "validators",
            "crds",
            "openapi",
            "helmChartInflationGenerator",
        ];
        if let Some(m) = kust.node.as_map() {
            for (k, v) in m {
                if KNOWN.contains(&k.as_str()) {
                    continue;
                }
                let msg = if UNSUPPORTED.contains(&k.as_str()) {
                    format!(
                        "`{k}` is not supported by runeguard's Kustomize build; the overlay was built without it"
                    )
                } else {
                    format!("unknown kustomization field `{k}` (Kustomize rejects it)")
                };
                self.problem_at(v, &kust.file.path, msg);
            }
        }
    }

    /// One `resources:` entry: a file of manifests or a folder with a kustomization.
    fn resource(&mut self, kust: &Kust, entry: &Node, acc: &mut Acc, depth: usize) {
        let Some(rel) = entry.as_str() else {
            self.problem_at(entry, &kust.file.path, "a resource must be a path");
            return;
        };
        if is_remote(rel) {
            self.problem_at(
                entry,
                &kust.file.path,
                format!("remote resource {rel:?} is not fetched; its objects were not checked"),
            );
            return;
        }
        let fs = kust.dir.join(rel);
        let display = join_display(&kust.display, rel);
        if fs.is_dir() {
            if self.enter(&fs, entry, kust, depth) {
                let mut sub = Acc::default();
                if kustomization_file(&fs).is_none() {
                    self.problem_at(
                        entry,
                        &kust.file.path,
                        format!("{display} is a folder without a kustomization file"),
                    );
                } else {
                    self.accumulate(&fs, &display, &mut sub, false, depth + 1);
                }
                self.stack.pop();
                self.append_all(acc, sub.res, entry, &kust.file.path);
                acc.vars.extend(sub.vars);
                acc.config.extend(sub.config);
            }
            return;
        }
        let file = match self.read(&fs, &display) {
            Ok(f) => f,
            Err(e) => {
                let msg = if fs.exists() {
                    e
                } else {
                    format!("resource {display} does not exist")
                };
                self.problem_at(entry, &kust.file.path, msg);
                return;
            }
        };
        match node::load_docs(&file.text, &file, OriginRole::Base, None) {
            Ok(docs) => {
                let mut rs = Vec::new();
                for d in docs {
                    for obj in self.objects(d, &file) {
                        rs.push(Res::new(obj, file.clone()));
                    }
                }
                self.append_all(acc, rs, entry, &kust.file.path);
            }
            Err(e) => self
                .problems
                .push(Problem::error(&file.path, Some(e.pos), e.message)),
        }
    }

    /// A document as resources: `kind: List` gives its items; anything that is not an
    /// object with a kind and a name is a problem.
    fn objects(&mut self, d: Node, file: &Arc<SourceFile>) -> Vec<Node> {
        if d.as_map().is_none() {
            self.problem_at(&d, &file.path, "a resource document must be a mapping");
            return Vec::new();
        }
        let kind = d.get_str("kind").unwrap_or("");
        if kind == "List" || (kind.ends_with("List") && d.get("items").is_some()) {
            let items = d
                .get("items")
                .and_then(Node::as_seq)
                .cloned()
                .unwrap_or_default();
            return items
                .into_iter()
                .flat_map(|i| self.objects(i, file))
                .collect();
        }
        if kind.is_empty() {
            self.problem_at(&d, &file.path, "a resource without `kind`");
            return Vec::new();
        }
        // Kustomize needs a name to identify an object (`generateName` alone is refused).
        if d.path(&["metadata", "name"])
            .and_then(Node::as_str)
            .is_none()
        {
            self.problem_at(&d, &file.path, format!("a {kind} without metadata.name"));
            return Vec::new();
        }
        vec![d]
    }

    /// Adds a resource, refusing a second one with the same identity as Kustomize does.
    pub fn append(&mut self, acc: &mut Acc, r: Res, at: &Node, fallback: &str) {
        self.append_all(acc, vec![r], at, fallback);
    }

    /// Adds resources, refusing any whose id is already taken (ids looked up in a set, so
    /// that large builds stay linear).
    pub fn append_all(&mut self, acc: &mut Acc, rs: Vec<Res>, at: &Node, fallback: &str) {
        let mut taken = acc.ids.take().unwrap_or_else(|| {
            acc.res
                .iter()
                .enumerate()
                .map(|(i, p)| (p.id(), i))
                .collect()
        });
        let entry = at.org.as_ref().map(|o| Origin {
            role: OriginRole::Kustomization,
            file: o.file.clone(),
            span: o.span,
        });
        for mut r in rs {
            if let Some(e) = &entry
                && r.via.len() < MAX_DEPTH
            {
                r.via.push(e.clone());
            }
            let id = r.id();
            if let Some(&i) = taken.get(&id) {
                let msg = format!(
                    "{} is already defined (by {}); Kustomize refuses a second resource with the same id",
                    r.describe(),
                    acc.res[i].source.path
                );
                self.problem_at(at, fallback, msg);
                continue;
            }
            taken.insert(id, acc.res.len());
            acc.res.push(r);
        }
        acc.ids = Some(taken);
    }

    /// `configMapGenerator` and `secretGenerator`.
    fn generators(&mut self, kust: &Kust, acc: &mut Acc) {
        let global = kust.get("generatorOptions");
        for (field, kind) in [
            ("configMapGenerator", "ConfigMap"),
            ("secretGenerator", "Secret"),
        ] {
            for entry in kust.list(field) {
                self.generate(kust, entry, kind, global, acc);
            }
        }
    }

    fn generate(
        &mut self,
        kust: &Kust,
        entry: &Node,
        kind: &str,
        global: Option<&Node>,
        acc: &mut Acc,
    ) {
        let path = kust.file.path.clone();
        let Some(name) = entry.get_str("name") else {
            self.problem_at(entry, &path, format!("a {kind} generator without `name`"));
            return;
        };
        let korg = entry
            .get("name")
            .and_then(|n| n.org.clone())
            .or(entry.org.clone());
        let mut obj = Node::map(korg.clone());
        obj.set("apiVersion", Node::str("v1", korg.clone()));
        obj.set("kind", Node::str(kind, korg.clone()));
        let mut md = Node::map(korg.clone());
        md.set("name", Node::str(name, korg.clone()));
        if let Some(ns) = entry.get("namespace").filter(|n| n.as_str().is_some()) {
            md.set("namespace", ns.clone());
        }
        // Options: generatorOptions, then the generator's own.
        let mut disable = false;
        let mut immutable = None;
        for opts in [global, entry.get("options")].into_iter().flatten() {
            for field in ["labels", "annotations"] {
                if let Some(m) = opts.get(field).and_then(Node::as_map) {
                    let target = md.entry_map(field, &korg);
                    for (k, v) in m {
                        if let Some(t) = v.scalar_text() {
                            target.set(k, Node::str(t, v.org.clone()));
                        }
                    }
                }
            }
            if let Some(V::Bool(b)) = opts.get("disableNameSuffixHash").map(|n| &n.v) {
                disable = *b;
            }
            if let Some(n @ Node { v: V::Bool(_), .. }) = opts.get("immutable") {
                immutable = Some(n.clone());
            }
        }
        obj.set("metadata", md);
        // The key/value pairs, each with its origin.
        let mut pairs: Vec<(String, Vec<u8>, Option<Origin>)> = Vec::new();
        for lit in entry
            .get("literals")
            .and_then(Node::as_seq)
            .into_iter()
            .flatten()
        {
            let text = lit.scalar_text().unwrap_or_default();
            match generate::parse_literal(&text) {
                Some((k, v)) => {
                    pairs.push((k, v.into_bytes(), with_role(&lit.org, OriginRole::Base)))
                }
                None => self.problem_at(lit, &path, format!("literal {text:?} is not KEY=VALUE")),
            }
        }
        let mut envs: Vec<&Node> = entry
            .get("envs")
            .and_then(Node::as_seq)
            .map(|s| s.iter().collect())
            .unwrap_or_default();
        if let Some(e) = entry.get("env").filter(|n| n.as_str().is_some()) {
            envs.push(e);
        }
        for env in envs {
            let Some(rel) = env.as_str() else { continue };
            let display = join_display(&kust.display, rel);
            let file = match self.read(&kust.dir.join(rel), &display) {
                Ok(f) => f,
                Err(e) => {
                    self.problem_at(env, &path, e);
                    continue;
                }
            };
            for (i, line) in file.text.lines().enumerate() {
                match generate::parse_env_line(line, i == 0) {
                    Ok(Some((k, v))) => {
                        let lr = file.lines.line_range(&file.text, i as u32 + 1);
                        let span = crate::input::span::Span::new(
                            file.lines.pos_at_offset(&file.text, lr.start),
                            file.lines.pos_at_offset(&file.text, lr.end),
                        );
                        pairs.push((
                            k,
                            v.into_bytes(),
                            Some(Origin {
                                role: OriginRole::Base,
                                file: file.clone(),
                                span,
                            }),
                        ));
                    }
                    Ok(None) => {}
                    Err(m) => {
                        let pos = file.lines.pos_at_line_col(&file.text, i as u32 + 1, 0);
                        self.problems.push(Problem::error(&file.path, Some(pos), m));
                    }
                }
            }
        }
        for f in entry
            .get("files")
            .and_then(Node::as_seq)
            .into_iter()
            .flatten()
        {
            let Some(spec) = f.as_str() else { continue };
            let (key, rel) = match spec.split_once('=') {
                Some((k, p)) => (k.to_string(), p),
                None => (spec.rsplit('/').next().unwrap_or(spec).to_string(), spec),
            };
            let display = join_display(&kust.display, rel);
            let fs = kust.dir.join(rel);
            match self.read_bytes(&fs, &display) {
                Ok(bytes) => {
                    let org = match std::str::from_utf8(&bytes) {
                        Ok(_) => self
                            .read(&fs, &display)
                            .ok()
                            .map(|file| node::whole_file(&file, OriginRole::Base)),
                        Err(_) => with_role(&f.org, OriginRole::Base),
                    };
                    pairs.push((key, bytes, org));
                }
                Err(e) => self.problem_at(f, &path, e),
            }
        }
        let mut data = Node::map(korg.clone());
        let mut binary = Node::map(korg.clone());
        let mut seen = std::collections::HashSet::new();
        for (k, v, org) in pairs {
            if !seen.insert(k.clone()) {
                self.problem_at(
                    entry,
                    &path,
                    format!("{kind} {name}: key {k:?} is given twice"),
                );
                continue;
            }
            let org = org.or(korg.clone());
            if kind == "Secret" {
                data.set(&k, Node::str(data_encoding::BASE64.encode(&v), org));
            } else {
                match String::from_utf8(v) {
                    Ok(s) => data.set(&k, Node::str(s, org)),
                    Err(e) => binary.set(
                        &k,
                        Node::str(data_encoding::BASE64.encode(e.as_bytes()), org),
                    ),
                }
            }
        }
        // Kustomize always gives a generated Secret its `data`, a ConfigMap only when it has some.
        if kind == "Secret" || data.as_map().is_some_and(|m| !m.is_empty()) {
            obj.set("data", data);
        }
        if binary.as_map().is_some_and(|m| !m.is_empty()) {
            obj.set("binaryData", binary);
        }
        if kind == "Secret" {
            let t = entry
                .get("type")
                .cloned()
                .unwrap_or(Node::str("Opaque", korg.clone()));
            obj.set("type", t);
        }
        if let Some(i) = immutable {
            obj.set("immutable", i);
        }
        let mut res = Res::new(obj, kust.file.clone());
        res.needs_hash = !disable;
        let behavior = entry.get_str("behavior").unwrap_or("create");
        let gen_ns = res.namespace().to_string();
        let matches: Vec<usize> = acc
            .res
            .iter()
            .enumerate()
            .filter(|(_, r)| {
                r.kind() == kind
                    && r.group().is_empty()
                    && r.had_name(name)
                    && r.had_namespace(&gen_ns)
            })
            .map(|(i, _)| i)
            .collect();
        match (behavior, matches.as_slice()) {
            ("create", []) => self.append(acc, res, entry, &path),
            ("create", _) => self.problem_at(
                entry,
                &path,
                format!("{kind} {name} already exists; use behavior merge or replace"),
            ),
            ("merge" | "replace", []) => self.problem_at(
                entry,
                &path,
                format!("{kind} {name} does not exist; cannot {behavior} it"),
            ),
            ("merge" | "replace", [i]) => {
                let old = &mut acc.res[*i];
                let mut new = res.node;
                // Metadata: the old labels and annotations, the new ones on top; the old name.
                for field in ["labels", "annotations"] {
                    let mut merged = old
                        .node
                        .path(&["metadata", field])
                        .cloned()
                        .unwrap_or(Node::map(None));
                    if let Some(m) = new.path(&["metadata", field]).and_then(Node::as_map) {
                        for (k, v) in m {
                            merged.set(k, v.clone());
                        }
                    }
                    if merged.as_map().is_some_and(|m| !m.is_empty()) {
                        new.entry_map("metadata", &korg).set(field, merged);
                    }
                }
                if let Some(md) = old.node.get("metadata").cloned() {
                    let nm = new.entry_map("metadata", &korg);
                    for f in ["name", "namespace"] {
                        match md.get(f) {
                            Some(v) => nm.set(f, v.clone()),
                            None => {
                                nm.remove(f);
                            }
                        }
                    }
                }
                if behavior == "merge" {
                    for field in ["data", "binaryData"] {
                        if let Some(m) = old.node.get(field).and_then(Node::as_map).cloned() {
                            let mut merged = Node::new(
                                V::Map(m),
                                old.node.get(field).and_then(|n| n.org.clone()),
                            );
                            if let Some(nm) = new.get(field).and_then(Node::as_map) {
                                for (k, v) in nm {
                                    merged.set(k, v.clone());
                                }
                            }
                            new.set(field, merged);
                        }
                    }
                }
                old.node = new;
                old.needs_hash |= res.needs_hash;
            }
            ("merge" | "replace", _) => self.problem_at(
                entry,
                &path,
                format!("more than one {kind} {name} could take this {behavior}"),
            ),
            (other, _) => self.problem_at(
                entry,
                &path,
                format!("unknown generator behavior {other:?} (create, merge or replace)"),
            ),
        }
    }

    /// Reads a patch given as `path:` (a file) or `patch:` (inline text) of `entry`.
    pub fn patch_docs(&mut self, kust: &Kust, entry: &Node, text_field: &str) -> Option<Vec<Node>> {
        if let Some(p) = entry.get_str("path") {
            return self.patch_file(kust, entry.get("path").unwrap_or(entry), p);
        }
        let Some(t) = entry.get(text_field) else {
            self.problem_at(
                entry,
                &kust.file.path,
                format!("a patch needs `path` or `{text_field}`"),
            );
            return None;
        };
        self.inline_docs(kust, t)
    }

    pub fn patch_file(&mut self, kust: &Kust, at: &Node, rel: &str) -> Option<Vec<Node>> {
        if is_remote(rel) {
            self.problem_at(
                at,
                &kust.file.path,
                format!("remote patch {rel:?} is not fetched"),
            );
            return None;
        }
        let display = join_display(&kust.display, rel);
        let file = match self.read(&kust.dir.join(rel), &display) {
            Ok(f) => f,
            Err(e) => {
                self.problem_at(at, &kust.file.path, e);
                return None;
            }
        };
        match node::load_docs(&file.text, &file, OriginRole::Patch, None) {
            Ok(d) => Some(d),
            Err(e) => {
                self.problems
                    .push(Problem::error(&file.path, Some(e.pos), e.message));
                None
            }
        }
    }

    /// YAML written inside the kustomization (`patch: |`), with origins on the lines of the
    /// kustomization where it is written.
    pub fn inline_docs(&mut self, kust: &Kust, t: &Node) -> Option<Vec<Node>> {
        let Some(text) = t.as_str() else {
            // Already structured YAML (a patch written as a mapping).
            let mut n = t.clone();
            retag(&mut n, OriginRole::Patch);
            return Some(vec![n]);
        };
        let embed = t.org.as_ref().and_then(|o| embed_of(&o.file, o.span.start));
        match node::load_docs(text, &kust.file, OriginRole::Patch, embed) {
            Ok(mut d) => {
                if embed.is_none() {
                    for n in &mut d {
                        n.set_org_deep(&with_role(&t.org, OriginRole::Patch));
                    }
                }
                Some(d)
            }
            Err(e) => {
                let pos = if embed.is_some() {
                    Some(e.pos)
                } else {
                    t.org.as_ref().map(|o| o.span.start)
                };
                self.problems.push(Problem::error(
                    &kust.file.path,
                    pos,
                    format!("inline patch: {}", e.message),
                ));
                None
            }
        }
    }
}

/// Where the content of a literal block scalar (`key: |`) starting on the line of `start`
/// sits, if that entry is one.
fn embed_of(file: &SourceFile, start: Pos) -> Option<Embed> {
    let line = file.line(start.line);
    let after = line.split_once(':').map(|(_, r)| r.trim_start())?;
    if !after.starts_with('|') {
        return None;
    }
    // The first non-empty line below gives the indentation.
    let mut l = start.line + 1;
    while (l as usize) <= file.lines.line_count() {
        let t = file.line(l);
        if !t.trim().is_empty() {
            let indent = t.len() - t.trim_start_matches(' ').len();
            return Some(Embed {
                line: start.line,
                indent,
            });
        }
        l += 1;
    }
    None
}

fn with_role(o: &Option<Origin>, role: OriginRole) -> Option<Origin> {
    o.as_ref().map(|o| Origin {
        role,
        file: o.file.clone(),
        span: o.span,
    })
}

fn retag(n: &mut Node, role: OriginRole) {
    if let Some(o) = &mut n.org {
        o.role = role;
    }
    match &mut n.v {
        V::Seq(items) => items.iter_mut().for_each(|i| retag(i, role)),
        V::Map(entries) => entries.iter_mut().for_each(|(_, i)| retag(i, role)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_paths_are_normalised() {
        assert_eq!(
            join_display("deploy/overlays/prod", "../../base"),
            "deploy/base"
        );
        assert_eq!(join_display(".", "../base/x.yaml"), "../base/x.yaml");
        assert_eq!(join_display("a", "./b/../c.yaml"), "a/c.yaml");
        assert_eq!(join_display("/abs/a", "../b"), "/abs/b");
    }

    #[test]
    fn remote_references_are_recognised() {
        for r in [
            "https://github.com/x/y//base?ref=v1",
            "github.com/x/y/base",
            "git@github.com:x/y.git",
        ] {
            assert!(is_remote(r), "{r}");
        }
        assert!(!is_remote("../base"));
    }
}
