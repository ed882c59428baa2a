//! The in-process Kustomize build: its output against `kubectl kustomize` (Kustomize v5.8.1;
//! each case's `expected.yaml` was written by it), the origin of each output line, and the
//! located problems for what cannot be built.

mod common;

use runeguard::input::render::{RenderOptions, kustomize};
use runeguard::input::yaml::{self, Schema};
use runeguard::source::map::OriginRole;
use runeguard::source::span::LineIndex;
use runeguard::source::{Problem, ProblemLevel};
use serde_json::Value;
use std::path::Path;

const DATA: &str = "tests/data/kustomize";

fn build(rel: &str) -> Out {
    let dir = Path::new(DATA).join(rel);
    let display = format!("{DATA}/{rel}");
    let out = kustomize::build(&dir, &display, &RenderOptions::default());
    Out {
        text: out
            .rendered
            .as_ref()
            .map(|r| r.stream.text.clone())
            .unwrap_or_default(),
        rendered: out.rendered,
        problems: out.problems,
    }
}

struct Out {
    text: String,
    rendered: Option<runeguard::input::render::Rendered>,
    problems: Vec<Problem>,
}

fn docs(text: &str) -> Vec<Value> {
    let lines = LineIndex::new(text);
    let (raw, err) = yaml::parse_stream(text, &lines);
    assert!(err.is_none(), "stream does not parse: {err:?}\n{text}");
    raw.iter()
        .map(|d| {
            yaml::resolve(&d.root, Schema::Kubernetes, text, &lines)
                .unwrap()
                .0
        })
        .filter(|v| !v.is_null())
        .collect()
}

/// Every case folder: the build equals `expected.yaml` (same objects, same order) and has
/// no problem.
#[test]
fn builds_equal_kubectl_kustomize() {
    for (case, overlay) in [
        ("generators", "generators/overlay"),
        ("patches", "patches/overlay"),
        ("transformers", "transformers/overlay"),
        ("vars", "vars"),
        ("order", "order"),
        ("references", "references/overlay"),
        ("directives", "directives"),
        ("services", "services"),
        ("scopes", "scopes/ov"),
        ("workloads", "workloads"),
        ("images", "images"),
        ("patch-edges", "patch-edges"),
        ("components", "components/app"),
        ("configurations", "configurations"),
        ("helm-charts", "helm-charts"),
        ("features", "features/overlay"),
        ("transformer-configs", "transformer-configs"),
        ("build-metadata", "build-metadata"),
        ("generator-configs", "generator-configs"),
        ("build-metadata-nested", "build-metadata-nested/top"),
        ("patch-meta-strings", "patch-meta-strings"),
        ("field-specs", "field-specs"),
        ("generator-hash", "generator-hash/overlay"),
        ("refs-scope", "refs-scope"),
        ("replacement-create", "replacement-create"),
        ("generator-origin", "generator-origin/ov"),
        ("patch-verbatim-lists", "patch-verbatim-lists"),
        ("hash-transformer", "hash-transformer/top"),
        ("transformer-config-edges", "transformer-config-edges"),
        ("refs-unchanged", "refs-unchanged"),
        ("json-patch-missing", "json-patch-missing"),
        ("generator-config-origin", "generator-config-origin"),
        ("refs-binding-moved", "refs-binding-moved"),
        ("json-patch-renamed", "json-patch-renamed"),
        ("cluster-scoped-patch", "cluster-scoped-patch"),
        ("json-patch-build-metadata", "json-patch-build-metadata"),
        ("refs-subject-namespace", "refs-subject-namespace/ov"),
        ("plugin-order", "plugin-order/top"),
        ("refs-namespace-group", "refs-namespace-group/ov"),
        ("service-ports", "service-ports"),
        ("origin-after-json-patch", "origin-after-json-patch/top"),
        ("helm-chart-generator", "helm-chart-generator"),
        ("validators", "validators"),
        ("value-add", "value-add"),
        ("crds", "crds"),
        ("openapi", "openapi/overlay"),
        ("json-patch-namespaced", "json-patch-namespaced/top"),
        ("patch-options-meta", "patch-options-meta"),
        ("replacement-regex", "replacement-regex"),
        ("block-scalars", "block-scalars/ov"),
        ("prefix-suffix-specs", "prefix-suffix-specs/ov"),
        ("image-tag-suffix", "image-tag-suffix"),
        ("crds-identity", "crds-identity"),
        ("generator-env-keys", "generator-env-keys"),
        ("component-top", "component-top"),
        ("labels-fields", "labels-fields/ov"),
        ("case-insensitive", "case-insensitive"),
        ("name-references", "name-references"),
        ("helm-chart-inflation", "helm-chart-inflation"),
        ("patch-duplicate-keys", "patch-duplicate-keys"),
        ("label-shared-nodes", "label-shared-nodes/top"),
        (
            "labels-fields-build-metadata",
            "labels-fields-build-metadata/top",
        ),
        ("prefix-spec-merge/top", "prefix-spec-merge/top"),
        ("prefix-spec-merge/with-comp", "prefix-spec-merge/with-comp"),
        // The commonLabels/commonAnnotations tables merged as Kustomize's accumulator
        // merges them: a kind-specific `metadata/labels` spec drops the default for every
        // kind in an including overlay and after a component (differential seeds 22 case
        // 78, 24 case 202: every kind was labelled).
        // A prefix on a field written as null adds to the null's text (seed 23 case 204).
        ("prefix-null", "prefix-null"),
        // filePathPosition joins the path as Go's filepath.Join (seed 33 case 76).
        ("value-add-paths", "value-add-paths"),
        // A created replacement typed by a later merge keeps the text copied (seed 36
        // case 163: "07" became "7").
        ("replacement-untyped-text", "replacement-untyped-text"),
        ("label-table-merge/mid", "label-table-merge/mid"),
        ("label-table-merge/top", "label-table-merge/top"),
        ("label-table-merge/withcomp", "label-table-merge/withcomp"),
        ("json-patch-add-element", "json-patch-add-element"),
        // Realistic shapes: kubebuilder's config/default (CRD, RBAC, webhook and
        // cert-manager bases with their kustomizeconfig files, JSON patches, replacements
        // with delimiter/index/create) and an argo-cd style overlay (components with
        // replacements and allowNameChange, allowKindChange, sortOptions, buildMetadata).
        ("kubebuilder-default", "kubebuilder-default/config/default"),
        ("argocd-components", "argocd-components/overlays/prod"),
        // kubebuilder's older scaffold: vars with varReference configurations.
        ("kubebuilder-vars", "kubebuilder-vars/config/default"),
        // Cluster scope by apiVersion and kind as Kustomize's built-in schema (v1.21.2)
        // knows it; newer kinds and other groups' ClusterRoles get the namespace.
        ("cluster-scope", "cluster-scope"),
        ("namespace-service-specs", "namespace-service-specs"),
        ("namespace-config-specs", "namespace-config-specs"),
        ("replacement-types", "replacement-types"),
        ("patch-walks-target", "patch-walks-target/ov"),
        // Name references of every common kind under a prefix, a suffix, a namespace and
        // generated names; a ServiceAccount's `secrets` keep the name written.
        ("name-references-wide", "name-references-wide"),
        ("refs-subject-unmoved", "refs-subject-unmoved"),
        ("annotations-as-strings", "annotations-as-strings"),
        ("replacement-annotation-text", "replacement-annotation-text"),
        // Fields a replacement creates print plain ("3" is 3) until an including
        // kustomization's strategic merge patch goes over the object ("3").
        ("replacement-untyped", "replacement-untyped/b"),
        // A prefix field spec writes into the node commonLabels shared between fields.
        ("prefix-shared-label", "prefix-shared-label/top"),
        // ... but not into an annotation Kustomize's bookkeeping rewrote (a rename, buildMetadata).
        (
            "prefix-annotation-unshared",
            "prefix-annotation-unshared/top",
        ),
        ("prefix-annotation-meta", "prefix-annotation-unshared/meta"),
        // Field specs' `version` selects objects and orders the prefix table.
        ("field-spec-version", "field-spec-version"),
        // A folded scalar copied by a replacement prints without the folded writer's line
        // breaks, unless the target is folded itself (seed 40 case 225).
        ("replacement-folded", "replacement-folded"),
        // Label and annotation selectors as `labels.Parse` reads them: `in(` without a
        // space, `>`, an empty value in a set (session kwild29: a Flux sharding overlay's
        // `annotationSelector: "!sharding.fluxcd.io/role"`, a SAS Viya overlay's `in (...)`).
        ("label-selector-syntax", "label-selector-syntax"),
        // Target list elements without the merge key (a port with no `port`, an env entry
        // or a container with no `name`) merged as kyaml's row walk does: the key-less
        // element's empty row deletes the keyed ones, the final pass restarts the list at it
        // (kwild28's open item, differential seed 162 case 139).
        ("keyless-target-elements", "keyless-target-elements"),
        // A merge key written as a bare null in a list merged into itself: the walk drops
        // the key, the final pass restarts the list at that element (kwild28's open item).
        ("bare-null-merge-keys", "bare-null-merge-keys"),
        // ... next to patch elements with `$patch: replace`/`merge`/`delete` or a
        // `$retainKeys` field: kyaml removes an element's `$patch` when it first walks it,
        // so a row walked twice merges it the second time (kwild30's open item).
        ("keyless-target-directives", "keyless-target-directives"),
        // Lists of objects in resources and patches: items after the file's other
        // documents, each item of a patch List a patch (jessesuen/kustomize-examples).
        ("object-lists", "object-lists"),
        // An unknown `$patch` value where the target lacks the mapping stays in the output.
        ("unknown-directive-kept", "unknown-directive-kept"),
        // ... and after a JSON patch, which leaves the printed text without the style.
        (
            "replacement-folded-json-patch",
            "replacement-folded-json-patch",
        ),
        ("replacement-sources", "replacement-sources/overlay"),
        // Empty text a replacement created stays null when a later merge walks it.
        ("replacement-untyped-empty", "replacement-untyped-empty"),
        // vars write the strings of their fields back without the folded style.
        ("vars-folded", "vars-folded"),
        // Folded scalars through aliases and merge keys keep the style (kyaml's DeAnchor
        // copies the node); a folded annotation prints its value (the known gap of
        // session 13).
        ("folded-alias", "folded-alias"),
        // Text that did not fit a typed field, written again before anything decodes it.
        (
            "replacement-misfit-rewritten",
            "replacement-misfit-rewritten/top",
        ),
        // Public setups outside the corpus (session 14): Flux's bootstrap folder with its
        // documented patches (set-based label selectors, a name regex, `$patch: delete`
        // through a target), a cert-manager/kube-prometheus CRD bundle (patchesJson6902 on
        // CRDs, nameReference configurations, an `openapi:` schema), Argo CD's install
        // overlay (local copy of the upstream, helmCharts with valuesInline, sortOptions).
        ("flux-system", "flux-system/clusters/production/flux-system"),
        ("crd-bundle", "crd-bundle/bundle"),
        ("argocd-install", "argocd-install/overlay"),
        // A ReplicaCountTransformer configuration writes the count only where its own
        // field specs say (kind, group, path, create), not at the default kinds' replicas.
        ("replica-config-specs", "replica-config-specs"),
        // `replicas` field specs of a base's `configurations:` file scale a custom kind in
        // the overlay's `replicas:` (runeguard refused the configuration).
        ("replicas-configuration", "replicas-configuration/overlay"),
        // Objects annotated `config.kubernetes.io/local-config` (any value but "false")
        // are read by the overlay's replacements and left out of the output at the end
        // (runeguard printed them).
        ("local-config", "local-config/ov"),
        // Public setups outside the corpus (session 15): a multi-environment app whose
        // overlays share components and copy a local cluster-settings ConfigMap (patched
        // per environment) into Ingress hosts and the app's environment by replacements
        // (`[name=...]` selectors, a wildcard, `reject`, `options.create`, a replacements
        // file), with generators merged and replaced across overlays, images by digest.
        // (expected.yaml outside the overlay folders, which the findings test checks.)
        ("multi-env", "multi-env/overlays/production"),
        ("multi-env/overlays", "multi-env/overlays/staging"),
        // A kube-prometheus-style jsonnet output tree (106 files, one object each, written
        // by its generate.py) under a cluster's overlay: namespace moved (ClusterRoleBinding
        // subjects too), `images` by digest and into the operator's custom resources through
        // an `images` configuration, a `$patch: delete`, label-selector and regex targets, a
        // generator replacing a base Secret, replacements with `reject` and a wildcard.
        ("kube-prometheus", "kube-prometheus/overlay"),
        // A ValueAddTransformer moving objects records no previous namespace: binding
        // subjects of the moved ServiceAccounts keep theirs, only those named `default`
        // get the new one (differential seed 65 case 79).
        ("value-add-namespace-refs", "value-add-namespace-refs"),
        // ... but an account renamed before keeps its previous ids (seed 68 case 76).
        (
            "value-add-namespace-renamed",
            "value-add-namespace-renamed/overlay",
        ),
        // Binding subjects under `namespace:` (every subject named default, whatever its
        // kind: runeguard moved only ServiceAccounts) and a NamespaceTransformer
        // configuration's setRoleBindingSubjects (allServiceAccounts, none; it was
        // ignored) and unsetOnly (per field: a RoleBinding with a namespace still has its
        // subjects without one moved; runeguard skipped the object).
        ("binding-subjects", "binding-subjects"),
        // Annotations a JSON patch left null are a mapping again after it (Kustomize's
        // SetAnnotations), so a replacement creates a key there (seed 70 case 289).
        ("json-patch-null-annotations", "json-patch-null-annotations"),
        // An OpenShift/OLM-style app (Route, DeploymentConfig, SCC, Subscription): no name
        // references for the OpenShift kinds, unknown kinds namespaced.
        ("openshift-olm", "openshift-olm"),
        // Lists of scalars with the `merge` patch strategy (metadata.finalizers; a custom
        // schema's) unite with the patch's values, which come first (they were replaced).
        ("scalar-set-merge/builtin", "scalar-set-merge/builtin"),
        ("scalar-set-merge/openapi", "scalar-set-merge/openapi"),
        // ... only for kinds and versions the built-in schema (v1.21.2) has (seed 42 case
        // 64 with the finalizer stream: an autoscaling/v2 HPA's are replaced).
        ("scalar-set-merge/versions", "scalar-set-merge/versions"),
        // A platform-infrastructure tree outside the corpus (session 16): ingress-nginx from
        // a chart vendored under helmGlobals.chartHome, a cert-manager base, monitoring and
        // HA components, and a cluster overlay with a local cluster-settings ConfigMap read
        // by replacements (labelSelector, delimiter/index, a wildcard), a generator merged
        // into the base's, a strategic merge patch and a JSON 6902 patch on chart output.
        ("platform-infra", "platform-infra/clusters/production"),
        // With buildMetadata, a `labels` pair written into the annotations is not the
        // node the labels hold once a later transformer runs (seed 91 case 211).
        (
            "labels-shared-build-metadata",
            "labels-shared-build-metadata",
        ),
        // Annotations that read as null (written `a:`, `a: ~`, or empty text a replacement
        // created) are "null" after a JSON 6902 patch (its JSON round trip), a quoted ""
        // stays "" (seed 87 case 127: runeguard printed "" and "~").
        (
            "json-patch-null-annotation-values",
            "json-patch-null-annotation-values/overlay",
        ),
        // `nameSuffix` specs for a kind at any version and at one version, both without
        // `create`, merge: the sorted table puts the version's first, which then keeps
        // only that version's objects renamed (the default for every kind dropped).
        ("name-affix-version-specs", "name-affix-version-specs"),
        // Keys written plain that read as numbers (`5432:`) in objects a patch deletes, or
        // whose key a patch removes or whose map it replaces: Kustomize converts the object
        // to JSON only when printing it (or for a JSON patch), so these build; runeguard
        // refused each key as it loaded the file.
        ("resource-key-types-removed", "resource-key-types-removed"),
        // Kustomize v5.8: a `helmCharts` entry without a namespace renders in the nearest
        // kustomization's (`mid`, above `top`), and no namespace transformer touches what a
        // chart rendered (a ConfigMap without a namespace keeps none, a RoleBinding in
        // kube-system and its `default` subject stay). runeguard rendered in `default` and
        // moved every chart object to `top`.
        ("helm-namespace", "helm-namespace/overlay"),
        // Plain timestamps (`2024-01-01`, `2024-03-05 10:30:00`) print as Go's JSON writes
        // the time.Time go-yaml makes of them (`"2024-01-01T00:00:00Z"`), also when a
        // strategic merge patch wrote them or a replacement copied such text into a new
        // field, and an annotation too once a JSON 6902 patch went over the object (else
        // Kustomize rewrites annotations as the strings written); a JSON 6902 `value` stays
        // as written, and `2023-02-29` is no date. runeguard printed every one as written.
        ("timestamps", "timestamps"),
        // `!!binary` scalars print as the text go-yaml decodes them to (bytes that are no
        // UTF-8 as U+FFFD), from resources, strategic merge and JSON 6902 patches; an
        // annotation keeps its base64 unless a JSON patch went over the object. runeguard
        // printed the base64.
        ("binary", "binary"),
        // A custom schema's lists merge only with a patch strategy including `merge`, by
        // all its `x-kubernetes-list-map-keys` (kyaml's PatchStrategyAndKeyList); runeguard
        // merged by the merge key alone, with any strategy or none.
        ("openapi-list-map-keys", "openapi-list-map-keys"),
        // NEL in a string folds as go-yaml v2 reads the printer's JSON (`"x\Ny"` prints
        // `x y`, two NELs a line break), and a line or paragraph separator is written raw
        // with the indentation after it (single-quoted, literal, a complex key). runeguard
        // printed `"x\Ny"` and the separators without the indentation.
        ("line-separators", "line-separators"),
        // Label and annotation keys that go-yaml v3 reads plain as strings build: quoted
        // YAML 1.1 booleans in a kustomization, `y:` in a transformer configuration.
        ("label-key-strings", "label-key-strings"),
        // A byte order mark opening a later document of a stream (kyaml decodes each part
        // alone; runeguard refused it: "must not appear inside a document"), and a second
        // document in a part, after `...` or a last `--- {…}` line, is not read (runeguard
        // built it).
        ("stream-split", "stream-split"),
        // Label keys that read as numbers, quoted, keep their key nodes: in a resource and
        // from an untargeted patch.
        ("meta-key-strings", "meta-key-strings"),
        // vars expand as Kubernetes' `$(VAR)` syntax (`$$` escapes; runeguard expanded
        // `$$(SVC_NAME)`), and a field that is one var whole takes the var's type
        // (runeguard printed "443" for a Service port).
        ("vars-expansion", "vars-expansion"),
        // `buildMetadata: [transformerAnnotations]` lists every transformer of every
        // kustomization (bases, components, `transformers:` files and inline text) on each
        // object it ran over; a JSON patch removing the annotations drops the list and
        // becomes the origin. runeguard refused the option.
        ("transformer-annotations", "transformer-annotations/ov"),
        // NEL, LS and PS written raw are line breaks to go-yaml: the blanks around them go
        // in plain and quoted scalars, a NEL folds, breaks ending a plain scalar go, and a
        // block scalar's line after one loses its indentation. runeguard kept them as text.
        ("separator-breaks", "separator-breaks"),
        // Labels and annotations null or empty in a patch Kustomize writes back through its
        // resource map are cleared from the patch (kyaml's `setMapInMetadata`) and delete
        // nothing; runeguard deleted them.
        ("patch-meta-null", "patch-meta-null"),
        // With buildMetadata, a strategic merge patch replacing the annotations loses the
        // origin and the transformers listed so far (the patch transformer becomes the
        // origin), and text written over the list starts it again; runeguard kept both.
        ("build-metadata-smp", "build-metadata-smp/ov"),
        // A generator's `immutable: false` or `disableNameSuffixHash: false` does not undo
        // generatorOptions' `true`, and `immutable: false` is never written; runeguard let
        // the generator's options win and printed `immutable: false`.
        ("generator-option-flags", "generator-option-flags/ov"),
        // Annotations holding a list or map (written so, copied by a replacement, or a
        // targeted patch's labels and annotations) print as "": kyaml's value of a
        // non-scalar node when Kustomize writes them back as strings. runeguard printed
        // the list or map.
        ("annotation-non-scalar", "annotation-non-scalar"),
        // Quoted scalars tagged !!int, !!float, !!bool or !!null take that type as go-yaml
        // v3 resolves them (`!!int "012"` is 10); runeguard kept them strings.
        ("tagged-scalars", "tagged-scalars"),
        // Scalars tagged !!timestamp, quoted or not, print as times (an annotation as
        // written); runeguard printed them as written.
        ("tagged-timestamps", "tagged-timestamps"),
    ] {
        let out = build(overlay);
        assert!(out.problems.is_empty(), "{case}: {:?}", out.problems);
        let expected =
            std::fs::read_to_string(Path::new(DATA).join(case).join("expected.yaml")).unwrap();
        let (got, want) = (docs(&out.text), docs(&expected));
        assert_eq!(
            got.len(),
            want.len(),
            "{case}: document count\n{}",
            out.text
        );
        for (i, (g, w)) in got.iter().zip(&want).enumerate() {
            assert_eq!(g, w, "{case}: document {i}\n{}", out.text);
        }
    }
}

