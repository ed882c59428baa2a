//! Kustomize overlays built in-process, as `kubectl kustomize` (Kustomize v5) builds them,
//! with every node of the output knowing its origin: the base file line, the patch line for
//! patched fields, the kustomization line for fields a transformer set.
//!
//! The steps follow Kustomize's `KustTarget`: resources (files, folders, nested
//! kustomizations), generators, components, then the built-in transformers in Kustomize's
//! order; at the top level only, name hashes, name references and vars. Nothing is fetched:
//! a remote resource is a located problem.

mod charts;
mod emit;
mod generate;
mod load;
mod metadata;
mod node;
mod patch;
mod types;
mod xform;
mod yaml2;

use crate::input::render::{Outcome, RenderOptions, Rendered};
use crate::source::map::{Origin, OriginRole};
use crate::source::span::Pos;
use crate::source::{Problem, SourceFile};
use emit::Emitter;
use node::{Node, V};
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
    /// A namespace transformer went over it (Kustomize then records its previous id in its
    /// bookkeeping annotations, even when nothing changed: a cluster-scoped object too).
    pub stored: bool,
    /// It was read in a build with `buildMetadata`: Kustomize then keeps an origin
    /// annotation on every object from the moment it is read, in every kustomization of
    /// the build (the top one passes its origin down to those it includes).
    pub origin_annotated: bool,
    /// The kustomization entries that brought it into the build, innermost first
    /// (`resources:` lines, the generator): the chain reported as related locations.
    pub via: Vec<Origin>,
    /// For an object a generator made: the generator's kind and the kustomization that
    /// configured it (`buildMetadata: [originAnnotations]` names them).
    pub generator: Option<(&'static str, Arc<SourceFile>)>,
    /// The `metadata.name` of the `generators:` configuration that made it (Kustomize's
    /// origin annotation names it).
    pub generator_config: Option<String>,
    /// `buildMetadata: [transformerAnnotations]`: the transformers that went over it, each
    /// as one entry of Kustomize's `alpha.config.kubernetes.io/transformations` list.
    pub transformations: Vec<Arc<str>>,
    /// A JSON patch removed its origin annotation: Kustomize then records the patch as its
    /// origin, not as one more transformation (`AddTransformerAnnotation` sets a missing
    /// origin instead), so the next entry is not added.
    pub origin_lost: bool,
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
            stored: false,
            origin_annotated: false,
            via: Vec::new(),
            generator: None,
            generator_config: None,
            transformations: Vec::new(),
            origin_lost: false,
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
    /// Kustomize rewrites the whole annotation map when it records an origin (a build with
    /// `buildMetadata`): its values are new nodes, no longer shared with the template's
    /// (measured: a suffix spec on the template's annotation `commonAnnotations` gave leaves
    /// `metadata.annotations` as it was; after `namePrefix` they stay shared).
    pub fn unshare_annotations(&mut self) {
        if let Some(a) = self.node.path_mut(&["metadata", "annotations"]) {
            a.clear_shares();
        }
    }
    pub fn set_namespace(&mut self, ns: String, org: &Option<Origin>) {
        let md = self.node.entry_map("metadata", org);
        md.set("namespace", Node::str(ns.clone(), org.clone()));
        if self.namespaces.last() != Some(&ns) {
            self.namespaces.push(ns);
        }
    }
    /// Whether Kustomize holds bookkeeping annotations on it (after a rename, a namespace
    /// transformer or a generator, or always in a build with `buildMetadata`): its
    /// `metadata.annotations` then exists, empty or not, and a field spec without `create`
    /// reaches it (measured: `labels` `fields` on `metadata/annotations` writes there on a
    /// moved object only, and on every object when the top kustomization has
    /// `buildMetadata`, even in the kustomizations it includes).
    pub fn bookkept(&self) -> bool {
        self.names.len() > 1
            || self.namespaces.len() > 1
            || self.stored
            || self.generator.is_some()
            || self.origin_annotated
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
    /// The objref's group and version, matched exactly as Kustomize's `GvknEquals` does:
    /// from `apiVersion` when given, else the `group` and `version` fields (empty when
    /// missing, which then names no object: "cannot be mapped to a field in the set of
    /// known resources", measured with kubectl kustomize v5.8).
    pub group: String,
    pub version: String,
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
    /// A remote resource or component, or a `helmCharts` chart of a repository, of this
    /// kustomization or of one it includes was not fetched: an object a patch, replacement
    /// or merging generator names may be one of its objects, so not finding it among the
    /// local ones is no sign that Kustomize would fail.
    pub unfetched: bool,
}

/// A patch transformer: its kind, and the file and name of its configuration when it is
/// a `transformers:` entry.
#[derive(Clone)]
pub struct Patcher {
    pub kind: &'static str,
    pub file: Option<Arc<SourceFile>>,
    pub name: Option<String>,
}

impl Default for Patcher {
    fn default() -> Self {
        Patcher {
            kind: "PatchTransformer",
            file: None,
            name: None,
        }
    }
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
    /// The entries of `transformers:`, `generators:` or `validators:` in the order Kustomize
    /// runs them: the inline configurations (`- |` text) first, then the files, each group
    /// in the order written (Kustomize's `configureExternalTransformers` collects inline
    /// ones into its list before it reads the paths; measured: an inline `HashTransformer`
    /// listed after a suffix file runs before it).
    pub fn plugin_entries(&self, key: &str) -> Vec<&Node> {
        let (inline, files): (Vec<&Node>, Vec<&Node>) = self
            .list(key)
            .into_iter()
            .partition(|e| e.as_str().is_some_and(|t| t.contains('\n')));
        inline.into_iter().chain(files).collect()
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
    /// Patch documents of files that were not applied because the objects they name may be
    /// those of an unfetched remote resource ([`Builder::note_unfetched_target`]): their file
    /// and the document's offset in it, read by the credential rules only.
    pub unapplied: Vec<(Arc<SourceFile>, usize)>,
    /// ConfigMaps and Secrets generated to merge into or replace an object no local resource
    /// is, in a build that left a remote resource unfetched: not in the stream, read by the
    /// credential rules only (their literals are in the repository all the same).
    pub unapplied_objects: Vec<Res>,
    files: HashMap<PathBuf, Arc<SourceFile>>,
    stack: Vec<PathBuf>,
    /// The `namespace` of each kustomization being accumulated, outermost first: a
    /// `helmCharts` entry without its own namespace renders in the nearest one.
    ns_stack: Vec<Option<String>>,
    started: Instant,
    timed_out: bool,
    /// The kustomization being built asks for `buildMetadata`: Kustomize then keeps origin
    /// annotations on every object while building (a JSON patch finds
    /// `metadata.annotations` there).
    tracks_origins: bool,
    /// The kustomization being built lists `transformerAnnotations` in `buildMetadata`:
    /// every transformer of every kustomization is recorded on the objects it ran over.
    tracks_transformations: bool,
    /// The transformer applying strategic merge patches now, with the configuration file
    /// and name of a `transformers:` entry: an object whose origin annotation a patch
    /// removes is named as configured by it.
    patcher: Patcher,
    /// The folder being built (absolute): origins are relative to it.
    top: PathBuf,
    /// A kustomization's `openapi:` was met: Kustomize takes the first one only.
    schema_set: bool,
    /// Where a kustomization holds a value of the wrong type (reported once, as Kustomize
    /// refuses it): other problems at the same place are not repeated.
    refused_at: std::collections::HashSet<(String, Option<Pos>)>,
    /// Text replacements wrote into typed fields it does not fit ([`Node::misfit`]): the
    /// field's type, kept for later replacements into it, and the problem reported when
    /// Kustomize would decode the object.
    misfits: Vec<(xform::FieldType, Problem)>,
}

pub use super::join_display;

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
        Some(o) => (o.file.path.clone(), Some(o.file.pos(o.span.start))),
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
    build_reading(dir, display, opts).0
}

/// [`build`], with the files the build read (as it joined their paths): a resource file of
/// the walk no build read (a Component listed under `resources`, which Kustomize refuses) was
/// not checked through the overlay that names it.
pub fn build_reading(dir: &Path, display: &str, opts: &RenderOptions) -> (Outcome, Vec<PathBuf>) {
    let (outcome, read, _) = build_reading_patches(dir, display, opts);
    (outcome, read)
}

/// [`build_reading`], with the patch documents of files the build did not apply because the
/// objects they name may be an unfetched remote resource's (Argo CD's `argocd-cm` patched over
/// `install.yaml` from GitHub): each file once, with the offsets of those documents. A literal
/// credential written in such a patch is in the repository all the same; the run reads them
/// with the credential rules only, as it reads a patch fragment no kustomization uses.
pub fn build_reading_patches(
    dir: &Path,
    display: &str,
    opts: &RenderOptions,
) -> (Outcome, Vec<PathBuf>, crate::input::render::Unapplied) {
    let mut b = Builder {
        opts,
        problems: Vec::new(),
        unapplied: Vec::new(),
        unapplied_objects: Vec::new(),
        files: HashMap::new(),
        stack: Vec::new(),
        ns_stack: Vec::new(),
        started: Instant::now(),
        timed_out: false,
        tracks_origins: false,
        tracks_transformations: false,
        patcher: Patcher::default(),
        top: PathBuf::new(),
        schema_set: false,
        refused_at: Default::default(),
        misfits: Vec::new(),
    };
    patch::set_custom_schema(None);
    let mut acc = Acc::default();
    let root = b.accumulate(dir, display, &mut acc, false, 0);
    let Some(root) = root else {
        patch::set_custom_schema(None);
        let unapplied = b.take_unapplied(display, dir);
        let read = b.files.into_keys().collect();
        let outcome = Outcome {
            rendered: None,
            problems: b.problems,
        };
        return (outcome, read, unapplied);
    };
    xform::add_hashes(&mut acc);
    xform::fix_back_references(&mut b, &mut acc, &root);
    xform::resolve_vars(&mut b, &mut acc);
    drop_local_configs(&mut acc);
    metadata::build_metadata(&mut b, &mut acc, &root);
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
        xform::annotations_as_strings(&mut b, r);
        b.report_misfits(&r.node);
        nel_keys(&mut b, &r.node, display, 0);
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
    patch::set_custom_schema(None);
    let stream = SourceFile::new(display.to_string(), Some(dir.to_path_buf()), em.out);
    b.problems.sort();
    b.problems.dedup();
    let unapplied = b.take_unapplied(display, dir);
    let read = b.files.into_keys().collect();
    let outcome = Outcome {
        rendered: Some(Rendered {
            stream,
            map: em.map,
            install_namespace: None,
            chart_values: None,
        }),
        problems: b.problems,
    };
    (outcome, read, unapplied)
}

impl Builder<'_> {
    /// What the build left unapplied for an unfetched remote resource: the patch documents
    /// by file, and the generated objects as a stream of their own.
    fn take_unapplied(&mut self, display: &str, dir: &Path) -> crate::input::render::Unapplied {
        let patches = unapplied_by_file(std::mem::take(&mut self.unapplied));
        let objects = std::mem::take(&mut self.unapplied_objects);
        let objects = (!objects.is_empty()).then(|| {
            let mut em = Emitter::default();
            for r in &objects {
                em.document_via(&r.source.path, &r.node, &r.via);
            }
            let stream = SourceFile::new(display.to_string(), Some(dir.to_path_buf()), em.out);
            Rendered {
                stream,
                map: em.map,
                install_namespace: None,
                chart_values: None,
            }
        });
        crate::input::render::Unapplied { patches, objects }
    }
}

