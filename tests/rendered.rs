//! Helm charts checked as rendered inputs: discovery, findings on the values, `--set` and
//! template lines that caused them, related locations, suppressions, bounded rendering, and
//! `runeguard render`.

use serde_json::Value;

mod common;
use common::{dir_with, json_check, rg};

const CHART_YAML: &str = "apiVersion: v2\nname: shop\nversion: 1.2.3\nappVersion: \"4.5\"\n";

/// Values: the privileged flag (line 6) and the replica count (line 1) come from here.
const VALUES: &str = "replicaCount: 1
image:
  repository: registry.example/shop
  tag: \"1.0\"
securityContext:
  privileged: true
  runAsNonRoot: true
podSecurityContext:
  fsGroup: 2000
";

const HELPERS: &str = r#"{{/* Names. */}}
{{- define "shop.fullname" -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- define "shop.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end }}
"#;

/// Line 9: `hostNetwork: true`, a literal of the template.
const DEPLOYMENT: &str = r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "shop.fullname" . }}
  namespace: shop
spec:
  replicas: {{ .Values.replicaCount }}
  template:
    spec:
      hostNetwork: true
      {{- with .Values.podSecurityContext }}
      securityContext:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      containers:
        - name: web
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
          securityContext:
            {{- toYaml .Values.securityContext | nindent 12 }}
"#;

fn chart(extra: &[(&str, &[u8])]) -> tempfile::TempDir {
    let mut files: Vec<(&str, &[u8])> = vec![
        ("chart/Chart.yaml", CHART_YAML.as_bytes()),
        ("chart/values.yaml", VALUES.as_bytes()),
        ("chart/templates/_helpers.tpl", HELPERS.as_bytes()),
        ("chart/templates/deployment.yaml", DEPLOYMENT.as_bytes()),
        (
            "chart/templates/NOTES.txt",
            b"Installed {{ .Release.Name }}.\n{{ if }}broken? no: NOTES is a template\n" as &[u8],
        ),
    ];
    files.retain(|(n, _)| !extra.iter().any(|(e, _)| e == n));
    files.extend_from_slice(extra);
    dir_with(&files)
}

fn finding<'a>(v: &'a Value, rule: &str) -> Vec<&'a Value> {
    v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule_id"] == rule)
        .collect()
}

fn at(f: &Value) -> (String, u64, u64) {
    (
        f["file"].as_str().unwrap_or("").to_string(),
        f["start_line"].as_u64().unwrap_or(0),
        f["start_column"].as_u64().unwrap_or(0),
    )
}

/// `runeguard render chart` in `dir`: the printed stream.
fn render_stream(dir: &std::path::Path) -> String {
    let out = rg()
        .current_dir(dir)
        .args(["render", "chart"])
        .output()
        .expect("runs");
    String::from_utf8(out.stdout).expect("UTF-8")
}

/// The NOTES.txt of the fixture is not valid Go template: fixed per test where it matters.
const NOTES_OK: (&str, &[u8]) = (
    "chart/templates/NOTES.txt",
    b"Installed {{ .Release.Name }}.\n",
);