/// Building twice gives the same bytes.
#[test]
fn builds_are_deterministic() {
    let a = build("transformers/overlay").text;
    let b = build("transformers/overlay").text;
    assert_eq!(a, b);
}

/// The origin of the stream line whose trimmed text is `line` (the `nth` such line).
fn origin_of(out: &Out, line: &str, nth: usize) -> (String, u32, OriginRole) {
    let r = out.rendered.as_ref().expect("rendered");
    let mut start = 0;
    let mut seen = 0;
    for l in out.text.split_inclusive('\n') {
        let trimmed = l.trim();
        let trimmed = trimmed.strip_prefix("- ").unwrap_or(trimmed);
        if trimmed == line {
            if seen == nth {
                let indent = l.len() - l.trim_start().len();
                let range = start + indent..start + l.trim_end().len();
                let o = r
                    .map
                    .primary(range)
                    .unwrap_or_else(|| panic!("no origin for {line:?}"));
                return (o.file.path.clone(), o.file.pos(o.span.start).line, o.role);
            }
            seen += 1;
        }
        start += l.len();
    }
    panic!("{line:?} not in the stream:\n{}", out.text);
}

/// What a replacement's `create: true` makes (a list element by `[name=x]`) points at the
/// `fieldPaths` entry that made it, not at the replacement's first line (session kwild29: a
/// component's replacement creating a container by `containers.[name=worker]` in every
/// Deployment it selects; its findings pointed at `- source:` for both fieldPaths).
#[test]
fn replacement_created_elements_point_at_their_field_path() {
    let out = build("replacement-create");
    let kust = format!("{DATA}/replacement-create/kustomization.yaml");
    assert_eq!(
        origin_of(&out, "name: c", 0),
        (kust.clone(), 15, OriginRole::Kustomization)
    );
    assert_eq!(
        origin_of(&out, "name: NEW", 0),
        (kust.clone(), 13, OriginRole::Kustomization)
    );
    assert_eq!(
        origin_of(&out, "name: FOO", 0),
        (kust, 11, OriginRole::Kustomization)
    );
}

#[test]
fn findings_land_on_the_line_a_person_edits() {
    let out = build("origins/overlay");
    assert!(out.problems.is_empty(), "{:?}", out.problems);
    let base = format!("{DATA}/origins/base/deployment.yaml");
    let kust = format!("{DATA}/origins/overlay/kustomization.yaml");
    let patch = format!("{DATA}/origins/overlay/patch.yaml");
    // A field from a base: the base line.
    assert_eq!(
        origin_of(&out, "hostNetwork: true", 0),
        (base.clone(), 14, OriginRole::Base)
    );
    // A field a patch file set: the patch line.
    assert_eq!(
        origin_of(&out, "privileged: true", 0),
        (patch, 11, OriginRole::Patch)
    );
    // A field an inline patch set: its line inside the kustomization.
    assert_eq!(
        origin_of(&out, "runAsUser: 0", 0),
        (kust.clone(), 19, OriginRole::Patch)
    );
    // The merge key a patch matched on stays the base's.
    assert_eq!(
        origin_of(&out, "name: web", 1),
        (base, 16, OriginRole::Base)
    );
    // Transformer fields: the kustomization lines that asked for them.
    assert_eq!(
        origin_of(&out, "namespace: prod", 1),
        (kust.clone(), 3, OriginRole::Kustomization)
    );
    assert_eq!(
        origin_of(&out, "team: web", 1),
        (kust.clone(), 5, OriginRole::Kustomization)
    );
    // The `images` entry's `newTag`, the field that wrote the tag.
    assert_eq!(
        origin_of(&out, "image: nginx:1.27", 0),
        (kust.clone(), 26, OriginRole::Kustomization)
    );
    // A generated value: the literal's line.
    assert_eq!(
        origin_of(&out, "LEVEL: debug", 0),
        (kust.clone(), 23, OriginRole::Base)
    );
    // The chain that brought a base line in: the base's and the overlay's `resources:`
    // entries, innermost first, after the line's own origin.
    let r = out.rendered.as_ref().unwrap();
    let at = out.text.find("hostNetwork: true").unwrap();
    let chain: Vec<(String, u32)> = r
        .map
        .origins(at..at + 17)
        .iter()
        .map(|o| (o.file.path.clone(), o.file.pos(o.span.start).line))
        .collect();
    assert_eq!(
        chain,
        [
            (format!("{DATA}/origins/base/deployment.yaml"), 14),
            (format!("{DATA}/origins/base/kustomization.yaml"), 2),
            (kust.clone(), 2),
        ]
    );
    // Each document names its origin file.
    assert!(
        out.text
            .contains(&format!("# Source: {DATA}/origins/base/deployment.yaml\n"))
    );
}

fn errors(out: &Out) -> Vec<&Problem> {
    out.problems
        .iter()
        .filter(|p| p.level == ProblemLevel::Error)
        .collect()
}

fn located(p: &Problem) -> String {
    format!("{}:{}", p.file, p.pos.map(|p| p.line).unwrap_or(0))
}

/// The errors of a build, checked to be exactly at `want` (`file:line` each, in order).
fn errors_at<'a>(out: &'a Out, want: &[String]) -> Vec<&'a Problem> {
    let e = errors(out);
    assert_eq!(
        e.iter().map(|p| located(p)).collect::<Vec<_>>(),
        want,
        "{e:?}"
    );
    e
}

#[test]
fn remote_resources_are_located_problems_and_the_rest_is_built() {
    let out = build("problems/remote");
    let e = errors(&out);
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!(
        located(e[0]),
        format!("{DATA}/problems/remote/kustomization.yaml:2")
    );
    assert!(e[0].message.contains("not fetched"), "{}", e[0].message);
    assert_eq!(docs(&out.text).len(), 1);
}

/// An overlay on a base holding a remote resource (Argo CD's `install.yaml` from GitHub, a
/// common GitOps layout) patches objects of that resource (`argocd-cm`, `argocd-server`) and
/// reads a replacement source from it: Kustomize, which fetches it, applies them. Unfetched,
/// the targets are not among the local objects, which is no sign that Kustomize would fail:
/// one error at the remote entry, notes at the patches and the source, the rest built.
#[test]
fn patches_naming_objects_of_an_unfetched_remote_resource_are_notes() {
    let out = build("problems/remote-patched/overlay");
    let e = errors(&out);
    assert_eq!(e.len(), 1, "{:?}", out.problems);
    assert_eq!(
        located(e[0]),
        format!("{DATA}/problems/remote-patched/base/kustomization.yaml:2")
    );
    let notes: Vec<String> = out
        .problems
        .iter()
        .filter(|p| p.level == ProblemLevel::Note)
        .map(|p| {
            assert!(p.message.contains("remote resource"), "{}", p.message);
            located(p)
        })
        .collect();
    assert_eq!(
        notes,
        [
            format!("{DATA}/problems/remote-patched/overlay/app-cm.yaml:1"),
            format!("{DATA}/problems/remote-patched/overlay/app-server.yaml:1"),
            format!("{DATA}/problems/remote-patched/overlay/kustomization.yaml:8"),
        ],
        "{:?}",
        out.problems
    );
    assert_eq!(docs(&out.text).len(), 1, "the local ConfigMap is built");
    // Without a remote resource the same unmatched patch is Kustomize's error.
    let out = build("problems/nomatch");
    assert_eq!(errors(&out).len(), 1, "{:?}", out.problems);
}

#[test]
fn cycles_and_self_inclusion_are_stopped() {
    let out = build("problems/cycle/a");
    let e = errors(&out);
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!(
        located(e[0]),
        format!("{DATA}/problems/cycle/b/kustomization.yaml:2")
    );
    assert_eq!(
        docs(&out.text).len(),
        1,
        "the ConfigMap of a is still built"
    );
    let out = build("problems/self");
    assert_eq!(
        located(errors(&out)[0]),
        format!("{DATA}/problems/self/kustomization.yaml:2")
    );
}

#[test]
fn missing_files_bad_yaml_and_unmatched_patches_are_located() {
    let out = build("problems/missing");
    assert_eq!(
        located(errors(&out)[0]),
        format!("{DATA}/problems/missing/kustomization.yaml:3")
    );
    assert_eq!(docs(&out.text).len(), 1);
    let out = build("problems/badyaml");
    let e = errors(&out);
    assert_eq!(e[0].file, format!("{DATA}/problems/badyaml/bad.yaml"));
    assert!(e[0].pos.is_some());
    assert_eq!(docs(&out.text).len(), 1, "the good file is still built");
    let out = build("problems/nomatch");
    assert_eq!(
        located(errors(&out)[0]),
        format!("{DATA}/problems/nomatch/kustomization.yaml:5")
    );
}

/// A malformed label selector in a patch target fails Kustomize's build ("unable to parse
/// requirement"); runeguard reports it at the selector and does not patch.
#[test]
fn a_malformed_label_selector_is_a_located_problem() {
    let out = build("problems/label-selector-malformed");
    let e = errors(&out);
    assert_eq!(
        located(e[0]),
        format!("{DATA}/problems/label-selector-malformed/kustomization.yaml:6"),
        "{:?}",
        out.problems
    );
    assert!(e[0].message.contains("labelSelector"), "{}", e[0].message);
    // A value `labels.Parse` refuses (a URL) in a replacement's `reject`: the same.
    let out = build("problems/label-selector-invalid-value");
    let e = errors(&out);
    assert_eq!(
        located(e[0]),
        format!("{DATA}/problems/label-selector-invalid-value/kustomization.yaml:12"),
        "{:?}",
        out.problems
    );
    assert!(
        e[0].message.contains("invalid label value"),
        "{}",
        e[0].message
    );
}

#[test]
fn a_folder_without_a_kustomization_is_a_problem_not_a_panic() {
    let out = build("problems");
    assert!(out.rendered.is_none());
    assert_eq!(errors(&out).len(), 1);
}

/// Secret values generated from literals come from kustomization lines that redaction can
/// mask: their origin is the literal's own line.
#[test]
fn generated_secret_values_point_at_their_literal() {
    let out = build("generators/overlay");
    let (file, line, _) = origin_of(&out, "password: bm90LWEtcmVhbC1vbmU=", 0);
    assert_eq!(
        (file.as_str(), line),
        (
            format!("{DATA}/generators/base/kustomization.yaml").as_str(),
            14
        )
    );
}

mod never_panics {
    use super::*;
    use proptest::prelude::*;

