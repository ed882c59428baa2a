//! Classes of bugs found by running third-party charts and overlays from outside the corpus
//! (docs/rendering.md, "Charts and overlays outside the corpus (session 9)"), each reproduced
//! by a minimal synthetic input of the same form.

use serde_json::Value;

mod common;
use common::{dir_with, json_check, problem_lines_of as problems, rg, sorted_findings_of as found};

/// `runeguard render <what>` in `dir`: the printed stream (stdout) and the exit code.
fn render(dir: &std::path::Path, what: &str) -> (String, i32) {
    let out = rg()
        .current_dir(dir)
        .args(["render", what])
        .output()
        .expect("runs");
    (
        String::from_utf8(out.stdout).expect("UTF-8"),
        out.status.code().unwrap_or(-1),
    )
}

/// A subchart listed twice under two aliases renders twice, each copy with its alias's
/// values, its alias as `.Chart.Name` and its alias in the template path (as `helm template`).
#[test]
fn a_subchart_renders_once_per_alias() {
    let d = dir_with(&[
        (
            "chart/Chart.yaml",
            b"apiVersion: v2\nname: parent\nversion: 0.1.0\ndependencies:\n  - name: sub\n    version: 0.1.0\n    alias: first\n  - name: sub\n    version: 0.1.0\n    alias: second\n    condition: second.enabled\n  - name: sub\n    version: 0.1.0\n    alias: third\n    condition: third.enabled\n" as &[u8],
        ),
        (
            "chart/values.yaml",
            b"first:\n  x: a\nsecond:\n  enabled: true\n  x: b\nthird:\n  enabled: false\n" as &[u8],
        ),
        ("chart/charts/sub/Chart.yaml", b"apiVersion: v2\nname: sub\nversion: 0.1.0\n" as &[u8]),
        ("chart/charts/sub/values.yaml", b"x: def\n" as &[u8]),
        (
            "chart/charts/sub/templates/cm.yaml",
            b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Chart.Name }}-{{ .Values.x }}\n  namespace: ns\n" as &[u8],
        ),
    ]);
    let (text, code) = render(d.path(), "chart");
    assert_eq!(code, 0, "{text}");
    for line in [
        "# Source: parent/charts/first/templates/cm.yaml\n",
        "  name: first-a\n",
        "# Source: parent/charts/second/templates/cm.yaml\n",
        "  name: second-b\n",
    ] {
        assert!(text.contains(line), "{line:?} not in:\n{text}");
    }
    assert!(!text.contains("third"), "a disabled alias renders: {text}");
    assert!(
        !text.contains("charts/sub/"),
        "rendered under the chart's own name: {text}"
    );
}

/// Generated Secret data and ConfigMap binaryData of 70 base64 characters or more are cut
/// into lines of 70 as Kustomize writes them, and the names hash that text (names and values
/// from `kubectl kustomize`, Kustomize v5). A Secret's values are masked in `render`, line by
/// line: the wrapping shows in its two lines and in the name's hash.
#[test]
fn generated_base64_is_wrapped_as_kustomize_wraps_it() {
    let d = dir_with(&[
        (
            "k/kustomization.yaml",
            b"configMapGenerator:\n- name: c\n  files:\n  - bin.dat\nsecretGenerator:\n- name: s\n  files:\n  - s52\n- name: short\n  literals:\n  - k=abc\n" as &[u8],
        ),
        ("k/bin.dat", &[0xffu8; 60]),
        ("k/s52", &[b'a'; 52]),
    ]);
    let (text, code) = render(d.path(), "k");
    assert_eq!(code, 0, "{text}");
    let s52 = "  s52: |\n    ********\n    ********\n";
    let bin = format!(
        "  bin.dat: |\n    {}\n    {}\n",
        "/".repeat(70),
        "/".repeat(10)
    );
    for want in [
        s52,
        bin.as_str(),
        "  name: s-b5ckh785ch\n",
        "  name: c-gh869b8t8m\n",
        "  k: \"********\"\n",
    ] {
        assert!(text.contains(want), "{want:?} not in:\n{text}");
    }
}

/// A file a kustomization names (resource, patch, generator file or env file) outside its
/// folder is refused as Kustomize refuses it: a located error at the entry, nothing of the
/// file rendered; a base folder outside it is fine.
#[test]
fn a_file_outside_the_kustomization_folder_is_a_located_error() {
    let cm = b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: out\n" as &[u8];
    let d = dir_with(&[
        ("outside/cm.yaml", cm),
        ("outside/env", b"A=1\n" as &[u8]),
        ("base/cm.yaml", b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: base\n" as &[u8]),
        ("base/kustomization.yaml", b"resources:\n- cm.yaml\n" as &[u8]),
        (
            "app/kustomization.yaml",
            b"resources:\n- ../base\n- ../outside/cm.yaml\nconfigMapGenerator:\n- name: g\n  envs:\n  - ../outside/env\n  files:\n  - ../outside/cm.yaml\n" as &[u8],
        ),
    ]);
    let out = rg()
        .current_dir(d.path())
        .args(["render", "app"])
        .output()
        .expect("runs");
    let (text, err) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert_eq!(out.status.code(), Some(2), "{text}{err}");
    assert!(text.contains("name: base"), "{text}");
    assert!(!text.contains("name: out"), "{text}");
    for at in [
        "app/kustomization.yaml:3:3:",
        "app/kustomization.yaml:7:5:",
        "app/kustomization.yaml:9:5:",
    ] {
        assert!(
            err.lines()
                .any(|l| l.contains(at) && l.contains("is not in or below")),
            "{at} not in:\n{err}"
        );
    }
}

/// kubebuilder's `config/crd/kustomizeconfig.yaml` form: a `configurations:` file whose
/// `namespace:` field specs make the namespace transformer set a CRD's conversion webhook
/// service namespace, and whose `varReference` of `metadata/annotations` (a map) has vars
/// replaced in the map's values (as `kubectl kustomize`).
#[test]
fn configurations_namespace_specs_and_var_references_to_a_map() {
    let d = dir_with(&[
        (
            "crd/crd.yaml",
            b"apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: foos.example.com\n  annotations:\n    cert-manager.io/inject-ca-from: $(CERT_NS)/$(CERT_NAME)\nspec:\n  group: example.com\n  names: {kind: Foo, plural: foos}\n  scope: Namespaced\n  conversion:\n    strategy: Webhook\n    webhook:\n      clientConfig:\n        service:\n          namespace: system\n          name: webhook-service\n      conversionReviewVersions: [v1]\n  versions: []\n" as &[u8],
        ),
        (
            "crd/kustomizeconfig.yaml",
            b"nameReference:\n- kind: Service\n  version: v1\n  fieldSpecs:\n  - kind: CustomResourceDefinition\n    group: apiextensions.k8s.io\n    path: spec/conversion/webhook/clientConfig/service/name\nnamespace:\n- kind: CustomResourceDefinition\n  group: apiextensions.k8s.io\n  path: spec/conversion/webhook/clientConfig/service/namespace\n  create: false\nvarReference:\n- path: metadata/annotations\n" as &[u8],
        ),
        ("crd/kustomization.yaml", b"resources:\n- crd.yaml\nconfigurations:\n- kustomizeconfig.yaml\n" as &[u8]),
        (
            "svc/svc.yaml",
            b"apiVersion: v1\nkind: Service\nmetadata:\n  name: webhook-service\n  namespace: system\nspec:\n  ports: [{port: 443}]\n---\napiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata:\n  name: serving-cert\n  namespace: system\nspec:\n  secretName: x\n" as &[u8],
        ),
        ("svc/kustomization.yaml", b"resources:\n- svc.yaml\n" as &[u8]),
        (
            "default/kustomization.yaml",
            b"namespace: proj-system\nnamePrefix: proj-\nresources:\n- ../crd\n- ../svc\nvars:\n- name: CERT_NS\n  objref: {kind: Certificate, group: cert-manager.io, version: v1, name: serving-cert}\n  fieldref: {fieldpath: metadata.namespace}\n- name: CERT_NAME\n  objref: {kind: Certificate, group: cert-manager.io, version: v1, name: serving-cert}\n" as &[u8],
        ),
    ]);
    let out = rg()
        .current_dir(d.path())
        .args(["render", "default"])
        .output()
        .expect("runs");
    let (text, err) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert_eq!(out.status.code(), Some(0), "{text}{err}");
    for want in [
        "    cert-manager.io/inject-ca-from: proj-system/proj-serving-cert\n",
        "          name: proj-webhook-service\n          namespace: proj-system\n",
    ] {
        assert!(text.contains(want), "{want:?} not in:\n{text}");
    }
    assert!(!err.contains("not supported"), "{err}");
}

/// `default .Chart.Name .Values.nameOverride` with `nameOverride: ""` prints the chart's
/// name: the empty values line is not the origin of the container's name line, so findings
/// about the container point at the template's `- name:` line (they pointed at line 1 of
/// values.yaml).
#[test]
fn an_empty_value_a_default_replaced_is_not_the_origin() {
    let d = dir_with(&[
        ("hc/Chart.yaml", b"apiVersion: v2\nname: hc\nversion: 0.1.0\n" as &[u8]),
        ("hc/values.yaml", b"nameOverride: \"\"\nimage:\n  repository: nginx\n  tag: \"1.25\"\n" as &[u8]),
        (
            "hc/templates/_helpers.tpl",
            b"{{- define \"hc.name\" -}}\n{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix \"-\" }}\n{{- end }}\n" as &[u8],
        ),
        (
            "hc/templates/dep.yaml",
            b"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\n  namespace: shop\nspec:\n  template:\n    spec:\n      containers:\n        - name: {{ include \"hc.name\" . }}\n          image: \"{{ .Values.image.repository }}:{{ .Values.image.tag }}\"\n" as &[u8],
        ),
    ]);
    let (v, _) = json_check(d.path(), &["hc", "--select", "K8S-002"]);
    let f = &v["findings"][0];
    assert_eq!(
        (
            f["file"].as_str(),
            f["start_line"].as_u64(),
            f["start_column"].as_u64()
        ),
        (Some("hc/templates/dep.yaml"), Some(10), Some(11)),
        "{v}"
    );
}

/// A finding about a field a container lacks is on the container, a collection even when
/// its span is the one line `- name: {{ .Values.name }}`: it points at the template's
/// container line, not at the values line that named the container (values.yaml:1:1).
#[test]
fn a_missing_container_field_points_at_the_template_container_line() {
    let d = dir_with(&[
        ("hc/Chart.yaml", b"apiVersion: v2\nname: hc\nversion: 0.1.0\n" as &[u8]),
        ("hc/values.yaml", b"containerName: web\nimage: nginx:1.25\n" as &[u8]),
        (
            "hc/templates/dep.yaml",
            b"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\n  namespace: shop\nspec:\n  template:\n    spec:\n      containers:\n        - name: {{ .Values.containerName }}\n          image: {{ .Values.image }}\n" as &[u8],
        ),
    ]);
    let (v, _) = json_check(d.path(), &["hc", "--select", "K8S-002,K8S-016"]);
    let at = |rule: &str| {
        let f = v["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .find(|f| f["rule_id"] == rule)
            .unwrap_or_else(|| panic!("no {rule}: {v}"));
        (
            f["file"].as_str().unwrap_or("").to_string(),
            f["start_line"].as_u64().unwrap_or(0),
        )
    };
    assert_eq!(at("K8S-002"), ("hc/templates/dep.yaml".to_string(), 10));
    // A finding on a value printed from values still points at its values line.
    assert_eq!(at("K8S-016"), ("hc/values.yaml".to_string(), 2));
}

/// A finding's rule, file, line, column and related locations (file, line) but the rendered line.
type Located = (String, String, u64, u64, Vec<(String, u64)>);

fn located_with_related(v: &serde_json::Value) -> Vec<Located> {
    v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            let related = common::related_of(f)
                .into_iter()
                .filter(|(role, _, _)| role != "rendered")
                .map(|(_, file, line)| (file, line))
                .collect();
            (
                f["rule_id"].as_str().unwrap_or("").to_string(),
                f["file"].as_str().unwrap_or("").to_string(),
                f["start_line"].as_u64().unwrap_or(0),
                f["start_column"].as_u64().unwrap_or(0),
                related,
            )
        })
        .collect()
}

/// `helm create`'s idiom: `securityContext:` then `{{- toYaml .Values.securityContext |
/// nindent 12 }}`. A field missing from a map a values file gave whole is reported at that
/// map's values line, where a person adds it (`securityContext:` above its entries,
/// `resources: {}`), the template's key line related; a map the template wrote keeps its
/// finding at the template. Was: at the template's key line, no values line named.
#[test]
fn a_field_missing_from_a_values_map_points_at_that_map_in_the_values_file() {
    let d = dir_with(&[
        ("sc/Chart.yaml", b"apiVersion: v2\nname: sc\nversion: 0.1.0\n" as &[u8]),
        (
            "sc/values.yaml",
            b"podSecurityContext: {}\n  # fsGroup: 2000\nsecurityContext:\n  # capabilities:\n  #   drop: [ALL]\n  runAsNonRoot: true\nresources: {}\nsidecar:\n  cpu: 100m\n" as &[u8],
        ),
        (
            "sc/templates/deploy.yaml",
            b"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: sc\n  namespace: shop\nspec:\n  template:\n    spec:\n      securityContext:\n        {{- toYaml .Values.podSecurityContext | nindent 8 }}\n      containers:\n        - name: app\n          image: app:1\n          securityContext:\n            {{- toYaml .Values.securityContext | nindent 12 }}\n          resources:\n            {{- toYaml .Values.resources | nindent 12 }}\n        - name: sidecar\n          image: side:1\n          securityContext:\n            runAsNonRoot: true\n          resources:\n            requests:\n              cpu: {{ .Values.sidecar.cpu }}\n" as &[u8],
        ),
    ]);
    let (v, _) = json_check(d.path(), &["sc", "--select", "K8S-002,K8S-013"]);
    let got = located_with_related(&v);
    let s = |x: &str| x.to_string();
    let template = |line| vec![(s("sc/templates/deploy.yaml"), line)];
    assert_eq!(
        got,
        [
            // The sidecar's maps are the template's.
            (s("K8S-002"), s("sc/templates/deploy.yaml"), 20, 11, vec![]),
            (s("K8S-013"), s("sc/templates/deploy.yaml"), 22, 11, vec![]),
            // The app's: `securityContext:` (values.yaml:3, above its entries) and
            // `resources: {}` (line 7).
            (s("K8S-002"), s("sc/values.yaml"), 3, 1, template(14)),
            (s("K8S-013"), s("sc/values.yaml"), 7, 1, template(16)),
        ],
        "{v}"
    );
}

