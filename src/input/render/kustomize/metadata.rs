//! `buildMetadata` of the kustomization being built (Kustomize ignores it in the ones it
//! includes): `managedByLabel`, `originAnnotations` and `transformerAnnotations`, as
//! `kubectl kustomize` writes them.

use super::node::Node;
use super::{Acc, Builder, Kust};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

/// The label value Kustomize v5.8.1 (the version runeguard builds as) writes.
const MANAGED_BY: &str = "kustomize-v5.8.1";

/// The annotation listing the transformers that went over an object.
pub const TRANSFORMATIONS: &str = "alpha.config.kubernetes.io/transformations";

/// One entry of the transformations annotation, as Kustomize marshals a `resource.Origin`
/// (`configuredIn`, then `configuredBy` with its empty fields left out).
pub fn transformation(
    b: &Builder,
    configured_in: Option<&Path>,
    kind: &str,
    name: Option<&str>,
    namespace: Option<&str>,
) -> Arc<str> {
    let mut s = format!(
        "- configuredIn: {}\n  configuredBy:\n    apiVersion: builtin\n    kind: {kind}\n",
        relative(&b.top, configured_in)
    );
    for (k, v) in [("name", name), ("namespace", namespace)] {
        if let Some(v) = v.filter(|v| !v.is_empty()) {
            s.push_str(&format!("    {k}: {v}\n"));
        }
    }
    s.into()
}

/// Records a transformer on every object accumulated (Kustomize's `multiTransformer` does
/// so after each transformer, whether it changed the object or not).
pub fn note(acc: &mut Acc, entry: Arc<str>) {
    for r in &mut acc.res {
        if std::mem::take(&mut r.origin_lost) {
            continue;
        }
        r.transformations.push(entry.clone());
    }
}

pub fn build_metadata(b: &mut Builder, acc: &mut Acc, root: &Kust) {
    let Some(list) = root.get("buildMetadata") else {
        return;
    };
    let Some(items) = list.as_seq() else {
        b.problem_at(list, &root.file.path, "buildMetadata must be a list");
        return;
    };
    for item in items {
        match item.as_str() {
            Some("managedByLabel") => {
                for r in &mut acc.res {
                    let labels = r.node.entry_map("metadata", &item.org);
                    let labels = labels.entry_map("labels", &item.org);
                    labels.set(
                        "app.kubernetes.io/managed-by",
                        Node::str(MANAGED_BY, item.org.clone()),
                    );
                }
            }
            Some("originAnnotations") => {
                let top = absolute(&root.dir);
                for r in &mut acc.res {
                    let origin = match &r.generator {
                        Some((kind, kust)) => format!(
                            "configuredIn: {}\nconfiguredBy:\n  apiVersion: builtin\n  kind: {kind}\n{}",
                            relative(&top, kust.fs_path.as_deref()),
                            r.generator_config
                                .as_ref()
                                .map(|n| format!("  name: {n}\n"))
                                .unwrap_or_default()
                        ),
                        None => format!("path: {}\n", relative(&top, r.source.fs_path.as_deref())),
                    };
                    let annotations = r.node.entry_map("metadata", &item.org);
                    let annotations = annotations.entry_map("annotations", &item.org);
                    annotations.set(
                        "config.kubernetes.io/origin",
                        Node::str(origin, item.org.clone()),
                    );
                }
            }
            Some("transformerAnnotations") => {
                for r in &mut acc.res {
                    if r.transformations.is_empty() {
                        continue;
                    }
                    let text: String = r.transformations.iter().map(|t| &**t).collect();
                    let annotations = r.node.entry_map("metadata", &item.org);
                    let annotations = annotations.entry_map("annotations", &item.org);
                    annotations.set(TRANSFORMATIONS, Node::str(text, item.org.clone()));
                }
            }
            // Kustomize ignores other options (measured: `buildMetadata: [badOption]` builds).
            _ => {}
        }
    }
}

pub fn absolute(p: &Path) -> PathBuf {
    p.canonicalize().unwrap_or_else(|_| p.to_path_buf())
}

/// `to` relative to the folder `from`, with `/` (Kustomize's origin paths).
fn relative(from: &Path, to: Option<&Path>) -> String {
    let Some(to) = to else {
        return String::new();
    };
    let to = absolute(to);
    let (a, b): (Vec<Component>, Vec<Component>) =
        (from.components().collect(), to.components().collect());
    let common = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let mut parts: Vec<String> = vec!["..".to_string(); a.len() - common];
    parts.extend(
        b[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origin_paths_are_relative_to_the_built_folder() {
        assert_eq!(
            relative(Path::new("/r/top"), Some(Path::new("/r/base/all.yaml"))),
            "../base/all.yaml"
        );
        assert_eq!(
            relative(Path::new("/r/top"), Some(Path::new("/r/top/x.yaml"))),
            "x.yaml"
        );
    }
}