    /// Pieces of kustomizations, valid and not, that a build must survive in any mix.
    const PIECES: &[&str] = &[
        "resources:\n- cm.yaml\n",
        "resources:\n- .\n",
        "resources:\n- missing.yaml\n- https://example.com/x.yaml\n",
        "resources: cm.yaml\n",
        "namespace: [a]\n",
        "namespace: ns\n",
        "namePrefix: p-\nnameSuffix: 7\n",
        "commonLabels: {a: 1, b: [x]}\n",
        "commonAnnotations: x\n",
        "labels:\n- pairs: {a: b}\n  includeSelectors: true\n- {}\n",
        "images:\n- name: '['\n  newTag: 1\n- {}\n",
        "replicas:\n- name: x\n  count: two\n",
        "patches:\n- patch: '- op: remove\n    path: /nope'\n  target: {kind: '('}\n",
        "patches:\n- patch: |\n    kind: ConfigMap\n    metadata: {name: cm}\n    $patch: delete\n",
        "patches:\n- path: /etc/passwd\n- {}\n",
        "patchesStrategicMerge:\n- 'kind: ConfigMap'\n- nope.yaml\n",
        "patchesJson6902:\n- target: {kind: ConfigMap}\n  patch: '[{\"op\": \"move\", \"from\": \"/data\", \"path\": \"/data/x\"}]'\n",
        "configMapGenerator:\n- name: g\n  literals: [a=1, a=2, bad]\n  behavior: merge\n",
        "configMapGenerator:\n- name: cm\n  behavior: replace\n  files: [cm.yaml, k=missing]\n",
        "secretGenerator:\n- name: s\n  envs: [cm.yaml]\n",
        "vars:\n- name: V\n  objref: {kind: ConfigMap, name: cm}\n  fieldref: {fieldpath: data.a}\n",
        "replacements:\n- source: {kind: ConfigMap, fieldPath: 'data.[a=b'}\n  targets:\n  - select: {kind: ConfigMap}\n    fieldPaths: ['data.9.x']\n    options: {delimiter: '.', index: -3}\n",
        "transformers:\n- cm.yaml\n- 'apiVersion: builtin\n  kind: PrefixSuffixTransformer\n  prefix: x-'\n",
        "components:\n- .\n- ../nope\n",
        "helmCharts:\n- name: absent\n  repo: https://charts.example.com\n",
        "sortOptions: {order: fifo}\n",
        "unknownField: 1\n",
        "kind: Component\n",
        "- just\n- a list\n",
        "a: [unclosed\n",
        "&a [*a]\n",
        "patches:\n- target: {kind: ConfigMap}\n  path: cm.yaml\n",
        "patches:\n- target: {kind: '.*'}\n  patch: |\n    - {op: add, path: /data/x/y/0, value: 1}\n    - {op: copy, from: /data, path: /metadata/labels}\n    - {op: move, from: /metadata, path: /metadata/x}\n",
        "patches:\n- patch: |\n    apiVersion: v1\n    kind: ConfigMap\n    metadata: {name: cm}\n    data:\n      $patch: replace\n    ---\n    apiVersion: v1\n    kind: ConfigMap\n    metadata: {name: cm}\n    $patch: delete\n",
        "configurations: [cm.yaml]\n",
        "namePrefix: \"\\u0000\"\n",
        "resources:\n- cm.yaml\n- cm.yaml\n",
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]
        #[test]
        fn any_mix_of_fields_is_built_or_reported(picks in prop::collection::vec(0..PIECES.len(), 0..6)) {
            let dir = tempfile::tempdir().unwrap();
            let text: String = picks.iter().map(|i| PIECES[*i]).collect();
            std::fs::write(dir.path().join("kustomization.yaml"), &text).unwrap();
            std::fs::write(dir.path().join("cm.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  a: b\n").unwrap();
            let out = kustomize::build(dir.path(), "k", &RenderOptions::default());
            // Either a stream that parses, or problems saying why not.
            match &out.rendered {
                Some(r) => { docs(&r.stream.text); }
                None => prop_assert!(!out.problems.is_empty(), "{text}"),
            }
        }
    }
}

/// Kustomize refuses a kustomization whose string fields hold numbers or booleans; runeguard
/// says where, instead of guessing the text.
#[test]
fn non_string_values_in_string_fields_are_located() {
    let out = build("problems/types");
    let e: Vec<String> = errors(&out).iter().map(|p| located(p)).collect();
    let k = format!("{DATA}/problems/types/kustomization.yaml");
    assert_eq!(e, [format!("{k}:3"), format!("{k}:7")]);
}

/// A strategic merge patch without kind or name cannot be read by Kustomize, even with a
/// target: a located problem, not a silent merge.
#[test]
fn a_patch_that_is_not_an_object_is_located() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("kustomization.yaml"),
        "resources: [cm.yaml]\npatches:\n- target: {kind: ConfigMap}\n  patch: |-\n    data:\n      x: y\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("cm.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\n",
    )
    .unwrap();
    let out = kustomize::build(dir.path(), "k", &RenderOptions::default());
    let e: Vec<_> = out
        .problems
        .iter()
        .map(|p| (p.file.clone(), p.pos.map(|p| p.line)))
        .collect();
    assert_eq!(e, [("k/kustomization.yaml".to_string(), Some(5))]);
}

/// A patch file of several documents whose first deletes what the target selected: the
/// second applies to what is left (it used to index past the end).
#[test]
fn a_multi_document_patch_that_deletes_keeps_working() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("kustomization.yaml"),
        "resources: [cm.yaml]\npatches:\n- target: {kind: ConfigMap}\n  path: p.yaml\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("cm.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("p.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n$patch: delete\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {k: v}\n",
    )
    .unwrap();
    let out = kustomize::build(dir.path(), "k", &RenderOptions::default());
    assert!(out.problems.is_empty(), "{:?}", out.problems);
    assert_eq!(docs(&out.rendered.unwrap().stream.text).len(), 0);
}

/// `helmCharts` values: `valuesInline` lands on its kustomization line, over `valuesFile`
/// (`valuesMerge: override`), and values from files on their own lines.
#[test]
fn helm_chart_values_point_at_the_line_that_set_them() {
    let out = build("helm-charts");
    assert!(out.problems.is_empty(), "{:?}", out.problems);
    let kust = format!("{DATA}/helm-charts/kustomization.yaml");
    // dev-web (valuesMerge: merge: the chart's values.yaml wins), lab-web (replace), shop-web.
    assert_eq!(
        origin_of(&out, "replicas: 1", 0),
        (
            format!("{DATA}/helm-charts/home/web/values.yaml"),
            1,
            OriginRole::Values
        )
    );
    assert_eq!(
        origin_of(&out, "replicas: 5", 0),
        (kust.clone(), 20, OriginRole::Values)
    );
    assert_eq!(
        origin_of(&out, "replicas: 3", 0),
        (kust, 11, OriginRole::Values)
    );
    assert_eq!(
        origin_of(&out, "extra: from-extra-file", 0),
        (
            format!("{DATA}/helm-charts/values-extra.yaml"),
            1,
            OriginRole::Values
        )
    );
}

/// A `HelmChartInflationGenerator` under `generators:` (a file, and inline text in the
/// kustomization): its `valuesInline` point at their line in the configuration.
#[test]
fn helm_chart_generator_values_point_at_their_configuration() {
    let out = build("helm-chart-generator");
    assert!(out.problems.is_empty(), "{:?}", out.problems);
    assert_eq!(
        origin_of(&out, "replicas: 4", 0),
        (
            format!("{DATA}/helm-chart-generator/chart.yaml"),
            10,
            OriginRole::Values
        )
    );
    assert_eq!(
        origin_of(&out, "replicas: 2", 0),
        (
            format!("{DATA}/helm-chart-generator/kustomization.yaml"),
            12,
            OriginRole::Values
        )
    );
}

