//! `replicas` and `images`.

use super::*;

/// Kustomize's default `replicas` field specs (`builtinpluginconsts.replicasFieldSpecs`):
/// what the kustomization's `replicas:` entries change.
/// Kustomize's built-in `images` table (`builtinpluginconsts/images.go`): containers and init
/// containers of pods and pod templates, and image volumes' `image/reference` (Kubernetes
/// 1.31's OCI image volumes; measured with kubectl kustomize v5.8: `images:` retags them).
pub(super) fn default_image_specs() -> Vec<FieldSpec> {
    [
        "spec/containers[]/image",
        "spec/initContainers[]/image",
        "spec/volumes[]/image/reference",
        "spec/template/spec/containers[]/image",
        "spec/template/spec/initContainers[]/image",
        "spec/template/spec/volumes[]/image/reference",
    ]
    .into_iter()
    .map(|path| fs(None, None, path, true))
    .collect()
}

pub(super) fn default_replica_specs() -> Vec<FieldSpec> {
    [
        "Deployment",
        "ReplicationController",
        "ReplicaSet",
        "StatefulSet",
    ]
    .into_iter()
    .map(|kind| fs(Some(kind), None, "spec/replicas", true))
    .collect()
}

/// Kustomize's `ReplicaCountTransformer`: the count written at each field spec's path of
/// the objects the spec's kind, group and version select that are (or were) named `name`.
/// The kustomization's `replicas:` entries use [`default_replica_specs`]; a configuration
/// in `transformers:` only its own `fieldSpecs` (none: it selects nothing). Selecting no
/// object fails the build, as in Kustomize ("resource with name db does not match a config
/// with the following GVK []"; differential seed 59 case 71, where runeguard used the
/// default kinds for a configuration without field specs).
pub(super) fn replicas(
    b: &mut Builder,
    k: &Kust,
    entry: &Node,
    acc: &mut Acc,
    specs: &[FieldSpec],
) {
    let (Some(name), Some(count)) = (entry.get_str("name"), entry.get("count")) else {
        b.problem_at(entry, &k.file.path, "a replicas entry needs name and count");
        return;
    };
    let V::Num(n) = &count.v else {
        b.problem_at(count, &k.file.path, "count must be a number");
        return;
    };
    let org = count.org.clone();
    // A spec whose path Kustomize cannot follow in an object of that name fails the
    // transformer (measured: `spec/template/spec/containers/0/x`, "wrong node kind").
    if let Some(why) = unwalkable_in(specs, acc, |r| r.had_name(name)) {
        b.problem_at(
            entry,
            &k.file.path,
            format!("a `replicas` field spec {why}; not applied"),
        );
        return;
    }
    let mut matched = false;
    for f in specs {
        let segs = spec_segs(&f.path);
        let segs: Vec<&str> = segs.iter().map(String::as_str).collect();
        for r in &mut acc.res {
            if !(spec_matches(f, r) && r.had_name(name)) {
                continue;
            }
            matched = true;
            walk_spec(&mut r.node, &segs, f.create, &org, &mut |field| {
                *field = Node::new(V::Num(n.clone()), org.clone());
            });
        }
    }
    if !matched {
        let kinds: Vec<&str> = specs.iter().filter_map(|f| f.kind.as_deref()).collect();
        let msg = if specs.is_empty() {
            format!(
                "no field spec selects an object named {name:?} (the configuration has no fieldSpecs); Kustomize fails here"
            )
        } else {
            format!(
                "no object the replicas field specs select ({}) is named {name:?}; Kustomize fails here",
                if kinds.is_empty() {
                    "any kind".to_string()
                } else {
                    kinds.join(", ")
                }
            )
        };
        b.problem_at(entry, &k.file.path, msg);
    }
}

/// Kustomize's split of an image reference into name, tag and digest.
pub fn split_image(image: &str) -> (String, String, String) {
    let slash = image.find('/').filter(|i| *i > 0).unwrap_or(0);
    let search = &image[slash..];
    let id = search.find('@');
    let ic = search.find(':');
    match (ic, id) {
        (None, None) => (image.to_string(), String::new(), String::new()),
        (ic, Some(id)) if ic.is_none_or(|ic| id < ic) => {
            let id = id + slash;
            (
                image[..id].to_string(),
                String::new(),
                image[id + 1..].to_string(),
            )
        }
        (Some(ic), Some(id)) => {
            let (ic, id) = (ic + slash, id + slash);
            (
                image[..ic].to_string(),
                image[ic + 1..id].to_string(),
                image[id + 1..].to_string(),
            )
        }
        (Some(ic), None) => {
            let ic = ic + slash;
            (
                image[..ic].to_string(),
                image[ic + 1..].to_string(),
                String::new(),
            )
        }
        (None, Some(_)) => unreachable!("handled above"),
    }
}

