//! Namespace, name prefixes and suffixes, labels and annotations through field specs, and the
//! `configurations:` files that extend those specs for custom resources.

use super::refs;
use super::vars::builtin_var_refs;
use super::*;

/// Whether Kustomize knows the type as cluster-scoped: its built-in OpenAPI schema
/// (Kubernetes v1.21.2, kyaml's `precomputedIsNamespaceScoped`) lists it by apiVersion and
/// kind. Any other type — a custom kind, a kind or version newer than v1.21
/// (`ValidatingAdmissionPolicy`, `flowcontrol…/v1` `FlowSchema`, `IPAddress`), a
/// `ClusterRole` of another group — is namespaced for Kustomize (measured: `namespace:`
/// gives them one).
pub fn cluster_scoped(api_version: &str, kind: &str) -> bool {
    let (group, version) = api_version.rsplit_once('/').unwrap_or(("", api_version));
    let v1_or_beta = matches!(version, "v1" | "v1beta1");
    match (group, kind) {
        (
            "",
            "ComponentStatus" | "Namespace" | "Node" | "NodeProxyOptions" | "PersistentVolume",
        ) => version == "v1",
        (
            "admissionregistration.k8s.io",
            "MutatingWebhookConfiguration" | "ValidatingWebhookConfiguration",
        )
        | ("apiextensions.k8s.io", "CustomResourceDefinition")
        | ("apiregistration.k8s.io", "APIService")
        | ("certificates.k8s.io", "CertificateSigningRequest")
        | ("networking.k8s.io", "IngressClass")
        | ("node.k8s.io", "RuntimeClass")
        | ("rbac.authorization.k8s.io", "ClusterRole" | "ClusterRoleBinding")
        | ("scheduling.k8s.io", "PriorityClass")
        | ("storage.k8s.io", "CSIDriver" | "CSINode" | "StorageClass" | "VolumeAttachment") => {
            v1_or_beta
        }
        ("flowcontrol.apiserver.k8s.io", "FlowSchema" | "PriorityLevelConfiguration")
        | ("policy", "PodSecurityPolicy") => version == "v1beta1",
        _ => false,
    }
}

/// Kustomize's default `namespace` field specs besides `metadata/namespace` (applied to the
/// namespaced objects) and the binding subjects: an APIService's Service namespace (created)
/// and a CRD's conversion webhook Service namespace (where it exists), set whatever
/// namespace they gave (measured).
fn default_namespace_specs() -> [FieldSpec; 2] {
    [
        fs(
            Some("APIService"),
            Some("apiregistration.k8s.io"),
            "spec/service/namespace",
            true,
        ),
        fs(
            Some("CustomResourceDefinition"),
            Some("apiextensions.k8s.io"),
            "spec/conversion/webhook/clientConfig/service/namespace",
            false,
        ),
    ]
}

/// Which binding subjects a namespace transformer moves (Kustomize's
/// `setRoleBindingSubjects`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Subjects {
    /// `defaultOnly`, the default: every subject named `default`, whatever its kind.
    DefaultOnly,
    /// `allServiceAccounts`: every subject of kind ServiceAccount.
    AllServiceAccounts,
    /// `none`.
    None,
}

impl Subjects {
    /// The mode a configuration's `setRoleBindingSubjects` text names; None for another
    /// text (Kustomize refuses the configuration).
    pub(super) fn parse(text: &str) -> Option<Subjects> {
        match text {
            "" | "defaultOnly" => Some(Subjects::DefaultOnly),
            "allServiceAccounts" => Some(Subjects::AllServiceAccounts),
            "none" => Some(Subjects::None),
            _ => None,
        }
    }
}

/// Sets the namespace of every namespaced object: `namespace:` (which also renames Namespace
/// objects; the fields of the accumulated table besides), or a `NamespaceTransformer`
/// configuration (`own`: its `fieldSpecs`, the only fields it sets besides each object's
/// own namespace; Namespace objects keep their name, measured), with `unset_only` (its
/// `unsetOnly`) only of objects without one.
pub(super) fn namespace(
    acc: &mut Acc,
    ns: &str,
    org: &Option<Origin>,
    own: Option<&[FieldSpec]>,
    unset_only: bool,
    subjects: Subjects,
) -> Option<String> {
    let config = own.is_some();
    // The accumulated table (the defaults merged with the `configurations:` files' specs).
    // A `NamespaceTransformer` configuration sets only its own field specs (Kustomize's
    // namespace filter gets the plugin's `fieldSpecs`; measured with kubectl kustomize v5.8:
    // the kubebuilder CRD and webhook specs of `configurations:` files are not applied).
    let acc_specs: Vec<FieldSpec> = match own {
        Some(specs) => specs.to_vec(),
        None if acc.config.namespace.is_empty() => default_namespace_specs().to_vec(),
        None => acc.config.namespace.clone(),
    };
    // Kustomize's namespace filter fails the build at a field spec path it cannot follow, or
    // reaching a mapping or list (measured with kubectl kustomize v5.8: "namespace field
    // specs must target scalar nodes", "namespace transformation failed"); runeguard set
    // nothing there and built on. A RoleBinding's `subjects` specs are its own hack.
    let chart = |r: &Res| {
        r.generator
            .as_ref()
            .is_some_and(|g| g.0 == "HelmChartInflationGenerator")
    };
    let binding = |r: &Res| matches!(r.kind(), "RoleBinding" | "ClusterRoleBinding");
    let unfit = acc_specs
        .iter()
        .filter(|f| f.path != "metadata/namespace" && f.path != "metadata/name")
        .find_map(|f| {
            let subjects = f.path == "subjects" || f.path.starts_with("subjects/");
            unwalkable_spec(
                f,
                f.create,
                acc,
                &|r| !(chart(r) || (subjects && binding(r))),
                &scalar_leaf,
            )
        });
    if unfit.is_some() {
        return unfit;
    }
    for r in &mut acc.res {
        // Kustomize v5.8 marks what a chart renders (a build annotation kept to the end of
        // the build) and its namespace transformer leaves those objects as Helm wrote them,
        // at every level (measured with kubectl kustomize v5.8.1: a chart object without a
        // namespace keeps none, one with `namespace: apps` keeps it under an overlay's
        // `namespace: other`).
        if r.generator
            .as_ref()
            .is_some_and(|g| g.0 == "HelmChartInflationGenerator")
        {
            continue;
        }
        let kind = r.kind().to_string();
        r.stored = true;
        if kind == "Namespace" && config {
            continue;
        }
        if kind == "Namespace" {
            // Kustomize renames Namespace objects to the namespace it sets.
            r.set_name(ns.to_string(), org);
            continue;
        }
        // `unsetOnly` sets each field only where it is empty (Kustomize's
        // `SetEntryIfEmpty`), the object's own namespace and each subject's alike (measured:
        // a RoleBinding in a namespace still has its subjects without one moved).
        if !cluster_scoped(r.api_version(), &kind) && (!unset_only || r.namespace().is_empty()) {
            r.set_namespace(ns.to_string(), org);
        }
        match kind.as_str() {
            // Kustomize's `roleBindingHack`: in its default `defaultOnly` mode every subject
            // named `default` gets the namespace, whatever its kind (measured: a User and a
            // Group named `default` too; runeguard moved only ServiceAccounts), in
            // `allServiceAccounts` every ServiceAccount subject, in `none` none.
            "RoleBinding" | "ClusterRoleBinding" => {
                if let Some(list) = r.node.path_mut(&["subjects"]).and_then(Node::as_seq_mut) {
                    for s in list {
                        let moved = match subjects {
                            Subjects::DefaultOnly => s.get_str("name") == Some("default"),
                            Subjects::AllServiceAccounts => {
                                s.get_str("kind") == Some("ServiceAccount")
                            }
                            Subjects::None => false,
                        };
                        // `unsetOnly` keeps a namespace a subject gives (`SetEntryIfEmpty`).
                        let given = s.get_str("namespace").is_some_and(|n| !n.is_empty());
                        if moved && !(unset_only && given) {
                            s.set("namespace", Node::str(ns, org.clone()));
                        }
                    }
                }
            }
            _ => {}
        }
        // The configured fields, on cluster-scoped objects too (they name a namespaced
        // object elsewhere); `metadata/namespace` itself is the built-in rule above.
        // A `NamespaceTransformer` configuration has its own field specs instead of the
        // defaults (measured: one naming `metadata/namespace` leaves an APIService's
        // Service namespace as it was).
        let specs: Vec<FieldSpec> = acc_specs
            .iter()
            .filter(|f| f.path != "metadata/namespace" && spec_matches(f, r))
            .cloned()
            .collect();
        for f in specs {
            let segs = spec_segs(&f.path);
            let segs: Vec<&str> = segs.iter().map(String::as_str).collect();
            walk_spec(
                &mut r.node,
                &segs,
                f.create,
                org,
                &mut |target: &mut Node| {
                    let given = target.as_str().is_some_and(|t| !t.is_empty());
                    if target.as_map().is_none()
                        && target.as_seq().is_none()
                        && !(unset_only && given)
                    {
                        *target = Node::str(ns, org.clone());
                    }
                },
            );
        }
    }
    None
}