#[test]
fn findings_point_at_the_values_line_that_set_the_value() {
    let d = chart(&[NOTES_OK]);
    let (v, code) = json_check(d.path(), &["chart", "--select", "K8S-001,K8S-041,K8S-008"]);
    assert_eq!(code, 1, "{v}");
    assert!(v["problems"].as_array().unwrap().is_empty(), "{v}");
    // privileged: true, printed by `toYaml .Values.securityContext`: values.yaml line 6.
    let p = finding(&v, "K8S-001");
    assert_eq!(p.len(), 1, "{v}");
    assert_eq!(at(p[0]), ("chart/values.yaml".into(), 6, 3));
    // The chain: the template action that printed it, and the rendered stream.
    let related: Vec<(String, String, u64)> = p[0]["related"]
        .as_array()
        .expect("related")
        .iter()
        .map(|r| {
            (
                r["role"].as_str().unwrap().to_string(),
                r["file"].as_str().unwrap().to_string(),
                r["start_line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert!(
        related.contains(&(
            "template".into(),
            "chart/templates/deployment.yaml".into(),
            19
        )),
        "{related:?}"
    );
    assert!(
        related.iter().any(|r| r.0 == "rendered" && r.1 == "chart"),
        "{related:?}"
    );
    // replicas: {{ .Values.replicaCount }} → values.yaml line 1.
    let r = finding(&v, "K8S-041");
    assert_eq!(r.len(), 1, "{v}");
    assert_eq!(at(r[0]), ("chart/values.yaml".into(), 1, 1));
    // hostNetwork: true is literal template text: its own line and column.
    let h = finding(&v, "K8S-008");
    assert_eq!(h.len(), 1, "{v}");
    assert_eq!(at(h[0]), ("chart/templates/deployment.yaml".into(), 10, 7));
}

#[test]
fn a_value_given_with_set_points_at_the_set_argument() {
    let d = chart(&[NOTES_OK]);
    let (v, _) = json_check(
        d.path(),
        &[
            "chart",
            "--select",
            "K8S-001",
            "--set",
            "securityContext.privileged=true,image.tag=2",
        ],
    );
    let p = finding(&v, "K8S-001");
    assert_eq!(p.len(), 1, "{v}");
    assert_eq!(
        at(p[0]).0,
        "--set securityContext.privileged,image.tag",
        "{v}"
    );
    // The value is not part of the reported path (it may be a password).
    assert!(!v.to_string().contains("image.tag=2"), "{v}");
    // `--set …=false` removes the finding; a values file given with --values too.
    let (v, code) = json_check(
        d.path(),
        &[
            "chart",
            "--select",
            "K8S-001",
            "--set",
            "securityContext.privileged=false",
        ],
    );
    assert_eq!(code, 0, "{v}");
    let d2 = chart(&[
        NOTES_OK,
        (
            "prod.yaml",
            b"securityContext:\n  privileged: false\n" as &[u8],
        ),
    ]);
    let (v, code) = json_check(
        d2.path(),
        &["chart", "--select", "K8S-001", "--values", "prod.yaml"],
    );
    assert_eq!(code, 0, "{v}");
}

#[test]
fn a_values_file_line_from_values_flag_is_the_location() {
    let d = chart(&[
        NOTES_OK,
        (
            "ci.yaml",
            b"# ci values\nreplicaCount: 1\nsecurityContext:\n  privileged: true\n" as &[u8],
        ),
    ]);
    let (v, _) = json_check(
        d.path(),
        &["chart", "--select", "K8S-001", "--values", "ci.yaml"],
    );
    let p = finding(&v, "K8S-001");
    assert_eq!(p.len(), 1, "{v}");
    assert_eq!(at(p[0]), ("ci.yaml".into(), 4, 3));
}

#[test]
fn templates_values_and_notes_are_not_checked_as_files() {
    // NOTES.txt is broken on purpose: Helm renders only the top chart's notes, and a broken
    // one is a located rendering problem, never "invalid YAML" in a template.
    let d = chart(&[]);
    let (v, code) = json_check(d.path(), &["."]);
    assert_eq!(code, 2, "{v}");
    let problems = v["problems"].as_array().unwrap();
    assert!(
        problems
            .iter()
            .all(|p| p["file"] == "chart/templates/NOTES.txt"),
        "{problems:?}"
    );
    assert!(
        problems[0]["message"]
            .as_str()
            .unwrap()
            .contains("cannot render template"),
        "{problems:?}"
    );
    assert_eq!(problems[0]["line"], 2);
    let files: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["file"].as_str().unwrap())
        .collect();
    assert!(
        !files.contains(&"chart/templates/_helpers.tpl"),
        "{files:?}"
    );
    assert!(!files.iter().any(|f| f.ends_with(".txt")), "{files:?}");
}

#[test]
fn a_failing_template_is_a_located_problem_and_other_charts_are_still_checked() {
    let d = chart(&[
        NOTES_OK,
        ("other/Chart.yaml", b"apiVersion: v2\nname: other\nversion: 0.1.0\n" as &[u8]),
        (
            "other/templates/cm.yaml",
            b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: {{ required \"a value is needed\" .Values.missing }}\n" as &[u8],
        ),
    ]);
    let (v, code) = json_check(d.path(), &[".", "--select", "K8S-001"]);
    assert_eq!(code, 2, "{v}");
    let p = &v["problems"].as_array().unwrap()[0];
    assert_eq!(p["file"], "other/templates/cm.yaml", "{v}");
    assert_eq!(p["line"], 6, "{v}");
    assert!(
        p["message"].as_str().unwrap().contains("a value is needed"),
        "{v}"
    );
    assert_eq!(
        finding(&v, "K8S-001").len(),
        1,
        "the first chart is still checked: {v}"
    );
}

/// A `required` failing in a chart file a helper renders with `tpl (.Files.Get …)`
/// (holistic-pay's `config/password.conf`, turned into a Secret's data): the problem is at
/// the file's line and column, where the value is asked for, not at the helper's `tpl`
/// action (session fid35; it was `_helpers.tpl`, the same for every line of the file).
#[test]
fn a_required_value_in_a_file_rendered_by_tpl_is_located_in_that_file() {
    let d = dir_with(&[
        ("c/Chart.yaml", b"apiVersion: v2\nname: c\nversion: 0.1.0\n" as &[u8]),
        (
            "c/config/app.conf",
            b"user={{ .Values.user }}\n\npassword={{ required \"set secret.password\" .Values.secret.password }}\n"
                as &[u8],
        ),
        (
            "c/templates/_helpers.tpl",
            b"{{- define \"c.conf\" -}}\n{{ tpl (.Files.Get \"config/app.conf\") . | b64enc }}\n{{- end }}\n"
                as &[u8],
        ),
        (
            "c/templates/secret.yaml",
            b"apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ndata:\n  app.conf: {{ include \"c.conf\" . }}\n"
                as &[u8],
        ),
        ("c/values.yaml", b"user: u\nsecret: {}\n" as &[u8]),
    ]);
    let (v, code) = json_check(d.path(), &["c", "--select", "K8S-001"]);
    assert_eq!(code, 2, "{v}");
    let p = &v["problems"].as_array().unwrap()[0];
    assert_eq!(p["file"], "c/config/app.conf", "{v}");
    assert_eq!(
        (p["line"].as_u64(), p["column"].as_u64()),
        (Some(3), Some(13)),
        "{v}"
    );
    assert!(
        p["message"]
            .as_str()
            .unwrap()
            .contains("set secret.password"),
        "{v}"
    );
}

/// A `tpl` text read from a chart file that does not parse (a function no one defines in
/// `config/app.conf`) is located in that file at the line Go's parser names, not at the
/// action that called `tpl` in the helper (session fid36).
#[test]
fn a_parse_error_in_a_file_rendered_by_tpl_is_located_in_that_file() {
    let d = dir_with(&[
        ("c/Chart.yaml", b"apiVersion: v2\nname: c\nversion: 0.1.0\n" as &[u8]),
        (
            "c/config/app.conf",
            b"user={{ .Values.user }}\n\nlevel={{ nosuchfunc .Values.level }}\n" as &[u8],
        ),
        (
            "c/templates/_helpers.tpl",
            b"{{- define \"c.conf\" -}}\n{{ tpl (.Files.Get \"config/app.conf\") . }}\n{{- end }}\n"
                as &[u8],
        ),
        (
            "c/templates/cm.yaml",
            b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: s\ndata:\n  app.conf: {{ include \"c.conf\" . | quote }}\n"
                as &[u8],
        ),
        ("c/values.yaml", b"user: u\nlevel: info\n" as &[u8]),
    ]);
    let (v, code) = json_check(d.path(), &["c", "--select", "K8S-001"]);
    assert_eq!(code, 2, "{v}");
    let p = &v["problems"].as_array().unwrap()[0];
    assert_eq!(p["file"], "c/config/app.conf", "{v}");
    assert_eq!(p["line"].as_u64(), Some(3), "{v}");
    assert!(p["message"].as_str().unwrap().contains("gotpl:3"), "{v}");
}

/// An error inside `tpl` of a values string (a `required` in an annotation value, a parse
/// error in another) is located at that string's values line, the one a person edits, not
/// at the template action that called `tpl` (session fid36).
#[test]
fn an_error_in_tpl_of_a_values_string_is_located_at_its_values_line() {
    let d = dir_with(&[
        ("c/Chart.yaml", b"apiVersion: v2\nname: c\nversion: 0.1.0\n" as &[u8]),
        (
            "c/templates/cm.yaml",
            b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: s\n  annotations:\n    {{- range $k, $v := .Values.notes }}\n    {{ $k }}: {{ tpl $v $ | quote }}\n    {{- end }}\n"
                as &[u8],
        ),
        (
            "c/values.yaml",
            b"notes:\n  a: plain\n  b: \"{{ required \\\"set owner\\\" .Values.owner }}\"\n" as &[u8],
        ),
        (
            "c/ci/broken.yaml",
            b"notes:\n  b: ok\n  c: |\n    first {{ .Release.Name }}\n    second {{ nosuchfunc .Values.x }}\n" as &[u8],
        ),
    ]);
    let (v, code) = json_check(d.path(), &["c", "--select", "K8S-001"]);
    assert_eq!(code, 2, "{v}");
    let p = &v["problems"].as_array().unwrap()[0];
    assert_eq!(p["file"], "c/values.yaml", "{v}");
    assert_eq!(
        (p["line"].as_u64(), p["column"].as_u64()),
        (Some(3), Some(10)),
        "{v}"
    );
    assert!(p["message"].as_str().unwrap().contains("set owner"), "{v}");
    let (v, code) = json_check(
        d.path(),
        &["c", "--values", "c/ci/broken.yaml", "--select", "K8S-001"],
    );
    assert_eq!(code, 2, "{v}");
    let p = &v["problems"].as_array().unwrap()[0];
    assert_eq!(p["file"], "c/ci/broken.yaml", "{v}");
    assert_eq!(p["line"].as_u64(), Some(5), "{v}");
}

/// A masked value after a key written with two spaces (keel's Secret template:
/// `AWS_SECRET_ACCESS_KEY:  {{ .Values.ecr.secretAccessKey | b64enc }}`) is printed quoted
/// by `render`, as one after `: ` is: it was `AWS_SECRET_ACCESS_KEY:  ********`, which YAML
/// reads as an alias, so the printed stream did not parse (session fid35).
#[test]
fn a_masked_value_after_two_spaces_is_printed_as_a_string() {
    let d = dir_with(&[
        ("chart/Chart.yaml", b"apiVersion: v2\nname: c\nversion: 0.1.0\n" as &[u8]),
        (
            "chart/templates/secret.yaml",
            b"apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ndata:\n  AWS_SECRET_ACCESS_KEY:  {{ .Values.key | b64enc }}\n  other:\t{{ .Values.key | b64enc }}\n"
                as &[u8],
        ),
        (
            "chart/values.yaml",
            b"key: \"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\"\n" as &[u8],
        ),
    ]);
    let out = render_stream(d.path());
    assert!(
        out.contains("  AWS_SECRET_ACCESS_KEY:  \"********\"\n")
            && out.contains("  other:\t\"********\"\n"),
        "{out}"
    );
    assert!(!out.contains("d0phbHJYVXRu"), "{out}");
}

/// A problem the rendered stream has (a duplicate key, kured's DaemonSet writes
/// `restartPolicy: Always` twice in its pod spec) is at the template line and at the key's
/// own column there, as in a manifest checked by itself (session fid33; it was column 1, the
/// first byte of the text piece that wrote the line).
#[test]
fn a_duplicate_key_in_a_template_is_at_its_own_line_and_column() {
    let d = dir_with(&[
        ("c/Chart.yaml", b"apiVersion: v2\nname: c\nversion: 0.1.0\n" as &[u8]),
        (
            "c/templates/pod.yaml",
            b"apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  restartPolicy: Always\n  containers:\n    - name: a\n      image: a@sha256:0000000000000000000000000000000000000000000000000000000000000000\n  restartPolicy: Always\n"
                as &[u8],
        ),
    ]);
    let (v, _) = json_check(d.path(), &["c", "--select", "K8S-001"]);
    let p = &v["problems"].as_array().unwrap()[0];
    assert_eq!(p["file"], "c/templates/pod.yaml", "{v}");
    assert_eq!(
        (p["line"].as_u64(), p["column"].as_u64()),
        (Some(10), Some(3)),
        "{v}"
    );
    assert!(
        p["message"].as_str().unwrap().contains("duplicate key"),
        "{v}"
    );
}

#[test]
fn a_template_that_includes_itself_is_stopped() {
    let d = chart(&[
        NOTES_OK,
        (
            "chart/templates/_loop.tpl",
            b"{{- define \"loop\" -}}{{ include \"loop\" . }}{{- end -}}\n" as &[u8],
        ),
        (
            "chart/templates/loop.yaml",
            b"{{ include \"loop\" . }}\n" as &[u8],
        ),
    ]);
    let (v, code) = json_check(d.path(), &["chart", "--select", "K8S-001"]);
    assert_eq!(code, 2, "{v}");
    let p = &v["problems"].as_array().unwrap()[0];
    assert!(
        // Helm's text for an include nested too deep.
        p["message"]
            .as_str()
            .unwrap()
            .contains("rendering template has a nested reference name: loop"),
        "{v}"
    );
    assert_eq!(p["file"], "chart/templates/_loop.tpl", "{v}");
    // The rest of the chart still renders and is checked.
    assert_eq!(finding(&v, "K8S-001").len(), 1, "{v}");
}

#[test]
fn an_alias_bomb_in_values_is_stopped() {
    let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 0..9u8 {
        let (p, n) = ((b'a' + i) as char, (b'b' + i) as char);
        bomb.push_str(&format!(
            "{n}: &{n} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
        ));
    }
    let d = chart(&[NOTES_OK, ("chart/values.yaml", bomb.as_bytes())]);
    let (v, code) = json_check(d.path(), &["chart"]);
    assert_eq!(code, 2, "{v}");
    // The templates still render without those values (a field of a missing value is then
    // Go's nil-pointer error, as in Helm); the bomb itself is located in the values file.
    let problems = v["problems"].as_array().unwrap();
    assert!(
        problems.iter().any(|p| p["file"] == "chart/values.yaml"
            && p["message"].as_str().unwrap().contains("alias")),
        "{v}"
    );
}

#[test]
fn a_suppression_comment_in_the_values_file_applies() {
    let values = VALUES.replace(
        "  privileged: true\n",
        "  # runeguard:ignore K8S-001 -- the CNI agent needs it\n  privileged: true\n",
    );
    let d = chart(&[NOTES_OK, ("chart/values.yaml", values.as_bytes())]);
    let (v, code) = json_check(d.path(), &["chart", "--select", "K8S-001"]);
    assert_eq!(code, 0, "{v}");
    let p = finding(&v, "K8S-001");
    assert_eq!(p.len(), 1, "{v}");
    assert_eq!(
        p[0]["suppression"]["justification"],
        "the CNI agent needs it"
    );
}

/// A finding moved to a values line is suppressed as well by a comment on or above the
/// template line that printed the value (was: that comment suppressed nothing).
#[test]
fn a_suppression_comment_on_the_template_line_applies_to_its_values_finding() {
    let template = DEPLOYMENT.replace(
        "            {{- toYaml .Values.securityContext",
        "            # runeguard:ignore K8S-001 -- the CNI agent needs it\n            {{- toYaml .Values.securityContext",
    );
    let d = chart(&[
        NOTES_OK,
        ("chart/templates/deployment.yaml", template.as_bytes()),
    ]);
    let (v, code) = json_check(d.path(), &["chart", "--select", "K8S-001"]);
    let p = finding(&v, "K8S-001");
    assert_eq!(p.len(), 1, "{v}");
    assert_eq!(p[0]["file"], "chart/values.yaml", "{v}");
    assert_eq!(
        p[0]["suppression"]["justification"], "the CNI agent needs it",
        "{v}"
    );
    assert_eq!(code, 0, "{v}");
}

/// A Go template comment holds a directive too (`{{- /* runeguard:ignore … */}}` renders
/// nothing, so the rendered manifests carry no comment): alone on its line it covers the
/// next one, after a node its own line, and on the template line that printed a value it
/// covers the finding moved to the values line.
#[test]
fn a_go_template_comment_suppresses_like_a_yaml_comment() {
    let template = DEPLOYMENT
        .replace(
            "      hostNetwork: true\n",
            "      {{- /* runeguard:ignore K8S-008 -- the CNI agent needs the host network */}}\n      hostNetwork: true\n",
        )
        .replace(
            "            {{- toYaml .Values.securityContext | nindent 12 }}",
            "            {{- toYaml .Values.securityContext | nindent 12 }} {{- /* runeguard:ignore K8S-001 -- the CNI agent needs it */}}",
        );
    let d = chart(&[
        NOTES_OK,
        ("chart/templates/deployment.yaml", template.as_bytes()),
    ]);
    let (v, code) = json_check(d.path(), &["chart", "--select", "K8S-001,K8S-008"]);
    let why = |rule: &str| -> Vec<String> {
        finding(&v, rule)
            .iter()
            .map(|f| {
                f["suppression"]["justification"]
                    .as_str()
                    .unwrap_or("")
                    .to_string()
            })
            .collect()
    };
    assert_eq!(
        why("K8S-008"),
        ["the CNI agent needs the host network"],
        "{v}"
    );
    assert_eq!(why("K8S-001"), ["the CNI agent needs it"], "{v}");
    assert_eq!(code, 0, "{v}");
    // The rendered stream holds neither comment.
    assert!(!render_stream(d.path()).contains("runeguard:ignore"));
}

#[test]
fn the_same_origin_reached_twice_is_reported_once() {
    // Two Deployments from one template line and one values line: one finding.
    let twice = DEPLOYMENT.to_string()
        + "---\n"
        + &DEPLOYMENT.replace("name: {{ include \"shop.fullname\" . }}", "name: second");
    let d = chart(&[
        NOTES_OK,
        ("chart/templates/deployment.yaml", twice.as_bytes()),
    ]);
    let (v, _) = json_check(d.path(), &["chart", "--select", "K8S-001"]);
    assert_eq!(finding(&v, "K8S-001").len(), 1, "{v}");
}

#[test]
fn sarif_carries_the_chain_as_related_locations() {
    let d = chart(&[NOTES_OK]);
    let out = rg()
        .current_dir(d.path())
        .args([
            "check", "--quiet", "--format", "sarif", "--select", "K8S-001", "chart",
        ])
        .output()
        .expect("runs");
    let v: Value = serde_json::from_slice(&out.stdout).expect("sarif");
    let r = &v["runs"][0]["results"][0];
    assert_eq!(
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "chart/values.yaml"
    );
    let rel = r["relatedLocations"].as_array().expect("relatedLocations");
    assert!(
        rel.iter()
            .any(|l| l["physicalLocation"]["artifactLocation"]["uri"]
                == "chart/templates/deployment.yaml"
                && l["physicalLocation"]["region"]["startLine"] == 19)
    );
}

#[test]
fn render_prints_the_stream_with_source_comments() {
    let d = chart(&[NOTES_OK]);
    let out = rg()
        .current_dir(d.path())
        .args(["render", "chart", "--set", "replicaCount=3"])
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with("---\n# Source: shop/templates/deployment.yaml\n"),
        "{text}"
    );
    assert!(text.contains("  name: release-name-shop\n"), "{text}");
    assert!(text.contains("  replicas: 3\n"), "{text}");
    assert!(
        text.contains("      securityContext:\n        fsGroup: 2000\n"),
        "{text}"
    );
    // --origins names each line's origins.
    let out = rg()
        .current_dir(d.path())
        .args(["render", "chart", "--origins"])
        .output()
        .expect("runs");
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("privileged: true  # <- values chart/values.yaml:6, template chart/templates/deployment.yaml:19"),
        "{text}"
    );
}

#[test]
fn runeguard_yaml_gives_a_chart_its_values_and_release() {
    let d = chart(&[
        NOTES_OK,
        (
            "prod-values.yaml",
            b"securityContext:\n  privileged: false\n" as &[u8],
        ),
        (
            ".runeguard.yaml",
            b"render:\n  - path: chart\n    release-name: prod\n    values: [prod-values.yaml]\n"
                as &[u8],
        ),
    ]);
    let (v, code) = json_check(d.path(), &["chart", "--select", "K8S-001"]);
    assert_eq!(code, 0, "{v}");
    let out = rg()
        .current_dir(d.path())
        .args(["render", "chart"])
        .output()
        .expect("runs");
    assert!(String::from_utf8_lossy(&out.stdout).contains("name: prod-shop"));
}

#[test]
fn subcharts_conditions_and_globals() {
    let d = chart(&[
        NOTES_OK,
        (
            "chart/Chart.yaml",
            b"apiVersion: v2\nname: shop\nversion: 1.0.0\ndependencies:\n  - name: cache\n    version: 1.0.0\n    condition: cache.enabled\n  - name: mail\n    version: 1.0.0\n    condition: mail.enabled\n" as &[u8],
        ),
        (
            "chart/values.yaml",
            b"global:\n  ns: shared\ncache:\n  enabled: true\n  size: 5\nmail:\n  enabled: false\n" as &[u8],
        ),
        ("chart/charts/cache/Chart.yaml", b"apiVersion: v2\nname: cache\nversion: 1.0.0\n" as &[u8]),
        ("chart/charts/cache/values.yaml", b"size: 1\nmode: lru\n" as &[u8]),
        (
            "chart/charts/cache/templates/cm.yaml",
            b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cache\n  namespace: {{ .Values.global.ns }}\ndata:\n  size: {{ .Values.size | quote }}\n  mode: {{ .Values.mode }}\n" as &[u8],
        ),
        ("chart/charts/mail/Chart.yaml", b"apiVersion: v2\nname: mail\nversion: 1.0.0\n" as &[u8]),
        ("chart/charts/mail/templates/cm.yaml", b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: mail\n" as &[u8]),
    ]);
    let out = rg()
        .current_dir(d.path())
        .args(["render", "chart"])
        .output()
        .expect("runs");
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("# Source: shop/charts/cache/templates/cm.yaml\n"),
        "{text}"
    );
    assert!(text.contains("namespace: shared\n"), "{text}");
    assert!(text.contains("size: \"5\"\n"), "{text}");
    assert!(text.contains("mode: lru\n"), "{text}");
    assert!(!text.contains("name: mail"), "{text}");
}

#[test]
fn ci_values_files_are_checked_when_asked() {
    let d = chart(&[
        NOTES_OK,
        (
            "chart/values.yaml",
            VALUES
                .replace("privileged: true", "privileged: false")
                .as_bytes(),
        ),
        (
            "chart/ci/priv-values.yaml",
            b"securityContext:\n  privileged: true\n" as &[u8],
        ),
    ]);
    let (v, code) = json_check(d.path(), &["chart", "--select", "K8S-001"]);
    assert_eq!(code, 0, "ci/ is not used unless asked: {v}");
    let (v, code) = json_check(
        d.path(),
        &["chart", "--select", "K8S-001", "--helm-ci-values"],
    );
    assert_eq!(code, 1, "{v}");
    assert_eq!(
        at(finding(&v, "K8S-001")[0]),
        ("chart/ci/priv-values.yaml".into(), 2, 3)
    );
}

/// A chart whose default values do not render (`required`) but whose `ci/*.yaml` values do
/// is checked with those, as chart-testing checks it, and the defaults' failure is a note
/// (was: exit 2 with `--helm-ci-values` too). Without a ci rendering that works, it stays an
/// error.
#[test]
fn a_chart_needing_values_is_checked_with_its_ci_values() {
    let d = dir_with(&[
        ("c/Chart.yaml", b"apiVersion: v2\nname: c\nversion: 0.1.0\n" as &[u8]),
        ("c/values.yaml", b"host: \"\"\n" as &[u8]),
        ("c/ci/test-values.yaml", b"host: example.com\n" as &[u8]),
        (
            "c/templates/cm.yaml",
            b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: x\ndata:\n  host: {{ required \"host is required\" .Values.host }}\n" as &[u8],
        ),
    ]);
    let (v, code) = json_check(d.path(), &["c"]);
    assert_eq!(code, 2, "{v}");
    assert!(
        v["problems"][0]["message"].as_str().unwrap().ends_with(
            "(the chart has ci/*.yaml test values: `--helm-ci-values` checks it with them)"
        ),
        "{v}"
    );
    let (v, code) = json_check(d.path(), &["c", "--helm-ci-values"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["summary"]["documents"], 1, "{v}");
    let p = v["problems"].as_array().unwrap();
    assert_eq!(p.len(), 1, "{v}");
    assert_eq!(p[0]["level"], "note");
    let m = p[0]["message"].as_str().unwrap();
    assert!(
        m.starts_with("with the chart's default values: cannot render template:")
            && m.contains("host is required")
            && m.ends_with("checked with its ci/*.yaml values instead, as chart-testing checks a chart that has them"),
        "{m}"
    );
    // A ci file that does not supply the value either: the error stands.
    std::fs::write(d.path().join("c/ci/test-values.yaml"), "other: 1\n").unwrap();
    let (v, code) = json_check(d.path(), &["c", "--helm-ci-values"]);
    assert_eq!(code, 2, "{v}");
}

/// An environment's values file beside `values.yaml` is not read by Helm unless given: a
/// note names it (the chart was not checked as it deploys there), until the run uses it.
#[test]
fn values_files_beside_values_yaml_that_the_run_does_not_use_are_named() {
    let d = dir_with(&[
        ("c/Chart.yaml", b"apiVersion: v2\nname: c\nversion: 0.1.0\n" as &[u8]),
        ("c/values.yaml", b"host: a\n" as &[u8]),
        ("c/values-prod.yaml", b"host: b\n" as &[u8]),
        ("c/values.staging.yml", b"host: c\n" as &[u8]),
        ("c/artifacthub-repo.yml", b"repositoryID: x\n" as &[u8]),
        (
            "c/templates/cm.yaml",
            b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: x\ndata:\n  host: {{ .Values.host }}\n" as &[u8],
        ),
    ]);
    let notes = |v: &serde_json::Value| -> Vec<String> {
        v["problems"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["level"] == "note")
            .map(|p| p["file"].as_str().unwrap().to_string())
            .collect()
    };
    let (v, code) = json_check(d.path(), &["c"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(
        notes(&v),
        ["c/values-prod.yaml", "c/values.staging.yml"],
        "{v}"
    );
    assert!(
        v["problems"][0]["message"]
            .as_str()
            .unwrap()
            .contains("`--values c/values-prod.yaml`"),
        "{v}"
    );
    let (v, _) = json_check(d.path(), &["c", "--values", "c/values-prod.yaml"]);
    assert_eq!(notes(&v), ["c/values.staging.yml"], "{v}");
}

/// Several `render:` entries for one chart are several environments: each is rendered and
/// checked (the second was ignored before). A finding of one environment points at its values
/// file; one that both render from the same line is reported once; their values files are
/// not named as unused; each stream is named after its values files.
#[test]
fn each_render_entry_of_a_chart_is_checked() {
    let d = dir_with(&[
        (
            ".runeguard.yaml",
            b"render:\n  - path: c\n    values: [c/values-prod.yaml]\n  - path: c\n    values: [c/values-staging.yaml]\n" as &[u8],
        ),
        ("c/Chart.yaml", b"apiVersion: v2\nname: c\nversion: 0.1.0\n" as &[u8]),
        ("c/values.yaml", b"privileged: false\nimage: nginx:1.27\n" as &[u8]),
        ("c/values-prod.yaml", b"privileged: true\n" as &[u8]),
        ("c/values-staging.yaml", b"image: nginx:latest\n" as &[u8]),
        (
            "c/templates/deploy.yaml",
            b"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: c\n  namespace: x\nspec:\n  template:\n    spec:\n      hostNetwork: true\n      containers:\n        - name: app\n          image: {{ .Values.image }}\n          securityContext:\n            privileged: {{ .Values.privileged }}\n" as &[u8],
        ),
    ]);
    let (v, code) = json_check(d.path(), &["c", "--select", "K8S-001,K8S-008,K8S-015"]);
    assert_eq!(code, 1, "{v}");
    let mut got = common::findings_of(&v);
    got.sort();
    let f = |rule: &str, file: &str, line: u64| (rule.to_string(), file.to_string(), line);
    assert_eq!(
        got,
        [
            f("K8S-001", "c/values-prod.yaml", 1),
            f("K8S-008", "c/templates/deploy.yaml", 9),
            f("K8S-015", "c/values-staging.yaml", 1),
        ],
        "{v}"
    );
    assert!(v["problems"].as_array().unwrap().is_empty(), "{v}");
    let streams: Vec<&str> = finding(&v, "K8S-001")
        .iter()
        .chain(finding(&v, "K8S-015").iter())
        .flat_map(|f| f["related"].as_array().unwrap())
        .filter(|r| r["role"] == "rendered")
        .map(|r| r["file"].as_str().unwrap())
        .collect();
    assert_eq!(
        streams,
        [
            "c (values values-prod.yaml)",
            "c (values values-staging.yaml)"
        ],
        "{v}"
    );
    // `render` prints the first entry's rendering, and says that there are others.
    let out = rg()
        .current_dir(d.path())
        .args(["render", "c"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("privileged: true"));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("2 render: entries for this folder"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_ci_rendering_reports_the_charts_own_files_under_their_paths_once() {
    // privileged: true comes from values.yaml in every rendering; the ci file changes
    // something else. The finding is at chart/values.yaml (a real file), once; only the
    // ci rendering's stream carries the `(values ci/…)` label.
    let d = chart(&[
        NOTES_OK,
        ("chart/ci/more-values.yaml", b"replicaCount: 3\n" as &[u8]),
    ]);
    let (v, code) = json_check(
        d.path(),
        &["chart", "--select", "K8S-001", "--helm-ci-values"],
    );
    assert_eq!(code, 1, "{v}");
    let p = finding(&v, "K8S-001");
    assert_eq!(p.len(), 1, "{v}");
    assert_eq!(at(p[0]), ("chart/values.yaml".into(), 6, 3));
    for r in p[0]["related"].as_array().unwrap() {
        if r["role"] != "rendered" {
            assert!(
                !r["file"].as_str().unwrap().contains("(values"),
                "{r}: a chart file is named by its path"
            );
        }
    }
}

#[test]
fn an_overlays_patches_are_not_checked_as_files_but_its_resources_are() {
    let d = dir_with(&[
        ("base/deployment.yaml", common::PRIVILEGED.as_bytes()),
        (
            "base/kustomization.yaml",
            b"resources:\n  - deployment.yaml\npatches:\n  - path: patch.yaml\n" as &[u8],
        ),
        (
            "base/patch.yaml",
            b"apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  hostNetwork: true\n"
                as &[u8],
        ),
    ]);
    let (v, _) = json_check(d.path(), &["."]);
    let files: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["file"].as_str().unwrap())
        .collect();
    assert!(files.contains(&"base/deployment.yaml"), "{v}");
    assert!(!files.contains(&"base/patch.yaml"), "{v}");
    assert!(!files.contains(&"base/kustomization.yaml"), "{v}");
}

#[test]
fn inspect_of_a_chart_shows_origins_and_documents() {
    let d = chart(&[NOTES_OK]);
    let out = rg()
        .current_dir(d.path())
        .args(["inspect", "chart"])
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("hostNetwork: true  # <- template chart/templates/deployment.yaml:10"),
        "{text}"
    );
    assert!(
        text.contains(
            "# chart document 1: kubernetes (Deployment) — Deployment shop/release-name-shop"
        ),
        "{text}"
    );
    // With the run's settings, as `check` renders it: `--set` and the release name of the
    // configuration's `render:` entry.
    std::fs::write(
        d.path().join(".runeguard.yaml"),
        "render:\n  - path: chart\n    release-name: web\n",
    )
    .unwrap();
    let out = rg()
        .current_dir(d.path())
        .args(["inspect", "chart", "--set", "replicaCount=7"])
        .output()
        .expect("runs");
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains(
            "replicas: 7  # <- template chart/templates/deployment.yaml:7, set --set replicaCount"
        ),
        "{text}"
    );
    assert!(text.contains("Deployment shop/web-shop"), "{text}");
}

#[test]
fn a_template_that_renders_too_much_is_stopped() {
    let d = chart(&[
        NOTES_OK,
        (
            "chart/templates/big.yaml",
            b"{{- $s := repeat 100000 \"x\" }}\n{{- range until 1000 }}{{ $s }}{{ end }}\n"
                as &[u8],
        ),
    ]);
    let (v, code) = json_check(d.path(), &["chart", "--select", "K8S-001"]);
    assert_eq!(code, 2, "{v}");
    let p = &v["problems"].as_array().unwrap()[0];
    assert_eq!(p["file"], "chart/templates/big.yaml", "{v}");
    assert!(p["message"].as_str().unwrap().contains("over 64 MB"), "{v}");
    assert_eq!(
        finding(&v, "K8S-001").len(),
        1,
        "the other templates are checked: {v}"
    );
}

#[test]
fn set_changes_the_map_it_is_given_as_go_does() {
    let d = chart(&[
        NOTES_OK,
        (
            "chart/templates/cm.yaml",
            b"{{- $d := dict \"a\" \"1\" }}\n{{- $_ := set $d \"b\" \"2\" }}\n{{- $_ := set .Values \"computed\" \"yes\" }}\n{{- $_ := unset $.Values \"image\" }}\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n  namespace: shop\ndata:\n  d: {{ $d | toJson | quote }}\n  computed: {{ .Values.computed | quote }}\n  image: {{ $.Values.image | toJson | quote }}\n" as &[u8],
        ),
    ]);
    let out = rg()
        .current_dir(d.path())
        .args(["render", "chart"])
        .output()
        .expect("runs");
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("  d: \"{\\\"a\\\":\\\"1\\\",\\\"b\\\":\\\"2\\\"}\"\n"),
        "{text}"
    );
    assert!(text.contains("  computed: \"yes\"\n"), "{text}");
    assert!(text.contains("  image: \"null\"\n"), "{text}");
}

#[test]
fn values_that_break_the_schema_are_located_at_their_values_line() {
    let d = chart(&[
        NOTES_OK,
        (
            "chart/values.schema.json",
            br#"{"type": "object", "properties": {"replicaCount": {"type": "integer", "minimum": 1}}}"# as &[u8],
        ),
        ("bad.yaml", b"# bad\nreplicaCount: 0\n" as &[u8]),
    ]);
    let (v, code) = json_check(
        d.path(),
        &["chart", "--select", "K8S-001", "--values", "bad.yaml"],
    );
    assert_eq!(code, 2, "{v}");
    let p = &v["problems"].as_array().unwrap()[0];
    assert_eq!(
        (p["file"].as_str().unwrap(), p["line"].as_u64().unwrap()),
        ("bad.yaml", 2),
        "{v}"
    );
    assert!(
        p["message"]
            .as_str()
            .unwrap()
            .contains("values.schema.json: at '/replicaCount': minimum: got 0, want 1"),
        "{v}"
    );
    let (v, code) = json_check(d.path(), &["chart", "--select", "K8S-001"]);
    assert_eq!(code, 1, "valid values: {v}");
}

#[test]
fn a_suppression_comment_heading_a_template_document_covers_that_document_only() {
    // The template's documents are known through the source map: the comment heads the
    // second, which came from lines 14-23; the first stays reported.
    let pod = |name: &str| {
        format!(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\n  namespace: shop\nspec:\n  hostNetwork: true\n  containers:\n    - name: app\n      image: app:1\n"
        )
    };
    let pods = format!(
        "{}---\n# runeguard:ignore K8S-008 -- the second pod needs the host network\n\n{}",
        pod("first"),
        pod("second")
    );
    let d = chart(&[NOTES_OK, ("chart/templates/pods.yaml", pods.as_bytes())]);
    let (v, _) = json_check(d.path(), &["chart", "--select", "K8S-008"]);
    let in_pods: Vec<(u64, &Value)> = finding(&v, "K8S-008")
        .into_iter()
        .filter(|f| f["file"] == "chart/templates/pods.yaml")
        .map(|f| (f["start_line"].as_u64().unwrap_or(0), &f["suppression"]))
        .collect();
    assert_eq!(in_pods.len(), 2, "{v}");
    assert_eq!(in_pods[0].0, 7, "{v}");
    assert!(in_pods[0].1.is_null(), "{v}");
    assert_eq!(in_pods[1].0, 20, "{v}");
    assert_eq!(
        in_pods[1].1["justification"], "the second pod needs the host network",
        "{v}"
    );
}

/// Go's maps are references: `merge`/`set` through one holder (a variable that took
/// `.Values.x`) change the map every holder sees, in this template and in the templates
/// Helm renders after it (names in reverse order: `c-…` before `b-…`); `deepCopy` copies.
#[test]
fn a_map_changed_through_one_holder_is_changed_for_every_holder() {
    let d = chart(&[
        NOTES_OK,
        (
            "chart/values.yaml",
            b"annotations:\n  team: a\nimage:\n  tag: \"1.0\"\n" as &[u8],
        ),
        (
            "chart/templates/c-first.yaml",
            b"{{- $defaults := .Values.annotations }}\n{{- $_ := merge $defaults (dict \"added\" \"yes\") }}\n{{- $alias := $defaults }}\n{{- $_ := set $alias \"via\" \"alias\" }}\n{{- $copy := deepCopy .Values.image }}\n{{- $_ := set $copy \"tag\" \"changed\" }}\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: first\n  namespace: shop\ndata:\n  here: {{ .Values.annotations | toJson | quote }}\n  copy: {{ $copy.tag | quote }}\n" as &[u8],
        ),
        (
            "chart/templates/b-later.yaml",
            b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: later\n  namespace: shop\ndata:\n  later: {{ .Values.annotations | toJson | quote }}\n  tag: {{ .Values.image.tag | quote }}\n" as &[u8],
        ),
        ("chart/templates/deployment.yaml", b"" as &[u8]),
    ]);
    let text = render_stream(d.path());
    let changed = r#""{\"added\":\"yes\",\"team\":\"a\",\"via\":\"alias\"}""#;
    assert!(text.contains(&format!("  here: {changed}\n")), "{text}");
    assert!(text.contains(&format!("  later: {changed}\n")), "{text}");
    assert!(text.contains("  copy: \"changed\"\n"), "{text}");
    assert!(text.contains("  tag: \"1.0\"\n"), "{text}");
}

/// `import-values` in both forms (`name` for `exports.name`, and `{child, parent}`), ranked
/// below the parent's own values as in Helm, and `.Subcharts` giving a subchart's objects.
#[test]
fn import_values_and_subcharts() {
    let d = chart(&[
        NOTES_OK,
        (
            "chart/Chart.yaml",
            b"apiVersion: v2\nname: shop\nversion: 1.2.3\ndependencies:\n  - name: db\n    version: 0.1.0\n    import-values:\n      - data\n      - child: config\n        parent: dbConfig\n" as &[u8],
        ),
        ("chart/values.yaml", b"dbConfig:\n  replicas: 2\n" as &[u8]),
        (
            "chart/charts/db/Chart.yaml",
            b"apiVersion: v2\nname: db\nversion: 0.1.0\n" as &[u8],
        ),
        (
            "chart/charts/db/values.yaml",
            b"exports:\n  data:\n    port: 5432\nconfig:\n  mode: ha\n  replicas: 3\n" as &[u8],
        ),
        ("chart/templates/deployment.yaml", b"" as &[u8]),
        (
            "chart/templates/cm.yaml",
            b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n  namespace: shop\ndata:\n  port: {{ .Values.port | quote }}\n  mode: {{ .Values.dbConfig.mode | quote }}\n  replicas: {{ .Values.dbConfig.replicas | quote }}\n  sub: {{ .Subcharts.db.Chart.Name | quote }}\n  subMode: {{ .Subcharts.db.Values.config.mode | quote }}\n" as &[u8],
        ),
    ]);
    let text = render_stream(d.path());
    for line in [
        "  port: \"5432\"\n",
        "  mode: \"ha\"\n",
        "  replicas: \"2\"\n",
        "  sub: \"db\"\n",
        "  subMode: \"ha\"\n",
    ] {
        assert!(text.contains(line), "{line:?} not in:\n{text}");
    }
}

/// Text a named template wrote (`include`, nested in another partial, through `nindent`)
/// points at the partial's line, or at the values line when the partial printed a value;
/// the `include` call site stays in the chain.
#[test]
fn findings_in_included_partials_point_inside_the_partial() {
    let helpers = b"{{- define \"shop.podSpec\" -}}\nhostNetwork: true\n{{- end }}\n{{- define \"shop.security\" -}}\n{{ include \"shop.privileged\" . }}\nrunAsNonRoot: true\n{{- end }}\n{{- define \"shop.privileged\" -}}\nprivileged: {{ .Values.securityContext.privileged }}\n{{- end }}\n";
    let deployment = b"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: shop\n  namespace: shop\nspec:\n  replicas: 2\n  template:\n    spec:\n      {{- include \"shop.podSpec\" . | nindent 6 }}\n      containers:\n        - name: web\n          image: registry.example/shop:1.0\n          securityContext:\n            {{- include \"shop.security\" . | nindent 12 }}\n";
    let d = chart(&[
        NOTES_OK,
        ("chart/templates/_helpers.tpl", helpers as &[u8]),
        ("chart/templates/deployment.yaml", deployment as &[u8]),
    ]);
    let (v, _) = json_check(d.path(), &["chart", "--select", "K8S-001,K8S-008"]);
    let h = finding(&v, "K8S-008");
    assert_eq!(h.len(), 1, "{v}");
    assert_eq!(at(h[0]), ("chart/templates/_helpers.tpl".into(), 2, 1));
    let related = |f: &Value| -> Vec<(String, u64)> {
        f["related"]
            .as_array()
            .expect("related")
            .iter()
            .map(|r| {
                let file = r["file"].as_str().unwrap_or("").to_string();
                (file, r["start_line"].as_u64().unwrap_or(0))
            })
            .collect()
    };
    assert!(
        related(h[0]).contains(&("chart/templates/deployment.yaml".into(), 10)),
        "{:?}",
        related(h[0])
    );
    // privileged: {{ .Values… }} in a partial included by a partial: the values line.
    let p = finding(&v, "K8S-001");
    assert_eq!(p.len(), 1, "{v}");
    assert_eq!(at(p[0]), ("chart/values.yaml".into(), 6, 3));
    assert!(
        related(p[0]).contains(&("chart/templates/_helpers.tpl".into(), 9)),
        "{:?}",
        related(p[0])
    );
}

/// One helper line that writes the offending field into two objects of one chart: one
/// finding on the helper's line (one line to change), which lists both objects' places in the
/// rendered stream. Before, the second object's place was dropped with its finding.
#[test]
fn a_partial_line_shared_by_two_objects_lists_both_objects() {
    let helpers = b"{{- define \"shop.podSpec\" -}}\nhostNetwork: true\n{{- end }}\n";
    let pod = |name: &str| {
        format!(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\n  namespace: shop\nspec:\n  {{{{- include \"shop.podSpec\" . | nindent 2 }}}}\n  containers:\n    - name: app\n      image: app:1\n"
        )
    };
    let pods = format!("{}---\n{}", pod("first"), pod("second"));
    let d = chart(&[
        NOTES_OK,
        ("chart/templates/_pod.tpl", helpers.as_slice()),
        ("chart/templates/pods.yaml", pods.as_bytes()),
    ]);
    let (v, code) = json_check(d.path(), &["chart", "--select", "K8S-008"]);
    assert_eq!(code, 1, "{v}");
    let found: Vec<&Value> = finding(&v, "K8S-008")
        .into_iter()
        .filter(|f| f["file"] == "chart/templates/_pod.tpl")
        .collect();
    assert_eq!(found.len(), 1, "{v}");
    assert_eq!(at(found[0]), ("chart/templates/_pod.tpl".to_string(), 2, 1));
    let rendered = found[0]["related"]
        .as_array()
        .expect("related")
        .iter()
        .filter(|r| r["role"] == "rendered")
        .count();
    assert_eq!(rendered, 2, "{v}");
}

/// Templates of more than 64 kB are parsed on two threads (a subchart's big helper file in
/// one, the parent's templates in the other): the set still takes them in Helm's order (the
/// parent's `define` replaces the subchart's) and a parse error is located in its own file.
#[test]
fn templates_parsed_on_two_threads_keep_helms_order_and_errors() {
    let padding = format!(
        "{{{{- define \"sub.pad\" -}}}}\n{}{{{{- end }}}}\n{{{{- define \"shop.greeting\" -}}}}from the subchart{{{{- end }}}}\n",
        "# padding line of a big library helper file\n".repeat(2000)
    );
    let d = chart(&[
        NOTES_OK,
        (
            "chart/charts/sub/Chart.yaml",
            b"apiVersion: v2\nname: sub\nversion: 0.1.0\n" as &[u8],
        ),
        ("chart/charts/sub/templates/_pad.tpl", padding.as_bytes()),
        (
            "chart/templates/_greeting.tpl",
            b"{{- define \"shop.greeting\" -}}from the parent{{- end }}\n" as &[u8],
        ),
        (
            "chart/templates/cm.yaml",
            b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: greeting\ndata:\n  says: {{ include \"shop.greeting\" . }}\n" as &[u8],
        ),
        (
            "chart/templates/zz-broken.yaml",
            b"kind: ConfigMap\n{{ if }}\n" as &[u8],
        ),
    ]);
    let out = rg()
        .current_dir(d.path())
        .args(["render", "chart"])
        .output()
        .expect("runs");
    let stream = String::from_utf8_lossy(&out.stdout);
    let problems = String::from_utf8_lossy(&out.stderr);
    assert!(stream.contains("says: from the parent"), "{stream}");
    assert!(
        problems.contains("chart/templates/zz-broken.yaml:2"),
        "{problems}"
    );
    assert_eq!(out.status.code(), Some(2), "{problems}");
}

/// `render` masks a Secret's value inside a flow mapping and keeps the mapping YAML (was
/// `{password: "********, user: admin}"`: the rest of the mapping inside the quotes).
#[test]
fn a_masked_value_in_a_flow_mapping_keeps_the_rendered_yaml_valid() {
    let d = dir_with(&[
        ("c/Chart.yaml", b"apiVersion: v2\nname: c\nversion: 0.1.0\n" as &[u8]),
        ("c/values.yaml", b"pw: hunter2hunter2x\n" as &[u8]),
        (
            "c/templates/s.yaml",
            b"apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: x}\nstringData: {password: {{ .Values.pw }}, user: admin}\n" as &[u8],
        ),
    ]);
    let out = rg()
        .current_dir(d.path())
        .args(["render", "c"])
        .output()
        .expect("runs");
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("\nstringData: {password: \"********\", user: admin}\n"),
        "{text}"
    );
    assert!(!text.contains("hunter2"), "{text}");
}

/// A schema that refers to a remote one (Kubernetes types from a URL) is validated without
/// it: runeguard reads no network. An error at the `$ref` says what was not validated, and
/// the rest of the schema still applies (before, the whole schema failed to build and no
/// value was validated).
#[test]
fn a_schema_with_a_remote_ref_is_validated_without_it() {
    let d = chart(&[
        NOTES_OK,
        (
            "chart/values.schema.json",
            b"{\n  \"type\": \"object\",\n  \"properties\": {\n    \"resources\": {\"$ref\": \"https://k8s.example/v1.29.0/resourcerequirements-v1.json\"},\n    \"replicaCount\": {\"type\": \"integer\", \"minimum\": 1}\n  }\n}\n" as &[u8],
        ),
        ("bad.yaml", b"# bad\nreplicaCount: 0\n" as &[u8]),
    ]);
    let (v, code) = json_check(
        d.path(),
        &["chart", "--select", "K8S-001", "--values", "bad.yaml"],
    );
    assert_eq!(code, 2, "{v}");
    let located: Vec<(&str, u64, u64)> = v["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["file"].as_str().unwrap(),
                p["line"].as_u64().unwrap(),
                p["column"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        located,
        [("bad.yaml", 2, 1), ("chart/values.schema.json", 4, 27)],
        "{v}"
    );
    assert!(
        v["problems"][1]["message"]
            .as_str()
            .unwrap()
            .contains("remote schema \"https://k8s.example/v1.29.0/resourcerequirements-v1.json\", which is not fetched"),
        "{v}"
    );
}

/// `runeguard render chart ARGS` in `dir`: the exit code, the stream and the messages.
fn render_with(dir: &std::path::Path, args: &[&str]) -> (i32, String, String) {
    let out = rg()
        .current_dir(dir)
        .args(["render", "chart"])
        .args(args)
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

#[test]
fn each_value_flag_sets_values_as_helm_does() {
    let d = chart(&[NOTES_OK]);
    let replicas = |args: &[&str]| {
        let (code, text, err) = render_with(d.path(), args);
        assert_eq!(code, 0, "{args:?}: {err}");
        let line = text.lines().find(|l| l.starts_with("  replicas: "));
        line.expect("a replicas line").to_string()
    };
    // Each flag alone (`helm template` prints the same lines).
    assert_eq!(
        replicas(&["--set-string", "replicaCount=2"]),
        "  replicas: 2"
    );
    assert_eq!(replicas(&["--set-json", "replicaCount=3"]), "  replicas: 3");
    assert_eq!(
        replicas(&["--set-json", r#"{"replicaCount": 4}"#]),
        "  replicas: 4"
    );
    assert_eq!(
        replicas(&["--set-literal", "replicaCount=5,x"]),
        "  replicas: 5,x"
    );
    // Helm v4's order whatever the command line's: --set-json, --set, --set-string,
    // --set-file, --set-literal.
    let all = [
        "--set-literal",
        "replicaCount=literal",
        "--set-string",
        "replicaCount=string",
        "--set",
        "replicaCount=set",
        "--set-json",
        "replicaCount=\"json\"",
    ];
    assert_eq!(replicas(&all), "  replicas: literal");
    assert_eq!(replicas(&all[2..]), "  replicas: string");
    assert_eq!(replicas(&all[4..]), "  replicas: set");
    // `--set-string` keeps `true` a string, `--set` makes it a boolean: `quote` shows which.
    let quoting = b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kinds\ndata:\n  s: {{ kindOf .Values.s | quote }}\n  j: {{ kindOf .Values.j | quote }}\n" as &[u8];
    let d = chart(&[NOTES_OK, ("chart/templates/kinds.yaml", quoting)]);
    let (code, text, err) = render_with(
        d.path(),
        &["--set-string", "s=true", "--set-json", "j=[1,{\"a\":2}]"],
    );
    assert_eq!(code, 0, "{err}");
    assert!(text.contains("  s: \"string\"\n  j: \"slice\"\n"), "{text}");
}

#[test]
fn values_of_every_flag_point_at_their_argument_or_file() {
    let d = chart(&[NOTES_OK]);
    let located = |args: &[&str], rule: &str| {
        let mut all = vec!["chart", "--select", rule];
        all.extend(args);
        let (v, _) = json_check(d.path(), &all);
        let f = finding(&v, rule);
        assert_eq!(f.len(), 1, "{args:?}: {v}");
        at(f[0]).0
    };
    assert_eq!(
        located(
            &["--set-json", "securityContext.privileged=true"],
            "K8S-001"
        ),
        "--set-json securityContext.privileged"
    );
    assert_eq!(
        located(
            &["--set-json", r#"{"securityContext": {"privileged": true}}"#],
            "K8S-001"
        ),
        "--set-json securityContext"
    );
    // A member of a JSON map: where it is written in the argument.
    let (v, _) = json_check(
        d.path(),
        &[
            "chart",
            "--select",
            "K8S-001",
            "--set-json",
            r#"securityContext={"privileged": true}"#,
        ],
    );
    let p = finding(&v, "K8S-001");
    assert_eq!(p.len(), 1, "{v}");
    assert_eq!(at(p[0]), ("--set-json securityContext".into(), 1, 18));
    assert_eq!(
        located(&["--set-string", "replicaCount=1,image.tag=2"], "K8S-041"),
        "--set-string replicaCount,image.tag"
    );
    assert_eq!(
        located(&["--set-literal", "replicaCount=1"], "K8S-041"),
        "--set-literal replicaCount"
    );
    // A `--set-file` value is its file: the finding is at the file's line that holds it.
    let template = b"apiVersion: v1\nkind: Pod\nmetadata:\n  name: app\n  namespace: shop\nspec:\n  containers:\n    - name: app\n      image: nginx:1.2\n      securityContext:\n{{ .Values.sc | indent 8 }}\n" as &[u8];
    let d = chart(&[
        NOTES_OK,
        ("chart/templates/deployment.yaml", template),
        (
            "sc.yaml",
            b"runAsNonRoot: true\nprivileged: true\n" as &[u8],
        ),
    ]);
    let (v, _) = json_check(
        d.path(),
        &["chart", "--select", "K8S-001", "--set-file", "sc=sc.yaml"],
    );
    let p = finding(&v, "K8S-001");
    assert_eq!(p.len(), 1, "{v}");
    assert_eq!(at(p[0]), ("sc.yaml".into(), 2, 1), "{v}");
}

#[test]
fn a_bad_value_flag_is_a_problem_naming_the_flag() {
    let d = chart(&[NOTES_OK]);
    for (args, says) in [
        (
            ["--set-json", "a=[1,2"],
            "--set-json a: the value of \"a\" is not JSON: EOF while parsing a list (column 6",
        ),
        (
            ["--set-json", "{\"a\":"],
            "--set-json: the argument is not a JSON object",
        ),
        (
            ["--set-file", "a=missing.pem"],
            "--set-file a: cannot read missing.pem",
        ),
        (
            ["--set-literal", "a.b"],
            "--set-literal: key \"b\" has no value",
        ),
        (
            ["--set-string", "a[x]=1"],
            "--set-string a[x]: error parsing index: strconv.Atoi: parsing \"x\": invalid syntax",
        ),
    ] {
        let (code, _, err) = render_with(d.path(), &args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains(says), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{err}");
        let mut check = vec!["chart"];
        check.extend(args);
        let (v, code) = json_check(d.path(), &check);
        assert_eq!(code, 2, "{args:?}: {v}");
    }
}

#[test]
fn a_key_through_a_value_of_another_type_is_refused_as_helm_refuses_it() {
    // Helm parses every value flag into the map the values files gave: `--set` cannot reach
    // into the number `--set-json` (applied first) gave.
    let d = chart(&[NOTES_OK, ("one.yaml", b"image: 1\n" as &[u8])]);
    for args in [
        &["--set", "replicaCount.x=2", "--set-json", "replicaCount=1"][..],
        &["--values", "one.yaml", "--set-string", "image.tag=2"],
    ] {
        let (code, _, err) = render_with(d.path(), args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(
            err.contains(
                "unable to parse key: interface conversion: interface {} is float64, not map[string]interface {}"
            ),
            "{args:?}: {err}"
        );
    }
}

#[test]
fn render_entries_take_every_value_flag() {
    let config = b"render:\n  - path: chart\n    set-json: [\"replicaCount=3\"]\n    set-string: [\"image.tag=2.0\"]\n    set-file: [\"sc=files/sc.yaml\"]\n    set-literal: [\"podSecurityContext.fsGroup=x,y\"]\n" as &[u8];
    let template = b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  replicas: {{ .Values.replicaCount | quote }}\n  tag: {{ .Values.image.tag | quote }}\n  sc: {{ .Values.sc | quote }}\n  group: {{ .Values.podSecurityContext.fsGroup | quote }}\n" as &[u8];
    let d = chart(&[
        NOTES_OK,
        (".runeguard.yaml", config),
        ("chart/templates/deployment.yaml", template),
        ("files/sc.yaml", b"from the file" as &[u8]),
    ]);
    // The command line's arguments of a flag come after the entry's.
    let (code, text, err) = render_with(d.path(), &["--set-json", "replicaCount=4"]);
    assert_eq!(code, 0, "{err}");
    for line in [
        "  replicas: \"4\"",
        "  tag: \"2.0\"",
        "  sc: \"from the file\"",
        "  group: \"x,y\"",
    ] {
        assert!(text.lines().any(|l| l == line), "{line}: {text}");
    }
    // An entry's `set-file:` is read from the configuration's folder, as its `values:` are.
    let elsewhere = b"render:\n  - path: ../chart\n    set-file: [\"sc=sc.txt\"]\n" as &[u8];
    let d = chart(&[
        NOTES_OK,
        ("conf/.runeguard.yaml", elsewhere),
        ("conf/sc.txt", b"beside the configuration" as &[u8]),
        ("chart/templates/deployment.yaml", template),
    ]);
    let (code, text, err) = render_with(d.path(), &["--config", "conf/.runeguard.yaml"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        text.contains("  sc: \"beside the configuration\"\n"),
        "{text}"
    );
}

/// A values map printed whole into a ConfigMap's and a Secret's embedded file (`toYaml
/// .Values.config`, opensearch-dashboards' `tpl (toYaml $secretYaml) $`): K8S-036 and
/// K8S-035 point at the values line of the credential setting inside it, where a person
/// removes it, not at the template's key holding the whole file (session fid37; both were
/// at the template's `{{ $name }}: |` line, while CFG-016 already named the values line).
#[test]
fn a_credential_setting_of_a_values_map_printed_as_a_file_points_at_its_values_line() {
    let d = dir_with(&[
        ("c/Chart.yaml", b"apiVersion: v2\nname: c\nversion: 0.1.0\n" as &[u8]),
        (
            "c/values.yaml",
            b"config:\n  app.yml:\n    server:\n      host: \"{{ .Release.Name }}\"\n    db:\n      user: app\n      password: Kq9-dash-Pw4x\n"
                as &[u8],
        ),
        (
            "c/templates/configmap.yaml",
            b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: c\ndata:\n{{- range $name, $file := .Values.config }}\n  {{ $name }}: |\n    {{- toYaml $file | nindent 4 }}\n{{- end }}\n"
                as &[u8],
        ),
        (
            "c/templates/secret.yaml",
            b"apiVersion: v1\nkind: Secret\nmetadata:\n  name: c\n  namespace: c\nstringData:\n{{- range $name, $file := .Values.config }}\n  {{ $name }}: |\n    {{- tpl (toYaml $file) $ | nindent 4 }}\n{{- end }}\n"
                as &[u8],
        ),
    ]);
    let (v, code) = json_check(d.path(), &["c", "--select", "K8S-035,K8S-036"]);
    assert_eq!(code, 1, "{v}");
    for rule in ["K8S-035", "K8S-036"] {
        let f = finding(&v, rule);
        assert_eq!(f.len(), 1, "{rule}: {v}");
        assert_eq!(at(f[0]), ("c/values.yaml".into(), 7, 7), "{rule}: {v}");
    }
    // Never printed.
    assert!(!v.to_string().contains("Kq9-dash-Pw4x"), "{v}");
}

/// A Secret built from a chart file rendered by `tpl` (holistic-pay's
/// `config/password.conf`, whose lines print `secret.*` values): written as it is
/// (`stringData`), K8S-035 points at the values line of the first credential setting
/// (`aes.datasource.password`; `key.for.decryption` names no credential); encoded
/// (`b64enc` in a helper, `data`), it stays at the template's key and relates the values
/// lines the file prints (session fid37; fid35's open item, no values line was related).
#[test]
fn a_secret_built_from_a_chart_file_by_tpl_relates_the_values_it_prints() {
    let conf = b"key.for.decryption={{ required \"set secret.decryptionKey\" .Values.secret.decryptionKey }}\n\naes.datasource.password={{ .Values.secret.datasourcePassword }}\nlog.level={{ .Values.logLevel }}\n";
    let d = dir_with(&[
        ("c/Chart.yaml", b"apiVersion: v2\nname: c\nversion: 0.1.0\n" as &[u8]),
        ("c/config/password.conf", conf as &[u8]),
        (
            "c/values.yaml",
            b"logLevel: info\nsecret:\n  decryptionKey: Dk7-key-Value2\n  datasourcePassword: Ds8-pass-Word3\n"
                as &[u8],
        ),
        (
            "c/templates/_helpers.tpl",
            b"{{- define \"c.passwords\" -}}\n{{ tpl (.Files.Get \"config/password.conf\") . | b64enc }}\n{{- end }}\n"
                as &[u8],
        ),
        (
            "c/templates/encoded.yaml",
            b"apiVersion: v1\nkind: Secret\nmetadata:\n  name: encoded\n  namespace: c\ndata:\n  password.conf: |-\n    {{- include \"c.passwords\" . | nindent 4 }}\n"
                as &[u8],
        ),
        (
            "c/templates/plain.yaml",
            b"apiVersion: v1\nkind: Secret\nmetadata:\n  name: plain\n  namespace: c\nstringData:\n  password.conf: |-\n    {{- tpl (.Files.Get \"config/password.conf\") . | nindent 4 }}\n"
                as &[u8],
        ),
    ]);
    let (v, code) = json_check(d.path(), &["c", "--select", "K8S-035"]);
    assert_eq!(code, 1, "{v}");
    let f = finding(&v, "K8S-035");
    assert_eq!(f.len(), 2, "{v}");
    let encoded = f
        .iter()
        .find(|f| f["message"].as_str().unwrap().contains("encoded"))
        .unwrap();
    assert_eq!(
        at(encoded),
        ("c/templates/encoded.yaml".into(), 7, 3),
        "{v}"
    );
    let related: Vec<(String, u64)> = encoded["related"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["role"] == "values")
        .map(|r| {
            (
                r["file"].as_str().unwrap().to_string(),
                r["start_line"].as_u64().unwrap(),
            )
        })
        .collect();
    for line in [1, 3, 4] {
        assert!(
            related.contains(&("c/values.yaml".to_string(), line)),
            "values line {line} related: {v}"
        );
    }
    let plain = f
        .iter()
        .find(|f| f["message"].as_str().unwrap().contains("plain"))
        .unwrap();
    assert_eq!(at(plain), ("c/values.yaml".into(), 4, 3), "{v}");
    assert!(!v.to_string().contains("Dk7-key-Value2"), "{v}");
    assert!(!v.to_string().contains("Ds8-pass-Word3"), "{v}");
}

/// Lines a chart file gave through `.Files.Get` or a `.Files.Glob` entry (`{{ .Files.Get
/// "config/app.env" | indent 4 }}`, a helper's `printf "%s" $file | indent 4`): a finding on
/// one of them points at that file's line, where it is written, the action related
/// (session fid37; it was the action's line, in the template or the helper).
#[test]
fn a_credential_in_a_chart_file_printed_by_files_get_points_at_that_file() {
    let helpers = b"{{- define \"c.configmap\" }}\n{{- $globdata := .Files.Glob \"config/*\" }}\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: globbed\n  namespace: c\ndata:\n{{- range $path, $file := $globdata }}\n  {{ base $path | upper }}: |\n{{ printf \"%s\" $file | indent 4 }}\n{{- end }}\n{{- end }}\n";
    let d = dir_with(&[
        ("c/Chart.yaml", b"apiVersion: v2\nname: c\nversion: 0.1.0\n" as &[u8]),
        ("c/values.yaml", b"{}\n" as &[u8]),
        (
            "c/config/app.env",
            b"LOG_LEVEL=info\nDB_PASSWORD=Glob-db-Pass7\n" as &[u8],
        ),
        ("c/templates/_helpers.tpl", helpers as &[u8]),
        ("c/templates/globbed.yaml", b"{{ include \"c.configmap\" . }}\n" as &[u8]),
        (
            "c/templates/secret.yaml",
            b"apiVersion: v1\nkind: Secret\nmetadata:\n  name: got\n  namespace: c\nstringData:\n  app.env: |\n{{ .Files.Get \"config/app.env\" | indent 4 }}\n"
                as &[u8],
        ),
    ]);
    let (v, code) = json_check(d.path(), &["c", "--select", "K8S-035,CFG-016"]);
    assert_eq!(code, 1, "{v}");
    let cfg = finding(&v, "CFG-016");
    assert_eq!(cfg.len(), 1, "{v}");
    assert_eq!(at(cfg[0]), ("c/config/app.env".into(), 2, 1), "{v}");
    let secret = finding(&v, "K8S-035");
    assert_eq!(secret.len(), 1, "{v}");
    assert_eq!(at(secret[0]), ("c/config/app.env".into(), 2, 1), "{v}");
    assert!(!v.to_string().contains("Glob-db-Pass7"), "{v}");
}

/// The same embedded file given as a values string written as a block scalar
/// (opensearch-dashboards' `config: opensearch_dashboards.yml: |`, printed by `tpl $secretYaml
/// $` and by `toYaml`): the line of that string holding the credential, inside the values
/// entry (session fid37; it was the template's key, and `config:` at 1:1 on the way).
#[test]
fn a_credential_setting_of_a_values_string_printed_as_a_file_points_at_its_line() {
    let d = dir_with(&[
        ("c/Chart.yaml", b"apiVersion: v2\nname: c\nversion: 0.1.0\n" as &[u8]),
        (
            "c/values.yaml",
            b"config:\n  app.yml: |\n    server.host: \"{{ .Release.Name }}\"\n    db.user: app\n    db.password: \"Kq9-str-Pw4x\"\n"
                as &[u8],
        ),
        (
            "c/templates/secret.yaml",
            b"apiVersion: v1\nkind: Secret\nmetadata:\n  name: c\n  namespace: c\nstringData:\n{{- range $name, $file := .Values.config }}\n  {{ $name }}: |\n    {{- tpl $file $ | nindent 4 }}\n{{- end }}\n"
                as &[u8],
        ),
    ]);
    let (v, code) = json_check(d.path(), &["c", "--select", "K8S-035"]);
    assert_eq!(code, 1, "{v}");
    let f = finding(&v, "K8S-035");
    assert_eq!(f.len(), 1, "{v}");
    assert_eq!(at(f[0]), ("c/values.yaml".into(), 5, 5), "{v}");
    assert!(!v.to_string().contains("Kq9-str-Pw4x"), "{v}");
}

/// A credential in a chart file a helper prints with `(.Files.Glob "files/*").AsConfig`
/// (shapeshift/unchained's `unchained.configmap`, defined in the parent chart and included by
/// each coinstack subchart, so `.Files` is the subchart's): the file's line, where a person
/// edits it (session fid38; it was the helper's action line, `_helpers.tpl:8:10`). The line is masked
/// from its value on, not whole.
#[test]
fn a_credential_in_a_chart_file_printed_by_as_config_points_at_that_file() {
    let helpers = b"{{- define \"c.configmap\" }}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Chart.Name }}-scripts\n  namespace: c\ndata: {{ (.Files.Glob \"files/*\").AsConfig | nindent 2 }}\n{{- end }}\n";
    let d = dir_with(&[
        (
            "c/Chart.yaml",
            b"apiVersion: v2\nname: c\nversion: 0.1.0\ndependencies:\n  - name: sub\n    version: 0.1.0\n" as &[u8],
        ),
        ("c/values.yaml", b"{}\n" as &[u8]),
        ("c/templates/_helpers.tpl", helpers as &[u8]),
        (
            "c/templates/own.yaml",
            b"{{ include \"c.configmap\" . }}\n" as &[u8],
        ),
        (
            "c/files/app.properties",
            b"server.port=8080\nspring.datasource.password=Parent-db-Pass3\n" as &[u8],
        ),
        ("c/charts/sub/Chart.yaml", b"apiVersion: v2\nname: sub\nversion: 0.1.0\n" as &[u8]),
        (
            "c/charts/sub/templates/all.yaml",
            b"{{ include \"c.configmap\" . }}\n" as &[u8],
        ),
        (
            "c/charts/sub/files/application.yml",
            b"server:\n  port: 8001\nspring:\n  datasource:\n    username: app\n    password: Sub-db-Pass7\n" as &[u8],
        ),
        ("c/charts/sub/files/daemon.sh", b"#!/bin/sh\nexec daemon -server=1\n" as &[u8]),
    ]);
    let (v, code) = json_check(d.path(), &["c", "--select", "CFG-016"]);
    assert_eq!(code, 1, "{v}");
    let mut got: Vec<_> = finding(&v, "CFG-016").into_iter().map(at).collect();
    got.sort();
    assert_eq!(
        got,
        vec![
            ("c/charts/sub/files/application.yml".into(), 6, 5),
            ("c/files/app.properties".into(), 2, 1),
        ],
        "{v}"
    );
    assert!(!v.to_string().contains("Sub-db-Pass7"), "{v}");
    assert!(!v.to_string().contains("Parent-db-Pass3"), "{v}");
    // The snippet masks the value, not the setting's name with it (K8S-036 flags the whole
    // `application.yml` entry, whose masked block holds that line).
    let human = common::all_output(
        d.path(),
        &[
            "check",
            "c",
            "--select",
            "CFG-016,K8S-036",
            "--format",
            "human",
        ],
    );
    assert!(human.contains("password: ********"), "{human}");
    assert!(!human.contains("Sub-db-Pass7"), "{human}");
}

/// A credential setting of an embedded file whose value a template action computed (matrix's
/// coturn `turnserver.conf: |` with `static-auth-secret={{ include "matrix.coturn.sharedSecret"
/// . }}`, a helper's `randAlphaNum 64` when no secret is given): the template line that writes
/// the setting, at its action (session fid38; it was the block's key, `turnserver.conf: |`).
#[test]
fn a_computed_credential_of_an_embedded_file_points_at_the_line_writing_the_setting() {
    let d = dir_with(&[
        ("c/Chart.yaml", b"apiVersion: v2\nname: c\nversion: 0.1.0\n" as &[u8]),
        ("c/values.yaml", b"sharedSecret: \"\"\n" as &[u8]),
        (
            "c/templates/_helpers.tpl",
            b"{{- define \"c.secret\" -}}\n{{- if .Values.sharedSecret }}\n{{- .Values.sharedSecret -}}\n{{- else }}\n{{- randAlphaNum 64 -}}\n{{- end }}\n{{- end -}}\n" as &[u8],
        ),
        (
            "c/templates/cm.yaml",
            b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: turn\n  namespace: c\ndata:\n  turnserver.conf: |\n    use-auth-secret\n    static-auth-secret={{ include \"c.secret\" . }}\n    realm=turn.example.org\n" as &[u8],
        ),
    ]);
    let (v, code) = json_check(d.path(), &["c", "--select", "K8S-036"]);
    assert_eq!(code, 1, "{v}");
    let f = finding(&v, "K8S-036");
    assert_eq!(f.len(), 1, "{v}");
    assert_eq!(at(f[0]), ("c/templates/cm.yaml".into(), 9, 24), "{v}");
    // The template's action is code, not the credential: it is printed as written.
    assert!(v.to_string().contains("K8S-036"), "{v}");
}

/// A values map flattened into env vars by a partial that calls itself with a one-entry map
/// whose key it computes (goauthentik's `authentik.env`: `include "authentik.env" (dict
/// "root" $.root "values" (dict (printf "%s__%s" (upper $k) (upper $sk)) $sv))`): a nested
/// value's env var points at its values line, as a top-level one does (session fid38; it was
/// the partial's `value:` line, shared by every variable).
#[test]
fn a_nested_value_printed_by_a_recursive_partial_points_at_its_values_line() {
    let helpers = b"{{- define \"c.env\" -}}\n  {{- range $k, $v := .values -}}\n    {{- if kindIs \"map\" $v -}}\n      {{- range $sk, $sv := $v -}}\n        {{- include \"c.env\" (dict \"root\" $.root \"values\" (dict (printf \"%s__%s\" (upper $k) (upper $sk)) $sv)) -}}\n      {{- end -}}\n    {{- else -}}\n      {{- if or (kindIs \"bool\" $v) (kindIs \"float64\" $v) -}}\n        {{- $v = quote $v -}}\n      {{- else -}}\n        {{- $v = tpl $v $.root | quote }}\n      {{- end -}}\n      {{- if $v }}\n- name: {{ printf \"APP_%s\" (upper $k) }}\n  value: {{ $v }}\n      {{- end }}\n    {{- end -}}\n  {{- end -}}\n{{- end -}}\n";
    let d = dir_with(&[
        ("c/Chart.yaml", b"apiVersion: v2\nname: c\nversion: 0.1.0\n" as &[u8]),
        (
            "c/values.yaml",
            b"app:\n  secret_key: \"Top-level-Key-8Hq\"\n  postgresql:\n    host: db\n    password: \"Nested-Pg-Pw-3Kd\"\n" as &[u8],
        ),
        ("c/templates/_helpers.tpl", helpers as &[u8]),
        (
            "c/templates/deploy.yaml",
            b"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: c\n  namespace: c\nspec:\n  selector:\n    matchLabels:\n      app: c\n  template:\n    metadata:\n      labels:\n        app: c\n    spec:\n      containers:\n        - name: c\n          image: c:1.0\n          env:\n            {{- include \"c.env\" (dict \"root\" . \"values\" .Values.app) | indent 12 }}\n" as &[u8],
        ),
    ]);
    let (v, code) = json_check(d.path(), &["c", "--select", "K8S-017"]);
    assert_eq!(code, 1, "{v}");
    let mut got: Vec<_> = finding(&v, "K8S-017").into_iter().map(at).collect();
    got.sort();
    assert_eq!(
        got,
        vec![
            ("c/values.yaml".into(), 2, 3),
            ("c/values.yaml".into(), 5, 5)
        ],
        "{v}"
    );
    assert!(!v.to_string().contains("Nested-Pg-Pw-3Kd"), "{v}");
}

/// A chart file printed after a `replace` of part of it by a value (`.Files.Get
/// "config/application.properties" | replace "__DB_HOST__" .Values.db.host | nindent 4`):
/// a line the file holds as it is points at that file's line; the replaced line keeps its
/// value (session fid38; every line pointed at `host:` in values.yaml, whose value the
/// credential's masking hid, and a file printed changed kept the action's line).
#[test]
fn a_chart_file_printed_after_a_replace_points_at_its_unchanged_lines() {
    let d = dir_with(&[
        ("c/Chart.yaml", b"apiVersion: v2\nname: c\nversion: 0.1.0\n" as &[u8]),
        ("c/values.yaml", b"db:\n  host: db.example.org\n" as &[u8]),
        (
            "c/config/application.properties",
            b"server.port=8080\nspring.datasource.url=jdbc:postgresql://__DB_HOST__:5432/app\nspring.datasource.username=app\nspring.datasource.password=Repl-db-Pass5\n" as &[u8],
        ),
        (
            "c/templates/cm.yaml",
            b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: rep\n  namespace: c\ndata:\n  application.properties: |\n    {{- .Files.Get \"config/application.properties\" | replace \"__DB_HOST__\" .Values.db.host | nindent 4 }}\n" as &[u8],
        ),
    ]);
    let (v, code) = json_check(d.path(), &["c", "--select", "CFG-016"]);
    assert_eq!(code, 1, "{v}");
    let f = finding(&v, "CFG-016");
    assert_eq!(f.len(), 1, "{v}");
    assert_eq!(
        at(f[0]),
        ("c/config/application.properties".into(), 4, 1),
        "{v}"
    );
    assert!(!v.to_string().contains("Repl-db-Pass5"), "{v}");
    let human = common::all_output(d.path(), &["check", "c", "--select", "CFG-016"]);
    assert!(!human.contains("host: ********"), "{human}");
    let origins = common::all_output(d.path(), &["render", "c", "--origins"]);
    assert!(
        origins.contains("jdbc:postgresql://db.example.org:5432/app  # <- values c/values.yaml:2"),
        "{origins}"
    );
}

/// A value a partial rendered into a variable with `tpl` before printing it (`{{- $v = tpl $v
/// $.root | quote }}` then `value: {{ $v }}`, the same block): its values line, as `tpl $v $`
/// printed in place is (session fid38; it was the partial's `value:` line).
#[test]
fn a_value_rendered_by_tpl_into_a_variable_points_at_its_values_line() {
    let helpers = b"{{- define \"c.env\" -}}\n  {{- range $k, $v := .values -}}\n    {{- $v = tpl $v $.root | quote }}\n- name: {{ printf \"APP_%s\" (upper $k) }}\n  value: {{ $v }}\n  {{- end -}}\n{{- end -}}\n";
    let d = dir_with(&[
        ("c/Chart.yaml", b"apiVersion: v2\nname: c\nversion: 0.1.0\n" as &[u8]),
        (
            "c/values.yaml",
            b"app:\n  host: \"{{ .Release.Name }}-db\"\n  secret_key: \"Tpl-var-Key-5Wd\"\n" as &[u8],
        ),
        ("c/templates/_helpers.tpl", helpers as &[u8]),
        (
            "c/templates/deploy.yaml",
            b"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: c\n  namespace: c\nspec:\n  selector:\n    matchLabels:\n      app: c\n  template:\n    metadata:\n      labels:\n        app: c\n    spec:\n      containers:\n        - name: c\n          image: c:1.0\n          env:\n            {{- include \"c.env\" (dict \"root\" . \"values\" .Values.app) | indent 12 }}\n" as &[u8],
        ),
    ]);
    let (v, code) = json_check(d.path(), &["c", "--select", "K8S-017"]);
    assert_eq!(code, 1, "{v}");
    let f = finding(&v, "K8S-017");
    assert_eq!(f.len(), 1, "{v}");
    assert_eq!(at(f[0]), ("c/values.yaml".into(), 3, 3), "{v}");
    assert!(!v.to_string().contains("Tpl-var-Key-5Wd"), "{v}");
}

/// A Secret value a helper takes from a `lookup` of the Secret itself, else from a value
/// (`$password := $d.KEYCLOAK_ADMIN_PASSWORD | default (b64enc (default (randAlphaNum 64)
/// .Values.global.keycloak.password.value))`, a keycloak admin-secret helper): the values
/// line, masked; it was the helper's line, and the password was printed in the snippet of
/// the next line's finding (session fid38).
#[test]
fn a_secret_value_behind_a_lookup_default_points_at_its_values_line_and_is_masked() {
    let helpers = b"{{- define \"c.admin-secret\" -}}\n{{- $d := (lookup \"v1\" \"Secret\" .Release.Namespace \"admin-secret\").data | default dict -}}\n{{- $password := $d.ADMIN_PASSWORD | default (b64enc (default (randAlphaNum 64) .Values.global.admin.password.value)) -}}\nADMIN_PASSWORD: {{ $password | quote }}\n{{- end -}}\n";
    let d = dir_with(&[
        ("c/Chart.yaml", b"apiVersion: v2\nname: c\nversion: 0.1.0\n" as &[u8]),
        (
            "c/values.yaml",
            b"global:\n  admin:\n    password:\n      value: \"Lkp-Adm1n-Pw-7Rt\"\njwtSecret: \"Jwt-Next-Line-2Lk\"\n" as &[u8],
        ),
        ("c/templates/_helpers.tpl", helpers as &[u8]),
        (
            "c/templates/secrets.yaml",
            b"apiVersion: v1\nkind: Secret\nmetadata:\n  name: admin-secret\n  namespace: c\ndata:\n  {{- include \"c.admin-secret\" . | nindent 2 }}\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: jwt\n  namespace: c\ndata:\n  secret: {{ .Values.jwtSecret | b64enc }}\n" as &[u8],
        ),
    ]);
    let (v, code) = json_check(d.path(), &["c", "--select", "K8S-035"]);
    assert_eq!(code, 1, "{v}");
    let mut got: Vec<_> = finding(&v, "K8S-035").into_iter().map(at).collect();
    got.sort();
    assert_eq!(
        got,
        vec![
            ("c/values.yaml".into(), 4, 7),
            ("c/values.yaml".into(), 5, 1)
        ],
        "{v}"
    );
    let human = common::all_output(d.path(), &["check", "c", "--select", "K8S-035"]);
    assert!(!human.contains("Lkp-Adm1n-Pw-7Rt"), "{human}");
    assert!(!human.contains("Jwt-Next-Line-2Lk"), "{human}");
}

/// A chart file named by a value (`{{ .Files.Get .Values.configFile | indent 4 }}`): its
/// lines are that file's, not the `configFile:` values line, which was the finding's place
/// and was masked as if it held the password (session fid38).
#[test]
fn a_chart_file_named_by_a_value_points_at_its_own_lines() {
    let d = dir_with(&[
        ("c/Chart.yaml", b"apiVersion: v2\nname: c\nversion: 0.1.0\n" as &[u8]),
        ("c/values.yaml", b"configFile: config/app.env\n" as &[u8]),
        (
            "c/config/app.env",
            b"LOG_LEVEL=info\nDB_PASSWORD=Named-by-Value-6Pw\n" as &[u8],
        ),
        (
            "c/templates/cm.yaml",
            b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: fv\n  namespace: c\ndata:\n  app.env: |\n{{ .Files.Get .Values.configFile | indent 4 }}\n" as &[u8],
        ),
    ]);
    let (v, code) = json_check(d.path(), &["c", "--select", "CFG-016,K8S-036"]);
    assert_eq!(code, 1, "{v}");
    let f = finding(&v, "CFG-016");
    assert_eq!(f.len(), 1, "{v}");
    assert_eq!(at(f[0]), ("c/config/app.env".into(), 2, 1), "{v}");
    let human = common::all_output(d.path(), &["check", "c", "--select", "CFG-016"]);
    assert!(
        human.contains("configFile: config/app.env") || !human.contains("configFile"),
        "{human}"
    );
    assert!(!human.contains("Named-by-Value-6Pw"), "{human}");
}