/// The unapplied patch documents grouped by file, in the order met, each offset once.
fn unapplied_by_file(
    docs: Vec<(Arc<SourceFile>, usize)>,
) -> crate::input::render::UnappliedPatches {
    let mut out: crate::input::render::UnappliedPatches = Vec::new();
    for (file, at) in docs {
        match out.iter_mut().find(|(f, _)| Arc::ptr_eq(f, &file)) {
            Some((_, offsets)) if !offsets.contains(&at) => offsets.push(at),
            Some(_) => {}
            None => out.push((file, vec![at])),
        }
    }
    out
}

/// A mapping key holding NEL (U+0085) fails Kustomize's printer: Go's JSON leaves the NEL
/// raw, and go-yaml v2 reads the JSON as YAML, where it is a line break inside a key
/// ("did not find expected ',' or '}'"; measured with kubectl kustomize v5.8). A problem at
/// the entry.
fn nel_keys(b: &mut Builder, n: &Node, display: &str, depth: usize) {
    if depth > crate::input::yaml::MAX_DEPTH {
        return;
    }
    match &n.v {
        V::Map(entries) => {
            for (k, v) in entries {
                if k.contains('\u{85}') {
                    b.problem_at(v, display, format!("key {k:?} holds a NEL (U+0085): Kustomize's printer reads it as a line break inside the key and fails (\"did not find expected ',' or '}}'\"); remove it"));
                }
                nel_keys(b, v, display, depth + 1);
            }
        }
        V::Seq(items) => items
            .iter()
            .for_each(|i| nel_keys(b, i, display, depth + 1)),
        _ => {}
    }
}