/// Kustomize's prefix or suffix transformer (`namePrefix`/`nameSuffix`, or a
/// `PrefixSuffixTransformer` configuration): for every object but CRDs, Namespaces and
/// APIServices, each field spec selecting it, in order: `metadata/name` renames the object
/// (name references follow it); another path gets the affix added to the text there (a
/// number or boolean becomes text, a missing field is created as `""` with `create`).
/// Returns the fields holding a mapping, which Kustomize refuses ("wrong node kind").
pub(super) fn affix(
    acc: &mut Acc,
    s: &str,
    prefix: bool,
    org: &Option<Origin>,
    specs: &[FieldSpec],
) -> Vec<String> {
    let mut refused = Vec::new();
    for r in &mut acc.res {
        if matches!(r.kind(), "CustomResourceDefinition" | "Namespace")
            || (r.kind() == "APIService" && r.group() == "apiregistration.k8s.io")
        {
            continue;
        }
        let add = |t: &str| {
            if prefix {
                format!("{s}{t}")
            } else {
                format!("{t}{s}")
            }
        };
        let selected: Vec<&FieldSpec> = specs.iter().filter(|f| spec_matches(f, r)).collect();
        for f in selected {
            if f.path == "metadata/name" {
                let name = add(r.name());
                r.set_name(name, org);
                r.affixes
                    .push(format!("{}:{s}", if prefix { 'p' } else { 's' }));
                continue;
            }
            bookkeeping_annotations(r, f, org);
            if r.origin_annotated {
                // Kustomize's origin bookkeeping rewrote the annotation map (measured).
                r.unshare_annotations();
            }
            let segs = spec_segs(&f.path);
            let segs: Vec<&str> = segs.iter().map(String::as_str).collect();
            let mut bad = false;
            // Written in place, as Kustomize sets the node's value: a label or annotation
            // a transformer inserted at several fields of the object changes at all of
            // them (measured: a spec on `metadata/labels/team` over `commonLabels` changes
            // the selector and template labels too).
            let mut written: Vec<(u32, Node)> = Vec::new();
            walk_scalar_spec(&mut r.node, &segs, f.create, org, &mut |t: &mut Node| {
                let text = match &t.v {
                    V::Null => null_text(t),
                    V::Map(_) | V::Seq(_) => {
                        bad = true;
                        return;
                    }
                    _ => t.scalar_text().unwrap_or_default(),
                };
                let share = t.share;
                *t = Node::str(add(&text), org.clone());
                t.share = share;
                if share != 0 {
                    written.push((share, t.clone()));
                }
            });
            for (id, n) in written {
                r.node.write_shared(id, &n);
            }
            if bad {
                refused.push(format!("{} of {}", f.path, r.describe()));
            }
        }
    }
    refused
}

/// Whether `e`, a spec already in the slice, has the path of `f` and is selected by `f`'s
/// kind and group (a spec without kind or group selects all), as Kustomize's `FsSlice` tests.
fn same_spec(e: &FieldSpec, f: &FieldSpec) -> bool {
    // `Gvk.IsSelected`: each of `f`'s group, version and kind, when given, is `e`'s.
    let selects = |a: &Option<String>, b: &Option<String>| {
        a.as_deref()
            .filter(|x| !x.is_empty())
            .is_none_or(|x| b.as_deref() == Some(x))
    };
    e.path == f.path
        && selects(&f.kind, &e.kind)
        && selects(&f.group, &e.group)
        && selects(&f.version, &e.version)
}

/// Kustomize's `FsSlice` merge: each spec of `more` is appended unless one already there has
/// its path and is selected by its kind and group (a spec without kind selects all).
pub(super) fn merge_specs(into: &mut Vec<FieldSpec>, more: &[FieldSpec]) {
    for f in more {
        if !into.iter().any(|e| same_spec(e, f)) {
            into.push(f.clone());
        }
    }
}

/// Kustomize's `TransformerConfig.Merge` of one table: [`merge_specs`], then the slice
/// sorted by kind (`sortFields`). The order decides later merges: a kind-specific spec
/// sorts before the spec for every kind, so an including kustomization, whose table starts
/// empty, keeps the kind-specific one and drops the other (measured: base ← overlay whose
/// `configurations:` give `metadata/name` for one kind ← overlay with `namePrefix` renames
/// only that kind).
pub(super) fn merge_sorted(into: &mut Vec<FieldSpec>, more: &[FieldSpec]) {
    merge_specs(into, more);
    sort_specs(into);
}

/// Kustomize's `FsSlice` order: by the kind's rank in the legacy order (`Gvk.IsLessThan`:
/// the kinds listed first rank below every other kind, those listed last above), then by
/// `group_version_kind` with `~G`/`~V`/`~K` for what is missing (`legacySortString`: a
/// spec for `v1` sorts before one for any version). Go's `sort.Sort` is stable for the few specs of these
/// tables (insertion sort up to 12 elements); so is this one.
fn sort_specs(specs: &mut [FieldSpec]) {
    fn rank(kind: &str) -> i64 {
        if let Some(i) = super::order::ORDER_FIRST.iter().position(|k| *k == kind) {
            return i as i64 - super::order::ORDER_FIRST.len() as i64;
        }
        super::order::ORDER_LAST
            .iter()
            .position(|k| *k == kind)
            .map_or(0, |i| i as i64 + 1)
    }
    fn key(f: &FieldSpec) -> (i64, String) {
        let kind = f.kind.as_deref().unwrap_or("");
        let text = format!(
            "{}_{}_{}",
            f.group.as_deref().filter(|g| !g.is_empty()).unwrap_or("~G"),
            f.version
                .as_deref()
                .filter(|v| !v.is_empty())
                .unwrap_or("~V"),
            Some(kind).filter(|k| !k.is_empty()).unwrap_or("~K")
        );
        (rank(kind), text)
    }
    specs.sort_by_cached_key(key);
}

/// Kustomize's accumulator after a component: the component worked on the including
/// kustomization's accumulator, which is then replaced by an empty one and its table
/// merged back in (`accumulateDirectory`), so the prefix and suffix tables are merged once
/// more into nothing: a spec selected by one before it is dropped.
/// The label and annotation tables are merged so too; each may conflict there (the
/// conflicts are returned, see [`merge_sorted_checked`]: a kind-specific `metadata/name`
/// spec with `create` sorted before the default without fails, measured).
pub fn remerge_after_component(acc: &mut Acc) -> Vec<Conflict> {
    let mut conflicts = Vec::new();
    for (specs, table) in [
        (&mut acc.config.name_prefix, PREFIX),
        (&mut acc.config.name_suffix, SUFFIX),
        (&mut acc.config.labels, LABELS),
        (&mut acc.config.annotations, ANNOTATIONS),
    ] {
        let all = std::mem::take(specs);
        conflicts.extend(merge_sorted_checked(specs, &all, table));
    }
    conflicts
}

const LABELS: &str = "CommonLabels";
const ANNOTATIONS: &str = "CommonAnnotations";
const PREFIX: &str = "NamePrefix";
const SUFFIX: &str = "NameSuffix";
const VARS: &str = "VarReference";
const NAMESPACE: &str = "NameSpace";
const REPLICAS: &str = "Replicas";
const IMAGES: &str = "Images";
const NAME_REFS: &str = "NameReference";

/// Two field specs Kustomize's config merge cannot merge (`FsSlice.MergeOne`: "conflicting
/// fieldspecs"): the spec already there and the one merged into it.
#[derive(Debug, Clone)]
pub struct Conflict {
    pub there: FieldSpec,
    pub merged: FieldSpec,
    /// `CommonLabels`, `CommonAnnotations`, `NamePrefix` or `NameSuffix`, as Kustomize
    /// names the table.
    pub table: &'static str,
    /// The merged spec's node, when the table keeps it (`nameReference`, where equal specs
    /// of entries naming other kinds are other specs).
    pub at: Option<Node>,
}