/// `helm create`'s templates write optional maps in `with` blocks: `{{- with
/// .Values.securityContext }}` over `securityContext:`. With `securityContext: {}` the block is
/// skipped and nothing of it is rendered; a finding on a field missing from it points at that
/// values line (where a person adds the field), the condition and the container are related.
/// Bitnami's `if .Values.x.enabled` points at `enabled: false`; a value no values file sets
/// points at the condition; a block in an `else` branch, or a map no block skipped, stays put.
#[test]
fn a_field_a_skipped_with_block_would_write_points_at_the_empty_value() {
    let d = dir_with(&[
        ("cr/Chart.yaml", b"apiVersion: v2\nname: cr\nversion: 0.1.0\n" as &[u8]),
        (
            "cr/values.yaml",
            b"image: app:1\nsecurityContext: {}\nresources: {}\nsidecar:\n  containerSecurityContext:\n    enabled: false\n    runAsNonRoot: true\n" as &[u8],
        ),
        (
            "cr/templates/deploy.yaml",
            b"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: cr\n  namespace: shop\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          {{- with .Values.securityContext }}\n          securityContext:\n            {{- toYaml . | nindent 12 }}\n          {{- end }}\n          image: {{ .Values.image }}\n          {{- with .Values.resources }}\n          resources:\n            {{- toYaml . | nindent 12 }}\n          {{- end }}\n        - name: sidecar\n          image: side:1\n          {{- if .Values.sidecar.containerSecurityContext.enabled }}\n          securityContext:\n            runAsNonRoot: true\n          {{- end }}\n          {{- with .Values.sidecarResources }}\n          resources: {{- toYaml . | nindent 12 }}\n          {{- end }}\n        - name: third\n          image: third:1\n          {{- if .Values.image }}\n          ports: []\n          {{- else }}\n          securityContext: {}\n          {{- end }}\n" as &[u8],
        ),
    ]);
    let (v, _) = json_check(d.path(), &["cr", "--select", "K8S-002,K8S-013"]);
    let mut got = located_with_related(&v);
    got.sort();
    let s = |x: &str| x.to_string();
    let t = |l| (s("cr/templates/deploy.yaml"), l);
    assert_eq!(
        got,
        [
            // The app: `securityContext: {}` and `resources: {}`, the `with` lines and the
            // container related.
            (s("K8S-002"), s("cr/templates/deploy.yaml"), 29, 11, vec![]),
            (s("K8S-002"), s("cr/values.yaml"), 2, 1, vec![t(11), t(10)]),
            (s("K8S-002"), s("cr/values.yaml"), 6, 5, vec![t(22), t(20)]),
            (
                s("K8S-013"),
                s("cr/templates/deploy.yaml"),
                26,
                11,
                vec![t(20)]
            ),
            (s("K8S-013"), s("cr/templates/deploy.yaml"), 29, 11, vec![]),
            (s("K8S-013"), s("cr/values.yaml"), 3, 1, vec![t(16), t(10)]),
        ],
        "{v}"
    );
}

/// A finding on a missing top-level field is on the document, whose first key's value may
/// come from values (`apiVersion: {{ .Values.api }}`): it stays at the template, not at that
/// values line.
#[test]
fn a_missing_top_level_field_is_not_moved_to_the_first_keys_values_line() {
    let d = dir_with(&[
        ("rt/Chart.yaml", b"apiVersion: v2\nname: rt\nversion: 0.1.0\n" as &[u8]),
        ("rt/values.yaml", b"api: apps/v1\n" as &[u8]),
        (
            "rt/templates/d.yaml",
            b"apiVersion: {{ .Values.api }}\nkind: Deployment\nmetadata:\n  name: x\n  namespace: s\n" as &[u8],
        ),
    ]);
    let (v, _) = json_check(d.path(), &["rt", "--select", "K8S-041"]);
    assert_eq!(
        found(&v),
        [("K8S-041".to_string(), "rt/templates/d.yaml".to_string(), 1)],
        "{v}"
    );
}

/// JSON with comments (a devcontainer.json opening with `//` lines, tsconfig.json, .NET's
/// appsettings.json): a comment before the first `{` is no syntax error, a commented-out
/// password is no secret of the configuration, and a finding after a comment spanning lines
/// stays on its line.
#[test]
fn json_with_comments_is_read_as_its_json() {
    let d = dir_with(&[(
        "appsettings.json",
        b"// Settings. See https://aka.ms/x: more\n/* a block\n   comment: over lines */\n{\n  \"db\": {\n    // \"password\": \"old-one-1234\",\n    \"password\": \"hunter2-real-one\" /* set */,\n    \"url\": \"https://example.com/a//b\",\n  },\n}\n" as &[u8],
    )]);
    let (v, code) = json_check(d.path(), &[".", "--select", "CFG-016"]);
    assert_eq!(problems(&v), Vec::<String>::new(), "{v}");
    assert_eq!(
        found(&v),
        [("CFG-016".to_string(), "appsettings.json".to_string(), 7)],
        "{v}"
    );
    assert_eq!(code, 1, "{v}");
}

/// A password hash under a credential name (bcrypt, argon2) is still CFG-016's finding, since a
/// committed hash can be cracked offline, but its message no longer calls it plaintext; a plain
/// password beside it keeps the word.
#[test]
fn a_password_hash_is_reported_as_a_hash_not_as_plaintext() {
    let d = dir_with(&[(
        "config.yaml",
        b"users:\n  admin:\n    password: \"$2y$10$abcdefghijklmnopqrstuuQ6Zr3x0mN8pL4rT9wZ3yB6cF1hJ5kD0s\"\n  ops:\n    password: \"$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$Zx8vQ2mN7pL4rT9wZ3yB6cF1hJ5kD0sGaaBbCcDdEe\"\n  dev:\n    password: Lantern-Plain-77\n" as &[u8],
    )]);
    let (v, _) = json_check(d.path(), &[".", "--select", "CFG-016"]);
    assert_eq!(
        common::messages_of(&v),
        [
            "users.admin.password holds a password hash (crackable offline)",
            "users.ops.password holds a password hash (crackable offline)",
            "users.dev.password holds a plaintext secret",
        ],
        "{v}"
    );
}

/// A finding on a quoted value ends at its closing quote: saphyr's span ran on over the blank
/// before `]` (`[ "*" ]`, as hand-written RBAC spells it) and over a comment after the value.
#[test]
fn a_finding_on_a_quoted_value_ends_at_its_closing_quote() {
    let d = dir_with(&[(
        "rbac.yaml",
        b"apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: all\n  namespace: ops\nrules:\n- apiGroups: [ \"*\" ]\n  resources: [\"pods\"]\n  verbs:\n  - \"*\"   # everything\n" as &[u8],
    )]);
    let (v, _) = json_check(d.path(), &[".", "--select", "K8S-030"]);
    let spans: Vec<(u64, u64, u64)> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["start_line"].as_u64().unwrap(),
                f["start_column"].as_u64().unwrap(),
                f["end_column"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(spans, [(7, 16, 19), (10, 5, 8)], "{v}");
}

/// kubebuilder's `config/` in miniature: `rbac` and `manager` are bases that `default` puts in
/// a namespace with a name prefix; `manager`'s own kustomization replaces the `controller`
/// image. A Role without a namespace and a base image `controller:latest`.
fn kubebuilder_config() -> tempfile::TempDir {
    dir_with(&[
        (
            "config/rbac/kustomization.yaml",
            b"resources:\n- role.yaml\n- role_binding.yaml\n" as &[u8],
        ),
        (
            "config/rbac/role.yaml",
            b"apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: leader-election-role\nrules:\n- apiGroups: [coordination.k8s.io]\n  resources: [leases]\n  verbs: [get, update]\n" as &[u8],
        ),
        (
            "config/rbac/role_binding.yaml",
            b"apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: leader-election-rolebinding\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: Role\n  name: leader-election-role\nsubjects:\n- kind: ServiceAccount\n  name: controller-manager\n  namespace: system\n" as &[u8],
        ),
        (
            "config/manager/kustomization.yaml",
            b"resources:\n- manager.yaml\nimages:\n- name: controller\n  newName: example.com/op\n  newTag: v0.1.0\n" as &[u8],
        ),
        (
            "config/manager/manager.yaml",
            b"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: controller-manager\n  namespace: system\nspec:\n  selector:\n    matchLabels: {control-plane: controller-manager}\n  template:\n    metadata:\n      labels: {control-plane: controller-manager}\n    spec:\n      containers:\n      - name: manager\n        image: controller:latest\n        securityContext:\n          privileged: true\n" as &[u8],
        ),
        (
            "config/default/kustomization.yaml",
            b"namespace: op-system\nnamePrefix: op-\nresources:\n- ../rbac\n- ../manager\n" as &[u8],
        ),
    ])
}

/// A base that an overlay of the walk uses is checked as that overlay deploys it: its
/// namespace and image are the overlay's, so the Role's missing namespace (K8S-019) and the
/// base's `controller:latest` (K8S-015), which no deployed object has, are not reported. A
/// finding the overlay keeps is reported once, at the base line (was: also K8S-019 twice and
/// K8S-015 on `controller:latest`, from the resource files checked as themselves).
#[test]
fn a_base_an_overlay_of_the_walk_uses_is_checked_as_the_overlay_deploys_it() {
    let d = kubebuilder_config();
    let (v, code) = json_check(d.path(), &["config"]);
    assert_eq!(code, 1, "{v}");
    let got = found(&v);
    assert!(
        !got.iter().any(|(r, _, _)| r == "K8S-019" || r == "K8S-015"),
        "{got:?}"
    );
    assert!(
        got.contains(&(
            "K8S-001".to_string(),
            "config/manager/manager.yaml".to_string(),
            17
        )),
        "{got:?}"
    );
    assert_eq!(got.iter().filter(|(r, _, _)| r == "K8S-001").count(), 1);
    let k16 = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["rule_id"] == "K8S-016")
        .unwrap_or_else(|| panic!("no K8S-016: {v}"));
    assert!(
        k16["message"]
            .as_str()
            .is_some_and(|m| m.contains("op-system/op-controller-manager")
                && m.contains("example.com/op:v0.1.0")),
        "{k16}"
    );
}

/// A folder given alone is checked as what it is: `config/rbac` has no namespace of its own
/// (`kubectl apply -k config/rbac` puts the Role in the current namespace), so K8S-019 is
/// reported there; `config/manager` alone gets its own `images:` replacement, so its
/// `controller:latest` is still not reported (was: K8S-015 from `manager.yaml` read as itself).
#[test]
fn a_folder_checked_alone_is_checked_as_itself() {
    let d = kubebuilder_config();
    let (v, _) = json_check(d.path(), &["config/rbac"]);
    assert!(
        found(&v).contains(&(
            "K8S-019".to_string(),
            "config/rbac/role.yaml".to_string(),
            3
        )),
        "{v}"
    );
    let (v, _) = json_check(d.path(), &["config/manager"]);
    let got = found(&v);
    assert!(!got.iter().any(|(r, _, _)| r == "K8S-015"), "{got:?}");
    assert!(got.iter().any(|(r, _, _)| r == "K8S-001"), "{got:?}");
}

/// Nothing is left unchecked by the rule above: a base used only by a Component that no
/// overlay uses is rendered as itself, and a resource file of it is reported.
#[test]
fn a_base_used_only_by_an_unused_component_is_still_checked() {
    let d = dir_with(&[
        ("base/kustomization.yaml", b"resources:\n- pod.yaml\n" as &[u8]),
        ("base/pod.yaml", common::PRIVILEGED.as_bytes()),
        (
            "component/kustomization.yaml",
            b"apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources:\n- ../base\n" as &[u8],
        ),
    ]);
    let (v, code) = json_check(d.path(), &["--select", "K8S-001", "."]);
    assert_eq!(code, 1, "{v}");
    assert_eq!(
        found(&v),
        [("K8S-001".to_string(), "base/pod.yaml".to_string(), 11)]
    );
}

/// A YAML file that is a Go template (a helmfile `helmfile.yaml`, a manifest a CI job fills
/// in) is skipped with one note at its first action, not reported as broken YAML (exit 2) nor
/// checked with its templated fields dropped. YAML that parses is checked whatever strings it
/// holds (GitHub Actions' `${{ }}`).
#[test]
fn a_go_template_of_yaml_is_skipped_with_a_note() {
    let d = dir_with(&[
        (
            "helmfile.yaml",
            b"repositories:\n  - name: bitnami\n    url: https://charts.bitnami.com/bitnami\n---\nreleases:\n  - name: app\n    chart: ./charts/app\n    set:\n      - name: image.tag\n        value: {{ .Values.tag | quote }}\n    installed: {{ .Values.enabled }}\n" as &[u8],
        ),
        (
            "deploy/pod.yaml",
            b"apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  containers:\n  - name: app\n    image: {{ .Image }}\n    securityContext:\n      privileged: true\n" as &[u8],
        ),
        (
            "wf.yaml",
            b"on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n    - run: echo ${{ secrets.TOKEN }}\n" as &[u8],
        ),
    ]);
    let (v, code) = json_check(d.path(), &["."]);
    assert_eq!(code, 0, "{v}");
    assert!(found(&v).is_empty(), "{v}");
    let p = problems(&v);
    assert_eq!(p.len(), 2, "{p:?}");
    assert!(
        p[0].starts_with("note deploy/pod.yaml:9:12: file skipped: a Go template"),
        "{p:?}"
    );
    assert!(
        p[1].starts_with("note helmfile.yaml:10:16: file skipped: a Go template"),
        "{p:?}"
    );
}

