//! Reading a build's files: kustomization files (with the fields Kustomize knows), resource
//! files into objects, and patches from files or inline text.

use super::node::{Embed, Node, retag, with_role};
use super::*;

impl Builder<'_> {
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
    pub(super) fn load_kust(
        &mut self,
        dir: &Path,
        display: &str,
        at: Option<&Node>,
    ) -> Option<Kust> {
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
        let mut node = node;
        super::types::canonicalize(
            &mut node,
            &super::types::T::Obj(super::types::KUSTOMIZATION),
        );
        let Some(fields) = node.as_map() else {
            self.problems.push(Problem::error(
                &fdisplay,
                None,
                "a kustomization must be a mapping",
            ));
            return None;
        };
        // Kustomize refuses a kustomization that says nothing beyond its apiVersion and kind
        // (an empty value — null, "" — says nothing; `resources: []` does).
        let says_something = fields.iter().any(|(k, v)| {
            !matches!(k.as_str(), "apiVersion" | "kind")
                && !v.is_null()
                && v.as_str().is_none_or(|s| !s.is_empty())
        });
        if !says_something {
            self.problems.push(Problem::error(
                &fdisplay,
                None,
                "the kustomization is empty (nothing beyond apiVersion and kind); Kustomize refuses it",
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

    pub(super) fn check_fields(&mut self, kust: &Kust) {
        // Kustomize decodes the kustomization into its Go types first and refuses it whole
        // when a value has the wrong type; each such value is reported once, here.
        let mut wrong = Vec::new();
        super::types::check(
            &kust.node,
            &super::types::T::Obj(super::types::KUSTOMIZATION),
            "",
            &mut wrong,
        );
        for (n, msg) in wrong {
            let msg = msg.replacen("`.", "`", 1);
            self.problem_at(n, &kust.file.path, msg);
            self.refused_at.insert(locate(n, &kust.file.path));
        }
        // Kustomize's `EnforceFields`.
        let kind = kust.get("kind").and_then(Node::as_str).unwrap_or("");
        if !matches!(kind, "" | "Kustomization" | "Component") {
            let n = kust.get("kind").expect("kind");
            self.problem_at(
                n,
                &kust.file.path,
                "kind should be Kustomization or Component (Kustomize cannot read this kustomization)",
            );
        }
        let version = if kind == "Component" {
            "kustomize.config.k8s.io/v1alpha1"
        } else {
            "kustomize.config.k8s.io/v1beta1"
        };
        if let Some(n) = kust.get("apiVersion")
            && let Some(v) = n.as_str()
            && !v.is_empty()
            && v != version
        {
            self.problem_at(
                n,
                &kust.file.path,
                format!("apiVersion for {} should be {version} (Kustomize cannot read this kustomization)", if kind.is_empty() { "Kustomization" } else { kind }),
            );
        }
    }

    /// One `resources:` entry: a file of manifests or a folder with a kustomization.
    pub(super) fn resource(&mut self, kust: &Kust, entry: &Node, acc: &mut Acc, depth: usize) {
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
            acc.unfetched = true;
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
                acc.unfetched |= sub.unfetched;
                let conflicts = acc.config.extend(sub.config);
                xform::report_conflicts(self, kust, &mut acc.config, &conflicts, &[], entry);
            }
            return;
        }
        if self.outside_root(kust, entry, &fs, &display) {
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
        match node::load_resource_docs(&file.text, &file) {
            Ok((mut docs, misfits)) => {
                // A plain key of another type than a string fails Kustomize when it converts
                // the object to JSON (printing it, a JSON patch): reported then, if the
                // object still holds the key (measured: an object a patch deletes, or whose
                // key a patch removes or replaces, builds).
                let base = self.misfits.len() as u32;
                for e in misfits {
                    self.misfits.push((
                        crate::input::render::kustomize::xform::FieldType::Null,
                        Problem::error(&file.path, Some(e.pos), e.message),
                    ));
                }
                for d in &mut docs {
                    d.offset_misfits(base);
                }
                let mut rs = Vec::new();
                for d in inline_lists(docs) {
                    for obj in self.objects(d, &file) {
                        let mut r = Res::new(obj, file.clone());
                        r.origin_annotated = self.tracks_origins;
                        rs.push(r);
                    }
                }
                self.append_all(acc, rs, entry, &kust.file.path);
            }
            Err(e) => self
                .problems
                .push(Problem::error(&file.path, Some(e.pos), e.message)),
        }
    }

    /// A document as resources: `kind: List` gives its items (see [`inline_lists`] for the
    /// documents of a file); anything that is not an object with a kind and a name is a
    /// problem.
    pub(super) fn objects(&mut self, d: Node, file: &Arc<SourceFile>) -> Vec<Node> {
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

    /// The built-in plugin configurations of a `transformers:` or `generators:` entry (a
    /// file or inline YAML text), with their kinds; a plugin that is not built in, or a
    /// mapping (Kustomize refuses it), is a located problem.
    pub(super) fn builtin_configs(
        &mut self,
        kust: &Kust,
        entry: &Node,
        field: &str,
    ) -> Vec<(String, Node)> {
        let docs = match entry.as_str() {
            Some(text) if text.contains('\n') => self.inline_docs(kust, entry),
            Some(path) => {
                if kust.dir.join(path).is_dir() {
                    let msg = format!(
                        "{field} from a kustomization folder are not supported; not applied"
                    );
                    self.problem_at(entry, &kust.file.path, msg);
                    return Vec::new();
                }
                self.patch_file(kust, entry, path)
            }
            None => {
                // Kustomize reads these lists as strings: a mapping is refused
                // ("cannot unmarshal object into … of type string").
                let msg = format!(
                    "a {field} entry must be a file name or YAML text (`- |`); Kustomize refuses a mapping here"
                );
                self.problem_at(entry, &kust.file.path, msg);
                return Vec::new();
            }
        };
        let mut out = Vec::new();
        for d in docs.unwrap_or_default() {
            let kind = d.get_str("kind").unwrap_or("").to_string();
            let api = d.get_str("apiVersion").unwrap_or("");
            if api != "builtin" {
                let msg = format!(
                    "{kind} ({api}) in {field} is a plugin; runeguard runs only built-in ones, so it was not run"
                );
                self.problem_at(&d, &kust.file.path, msg);
                continue;
            }
            out.push((kind, d));
        }
        out
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

    /// True (and a located error) when a file a kustomization names is not in or below its
    /// folder, symbolic links followed: Kustomize's default load restrictor refuses it
    /// ("security; file … is not in or below …"), so nothing of it is rendered or checked.
    /// Folders (bases) may be anywhere; a path that does not resolve is left to the read.
    pub fn outside_root(&mut self, kust: &Kust, at: &Node, fs: &Path, display: &str) -> bool {
        if fs.is_dir() {
            return false;
        }
        let (Ok(root), Ok(file)) = (kust.dir.canonicalize(), fs.canonicalize()) else {
            return false;
        };
        if file.starts_with(&root) {
            return false;
        }
        self.problem_at(
            at,
            &kust.file.path,
            format!(
                "security: file {display} is not in or below the kustomization's folder {}; Kustomize refuses it, so the overlay does not deploy it",
                if kust.display.is_empty() { "." } else { &kust.display }
            ),
        );
        true
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
        if self.outside_root(kust, at, &kust.dir.join(rel), &display) {
            return None;
        }
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
        let embed = t
            .org
            .as_ref()
            .and_then(|o| embed_of(&o.file, o.file.pos(o.span.start)));
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
                    t.org.as_ref().map(|o| o.file.pos(o.span.start))
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

/// Where the content of a literal block scalar sits, if the node starting at `start` is one:
/// an entry `key: |` starting on that line, or a list item `- |` whose content starts there.
pub(super) fn embed_of(file: &SourceFile, start: Pos) -> Option<Embed> {
    let item_above = start.line > 1 && {
        let above = file.line(start.line - 1).trim_start();
        above
            .strip_prefix("- ")
            .is_some_and(|r| r.trim_start().starts_with('|'))
    };
    let line = if item_above {
        start.line - 1
    } else {
        let text = file.line(start.line);
        let after = text.split_once(':').map(|(_, r)| r.trim_start())?;
        if !after.starts_with('|') {
            return None;
        }
        start.line
    };
    // The first non-empty line below gives the indentation.
    let mut l = line + 1;
    while (l as usize) <= file.lines.line_count() {
        let t = file.line(l);
        if !t.trim().is_empty() {
            let indent = t.len() - t.trim_start_matches(' ').len();
            return Some(Embed { line, indent });
        }
        l += 1;
    }
    None
}

/// Whether a document is a list of objects Kustomize reads as its items (`kind: List`, or a
/// kind ending in `List` with `items`).
fn is_object_list(d: &Node) -> bool {
    let kind = d.get_str("kind").unwrap_or("");
    kind == "List" || (kind.ends_with("List") && d.get("items").is_some())
}

/// The documents of a file (resources or strategic merge patches) with each list of objects
/// replaced by its items, as Kustomize's `RNodesFromBytes` does: a list's items go to the
/// end of the queue, after the file's later documents (measured with kubectl kustomize v5.8
/// under `sortOptions: fifo`: `[List{a, b}, c, d]` gives `c, d, a, b`), and a list whose
/// `items` is null gives nothing.
pub(super) fn inline_lists(docs: Vec<Node>) -> Vec<Node> {
    if !docs.iter().any(is_object_list) {
        return docs;
    }
    let mut queue: std::collections::VecDeque<Node> = docs.into();
    let mut out = Vec::with_capacity(queue.len());
    while let Some(d) = queue.pop_front() {
        if !is_object_list(&d) {
            out.push(d);
            continue;
        }
        match d.get("items") {
            Some(items) if let Some(seq) = items.as_seq() => queue.extend(seq.iter().cloned()),
            Some(items) if items.is_null() => {}
            None => {}
            // Kustomize refuses items of another type; left to the reader to report.
            Some(_) => out.push(d),
        }
    }
    out
}