/// Kustomize's `TransformerConfig.Merge` of a label or annotation table: [`merge_specs`]
/// that fails on a spec already there (the same path, selected by the merged spec's kind,
/// group and version) with another `create`, then sorted as [`merge_sorted`]. Kustomize
/// stops at the first conflict; each is returned here (the conflicting spec not merged), so
/// that every one is reported.
pub(super) fn merge_sorted_checked(
    into: &mut Vec<FieldSpec>,
    more: &[FieldSpec],
    table: &'static str,
) -> Vec<Conflict> {
    let mut conflicts = Vec::new();
    for f in more {
        match into.iter().find(|e| same_spec(e, f)) {
            Some(e) if e.create != f.create => conflicts.push(Conflict {
                there: e.clone(),
                merged: f.clone(),
                table,
                at: None,
            }),
            Some(_) => {}
            None => into.push(f.clone()),
        }
    }
    sort_specs(into);
    conflicts
}

/// [`merge_specs`], failing (with the path) on a spec already there that differs only in
/// `create`, as Kustomize's `FsSlice.MergeOne` fails.
pub(super) fn merge_checked(into: &mut Vec<FieldSpec>, more: &[FieldSpec]) -> Option<String> {
    for f in more {
        let found = into.iter().find(|e| same_spec(e, f));
        match found {
            Some(e) if e.create != f.create => return Some(f.path.clone()),
            Some(_) => {}
            None => into.push(f.clone()),
        }
    }
    None
}

/// A `nameReference` table: (the kind named, where it is named, the spec as written in a
/// `configurations:` file).
pub type NameRefs = Vec<(refs::Target, FieldSpec, Option<Node>)>;

/// Kustomize's `nbrSlice.mergeAll`: each referral of `more` joins the entry of `into` naming
/// the same group, version and kind (`Gvk.Equals`: an entry without a version is another
/// entry), where a spec of its path for the kinds it selects is dropped and one differing
/// only in `create` fails the merge (measured with kubectl kustomize v5.8: "failed to merge
/// NameReference fieldSpec: conflicting fieldspecs", between two files, two entries of one
/// file, or a base's file and an overlay's).
///
/// An entry naming a kind not there yet is appended whole (`nbrSlice.mergeOne`), its specs
/// not merged with each other: two specs of one such entry differing only in `create`
/// build (measured), while under an entry of the built-in table's kind, group and version
/// (ConfigMap `v1`) they meet in the built-in entry and fail. `more` is one entry or a
/// merged table (one entry per target).
pub(super) fn merge_name_refs(into: &mut NameRefs, more: NameRefs) -> Vec<Conflict> {
    let mut conflicts = Vec::new();
    let there: Vec<refs::Target> = into.iter().map(|(t, _, _)| t.clone()).collect();
    for (target, f, item) in more {
        if !there.contains(&target) {
            into.push((target, f, item));
            continue;
        }
        match into
            .iter()
            .find(|(t, e, _)| *t == target && same_spec(e, &f))
        {
            Some((_, e, _)) if e.create != f.create => conflicts.push(Conflict {
                there: e.clone(),
                merged: f,
                table: NAME_REFS,
                at: item,
            }),
            Some(_) => {}
            None => into.push((target, f, item)),
        }
    }
    conflicts
}

/// One kustomization's `namePrefix`/`nameSuffix` field specs as Kustomize's
/// `MakeTransformerConfig` makes them: the default `metadata/name` alone without
/// `configurations:`, else the default merged with the files' specs (already merged file
/// by file) and sorted: a `metadata/name` for one kind then comes before the default, which
/// the accumulator's merge drops when nothing is there yet.
pub(super) fn name_affix_specs(configured: &[FieldSpec]) -> Vec<FieldSpec> {
    let mut out = vec![fs(None, None, "metadata/name", false)];
    if !configured.is_empty() {
        merge_sorted(&mut out, configured);
    }
    out
}

/// A place a transformer writes to: a path of fields (lists are walked through), for the
/// kinds (and group) given, created when missing if `create`.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldSpec {
    pub group: Option<String>,
    /// The API version (`v1` of `apps/v1`) the spec is for; none or empty: any.
    pub version: Option<String>,
    pub kind: Option<String>,
    pub path: String,
    pub create: bool,
}

pub(super) fn fs(kind: Option<&str>, group: Option<&str>, path: &str, create: bool) -> FieldSpec {
    FieldSpec {
        group: group.map(str::to_string),
        version: None,
        kind: kind.map(str::to_string),
        path: path.to_string(),
        create,
    }
}

pub(super) const WORKLOADS: [(&str, Option<&str>); 6] = [
    ("ReplicationController", None),
    ("Deployment", None),
    ("ReplicaSet", None),
    ("DaemonSet", None),
    ("StatefulSet", Some("apps")),
    ("Job", Some("batch")),
];

/// Kustomize's `commonLabels` field specs: metadata, selectors and pod templates.
pub(super) fn common_label_specs() -> Vec<FieldSpec> {
    let mut v = vec![
        fs(None, None, "metadata/labels", true),
        fs(Some("ReplicationController"), None, "spec/selector", true),
        fs(Some("Service"), None, "spec/selector", true),
        fs(Some("Deployment"), None, "spec/selector/matchLabels", true),
        fs(Some("ReplicaSet"), None, "spec/selector/matchLabels", true),
        fs(Some("DaemonSet"), None, "spec/selector/matchLabels", true),
        fs(
            Some("StatefulSet"),
            Some("apps"),
            "spec/selector/matchLabels",
            true,
        ),
        fs(
            Some("Job"),
            Some("batch"),
            "spec/selector/matchLabels",
            false,
        ),
        fs(
            Some("CronJob"),
            Some("batch"),
            "spec/jobTemplate/spec/selector/matchLabels",
            false,
        ),
        fs(
            Some("PodDisruptionBudget"),
            Some("policy"),
            "spec/selector/matchLabels",
            false,
        ),
        fs(
            Some("NetworkPolicy"),
            Some("networking.k8s.io"),
            "spec/podSelector/matchLabels",
            false,
        ),
        fs(
            Some("NetworkPolicy"),
            Some("networking.k8s.io"),
            "spec/ingress/from/podSelector/matchLabels",
            false,
        ),
        fs(
            Some("NetworkPolicy"),
            Some("networking.k8s.io"),
            "spec/egress/to/podSelector/matchLabels",
            false,
        ),
    ];
    for kind in ["Deployment", "StatefulSet"] {
        for aff in ["podAffinity", "podAntiAffinity"] {
            v.push(fs(Some(kind), Some("apps"), &format!("spec/template/spec/affinity/{aff}/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels"), false));
            v.push(fs(Some(kind), Some("apps"), &format!("spec/template/spec/affinity/{aff}/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels"), false));
        }
        v.push(fs(
            Some(kind),
            Some("apps"),
            "spec/template/spec/topologySpreadConstraints/labelSelector/matchLabels",
            false,
        ));
    }
    v.extend(template_label_specs());
    v
}

/// The pod-template label paths (`labels` with `includeTemplates`).
pub(super) fn template_label_specs() -> Vec<FieldSpec> {
    let mut v: Vec<FieldSpec> = WORKLOADS
        .iter()
        .map(|(k, g)| fs(Some(k), *g, "spec/template/metadata/labels", true))
        .collect();
    v.push(fs(
        Some("CronJob"),
        Some("batch"),
        "spec/jobTemplate/metadata/labels",
        true,
    ));
    v.push(fs(
        Some("CronJob"),
        Some("batch"),
        "spec/jobTemplate/spec/template/metadata/labels",
        true,
    ));
    v.push(fs(
        Some("StatefulSet"),
        Some("apps"),
        "spec/volumeClaimTemplates[]/metadata/labels",
        true,
    ));
    v
}

pub(super) fn annotation_specs() -> Vec<FieldSpec> {
    let mut v = vec![fs(None, None, "metadata/annotations", true)];
    v.extend(
        WORKLOADS
            .iter()
            .map(|(k, g)| fs(Some(k), *g, "spec/template/metadata/annotations", true)),
    );
    v.push(fs(
        Some("CronJob"),
        Some("batch"),
        "spec/jobTemplate/metadata/annotations",
        true,
    ));
    v.push(fs(
        Some("CronJob"),
        Some("batch"),
        "spec/jobTemplate/spec/template/metadata/annotations",
        true,
    ));
    v
}