/// Manifest sources runeguard does not evaluate (Jsonnet, CUE, YAML behind a template engine's
/// extension) in a folder are named in one note for the folder, not passed over in silence;
/// other files of unknown types (a README, a text template) are not manifests.
#[test]
fn unread_manifest_sources_in_a_folder_are_named_in_one_note() {
    let d = dir_with(&[
        ("deploy/main.jsonnet", b"{}\n" as &[u8]),
        ("deploy/lib/k.libsonnet", b"{}\n" as &[u8]),
        ("deploy/app.cue", b"package app\n" as &[u8]),
        ("deploy/values.yaml.gotmpl", b"a: {{ .Values.a }}\n" as &[u8]),
        ("deploy/ansible/deployment.yml.j2", b"replicas: {{ replicas }}\n" as &[u8]),
        ("deploy/notes.txt.tpl", b"{{ x }}\n" as &[u8]),
        ("deploy/README.md", b"# docs\n" as &[u8]),
        ("deploy/svc.yaml", b"apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n  namespace: n1\nspec:\n  ports: [{port: 80}]\n" as &[u8]),
    ]);
    let (v, code) = json_check(d.path(), &["deploy"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(
        problems(&v),
        [
            "note deploy:null:null: not checked: 1 CUE file, 2 Jsonnet files, 2 templated YAML files (runeguard does not evaluate them; check what they generate: `… | runeguard check -`)"
        ]
    );
}

/// A library chart checked on its own renders nothing (Helm installs none): a note says its
/// templates are checked through the charts that use it, so the folder does not look clean.
#[test]
fn a_library_chart_checked_alone_says_why_it_has_no_objects() {
    let d = dir_with(&[
        (
            "lib/Chart.yaml",
            b"apiVersion: v2\nname: lib\ntype: library\nversion: 0.1.0\n" as &[u8],
        ),
        (
            "lib/templates/_dep.tpl",
            b"{{- define \"lib.dep\" -}}\napiVersion: apps/v1\nkind: Deployment\n{{- end -}}\n"
                as &[u8],
        ),
    ]);
    let (v, code) = json_check(d.path(), &["lib"]);
    assert_eq!(code, 0, "{v}");
    let p = problems(&v);
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(
        p[0].starts_with("note lib/Chart.yaml:null:null: a library chart renders no objects"),
        "{p:?}"
    );
}

/// Plain YAML of a repository that is not Kubernetes (workflows, issue forms, pre-commit and
/// mkdocs configuration with a Python tag, an OpenAPI document, a Compose file) checked
/// explicitly: no finding, no problem, exit 0.
#[test]
fn repository_yaml_that_is_not_kubernetes_is_read_quietly() {
    let d = dir_with(&[
        (
            ".github/workflows/ci.yaml",
            b"name: CI\non:\n  push:\n    branches: [main]\npermissions:\n  contents: read\njobs:\n  test:\n    runs-on: ubuntu-latest\n    env:\n      TOKEN: ${{ secrets.GITHUB_TOKEN }}\n    steps:\n      - uses: actions/checkout@v4\n      - run: make test\n" as &[u8],
        ),
        (
            ".github/ISSUE_TEMPLATE/bug.yml",
            b"name: Bug report\ndescription: File a bug report\nbody:\n  - type: textarea\n    id: what\n    attributes:\n      label: What happened?\n    validations:\n      required: true\n" as &[u8],
        ),
        (
            ".pre-commit-config.yaml",
            b"repos:\n  - repo: https://github.com/pre-commit/pre-commit-hooks\n    rev: v4.6.0\n    hooks:\n      - id: check-yaml\n        args: [--allow-multiple-documents]\n" as &[u8],
        ),
        (
            "mkdocs.yml",
            b"site_name: Docs\nmarkdown_extensions:\n  - pymdownx.superfences:\n      custom_fences:\n        - name: mermaid\n          class: mermaid\n          format: !!python/name:pymdownx.superfences.fence_code_format\n" as &[u8],
        ),
        (
            "api/openapi.yaml",
            b"openapi: 3.0.3\ninfo:\n  title: API\n  version: 1.0.0\npaths:\n  /healthz:\n    get:\n      responses:\n        '200':\n          description: OK\ncomponents:\n  schemas:\n    Login:\n      type: object\n      properties:\n        password:\n          type: string\n          format: password\n" as &[u8],
        ),
        (
            "docker-compose.yaml",
            b"services:\n  app:\n    image: example/app:1.0\n    ports:\n      - \"127.0.0.1:8080:8080\"\n" as &[u8],
        ),
    ]);
    let (v, code) = json_check(
        d.path(),
        &[
            ".github/workflows/ci.yaml",
            ".github/ISSUE_TEMPLATE/bug.yml",
            ".pre-commit-config.yaml",
            "mkdocs.yml",
            "api",
            "docker-compose.yaml",
        ],
    );
    assert_eq!(code, 0, "{v}");
    assert!(found(&v).is_empty(), "{v}");
    assert!(problems(&v).is_empty(), "{v}");
}

/// A dependency Chart.yaml lists but `charts/` lacks (git repositories often ignore
/// `charts/*.tgz`) is an error at its `name:` line (exit 2: Helm v4 renders the chart
/// without it, so none of it is checked), the rest of the chart still checked; a dependency
/// its condition turns off needs nothing, and the error names that switch.
#[test]
fn a_dependency_missing_from_charts_is_an_error_that_names_its_switch() {
    let d = dir_with(&[
        (
            "c/Chart.yaml",
            b"apiVersion: v2\nname: c\nversion: 0.1.0\ndependencies:\n  - name: postgresql\n    version: 12.x.x\n    repository: oci://registry-1.docker.io/bitnamicharts\n    condition: postgresql.enabled\n  - name: redis\n    version: 18.x.x\n    repository: https://charts.bitnami.com/bitnami\n    condition: redis.enabled\n" as &[u8],
        ),
        ("c/values.yaml", b"postgresql:\n  enabled: true\nredis:\n  enabled: false\n" as &[u8]),
        (
            "c/templates/cm.yaml",
            b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: shop\ndata:\n  a: \"1\"\n" as &[u8],
        ),
    ]);
    let (v, code) = json_check(d.path(), &["c"]);
    assert_eq!(code, 2, "{v}");
    assert_eq!(
        problems(&v),
        [
            "error c/Chart.yaml:5:5: dependency \"postgresql\" (oci://registry-1.docker.io/bitnamicharts) is not in charts/, so its objects are not rendered nor checked (`helm dependency build` fetches it, or `--set postgresql.enabled=false` leaves it out)"
        ]
    );
    assert_eq!(v["summary"]["documents"], 1, "the chart's own objects: {v}");
    let (v, code) = json_check(d.path(), &["c", "--set", "postgresql.enabled=false"]);
    assert_eq!(code, 0, "{v}");
    assert!(problems(&v).is_empty(), "{v}");
}

/// A dependency `charts/` lacks is read from the repository when it holds it, so a monorepo
/// of charts (Bitnami's `common` beside each chart) is checked whole offline: a `file://`
/// dependency from its folder (what `helm dependency build` packages), any other from the
/// chart's sibling folder of its name when that chart's name and version fit. Each is named in
/// a note; a sibling of another name or of a version the constraint refuses is not used (the
/// error stays). Was: exit 2 and none of the dependency's objects checked.
#[test]
fn a_dependency_the_repository_holds_is_read_from_it() {
    let lib = b"{{- define \"lib.pod\" -}}\napiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .name }}\n  namespace: shop\nspec:\n  containers:\n    - name: app\n      image: app:1@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n      securityContext:\n        privileged: true\n{{- end }}\n" as &[u8];
    let d = dir_with(&[
        (
            "charts/app/Chart.yaml",
            b"apiVersion: v2\nname: app\nversion: 0.1.0\ndependencies:\n  - name: common\n    version: 2.x.x\n    repository: oci://registry-1.docker.io/bitnamicharts\n  - name: db\n    version: \">=1.0.0\"\n    repository: file://../../db-chart\n" as &[u8],
        ),
        (
            "charts/app/templates/pod.yaml",
            b"{{ include \"lib.pod\" (dict \"name\" \"web\") }}\n" as &[u8],
        ),
        (
            "charts/common/Chart.yaml",
            b"apiVersion: v2\nname: common\ntype: library\nversion: 2.31.4\n" as &[u8],
        ),
        ("charts/common/templates/_pod.tpl", lib),
        (
            "db-chart/Chart.yaml",
            b"apiVersion: v2\nname: db\nversion: 1.2.0\n" as &[u8],
        ),
        (
            "db-chart/templates/cm.yaml",
            b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: db\n  namespace: shop\ndata:\n  a: \"1\"\n" as &[u8],
        ),
        // A sibling whose version the constraint refuses, and one of another name.
        (
            "charts/old/Chart.yaml",
            b"apiVersion: v2\nname: old\nversion: 0.1.0\ndependencies:\n  - name: common\n    version: 3.x.x\n    repository: oci://registry-1.docker.io/bitnamicharts\n  - name: other\n    version: 1.x.x\n    repository: https://example.com/charts\n" as &[u8],
        ),
        (
            "charts/other/Chart.yaml",
            b"apiVersion: v2\nname: not-other\nversion: 1.0.0\n" as &[u8],
        ),
    ]);
    let (v, code) = json_check(d.path(), &["--select", "K8S-001", "charts/app"]);
    assert_eq!(code, 1, "{v}");
    assert_eq!(
        found(&v),
        [(
            "K8S-001".to_string(),
            "charts/common/templates/_pod.tpl".to_string(),
            12
        )],
        "{}",
        v["problems"]
    );
    assert_eq!(v["summary"]["documents"], 2, "the Pod and db's ConfigMap");
    assert_eq!(
        problems(&v),
        [
            "note charts/app/Chart.yaml:5:5: dependency \"common\" is not in charts/; read from the repository's own charts/common (version 2.31.4, which 2.x.x accepts); the chart `helm dependency build` fetches from oci://registry-1.docker.io/bitnamicharts may differ",
            "note charts/app/Chart.yaml:8:5: dependency \"db\" is not in charts/; read from db-chart (version 1.2.0, which >=1.0.0 accepts), as `helm dependency build` packages it",
        ]
    );
    // Checked from inside the chart, the sibling is shown from there.
    let (v, _) = json_check(&d.path().join("charts/app"), &["."]);
    assert!(
        problems(&v)[0].contains("read from the repository's own ../common "),
        "{v}"
    );
    let (v, code) = json_check(d.path(), &["charts/old"]);
    assert_eq!(code, 2, "{v}");
    let p = problems(&v);
    assert_eq!(p.len(), 2, "{p:?}");
    assert!(
        p[0].starts_with("error charts/old/Chart.yaml:5:5: dependency \"common\""),
        "{p:?}"
    );
    assert!(
        p[1].starts_with("error charts/old/Chart.yaml:8:5: dependency \"other\""),
        "{p:?}"
    );
}

/// A Helm 2 chart (`apiVersion: v1`) lists its dependencies in `requirements.yaml`: their
/// conditions apply as Helm applies them (a subchart its condition turns off was rendered).
#[test]
fn a_helm2_charts_requirements_yaml_lists_its_dependencies() {
    let cm = |name: &str| {
        format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n  namespace: ns\n")
    };
    let d = dir_with(&[
        ("old/Chart.yaml", b"apiVersion: v1\nname: old\nversion: 0.1.0\n" as &[u8]),
        (
            "old/requirements.yaml",
            b"dependencies:\n- name: sub\n  version: 0.1.0\n  repository: file://charts/sub\n  condition: sub.enabled\n- name: other\n  version: 0.1.0\n  repository: file://charts/other\n  alias: renamed\n" as &[u8],
        ),
        ("old/values.yaml", b"sub:\n  enabled: false\n" as &[u8]),
        ("old/templates/cm.yaml", cm("top").as_bytes()),
        ("old/charts/sub/Chart.yaml", b"apiVersion: v1\nname: sub\nversion: 0.1.0\n" as &[u8]),
        ("old/charts/sub/templates/cm.yaml", cm("sub").as_bytes()),
        ("old/charts/other/Chart.yaml", b"apiVersion: v1\nname: other\nversion: 0.1.0\n" as &[u8]),
        ("old/charts/other/templates/cm.yaml", cm("{{ .Chart.Name }}").as_bytes()),
    ]);
    let (text, code) = render(d.path(), "old");
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("  name: top\n"), "{text}");
    assert!(
        !text.contains("  name: sub\n"),
        "a disabled dependency renders: {text}"
    );
    assert!(
        text.contains("# Source: old/charts/renamed/templates/cm.yaml\n"),
        "{text}"
    );
    assert!(text.contains("  name: renamed\n"), "{text}");
}

/// A resource file with a byte-order mark and CRLF line ends (written on Windows) is reported
/// once at its line (was: twice, as itself and through its overlay, whose origin offsets did
/// not count the mark, so the two were not taken for one).
#[test]
fn a_windows_written_resource_is_reported_once() {
    let pod = common::PRIVILEGED
        .replace("  namespace: shop\n", "")
        .replace('\n', "\r\n");
    let mut bytes = b"\xef\xbb\xbf".to_vec();
    bytes.extend_from_slice(pod.as_bytes());
    let d = dir_with(&[
        (
            "k/kustomization.yaml",
            b"resources:\r\n- pod.yaml\r\nnamespace: shop\r\n" as &[u8],
        ),
        ("k/pod.yaml", &bytes),
    ]);
    let (v, code) = json_check(d.path(), &["--select", "K8S-001,K8S-019", "k"]);
    assert_eq!(code, 1, "{v}");
    assert_eq!(
        found(&v),
        [("K8S-001".to_string(), "k/pod.yaml".to_string(), 10)]
    );
}

/// A file of a chart or a patch of an overlay named on the command line (as `pre-commit`
/// passes a commit's files) checks the chart or overlay that renders it: a template is not
/// an object anyone deploys, nor is a patch (was: a template "file skipped", a strategic-merge
/// patch reported for every field a Deployment lacks). A chart's `crds/` file and an
/// overlay's resource file are manifests as written: checked as themselves. A folder inside a
/// chart (`chart/templates`) checks the chart as well (was: a "file skipped" note per template).
#[test]
fn a_named_part_of_a_chart_or_overlay_checks_the_whole() {
    let d = dir_with(&[
        ("c/Chart.yaml", b"apiVersion: v2\nname: c\nversion: 0.1.0\n" as &[u8]),
        ("c/values.yaml", b"privileged: true\n" as &[u8]),
        (
            "c/templates/pod.yaml",
            b"apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  containers:\n    - name: app\n      image: app:1\n      securityContext:\n        privileged: {{ .Values.privileged }}\n" as &[u8],
        ),
        ("c/crds/crd.yaml", b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n" as &[u8]),
        ("k/kustomization.yaml", b"resources:\n- pod.yaml\npatches:\n- path: patches/sa.yaml\n" as &[u8]),
        ("k/pod.yaml", common::PRIVILEGED.as_bytes()),
        (
            "k/patches/sa.yaml",
            b"apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  serviceAccountName: web\n" as &[u8],
        ),
    ]);
    for (named, want) in [
        ("c/templates/pod.yaml", ("K8S-001", "c/values.yaml", 1)),
        ("c/values.yaml", ("K8S-001", "c/values.yaml", 1)),
        ("k/patches/sa.yaml", ("K8S-001", "k/pod.yaml", 11)),
        ("k/kustomization.yaml", ("K8S-001", "k/pod.yaml", 11)),
        ("k/pod.yaml", ("K8S-001", "k/pod.yaml", 11)),
    ] {
        let (v, code) = json_check(d.path(), &["--select", "K8S-001,K8S-019", named]);
        assert_eq!(code, 1, "{named}: {v}");
        let want = (want.0.to_string(), want.1.to_string(), want.2);
        assert_eq!(found(&v), [want], "{named}");
        assert!(problems(&v).is_empty(), "{named}: {v}");
    }
    // A folder inside the chart checks the chart too.
    let (v, _) = json_check(d.path(), &["--select", "K8S-001", "c/templates"]);
    assert_eq!(
        found(&v),
        [("K8S-001".to_string(), "c/values.yaml".to_string(), 1)]
    );
    assert!(problems(&v).is_empty(), "{v}");
    // The crds/ file alone: K8S-019 (no namespace) on the file itself.
    let (v, _) = json_check(d.path(), &["--select", "K8S-019", "c/crds/crd.yaml"]);
    assert_eq!(
        found(&v),
        [("K8S-019".to_string(), "c/crds/crd.yaml".to_string(), 3)]
    );
}

/// A chart checked as `.` from its own folder shows its files as the walk shows plain files
/// (`templates/pod.yaml`, `values.yaml`), not `./templates/pod.yaml`.
#[test]
fn a_chart_checked_as_dot_shows_plain_paths() {
    let d = dir_with(&[
        ("Chart.yaml", b"apiVersion: v2\nname: c\nversion: 0.1.0\n" as &[u8]),
        ("values.yaml", b"privileged: true\n" as &[u8]),
        (
            "templates/pod.yaml",
            b"apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: app:1\n      securityContext:\n        privileged: {{ .Values.privileged }}\n" as &[u8],
        ),
    ]);
    let (v, _) = json_check(d.path(), &["--select", "K8S-001,K8S-016", "."]);
    assert_eq!(
        found(&v),
        [
            ("K8S-001".to_string(), "values.yaml".to_string(), 1),
            ("K8S-016".to_string(), "templates/pod.yaml".to_string(), 8)
        ]
    );
}

/// The summary counts the files a run checked, not the roots it rendered: the three manifests
/// and the three kustomizations behind `config/default` are six files (was: 1, the one overlay
/// left once its bases are checked through it).
#[test]
fn files_checked_through_an_overlay_count_in_the_summary() {
    let d = kubebuilder_config();
    let (v, _) = json_check(d.path(), &["config"]);
    assert_eq!(v["summary"]["files"], 6, "{}", v["summary"]);
}

/// A pod without a namespace (K8S-019 when checked without an overlay that sets one).
fn pod_without_namespace(name: &str) -> Vec<u8> {
    common::PRIVILEGED
        .replace(
            "  name: web\n  namespace: shop\n",
            &format!("  name: {name}\n"),
        )
        .into_bytes()
}

/// An overlay that builds nothing (here two kustomization files, which Kustomize refuses to
/// choose between) gives back what it was to check: its base is rendered on its own and its
/// own resource file is checked as written, each said in a note, with the overlay's error
/// (was: the error alone, the base's and the resource file's findings lost as "checked
/// through the overlay").
#[test]
fn an_overlay_that_builds_nothing_gives_back_its_base_and_files() {
    let kust = b"namespace: prod\nresources:\n  - ../../base\n  - extra.yaml\n" as &[u8];
    let d = dir_with(&[
        (
            "base/kustomization.yaml",
            b"resources:\n  - pod.yaml\n" as &[u8],
        ),
        ("base/pod.yaml", &pod_without_namespace("web")),
        ("overlays/prod/kustomization.yaml", kust),
        ("overlays/prod/kustomization.yml", kust),
        ("overlays/prod/extra.yaml", &pod_without_namespace("extra")),
    ]);
    let (v, code) = json_check(d.path(), &["--select", "K8S-001", "."]);
    assert_eq!(code, 2, "{v}");
    assert_eq!(
        found(&v),
        [
            ("K8S-001".to_string(), "base/pod.yaml".to_string(), 10),
            (
                "K8S-001".to_string(),
                "overlays/prod/extra.yaml".to_string(),
                10
            ),
        ]
    );
    let p = problems(&v);
    for want in [
        "error overlays/prod/kustomization.yaml:null:null: overlays/prod has more than one kustomization file",
        "note overlays/prod:null:null: the overlay built nothing, so the bases and charts it deploys are rendered on their own: base",
        "note overlays/prod:null:null: the overlay's build did not read these files it names, so they are checked as written: overlays/prod/extra.yaml",
    ] {
        assert!(
            p.iter().any(|l| l.starts_with(want)),
            "{want:?} not in {p:#?}"
        );
    }
}

/// A base an overlay's build refuses (a Component listed under `resources`, a Kustomization
/// under `components`) is not read by the build, so its resource files are checked as
/// written, with the overlay's located errors (was: not checked anywhere).
#[test]
fn resource_files_of_a_base_the_build_refuses_are_checked_as_written() {
    let d = dir_with(&[
        (
            "comp/kustomization.yaml",
            b"apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources:\n  - cpod.yaml\n" as &[u8],
        ),
        ("comp/cpod.yaml", &pod_without_namespace("cpod")),
        ("base2/kustomization.yaml", b"resources:\n  - b2pod.yaml\n" as &[u8]),
        ("base2/b2pod.yaml", &pod_without_namespace("b2pod")),
        (
            "overlays/stage/kustomization.yaml",
            b"namespace: stage\nresources:\n  - ../../comp\ncomponents:\n  - ../../base2\n" as &[u8],
        ),
    ]);
    let (v, code) = json_check(d.path(), &["--select", "K8S-001", "."]);
    assert_eq!(code, 2, "{v}");
    assert_eq!(
        found(&v),
        [
            ("K8S-001".to_string(), "base2/b2pod.yaml".to_string(), 10),
            ("K8S-001".to_string(), "comp/cpod.yaml".to_string(), 10),
        ]
    );
    let p = problems(&v);
    assert!(
        p.iter()
            .any(|l| l.contains("comp is a Component; it can only be listed under components")),
        "{p:#?}"
    );
}

/// A base shared by an overlay that fails and one that builds stays checked through the one
/// that builds (in its namespace: no K8S-019), not also on its own.
#[test]
fn a_failing_overlay_leaves_a_shared_base_to_the_overlay_that_builds() {
    let kust = b"namespace: prod\nresources:\n  - ../../base\n" as &[u8];
    let d = dir_with(&[
        (
            "base/kustomization.yaml",
            b"resources:\n  - pod.yaml\n" as &[u8],
        ),
        ("base/pod.yaml", &pod_without_namespace("web")),
        ("overlays/prod/kustomization.yaml", kust),
        ("overlays/prod/kustomization.yml", kust),
        (
            "overlays/stage/kustomization.yaml",
            b"namespace: stage\nresources:\n  - ../../base\n" as &[u8],
        ),
    ]);
    let (v, code) = json_check(d.path(), &["--select", "K8S-001,K8S-019", "."]);
    assert_eq!(code, 2, "{v}");
    assert_eq!(
        found(&v),
        [("K8S-001".to_string(), "base/pod.yaml".to_string(), 10)]
    );
    assert!(
        v["findings"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("stage/web")),
        "{v}"
    );
}

/// A chart whose template fails to render is a located error (the template's line), and its
/// `crds/` manifests, plain files Helm installs as they are, are still checked.
#[test]
fn a_chart_that_fails_to_render_still_has_its_crds_checked() {
    let d = dir_with(&[
        ("chart/Chart.yaml", b"apiVersion: v2\nname: c\nversion: 0.1.0\n" as &[u8]),
        (
            "chart/templates/pod.yaml",
            b"apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: a\nspec:\n  containers:\n    - name: c\n      image: busybox:1.36\n      securityContext:\n        privileged: {{ .Values.missing.deep }}\n" as &[u8],
        ),
        ("chart/crds/pod.yaml", common::PRIVILEGED.as_bytes()),
    ]);
    let (v, code) = json_check(d.path(), &["--select", "K8S-001", "."]);
    assert_eq!(code, 2, "{v}");
    assert_eq!(
        found(&v),
        [("K8S-001".to_string(), "chart/crds/pod.yaml".to_string(), 11)]
    );
    let p = problems(&v);
    assert!(
        p.iter()
            .any(|l| l.starts_with("error chart/templates/pod.yaml:11:")
                && l.contains("nil pointer")),
        "{p:#?}"
    );
}

/// An OpenShift `Template` holds the objects `oc process` creates: they are checked, each at
/// its own lines, with the parameters' values substituted as `oc process` does (`${IMAGE}`
/// in a string, `${{REPLICAS}}` as a number); a parameter without a value stays as written
/// (was: the Template was one object of an unknown kind, nothing in it checked).
#[test]
fn an_openshift_template_has_its_objects_checked() {
    let d = dir_with(&[(
        "openshift/template.yaml",
        b"apiVersion: template.openshift.io/v1
kind: Template
metadata:
  name: web-template
parameters:
  - name: IMAGE
    value: quay.io/org/web:latest
  - name: REPLICAS
    value: \"1\"
  - name: NAMESPACE
    required: true
objects:
  - apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
      namespace: ${NAMESPACE}
    spec:
      replicas: ${{REPLICAS}}
      selector:
        matchLabels: {app: web}
      template:
        metadata:
          labels: {app: web}
        spec:
          containers:
            - name: web
              image: ${IMAGE}
              securityContext:
                privileged: true
  - apiVersion: v1
    kind: Service
    metadata:
      name: web
      namespace: ${NAMESPACE}
    spec:
      type: NodePort
      selector: {app: web}
      ports: [{port: 80}]
" as &[u8],
    )]);
    let (v, code) = json_check(
        d.path(),
        &["--select", "K8S-001,K8S-015,K8S-025,K8S-041", "openshift"],
    );
    assert_eq!(code, 1, "{v}");
    let f = "openshift/template.yaml".to_string();
    assert_eq!(
        found(&v),
        [
            ("K8S-001".to_string(), f.clone(), 30),
            // `image: ${IMAGE}` and `replicas: ${{REPLICAS}}`: at the parameters' values.
            ("K8S-015".to_string(), f.clone(), 7),
            ("K8S-025".to_string(), f.clone(), 37),
            ("K8S-041".to_string(), f.clone(), 9),
        ]
    );
    let messages: Vec<&str> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["message"].as_str())
        .collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("${NAMESPACE}/web") && m.contains("quay.io/org/web:latest")),
        "{messages:#?}"
    );
}