/// `kubeVersion`, `apiVersions`, `includeCRDs` and `skipHooks` (the peer `helm` of the
/// fidelity check does not take these flags, so they are asserted here).
#[test]
fn helm_chart_capabilities_and_crds() {
    let out = build("helm-caps");
    assert!(out.problems.is_empty(), "{:?}", out.problems);
    let got = docs(&out.text);
    let names: Vec<(&str, &str)> = got
        .iter()
        .map(|d| {
            (
                d["kind"].as_str().unwrap(),
                d["metadata"]["name"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        names,
        [
            ("CustomResourceDefinition", "widgets.example.com"),
            ("ConfigMap", "mon-caps"),
            ("ConfigMap", "plain-caps"),
            ("ConfigMap", "plain-hook"),
            ("ServiceMonitor", "mon-monitor"),
        ]
    );
    assert_eq!(got[1]["data"]["kube"], "v1.29.4");
    assert_ne!(got[2]["data"]["kube"], "v1.29.4");
    // `.Capabilities.APIVersions` prints as Helm's list, the added versions last.
    let apis = got[1]["data"]["apis"].as_str().unwrap();
    assert!(
        apis.starts_with("[v1 admissionregistration.k8s.io/v1 "),
        "{apis}"
    );
    assert!(apis.ends_with(" monitoring.coreos.com/v1]\n"), "{apis}");
    // A CRD's lines are its file's lines.
    assert_eq!(
        origin_of(&out, "plural: widgets", 0),
        (
            format!("{DATA}/helm-caps/charts/mon/crds/widgets.yaml"),
            9,
            OriginRole::Template
        )
    );
}

#[test]
fn remote_charts_are_located_problems_and_the_rest_is_built() {
    let out = build("problems/remote-chart");
    let e = errors(&out);
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!(
        located(e[0]),
        format!("{DATA}/problems/remote-chart/kustomization.yaml:4")
    );
    assert!(e[0].message.contains("is not fetched"), "{}", e[0].message);
    assert_eq!(docs(&out.text).len(), 1);
}

/// Kustomize refuses a replacement whose target field is missing (`create` not set); the
/// build goes on and the entry is a located problem.
#[test]
fn a_replacement_target_field_that_is_missing_is_located() {
    let out = build("problems/replacement");
    let e = errors(&out);
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!(
        located(e[0]),
        format!("{DATA}/problems/replacement/kustomization.yaml:8")
    );
    assert!(
        e[0].message.contains("unable to find field"),
        "{}",
        e[0].message
    );
    assert_eq!(docs(&out.text).len(), 1);
}

/// A replacement without targets (`[]`, null or missing) fails the build in Kustomize.
#[test]
fn a_replacement_without_targets_is_a_problem() {
    let out = build("problems/replacement-targets");
    let e = errors(&out);
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!(
        located(e[0]),
        format!("{DATA}/problems/replacement-targets/kustomization.yaml:4")
    );
    assert!(
        e[0].message.contains("at least one target"),
        "{}",
        e[0].message
    );
}

/// A replacement writing text of another type into a typed field (`"web"` into
/// `replicas: 1`) fails in Kustomize when it prints the object.
#[test]
fn a_replacement_of_another_type_is_a_problem() {
    let out = build("problems/replacement-type");
    let e = errors(&out);
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!(
        located(e[0]),
        format!("{DATA}/problems/replacement-type/kustomization.yaml:6")
    );
    assert!(e[0].message.contains("\"web\""), "{}", e[0].message);
}

/// A `configurations:` file's `commonLabels`/`commonAnnotations` spec with another `create`
/// than a default spec at its path that it selects or is selected by fails Kustomize's
/// config merge ("conflicting fieldspecs"); with the same `create` it merges (differential
/// seed 1 cases 72 and 113 with the session-11 generator; they were built).
#[test]
fn a_label_spec_conflicting_with_a_default_is_a_problem() {
    let out = build("problems/labels-config-conflict");
    let conf = format!("{DATA}/problems/labels-config-conflict/conf.yaml");
    let e = errors_at(&out, &[format!("{conf}:5"), format!("{conf}:8")]);
    assert!(
        e[0].message.contains("conflicting fieldspecs"),
        "{}",
        e[0].message
    );
}

/// An included kustomization's label table merged into an empty one (the including
/// overlay's) puts its kind-specific spec without `create` before the default for every
/// kind: Kustomize fails ("failed to merge CommonLabels fieldSpec: conflicting
/// fieldspecs"), though the included one builds (differential seed 24 case 279, seed 23
/// cases 11 and 17: they were built). Located at the entry that includes it.
#[test]
fn a_label_table_conflicting_after_an_included_kustomization_is_a_problem() {
    let out = build("problems/label-table-conflict/mid");
    assert!(errors(&out).is_empty(), "{:?}", errors(&out));
    let out = build("problems/label-table-conflict/top");
    let e = errors_at(
        &out,
        &[format!(
            "{DATA}/problems/label-table-conflict/top/kustomization.yaml:4"
        )],
    );
    assert!(
        e[0].message
            .contains("CommonLabels fieldSpec: conflicting fieldspecs"),
        "{}",
        e[0].message
    );
}

/// A `configurations:` field spec without a path fails Kustomize where it selects an object
/// ("cannot set or create an empty field name"), and passes where it selects nothing (the
/// `Gadget` annotation spec); differential seeds 31 case 203, 34 case 211 (the spec was
/// dropped and the labels written).
#[test]
fn a_pathless_field_spec_selecting_an_object_is_a_problem() {
    let out = build("problems/pathless-spec");
    let e = errors_at(
        &out,
        &[format!(
            "{DATA}/problems/pathless-spec/kustomization.yaml:6"
        )],
    );
    assert!(e[0].message.contains("Widget w"), "{}", e[0].message);
}

/// A label field spec reaching a scalar fails Kustomize ("wrong node kind: expected
/// MappingNode"); it replaced the scalar by the labels (differential seed 31 case 203).
#[test]
fn labels_on_a_scalar_field_are_a_problem() {
    let out = build("problems/label-on-scalar");
    let e = errors_at(
        &out,
        &[format!(
            "{DATA}/problems/label-on-scalar/kustomization.yaml:6"
        )],
    );
    assert!(
        e[0].message.contains("metadata/name of Widget gadget"),
        "{}",
        e[0].message
    );
}

/// After a component the `namePrefix` table is merged again into an empty one: an overlay's
/// `metadata/name` spec for one kind with `create` comes first and the default without
/// conflicts (differential seed 33 case 164; it was built). Located at the component.
#[test]
fn a_name_prefix_table_conflicting_after_a_component_is_a_problem() {
    let out = build("problems/prefix-component-conflict/overlay");
    let e = errors_at(
        &out,
        &[format!(
            "{DATA}/problems/prefix-component-conflict/overlay/kustomization.yaml:8"
        )],
    );
    assert!(
        e[0].message.contains("NamePrefix fieldSpec: conflicting"),
        "{}",
        e[0].message
    );
}

/// A `namePrefix` spec for `metadata/name` with `create: true` against the default one
/// without fails Kustomize's config merge (differential seed 21 case 266; it was built).
#[test]
fn a_name_prefix_spec_conflicting_with_the_default_is_a_problem() {
    let out = build("problems/name-prefix-conflict");
    errors_at(
        &out,
        &[format!("{DATA}/problems/name-prefix-conflict/conf.yaml:1")],
    );
    // A component's default merged after an overlay's spec for one version with `create`
    // (differential seed 52 case 185): one problem, at the component's spec.
    let out = build("problems/prefix-version-component/ov");
    errors_at(
        &out,
        &[format!(
            "{DATA}/problems/prefix-version-component/comp/name-conf.yaml:1"
        )],
    );
    // After an included kustomization too (it built before).
    let out = build("problems/name-prefix-conflict-included/ov");
    errors_at(
        &out,
        &[format!(
            "{DATA}/problems/name-prefix-conflict-included/ov/conf.yaml:1"
        )],
    );
}

/// Text a replacement wrote into a typed field it does not fit fails the build only if the
/// object still holds it when Kustomize decodes it: the overlay writing it alone is refused
/// (each at its field path), the one including it and writing both fields again builds
/// (differential seed 54 case 141: it was refused there too).
#[test]
fn a_misfit_replacement_is_a_problem_only_while_it_stays() {
    let out = build("replacement-misfit-rewritten/mid");
    let k = format!("{DATA}/replacement-misfit-rewritten/mid/kustomization.yaml");
    assert_eq!(
        errors(&out).iter().map(|p| located(p)).collect::<Vec<_>>(),
        [format!("{k}:8"), format!("{k}:12")],
        "{:?}",
        out.problems
    );
    assert!(
        build("replacement-misfit-rewritten/top")
            .problems
            .is_empty()
    );
}

/// A replacement into an explicit null (`image: null`, `serviceAccountName: ~`) fails in
/// Kustomize, the null's tag kept ("cannot decode !!str `a:1` as a !!null"); into a null
/// annotation or a field it creates it is written (it was written everywhere).
#[test]
fn a_replacement_into_an_explicit_null_is_a_problem() {
    let out = build("problems/replacement-null");
    let k = format!("{DATA}/problems/replacement-null/kustomization.yaml");
    let e = errors_at(&out, &[format!("{k}:10"), format!("{k}:11")]);
    assert!(e[0].message.contains("\"a:1\""), "{}", e[0].message);
}

/// `generators:` entries holding built-in generator configurations, inline (`- |-`) or in a
/// file: a generated value points at its literal's line inside the inline text.
#[test]
fn generator_configurations_point_at_their_literals() {
    let out = build("generator-configs");
    assert!(out.problems.is_empty(), "{:?}", out.problems);
    let kust = format!("{DATA}/generator-configs/kustomization.yaml");
    assert_eq!(
        origin_of(&out, "password: aHVudGVyMg==", 0),
        (kust, 14, OriginRole::Base)
    );
    assert_eq!(
        origin_of(&out, "a: \"1\"", 0),
        (
            format!("{DATA}/generator-configs/gen.yaml"),
            6,
            OriginRole::Base
        )
    );
}

/// A misspelt `helmCharts` field is refused as Kustomize refuses it, and `nameTemplate` (not
/// run) is said; the chart is still rendered.
#[test]
fn unknown_helm_chart_fields_are_located() {
    let out = build("problems/chart-fields");
    let e: Vec<String> = errors(&out).iter().map(|p| located(p)).collect();
    let k = format!("{DATA}/problems/chart-fields/kustomization.yaml");
    assert_eq!(e, [format!("{k}:3"), format!("{k}:4")]);
    assert!(out.text.contains("release-name-caps"), "{}", out.text);
}

/// Kustomize refuses a kustomization holding nothing beyond apiVersion and kind
/// ("kustomization.yaml is empty"), here an included one; runeguard built it as empty.
#[test]
fn an_empty_kustomization_is_a_problem() {
    let out = build("problems/empty");
    let e = errors(&out);
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!(
        e[0].file,
        format!("{DATA}/problems/empty/base/kustomization.yaml")
    );
    assert!(e[0].message.contains("empty"), "{}", e[0].message);
}

/// Kustomize refuses a `transformers:` entry written as a mapping (the list holds strings)
/// and a prefix/suffix configuration without field specs; runeguard applied both.
#[test]
fn transformer_configurations_kustomize_refuses_are_problems() {
    let out = build("problems/transformer-configs");
    let e = errors(&out);
    let k = format!("{DATA}/problems/transformer-configs/kustomization.yaml");
    let got: Vec<String> = e.iter().map(|p| located(p)).collect();
    assert_eq!(got, [format!("{k}:4"), format!("{k}:11")], "{e:?}");
    assert!(e[0].message.contains("mapping"), "{}", e[0].message);
    assert!(e[1].message.contains("fieldSpecs"), "{}", e[1].message);
    // Neither was applied.
    assert!(
        !out.text.contains("p-") && !out.text.contains("a: b"),
        "{}",
        out.text
    );
}

/// A list merged by a key a custom `openapi:` schema gives: the patched element's value
/// points at the patch, the untouched one at the base.
#[test]
fn openapi_merge_keys_keep_origins() {
    let out = build("openapi/overlay");
    assert!(out.problems.is_empty(), "{:?}", out.problems);
    let (file, line, role) = origin_of(&out, "value: \"20\"", 0);
    assert_eq!(
        (file, line, role),
        (
            format!("{DATA}/openapi/overlay/patch.yaml"),
            8,
            OriginRole::Patch
        )
    );
    let (file, line, _) = origin_of(&out, "value: \"1\"", 0);
    assert_eq!(
        (file, line),
        (format!("{DATA}/openapi/base/objects.yaml"), 8)
    );
}

/// What a `ValueAddTransformer` wrote points at its `value` line.
#[test]
fn value_add_points_at_its_value() {
    let out = build("value-add");
    assert!(out.problems.is_empty(), "{:?}", out.problems);
    let add = format!("{DATA}/value-add/add.yaml");
    let (file, line, _) = origin_of(&out, "example.com/owner: team-a", 0);
    assert_eq!((file.as_str(), line), (add.as_str(), 5));
    let (file, line, _) = origin_of(&out, "abs: /team-a/data/app/config", 0);
    assert_eq!((file.as_str(), line), (add.as_str(), 5));
    // The value a configuration without `value` takes is its kustomization folder's name.
    let (file, _, _) = origin_of(&out, "folder: value-add", 0);
    assert_eq!(file, format!("{DATA}/value-add/kustomization.yaml"));
}

/// A validator (a built-in transformer under `validators:`) that writes anything, even a
/// value already there, fails the build in Kustomize.
#[test]
fn validators_that_change_objects_are_problems() {
    let out = build("problems/validators");
    let e = errors(&out);
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!(
        located(e[0]),
        format!("{DATA}/problems/validators/kustomization.yaml:4")
    );
    assert!(e[0].message.contains("validator"), "{}", e[0].message);
}

/// A `ReplicaCountTransformer` configuration without `replica` fails in Kustomize (it looks
/// for an object named "").
#[test]
fn replica_configuration_without_replica_is_a_problem() {
    let out = build("problems/replica-config");
    let e = errors(&out);
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!(
        located(e[0]),
        format!("{DATA}/problems/replica-config/kustomization.yaml:5")
    );
    assert!(out.text.contains("replicas: 1"), "{}", out.text);
}

/// A `ReplicaCountTransformer` configuration without `fieldSpecs` selects nothing, and
/// Kustomize fails ("resource with name db does not match a config with the following GVK
/// []"); runeguard used the default kinds and scaled the StatefulSet (differential seed 59
/// case 71).
#[test]
fn replica_configuration_without_field_specs_is_a_problem() {
    let out = build("problems/replica-config-specs");
    let e = errors(&out);
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!(
        located(e[0]),
        format!("{DATA}/problems/replica-config-specs/kustomization.yaml:9")
    );
    assert!(out.text.contains("replicas: 1"), "{}", out.text);
}

/// A NamespaceTransformer configuration with a `setRoleBindingSubjects` Kustomize does not
/// know fails there ("invalid value \"bogus\" for setRoleBindingSubjects"); runeguard
/// ignored the field.
#[test]
fn an_unknown_binding_subjects_mode_is_a_problem() {
    let out = build("problems/binding-subjects-mode");
    let e = errors(&out);
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!(
        located(e[0]),
        format!("{DATA}/problems/binding-subjects-mode/kustomization.yaml:10")
    );
    assert!(
        e[0].message.contains("allServiceAccounts"),
        "{}",
        e[0].message
    );
}

/// A patch with `allowNameChange` giving two objects one name fails in Kustomize (here in a
/// component); runeguard built both.
#[test]
fn objects_renamed_to_one_id_are_a_problem() {
    let out = build("problems/duplicate-after-patch/top");
    let e = errors(&out);
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!(
        located(e[0]),
        format!("{DATA}/problems/duplicate-after-patch/comp/kustomization.yaml:4")
    );
    assert!(e[0].message.contains("same id"), "{}", e[0].message);
    // The first keeps its place; the ConfigMap is untouched.
    assert_eq!(out.text.matches("name: same").count(), 1, "{}", out.text);
    assert!(out.text.contains("name: settings"), "{}", out.text);
}

/// Two `configurations:` files giving the same kind-specific `nameSuffix` spec with another
/// `create` fail Kustomize's merge of the files ("failed to merge NameSuffix fieldSpec:
/// conflicting fieldspecs"); runeguard merged them (differential seed 78 case 248).
/// Located at the second file's spec.
#[test]
fn name_suffix_specs_conflicting_between_files_are_a_problem() {
    let out = build("problems/name-suffix-files-conflict");
    let e = errors(&out);
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!(
        located(e[0]),
        format!("{DATA}/problems/name-suffix-files-conflict/create-spec.yaml:1")
    );
    assert!(
        e[0].message.contains("conflicting fieldspecs"),
        "{}",
        e[0].message
    );
}

/// `configurations:` specs for a kind at any group (or version) and for that kind of one
/// group with another `create` do not conflict between the files (neither selects the
/// other in `FsSlice.MergeOne`'s sense), but the table sorted puts the group's first, and
/// the spec for any group merged into the defaults after it conflicts there ("failed to
/// merge NamePrefix fieldSpec: conflicting fieldspecs"); runeguard built (differential seed
/// 78 case 248, with `version: v1beta1` and `nameSuffix`). Located at the later spec.
#[test]
fn name_prefix_specs_a_specific_spec_selects_are_a_problem() {
    let out = build("problems/name-prefix-version-conflict");
    let e = errors(&out);
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!(
        located(e[0]),
        format!("{DATA}/problems/name-prefix-version-conflict/any-version.yaml:1")
    );
    assert!(
        e[0].message.contains("conflicting fieldspecs")
            && e[0].message.contains("Widget of group example.com"),
        "{}",
        e[0].message
    );
}

/// Generated keys YAML reads as another type than a string (a port number, `true`, a
/// date) fail Kustomize ("json: unsupported type: map[interface {}]interface {}": it writes
/// them plain, without a tag), from literals, env files and file keys alike; `yes` is a
/// string. runeguard generated them quoted (found by the platform-infra overlay's
/// ingress-nginx `tcp-services` map). Each located at its literal, env line or file entry.
#[test]
fn generated_keys_yaml_reads_as_other_types_are_problems() {
    let out = build("problems/generator-key-types");
    let dir = format!("{DATA}/problems/generator-key-types");
    let mut at: Vec<String> = errors(&out).iter().map(|p| located(p)).collect();
    at.sort();
    assert_eq!(
        at,
        [
            format!("{dir}/kustomization.yaml:13"),
            format!("{dir}/kustomization.yaml:15"),
            format!("{dir}/kustomization.yaml:5"),
            format!("{dir}/udp.env:2"),
        ],
        "{:?}",
        out.problems
    );
    assert!(out.text.contains("\"yes\": kept"), "{}", out.text);
    assert!(!out.text.contains("5432"), "{}", out.text);
}

/// Mapping keys of a resource written plain that YAML reads as another type than a string
/// (`5432:` in a tcp-services map, `true:` in a custom resource) fail Kustomize: kyaml keeps
/// the node untagged and the JSON conversion refuses the non-string key. Quoted keys,
/// `!!str` keys and `yes:` (a string in go-yaml v3) build. runeguard built them all.
/// Located at the key; the other objects are still built.
#[test]
fn resource_keys_yaml_reads_as_other_types_are_problems() {
    let out = build("problems/resource-key-types");
    let dir = format!("{DATA}/problems/resource-key-types");
    let mut at: Vec<String> = errors(&out).iter().map(|p| located(p)).collect();
    at.sort();
    assert_eq!(
        at,
        [
            format!("{dir}/quoted.yaml:18"),
            format!("{dir}/tcp-services.yaml:7")
        ],
        "{:?}",
        out.problems
    );
    assert!(out.text.contains("name: udp-services"), "{}", out.text);
}

/// Mapping keys of a strategic merge patch written plain that YAML reads as another type
/// than a string fail Kustomize when they end up in the patched object (kyaml merges the key
/// node as written; the JSON conversion refuses it): a new key (`8080:` inline, `1:` in a
/// patch file). A key the target already has (`9090:` over `"9090"`), a null value, a patch
/// whose target selects nothing and an object a later patch deletes build (measured with
/// kubectl kustomize v5.8). runeguard built them all. Located at the key.
#[test]
fn patch_keys_yaml_reads_as_other_types_are_problems_where_they_land() {
    let out = build("problems/patch-key-types");
    let dir = format!("{DATA}/problems/patch-key-types");
    let mut at: Vec<String> = errors(&out).iter().map(|p| located(p)).collect();
    at.sort();
    assert_eq!(
        at,
        [
            format!("{dir}/kustomization.yaml:10"),
            format!("{dir}/limits.yaml:10")
        ],
        "{:?}",
        out.problems
    );
    assert!(
        out.text.contains("\"9090\": monitoring/prometheus:9091"),
        "{}",
        out.text
    );
}

/// A tab among a block scalar's indentation (after the spaces of its first line, before the
/// indentation is known) fails go-yaml, so Kustomize refuses the file ("found a tab
/// character where an indentation space is expected"); a tab after the indentation is
/// content. runeguard's parser read the tab as content. Located at the tab.
#[test]
fn a_tab_among_a_block_scalars_indentation_is_a_problem() {
    let out = build("problems/block-scalar-tab");
    let dir = format!("{DATA}/problems/block-scalar-tab");
    let at: Vec<String> = errors(&out).iter().map(|p| located(p)).collect();
    assert_eq!(at, [format!("{dir}/tab.yaml:9")], "{:?}", out.problems);
    assert!(out.text.contains("\\techo built"), "{}", out.text);
}

/// A `!!binary` scalar that is no base64 fails Kustomize when it converts the object to
/// JSON ("!!binary value contains invalid base64 data"), unless a patch deletes the object
/// or it is an annotation (rewritten as the text written). runeguard built the text.
#[test]
fn binary_scalars_that_are_no_base64_are_problems_where_printed() {
    let out = build("problems/binary-invalid");
    let dir = format!("{DATA}/problems/binary-invalid");
    let at: Vec<String> = errors(&out).iter().map(|p| located(p)).collect();
    assert_eq!(at, [format!("{dir}/cm.yaml:9")], "{:?}", out.problems);
}

/// Label and annotation keys of a kustomization (`commonLabels`, `commonAnnotations`,
/// `labels` pairs, `generatorOptions`) that Kustomize reads as YAML 1.1 (`yes:`, `on:`,
/// `n:`) or writes plain into objects where go-yaml v3 reads them as another type (`"1":`,
/// and a transformer configuration's `"2024-01-01":`) fail Kustomize ("json: unsupported
/// type"). runeguard built them. Located at each key.
#[test]
fn label_keys_yaml_reads_as_other_types_are_problems() {
    let out = build("problems/label-key-types");
    let dir = format!("{DATA}/problems/label-key-types");
    let mut at: Vec<String> = errors(&out).iter().map(|p| located(p)).collect();
    at.sort();
    assert_eq!(
        at,
        [
            format!("{dir}/kustomization.yaml:11"),
            format!("{dir}/kustomization.yaml:14"),
            format!("{dir}/kustomization.yaml:5"),
            format!("{dir}/kustomization.yaml:8"),
            format!("{dir}/t.yaml:6"),
        ],
        "{:?}",
        out.problems
    );
}

/// kyaml splits a stream at lines starting with `---`: one with more than a comment after
/// it (`--- !!map`) fails ("invalid document separator"), and a directive ends up in a
/// part of its own, which fails. runeguard built both. Located at the line.
#[test]
fn separators_and_directives_kyaml_cannot_split_are_problems() {
    let out = build("problems/document-separator");
    let dir = format!("{DATA}/problems/document-separator");
    let mut at: Vec<String> = errors(&out).iter().map(|p| located(p)).collect();
    at.sort();
    assert_eq!(
        at,
        [
            format!("{dir}/directive.yaml:2"),
            format!("{dir}/tagged.yaml:5")
        ],
        "{:?}",
        out.problems
    );
}

/// Annotation keys Kustomize writes back as strings at the end, and the label and annotation
/// keys of a targeted patch or a patchesStrategicMerge entry, are written plain: quoted
/// `"1"`, `"3"`, `"true"` then read as a number or boolean and fail Kustomize. runeguard
/// built them. Located at each key.
#[test]
fn metadata_keys_written_back_plain_as_other_types_are_problems() {
    let out = build("problems/meta-key-types");
    let dir = format!("{DATA}/problems/meta-key-types");
    let mut at: Vec<String> = errors(&out).iter().map(|p| located(p)).collect();
    at.sort();
    assert_eq!(
        at,
        [
            format!("{dir}/cm.yaml:6"),
            format!("{dir}/kustomization.yaml:13"),
            format!("{dir}/kustomization.yaml:21"),
        ],
        "{:?}",
        out.problems
    );
}

/// A mapping key holding NEL fails Kustomize's printer (go-yaml v2 reads the raw NEL of
/// Go's JSON as a line break inside the key); a value holding one prints folded. runeguard
/// built it. Located at the entry.
#[test]
fn a_key_holding_nel_is_a_problem() {
    let out = build("problems/nel-key");
    let dir = format!("{DATA}/problems/nel-key");
    let at: Vec<String> = errors(&out).iter().map(|p| located(p)).collect();
    assert_eq!(at, [format!("{dir}/cm.yaml:7")], "{:?}", out.problems);
}

/// A raw line separator in a plain scalar with text after it on the line: go-yaml ends the
/// scalar at the break and fails on the rest ("could not find expected ':'"). runeguard
/// built it. Located at the value.
#[test]
fn a_separator_breaking_a_plain_scalar_is_a_problem() {
    let out = build("problems/separator-break");
    let dir = format!("{DATA}/problems/separator-break");
    let at: Vec<String> = errors(&out).iter().map(|p| located(p)).collect();
    assert_eq!(at, [format!("{dir}/cm.yaml:7")], "{:?}", out.problems);
}

/// A raw line separator in a comment with text after it: go-yaml ends the comment there
/// and fails on the text (a second comment after it is fine). runeguard built it. Located
/// at the separator.
#[test]
fn a_separator_breaking_a_comment_is_a_problem() {
    let out = build("problems/separator-comment");
    let dir = format!("{DATA}/problems/separator-comment");
    let at: Vec<String> = errors(&out).iter().map(|p| located(p)).collect();
    assert_eq!(at, [format!("{dir}/cm.yaml:7")], "{:?}", out.problems);
}

/// A scalar tagged `!!bool` that go-yaml v3 does not read as a boolean (`"yes"`) fails
/// Kustomize's conversion of the object to JSON. runeguard built it as a string. Located at
/// the value.
#[test]
fn a_tagged_scalar_of_another_type_is_a_problem() {
    let out = build("problems/tagged-scalar");
    let dir = format!("{DATA}/problems/tagged-scalar");
    let at: Vec<String> = errors(&out).iter().map(|p| located(p)).collect();
    assert_eq!(at, [format!("{dir}/cm.yaml:7")], "{:?}", out.problems);
}

/// A targeted patch with `allowNameChange` giving two objects one name fails at once in
/// Kustomize (its resource map is rebuilt after the patch), even when a later patch renames
/// one back; runeguard checked only at the end and built both (differential seed 78 case 9).
/// Located at the patch entry.
#[test]
fn objects_a_patch_renamed_to_one_id_are_a_problem_at_once() {
    let out = build("problems/duplicate-renamed-back");
    let e = errors(&out);
    assert!(!e.is_empty(), "{e:?}");
    assert_eq!(
        located(e[0]),
        format!("{DATA}/problems/duplicate-renamed-back/kustomization.yaml:4")
    );
    assert!(e[0].message.contains("same id"), "{}", e[0].message);
}

/// A `replicas` entry naming no Deployment, StatefulSet, ReplicaSet or ReplicationController
/// fails in Kustomize; runeguard ignored it.
#[test]
fn replicas_naming_nothing_scalable_is_a_problem() {
    let out = build("problems/replicas");
    let e = errors(&out);
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!(
        located(e[0]),
        format!("{DATA}/problems/replicas/kustomization.yaml:7")
    );
    // The other entry still applies.
    assert!(out.text.contains("replicas: 2"), "{}", out.text);
}

/// Kustomize makes no mapping above a JSON 6902 `add` ("doc is missing path"); a
/// `patches:` entry still adds under `metadata.annotations` (Kustomize's bookkeeping
/// annotations are there), `patchesJson6902` does not. runeguard created the missing maps.
#[test]
fn json_patch_add_below_a_missing_mapping_is_a_problem() {
    let out = build("problems/json-patch-paths");
    let e = errors(&out);
    let k = format!("{DATA}/problems/json-patch-paths/kustomization.yaml");
    let got: Vec<String> = e.iter().map(|p| located(p)).collect();
    assert_eq!(got, [format!("{k}:9"), format!("{k}:13")], "{e:?}");
    assert!(out.text.contains("ok: \"1\""), "{}", out.text);
    assert!(
        !out.text.contains("late") && !out.text.contains("spec"),
        "{}",
        out.text
    );
}

/// A name prefix configured on a field holding a mapping fails in Kustomize ("wrong node
/// kind: expected ScalarNode"); runeguard left such field specs out with a problem of
/// another kind. The names are still prefixed.
#[test]
fn a_name_prefix_on_a_mapping_is_a_problem() {
    let out = build("problems/prefix-map");
    let e = errors(&out);
    assert_eq!(e.len(), 2, "{e:?}");
    for p in &e {
        assert_eq!(
            located(p),
            format!("{DATA}/problems/prefix-map/kustomization.yaml:3")
        );
        assert!(p.message.contains("metadata/labels"), "{p:?}");
    }
    assert!(out.text.contains("name: p-web"), "{}", out.text);
}

/// Kustomize has one built-in schema (v1.21.2) and fails the build on any other
/// `openapi: version:`; runeguard built the overlay as if it were known.
#[test]
fn an_openapi_version_kustomize_lacks_is_a_problem() {
    let out = build("problems/openapi-version");
    let e = errors(&out);
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!(
        located(e[0]),
        format!("{DATA}/problems/openapi-version/kustomization.yaml:4")
    );
    assert!(out.text.contains("name: web"), "{}", out.text);
}

/// Kustomize decodes a kustomization into its Go types and refuses it whole when a value has
/// the wrong type (a string where a list or a number goes, a mapping where a list goes);
/// runeguard built such overlays. Every wrong value is located, once; an unknown
/// `buildMetadata` option is ignored as Kustomize ignores it.
#[test]
fn values_of_the_wrong_type_are_located_problems() {
    let out = build("problems/kust-types");
    let k = format!("{DATA}/problems/kust-types/kustomization.yaml");
    let got: Vec<String> = errors(&out).iter().map(|p| located(p)).collect();
    assert_eq!(
        got,
        [
            format!("{k}:3"),
            format!("{k}:7"),
            format!("{k}:10"),
            format!("{k}:14"),
            format!("{k}:18")
        ]
    );
    // Kustomize's `EnforceFields`: a Kustomization's apiVersion is v1beta1; `imageTags` is
    // the old name of `images`, not an unknown field.
    let out = build("problems/kust-kind");
    let got: Vec<String> = errors(&out).iter().map(|p| located(p)).collect();
    assert_eq!(
        got,
        [format!("{DATA}/problems/kust-kind/kustomization.yaml:1")]
    );
}

/// Kustomize merges a `labels` entry's `fields` with its default specs and fails on one of
/// the same path and kind with another `create` ("conflicting fieldspecs"); runeguard
/// applied both.
#[test]
fn labels_fields_conflicting_with_the_defaults_are_a_problem() {
    let out = build("problems/labels-conflict");
    let got: Vec<String> = errors(&out).iter().map(|p| located(p)).collect();
    assert_eq!(
        got,
        [format!(
            "{DATA}/problems/labels-conflict/kustomization.yaml:7"
        )]
    );
}

/// Kustomize decodes a kustomization and its `configurations:` files strictly: a field its
/// types do not have, at any depth, fails the build (`inventory:` too, since v5). Each is a
/// located error.
#[test]
fn unknown_fields_at_every_depth_are_located_errors() {
    let out = build("problems/strict");
    let kust = format!("{DATA}/problems/strict/kustomization.yaml");
    let config = format!("{DATA}/problems/strict/config.yaml");
    let mut got: Vec<String> = errors(&out)
        .iter()
        .filter(|p| p.message.contains("unknown field"))
        .map(|p| located(p))
        .collect();
    got.sort();
    let mut want = vec![
        format!("{config}:4"),
        format!("{config}:5"),
        format!("{kust}:12"),
        format!("{kust}:3"),
        format!("{kust}:8"),
    ];
    want.sort();
    assert_eq!(got, want, "{:?}", out.problems);
    // `newtag` is `newTag` to Go's decoder: not unknown, and applied.
    assert!(
        !out.problems.iter().any(|p| p.message.contains("newtag")),
        "{:?}",
        out.problems
    );
}

/// A finding on a whole container of an overlay's object points at the container's
/// `- name:` line in the file it came from (a base or a patch), not at its first printed key.
#[test]
fn list_elements_point_at_their_start_line() {
    let out = build("origins/overlay");
    let r = out.rendered.as_ref().expect("rendered");
    let base = format!("{DATA}/origins/base/deployment.yaml");
    // The container is printed `- image: nginx:1.27` (keys sorted); it starts at line 16.
    let at = out.text.find("- image: nginx:1.27").expect("container") + 2;
    let element = r.map.node_at(at).expect("the container is recorded");
    assert_eq!(
        (
            element.file.path.clone(),
            element.file.pos(element.span.start).line
        ),
        (base, 16)
    );
    // Its first key keeps its own line.
    assert_eq!(r.map.node_at(at + 1).map(|o| o.span), None);
}

/// Two objects the namespace transformer moves onto one id: Kustomize stops there
/// ("namespace transformation produces ID conflict"); located at `namespace:`.
#[test]
fn a_namespace_that_gives_two_objects_one_id_is_located() {
    let out = build("problems/namespace-conflict");
    let e = errors(&out);
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!(
        located(e[0]),
        format!("{DATA}/problems/namespace-conflict/kustomization.yaml:4")
    );
    assert!(
        e[0].message.contains("namespace transformation"),
        "{}",
        e[0].message
    );
}

/// A container a JSON 6902 `add` appends points at the patch's `value:` line (the element's
/// start in the file it came from), and one added inside a new list at its `- name:` line.
#[test]
fn json_patch_added_elements_point_at_their_value() {
    let out = build("json-patch-add-element");
    assert!(out.problems.is_empty(), "{:?}", out.problems);
    let r = out.rendered.as_ref().expect("rendered");
    let dir = format!("{DATA}/json-patch-add-element");
    let start = |printed: &str, nth: usize| {
        let at = out
            .text
            .match_indices(printed)
            .nth(nth)
            .unwrap_or_else(|| panic!("{printed:?} printed"))
            .0
            + 2;
        let o = r.map.node_at(at).expect("the element is recorded");
        (o.file.path.clone(), o.file.pos(o.span.start).line)
    };
    assert_eq!(
        start("- image: busybox:1.36", 0),
        (format!("{dir}/add-sidecar.yaml"), 3)
    );
    assert_eq!(
        start("- image: busybox:1.36", 1),
        (format!("{dir}/kustomization.yaml"), 14)
    );
}

/// A finding on a value a kustomization's transformer or generator set, checked end to end,
/// points at the line that set it: `namespace:`, the `images` entry, the `replicas` count,
/// a generator's literal, an env file's line, the field a `replacements` entry copied; each
/// credential is masked in the output.
#[test]
fn findings_on_transformed_values_point_at_the_kustomization() {
    let dir = Path::new(DATA).join("finding-origins");
    let (v, code) = common::json_check(
        &dir,
        &["--select", "K8S-015,K8S-019,K8S-036,K8S-041", "overlay"],
    );
    assert_eq!(code, 1, "{v}");
    let k = "overlay/kustomization.yaml".to_string();
    let mut got: Vec<(String, String, u64, String)> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap_or("").to_string(),
                f["file"].as_str().unwrap_or("").to_string(),
                f["start_line"].as_u64().unwrap_or(0),
                f["message"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    got.sort();
    let at: Vec<(&str, &str, u64)> = got
        .iter()
        .map(|(r, f, l, _)| (r.as_str(), f.as_str(), *l))
        .collect();
    assert_eq!(
        at,
        [
            // The replacement's source field (busybox:latest), the images entry's `newTag: latest`.
            ("K8S-015", "base/settings.yaml", 6),
            ("K8S-015", k.as_str(), 7),
            // `namespace: default`.
            ("K8S-019", k.as_str(), 4),
            // The env file's line, the literal's line.
            ("K8S-036", "overlay/creds.env", 1),
            ("K8S-036", k.as_str(), 14),
            // `count: 1`.
            ("K8S-041", k.as_str(), 10),
        ],
        "{got:#?}"
    );
    assert!(got[0].3.contains("busybox:latest"), "{}", got[0].3);
    let text = v.to_string();
    for secret in ["Zq8vR2kLp0Xw7TnB4mYc", "Xq7vT2kLp9Xw3TnB8mYd"] {
        assert!(!text.contains(secret), "{text}");
    }
}

/// A finding on a field a `replacements` entry wrote points at the source field it copied
/// (the line a person changes), also when `delimiter`/`index` take a part of it; the entry's
/// `source:` and `targets:` lines and the target's own line are related. A suppression
/// comment on the source line applies, and the credential copied is masked everywhere.
#[test]
fn findings_on_replaced_values_point_at_the_source_field() {
    let dir = Path::new(DATA).join("replacement-sources");
    let (v, code) = common::json_check(&dir, &["--select", "K8S-015,K8S-017,K8S-036", "overlay"]);
    assert_eq!(code, 1, "{v}");
    let (settings, deployment, k) = (
        "base/settings.yaml",
        "base/deployment.yaml",
        "overlay/kustomization.yaml",
    );
    let at = |f: &Value| {
        (
            f["rule_id"].as_str().unwrap_or("").to_string(),
            f["file"].as_str().unwrap_or("").to_string(),
            f["start_line"].as_u64().unwrap_or(0),
            f["start_column"].as_u64().unwrap_or(0),
            !f["suppression"].is_null(),
        )
    };
    let mut got: Vec<_> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(at)
        .collect();
    got.sort();
    let want = |r: &str, f: &str, l, c, s| (r.to_string(), f.to_string(), l, c, s);
    assert_eq!(
        got,
        [
            // The side image, the suppressed tool image, the tag part of `tags`
            // (delimiter and index: the part's own column, `latest` inside the quotes),
            // the second line of the literal block `mirrors` (split at line breaks).
            want("K8S-015", settings, 6, 3, false),
            want("K8S-015", settings, 8, 3, true),
            want("K8S-015", settings, 9, 15, false),
            want("K8S-015", settings, 13, 5, false),
            // The password copied into the env value, and the ConfigMap's own.
            want("K8S-017", settings, 10, 3, false),
            want("K8S-036", settings, 10, 3, false),
        ],
        "{v:#}"
    );
    let related = |line: u64| -> Vec<(String, String, u64)> {
        let f = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule_id"] == "K8S-015" && f["start_line"] == line)
            .expect("finding");
        common::related_of(f)
    };
    let rel = |r: &str, f: &str, l| (r.to_string(), f.to_string(), l);
    assert_eq!(
        related(6),
        [
            rel("kustomization", k, 5),
            rel("kustomization", k, 9),
            rel("kustomization", "base/kustomization.yaml", 2),
            rel("kustomization", k, 3),
            rel("target", deployment, 22),
            rel("rendered", "overlay", 36),
        ],
        "{v:#}"
    );
    assert_eq!(
        related(9)[..3],
        [
            rel("kustomization", k, 23),
            rel("kustomization", k, 30),
            rel("kustomization", "base/kustomization.yaml", 2),
        ],
        "{v:#}"
    );
    assert!(related(9).contains(&rel("target", deployment, 20)), "{v:#}");
    // No note about the comment: it suppressed the tool image's finding.
    assert!(v["problems"].as_array().is_none_or(Vec::is_empty), "{v:#}");
    let secret = "Xk9vQ2mLp7Rw4TnB8sYeUd";
    assert!(!v.to_string().contains(secret), "{v:#}");
    for format in ["sarif", "text", "html", "junit"] {
        let out = common::rg()
            .current_dir(&dir)
            .args([
                "check",
                "--format",
                format,
                "--select",
                "K8S-017,K8S-036",
                "overlay",
            ])
            .output()
            .expect("runs");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(!text.contains(secret), "{format}: {text}");
        if format == "sarif" {
            let s: Value = serde_json::from_str(&text).expect("sarif");
            let r = s["runs"][0]["results"]
                .as_array()
                .expect("results")
                .iter()
                .find(|r| r["ruleId"] == "K8S-017")
                .expect("K8S-017");
            let uris: Vec<(&str, u64)> = r["relatedLocations"]
                .as_array()
                .expect("relatedLocations")
                .iter()
                .map(|l| {
                    (
                        l["physicalLocation"]["artifactLocation"]["uri"]
                            .as_str()
                            .unwrap_or(""),
                        l["physicalLocation"]["region"]["startLine"]
                            .as_u64()
                            .unwrap_or(0),
                    )
                })
                .collect();
            assert!(uris.contains(&(deployment, 27)), "{uris:?}");
            assert!(uris.contains(&(k, 38)), "{uris:?}");
        }
    }
}

/// Findings through the overlays of public setups outside the corpus land where a person
/// changes the value: a patch's line (inline in the kustomization), the base line, the
/// generator literal, the `images` entry, and a chart's values line with the
/// `valuesInline` line that gave the tag related (it was dropped: the chart's stream kept
/// only the first origin of each value). The Redis password from `valuesInline` never
/// appears.
#[test]
fn findings_through_public_setups_point_where_values_are_written() {
    let at = common::findings_at;
    let want = |r: &str, f: &str, l, c| (r.to_string(), f.to_string(), l, c);

    let flux = Path::new(DATA).join("flux-system/clusters/production");
    let (v, code) = common::json_check(&flux, &["--select", "K8S-015,K8S-016", "flux-system"]);
    assert_eq!(code, 1, "{v}");
    let (k, components) = (
        "flux-system/kustomization.yaml",
        "flux-system/gotk-components.yaml",
    );
    assert_eq!(
        at(&v),
        [
            // The image a JSON patch selected by a set-based label selector replaced.
            want("K8S-015", k, 48, 7),
            want("K8S-016", components, 268, 9),
            want("K8S-016", components, 352, 9),
            want("K8S-016", k, 48, 7),
        ],
        "{v:#}"
    );

    let bundle = Path::new(DATA).join("crd-bundle");
    let (v, code) = common::json_check(&bundle, &["--select", "K8S-016,K8S-023,K8S-035", "bundle"]);
    assert_eq!(code, 1, "{v}");
    assert_eq!(
        at(&v),
        [
            // The webhook container from the patch that replaced the list (the openapi
            // schema took the Deployment's merge keys away).
            want("K8S-016", "bundle/kustomization.yaml", 75, 13),
            want("K8S-023", "bundle/kustomization.yaml", 74, 13),
            // The generated TLS key's literal is the word `placeholder` (a value written
            // only to be replaced, session wild57): not reported. Generator literals' positions
            // stay checked through kube-prometheus' env file below.
        ],
        "{v:#}"
    );

    let argocd = Path::new(DATA).join("argocd-install");
    let (v, code) =
        common::json_check(&argocd, &["--select", "K8S-015,K8S-016,K8S-026", "overlay"]);
    assert_eq!(code, 1, "{v}");
    let values = "overlay/charts/redis-ha/values.yaml";
    assert_eq!(
        at(&v),
        [
            want("K8S-015", values, 2, 3),
            want("K8S-016", values, 2, 3),
            want("K8S-016", "overlay/kustomization.yaml", 12, 3),
            want("K8S-026", "overlay/kustomization.yaml", 52, 7),
        ],
        "{v:#}"
    );
    let tag = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule_id"] == "K8S-015")
        .expect("K8S-015");
    assert!(
        tag["related"].as_array().expect("related").iter().any(|r| {
            r["file"] == "overlay/kustomization.yaml"
                && r["start_line"] == 25
                && r["role"] == "values"
        }),
        "{tag:#}"
    );
    let out = common::rg()
        .current_dir(&argocd)
        .args(["render", "overlay"])
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("value: \"********\""), "{text}");
    assert!(!text.contains("Sup3rS3cretRedisPassw0rd"), "{text}");
}

/// Findings through a multi-environment app (components, a local cluster-settings
/// ConfigMap copied into Ingress hosts by replacements) land on the exact file, line and
/// column a person edits: the strategic-merge patch's env value, the JSON 6902 patch's
/// image, the replacement source field (the admin host no tls entry covers), the
/// generator's literal and env-file line, the base's Service type, the overlay's `replicas`
/// count and `images` entry. No credential appears in the report.
#[test]
fn findings_through_a_multi_environment_app_point_where_values_are_written() {
    let at = common::findings_at;
    let want = |r: &str, f: &str, l, c| (r.to_string(), f.to_string(), l, c);
    let dir = Path::new(DATA).join("multi-env");
    let (v, code) = common::json_check(
        &dir,
        &[
            "--select",
            "K8S-015,K8S-016,K8S-017,K8S-025,K8S-027,K8S-036",
            "overlays/production",
        ],
    );
    assert_eq!(code, 1, "{v}");
    let (k, patches) = (
        "overlays/production/kustomization.yaml",
        "overlays/production/patches",
    );
    assert_eq!(
        at(&v),
        [
            want("K8S-015", &format!("{patches}/exporter-image.yaml"), 3, 3),
            want("K8S-016", &format!("{patches}/exporter-image.yaml"), 3, 3),
            want("K8S-017", &format!("{patches}/deployment.yaml"), 14, 11),
            want("K8S-025", "base/service.yaml", 6, 3),
            want("K8S-027", "base/cluster-settings.yaml", 11, 3),
            want("K8S-036", "overlays/production/app.env", 2, 1),
            want("K8S-036", k, 25, 5),
        ],
        "{v:#}"
    );
    // The host's replacement entry and the Ingress line it wrote are related.
    let host = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule_id"] == "K8S-027")
        .expect("K8S-027");
    let related = common::related_of(host);
    let rel = |r: &str, f: &str, l| (r.to_string(), f.to_string(), l);
    assert!(
        related.contains(&rel("kustomization", k, 50)),
        "{related:?}"
    );
    assert!(
        related.contains(&rel("target", "base/ingress.yaml", 34)),
        "{related:?}"
    );
    let text = v.to_string();
    for secret in [
        "Hq3vT8kLp2Xw6TnB9mYz",
        "Vr7kQ2xLm9Pw4TnB6sYe",
        "tk_live_Qm4xN8vR2pL7sW9zB3cY",
    ] {
        assert!(!text.contains(secret), "{text}");
    }

    let (v, code) = common::json_check(&dir, &["--select", "K8S-016,K8S-041", "overlays/staging"]);
    assert_eq!(code, 1, "{v}");
    let k = "overlays/staging/kustomization.yaml";
    assert_eq!(
        at(&v),
        [
            // The exporter image from the base, the app's from the `images` entry.
            want("K8S-016", "base/deployment.yaml", 32, 9),
            want("K8S-016", k, 23, 3),
            // `count: 1`.
            want("K8S-041", k, 15, 3),
        ],
        "{v:#}"
    );
}

/// Findings and origins through a kube-prometheus-style tree of 106 files land on the file,
/// line and column a person edits: the base manifest among the hundred (hostNetwork,
/// hostPID), the strategic-merge patch's hostPort, the JSON 6902 patch's wildcards (each at
/// its own column of the one-line JSON), the secret generator's env-file line; a field a
/// replacement wrote points at the generator literal it copied, the `images` entry that
/// retagged a custom resource at that entry. The admin password never appears.
#[test]
fn findings_through_a_jsonnet_output_tree_point_where_values_are_written() {
    let at = common::findings_at;
    let want = |r: &str, f: &str, l, c| (r.to_string(), f.to_string(), l, c);
    let dir = Path::new(DATA).join("kube-prometheus");
    let (v, code) = common::json_check(
        &dir,
        &[
            "--select",
            "K8S-008,K8S-009,K8S-012,K8S-030,K8S-035",
            "overlay",
        ],
    );
    assert_eq!(code, 1, "{v}");
    let node_exporter = "upstream/manifests/node-exporter-daemonSet.yaml";
    let rbac = "overlay/patches/ksm-rbac.json";
    assert_eq!(
        at(&v),
        [
            want("K8S-008", node_exporter, 59, 7),
            want("K8S-009", node_exporter, 60, 7),
            want("K8S-012", "overlay/patches/node-exporter.yaml", 13, 11),
            want("K8S-030", rbac, 2, 61),
            want("K8S-030", rbac, 2, 81),
            want("K8S-035", "overlay/grafana.env", 2, 1),
        ],
        "{v:#}"
    );
    assert!(!v.to_string().contains("Zt5wP9mKq2Lx7VbN3cRd"), "{v:#}");

    let out = build("kube-prometheus/overlay");
    assert!(out.problems.is_empty(), "{:?}", out.problems);
    let kust = format!("{DATA}/kube-prometheus/overlay/kustomization.yaml");
    // The generator literal `CLUSTER=prod-eu` a replacement copied into a ServiceMonitor.
    assert_eq!(
        origin_of(&out, "replacement: prod-eu", 0),
        (kust.clone(), 46, OriginRole::Base)
    );
    // The Prometheus image retagged through the `images` configuration.
    assert_eq!(
        origin_of(&out, "image: quay.io/prometheus/prometheus:v2.54.2", 0),
        (kust.clone(), 17, OriginRole::Kustomization)
    );
    // The inline JSON patch's label on every PrometheusRule its regex name selects.
    assert_eq!(
        origin_of(&out, "tenant: platform", 7),
        (kust, 33, OriginRole::Patch)
    );
    assert!(!out.text.contains("Zt5wP9mKq2Lx7VbN3cRd"), "{}", out.text);
}

/// Findings through a platform-infrastructure tree (cert-manager base, ingress-nginx from a
/// local chart, components, a cluster overlay) land on the exact file, line and column a
/// person edits: the strategic-merge patch's `hostNetwork`, the JSON 6902 patch's image
/// value, the cluster-settings field a replacement copied into the chart's Service (with
/// the replacement and the chart's values line related), the literal of a generator merged
/// into the base's, and the base's RBAC wildcard and image. The credential-like literal
/// never appears in the report.
#[test]
fn findings_through_a_platform_infrastructure_tree_point_where_values_are_written() {
    let at = common::findings_at;
    let want = |r: &str, f: &str, l, c| (r.to_string(), f.to_string(), l, c);
    let dir = Path::new(DATA).join("platform-infra");
    let (v, code) = common::json_check(
        &dir,
        &[
            "--select",
            "K8S-008,K8S-016,K8S-025,K8S-030,K8S-036",
            "clusters/production",
        ],
    );
    assert_eq!(code, 1, "{v}");
    let k = "clusters/production/kustomization.yaml";
    let patches = "clusters/production/patches";
    assert_eq!(
        at(&v),
        [
            // Strategic merge patch: `hostNetwork: true`.
            want(
                "K8S-008",
                &format!("{patches}/webhook-host-network.yaml"),
                11,
                7
            ),
            // JSON 6902 patch: the `value:` of the image replace.
            want("K8S-016", &format!("{patches}/controller-image.yaml"), 3, 3),
            // Base: the webhook's image.
            want("K8S-016", "infrastructure/cert-manager/webhook.yaml", 23, 9),
            // Replacement: the source field `ingressServiceType: NodePort`.
            want(
                "K8S-025",
                "clusters/production/cluster-settings.yaml",
                11,
                3
            ),
            // Base: the `"*"` of the ClusterRole's verbs.
            want("K8S-030", "infrastructure/cert-manager/rbac.yaml", 18, 11),
            // Generator literal of the overlay's `behavior: merge`.
            want("K8S-036", k, 20, 5),
        ],
        "{v:#}"
    );
    let service = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule_id"] == "K8S-025")
        .expect("K8S-025");
    let related = common::related_of(service);
    let rel = |r: &str, f: &str, l| (r.to_string(), f.to_string(), l);
    // The replacement's `source:` and `targets:` lines, and the chart's values line the
    // Service type had before.
    assert!(
        related.contains(&rel("kustomization", k, 48)),
        "{related:?}"
    );
    assert!(
        related.contains(&rel("kustomization", k, 52)),
        "{related:?}"
    );
    assert!(
        related.contains(&rel("target", "charts/ingress-nginx/values.yaml", 12)),
        "{related:?}"
    );
    assert!(!v.to_string().contains("wJalrXUtnFEMI"), "{v:#}");

    let out = build("platform-infra/clusters/production");
    assert!(out.problems.is_empty(), "{:?}", out.problems);
    let settings = format!("{DATA}/platform-infra/clusters/production/cluster-settings.yaml");
    // Replaced fields point at the settings they copied: the ClusterIssuer's email, and the
    // ingress class written into one part of a chart-rendered argument (delimiter, index).
    assert_eq!(
        origin_of(&out, "email: platform-team@corp.example", 0),
        (settings.clone(), 9, OriginRole::Base)
    );
    assert_eq!(
        origin_of(&out, "--ingress-class=public", 0),
        (settings.clone(), 12, OriginRole::Base)
    );
    assert_eq!(
        origin_of(&out, "ingressClassName: public", 0),
        (settings, 12, OriginRole::Base)
    );
    // The generator literal the overlay merged over the base's.
    assert_eq!(
        origin_of(&out, "LOG_LEVEL: \"4\"", 0),
        (format!("{DATA}/platform-infra/{k}"), 19, OriginRole::Base)
    );
    // The JSON 6902 patch's appended argument.
    assert_eq!(
        origin_of(&out, "--enable-ssl-passthrough", 0),
        (
            format!("{DATA}/platform-infra/{patches}/controller-image.yaml"),
            6,
            OriginRole::Patch
        )
    );
}

/// Compares one case folder's build with its `expected.yaml` (written by kubectl kustomize
/// v5.8.1), with no problem.
fn assert_same_as_kubectl(case: &str) {
    let out = build(case);
    assert!(out.problems.is_empty(), "{case}: {:?}", out.problems);
    let expected =
        std::fs::read_to_string(Path::new(DATA).join(case).join("expected.yaml")).unwrap();
    let (got, want) = (docs(&out.text), docs(&expected));
    assert_eq!(
        got.len(),
        want.len(),
        "{case}: document count\n{}",
        out.text
    );
    for (i, (g, w)) in got.iter().zip(&want).enumerate() {
        assert_eq!(g, w, "{case}: document {i}\n{}", out.text);
    }
}

/// `vars` are replaced where Kustomize's built-in `varReference` table says, and only there
/// (found in kubeflow's jupyter web app base, whose Service annotation holds `$(JWA_PREFIX)`):
/// every object's own labels and annotations, Service ports, volume mount paths, NFS
/// servers, Ingress TLS secret names, a Deployment's pod template annotations; not a
/// StatefulSet's pod template annotations, nor pod template labels, nor a custom resource's
/// containers. runeguard replaced only in containers' command, args and env values (of any
/// kind, custom resources included) and Ingress hosts.
#[test]
fn vars_follow_kustomizes_var_reference_table() {
    assert_same_as_kubectl("var-reference-table");
}

/// A field spec path of a `configurations:` file reads `\/` as a `/` inside one field (an
/// annotation key: `metadata/annotations/backup.example.org\/secret`), as Kustomize's
/// `PathSplitter` does (kubeflow's `getambassador.io\/config` var reference). runeguard split
/// there, so the nameReference, commonLabels and varReference specs reached nothing.
#[test]
fn field_spec_paths_keep_escaped_slashes() {
    assert_same_as_kubectl("escaped-spec-path");
}

/// A `configurations:` field spec whose path Kustomize cannot follow in an object it selects
/// fails the build: a list index met at a mapping (`containers/0/env/1/value`), a path going
/// on past a scalar (`containers/image/registry`). runeguard applied nothing there and built
/// on without a word.
#[test]
fn field_spec_paths_kustomize_cannot_follow_are_problems() {
    let out = build("problems/spec-path-index");
    let e = errors_at(
        &out,
        &[
            format!("{DATA}/problems/spec-path-index/kustomization.yaml:6"),
            format!("{DATA}/problems/spec-path-index/kustomization.yaml:8"),
        ],
    );
    assert!(
        e[0].message.contains("containers/0/env/1/value"),
        "{}",
        e[0].message
    );
    assert!(
        e[1].message.contains("containers/image/registry"),
        "{}",
        e[1].message
    );
}

/// The same for a `varReference` spec with list indices (kubeflow's old jupyter web app
/// base, written for kustomize v3): Kustomize v5 fails the build at the var transformer;
/// the problem is at the first var.
#[test]
fn var_reference_paths_with_list_indices_are_problems() {
    let out = build("problems/spec-path-var-index");
    let e = errors_at(
        &out,
        &[format!(
            "{DATA}/problems/spec-path-var-index/kustomization.yaml:6"
        )],
    );
    assert!(
        e[0].message.contains("containers/0/env/0/value"),
        "{}",
        e[0].message
    );
}

/// A var's objref is matched by group, version and kind exactly, as Kustomize's
/// `GvknEquals`: `group` and `version` fields name it as well as `apiVersion` (kubeflow's
/// admission webhook names its Certificate so), and an objref without a version names
/// nothing, so Kustomize fails the build. runeguard matched any version when `apiVersion`
/// was missing.
#[test]
fn var_objrefs_match_group_and_version_exactly() {
    assert_same_as_kubectl("var-objref-fields");
    let out = build("problems/var-objref-no-version");
    let e = errors_at(
        &out,
        &[format!(
            "{DATA}/problems/var-objref-no-version/kustomization.yaml:7"
        )],
    );
    assert!(e[0].message.contains("no version"), "{}", e[0].message);
}

/// A var whose field holds a list or map (`spec.ports`) is left as `$(VAR)` where it is used
/// and the build goes on, as Kustomize does ("bad replacement type", logged); runeguard
/// refused the build ("has no field").
#[test]
fn vars_of_lists_or_maps_are_left_as_written() {
    assert_same_as_kubectl("var-non-scalar");
}

/// In a build with `buildMetadata`, Kustomize's origin bookkeeping rewrites an object's
/// annotation map after each transformer, so a replacement into `metadata.annotations`
/// leaves the pod template's `commonAnnotations` pair as it was, and the other way round.
/// runeguard wrote both, as they are one node without the bookkeeping (differential seed
/// 152 case 127).
#[test]
fn replacements_after_origin_bookkeeping_write_one_annotation() {
    assert_same_as_kubectl("replacement-unshared-annotations");
}

/// A finding on a value a var wrote points at the field the var read (the generator literal
/// holding the password), as one on a replacement's value does, with the var's entry and
/// the `$(VAR)` field's own line related; it pointed at the `$(VAR)` line.
#[test]
fn findings_on_var_values_point_at_the_source_field() {
    let dir = Path::new(DATA).join("var-sources");
    let (v, code) = common::json_check(&dir, &["--select", "K8S-017,K8S-036", "."]);
    assert_eq!(code, 1, "{v}");
    let mut got: Vec<(String, String, u64, u64)> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap_or("").to_string(),
                f["file"].as_str().unwrap_or("").to_string(),
                f["start_line"].as_u64().unwrap_or(0),
                f["start_column"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    got.sort();
    let k = "kustomization.yaml";
    assert_eq!(
        got,
        [
            ("K8S-017".to_string(), k.to_string(), 7, 5),
            ("K8S-036".to_string(), k.to_string(), 7, 5),
        ],
        "{v:#}"
    );
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule_id"] == "K8S-017")
        .unwrap();
    let related = common::related_of(f);
    let rel = |r: &str, f: &str, l| (r.to_string(), f.to_string(), l);
    assert_eq!(
        related[..3],
        [
            rel("kustomization", k, 10),
            rel("kustomization", k, 3),
            rel("target", "deployment.yaml", 13),
        ],
        "{related:?}"
    );
}

/// A var fieldpath with a `[key=value]` selector glued to a field name
/// (`containers[name=api].image`) finds nothing in Kustomize, whose var lookup turns only
/// `name[N]` into an index, so the build fails; runeguard selected the element. The same
/// selector as its own part (`containers.[name=api].image`) selects in both.
#[test]
fn var_fieldpaths_with_glued_selectors_are_problems() {
    let out = build("problems/var-glued-selector");
    let e = errors_at(
        &out,
        &[format!(
            "{DATA}/problems/var-glued-selector/kustomization.yaml:10"
        )],
    );
    assert!(e[0].message.contains("IMAGE"), "{}", e[0].message);
}

/// The same for `images` and `replicas` field specs (a replicas spec only where an object
/// of the entry's name is): Kustomize fails at each transformer.
#[test]
fn image_and_replica_spec_paths_kustomize_cannot_follow_are_problems() {
    let out = build("problems/spec-path-index-images");
    let e = errors_at(
        &out,
        &[
            format!("{DATA}/problems/spec-path-index-images/kustomization.yaml:6"),
            format!("{DATA}/problems/spec-path-index-images/kustomization.yaml:9"),
        ],
    );
    assert!(
        e[0].message.contains("an `images` field spec"),
        "{}",
        e[0].message
    );
    assert!(
        e[1].message.contains("a `replicas` field spec"),
        "{}",
        e[1].message
    );
}

/// The `namespace` table: a `configurations:` spec reaching a list (or a mapping, or going
/// on past a scalar) fails Kustomize's namespace transformer ("namespace field specs must
/// target scalar nodes"; measured with kubectl kustomize v5.8). runeguard set the namespace
/// into each container and built on; the problem is at `namespace:`.
#[test]
fn namespace_spec_paths_kustomize_cannot_follow_are_problems() {
    let out = build("problems/spec-path-namespace");
    let e = errors_at(
        &out,
        &[format!(
            "{DATA}/problems/spec-path-namespace/kustomization.yaml:1"
        )],
    );
    assert!(
        e[0].message.contains("spec/template/spec/containers")
            && e[0].message.contains("expected ScalarNode"),
        "{}",
        e[0].message
    );
}

/// The `nameReference` table: a `configurations:` spec Kustomize cannot follow in an object
/// it selects fails the build, whether or not anything is renamed ("updating name
/// reference in … field of …"; measured). runeguard built silently; the problem is at the
/// spec's `path` in the configuration file.
#[test]
fn name_reference_spec_paths_kustomize_cannot_follow_are_problems() {
    let out = build("problems/spec-path-name-reference");
    let e = errors_at(
        &out,
        &[format!(
            "{DATA}/problems/spec-path-name-reference/config.yaml:6"
        )],
    );
    assert!(
        e[0].message.contains("containers/0/env/0/value") && e[0].message.contains("nameReference"),
        "{}",
        e[0].message
    );
}

/// A `nameReference` spec reaching a mapping names the object by its `name`, as a binding's
/// subject does: the name follows the prefix and the mapping gets the object's namespace;
/// one giving another namespace stays (measured). runeguard followed only text fields.
#[test]
fn name_reference_specs_at_mappings_rename_like_subjects() {
    assert_same_as_kubectl("name-reference-mappings");
}

/// The `varReference` table is merged as Kustomize merges its field spec tables (the
/// built-in specs with the `configurations:` files', sorted, into the accumulated table): a
/// spec of a path already there for kinds it selects is dropped, so a field the built-in
/// table and a file both name is replaced once (`$$(VAR)` prints `$(VAR)`), a spec for every
/// kind after a kind-specific one of that path reaches nothing more, and only another path
/// to the same field replaces it twice (measured with kubectl kustomize v5.8). runeguard
/// applied the built-in specs and then every file's, replacing such fields twice.
#[test]
fn var_reference_specs_merge_as_kustomize_merges_them() {
    assert_same_as_kubectl("var-reference-merge");
}

/// A `varReference` spec with another `create` than one of its path already there fails
/// the merge ("failed to merge VarReference fieldSpec: conflicting fieldspecs"); runeguard
/// built on.
#[test]
fn var_reference_specs_with_another_create_are_problems() {
    let out = build("problems/var-reference-conflict");
    let e = errors_at(
        &out,
        &[format!(
            "{DATA}/problems/var-reference-conflict/config.yaml:2"
        )],
    );
    assert!(e[0].message.contains("VarReference"), "{}", e[0].message);
}

/// A `nameReference` entry's `group` and `version` select the objects it names, as its
/// kind does (Kustomize matches the referral's group, version and kind; measured: an entry
/// for Issuers of another group, or ConfigMaps of version v2, renames nothing). runeguard
/// read only the kind (found in a cert-manager `kustomizeconfig.yaml` naming Issuers of
/// `cert-manager.io`).
#[test]
fn name_reference_entries_select_the_group_and_version_named() {
    assert_same_as_kubectl("name-reference-target-gvk");
}

/// The `namespace` table is merged as the other field spec tables are (the defaults with
/// the `configurations:` files' specs, sorted, into the accumulated table): a spec for
/// every kind of the built-in CRD conversion service path is dropped, so a custom kind's
/// field of that path keeps its namespace (measured with kubectl kustomize v5.8).
/// runeguard applied the defaults and every file's spec.
#[test]
fn namespace_specs_merge_as_kustomize_merges_them() {
    assert_same_as_kubectl("namespace-table-merge");
}

/// A `namespace` spec with another `create` than the built-in one of its path fails the
/// merge ("failed to merge NameSpace fieldSpec: conflicting fieldspecs"); runeguard built.
#[test]
fn namespace_specs_with_another_create_are_problems() {
    let out = build("problems/namespace-spec-conflict");
    let e = errors_at(
        &out,
        &[format!(
            "{DATA}/problems/namespace-spec-conflict/config.yaml:2"
        )],
    );
    assert!(e[0].message.contains("NameSpace"), "{}", e[0].message);
}

/// With `valuesInline` (merged by `override` or `merge`), Kustomize reads the chart's values
/// file itself (kyaml, YAML 1.2) and writes it back merged, so Helm reads its `y`, `on` and
/// `no` as the text kyaml wrote; under `replace`, or without `valuesInline`, Helm alone reads
/// the file and they are YAML 1.1 booleans (measured with kubectl kustomize v5.8). runeguard
/// read them as booleans every time (`hosts: [api, y]` rendered `["api",true]`).
#[test]
fn chart_values_files_kustomize_rewrites_keep_yaml11_booleans_as_text() {
    assert_same_as_kubectl("helm-values-rewritten");
}

/// A `replicas` spec with another `create` than a default of its path (`spec/replicas` for
/// every kind, without `create`) fails Kustomize's merge of the replicas table ("failed to
/// merge Replicas fieldSpec: conflicting fieldspecs"; measured), located at the spec.
/// runeguard merged it silently.
#[test]
fn replica_specs_with_another_create_are_problems() {
    let out = build("problems/replicas-spec-conflict");
    let e = errors_at(
        &out,
        &[format!(
            "{DATA}/problems/replicas-spec-conflict/config.yaml:2"
        )],
    );
    assert!(e[0].message.contains("Replicas"), "{}", e[0].message);
}

/// Kustomize's `images` table is merged as its other tables: the built-in specs (which also
/// retag image volumes' `image/reference`, Kubernetes 1.31) with the `configurations:` files'
/// specs, sorted, into the accumulated table. A spec of a default's path for every kind is
/// dropped (no image retagged twice), and one kind's spec of a default's path with `create`
/// sorts first and drops the default for every other kind (measured with kubectl kustomize
/// v5.8: a `tagSuffix` is added once more to Jobs' images only). runeguard added every spec
/// to the defaults and knew no image volumes.
#[test]
fn images_specs_merge_as_kustomize_merges_them() {
    assert_same_as_kubectl("images-table");
}

/// An `images` spec with another `create` than a default of its path fails Kustomize's merge
/// ("failed to merge Images fieldSpec: conflicting fieldspecs"; measured), located at the
/// spec. runeguard applied it.
#[test]
fn images_specs_with_another_create_are_problems() {
    let out = build("problems/images-spec-conflict");
    let e = errors_at(
        &out,
        &[format!(
            "{DATA}/problems/images-spec-conflict/config.yaml:2"
        )],
    );
    assert!(e[0].message.contains("Images"), "{}", e[0].message);
}

/// A values file Kustomize rewrites (`valuesInline` under `override` or `merge`) keeps a
/// mapping key written as a YAML 1.1 boolean (`on:`, `Off:`, `y:`) as text, and Helm still
/// reads the chart's values.yaml as its defaults with that key as `"true"`/`"false"`: the
/// values hold both (measured with kubectl kustomize v5.8). runeguard read the key as a
/// boolean only.
#[test]
fn chart_values_files_kustomize_rewrites_keep_yaml11_boolean_keys_as_text() {
    assert_same_as_kubectl("helm-values-rewritten-keys");
}

/// A `NamespaceTransformer` configuration sets each namespaced object's namespace and the
/// fields of its own `fieldSpecs` only, not those of the `configurations:` files (measured
/// with kubectl kustomize v5.8; found in kueue's `config/default`, whose transformer moves a
/// RoleBinding to kube-system while kubebuilder's CRD conversion spec is configured).
/// runeguard set the configured tables' fields and ignored the transformer's own specs.
#[test]
fn namespace_transformers_set_their_own_field_specs_only() {
    assert_same_as_kubectl("namespace-transformer-own-specs");
}

/// An APIService names its Service by `spec/service/name` alone: after a
/// `NamespaceTransformer` of `transformers:` moved the Service, the name follows (the
/// prefix) and the namespace stays as written, while a RoleBinding's subject follows both
/// (measured with kubectl kustomize v5.8; found in kueue's `config/default`). runeguard
/// moved the APIService's namespace too.
#[test]
fn apiservice_name_references_follow_the_service_name_only() {
    assert_same_as_kubectl("apiservice-service-namespace");
}

/// Kustomize merges the `nameReference` table as its others: a spec of a path already there
/// for the kinds it selects (in the entry naming the same group, version and kind) is
/// dropped, and one differing only in `create` fails the build ("failed to merge
/// NameReference fieldSpec: conflicting fieldspecs", measured with kubectl kustomize v5.8),
/// between two entries of one file, two files, or a base's file and an overlay's.
/// runeguard kept every spec and built.
#[test]
fn name_reference_specs_with_another_create_are_problems() {
    let out = build("problems/name-reference-spec-conflict");
    let e = errors_at(
        &out,
        &[format!(
            "{DATA}/problems/name-reference-spec-conflict/more-names.yaml:8"
        )],
    );
    assert!(e[0].message.contains("NameReference"), "{}", e[0].message);
    let out = build("problems/name-reference-spec-conflict-levels");
    let e = errors_at(
        &out,
        &[format!(
            "{DATA}/problems/name-reference-spec-conflict-levels/names.yaml:5"
        )],
    );
    assert!(e[0].message.contains("NameReference"), "{}", e[0].message);
}

/// Kustomize's strategic merge takes a field's kind from the target and fails when the
/// patch gives another kind of node there ("wrong node kind: expected SequenceNode but got
/// MappingNode"; measured with kubectl kustomize v5.8 for every pair of mapping, list and
/// scalar, of built-in and custom kinds, directives and empty `{}` included; found in
/// Flux's registry-credentials-sync, whose commented-out patch gives `envFrom` a mapping).
/// runeguard set the patch's node and built.
#[test]
fn strategic_merge_patches_giving_another_kind_of_node_are_problems() {
    let out = build("problems/patch-wrong-kind");
    let e = errors_at(
        &out,
        &[format!(
            "{DATA}/problems/patch-wrong-kind/env-from-secret.yaml:11"
        )],
    );
    assert!(
        e[0].message
            .contains("expected SequenceNode but got MappingNode"),
        "{}",
        e[0].message
    );
    let out = build("problems/patch-wrong-kind-custom");
    let e = errors_at(
        &out,
        &[format!(
            "{DATA}/problems/patch-wrong-kind-custom/widget-patch.yaml:6"
        )],
    );
    assert!(
        e[0].message
            .contains("expected SequenceNode but got ScalarNode"),
        "{}",
        e[0].message
    );
}

/// A `configurations:` file's `nameReference` specs merge into Kustomize's built-in table,
/// where one differing from a built-in spec only in `create` fails the build (measured with
/// kubectl kustomize v5.8 for each of the 165 built-in specs: `create: true` at that path,
/// under an entry of the built-in kind, group and version, "failed to merge NameReference
/// fieldSpec: conflicting fieldspecs"); an entry without the built-in version, or a spec for
/// another group than the built-in one selects, builds. runeguard's built-in renaming is
/// code, so it built.
#[test]
fn name_reference_specs_conflicting_with_the_builtin_table_are_problems() {
    let out = build("problems/name-reference-builtin-conflict");
    let e = errors_at(
        &out,
        &[format!(
            "{DATA}/problems/name-reference-builtin-conflict/names.yaml:17"
        )],
    );
    assert!(e[0].message.contains("NameReference"), "{}", e[0].message);
}

/// A `nameReference` entry naming a kind, group and version not in the table yet is
/// appended whole: its own specs are not merged with each other, so two of one entry
/// differing only in `create` build (measured with kubectl kustomize v5.8, ConfigMaps of
/// `v2`), while the same under ConfigMap `v1` meet in the built-in entry and fail.
/// runeguard merged each entry's specs and refused the build.
#[test]
fn name_reference_entries_new_to_the_table_keep_their_own_specs() {
    assert_same_as_kubectl("name-reference-entry-own-specs");
}

/// (kwild22's open item) Two keys of one mapping that YAML 1.1 reads as the same boolean
/// (`on:` and `y:`, `Off:` and `no:`) in a values file Kustomize rewrites stay two text keys
/// there, besides the one boolean key Helm reads from the chart's defaults (measured with
/// kubectl kustomize v5.8). runeguard read the file with YAML 1.1 keys, keeping only the
/// last of each pair (`y`, `no`), then named it back.
#[test]
fn chart_values_files_kustomize_rewrites_keep_twin_boolean_keys_apart() {
    assert_same_as_kubectl("helm-values-rewritten-twin-keys");
}

/// A strategic merge patch list holding a directive element (`- $patch: replace`) at a field
/// the target lacks or holds null: Kustomize (kyaml) applies a list's directive only to a
/// target list, so it writes the directive element as it stands and drops the elements
/// naming a key (a ports list, keyed by port and protocol, keeps them, less those with
/// `$patch: delete`); where the target has a list (`volumeMounts: []`) the directive applies.
/// Measured with kubectl kustomize v5.8 (kubeflow's model registry keeps `env: []` in its
/// base for this). runeguard wrote `[]` or the keyed elements.
#[test]
fn patch_list_directives_without_a_target_list_are_written_as_kustomize_does() {
    assert_same_as_kubectl("patch-directive-without-target-list");
}

/// A patch list keyed by several fields (ports by port and `protocol`, topology spread
/// constraints) where the target has no list, with elements lacking a key, `$patch: delete`
/// elements and repeated values: Kustomize merges the list into itself (kyaml's associative
/// sequence walk with the patch as its own target). runeguard took such a list whole with its
/// directives applied (`[{containerPort: 80}, {name: a}]` gave both; kubectl gives `[{name:
/// a}]`).
#[test]
fn patch_lists_of_several_keys_without_a_target_list_merge_into_themselves() {
    assert_same_as_kubectl("patch-list-several-keys-without-target-list");
}

/// Lists with a merge key that no target list meets, at any depth (a new init container's
/// `env`, a new container's `env`, a list or map replaced by `$patch: replace`, containers
/// under a pod template the target lacks): kyaml walks each into itself, as it does a list
/// the target lacks (kwild26), so a repeated key keeps the last element where the first
/// stood and an element lacking the key empties the list. runeguard copied the nested lists
/// as written less their `$patch: delete` elements (two containers named alike stayed two).
#[test]
fn nested_patch_lists_without_a_target_list_merge_into_themselves() {
    assert_same_as_kubectl("patch-nested-lists-merge-into-themselves");
}

/// Merge keys written as numbers (`containerPort: 0x50`, env `name: 1`, a container named
/// `0x10`): kyaml matches list elements by the key's YAML text, not the number it reads as,
/// with a target list and without one. runeguard compared the parsed values, so `0x50` and
/// `80` were one port, `1` and `"1"` two env entries, `01` and `1` one.
#[test]
fn patch_merge_keys_are_compared_as_written() {
    assert_same_as_kubectl("patch-merge-keys-compared-as-written");
}

/// Replacement field paths with escaped dots (`metadata.labels.instance\.eax`, found in a
/// published replacements file that splits a name on its dashes and dots): the dot after a
/// backslash is part of the field's name, as kyaml's PathSplitter reads it, in a source, in
/// targets created or not, and inside a `[name=…]` selector. runeguard split at every dot,
/// creating a mapping `instance\` holding `eax`.
#[test]
fn replacement_field_paths_keep_escaped_dots_in_names() {
    assert_same_as_kubectl("replacement-escaped-dot-field-path");
}

/// A number or boolean in a patch over a string (a label `"x"` patched with `true`, an env
/// value `"true"` patched with `false`), and a string merge key naming a number or boolean
/// key (`name: "true"` for a container named `true`): kyaml keeps a string, printing
/// `"true"`, `"0x10"`; runeguard printed the patch's boolean or number, and kept the target's
/// boolean key (kwild27's open item).
#[test]
fn patched_strings_stay_strings() {
    assert_same_as_kubectl("patch-string-scalar-stays-string");
}

/// Merge keys written as null (`name: ~`, `name: null`, `name:`) in a patch list that merges
/// into itself (a new container's `env`): kyaml reads a null key's row as empty but finds
/// and sets elements by the key's text as written, so `[~, null]` gives `[]`, `["", ~]`
/// keeps both, `[A, (empty)]` gives the second without its name. runeguard read a null as
/// no text anywhere and gave other lists (kwild27's open item).
#[test]
fn null_merge_keys_merge_into_themselves_as_kyaml_does() {
    assert_same_as_kubectl("patch-null-merge-keys-merge-into-themselves");
}

/// A patch list naming one merge key twice over a target list (`env: [A=1, B=2, A=3]`, two
/// containers named `c1`): kyaml merges the first element naming each key and ignores the
/// later ones; runeguard appended them as new elements. Found by the bool/string probe of
/// kwild27's open item (`name: false` and `name: "false"` are one key).
#[test]
fn a_patch_lists_repeated_keys_merge_their_first_element() {
    assert_same_as_kubectl("patch-repeated-keys-first-merges");
}

/// The same for container ports with a `protocol` written somewhere (kyaml's merge keys
/// `containerPort` and `protocol`): `80 a, 80 b, 90, 90 c` over `80` gives `90, 80 a`, the
/// first port naming each pair alone walked; runeguard kept `90 c` and merged `80 b`.
#[test]
fn a_patch_lists_repeated_ports_merge_their_first_element() {
    assert_same_as_kubectl("patch-repeated-ports-first-merges");
}

#[test]
fn a_folder_above_a_kustomization_being_built_is_a_located_problem() {
    // An overlay in a subfolder of its base (`resources: [..]`), and a component in the
    // folder above the overlay: Kustomize's loader refuses a folder equal to or above one
    // being built ("cycle detected: candidate root … contains visited root …").
    for (case, line) in [("ov", 2), ("comp/ov", 4)] {
        let out = build(&format!("problems/parent-cycle/{case}"));
        let e = errors(&out);
        assert_eq!(
            located(e[0]),
            format!("{DATA}/problems/parent-cycle/{case}/kustomization.yaml:{line}"),
            "{:?}",
            out.problems
        );
        assert!(e[0].message.contains("cycle"), "{}", e[0].message);
    }
}

#[test]
fn an_unknown_patch_strategy_on_an_existing_mapping_is_a_located_problem() {
    // `data: {k: w, $patch: foo}` on a ConfigMap with `data`: kubectl fails ("unknown patch
    // strategy 'foo'"); the same value where the target lacks the mapping (patch2.yaml) is
    // kept, not refused.
    let out = build("problems/patch-unknown-strategy");
    let e = errors(&out);
    assert_eq!(e.len(), 1, "{:?}", out.problems);
    assert_eq!(
        located(e[0]),
        format!("{DATA}/problems/patch-unknown-strategy/patch.yaml:4"),
        "{:?}",
        out.problems
    );
    assert!(
        e[0].message.contains("unknown patch strategy"),
        "{}",
        e[0].message
    );
}

/// A generator's `files:` source is printed as a literal block scalar holding the file's
/// text; its lines had one origin, the whole file, so a finding inside it (CFG-016 on a Flux
/// HelmRelease's `valuesFrom` values file, a `.properties` password, a JSON token) pointed at
/// the file's first line, and `render` masked every line of a file holding one credential.
/// Each printed line now has its own line as origin: CFG-016 at the setting's line and
/// column, `render` printing the file as Kustomize does with only the credential masked (a
/// PEM key all of it, an `=`-padded line too); K8S-036 on the whole entry stays at the file's
/// start (session kflux38).
#[test]
fn a_generated_file_s_lines_keep_their_own_lines_as_origins() {
    const REDIS: &str = "R3disInCmVals";
    const PROPS: &str = "Pr0psPassw0rdX";
    let values = format!("replicaCount: 2\nredis:\n  enabled: true\n  password: {REDIS}\n");
    let props = format!(
        "server.port=8080\nspring.datasource.url=jdbc:postgresql://db:5432/app\nspring.datasource.password={PROPS}\n"
    );
    // A PEM key whose last base64 line ends in `==` (the value after a first `=` is empty).
    let body = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\nMzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dVMvDuictGeurT8jNbvJZHtCSuYEvu\nNMoSfm76oqFvAp8Gy0iz5sxjZmSnXyCdPEovGhLa0VzMaQ8s+CLOyS56YyCFGeJZ\nqgtzJ6GR3eqoYSW9b9UMvkBpZODSctWSNGj3P7jRFDO5VoTwCQAWbFnOjDfH5Ulg\np2PKSQnSJP3AJLQNFNe7br1XbrhV//eO+t51mIpGSDCUv3E0DDFcWDTH9cXDTTlR\nZVEiR2BwpZOOkE/Z0/BVnhZYL71oZV34bKfWjQIt6V/isSMahdsAASACp4ZTGtwi\nVuNd9tybAgMBAAECggEBAKTmjaS6tkK8BlPXClTQ2vpz/N6uxDeS35mXpqasqskV\nlaAidgg/sWqpjXDbXr93otIMLlWsM+X0CqMDgSXKejLS2jx4GDjI1ZTXg++0AMJ8\nsJ74pWzVDOfmCEQ/7wXs3+cbnXhKriO8Z036q92Qc1+N87SI38nkGa0ABH9CN83H\nmQqt4fB7UdHzuIRe/me2PGhIq5ZBzj6h3BpoPGzEP+x3l9YmK8t/1cN0pqI+dQwY\ndgfGjackLu/2qH80MCF7IyQaseZUOJyKrCLtSD/Iixv/hzDEUPfOCjFDgTpzf3cw\nta8+oE4wHCo1iI1/4TlPkwmXx4qSXtmw4aQPz7IDQvECgYEA8KNThCO2gsC2I9PQ\nDM/8Cw0O983WCDY+oi+7JPiNAJwv5DYBqEZB1QYdj06YD16XlC/HAZMsMku1na2T\nN0driwenQQWzoev3g2S7gRDoS/FCJSI3jJ+kjgtaA7Qmzlgk1TxODN+G1H91HW7t\n0l7VnL27IWyYo2qRRK3jzxqUiPUCgYEAx0oQs2reBQGMVZnApD1jeq7n4MvNLcPv\nt8b/eU9iUv6Y4Mj0Suo/AU8lYZXm8ubbqAlwz2VSVunD2tOplHyMUrtCtObAfVDU\nAhCndKaA9gApgfb3xw1IKbuQ1u4IF1FJl3VtumfQn//LiH1B3rXhcdyo3/vIttEk\n48RakUKClU8CgYEAzV7W3COOlDDcQd935DdtKBFRAPRPAlspQUnzMi5eSHMD/ISL\nDY5IiQHbIH83D4bvXq0X7qQoSBSNP7Dvv3HYuqMhf0DaegrlBuJllFVVq9qPVRnK\nxt1Il2HgxOBvbhOT+9in1BzA+YJ99UzC85O0Qz06A+CmtHEy4aZ2kj5hHjECgYEA\nmNS4+A8Fkss8Js1RieK2LniBxMgmYml3pfVLKGnzmng7H2+cwPLhPIzIuwytXywh\n2bzbsYEfYx3EoEVgMEpPhoarQnYPukrJO4gwE2o5Te6T5mJSZGlQJQj9q4ZB2Dfz\net6INsK0oG8XVGXSpQvQh3RUYekCZQkBBFcpqWpbIEsCgYAnM3DQf3FJoSnXaMhr\nVBIovic5l0xFkEHskAjFTevO86Fsz1C2aSeRKSqGFoOQ0tmJzBEs1R6KqnHInicD\nTQrKhArgLXX4v3CddjfTRJkFWDbE/CkvKZNOrcf1nhaGCPspRJj2KUkj1Fhl9Cnc\ndn/RsYEONbwQSjIfMPkvxF+8HQ==";
    let pem = format!("-----BEGIN PRIVATE KEY-----\n{body}\n-----END PRIVATE KEY-----\n");
    let d = common::dir_with(&[
        (
            "o/kustomization.yaml",
            b"namespace: apps\nresources:\n- release.yaml\nconfigMapGenerator:\n- name: podinfo-values\n  files:\n  - values.yaml=podinfo-values.yaml\n- name: app\n  files:\n  - app.properties\n  - tls.key\n" as &[u8],
        ),
        (
            "o/release.yaml",
            b"apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: podinfo\nspec:\n  valuesFrom:\n  - kind: ConfigMap\n    name: podinfo-values\n",
        ),
        ("o/podinfo-values.yaml", values.as_bytes()),
        ("o/app.properties", props.as_bytes()),
        ("o/tls.key", pem.as_bytes()),
    ]);
    let (v, _) = common::json_check(d.path(), &["o"]);
    let got = common::findings_at(&v);
    for want in [
        ("CFG-016", "o/podinfo-values.yaml", 4, 3),
        ("CFG-016", "o/app.properties", 3, 1),
        ("K8S-036", "o/tls.key", 1, 1),
    ] {
        assert!(
            got.contains(&(want.0.to_string(), want.1.to_string(), want.2, want.3)),
            "{want:?} in {got:?}"
        );
    }
    let out = common::rg()
        .current_dir(d.path())
        .args(["render", "o"])
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    // The files' other lines as Kustomize prints them; only the credentials masked.
    for line in [
        "  values.yaml: |\n    replicaCount: 2\n    redis:\n      enabled: true\n      password: ********\n",
        "    server.port=8080\n",
        "    spring.datasource.password=********\n",
    ] {
        assert!(text.contains(line), "{line:?} in {text}");
    }
    let all = common::all_output(d.path(), &["render", "o"])
        + &common::all_output(d.path(), &["render", "--origins", "o"])
        + &common::all_output(d.path(), &["check", "o"]);
    for leak in [
        REDIS,
        PROPS,
        "MIIEvQIBADANBgkq",
        "dn/RsYEONbwQSjIfMPkvxF+8HQ",
    ] {
        assert!(!all.contains(leak), "{leak}: {all}");
    }
}