/// A field spec's path in its fields, as Kustomize's `PathSplitter` reads it: split on `/`,
/// a part ending in `\` joined to the next with a `/` (an annotation key in a path,
/// `metadata/annotations/example.com\/config`; measured with kubectl kustomize v5.8);
/// empty parts dropped.
pub(super) fn spec_segs(path: &str) -> Vec<String> {
    let mut fields = path_parts(path);
    fields.retain(|s| !s.is_empty());
    fields
}

/// A path split on `/`, a part ending in `\` joined to the next with a `/`, empty parts
/// kept (a transformer that creates fields as it walks keeps them, as Kustomize does).
pub(super) fn path_parts(path: &str) -> Vec<String> {
    let mut fields: Vec<String> = Vec::new();
    for f in path.split('/') {
        match fields.last_mut() {
            Some(last) if last.ends_with('\\') => {
                last.pop();
                last.push('/');
                last.push_str(f);
            }
            _ => fields.push(f.to_string()),
        }
    }
    fields
}

/// A `configurations:` table's specs, entry by entry, each also kept with its entry in
/// `located` (a problem about a spec points at the entry that wrote it).
fn specs_by_entry(v: &Node, located: &mut Vec<(FieldSpec, Node)>) -> Vec<FieldSpec> {
    let mut specs = Vec::new();
    for item in v.as_seq().into_iter().flatten() {
        let one = Node::new(V::Seq(vec![item.clone()]), None);
        for f in parse_specs(Some(&one)) {
            located.push((f.clone(), item.clone()));
            specs.push(f);
        }
    }
    specs
}

pub(super) fn spec_matches(f: &FieldSpec, r: &Res) -> bool {
    // kyaml's `isMatchGVK`: an empty kind, group or version selects every object.
    let any = |x: &Option<String>| x.as_deref().is_none_or(str::is_empty);
    (any(&f.kind) || f.kind.as_deref() == Some(r.kind()))
        && (any(&f.group) || f.group.as_deref() == Some(r.group()))
        && (any(&f.version) || f.version.as_deref() == Some(r.version()))
}

/// Walks `segs` from `n` (through lists), creating maps when `create`, and calls `f` on each
/// node reached.
pub(super) fn walk_spec(
    n: &mut Node,
    segs: &[&str],
    create: bool,
    org: &Option<Origin>,
    f: &mut dyn FnMut(&mut Node),
) {
    // A spec without a path names no field (see [`pathless`]).
    if !segs.is_empty() {
        walk(n, segs, create, org, f, false);
    }
}

/// [`walk_spec`] for a scalar field Kustomize edits as text (a prefix or suffix): a field
/// written as null is reached with its node, with or without `create`, as kyaml's lookup
/// finds it (Kustomize then writes `np-null`, the prefix and the null's text; measured).
pub(super) fn walk_scalar_spec(
    n: &mut Node,
    segs: &[&str],
    create: bool,
    org: &Option<Origin>,
    f: &mut dyn FnMut(&mut Node),
) {
    if !segs.is_empty() {
        walk(n, segs, create, org, f, true);
    }
}

/// The first object a field spec without a path selects, described: Kustomize fails there
/// ("considering field '' of object …: cannot set or create an empty field name"; measured,
/// differential seeds 31 case 203, 34 case 211); a pathless spec selecting nothing passes.
/// Also a spec whose path Kustomize cannot follow in an object it selects (see
/// [`unwalkable`]), described with its path and the reason.
pub(super) fn pathless(specs: &[FieldSpec], acc: &Acc) -> Option<String> {
    specs
        .iter()
        .filter(|f| f.path.is_empty())
        .find_map(|f| acc.res.iter().find(|r| spec_matches(f, r)))
        .map(|r| format!("from a `configurations:` file has no path and selects {} (Kustomize: cannot set or create an empty field name)", r.describe()))
        .or_else(|| unwalkable(specs, acc))
}

/// The first field spec of `specs` whose path Kustomize's field spec filter cannot follow in
/// an object it selects, described: a path going on past a scalar ("expected sequence or
/// mapping node"), or a part kyaml's path getter reads as a list index or element (`0`,
/// `-1`, `-`, `*`, `[name=web]`) met at a mapping ("wrong node kind: expected SequenceNode
/// but got MappingNode"). Kustomize fails the build there (measured with kubectl kustomize
/// v5.8; kubeflow's old jupyter web app base has `spec/template/spec/containers/0/env/2/value`
/// in a `varReference` spec); runeguard applied nothing at that field and built on.
pub(super) fn unwalkable(specs: &[FieldSpec], acc: &Acc) -> Option<String> {
    unwalkable_in(specs, acc, |_| true)
}

/// [`unwalkable`] over the objects `pick` chooses (a `replicas` entry's name).
pub(super) fn unwalkable_in(
    specs: &[FieldSpec],
    acc: &Acc,
    pick: impl Fn(&Res) -> bool,
) -> Option<String> {
    specs
        .iter()
        .find_map(|f| unwalkable_spec(f, f.create, acc, &pick, &|_| None))
}

/// [`unwalkable`] for one spec `f` (followed with `create` as given, over the objects `pick`
/// chooses), also failing where `leaf` finds the field it reaches unfit, as the transformer
/// setting it does (the namespace transformer at a mapping or list, a name reference at a
/// mapping without `name`).
pub(super) fn unwalkable_spec(
    f: &FieldSpec,
    create: bool,
    acc: &Acc,
    pick: &dyn Fn(&Res) -> bool,
    leaf: &dyn Fn(&Node) -> Option<&'static str>,
) -> Option<String> {
    if f.path.is_empty() {
        return None;
    }
    let segs = spec_segs(&f.path);
    let segs: Vec<&str> = segs.iter().map(String::as_str).collect();
    acc.res
        .iter()
        .filter(|r| spec_matches(f, r) && pick(r))
        .find_map(|r| {
            breaks(&r.node, &segs, create, leaf).map(|why| {
                format!(
                    "has the path `{}`, which Kustomize cannot follow in {} ({why})",
                    f.path,
                    r.describe()
                )
            })
        })
}

/// The namespace transformer's setter: only a scalar (or null) takes a namespace ("namespace
/// field specs must target scalar nodes"; measured with kubectl kustomize v5.8).
pub(super) fn scalar_leaf(n: &Node) -> Option<&'static str> {
    match &n.v {
        V::Map(_) => Some("wrong node kind: expected ScalarNode but got MappingNode"),
        V::Seq(_) => Some("wrong node kind: expected ScalarNode but got SequenceNode"),
        _ => None,
    }
}

/// A part of a field spec path kyaml's path getter reads as a list index or element rather
/// than a field name.
fn index_like(part: &str) -> bool {
    part.parse::<i64>().is_ok()
        || part == "-"
        || part == "*"
        || (part.starts_with('[') && part.ends_with(']'))
}

/// Why Kustomize's field spec filter fails following `segs` from `n`, if it does.
fn breaks(
    n: &Node,
    segs: &[&str],
    create: bool,
    leaf: &dyn Fn(&Node) -> Option<&'static str>,
) -> Option<&'static str> {
    let Some((first, rest)) = segs.split_first() else {
        return leaf(n);
    };
    match &n.v {
        V::Null => None,
        V::Seq(items) => items.iter().find_map(|i| breaks(i, segs, create, leaf)),
        V::Map(_) => {
            let (name, seq) = match first.strip_suffix("[]") {
                Some(n) => (n, true),
                None => (*first, false),
            };
            if index_like(name) {
                return Some("wrong node kind: expected SequenceNode but got MappingNode");
            }
            match n.get(name) {
                Some(child) => breaks(child, rest, create, leaf),
                // A field created on the way is a mapping: an index-like part after it fails.
                None if create && !seq => rest
                    .iter()
                    .any(|p| index_like(p.trim_end_matches("[]")))
                    .then_some("wrong node kind: expected SequenceNode but got MappingNode"),
                None => None,
            }
        }
        _ => Some("expected sequence or mapping node"),
    }
}

/// The problem of [`pathless`], at the transformer's field.
pub(super) fn pathless_problem(b: &mut Builder, k: &Kust, at: &Node, field: &str, why: &str) {
    b.problem_at(
        at,
        &k.file.path,
        format!("a `{field}` field spec {why}; not applied"),
    );
}