/// A finding on a value an OpenShift Template's parameter gives whole (`image: ${IMAGE}`,
/// `privileged: ${{PRIVILEGED}}`) points at the parameter's `value:` line, where a person
/// changes it, with the line using it as a related location (as a Helm value points at its
/// values line); a string mixing text and parameters (`${REGISTRY}/app:latest`) stays on
/// the line using them, the parameters' lines related (was: every finding on the use line).
#[test]
fn an_openshift_template_parameter_finding_points_at_its_value() {
    let d = dir_with(&[(
        "openshift/template.yaml",
        b"apiVersion: template.openshift.io/v1
kind: Template
metadata:
  name: web-template
parameters:
  - name: IMAGE
    value: quay.io/org/web:latest
  - name: PRIVILEGED
    value: \"true\"
  - name: REGISTRY
    value: quay.io/org
objects:
  - apiVersion: v1
    kind: Pod
    metadata:
      name: web
      namespace: web
    spec:
      containers:
        - name: web
          image: ${IMAGE}
          securityContext:
            privileged: ${{PRIVILEGED}}
        - name: side
          image: ${REGISTRY}/side:latest
" as &[u8],
    )]);
    let (v, code) = json_check(d.path(), &["--select", "K8S-001,K8S-015", "openshift"]);
    assert_eq!(code, 1, "{v}");
    let f = "openshift/template.yaml".to_string();
    assert_eq!(
        found(&v),
        [
            ("K8S-001".to_string(), f.clone(), 9),
            ("K8S-015".to_string(), f.clone(), 7),
            ("K8S-015".to_string(), f.clone(), 25),
        ]
    );
    let related = |rule: &str, line: u64| -> Vec<(String, u64)> {
        let finding = v["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .find(|x| x["rule_id"] == rule && x["start_line"] == line)
            .unwrap_or_else(|| panic!("{rule} at {line}: {v}"));
        finding["related"]
            .as_array()
            .expect("related")
            .iter()
            .map(|r| {
                (
                    r["role"].as_str().unwrap_or("").to_string(),
                    r["start_line"].as_u64().unwrap_or(0),
                )
            })
            .collect()
    };
    assert_eq!(related("K8S-015", 7), [("template".to_string(), 21)]);
    assert_eq!(related("K8S-001", 9), [("template".to_string(), 23)]);
    assert_eq!(related("K8S-015", 25), [("values".to_string(), 11)]);
}

/// A finding moved to a Template parameter's `value:` line is suppressed by a comment on or
/// above that line, and as well by one on or above the line using the parameter (was: the
/// comment at the use line suppressed nothing once the finding moved to the value).
#[test]
fn an_openshift_template_parameter_finding_is_suppressed_at_its_use_or_its_value() {
    let d = dir_with(&[(
        "openshift/template.yaml",
        b"apiVersion: template.openshift.io/v1
kind: Template
metadata:
  name: web-template
parameters:
  - name: IMAGE
    value: quay.io/org/web:latest
  - name: PRIVILEGED
    value: \"true\"
  - name: SIDE
    # runeguard:ignore K8S-015 -- the side image is pinned at deploy time
    value: quay.io/org/side:latest
  - name: TOOL
    value: quay.io/org/tool:latest
objects:
  - apiVersion: v1
    kind: Pod
    metadata:
      name: web
      namespace: web
    spec:
      containers:
        - name: web
          image: ${IMAGE} # runeguard:ignore K8S-015 -- rebuilt nightly from a pinned base
          securityContext:
            # runeguard:ignore K8S-001 -- the node agent needs it
            privileged: ${{PRIVILEGED}}
        - name: side
          image: ${SIDE}
        - name: tool
          image: ${TOOL}
" as &[u8],
    )]);
    let (v, code) = json_check(d.path(), &["--select", "K8S-001,K8S-015", "openshift"]);
    assert_eq!(code, 1, "{v}");
    let got: Vec<(String, u64, bool)> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap_or("").to_string(),
                f["start_line"].as_u64().unwrap_or(0),
                !f["suppression"].is_null(),
            )
        })
        .collect();
    let mut got = got;
    got.sort();
    assert_eq!(
        got,
        [
            ("K8S-001".to_string(), 9, true),
            ("K8S-015".to_string(), 7, true),
            ("K8S-015".to_string(), 12, true),
            ("K8S-015".to_string(), 14, false),
        ],
        "{v:#}"
    );
    // Every comment suppressed something: no note says one is unused.
    assert!(v["problems"].as_array().is_none_or(Vec::is_empty), "{v:#}");
}