/// Kustomize leaves out of its output the objects annotated
/// `config.kubernetes.io/local-config` with any value but `"false"` (measured: `"true"`,
/// `""`, `"True"`, `"no"` are dropped), after the whole build: included kustomizations keep
/// them, so an overlay's replacements and patches still read and change a base's local
/// settings ConfigMap (the cluster-settings idiom of multi-environment setups).
fn drop_local_configs(acc: &mut Acc) {
    acc.res.retain(|r| {
        r.node
            .path(&[
                "metadata",
                "annotations",
                "config.kubernetes.io/local-config",
            ])
            .is_none_or(|v| v.scalar_text().as_deref() == Some("false"))
    });
}

impl Builder<'_> {
    /// A patch or replacement naming an object no local resource is, in a build that left
    /// a remote resource unfetched (an overlay on Argo CD's `install.yaml` from GitHub
    /// patching `argocd-cm`): the object may be the remote one's, so this is a note, not
    /// the error Kustomize would give were the object missing everywhere.
    ///
    /// A patch document of its own file, or written inline in the kustomization as a
    /// literal block scalar (`patch: |`, whose lines are the kustomization's), is kept in
    /// [`Builder::unapplied`]: its credentials are checked, and the note says so. An inline
    /// patch in another scalar style (quoted, folded) is not placed line for line: it is read
    /// all the same, every finding in it at the scalar's first line.
    pub fn note_unfetched_target(&mut self, n: &Node, fallback: &str, what: &str) {
        let (file, pos) = locate(n, fallback);
        let readable = n.org.as_ref().filter(|o| {
            let inline = o
                .file
                .fs_path
                .as_deref()
                .and_then(Path::file_name)
                .is_none_or(|name| {
                    KUSTOMIZATION_FILES
                        .iter()
                        .any(|k| name == std::ffi::OsStr::new(k))
                });
            !inline
                || crate::input::embedded_file::readable_block_at(&o.file, o.span.start as usize)
        });
        let checked = match readable {
            Some(o) => {
                self.unapplied.push((o.file.clone(), o.span.start as usize));
                "; only its credentials checked"
            }
            None => "",
        };
        self.problems.push(Problem::note(
            &file,
            pos,
            format!(
                "not applied: no local resource matches {what}; it may be an object of a remote resource or chart of this build, which is not fetched{checked}"
            ),
        ));
    }

    pub fn problem_at(&mut self, n: &Node, fallback: &str, msg: impl Into<String>) {
        let (file, pos) = locate(n, fallback);
        if self.refused_at.contains(&(file.clone(), pos)) {
            return;
        }
        self.problems.push(Problem::error(&file, pos, msg));
    }

    /// Reports the text replacements wrote into fields it does not fit that `n` still
    /// holds (Kustomize fails when it decodes such an object: printing it, a JSON patch).
    pub fn report_misfits(&mut self, n: &Node) {
        let mut ids = Vec::new();
        n.misfits(&mut ids);
        for id in ids {
            if let Some((_, p)) = self.misfits.get(id as usize - 1) {
                self.problems.push(p.clone());
            }
        }
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
        if depth == 0 {
            self.tracks_origins = kust
                .get("buildMetadata")
                .and_then(Node::as_seq)
                .is_some_and(|l| !l.is_empty());
            self.tracks_transformations = kust
                .get("buildMetadata")
                .and_then(Node::as_seq)
                .is_some_and(|l| {
                    l.iter()
                        .any(|i| i.as_str() == Some("transformerAnnotations"))
                });
            self.top = metadata::absolute(dir);
        }
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
        // A Component built directly is built as a kustomization (measured: `kubectl
        // kustomize` of a Component folder prints its objects); listed under `resources`
        // Kustomize refuses it.
        if !component && kind == "Component" && depth > 0 {
            self.problems.push(Problem::error(
                &kust.file.path,
                None,
                format!("{display} is a Component; it can only be listed under components"),
            ));
            return None;
        }
        self.check_fields(&kust);
        self.openapi(&kust);
        self.ns_stack.push(
            kust.get("namespace")
                .and_then(Node::as_str)
                .filter(|s| !s.is_empty())
                .map(str::to_string),
        );
        for field in ["resources", "bases"] {
            for entry in kust.list(field) {
                self.resource(&kust, entry, acc, depth);
            }
        }
        xform::read_configurations(self, &kust, acc);
        xform::read_crds(self, &kust, acc);
        // Kustomize's built-in generators run in this order: ConfigMaps, Secrets, charts.
        self.generators(&kust, acc);
        self.helm_charts(&kust, acc);
        self.generator_configs(&kust, acc);
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
                acc.unfetched = true;
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
                let conflicts = xform::remerge_after_component(acc);
                xform::report_conflicts(self, &kust, &mut acc.config, &conflicts, &[], entry);
            }
        }
        self.ns_stack.pop();
        xform::transform(self, &kust, acc);
        xform::validate(self, &kust, acc);
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

    /// `openapi:`: `path` names an OpenAPI schema (JSON or YAML) that Kustomize then uses
    /// alone for strategic merges, `version` one of its built-in Kubernetes schemas (as the
    /// default one here). The first kustomization met with it sets it for the build, as
    /// Kustomize's global schema is set once.
    fn openapi(&mut self, kust: &Kust) {
        let Some(o) = kust.get("openapi") else {
            return;
        };
        let (path, version) = (o.get("path"), o.get("version"));
        if path.is_some() && version.is_some() {
            self.problem_at(
                o,
                &kust.file.path,
                "openapi takes `path` or `version`, not both (Kustomize refuses it)",
            );
            return;
        }
        // Kustomize v5.8 builds in one Kubernetes schema; any other version fails the build
        // ("the specified OpenAPI version is not built in"; measured: v1.20.4, v1.30.0).
        if let Some(v) = version
            && !matches!(v.scalar_text().as_deref(), Some("" | "v1.21.2"))
        {
            self.problem_at(
                v,
                &kust.file.path,
                "this OpenAPI version is not built into Kustomize (only v1.21.2 is); the built-in schema was used",
            );
        }
        if self.schema_set {
            return;
        }
        self.schema_set = true;
        let Some(p) = path else {
            return;
        };
        let Some(rel) = p.as_str() else {
            self.problem_at(p, &kust.file.path, "openapi path must be a file name");
            return;
        };
        // A file that could not be read (outside the root, missing) is reported once, by
        // `patch_file`.
        let Some(docs) = self.patch_file(kust, p, rel) else {
            return;
        };
        match docs.first().map(Node::to_json) {
            Some(v) if v.get("definitions").is_some_and(|d| d.is_object()) => {
                patch::set_custom_schema(Some(Arc::new(v)));
            }
            _ => self.problem_at(
                p,
                &kust.file.path,
                format!("{rel} is not an OpenAPI schema with `definitions`; the built-in schema was used"),
            ),
        }
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
        // Kustomize's loader also refuses a folder above one being built, this one or one that
        // includes it (`errIfArgEqualOrHigher`, measured with kubectl kustomize v5.8: an
        // overlay in a subfolder of its base naming `resources: [..]` fails with "cycle
        // detected: candidate root … contains visited root …"); runeguard built it.
        if own.starts_with(&canon) || self.stack.iter().any(|v| v.starts_with(&canon)) {
            self.problem_at(
                entry,
                &kust.file.path,
                "this folder contains a kustomization being built (Kustomize: cycle detected); not followed",
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
        // A Helm dependency beside the chart (`../common`), and more steps up than the path has.
        assert_eq!(
            join_display("bitnami/apache", "../common"),
            "bitnami/common"
        );
        assert_eq!(join_display("a/b", "../../../lib/./c"), "../lib/c");
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