fn walk(
    n: &mut Node,
    segs: &[&str],
    create: bool,
    org: &Option<Origin>,
    f: &mut dyn FnMut(&mut Node),
    null_leaf: bool,
) {
    if let V::Seq(items) = &mut n.v {
        for i in items {
            walk(i, segs, create, org, f, null_leaf);
        }
        return;
    }
    let Some((first, rest)) = segs.split_first() else {
        f(n);
        return;
    };
    let name = first.trim_end_matches("[]");
    if n.as_map().is_none() {
        return;
    }
    let null_there = null_leaf && rest.is_empty() && n.get(name).is_some_and(Node::is_null);
    if !null_there && n.get(name).is_none_or(Node::is_null) {
        // Kustomize creates missing maps, never a missing list (`volumeClaimTemplates[]`).
        if !create || first.ends_with("[]") {
            return;
        }
        let fresh = if rest.is_empty() {
            Node::new(V::Null, org.clone())
        } else {
            Node::map(org.clone())
        };
        n.set(name, fresh);
    }
    let child = n.get_mut(name).expect("present");
    walk(child, rest, create, org, f, null_leaf);
}

/// The text a null scalar was written as (`null`, `Null`, `~`, or nothing), which Kustomize
/// keeps in its YAML node and a prefix or suffix is added to: read from its origin (a
/// mapping entry's is `key: value`, a list item's the value). A null made by a transformer
/// (no text of its own) is empty.
fn null_text(n: &Node) -> String {
    const NULLS: [&str; 5] = ["null", "Null", "NULL", "~", ""];
    let Some(o) = &n.org else {
        return String::new();
    };
    let text = o.file.text.get(o.span.range()).unwrap_or("");
    let value = text
        .split_once(": ")
        .map_or_else(|| text.strip_suffix(':').map_or(text, |_| ""), |(_, v)| v);
    let value = value.split(" #").next().unwrap_or("").trim();
    if NULLS.contains(&value) {
        value.to_string()
    } else if NULLS.contains(&text.trim()) {
        text.trim().to_string()
    } else {
        String::new()
    }
}

/// Kustomize's bookkeeping annotations make `metadata.annotations` exist on an object it
/// renamed, moved or generated: a field spec below it reaches it without `create` (an
/// empty map is not printed).
fn bookkeeping_annotations(r: &mut Res, f: &FieldSpec, org: &Option<Origin>) {
    if f.create || !f.path.starts_with("metadata/annotations") || !r.bookkept() {
        return;
    }
    let md_org = r.node.get("metadata").and_then(|m| m.org.clone());
    let md = r.node.entry_map("metadata", &md_org);
    if md.get("annotations").is_none_or(Node::is_null) {
        md.set("annotations", Node::map(org.clone()));
    }
}

/// Sets `pairs` in the maps the field specs reach.
/// [`apply_specs`] on every object; a field that is no mapping is a located problem at
/// `at` (the transformer's pairs), once.
pub(super) fn apply_all(
    b: &mut Builder,
    k: &Kust,
    at: &Node,
    acc: &mut Acc,
    specs: &[FieldSpec],
    pairs: &[(String, Node)],
) {
    let mut refused = Vec::new();
    for r in &mut acc.res {
        refused.extend(apply_specs(r, specs, pairs, &at.org));
    }
    if let Some(bad) = refused.first() {
        b.problem_at(
            at,
            &k.file.path,
            format!("these pairs cannot be added to {bad}: it is not a mapping (Kustomize: \"wrong node kind: expected MappingNode\")"),
        );
    }
}

/// Writes the pairs at each field of `r` the specs select; the fields that hold a scalar or
/// a list of scalars are returned (`metadata/name of Widget w`), unchanged: Kustomize fails
/// there ("wrong node kind: expected MappingNode but got ScalarNode"; measured with a
/// `commonLabels` spec on `metadata/name`, differential seed 31 case 203, where runeguard
/// replaced the name by the labels).
pub(super) fn apply_specs(
    r: &mut Res,
    specs: &[FieldSpec],
    pairs: &[(String, Node)],
    org: &Option<Origin>,
) -> Vec<String> {
    let mut refused = Vec::new();
    // Kustomize's label and annotation transformers do nothing without pairs (no empty map
    // is created).
    if pairs.is_empty() {
        return refused;
    }
    let applicable: Vec<&FieldSpec> = specs.iter().filter(|f| spec_matches(f, r)).collect();
    if r.origin_annotated && !applicable.is_empty() {
        // Kustomize's origin bookkeeping (a build with `buildMetadata`) rewrote the
        // annotation map before this transformer, as before a prefix: a pair an earlier
        // `labels` entry wrote there is no longer the node its labels hold (differential
        // seed 91 case 211: `commonLabels` over a `labels` pair with an annotations field
        // changed the annotation too).
        r.unshare_annotations();
    }
    // Kustomize inserts one value node per pair in the object, at every field the specs
    // reach (measured: a replacement into the selector's new label changes the template's
    // and metadata's too), and writes into a value already there (measured: an overlay's
    // `labels` without selectors, over a base's `commonLabels`, changes the selector too).
    let ids: Vec<u32> = pairs
        .iter()
        .map(|_| super::super::node::new_share_id())
        .collect();
    let mut written: Vec<(u32, Node)> = Vec::new();
    for f in applicable {
        bookkeeping_annotations(r, f, org);
        let segs = spec_segs(&f.path);
        let segs: Vec<&str> = segs.iter().map(String::as_str).collect();
        let mut bad = false;
        walk_spec(
            &mut r.node,
            &segs,
            f.create,
            org,
            &mut |target: &mut Node| {
                if !target.is_null() && target.as_map().is_none() {
                    bad = true;
                    return;
                }
                if target.as_map().is_none() {
                    *target = Node::map(target.org.clone().or(org.clone()));
                }
                for ((k, v), id) in pairs.iter().zip(&ids) {
                    match target.get_mut(k) {
                        Some(there) => {
                            there.v = v.v.clone();
                            there.org = v.org.clone();
                            there.also = v.also.clone();
                            if there.share != 0 {
                                written.push((there.share, there.clone()));
                            }
                        }
                        None => {
                            let mut n = v.clone();
                            n.share = *id;
                            target.set(k, n);
                        }
                    }
                }
            },
        );
        if bad {
            refused.push(format!("{} of {}", f.path, r.describe()));
        }
    }
    for (id, n) in written {
        r.node.write_shared(id, &n);
    }
    refused
}

/// What a label or annotation key of a kustomization reads as where Kustomize fails on it,
/// None for a string. Kustomize reads the kustomization as YAML 1.1 and makes each key a
/// string (sigs.k8s.io/yaml: `yes:` and `Y:` become "true", `1:` "1"), then writes that
/// text into every object as a plain key without a tag, which go-yaml v3 reads again when
/// the object becomes JSON: a key that reads as a boolean, number, null or date there
/// fails (measured with kubectl kustomize v5.8 for `commonLabels` and `commonAnnotations`:
/// `n:`, `yes:`, `on:`, `"true":`, `"1":`, `"1.5":`, `"null":`, `"~":`, `"2024-01-01":`;
/// `"yes":` builds). A transformer configuration file is read by kyaml, not as YAML 1.1
/// (`yes:` and `y:` stay strings there): `yaml11` false.
pub fn key_misread(key: &str, v: &Node, yaml11: bool) -> Option<&'static str> {
    let plain = yaml11
        && v.org.as_ref().is_some_and(|o| {
            super::patches::written_plain(&o.file.text, o.span.start as usize, key)
        });
    let kind = |val: &serde_json::Value| match val {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "boolean",
        serde_json::Value::String(_) => "date",
        _ => "number",
    };
    if plain {
        let read = crate::input::yaml::resolve_yaml11(key);
        if !read.is_string() {
            return Some(kind(&read));
        }
    }
    if crate::input::yaml::go_yaml_v3_plain_is_string(key) {
        return None;
    }
    Some(kind(&crate::input::yaml::resolve_core(key)))
}

/// Label or annotation pairs of a kustomization map, as strings with their lines.
pub(super) fn pairs_of(b: &mut Builder, k: &Kust, n: &Node) -> Vec<(String, Node)> {
    pairs_read(b, k, n, true)
}

