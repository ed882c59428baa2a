//! Classes of bugs found by running third-party charts and overlays from outside the corpus
//! (docs/rendering.md, "Charts and overlays outside the corpus (session 9)"), each reproduced
//! by a minimal synthetic input of the same form.

use serde_json::Value;

mod common;
use common::{dir_with, rg};

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

/// `runeguard check --format json <args>` in `dir`: the report and the exit code.
fn json_check(dir: &std::path::Path, args: &[&str]) -> (Value, i32) {
    let out = rg()
        .current_dir(dir)
        .args(["check", "--quiet", "--format", "json"])
        .args(args)
        .output()
        .expect("runs");
    let v: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)));
    (v, out.status.code().unwrap_or(-1))
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
/// from `kubectl kustomize`, Kustomize v5).
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
    let s52 = "  s52: |\n    YWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYQ\n    ==\n";
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
        "  k: YWJj\n",
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