pub(super) fn images(b: &mut Builder, k: &Kust, entry: &Node, acc: &mut Acc) {
    // An entry without a name changes nothing (measured: Kustomize builds it).
    let Some(name) = entry.get_str("name").filter(|n| !n.is_empty()) else {
        return;
    };
    let Some(pattern) = Regex::new(&format!(
        "^{name}(:[a-zA-Z0-9_.{{}}-]*)?(@sha256:[a-zA-Z0-9_.{{}}-]*)?$"
    ))
    .or_else(|_| {
        Regex::new(&format!(
            "^{}(:[a-zA-Z0-9_.{{}}-]*)?(@sha256:[a-zA-Z0-9_.{{}}-]*)?$",
            regex::escape(name)
        ))
    })
    .ok() else {
        return;
    };
    for f in ["newName", "newTag", "digest", "tagSuffix"] {
        if let Some(v) = entry.get(f)
            && !matches!(v.v, V::Str(_) | V::Null)
        {
            b.problem_at(
                v,
                &k.file.path,
                format!(
                    "images {f} must be a string (quote it); Kustomize refuses this kustomization"
                ),
            );
            return;
        }
    }
    let new_name = entry
        .get("newName")
        .and_then(Node::scalar_text)
        .unwrap_or_default();
    let new_tag = entry
        .get("newTag")
        .and_then(Node::scalar_text)
        .unwrap_or_default();
    let digest = entry
        .get("digest")
        .and_then(Node::scalar_text)
        .unwrap_or_default();
    // `tagSuffix` is added to the tag (the digest dropped) when neither `newTag` nor
    // `digest` is given.
    let suffix = entry
        .get("tagSuffix")
        .and_then(Node::scalar_text)
        .filter(|_| new_tag.is_empty() && digest.is_empty())
        .unwrap_or_default();
    if new_name.is_empty() && new_tag.is_empty() && digest.is_empty() && suffix.is_empty() {
        return;
    }
    // A finding on the image lands on the field that wrote the part rules judge: the tag (or
    // digest, or suffix), else the name; the entry's first line says less.
    let written = |f: &str| {
        entry
            .get(f)
            .filter(|v| v.scalar_text().is_some_and(|t| !t.is_empty()))
            .map(|v| v.org.clone())
    };
    let org = ["newTag", "digest", "tagSuffix", "newName"]
        .into_iter()
        .find_map(written)
        .unwrap_or_else(|| entry.org.clone());
    let update = |img: &mut Node| {
        let Some(value) = img.as_str() else { return };
        if !pattern.is_match(value) {
            return;
        }
        let (mut n, mut t, mut d) = split_image(value);
        if !new_name.is_empty() {
            n = new_name.clone();
        }
        if !new_tag.is_empty() && !digest.is_empty() {
            (t, d) = (new_tag.clone(), digest.clone());
        } else if !new_tag.is_empty() {
            (t, d) = (new_tag.clone(), String::new());
        } else if !digest.is_empty() {
            (t, d) = (String::new(), digest.clone());
        } else if !suffix.is_empty() {
            (t, d) = (format!("{t}{suffix}"), String::new());
        }
        let mut out = n;
        if !t.is_empty() {
            out = format!("{out}:{t}");
        }
        if !d.is_empty() {
            out = format!("{out}@{d}");
        }
        *img = Node::str(out, org.clone());
    };
    // Kustomize's ImageTagTransformer runs its legacy filter (every `containers` and
    // `initContainers` list) and then its field specs (the default pod spec paths, then
    // those of `configurations:`): an image still matching after the first (a `tagSuffix`
    // without `newName`) is changed again (measured: `a:1` with `tagSuffix: -x` becomes
    // `a:1-x-x` in a Deployment, `a:1-x` in a CronJob, which the default paths miss).
    // The accumulated `images` table (the defaults merged with the `configurations:`
    // files' specs, see `read_configurations`); with `create: true` the defaults still
    // create nothing, as the image transformer gives kyaml no kind to create.
    let table = if acc.config.images.is_empty() {
        default_image_specs()
    } else {
        acc.config.images.clone()
    };
    // A spec whose path Kustomize cannot follow fails its image transformer (measured:
    // `spec/template/spec/containers/0/image`, "wrong node kind").
    if let Some(why) = table
        .iter()
        .find_map(|f| unwalkable_spec(f, false, acc, &|_| true, &|_| None))
    {
        b.problem_at(
            entry,
            &k.file.path,
            format!("an `images` field spec {why}; not applied"),
        );
        return;
    }
    for r in &mut acc.res {
        for_containers(&mut r.node, &mut |c: &mut Node| {
            if let Some(img) = c.get_mut("image") {
                update(img);
            }
        });
        let specs: Vec<&FieldSpec> = table.iter().filter(|f| spec_matches(f, r)).collect();
        for f in specs {
            let segs = spec_segs(&f.path);
            let segs: Vec<&str> = segs.iter().map(String::as_str).collect();
            walk_spec(&mut r.node, &segs, false, &None, &mut |n: &mut Node| {
                update(n)
            });
        }
    }
}

/// Calls `f` on every element of every `containers` / `initContainers` list in `n`.
pub(super) fn for_containers(n: &mut Node, f: &mut dyn FnMut(&mut Node)) {
    match &mut n.v {
        V::Map(entries) => {
            for (k, v) in entries {
                if (k == "containers" || k == "initContainers")
                    && let V::Seq(items) = &mut v.v
                {
                    for c in items {
                        f(c);
                    }
                } else {
                    for_containers(v, f);
                }
            }
        }
        V::Seq(items) => items.iter_mut().for_each(|i| for_containers(i, f)),
        _ => {}
    }
}