/// [`pairs_of`] for a map read as YAML 1.1 (a kustomization) or not (`yaml11` false: a
/// transformer configuration).
pub(super) fn pairs_read(b: &mut Builder, k: &Kust, n: &Node, yaml11: bool) -> Vec<(String, Node)> {
    let mut out = Vec::new();
    match n.as_map() {
        Some(m) => {
            for (key, v) in m {
                if let Some(what) = key_misread(key, v, yaml11) {
                    b.problem_at(
                        v,
                        &k.file.path,
                        format!("key {key:?} reads as a YAML {what} in Kustomize, which writes it plain into each object and then fails (\"json: unsupported type: map[interface {{}}]interface {{}}\"); not applied"),
                    );
                    continue;
                }
                match &v.v {
                    V::Str(t) => out.push((key.clone(), Node::str(t.clone(), v.org.clone()))),
                    V::Null => out.push((key.clone(), Node::str("", v.org.clone()))),
                    // Kustomize refuses the whole kustomization ("cannot unmarshal number
                    // into … of type string"): quote the value.
                    _ => b.problem_at(
                        v,
                        &k.file.path,
                        format!("the value of {key} must be a string (quote it); Kustomize refuses this kustomization"),
                    ),
                }
            }
        }
        None if n.is_null() => {}
        None => b.problem_at(n, &k.file.path, "expected a mapping of names to values"),
    }
    out
}

pub(super) fn parse_specs(n: Option<&Node>) -> Vec<FieldSpec> {
    n.and_then(Node::as_seq)
        .map(|s| {
            s.iter()
                .filter_map(|f| {
                    f.as_map()?;
                    Some(FieldSpec {
                        group: f.get("group").and_then(Node::scalar_text),
                        version: f.get("version").and_then(Node::scalar_text),
                        kind: f.get("kind").and_then(Node::scalar_text),
                        // Without a path the spec stays, to fail where it is used
                        // (see [`pathless`]).
                        path: f.get_str("path").unwrap_or("").to_string(),
                        create: matches!(f.get("create").map(|c| &c.v), Some(V::Bool(true))),
                    })
                })
                .collect()
        })
        .unwrap_or_default()
}

pub(super) fn labels(b: &mut Builder, k: &Kust, acc: &mut Acc) {
    for entry in k.list("labels") {
        let flag = |f: &str| matches!(entry.get(f).map(|n| &n.v), Some(V::Bool(true)));
        // Kustomize merges the entry's `fields` with its default specs and fails on a spec
        // of the same path and kind that differs in `create` ("conflicting fieldspecs").
        let mut specs = Vec::new();
        let mut defaults = Vec::new();
        if flag("includeSelectors") {
            defaults = acc.config.label_table();
        } else {
            defaults.push(fs(None, None, "metadata/labels", true));
            if flag("includeTemplates") {
                defaults.extend(template_label_specs());
            }
        }
        let fields = parse_specs(entry.get("fields"));
        let conflict =
            merge_checked(&mut specs, &fields).or_else(|| merge_checked(&mut specs, &defaults));
        if let Some(path) = conflict {
            let at = entry.get("fields").unwrap_or(entry);
            b.problem_at(
                at,
                &k.file.path,
                format!("labels field {path} is also a default field of these labels with another `create` (Kustomize: \"conflicting fieldspecs\"); not applied"),
            );
            continue;
        }
        let Some(p) = entry.get("pairs") else {
            continue;
        };
        let pairs = pairs_of(b, k, p);
        if let Some(object) = pathless(&specs, acc).filter(|_| !pairs.is_empty()) {
            pathless_problem(b, k, entry, "labels", &object);
            continue;
        }
        apply_all(b, k, p, acc, &specs, &pairs);
    }
    if let Some(cl) = k.get("commonLabels") {
        let pairs = pairs_of(b, k, cl);
        let specs = acc.config.label_table();
        if let Some(object) = pathless(&specs, acc).filter(|_| !pairs.is_empty()) {
            pathless_problem(b, k, cl, "commonLabels", &object);
            return;
        }
        apply_all(b, k, cl, acc, &specs, &pairs);
    }
}

/// Field specs from `configurations:` files: where Kustomize's transformers also look, for
/// kinds its built-in tables do not know (custom resources).
#[derive(Debug, Default, Clone)]
pub struct Config {
    /// The `varReference` table as Kustomize's accumulator merges it (the built-in specs
    /// merged with the files' ones, see [`merge_sorted_checked`]); empty: the built-in one.
    pub var_refs: Vec<FieldSpec>,
    /// The `nameReference` specs of `configurations:` files and `crds:`, merged as
    /// Kustomize merges them ([`merge_name_refs`]), besides the built-in table.
    pub name_refs: NameRefs,
    /// The `commonLabels` and `commonAnnotations` tables as Kustomize's accumulator merges
    /// them (defaults included, see [`merge_sorted_checked`]): each kustomization's table
    /// is the defaults merged with its files' specs, merged into the accumulated one after
    /// its resources; a kind-specific `metadata/labels` spec sorts before the default one
    /// for every kind, which a merge into an empty table then drops (measured: only that
    /// kind is labelled).
    pub labels: Vec<FieldSpec>,
    pub annotations: Vec<FieldSpec>,
    /// The `images` table merged the same way (defaults included); empty: the defaults
    /// ([`super::images::default_image_specs`]).
    pub images: Vec<FieldSpec>,
    /// `replicas` specs of `configurations:` files, besides the defaults
    /// ([`super::images::default_replica_specs`]): a custom kind's count field.
    pub replicas: Vec<FieldSpec>,
    /// Fields besides `metadata/namespace` the namespace transformer sets (a CRD's conversion
    /// webhook service namespace, in kubebuilder's `config/crd/kustomizeconfig.yaml`).
    pub namespace: Vec<FieldSpec>,
    /// `namePrefix`/`nameSuffix` specs as Kustomize's accumulator merges them: those of the
    /// included kustomizations (each its own files' specs, or the default `metadata/name`),
    /// then this one's; a kind-specific `metadata/name` of an overlay after the default of
    /// its base renames those objects twice (measured).
    pub name_prefix: Vec<FieldSpec>,
    pub name_suffix: Vec<FieldSpec>,
    /// A merge of these tables (or of an included kustomization's) failed: Kustomize stops
    /// at the first conflict, so the later merges of the same accumulation report none.
    pub conflicted: bool,
}

impl Config {
    /// Merges an included kustomization's tables (Kustomize's `MergeConfig`); the label and
    /// annotation specs that conflict with those already here are returned.
    pub fn extend(&mut self, other: Config) -> Vec<Conflict> {
        self.conflicted |= other.conflicted;
        let mut conflicts = merge_name_refs(&mut self.name_refs, other.name_refs);
        conflicts.extend(merge_sorted_checked(
            &mut self.labels,
            &other.labels,
            LABELS,
        ));
        conflicts.extend(merge_sorted_checked(
            &mut self.var_refs,
            &other.var_refs,
            VARS,
        ));
        conflicts.extend(merge_sorted_checked(
            &mut self.annotations,
            &other.annotations,
            ANNOTATIONS,
        ));
        conflicts.extend(merge_sorted_checked(
            &mut self.images,
            &other.images,
            IMAGES,
        ));
        conflicts.extend(merge_sorted_checked(
            &mut self.replicas,
            &other.replicas,
            REPLICAS,
        ));
        conflicts.extend(merge_sorted_checked(
            &mut self.namespace,
            &other.namespace,
            NAMESPACE,
        ));
        conflicts.extend(merge_sorted_checked(
            &mut self.name_prefix,
            &other.name_prefix,
            PREFIX,
        ));
        conflicts.extend(merge_sorted_checked(
            &mut self.name_suffix,
            &other.name_suffix,
            SUFFIX,
        ));
        conflicts
    }

    /// The accumulated `commonLabels` table (the defaults when nothing was merged yet).
    pub(super) fn label_table(&self) -> Vec<FieldSpec> {
        if self.labels.is_empty() {
            common_label_specs()
        } else {
            self.labels.clone()
        }
    }

    /// The accumulated `commonAnnotations` table (the defaults when nothing was merged yet).
    pub(super) fn annotation_table(&self) -> Vec<FieldSpec> {
        if self.annotations.is_empty() {
            annotation_specs()
        } else {
            self.annotations.clone()
        }
    }
}