/// A credential a Template parameter gives an environment variable is reported at the
/// parameter's `value:` line and masked there in every output (the finding moved there;
/// was: on the `${DB_PASSWORD}` line, the value itself never shown but never masked).
#[test]
fn an_openshift_template_parameter_credential_is_masked_where_written() {
    const SECRET: &str = "Zq8vR2kLp0Xw7TnB4mYc";
    let body = format!(
        "apiVersion: template.openshift.io/v1
kind: Template
metadata:
  name: db
parameters:
  - name: DB_PASSWORD
    value: {SECRET}
objects:
  - apiVersion: v1
    kind: Pod
    metadata:
      name: db
      namespace: db
    spec:
      containers:
        - name: db
          image: postgres:16.4
          env:
            - name: DB_PASSWORD
              value: ${{DB_PASSWORD}}
"
    );
    let d = dir_with(&[("openshift/template.yaml", body.as_bytes())]);
    let (v, code) = json_check(d.path(), &["--select", "K8S-017", "openshift"]);
    assert_eq!(code, 1, "{v}");
    assert_eq!(
        found(&v),
        [(
            "K8S-017".to_string(),
            "openshift/template.yaml".to_string(),
            7
        )]
    );
    for format in ["text", "json", "sarif"] {
        let out = common::rg()
            .current_dir(d.path())
            .args([
                "check",
                "--select",
                "K8S-017",
                "--format",
                format,
                "openshift",
            ])
            .output()
            .expect("runs");
        let all = String::from_utf8_lossy(&out.stdout);
        assert!(!all.contains(SECRET), "{format}: {all}");
    }
}

/// `pre-commit` passes a base's manifest together with the kustomization that deploys it: the
/// manifest is then checked as that overlay deploys it, as in a walk (was: also as written,
/// so `controller:latest`, which the overlay's base replaces, was reported, and K8S-001 was
/// reported for the manifest and for the overlay, once each with different messages).
#[test]
fn a_named_manifest_an_overlay_of_the_run_deploys_is_checked_as_deployed() {
    let d = kubebuilder_config();
    let (v, code) = json_check(
        d.path(),
        &[
            "config/manager/manager.yaml",
            "config/default/kustomization.yaml",
        ],
    );
    assert_eq!(code, 1, "{v}");
    let got = found(&v);
    assert!(!got.iter().any(|(r, _, _)| r == "K8S-015"), "{got:?}");
    let k1: Vec<&Value> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule_id"] == "K8S-001")
        .collect();
    assert_eq!(k1.len(), 1, "{k1:?}");
    assert_eq!(k1[0]["file"], "config/manager/manager.yaml");
    // The manifest and the overlay's files behind it: six files, the manifest once.
    assert_eq!(v["summary"]["files"], 6, "{}", v["summary"]);
    assert!(
        k1[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("op-system/op-controller-manager")),
        "{}",
        k1[0]
    );
    // Named alone, the manifest is still checked as written.
    let (v, _) = json_check(d.path(), &["config/manager/manager.yaml"]);
    assert!(found(&v).iter().any(|(r, _, _)| r == "K8S-015"), "{v}");
}

/// A walk does not follow symbolic links (a link to a parent folder would loop; one to a file
/// inside the walk would check it twice); the links it leaves out that lead outside the
/// folder, or to nothing, are named in one note, not skipped silently. A link inside the
/// folder and a link to a loop are quiet, and the run ends.
#[cfg(unix)]
#[test]
fn symbolic_links_out_of_a_walk_are_named_in_a_note() {
    let d = dir_with(&[
        ("repo/real/pod.yaml", common::PRIVILEGED.as_bytes()),
        ("shared/pod.yaml", common::PRIVILEGED.as_bytes()),
    ]);
    let repo = d.path().join("repo");
    let link = |target: &str, at: &str| {
        std::os::unix::fs::symlink(target, repo.join(at)).expect("symlink");
    };
    link("../real", "real/loop");
    link("real/pod.yaml", "inside.yaml");
    link("../shared", "shared");
    link("../shared/pod.yaml", "outside.yaml");
    link("missing.yaml", "broken.yaml");
    let (v, code) = json_check(&repo, &["--select", "K8S-001", "."]);
    assert_eq!(code, 1, "{v}");
    assert_eq!(
        found(&v),
        [("K8S-001".to_string(), "real/pod.yaml".to_string(), 11)]
    );
    assert_eq!(
        problems(&v),
        [
            "note .:null:null: not checked: 3 symbolic links to a folder or file outside it, or to nothing: broken.yaml, outside.yaml, shared (a walk does not follow links; name the targets to check them)"
        ]
    );
    // Named, a link is read: its target is checked.
    let (v, _) = json_check(&repo, &["--select", "K8S-001", "outside.yaml"]);
    assert_eq!(
        found(&v),
        [("K8S-001".to_string(), "outside.yaml".to_string(), 11)]
    );
}

/// A resource file an overlay names outside its folder, which Kustomize refuses (a located
/// error), is not deployed by the overlay: it is checked as written, with a note (was: left
/// out of the walk as the overlay's, and checked nowhere).
#[test]
fn a_resource_file_the_overlay_refuses_is_checked_as_written() {
    let d = dir_with(&[
        ("common/pod.yaml", common::PRIVILEGED.as_bytes()),
        (
            "app/kustomization.yaml",
            b"namespace: x\nresources:\n  - ../common/pod.yaml\n" as &[u8],
        ),
    ]);
    let (v, code) = json_check(d.path(), &["--select", "K8S-001", "."]);
    assert_eq!(code, 2, "{v}");
    assert_eq!(
        found(&v),
        [("K8S-001".to_string(), "common/pod.yaml".to_string(), 11)]
    );
    let p = problems(&v);
    assert!(
        p.iter().any(|l| l.starts_with("error app/kustomization.yaml:3:5: security: file common/pod.yaml is not in or below the kustomization's folder app; Kustomize refuses it, so the overlay does not deploy it")),
        "{p:#?}"
    );
    assert!(
        p.contains(&"note app:null:null: the overlay's build did not read these files it names, so they are checked as written: common/pod.yaml".to_string()),
        "{p:#?}"
    );
}

/// A chart an overlay inflates from its chart home (`helmCharts`, a vendored chart) is checked
/// with the values the overlay gives it, not also on its own with its defaults (was: K8S-001
/// from the chart's default `priv: true`, which the overlay's `valuesInline` turns off, as
/// `kubectl kustomize --enable-helm` shows); an overlay that builds nothing gives it back.
#[test]
fn a_chart_an_overlay_inflates_is_checked_with_the_overlays_values() {
    let kust = b"namespace: prod\nhelmCharts:\n  - name: web\n    releaseName: web\n    valuesInline:\n      priv: false\n" as &[u8];
    let chart: [(&str, &[u8]); 3] = [
        ("app/charts/web/Chart.yaml", b"apiVersion: v2\nname: web\nversion: 0.1.0\n"),
        ("app/charts/web/values.yaml", b"priv: true\n"),
        (
            "app/charts/web/templates/pod.yaml",
            b"apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: c\n      image: busybox:1.36\n      securityContext:\n        privileged: {{ .Values.priv }}\n",
        ),
    ];
    let mut files = chart.to_vec();
    files.push(("app/kustomization.yaml", kust));
    let d = dir_with(&files);
    let (v, code) = json_check(d.path(), &["--select", "K8S-001", "."]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(found(&v), []);
    // A template of it named (pre-commit) checks the overlay that deploys it.
    let (v, code) = json_check(
        d.path(),
        &["--select", "K8S-001", "app/charts/web/templates/pod.yaml"],
    );
    assert_eq!((code, found(&v)), (0, vec![]), "{v}");
    files.push(("app/kustomization.yml", kust));
    let d = dir_with(&files);
    let (v, code) = json_check(d.path(), &["--select", "K8S-001", "."]);
    assert_eq!(code, 2, "{v}");
    assert_eq!(
        found(&v),
        [(
            "K8S-001".to_string(),
            "app/charts/web/values.yaml".to_string(),
            1
        )]
    );
    let p = problems(&v);
    assert!(
        p.contains(&"note app:null:null: the overlay built nothing, so the bases and charts it deploys are rendered on their own: app/charts/web".to_string()),
        "{p:#?}"
    );
}

/// A `.tgz` archive holding these files (a subchart as `helm dependency build` leaves it).
fn tgz(files: &[(&str, &[u8])]) -> Vec<u8> {
    let gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let mut b = tar::Builder::new(gz);
    for (path, data) in files {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        b.append_data(&mut h, path, *data).expect("tar");
    }
    b.into_inner().expect("tar").finish().expect("gzip")
}

/// No line inside a subchart archive (`charts/web-1.0.0.tgz`) is a line of the repository, nor
/// can it carry a suppression comment. A finding there points at the folder chart: a value
/// the subchart's values.yaml set at the deepest entry of the parent's values on the way to
/// the key that overrides it (`web:`), else (a template's literal, a subchart the parent's
/// values say nothing of) at the `dependencies` entry naming it, by alias when it has one.
/// The archive's lines are related locations; a comment at the entry suppresses.
#[test]
fn a_finding_inside_a_subchart_archive_points_at_the_parent_chart() {
    let sub = |name: &str| {
        let chart = format!("apiVersion: v2\nname: {name}\nversion: 1.0.0\n");
        let deploy = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}-{{ .Chart.Name }}\nspec:\n  template:\n    spec:\n      hostNetwork: true\n      containers:\n        - name: app\n          image: nginx:1.27\n          securityContext:\n            {{- toYaml .Values.securityContext | nindent 12 }}\n";
        let values = "securityContext:\n  privileged: true\n";
        tgz(&[
            (&format!("{name}/Chart.yaml"), chart.as_bytes()),
            (&format!("{name}/values.yaml"), values.as_bytes()),
            (&format!("{name}/templates/deploy.yaml"), deploy.as_bytes()),
        ])
    };
    let (web, db) = (sub("web"), sub("db"));
    let d = dir_with(&[
        (
            "c/Chart.yaml",
            b"apiVersion: v2\nname: c\nversion: 0.1.0\ndependencies:\n  - name: web\n    version: 1.0.0\n    repository: https://example.com/charts\n  - name: db\n    alias: cache\n    version: 1.0.0\n    repository: https://example.com/charts\n" as &[u8],
        ),
        ("c/values.yaml", b"web:\n  replicas: 2\n" as &[u8]),
        ("c/charts/web-1.0.0.tgz", &web),
        ("c/charts/db-1.0.0.tgz", &db),
    ]);
    let (v, _) = json_check(d.path(), &["c", "--select", "K8S-001,K8S-008"]);
    let web_at = "c/charts/web-1.0.0.tgz#web";
    let db_at = "c/charts/db-1.0.0.tgz#db";
    let mut got = located_with_related(&v);
    got.sort();
    let at = |rule: &str, file: &str, line: u64, col: u64, related: &[(String, u64)]| {
        (
            rule.to_string(),
            file.to_string(),
            line,
            col,
            related.to_vec(),
        )
    };
    let r = |f: &str, line: u64| (f.to_string(), line);
    assert_eq!(
        got,
        [
            // The parent's values say nothing of `cache`: its entry, by alias.
            at(
                "K8S-001",
                "c/Chart.yaml",
                8,
                5,
                &[
                    r(&format!("{db_at}/values.yaml"), 2),
                    r(&format!("{db_at}/templates/deploy.yaml"), 13),
                ]
            ),
            // `web.securityContext.privileged` would override it, under `web:`.
            at(
                "K8S-001",
                "c/values.yaml",
                1,
                1,
                &[
                    r(&format!("{web_at}/values.yaml"), 2),
                    r(&format!("{web_at}/templates/deploy.yaml"), 13),
                ]
            ),
            // A template's literal: the entry that chose the subchart.
            at(
                "K8S-008",
                "c/Chart.yaml",
                5,
                5,
                &[r(&format!("{web_at}/templates/deploy.yaml"), 8)]
            ),
            at(
                "K8S-008",
                "c/Chart.yaml",
                8,
                5,
                &[r(&format!("{db_at}/templates/deploy.yaml"), 8)]
            ),
        ]
    );
    // The message says where inside the archive (the terminal shows the parent's line only).
    let messages: Vec<&str> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule_id"] == "K8S-008")
        .map(|f| f["message"].as_str().unwrap_or(""))
        .collect();
    assert!(
        messages[0].ends_with(&format!(
            "(inside the archive: {web_at}/templates/deploy.yaml:8)"
        )),
        "{messages:?}"
    );
    // A comment at the entry suppresses what points there.
    std::fs::write(
        d.path().join("c/Chart.yaml"),
        "apiVersion: v2\nname: c\nversion: 0.1.0\ndependencies:\n  # runeguard:ignore K8S-008 -- the web tier needs the host's network\n  - name: web\n    version: 1.0.0\n    repository: https://example.com/charts\n  - name: db\n    alias: cache\n    version: 1.0.0\n    repository: https://example.com/charts\n",
    )
    .expect("write");
    let (v, _) = json_check(d.path(), &["c", "--select", "K8S-008"]);
    let suppressed: Vec<(&str, u64, bool)> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["file"].as_str().unwrap_or(""),
                f["start_line"].as_u64().unwrap_or(0),
                !f["suppression"].is_null(),
            )
        })
        .collect();
    assert_eq!(
        suppressed,
        [("c/Chart.yaml", 6, true), ("c/Chart.yaml", 9, false)],
        "{v}"
    );
}