/// The kinds a spec selects: its kind (else every kind), of its group and version.
fn spec_kinds(f: &FieldSpec) -> String {
    let mut what = f.kind.clone().unwrap_or_else(|| "every kind".into());
    for (name, v) in [("group", &f.group), ("version", &f.version)] {
        if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
            what.push_str(&format!(" of {name} {v}"));
        }
    }
    what
}

/// A located problem for each conflict: at the spec's line in a `configurations:` file
/// when one of the two came from one (`located`), else at `fallback` (the entry that
/// included the kustomization, or its `configurations:`).
pub fn report_conflicts(
    b: &mut Builder,
    k: &Kust,
    config: &mut Config,
    conflicts: &[Conflict],
    located: &[(FieldSpec, Node)],
    fallback: &Node,
) {
    if config.conflicted {
        return;
    }
    config.conflicted = !conflicts.is_empty();
    for c in conflicts {
        let at =
            c.at.as_ref()
                .or_else(|| located.iter().find(|(f, _)| *f == c.merged).map(|(_, n)| n))
                .or_else(|| located.iter().find(|(f, _)| *f == c.there).map(|(_, n)| n))
                .unwrap_or(fallback);
        let kind = spec_kinds;
        b.problem_at(
            at,
            &k.file.path,
            format!(
                "field spec `{}` for {} has another `create` than the spec for {} at that path (Kustomize: failed to merge {} fieldSpec: conflicting fieldspecs)",
                c.merged.path,
                kind(&c.merged),
                kind(&c.there),
                c.table,
            ),
        );
    }
}

/// A `configurations:` table that Kustomize builds the same way for each of its transformers:
/// the built-in specs, merged with the files' specs, merged into the accumulated table.
struct SpecTable {
    /// The key of a configuration file (`commonLabels`, `varReference`, …).
    key: &'static str,
    /// Kustomize's name of the table, for its conflict messages.
    name: &'static str,
    defaults: fn() -> Vec<FieldSpec>,
    accumulated: fn(&mut Config) -> &mut Vec<FieldSpec>,
    /// The files' specs, merged file by file.
    files: Vec<FieldSpec>,
}

impl SpecTable {
    fn all() -> [SpecTable; 6] {
        let table = |key, name, defaults, accumulated| SpecTable {
            key,
            name,
            defaults,
            accumulated,
            files: Vec::new(),
        };
        [
            table("commonLabels", LABELS, common_label_specs, |c| {
                &mut c.labels
            }),
            table("commonAnnotations", ANNOTATIONS, annotation_specs, |c| {
                &mut c.annotations
            }),
            table("varReference", VARS, builtin_var_refs, |c| &mut c.var_refs),
            table("images", IMAGES, super::images::default_image_specs, |c| {
                &mut c.images
            }),
            table(
                "replicas",
                REPLICAS,
                super::images::default_replica_specs,
                |c| &mut c.replicas,
            ),
            table(
                "namespace",
                NAMESPACE,
                || default_namespace_specs().to_vec(),
                |c| &mut c.namespace,
            ),
        ]
    }
}

/// Reads the kustomization's `configurations:` files into `acc.config`.
pub fn read_configurations(b: &mut Builder, k: &Kust, acc: &mut Acc) {
    let (mut prefix, mut suffix) = (Vec::new(), Vec::new());
    // The prefix and suffix specs of the files, at their `namePrefix:`/`nameSuffix:` value
    // (for conflicts in the accumulator's merge), and whether the merge of the files into
    // the defaults failed already (Kustomize stops there).
    let (mut prefix_at, mut suffix_at) = (Vec::new(), Vec::new());
    let mut affix_failed = false;
    // The tables merged file by file then into the defaults, each spec kept with its node.
    let mut tables = SpecTable::all();
    let mut located: Vec<(FieldSpec, Node)> = Vec::new();
    let mut conflicts = Vec::new();
    // This kustomization's `nameReference` specs, merged file by file, then into the
    // accumulated table (`MergeConfig`).
    let mut name_refs: NameRefs = Vec::new();
    for entry in k.list("configurations") {
        let Some(rel) = entry.as_str() else {
            b.problem_at(entry, &k.file.path, "a configurations entry must be a path");
            continue;
        };
        let Some(docs) = b.patch_file(k, entry, rel) else {
            continue;
        };
        for mut d in docs {
            use crate::input::render::kustomize::types::{self, CONFIGURATION, T};
            // Decoded as strictly as a kustomization, with Go's case-insensitive keys.
            types::canonicalize(&mut d, &T::Obj(CONFIGURATION));
            let mut wrong = Vec::new();
            types::check(&d, &T::Obj(CONFIGURATION), "", &mut wrong);
            for (n, msg) in wrong {
                b.problem_at(n, &k.file.path, msg.replacen("`.", "`", 1));
            }
            let Some(m) = d.as_map() else {
                b.problem_at(
                    &d,
                    &k.file.path,
                    "a transformer configuration must be a mapping",
                );
                continue;
            };
            for (key, v) in m {
                match key.as_str() {
                    // Each file's specs merged into those of the files before it
                    // (`makeTransformerConfigFromFiles`), conflicts located at the spec
                    // (measured with kubectl kustomize v5.8: a spec of a path already there
                    // for the kinds it selects is dropped, so no field is changed twice;
                    // another `create` there fails the build).
                    key if let Some(t) = tables.iter_mut().find(|t| t.key == key) => {
                        let specs = specs_by_entry(v, &mut located);
                        conflicts.extend(merge_sorted_checked(&mut t.files, &specs, t.name));
                    }
                    // Each file merged into those before it (`loadDefaultConfig`).
                    "namePrefix" | "nameSuffix" => {
                        let specs = parse_specs(Some(v));
                        let (table, at) = if key == "namePrefix" {
                            (&mut prefix, &mut prefix_at)
                        } else {
                            (&mut suffix, &mut suffix_at)
                        };
                        at.extend(specs.iter().map(|f| (f.clone(), v.clone())));
                        // Two files' specs (or one file's two) for the same path and kind
                        // with another `create` conflict in `loadDefaultConfig`'s merge
                        // (a kind-specific `metadata/name` spec in two files).
                        let which = if key == "namePrefix" { PREFIX } else { SUFFIX };
                        let between = merge_sorted_checked(table, &specs, which);
                        if let Some(c) = between.first() {
                            if !affix_failed && !acc.config.conflicted {
                                b.problem_at(
                                    v,
                                    &k.file.path,
                                    format!(
                                        "`{key}` field spec `{}` for {} has another `create` than one an earlier configuration gave (Kustomize: failed to merge {which} fieldSpec: conflicting fieldspecs)",
                                        c.merged.path,
                                        c.merged.kind.as_deref().unwrap_or("every kind")
                                    ),
                                );
                            }
                            affix_failed = true;
                        }
                    }
                    "nameReference" => {
                        for r in v.as_seq().into_iter().flatten() {
                            let Some(kind) = r.get_str("kind") else {
                                b.problem_at(r, &k.file.path, "a nameReference entry needs a kind");
                                continue;
                            };
                            // The entry's group and version select the objects named too.
                            let target = refs::Target {
                                kind: kind.to_string(),
                                group: r.get("group").and_then(Node::scalar_text).unwrap_or_default(),
                                version: r.get("version").and_then(Node::scalar_text).unwrap_or_default(),
                            };
                            let mut specs = Vec::new();
                            for item in r.get("fieldSpecs").and_then(Node::as_seq).into_iter().flatten() {
                                let one = Node::new(V::Seq(vec![item.clone()]), None);
                                for f in parse_specs(Some(&one)) {
                                    located.push((f.clone(), item.clone()));
                                    specs.push((target.clone(), f, Some(item.clone())));
                                }
                            }
                            conflicts.extend(merge_name_refs(&mut name_refs, specs));
                        }
                    }
                    other if types::CONFIGURATION.iter().any(|(f, _)| *f == other) => {
                        b.problem_at(
                            v,
                            &k.file.path,
                            format!("configuration `{other}` is not supported by runeguard's Kustomize build; not applied"),
                        )
                    }
                    // Unknown: reported by the check above.
                    _ => {}
                }
            }
        }
    }
    // `MakeTransformerConfig`: the defaults (`metadata/name` for every kind, without
    // `create`) merged with the files' table, sorted. Each spec of it is checked against the
    // default and the specs merged before it: a spec selecting the default (no kind, group
    // or version) with `create` conflicts there (differential seed 52 case 185), and so does
    // a spec sorted after a more specific one it selects with another `create` (`Widget`
    // after `Widget` `v1beta1`; differential seed 78 case 248).
    if !affix_failed {
        for (specs, at, which, key) in [
            (&prefix, &prefix_at, PREFIX, "namePrefix"),
            (&suffix, &suffix_at, SUFFIX, "nameSuffix"),
        ] {
            let mut defaults = vec![fs(None, None, "metadata/name", false)];
            let Some(c) = merge_sorted_checked(&mut defaults, specs, which)
                .into_iter()
                .next()
            else {
                continue;
            };
            affix_failed = true;
            if !acc.config.conflicted
                && let Some((_, v)) = at.iter().find(|(f, _)| *f == c.merged)
            {
                let given = |v: &Option<String>| v.as_deref().is_some_and(|v| !v.is_empty());
                let what = if ![&c.there.kind, &c.there.group, &c.there.version]
                    .into_iter()
                    .any(given)
                {
                    "the default spec there".to_string()
                } else {
                    format!("the spec for {} there", spec_kinds(&c.there))
                };
                b.problem_at(
                    v,
                    &k.file.path,
                    format!(
                        "`{key}` field spec `{}` for {} has another `create` than {what} (Kustomize: failed to merge {which} fieldSpec: conflicting fieldspecs)",
                        c.merged.path,
                        spec_kinds(&c.merged),
                    ),
                );
            }
            break;
        }
    }
    // The accumulator's merge (`ResAccumulator.MergeConfig`) of the table sorted: into an
    // empty accumulator (nothing included yet) a kind-specific spec with `create` comes
    // before the default and conflicts with it; into one holding an included
    // kustomization's or, for a component, the including one's table, a spec there that
    // the default selects (`version: v1beta1` with `create`) conflicts (measured;
    // differential seed 52 case 185: a component's default after the overlay's
    // `version` spec). After an included kustomization's default alone it passes.
    // A component without `configurations:` merges only the default, and a conflict there
    // is reported where the including kustomization names the component, after it
    // ([`remerge_after_component`]); elsewhere at the kustomization.
    let component = k.node.get_str("kind") == Some("Component");
    let fallback = k.get("configurations").or((!component).then_some(&k.node));
    let mut affix = Vec::new();
    for (into, specs, at, table) in [
        (&mut acc.config.name_prefix, &prefix, &prefix_at, PREFIX),
        (&mut acc.config.name_suffix, &suffix, &suffix_at, SUFFIX),
    ] {
        let affix_conflicts = merge_sorted_checked(into, &name_affix_specs(specs), table);
        if !affix_failed {
            affix.push((affix_conflicts, at));
        }
    }
    acc.config.conflicted |= affix_failed;
    for (affix_conflicts, at) in affix {
        if let Some(fallback) = fallback {
            report_conflicts(b, k, &mut acc.config, &affix_conflicts, at, fallback);
        }
    }
    // `MakeTransformerConfig`: the defaults merged with the files' specs (a spec for every
    // kind with another `create` than a default conflicts here), then the accumulator's
    // merge (where a kind-specific spec sorted first drops or conflicts with the default
    // for every kind when nothing was accumulated before).
    // The `nameReference` table too: the files' specs merge into the built-in table first,
    // where one differing from a built-in spec only in `create` fails (measured: the kubebuilder-
    // style `create: true` at a Deployment's `spec/template/spec/volumes/configMap/name` under
    // ConfigMap `v1`); only the check is kept, the built-in renaming being code.
    conflicts.extend(merge_name_refs(
        &mut super::name_table::builtin_name_refs(),
        name_refs.clone(),
    ));
    conflicts.extend(merge_name_refs(&mut acc.config.name_refs, name_refs));
    for t in tables {
        let mut table = (t.defaults)();
        if !t.files.is_empty() {
            conflicts.extend(merge_sorted_checked(&mut table, &t.files, t.name));
        }
        let into = (t.accumulated)(&mut acc.config);
        conflicts.extend(merge_sorted_checked(into, &table, t.name));
    }
    if let Some(at) = k.get("configurations") {
        report_conflicts(b, k, &mut acc.config, &conflicts, &located, at);
    }
}

/// Reads the kustomization's `crds:` files (OpenAPI definitions of custom kinds, JSON or
/// YAML: type name → `{Schema: {properties}}`) into `acc.config`, as Kustomize's
/// `LoadConfigFromCRDs`: for each type with `kind`, `apiVersion` and `metadata` properties
/// (its kind the last `.`-part of the type name), walking `$ref`s, a property marked
/// `x-kubernetes-annotation` takes `commonAnnotations`, `x-kubernetes-label-selector`
/// takes `commonLabels`, and `x-kubernetes-object-ref-api-version` with
/// `x-kubernetes-object-ref-kind` names an object of that kind by its
/// `x-kubernetes-object-ref-name-key` field (default `name`).
pub fn read_crds(b: &mut Builder, k: &Kust, acc: &mut Acc) {
    for entry in k.list("crds") {
        let Some(rel) = entry.as_str() else {
            b.problem_at(entry, &k.file.path, "a crds entry must be a path");
            continue;
        };
        let Some(docs) = b.patch_file(k, entry, rel) else {
            continue;
        };
        for d in docs {
            let Some(types) = d.as_map() else {
                b.problem_at(
                    &d,
                    &k.file.path,
                    "a crds file must map type names to OpenAPI definitions",
                );
                continue;
            };
            for (name, def) in types {
                let props = schema_properties(def);
                let is_kind = ["kind", "apiVersion", "metadata"]
                    .iter()
                    .all(|p| props.is_some_and(|m| m.iter().any(|(k, _)| k == p)));
                if !is_kind {
                    continue;
                }
                let kind = name.rsplit('.').next().unwrap_or(name).to_string();
                let mut identities = Vec::new();
                // `LoadConfigFromCRDs` makes a table of its own, merged into the
                // accumulated one (`MergeConfig`).
                let mut found = Config::default();
                crd_fields(
                    types,
                    name,
                    &kind,
                    &mut Vec::new(),
                    &mut found,
                    &mut identities,
                    0,
                );
                let conflicts = acc.config.extend(found);
                report_conflicts(b, k, &mut acc.config, &conflicts, &[], entry);
                // Kustomize's `AddPrefixFieldSpec`: the field gets `namePrefix` (not the
                // suffix), where it exists (measured).
                let specs: Vec<FieldSpec> = identities
                    .iter()
                    .map(|p| fs(Some(&kind), None, p, false))
                    .collect();
                merge_sorted(&mut acc.config.name_prefix, &specs);
            }
        }
    }
}

/// The `properties` of an OpenAPI definition (`Schema` as Go's JSON reads it: any case).
fn schema_properties(def: &Node) -> Option<&Vec<(String, Node)>> {
    def.as_map()?
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("schema"))
        .and_then(|(_, s)| s.get("properties"))
        .and_then(Node::as_map)
}

fn crd_fields(
    types: &[(String, Node)],
    type_name: &str,
    kind: &str,
    path: &mut Vec<String>,
    config: &mut Config,
    identities: &mut Vec<String>,
    depth: usize,
) {
    // Kustomize follows `$ref`s without a bound; a cycle is cut here.
    if depth > 32 {
        return;
    }
    let Some(def) = types.iter().find(|(n, _)| n == type_name).map(|(_, d)| d) else {
        return;
    };
    let Some(props) = schema_properties(def) else {
        return;
    };
    let spec = |path: &[String]| fs(Some(kind), None, &path.join("/"), false);
    for (prop, p) in props {
        path.push(prop.clone());
        let ext = |key: &str| p.get(key).and_then(Node::as_str);
        if ext("x-kubernetes-annotation").is_some() {
            config.annotations.push(spec(path));
        }
        if ext("x-kubernetes-label-selector").is_some() {
            config.labels.push(spec(path));
        }
        if ext("x-kubernetes-identity").is_some() {
            identities.push(path.join("/"));
        }
        if ext("x-kubernetes-object-ref-api-version").is_some()
            && let Some(target) = ext("x-kubernetes-object-ref-kind")
        {
            let key = ext("x-kubernetes-object-ref-name-key").unwrap_or("name");
            let mut p2 = path.clone();
            p2.push(key.to_string());
            config
                .name_refs
                .push((refs::Target::kind(target), spec(&p2), None));
        }
        if let Some(r) = ext("$ref") {
            crd_fields(types, r, kind, path, config, identities, depth + 1);
        }
        path.pop();
    }
}