/// A packaged chart (`helm package`'s `NAME-VERSION.tgz`) given by name is rendered and
/// checked as Helm reads it; one a walk meets outside any chart is named in a note (a walk
/// does not open archives: a chart repository's releases would all be checked), where it was
/// passed over in silence, and given by name it was "binary, not text".
#[test]
fn a_packaged_chart_is_checked_when_given_and_named_when_walked() {
    let deploy = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: x\nspec:\n  template:\n    spec:\n      hostNetwork: true\n      containers:\n        - name: app\n          image: nginx:1.27\n";
    let package = tgz(&[
        (
            "web/Chart.yaml",
            b"apiVersion: v2\nname: web\nversion: 1.0.0\n" as &[u8],
        ),
        ("web/templates/deploy.yaml", deploy.as_bytes()),
    ]);
    let d = dir_with(&[("releases/web-1.0.0.tgz", &package)]);
    let (v, code) = json_check(d.path(), &["releases/web-1.0.0.tgz", "--select", "K8S-008"]);
    assert_eq!(code, 1, "{v}");
    assert_eq!(
        found(&v),
        [(
            "K8S-008".to_string(),
            "releases/web-1.0.0.tgz#web/templates/deploy.yaml".to_string(),
            9
        )],
        "{v}"
    );
    let (v, code) = json_check(d.path(), &["releases", "--select", "K8S-008"]);
    assert_eq!(code, 0, "{v}");
    assert!(found(&v).is_empty(), "{v}");
    assert_eq!(
        problems(&v),
        [
            "note releases:null:null: not checked: packaged Helm charts releases/web-1.0.0.tgz (a walk does not open archives; `runeguard check releases/web-1.0.0.tgz` checks one)"
        ],
        "{v}"
    );
}

/// A subchart's own `global` value is overridden at the parent's top level (`global:`), not
/// under the subchart's key: a finding on it points there.
#[test]
fn a_global_value_inside_a_subchart_archive_points_at_the_parents_global() {
    let deploy = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: g\n  namespace: x\nspec:\n  template:\n    spec:\n      hostNetwork: {{ .Values.global.hostNetwork }}\n      containers:\n        - name: app\n          image: nginx:1.27\n";
    let g = tgz(&[
        (
            "g/Chart.yaml",
            b"apiVersion: v2\nname: g\nversion: 1.0.0\n" as &[u8],
        ),
        ("g/values.yaml", b"global:\n  hostNetwork: true\n" as &[u8]),
        ("g/templates/deploy.yaml", deploy.as_bytes()),
    ]);
    let d = dir_with(&[
        (
            "c/Chart.yaml",
            b"apiVersion: v2\nname: c\nversion: 0.1.0\ndependencies:\n  - name: g\n    version: 1.0.0\n" as &[u8],
        ),
        ("c/values.yaml", b"g:\n  x: 1\nglobal:\n  region: eu\n" as &[u8]),
        ("c/charts/g-1.0.0.tgz", &g),
    ]);
    let (v, _) = json_check(d.path(), &["c", "--select", "K8S-008"]);
    assert_eq!(
        found(&v),
        [("K8S-008".to_string(), "c/values.yaml".to_string(), 3)],
        "{v}"
    );
}

/// A `SECURITY DEFINER` finding underlines the whole clause, in a `CREATE FUNCTION` with the
/// clause on a line of its own (the common migration layout) and in an `ALTER FUNCTION`, not
/// the word `SECURITY` alone (session wild17: a migration's `exec_sql` functions).
#[test]
fn a_security_definer_finding_spans_both_words_of_the_clause() {
    let d = dir_with(&[(
        "m.sql",
        b"CREATE OR REPLACE FUNCTION exec_sql(sql text) RETURNS void\nLANGUAGE plpgsql\nSECURITY DEFINER\nAS $$ BEGIN EXECUTE sql; END; $$;\nCREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;\nALTER FUNCTION f()   SECURITY   DEFINER;\n" as &[u8],
    )]);
    let (v, _) = json_check(d.path(), &["m.sql", "--select", "SQL-009"]);
    let mut spans: Vec<(u64, u64, u64)> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            let n = |k: &str| f[k].as_u64().unwrap_or(0);
            (n("start_line"), n("start_column"), n("end_column"))
        })
        .collect();
    spans.sort();
    assert_eq!(spans, vec![(3, 1, 17), (6, 22, 40)], "{v}");
}

/// A migration that keeps its rollback in the same file (dbmate `-- migrate:down`, goose
/// `-- +goose Down`) is read as its up section leaves the schema: the `DROP TABLE` and
/// `DISABLE ROW LEVEL SECURITY` of the down section no longer erase the tables and the RLS the
/// findings are about, and a note says the section was skipped (session wild17: a dbmate
/// profiles migration).
#[test]
fn a_migrations_rollback_section_is_not_applied() {
    let d = dir_with(&[
        (
            "db/001_profiles.sql",
            b"-- migrate:up\nCREATE TABLE profiles (id uuid PRIMARY KEY, user_id uuid NOT NULL, email text);\n\n-- migrate:down\nDROP TABLE profiles;\n" as &[u8],
        ),
        (
            "db/002_profiles_rls.sql",
            b"-- migrate:up\nALTER TABLE profiles ENABLE ROW LEVEL SECURITY;\nCREATE POLICY own ON profiles FOR SELECT USING (auth.uid() = user_id);\n\n-- migrate:down\nDROP POLICY IF EXISTS own ON profiles;\nALTER TABLE profiles DISABLE ROW LEVEL SECURITY;\n" as &[u8],
        ),
        (
            "db/003_accounts.sql",
            b"-- +goose Up\nCREATE TABLE accounts (id bigint PRIMARY KEY, user_id uuid NOT NULL, email text);\n-- +goose Down\nDROP TABLE accounts;\n" as &[u8],
        ),
        // An empty rollback section skips nothing and is not noted.
        (
            "db/004_counters.sql",
            b"-- migrate:up\nCREATE TABLE counters (id int PRIMARY KEY);\n\n-- migrate:down\n\n" as &[u8],
        ),
    ]);
    let (v, _) = json_check(d.path(), &["db", "--select", "SQL-001,SQL-002"]);
    let mut found = common::findings_of(&v);
    found.sort();
    assert_eq!(
        found,
        vec![
            ("SQL-001".to_string(), "db/003_accounts.sql".to_string(), 2),
            (
                "SQL-002".to_string(),
                "db/002_profiles_rls.sql".to_string(),
                2
            ),
        ],
        "{v}"
    );
    let notes = v["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .filter(|p| {
            p["message"]
                .as_str()
                .unwrap_or("")
                .starts_with("rollback section")
        })
        .count();
    assert_eq!(notes, 3, "{v}");
}

/// PostgreSQL 17's `MAINTAIN` privilege, which every `supabase db dump` of a PostgreSQL 17
/// project writes into its `ALTER DEFAULT PRIVILEGES` lines, was an error that stopped the file
/// (exit 2: "cannot model ALTER DEFAULT PRIVILEGES statement"): sqlparser does not know the word.
/// The statement is read from its tokens like the GRANT beside it, and the rules that read
/// default privileges see it (session wild19: a Supabase schema snapshot).
#[test]
fn default_privileges_with_the_maintain_privilege_are_read() {
    let d = dir_with(&[(
        "schema.sql",
        b"GRANT REFERENCES,TRIGGER,TRUNCATE,MAINTAIN ON TABLE \"public\".\"rooms\" TO \"anon\";\n\
ALTER DEFAULT PRIVILEGES FOR ROLE \"postgres\" IN SCHEMA \"public\" GRANT REFERENCES,TRIGGER,TRUNCATE,MAINTAIN ON TABLES TO PUBLIC;\n\
ALTER DEFAULT PRIVILEGES FOR ROLE \"postgres\" IN SCHEMA \"public\" GRANT SELECT ON SEQUENCES TO \"anon\";\n" as &[u8],
    )]);
    let (v, code) = json_check(d.path(), &["schema.sql", "--select", "SQL-007"]);
    assert!(problems(&v).is_empty(), "{v}");
    assert_eq!(
        found(&v),
        vec![("SQL-007".to_string(), "schema.sql".to_string(), 2)],
        "{v}"
    );
    let msg = v["findings"][0]["message"].as_str().unwrap_or("");
    assert_eq!(
        msg,
        "default privileges: REFERENCES, TRIGGER, TRUNCATE, MAINTAIN on future tables in schema public granted to PUBLIC",
        "{v}"
    );
    assert_eq!(code, 1, "{v}");
}

/// A finding on a key whose value is a flow collection underlines the collection up to its
/// closing bracket: `limits: {memory: 32Mi}` (K8S-013) and `verbs: ["*"]` (K8S-033) lost their
/// last character (session wild18: an Istio lab's Deployments, an operator's ClusterRole).
#[test]
fn a_finding_on_a_flow_collection_ends_at_its_closing_bracket() {
    let d = dir_with(&[(
        "k.yaml",
        b"apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: agent\nrules:\n- apiGroups: [\"\"]\n  resources: [\"pods\"]\n  verbs: [\"create\", \"get\"]\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: ns\nspec:\n  containers:\n    - name: c\n      image: app:1\n      resources:\n        requests: {cpu: 10m, memory: 16Mi}\n        limits: {memory: 32Mi}\n" as &[u8],
    )]);
    let (v, _) = json_check(d.path(), &["k.yaml", "--select", "K8S-013,K8S-033"]);
    let mut spans: Vec<(String, u64, u64, u64)> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            let n = |k: &str| f[k].as_u64().unwrap_or(0);
            (
                f["rule_id"].as_str().unwrap_or("").to_string(),
                n("start_line"),
                n("start_column"),
                n("end_column"),
            )
        })
        .collect();
    spans.sort();
    // `  verbs: ["create", "get"]` is columns 3..=26; `        limits: {memory: 32Mi}` 9..=30.
    assert_eq!(
        spans,
        vec![
            ("K8S-013".to_string(), 21, 9, 31),
            ("K8S-033".to_string(), 8, 3, 27),
        ],
        "{v}"
    );
}

/// `runeguard render` prints a chart's `checksum/secret` pod annotation (a digest of the
/// Secret's manifest) as `helm template` does, and still masks the Secret's own value (session
/// wild18: a security platform's enrichment-service chart).
#[test]
fn a_checksum_of_a_secret_is_rendered_as_helm_prints_it() {
    let d = dir_with(&[
        ("chart/Chart.yaml", b"apiVersion: v2\nname: app\nversion: 0.1.0\n" as &[u8]),
        ("chart/values.yaml", b"apiKey: Zq8vR3xN2pL7tK9wB4mC6yH1\n" as &[u8]),
        (
            "chart/templates/secret.yaml",
            b"apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\n  namespace: ns\nstringData:\n  api-key: {{ .Values.apiKey }}\n" as &[u8],
        ),
        (
            "chart/templates/deployment.yaml",
            b"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\n  namespace: ns\nspec:\n  selector:\n    matchLabels: {app: app}\n  template:\n    metadata:\n      labels: {app: app}\n      annotations:\n        checksum/secret: {{ include (print $.Template.BasePath \"/secret.yaml\") . | sha256sum }}\n    spec:\n      containers:\n        - name: app\n          image: app:1\n" as &[u8],
        ),
    ]);
    let (out, code) = render(d.path(), "chart");
    assert_eq!(code, 0, "{out}");
    assert!(!out.contains("Zq8vR3xN2pL7tK9wB4mC6yH1"), "{out}");
    let line = out
        .lines()
        .find(|l| l.contains("checksum/secret:"))
        .unwrap_or_else(|| panic!("{out}"));
    let digest = line.split(':').nth(1).unwrap_or("").trim();
    assert!(
        digest.len() == 64 && digest.bytes().all(|b| b.is_ascii_hexdigit()),
        "{line}"
    );
}

/// An empty flow collection followed by a comment (`- {} # allow all ingress`) is underlined
/// up to its bracket: K8S-029's span ran to the end of the comment (session wild18: a
/// tenant controller's allow-all NetworkPolicy).
#[test]
fn a_finding_on_an_empty_flow_collection_stops_before_its_comment() {
    let d = dir_with(&[(
        "np.yaml",
        b"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: allow-all-ingress\n  namespace: t1\nspec:\n  podSelector: {}\n  policyTypes:\n    - Ingress\n  ingress:\n    - {} # allow all ingress (NodePort traffic hits pods)\n" as &[u8],
    )]);
    let (v, _) = json_check(d.path(), &["np.yaml", "--select", "K8S-029"]);
    let f = &v["findings"][0];
    let n = |k: &str| f[k].as_u64().unwrap_or(0);
    assert_eq!(
        (
            n("start_line"),
            n("start_column"),
            n("end_line"),
            n("end_column")
        ),
        (11, 7, 11, 9),
        "{v}"
    );
}

/// Each finding's rule, line, column and alias sites (lines of related locations of role
/// `alias`), in report order.
fn at_anchor(v: &Value) -> Vec<(String, u64, u64, Vec<u64>)> {
    v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            let sites = f["related"]
                .as_array()
                .map(|r| {
                    r.iter()
                        .filter(|r| r["role"] == "alias")
                        .map(|r| r["start_line"].as_u64().unwrap_or(0))
                        .collect()
                })
                .unwrap_or_default();
            (
                f["rule_id"].as_str().unwrap_or("").to_string(),
                f["start_line"].as_u64().unwrap_or(0),
                f["start_column"].as_u64().unwrap_or(0),
                sites,
            )
        })
        .collect()
}

fn check_compose(compose: &str, select: &str) -> Value {
    let d = dir_with(&[("docker-compose.yml", compose.as_bytes())]);
    let (v, code) = json_check(d.path(), &["--select", select, "docker-compose.yml"]);
    assert!(code == 0 || code == 1, "{v}");
    v
}

/// Airflow's official docker-compose.yaml: services take their environment through `<<:
/// *airflow-common`. A literal credential there is reported once, at the anchored entry a
/// person changes, each service's `<<:` line related and named in the message (was: one
/// finding per service, each at its `<<:` line, none at the credential). The credential stays
/// masked in every output.
#[test]
fn a_value_merged_through_a_merge_key_points_at_the_anchored_entry() {
    let compose = "x-common: &common
  image: app:1.2
  environment:
    DB_PASSWORD: hunter2-literal-credential
services:
  web:
    <<: *common
  worker:
    <<: *common
";
    let v = check_compose(compose, "CFG-013,CFG-016");
    assert_eq!(at_anchor(&v), [("CFG-013".to_string(), 4, 5, vec![7, 9])]);
    let message = v["findings"][0]["message"].as_str().unwrap_or("");
    assert!(
        message.contains("(and 1 more from this line: services.worker.environment.DB_PASSWORD)"),
        "{message}"
    );
    let d = dir_with(&[("docker-compose.yml", compose.as_bytes())]);
    for format in ["human", "json", "sarif"] {
        let out = rg()
            .current_dir(d.path())
            .args(["check", "--format", format, "docker-compose.yml"])
            .output()
            .expect("runs");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            !text.contains("hunter2-literal-credential"),
            "{format}: {text}"
        );
    }
}

/// `image: *image`: the finding is at the entry whose value is the anchored scalar
/// (`x-image: &image nginx:latest`, as a finding on that entry is), the alias related.
#[test]
fn a_scalar_alias_points_at_the_anchored_scalar() {
    let v = check_compose(
        "x-image: &image nginx:latest
services:
  web:
    image: *image
",
        "CFG-015",
    );
    assert_eq!(at_anchor(&v), [("CFG-015".to_string(), 1, 1, vec![4])]);
}

/// `environment: *env`: an entry of the aliased mapping is at its anchored line.
#[test]
fn an_entry_of_an_aliased_mapping_points_at_its_anchored_line() {
    let v = check_compose(
        "x-env: &env
  DB_PASSWORD: literal-credential-123
services:
  web:
    image: app:1.2
    environment: *env
",
        "CFG-013",
    );
    assert_eq!(at_anchor(&v), [("CFG-013".to_string(), 2, 3, vec![6])]);
}

/// A merge inside a merged mapping (`x-b` merges `x-a`, the service merges `x-b`): the value
/// is at `x-a`, where it is written; the related site is the service's own merge key.
#[test]
fn a_nested_merge_points_at_the_innermost_anchor() {
    let v = check_compose(
        "x-a: &a
  image: app:latest
x-b: &b
  <<: *a
  restart: always
services:
  web:
    <<: *b
",
        "CFG-015",
    );
    assert_eq!(at_anchor(&v), [("CFG-015".to_string(), 2, 3, vec![8])]);
}

/// A key the service sets itself beside `<<:` overrides the merged one: its finding stays at
/// the service's line, with no alias related; the merged value another service takes stays at
/// the anchor.
#[test]
fn a_key_a_service_overrides_stays_at_the_service() {
    let v = check_compose(
        "x-common: &common
  image: app:latest
services:
  web:
    <<: *common
    image: web:latest
  worker:
    <<: *common
",
        "CFG-015",
    );
    assert_eq!(
        at_anchor(&v),
        [
            ("CFG-015".to_string(), 2, 3, vec![8]),
            ("CFG-015".to_string(), 6, 5, vec![]),
        ]
    );
}

/// Anchors in a Kubernetes manifest: a second container reusing the first one's
/// `securityContext` through `*sc` gives the same finding at the same anchored line, folded
/// into one, the alias related.
#[test]
fn an_anchor_in_a_kubernetes_manifest_is_reported_once_at_the_anchor() {
    let d = dir_with(&[(
        "pod.yaml",
        b"apiVersion: v1
kind: Pod
metadata:
  name: p
  namespace: ns
spec:
  containers:
    - name: a
      image: a:1.0
      securityContext: &sc
        privileged: true
    - name: b
      image: b:1.0
      securityContext: *sc
" as &[u8],
    )]);
    let (v, code) = json_check(d.path(), &["--select", "K8S-001", "pod.yaml"]);
    assert_eq!(code, 1, "{v}");
    assert_eq!(at_anchor(&v), [("K8S-001".to_string(), 11, 9, vec![14])]);
}

/// Langfuse's docker-compose.yml: one service's own `environment: &worker-env` merged into
/// another's environment. The credential is reported once at the anchored entry, the merging
/// service's `<<:` line related, and the other service is named by its path (was: named as
/// the document, `and 1 more from this line: Compose file`).
#[test]
fn an_anchor_written_in_a_service_folds_with_the_services_merging_it() {
    let v = check_compose(
        "services:
  worker:
    image: app/worker:3
    environment: &worker-env
      SALT: mysalt
  web:
    image: app/web:3
    environment:
      <<: *worker-env
      NEXTAUTH_URL: http://localhost:3000
",
        "CFG-013",
    );
    assert_eq!(at_anchor(&v), [("CFG-013".to_string(), 5, 7, vec![9])]);
    let message = v["findings"][0]["message"].as_str().unwrap_or("");
    assert!(message.contains("services."), "{message}");
    assert!(!message.contains("Compose file"), "{message}");
}

/// wild34 (PostHog's `docker-compose.base.yml`): `worker: &worker` with `environment:
/// &worker_env`, merged by services whose names sort first (`asyncmigrationscheck`,
/// `migrate`). The folded finding at the worker's own line named the first of them; the line
/// is the worker's, so its message names the worker and the others are listed after it.
#[test]
fn a_fold_at_an_anchor_names_the_service_whose_own_entry_it_is() {
    let v = check_compose(
        "services:
  worker: &worker
    image: app/worker:3
    environment: &worker_env
      PGPASSWORD: posthogpw
  asyncmigrationscheck:
    <<: *worker
    environment:
      <<: *worker_env
      SKIP_SETUP: 0
  migrate:
    <<: *worker
",
        "CFG-013",
    );
    assert_eq!(at_anchor(&v), [("CFG-013".to_string(), 5, 7, vec![9, 12])]);
    let message = v["findings"][0]["message"].as_str().unwrap_or("");
    assert!(message.starts_with("service \"worker\""), "{message}");
    assert!(
        message.contains("services.asyncmigrationscheck.environment.PGPASSWORD"),
        "{message}"
    );
    assert!(
        message.contains("services.migrate.environment.PGPASSWORD"),
        "{message}"
    );
}

/// Compose `extends:` in one file (wild35): the extending service is the base merged into it,
/// as Compose runs it. A value it inherits is reported once, at the base's line where it is
/// written, each extending service's `extends:` entry related (was: the base's finding alone,
/// nothing at the services that run with it); a key the service sets itself wins.
#[test]
fn a_value_inherited_through_extends_points_at_the_base_service() {
    let v = check_compose(
        "services:
  base:
    image: app:1.2
    privileged: true
    environment:
      DB_PASSWORD: hunter2-literal-credential
  web:
    extends: base
    ports: ['8080:8080']
  worker:
    extends:
      service: web
  safe:
    extends:
      service: base
    privileged: false
    environment:
      DB_PASSWORD: ${DB_PASSWORD}
",
        "CFG-012,CFG-013",
    );
    assert_eq!(
        at_anchor(&v),
        [
            ("CFG-012".to_string(), 4, 5, vec![8, 11]),
            ("CFG-013".to_string(), 6, 7, vec![8, 11]),
        ]
    );
    let d = dir_with(&[(
        "docker-compose.yml",
        b"services:\n  base:\n    image: app:1.2\n    environment:\n      DB_PASSWORD: hunter2-literal-credential\n  web:\n    extends: base\n",
    )]);
    for format in ["human", "json", "sarif"] {
        let out = rg()
            .current_dir(d.path())
            .args(["check", "--format", format, "docker-compose.yml"])
            .output()
            .expect("runs");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            !text.contains("hunter2-literal-credential"),
            "{format}: {text}"
        );
    }
}

/// A port published by the extending service of a database image the base names: the rule
/// reading both sees the merged service. A cycle of `extends:` (which Compose refuses) and a
/// base in another file are no crash.
#[test]
fn extends_merges_sequences_and_survives_cycles_and_other_files() {
    let v = check_compose(
        "services:
  db:
    image: postgres:16
    cap_add: [NET_ADMIN]
  db-dev:
    extends:
      service: db
    cap_add: [SYS_PTRACE]
  a:
    extends: b
    image: x:1.0
  b:
    extends: a
",
        "CFG-012",
    );
    assert_eq!(
        at_anchor(&v),
        [
            ("CFG-012".to_string(), 4, 15, vec![6]),
            ("CFG-012".to_string(), 8, 15, vec![]),
        ]
    );
}

/// Compose `extends: {file: ../common/base.yml, service: app}` (wild40): the base service of
/// the other file is merged as Compose merges it (the path relative to the extending file), a
/// finding on an inherited value is at the base file's line with the `extends:` entry related,
/// and the base file checked on its own gives the same finding once. A base file that is
/// missing, or lacks the service, is an error at the `extends:` entry, not a panic; the
/// credential inherited stays masked in every output. Before: only the base file's own
/// findings (none when the base file was not among the inputs), no problem for a missing file.
#[test]
fn a_value_inherited_from_another_files_service_points_at_that_file() {
    let secret = "Kx9vQ2mZt7Lp-extends";
    let base = format!(
        "services:\n  app:\n    image: example/app:1.2.3\n    privileged: true\n    environment:\n      DB_PASSWORD: {secret}\n"
    );
    let compose = "services:
  web:
    extends:
      file: ../common/base.yml
      service: app
    ports: [\"8080:80\"]
  worker:
    extends: {file: missing.yml, service: app}
  other:
    extends: {file: ./../common/base.yml, service: nope}
";
    let d = dir_with(&[
        ("deploy/docker-compose.yml", compose.as_bytes()),
        ("common/base.yml", base.as_bytes()),
    ]);
    let sel = ["--select", "CFG-012,CFG-013"];
    let (v, code) = json_check(
        d.path(),
        &[&sel[..], &["deploy/docker-compose.yml"]].concat(),
    );
    assert_eq!(code, 2, "{v}");
    let located: Vec<(String, String, u64, Vec<u64>)> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .zip(at_anchor(&v))
        .map(|(f, (id, line, _, sites))| {
            (
                id,
                f["file"].as_str().unwrap_or("").to_string(),
                line,
                sites,
            )
        })
        .collect();
    assert_eq!(
        located,
        [
            (
                "CFG-012".to_string(),
                "common/base.yml".to_string(),
                4,
                vec![3]
            ),
            (
                "CFG-013".to_string(),
                "common/base.yml".to_string(),
                6,
                vec![3]
            ),
        ],
        "{v}"
    );
    let problems: Vec<(String, u64)> = v["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .map(|p| {
            (
                p["file"].as_str().unwrap_or("").to_string(),
                p["line"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(
        problems,
        [
            ("deploy/docker-compose.yml".to_string(), 8),
            ("deploy/docker-compose.yml".to_string(), 10),
        ],
        "{v}"
    );
    // The walk reaches the base file too: one finding per base line.
    let (all, _) = json_check(d.path(), &[&sel[..], &["."]].concat());
    assert_eq!(all["findings"].as_array().map(Vec::len), Some(2), "{all}");
    for format in ["human", "json", "sarif", "junit", "html", "table"] {
        let out = rg()
            .current_dir(d.path())
            .args(["check", "--format", format, "deploy/docker-compose.yml"])
            .output()
            .expect("runs");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(!text.contains(secret), "{format}: {text}");
    }
    let out = rg()
        .current_dir(d.path())
        .args(["inspect", "deploy/docker-compose.yml"])
        .output()
        .expect("runs");
    assert!(!String::from_utf8_lossy(&out.stdout).contains(secret));
}

/// A base file's own `extends: {file: …}` is followed (wild43): a chain across three files
/// puts each inherited finding in the file that writes the node, a cycle between files and a
/// UTF-16 base file are problems at the first file's `extends:` entry, and no output shows
/// the credential the chain's last file holds.
#[test]
fn a_chain_of_extends_across_files_is_followed_and_a_cycle_is_a_problem() {
    let secret = "Qm7vX2pLt9Zk-chained";
    let common = format!(
        "services:\n  core:\n    image: example/core:1.2.3\n    environment:\n      DB_PASSWORD4: {secret}\n"
    );
    let base = "services:
  app:
    extends:
      file: ../shared/common.yml
      service: core
    privileged: true
";
    let compose = "services:
  web:
    extends:
      file: ../common/base.yml
      service: app
  loop:
    extends: {file: cycle-a.yml, service: a}
  wide:
    extends: {file: utf16.yml, service: x}
";
    let cycle_a = "services:\n  a:\n    extends: {file: cycle-b.yml, service: b}\n";
    let cycle_b =
        "services:\n  b:\n    extends: {file: cycle-a.yml, service: a}\n    privileged: true\n";
    let mut utf16 = vec![0xFF, 0xFE];
    for u in "services: {}\n".encode_utf16() {
        utf16.extend(u.to_le_bytes());
    }
    let d = dir_with(&[
        ("deploy/docker-compose.yml", compose.as_bytes()),
        ("deploy/cycle-a.yml", cycle_a.as_bytes()),
        ("deploy/cycle-b.yml", cycle_b.as_bytes()),
        ("deploy/utf16.yml", &utf16),
        ("common/base.yml", base.as_bytes()),
        ("shared/common.yml", common.as_bytes()),
    ]);
    let sel = ["--select", "CFG-012,CFG-013"];
    let (v, code) = json_check(
        d.path(),
        &[&sel[..], &["deploy/docker-compose.yml"]].concat(),
    );
    assert_eq!(code, 2, "{v}");
    let mut located: Vec<(String, String, u64, Vec<u64>)> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .zip(at_anchor(&v))
        .map(|(f, (id, line, _, sites))| {
            (
                id,
                f["file"].as_str().unwrap_or("").to_string(),
                line,
                sites,
            )
        })
        .collect();
    located.sort();
    assert_eq!(
        located,
        [
            (
                "CFG-012".to_string(),
                "common/base.yml".to_string(),
                6,
                vec![3]
            ),
            (
                "CFG-012".to_string(),
                "deploy/cycle-b.yml".to_string(),
                4,
                vec![7]
            ),
            (
                "CFG-013".to_string(),
                "shared/common.yml".to_string(),
                5,
                vec![3]
            ),
        ],
        "{v}"
    );
    let problems: Vec<(String, u64, String)> = v["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .map(|p| {
            (
                p["file"].as_str().unwrap_or("").to_string(),
                p["line"].as_u64().unwrap_or(0),
                p["message"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert_eq!(problems.len(), 2, "{v}");
    assert!(
        problems[0].0 == "deploy/docker-compose.yml"
            && problems[0].1 == 7
            && problems[0].2.contains("cycle"),
        "{problems:?}"
    );
    assert!(
        problems[1].1 == 9 && problems[1].2.contains("UTF-16"),
        "{problems:?}"
    );
    for format in ["human", "json", "sarif", "junit", "html", "table"] {
        let out = rg()
            .current_dir(d.path())
            .args(["check", "--format", format, "deploy/docker-compose.yml"])
            .output()
            .expect("runs");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(!text.contains(secret), "{format}: {text}");
    }
    let out = rg()
        .current_dir(d.path())
        .args(["inspect", "deploy/docker-compose.yml"])
        .output()
        .expect("runs");
    assert!(!String::from_utf8_lossy(&out.stdout).contains(secret));
}

/// A Kafka listener without a protocol map is its name's protocol whichever rules run with
/// CFG-017 (wild43: written with a function's `else`, it was reported with `--select CFG-017`
/// alone, which is how the fixtures run, and not beside another rule).
#[test]
fn a_kafka_listener_without_a_map_is_reported_beside_other_rules() {
    let compose = "services:
  kafka:
    image: apache/kafka:3.7.0
    environment:
      KAFKA_LISTENERS: PLAINTEXT://kafka-1:9092
";
    for select in ["CFG-017", "CFG-013,CFG-016,CFG-017"] {
        let v = check_compose(compose, select);
        let at: Vec<(String, u64)> = at_anchor(&v)
            .into_iter()
            .map(|(id, line, _, _)| (id, line))
            .collect();
        assert_eq!(at, [("CFG-017".to_string(), 5)], "{select}: {v}");
    }
}

/// nginx's `include` (wild53): the included file's directives are the including block's for
/// CFG-017's scope (a TLS upstream in a snippet beside the location's `proxy_ssl_verify off`,
/// a snippet's server-level `off` over the includer's TLS location), findings at each file's own
/// lines, a credential of the snippet reported once and shown in no output.
#[test]
fn nginx_includes_are_read_into_the_including_block() {
    let secret = "Zq8-included-db-secret";
    let site = "server {
    listen 443 ssl;
    server_name app.example.com;
    include snippets/ssl-params.conf;
    location /api/ {
        proxy_ssl_verify off;
        include snippets/upstream-tls.conf;
    }
    location /b/ {
        proxy_pass https://b.internal;
    }
    location /c/ {
        include /etc/nginx/snippets/verify-on.conf;
        proxy_pass https://c.internal;
    }
    include snippets/loop.conf;
}
";
    let params = format!(
        "ssl_protocols TLSv1.2 TLSv1.3;\nproxy_ssl_verify off;\nfastcgi_param DB_PASSWORD \"{secret}\";\n"
    );
    let d = dir_with(&[
        ("nginx/sites-available/app", site.as_bytes()),
        ("nginx/snippets/ssl-params.conf", params.as_bytes()),
        (
            "nginx/snippets/upstream-tls.conf",
            b"proxy_pass https://api.internal:8443;\n",
        ),
        ("nginx/snippets/verify-on.conf", b"proxy_ssl_verify on;\n"),
        (
            "nginx/snippets/loop.conf",
            b"include snippets/loop.conf;\nclient_max_body_size 1m;\n",
        ),
    ]);
    let (v, code) = json_check(d.path(), &["--select", "CFG-016,CFG-017", "nginx"]);
    assert_eq!(code, 1, "{v}");
    let mut located: Vec<(String, String, u64)> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap_or("").to_string(),
                f["file"].as_str().unwrap_or("").to_string(),
                f["start_line"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    located.sort();
    let want: Vec<(String, String, u64)> = [
        ("CFG-016", "nginx/snippets/ssl-params.conf", 3),
        ("CFG-017", "nginx/sites-available/app", 6),
        ("CFG-017", "nginx/snippets/ssl-params.conf", 2),
    ]
    .iter()
    .map(|(r, f, l)| (r.to_string(), f.to_string(), *l))
    .collect();
    assert_eq!(located, want, "{v}");
    for format in ["human", "json", "sarif", "junit", "html", "table"] {
        let out = rg()
            .current_dir(d.path())
            .args(["check", "--format", format, "nginx"])
            .output()
            .expect("runs");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(!text.contains(secret), "{format}: {text}");
    }
    for cmd in ["inspect", "render"] {
        let out = rg()
            .current_dir(d.path())
            .args([cmd, "nginx/sites-available/app"])
            .output()
            .expect("runs");
        assert!(
            !String::from_utf8_lossy(&out.stdout).contains(secret),
            "{cmd}"
        );
    }
}

/// A Compose service extending, in its own file, a service that extends a service of another
/// file inherits that file's nodes too, found at that file's lines (wild53).
#[test]
fn an_extends_in_the_file_reaches_a_base_that_extends_another_file() {
    let secret = "Wv3-chain-in-file-secret";
    let compose = "services:
  web:
    extends: app
    image: example/web:1.0.0
  app:
    extends:
      file: ../shared/common.yml
      service: core
";
    let common = format!(
        "services:\n  core:\n    image: example/core:1.2.3\n    privileged: true\n    environment:\n      DB_PASSWORD4: {secret}\n"
    );
    let d = dir_with(&[
        ("deploy/docker-compose.yml", compose.as_bytes()),
        ("shared/common.yml", common.as_bytes()),
    ]);
    let (v, code) = json_check(
        d.path(),
        &["--select", "CFG-012,CFG-013", "deploy/docker-compose.yml"],
    );
    assert_eq!(code, 1, "{v}");
    let mut located: Vec<(String, String, u64, String)> = v["findings"]
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
    located.sort();
    assert_eq!(located.len(), 2, "{v}");
    assert_eq!(
        (located[0].0.as_str(), located[0].1.as_str(), located[0].2),
        ("CFG-012", "shared/common.yml", 4),
        "{v}"
    );
    assert_eq!(
        (located[1].0.as_str(), located[1].1.as_str(), located[1].2),
        ("CFG-013", "shared/common.yml", 6),
        "{v}"
    );
    // Both services are named: `web` reaches the nodes through `app`.
    assert!(located.iter().all(|l| l.3.contains("web")), "{located:?}");
    for format in ["human", "json", "sarif", "junit", "html", "table"] {
        let out = rg()
            .current_dir(d.path())
            .args(["check", "--format", format, "deploy/docker-compose.yml"])
            .output()
            .expect("runs");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(!text.contains(secret), "{format}: {text}");
    }
    let out = rg()
        .current_dir(d.path())
        .args(["inspect", "deploy/docker-compose.yml"])
        .output()
        .expect("runs");
    assert!(!String::from_utf8_lossy(&out.stdout).contains(secret));
}

/// nginx `include` (wild56): a file found in the repository but not read into the including
/// block is a located problem at the `include` line (an error for a named file that does not
/// read as nginx's grammar; a note for a file of another program a glob reached), while a
/// file the repository does not hold (`/etc/nginx/mime.types`, `snippets/letsencrypt.conf`
/// that lives on the server) stays quiet; a `*` in a folder part is expanded.
#[test]
fn nginx_includes_not_read_are_reported_and_folder_globs_are_expanded() {
    let main = "http {
    include /etc/nginx/mime.types;
    include snippets/letsencrypt.conf;
    include conf.d/*.conf;
    include /etc/nginx/sites-enabled/*/*.conf;
    server {
        listen 80;
        location / {
            proxy_ssl_verify off;
            include snippets/broken.conf;
        }
    }
}
";
    let d = dir_with(&[
        ("nginx/nginx.conf", main.as_bytes()),
        (
            "nginx/snippets/broken.conf",
            b"if ($scheme = http) {\n    return 301 https://$host$request_uri;\n\nproxy_pass https://api.internal;\n",
        ),
        ("nginx/conf.d/app.conf", b"server { listen 8080; }\n"),
        (
            "nginx/conf.d/zz.conf",
            b"server {\n  listen 8443;\n  location /z/ {\n    proxy_ssl_verify off;\n    proxy_pass https://z.internal;\n  }\n}\n",
        ),
        (
            "nginx/conf.d/mosquitto.conf",
            b"listener 1883\nallow_anonymous false\n",
        ),
        (
            "nginx/sites-enabled/shop/site.conf",
            b"server {\n  location /s/ {\n    proxy_ssl_verify off;\n    proxy_pass https://shop.internal;\n  }\n}\n",
        ),
    ]);
    let (v, code) = json_check(d.path(), &["--select", "CFG-017", "nginx/nginx.conf"]);
    assert_eq!(code, 2, "{v}");
    // Two files taken in at one `include` line: each finding in its own file.
    assert_eq!(
        found(&v),
        vec![
            ("CFG-017".to_string(), "nginx/conf.d/zz.conf".to_string(), 4),
            (
                "CFG-017".to_string(),
                "nginx/sites-enabled/shop/site.conf".to_string(),
                3
            )
        ],
        "{v}"
    );
    let ps = problems(&v);
    assert_eq!(ps.len(), 2, "{ps:#?}");
    assert!(
        ps.iter().any(|p| p.starts_with("error nginx/nginx.conf:10:13: `include snippets/broken.conf`: invalid nginx configuration at nginx/snippets/broken.conf:1:1: the `if` block is not closed")),
        "{ps:#?}"
    );
    assert!(
        ps.iter().any(|p| p.starts_with("note nginx/nginx.conf:4:5: `include conf.d/*.conf`: nginx/conf.d/mosquitto.conf not read")),
        "{ps:#?}"
    );
}

/// Mosquitto's `include_dir` (wild56): the `*.conf` files of the folder are read, in name
/// order, where the line stands, so a plain anonymous listener written in `conf.d/` is judged
/// with the main file's `allow_anonymous` and reported at its own file's line; a TLS listener
/// there stays quiet; a bridge password there is reported at its line and shown nowhere; a
/// folder the repository does not hold is the server's and stays quiet.
#[test]
fn mosquitto_include_dir_files_are_read_as_the_broker_merges_them() {
    let secret = "Bridge-Pw-7731x";
    let main = "persistence true\nlistener 1883 127.0.0.1\nallow_anonymous true\ninclude_dir /mosquitto/config/conf.d\ninclude_dir /etc/mosquitto/extra.d\n";
    let bridge = format!(
        "connection cloud\naddress broker.example.com:8883\nremote_username edge\nremote_password {secret}\n"
    );
    let d = dir_with(&[
        ("mqtt/mosquitto.conf", main.as_bytes()),
        ("mqtt/conf.d/a-bridge.conf", bridge.as_bytes()),
        (
            "mqtt/conf.d/b-tls.conf",
            b"listener 8883\ncertfile /certs/server.crt\nkeyfile /certs/server.key\n",
        ),
        (
            "mqtt/conf.d/c-websockets.conf",
            b"# dashboards\nlistener 9001\nprotocol websockets\n",
        ),
        ("mqtt/conf.d/notes.txt", b"listener 7000\n"),
    ]);
    let (v, code) = json_check(d.path(), &["--select", "CFG-002,CFG-016", "mqtt"]);
    assert_eq!(code, 1, "{v}");
    assert_eq!(
        found(&v),
        vec![
            (
                "CFG-002".to_string(),
                "mqtt/conf.d/c-websockets.conf".to_string(),
                2
            ),
            (
                "CFG-016".to_string(),
                "mqtt/conf.d/a-bridge.conf".to_string(),
                4
            ),
        ],
        "{v}"
    );
    assert!(problems(&v).is_empty(), "{v}");
    for format in ["human", "json", "sarif", "junit", "html", "table"] {
        let out = rg()
            .current_dir(d.path())
            .args(["check", "--format", format, "mqtt"])
            .output()
            .expect("runs");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(!text.contains(secret), "{format}: {text}");
    }
    for cmd in ["inspect", "render"] {
        let out = rg()
            .current_dir(d.path())
            .args([cmd, "mqtt/mosquitto.conf"])
            .output()
            .expect("runs");
        assert!(
            !String::from_utf8_lossy(&out.stdout).contains(secret),
            "{cmd}"
        );
    }
}
