//! What the Helm renderer knows beyond the stream: values generated at render time are not
//! committed credentials (`tests/data/helm/generated`), where a chart's objects go when no
//! namespace is given (`tests/data/helm/namespace`), and which values line a value printed
//! from several values or through `tpl` came from (`tests/data/helm/provenance`), and which
//! part of a line a finding is about (`tests/data/helm/image-parts`, `entry-parts`).

use serde_json::Value;

mod common;
use common::{assert_findings, findings_of, messages_of as messages, rg};

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/helm");

fn json_check(args: &[&str]) -> Value {
    common::json_check(std::path::Path::new(DATA), args).0
}

#[test]
fn generated_passwords_keys_and_certificates_are_not_committed_credentials() {
    let v = json_check(&["generated", "--select", "K8S-017,K8S-035,K8S-036"]);
    assert!(v["problems"].as_array().unwrap().is_empty(), "{v}");
    let said = messages(&v);
    // Only what values.yaml commits: the API token and the admin password (in the Secret
    // through htpasswd, and as an env var). The generated certificate, key, passwords
    // (`default (randAlphaNum 16)`, a password built by printf/join/shuffle), the UUID and
    // the htpasswd line of a generated password are not reported.
    assert_findings(
        &v,
        &[
            ("K8S-035", "generated/values.yaml", 4),
            ("K8S-017", "generated/values.yaml", 7),
        ],
    );
    assert!(
        said[0].contains("2 value(s) committed in data (api-token, htpasswd)"),
        "{said:?}"
    );
    assert!(said[1].contains("ADMIN_PASSWORD"), "{said:?}");
}

#[test]
fn generated_keys_are_masked_in_every_output() {
    for args in [
        &["render", "generated"][..],
        &["render", "--origins", "generated"],
        &["inspect", "generated"],
    ] {
        let out = rg().current_dir(DATA).args(args).output().expect("runs");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("kind: Secret"), "{args:?}: {text}");
        // The PEM key as it is (stringData) and base64-encoded (data).
        for leak in ["BEGIN PRIVATE KEY", "LS0tLS1CRUdJTiBQUklWQVRFIEtFWS"] {
            assert!(!text.contains(leak), "{args:?} shows a key: {text}");
        }
    }
}

/// (file, line) of each K8S-019 finding of a check in `dir` of `target`.
fn default_namespace(dir: &std::path::Path, target: &str) -> Vec<(String, u64)> {
    let out = rg()
        .current_dir(dir)
        .args([
            "check", "--quiet", "--format", "json", "--select", "K8S-019", target,
        ])
        .output()
        .expect("runs");
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    findings_of(&v)
        .into_iter()
        .map(|(_, file, line)| (file, line))
        .collect()
}

#[test]
fn a_chart_without_a_namespace_given_installs_into_the_namespace_helm_is_told() {
    // `{{ .Release.Namespace }}`, a helper printing it (whose action holds the word
    // `default`: the function), and no namespace: `helm install -n NS` decides; `default`
    // written in the template or in values is where the object goes whatever NS is.
    assert_eq!(
        default_namespace(std::path::Path::new(DATA), "namespace"),
        [
            ("namespace/templates/objects.yaml".to_string(), 18),
            ("namespace/values.yaml".to_string(), 2),
            ("namespace/values.yaml".to_string(), 4),
        ]
    );
}

#[test]
fn a_release_namespace_set_to_default_is_reported() {
    let d = tempfile::tempdir().expect("tempdir");
    let chart = d.path().join("chart");
    std::fs::create_dir_all(chart.join("templates")).unwrap();
    for f in [
        "Chart.yaml",
        "values.yaml",
        "templates/objects.yaml",
        "templates/_helpers.tpl",
    ] {
        std::fs::copy(format!("{DATA}/namespace/{f}"), chart.join(f)).unwrap();
    }
    std::fs::write(
        d.path().join(".runeguard.yaml"),
        "render:\n  - path: chart\n    namespace: default\n",
    )
    .unwrap();
    let got = default_namespace(d.path(), "chart");
    assert_eq!(got.len(), 7, "every namespaced object: {got:?}");
}

/// A finding's (file, line) and the (role, file, line) of its related locations.
type Located = ((String, u64), Vec<(String, String, u64)>);

/// Each finding's rule id and primary location (file, line), in report order.
fn rules_at(v: &Value) -> Vec<(String, (String, u64))> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["rule_id"].as_str().unwrap().to_string(), located(f).0))
        .collect()
}

/// Each finding's location, in report order.
fn all_located(v: &Value) -> Vec<Located> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(located)
        .collect()
}

fn located(f: &Value) -> Located {
    let related = common::related_of(f);
    (
        (
            f["file"].as_str().unwrap_or("").to_string(),
            f["start_line"].as_u64().unwrap_or(0),
        ),
        related,
    )
}

#[test]
fn a_value_from_several_values_points_at_the_one_printed_or_at_the_action() {
    let v = json_check(&["provenance", "--select", "K8S-016,K8S-008"]);
    let all = all_located(&v);
    let at = |file: &str, line: u64| {
        all.iter()
            .find(|((f, l), _)| f == file && *l == line)
            .unwrap_or_else(|| panic!("no finding at {file}:{line}: {all:#?}"))
    };
    // `printf "%s/%s:%s" .Values.registry .Values.repo .Values.tag`: K8S-016 names the tag
    // (where a digest goes), so its values line; the action and the other values lines
    // related.
    let (_, related) = at("provenance/values.yaml", 3);
    let values: Vec<u64> = related
        .iter()
        .filter(|(role, file, _)| role == "values" && file == "provenance/values.yaml")
        .map(|(_, _, l)| *l)
        .collect();
    assert_eq!(values, [1, 2], "{related:?}");
    assert!(
        related.iter().any(|(role, file, l)| role == "template"
            && file == "provenance/templates/pod.yaml"
            && *l == 10),
        "{related:?}"
    );
    // `.Values.channel | default .Values.fallbackVersion`: channel (line 7) was printed.
    at("provenance/values.yaml", 7);
    // `.Values.other | default .Values.fallback` with `other` empty: the fallback, line 9.
    at("provenance/values.yaml", 9);
    // `tpl .Values.hostNet .`: the values line of the text given to tpl.
    at("provenance/values.yaml", 4);
    assert_eq!(all.len(), 4, "{all:#?}");
}

#[test]
fn a_latest_tag_points_where_the_tag_was_written_not_at_the_repository() {
    // `"{{ registry }}/{{ repository }}:{{ tag }}"`, three actions: K8S-015 is about the
    // tag, so it is at `tag: latest` (values.yaml line 4), the repository's lines related;
    // a tag the template's `default "latest"` wrote is at the template's line; an image with
    // no tag at all is about the whole reference (the repository's line); `--set` of the tag
    // is at the argument; one `printf "%s:%s"` of repository and tag (the repository's text
    // holding `latest` too) at the tag's line, the action and the repository's line related.
    let v = json_check(&[
        "image-parts",
        "--select",
        "K8S-015",
        "--set",
        "pinned.tag=latest",
    ]);
    let all = all_located(&v);
    let primary: Vec<(&str, u64)> = all.iter().map(|((f, l), _)| (f.as_str(), *l)).collect();
    assert_eq!(
        primary,
        [
            ("--set pinned.tag", 1),
            ("image-parts/templates/pod.yaml", 11),
            ("image-parts/values.yaml", 4),
            ("image-parts/values.yaml", 12),
            ("image-parts/values.yaml", 15),
        ],
        "{all:#?}"
    );
    let (_, related) = &all[2];
    let values: Vec<u64> = related
        .iter()
        .filter(|(role, _, _)| role == "values")
        .map(|(_, _, l)| *l)
        .collect();
    assert_eq!(values, [2, 3], "{related:?}");
    let sidecar = &v["findings"][1];
    assert_eq!(
        sidecar["start_column"], 50,
        "at the tag's action: {sidecar}"
    );
}

#[test]
fn an_image_without_digest_points_where_the_tag_was_written() {
    // K8S-016: a digest is appended to the tag (`app:1.4.2@sha256:…`), so the finding is at
    // the line that wrote the tag: `tag:` in values.yaml (lines 4, 10, 15), the template's
    // `default "latest"` action (line 11, column 50); an image with no tag at all is about the
    // whole reference (the repository's line 12). Was: each at its first values line, the
    // registry's or the repository's.
    let v = json_check(&["image-parts", "--select", "K8S-016"]);
    let all = all_located(&v);
    let primary: Vec<(&str, u64)> = all.iter().map(|((f, l), _)| (f.as_str(), *l)).collect();
    assert_eq!(
        primary,
        [
            ("image-parts/templates/pod.yaml", 11),
            ("image-parts/values.yaml", 4),
            ("image-parts/values.yaml", 10),
            ("image-parts/values.yaml", 12),
            ("image-parts/values.yaml", 15),
        ],
        "{all:#?}"
    );
    assert_eq!(v["findings"][0]["start_column"], 50, "{}", v["findings"][0]);
}

#[test]
fn a_finding_on_an_entry_points_at_its_value_when_the_key_was_printed_apart() {
    // `{{ .Values.auth.passwordKey }}: {{ .Values.auth.password | b64enc }}`: K8S-035 is
    // about the password (values.yaml line 3, masked), the key's line related; `{{
    // .Values.flagKey }}: true`: K8S-001 is about `true`, the template's literal (line 19,
    // column 32), the key's values line related.
    let v = json_check(&["entry-parts", "--select", "K8S-035,K8S-001"]);
    let got: Vec<_> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let (at, related) = located(f);
            (
                f["rule_id"].as_str().unwrap().to_string(),
                at,
                f["start_column"].as_u64().unwrap_or(0),
                related
                    .into_iter()
                    .filter(|(role, _, _)| role != "rendered")
                    .collect::<Vec<_>>(),
            )
        })
        .collect();
    let s = |x: &str| x.to_string();
    assert_eq!(
        got,
        [
            (
                s("K8S-001"),
                (s("entry-parts/templates/objects.yaml"), 19),
                32,
                vec![(s("values"), s("entry-parts/values.yaml"), 4)]
            ),
            (
                s("K8S-035"),
                (s("entry-parts/values.yaml"), 3),
                3,
                vec![
                    (s("template"), s("entry-parts/templates/objects.yaml"), 7),
                    (s("values"), s("entry-parts/values.yaml"), 2)
                ]
            ),
        ],
        "{v}"
    );
    assert!(!v.to_string().contains("Sup3rS3cret"), "masked: {v}");
    // A partial's `printf "%s/%s:%s"` of three values, included by two containers: read as
    // one action combining values, as in a template (session 16: it was read as its last
    // operand). K8S-016 names the tag, so both containers' findings are at `tag:` (line 8),
    // one line to change: one finding, whose related locations keep both `image:` lines
    // (21 and 23) and the other values lines.
    let v = json_check(&["entry-parts", "--select", "K8S-016"]);
    let got: Vec<_> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(located)
        .filter(|((_, line), _)| *line != 17)
        .map(|((file, line), related)| {
            let mut kept: Vec<(String, u64)> = related
                .into_iter()
                .filter(|(role, _, _)| role == "values" || role == "template")
                .map(|(_, f, l)| (f, l))
                .collect();
            kept.sort();
            (file, line, kept)
        })
        .collect();
    let s = |x: &str, l| (x.to_string(), l);
    assert_eq!(
        got,
        [(
            "entry-parts/values.yaml".to_string(),
            8,
            vec![
                s("entry-parts/templates/_images.tpl", 2),
                s("entry-parts/templates/objects.yaml", 21),
                s("entry-parts/templates/objects.yaml", 23),
                s("entry-parts/values.yaml", 6),
                s("entry-parts/values.yaml", 7),
            ]
        )],
        "{v}"
    );
    // The kept message names one container; the other finding the line gives is counted and
    // its object named.
    let merged = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["start_line"] == 8)
        .unwrap();
    let m = merged["message"].as_str().unwrap();
    assert!(
        m.starts_with("Pod apps/p, container \"cron\" uses image")
            && m.ends_with("which is not pinned by digest (and 1 more from this line: Pod apps/p)"),
        "{m}"
    );
}

#[test]
fn a_password_in_a_url_points_at_the_password_not_the_user() {
    // `"postgres://{{ .Values.db.user }}:{{ .Values.auth.password }}@{{ .Values.db.host
    // }}/app"`: K8S-036 names the URL's password, so it is at `password:` (line 3), not at
    // the user's line printed first (line 10, where it was).
    let v = json_check(&["entry-parts", "--select", "K8S-036"]);
    let all = all_located(&v);
    let s = |x: &str| x.to_string();
    assert_eq!(
        all,
        [(
            (s("entry-parts/values.yaml"), 3),
            vec![
                (s("template"), s("entry-parts/templates/objects.yaml"), 31),
                (s("values"), s("entry-parts/values.yaml"), 10),
                (s("values"), s("entry-parts/values.yaml"), 11),
                (s("rendered"), s("entry-parts"), 18),
            ]
        )],
        "{v}"
    );
    assert!(!v.to_string().contains("Sup3rS3cret"), "masked: {v}");
}

#[test]
fn a_block_a_partial_printed_points_at_each_nested_values_line() {
    // `_pod.tpl` prints `toYaml .Values.mounts` and `toYaml .Values.volumes`, and the
    // DaemonSet includes it: each hostPath finding is at its own `path:` line of values.yaml
    // (not at the `volumes:` key), and the second `name: logs` (in volumes) is not taken
    // for the first (in volumeMounts).
    let v = json_check(&["partials", "--select", "K8S-011"]);
    let all: Vec<_> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| located(f).0)
        .collect();
    assert_eq!(
        all,
        [
            ("partials/values.yaml".to_string(), 8),
            ("partials/values.yaml".to_string(), 11)
        ]
    );
    let out = rg()
        .current_dir(DATA)
        .args(["render", "partials", "--origins"])
        .output()
        .expect("runs");
    let text = String::from_utf8(out.stdout).unwrap();
    let origin_of = |line: &str, nth: usize| -> String {
        let l = text
            .lines()
            .filter(|l| l.trim_start().starts_with(line))
            .nth(nth)
            .unwrap_or_else(|| panic!("no {line:?} #{nth}: {text}"));
        l.split("# <- values ")
            .nth(1)
            .unwrap_or("")
            .split(',')
            .next()
            .unwrap()
            .to_string()
    };
    assert_eq!(origin_of("name: logs", 0), "partials/values.yaml:2");
    assert_eq!(origin_of("name: logs", 1), "partials/values.yaml:6");
    assert_eq!(origin_of("readOnly: true", 0), "partials/values.yaml:4");
    assert_eq!(origin_of("type: File", 0), "partials/values.yaml:12");
}

#[test]
fn dot_inside_nested_with_points_at_the_values_line() {
    // `{{ with .Values.initContainers }}{{ tpl . $ }}` and `{{ with .Values.sidecar }}{{ tpl
    // .hostNetwork $ }}`, in a partial: the text tpl rendered is the values string's, so the
    // findings are at its values line, not at the tpl action; inside the `initContainers:
    // |-` block, at the block's line holding `privileged: true` (line 6; it was at the
    // key's line 2 before session 15).
    let v = json_check(&["provenance-with", "--select", "K8S-001,K8S-008"]);
    let all = rules_at(&v);
    assert_eq!(
        all,
        [
            (
                "K8S-001".to_string(),
                ("provenance-with/values.yaml".to_string(), 6)
            ),
            (
                "K8S-008".to_string(),
                ("provenance-with/values.yaml".to_string(), 8)
            ),
            // `toYaml .` inside `with .securityContext` inside `with .Values.webhook`.
            (
                "K8S-001".to_string(),
                ("provenance-with/values.yaml".to_string(), 12)
            )
        ]
    );
}

#[test]
fn a_values_path_inside_a_string_literal_is_not_an_origin() {
    // `{{ ".Values.replicas" | quote }}` prints text: its line comes from the template
    // only; `{{ .Values.replicas }}` still from values.
    let out = rg()
        .current_dir(DATA)
        .args(["render", "provenance-with", "--origins"])
        .output()
        .expect("runs");
    let text = String::from_utf8(out.stdout).unwrap();
    let line = |start: &str| {
        text.lines()
            .find(|l| l.trim_start().starts_with(start))
            .unwrap_or_else(|| panic!("no {start:?}: {text}"))
            .to_string()
    };
    assert!(!line("note:").contains("values.yaml"), "{}", line("note:"));
    assert!(
        line("replicas:").contains("values provenance-with/values.yaml:1"),
        "{}",
        line("replicas:")
    );
}

#[test]
fn a_block_read_back_from_an_include_and_printed_again_points_where_it_was_written() {
    // `reserialized.merge` is the library-chart idiom `toYaml (merge (fromYaml (include a))
    // (fromYaml (include b)))`: the Deployment is printed by that one `toYaml`, in sorted key
    // order. The init container's `privileged: true` is the values line the partial printed
    // (not the `toYaml` action of the merge helper), with the helper after it.
    // The Pod prints `toYaml .Values.pod`, whose list of volumes go-yaml writes at its key's
    // indentation (`volumes:` then `- name:`): the hostPath finding is at its own `path:`
    // line, not at `pod:`.
    let v = json_check(&["reserialized", "--select", "K8S-001,K8S-011"]);
    let all: Vec<_> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["rule_id"].as_str().unwrap().to_string(), located(f)))
        .collect();
    assert_eq!(all.len(), 2, "{all:#?}");
    let (rule, ((file, line), related)) = &all[0];
    assert_eq!(
        (rule.as_str(), file.as_str(), *line),
        ("K8S-001", "reserialized/values.yaml", 6),
        "{all:#?}"
    );
    assert!(
        related.contains(&(
            "template".to_string(),
            "reserialized/templates/_util.tpl".to_string(),
            5
        )),
        "{related:?}"
    );
    let (rule, ((file, line), _)) = &all[1];
    assert_eq!(
        (rule.as_str(), file.as_str(), *line),
        ("K8S-011", "reserialized/values.yaml", 11),
        "{all:#?}"
    );
}

#[test]
fn a_value_a_range_printed_points_at_its_element_in_values() {
    // `range $name, $value := .Values.env` printing `{{ $value | quote }}`, `range $i, $p :=
    // .Values.hostPaths` printing `{{ $p }}`, and `range .Values.mounts` printing `{{ .path }}`:
    // each finding is at the values line of the element printed (told by the text printed),
    // not at the template action (where two elements' findings fell on one line), and the
    // committed password is masked there.
    let v = json_check(&["range-element", "--select", "K8S-017,K8S-011"]);
    let all = rules_at(&v);
    let at = |rule: &str, line: u64| {
        (
            rule.to_string(),
            ("range-element/values.yaml".to_string(), line),
        )
    };
    assert_eq!(
        all,
        [
            at("K8S-017", 3),
            at("K8S-011", 5),
            at("K8S-011", 6),
            at("K8S-011", 9)
        ],
        "{all:#?}"
    );
    // `value: {{ $value | quote }}` is an action and literal text on one template line:
    // one related location for it, not one per part.
    for f in v["findings"].as_array().unwrap() {
        let (_, related) = located(f);
        let mut lines: Vec<_> = related
            .iter()
            .filter(|(role, _, _)| role != "rendered")
            .collect();
        let n = lines.len();
        lines.dedup();
        assert_eq!(lines.len(), n, "{related:?}");
    }
    let human = rg()
        .current_dir(DATA)
        .args([
            "check",
            "range-element",
            "--select",
            "K8S-017",
            "--color",
            "never",
        ])
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(!text.contains("hunter2"), "{text}");
    assert!(text.contains("DB_PASSWORD: ********"), "{text}");
}

#[test]
fn a_credential_is_masked_where_the_template_or_values_line_holds_it() {
    // `value: {{ .Values.dbPassword | default "Literal…" | quote }}`: the finding points at
    // the template line, whose literal is masked in every output (it was shown in clear,
    // and `value: ` masked instead). `{{ $key }}: {{ $value | b64enc | quote }}` over
    // `.Values.secrets`: the finding is at the element's values line (told by its base64),
    // its value masked, and the template action is not masked (it holds no credential).
    let v = json_check(&["action-credential", "--select", "K8S-035,K8S-017"]);
    let all = rules_at(&v);
    assert_eq!(
        all,
        [
            (
                "K8S-017".to_string(),
                ("action-credential/templates/pod.yaml".to_string(), 11)
            ),
            (
                "K8S-035".to_string(),
                ("action-credential/values.yaml".to_string(), 2)
            ),
        ],
        "{all:#?}"
    );
    for format in ["human", "json", "sarif"] {
        let out = rg()
            .current_dir(DATA)
            .args(["check", "action-credential", "--select", "K8S-035,K8S-017"])
            .args(["--format", format, "--color", "never"])
            .output()
            .expect("runs");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(!text.contains("Literal-Passw0rd"), "{format}: {text}");
        assert!(!text.contains("tok-9f8e7d6c"), "{format}: {text}");
        if format == "human" {
            assert!(
                text.contains("value: {{ .Values.dbPassword | default \"********\""),
                "{text}"
            );
        }
    }
}

#[test]
fn a_value_reached_through_a_variable_points_at_its_values_line() {
    // `$c := index $.Values.components $k` in a range over the keys, `$agent :=
    // .Values.agent` then `$agent.image` and `with $agent.securityContext`, `$sc :=
    // $.Values.shared.securityContext` in an included partial, `with $d := .Values.daemon`:
    // each finding is at the values line (it was the template action, where the two
    // components' images fell on one line and were one finding). A variable holding a
    // literal (`$pid := "true"`) stays at the template line.
    let v = json_check(&[
        "provenance-vars",
        "--select",
        "K8S-001,K8S-008,K8S-009,K8S-010,K8S-015",
    ]);
    assert!(v["problems"].as_array().unwrap().is_empty(), "{v}");
    let all = rules_at(&v);
    let at = |rule: &str, file: &str, line: u64| {
        (rule.to_string(), (format!("provenance-vars/{file}"), line))
    };
    assert_eq!(
        all,
        [
            at("K8S-009", "templates/daemon.yaml", 21),
            at("K8S-015", "values.yaml", 3),
            at("K8S-001", "values.yaml", 4),
            at("K8S-015", "values.yaml", 6),
            at("K8S-008", "values.yaml", 9),
            at("K8S-015", "values.yaml", 10),
            at("K8S-001", "values.yaml", 12),
            at("K8S-001", "values.yaml", 15),
            at("K8S-009", "values.yaml", 16),
            at("K8S-010", "values.yaml", 18),
        ],
        "{all:#?}"
    );
}

/// Each finding as (rule, resource, (file, line), related (role, file, line)), in report
/// order.
fn findings_located(v: &Value) -> Vec<(String, String, Located)> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap().to_string(),
                f["resource"].as_str().unwrap().to_string(),
                located(f),
            )
        })
        .collect()
}

#[test]
fn a_value_a_library_partial_was_given_in_a_dict_points_at_its_values_line() {
    // The Bitnami common library's forms: `include "libcommon.tplvalues.render" (dict "value"
    // .Values.podSecurityContext "context" $)` (a ternary of the value and its toYaml),
    // `renderSecurityContext` (a variable reassigned to `omit` of itself), a field of a dict
    // member printed by a partial (`.pod.hostNetwork`), and an image combined by `printf`
    // from `.imageRoot` (the call-site template line, each values line printed after). In a
    // template: `default`, a `ternary` whose condition prints nothing, `get`, `merge`,
    // `deepCopy`, `range` over `list`. A dict holding a literal stays at the partial's line.
    let v = json_check(&[
        "provenance-dict",
        "--select",
        "K8S-001,K8S-004,K8S-008,K8S-009,K8S-010,K8S-015",
    ]);
    assert!(v["problems"].as_array().unwrap().is_empty(), "{v}");
    let all = findings_located(&v);
    let f = |file: &str| format!("provenance-dict/{file}");
    let lib = |file: &str| f(&format!("charts/libcommon/templates/{file}"));
    let at = |rule: &str, res: &str, file: String, line: u64, related: &[(&str, String, u64)]| {
        (
            rule.to_string(),
            format!("Pod apps/{res}"),
            (
                (file, line),
                related
                    .iter()
                    .map(|(r, f, l)| (r.to_string(), f.clone(), *l))
                    .chain([("rendered".to_string(), "provenance-dict".to_string(), 0)])
                    .collect::<Vec<_>>(),
            ),
        )
    };
    // The rendered line is not what this test checks.
    let all: Vec<_> = all
        .into_iter()
        .map(|(r, res, (loc, rel))| {
            let rel = rel
                .into_iter()
                .map(|(role, file, line)| match role.as_str() {
                    "rendered" => (role, file, 0),
                    _ => (role, file, line),
                })
                .collect();
            (r, res, (loc, rel))
        })
        .collect();
    let values = f("values.yaml");
    let expected = [
        at(
            "K8S-008",
            "literal",
            lib("_security.tpl"),
            14,
            &[("template", f("templates/dictpod.yaml"), 18)],
        ),
        // The `latest` tag `printf` printed from `.imageRoot.tag`: its values line.
        at(
            "K8S-015",
            "app",
            values.clone(),
            7,
            &[
                ("template", lib("_images.tpl"), 9),
                ("template", f("templates/app.yaml"), 11),
                ("values", values.clone(), 5),
                ("values", values.clone(), 6),
            ],
        ),
        at(
            "K8S-004",
            "app",
            values.clone(),
            9,
            &[
                ("template", lib("_tplvalues.tpl"), 7),
                ("template", f("templates/app.yaml"), 8),
            ],
        ),
        at(
            "K8S-001",
            "app",
            values.clone(),
            12,
            &[
                ("template", lib("_security.tpl"), 10),
                ("template", f("templates/app.yaml"), 13),
            ],
        ),
        at(
            "K8S-008",
            "functions",
            values.clone(),
            18,
            &[("template", f("templates/functions.yaml"), 7)],
        ),
        at(
            "K8S-009",
            "functions",
            values.clone(),
            21,
            &[("template", f("templates/functions.yaml"), 8)],
        ),
        at(
            "K8S-010",
            "functions",
            values.clone(),
            24,
            &[("template", f("templates/functions.yaml"), 9)],
        ),
        at(
            "K8S-008",
            "dictpod",
            values.clone(),
            26,
            &[
                ("template", lib("_security.tpl"), 14),
                ("template", f("templates/dictpod.yaml"), 7),
            ],
        ),
        at(
            "K8S-001",
            "functions",
            values.clone(),
            29,
            &[("template", f("templates/functions.yaml"), 14)],
        ),
        at(
            "K8S-015",
            "functions",
            values.clone(),
            34,
            &[("template", f("templates/functions.yaml"), 21)],
        ),
    ];
    assert_eq!(all, expected, "{all:#?}");
}

#[test]
fn a_value_a_library_partial_was_given_from_set_points_at_the_set_argument() {
    // The same partials given a value `--set` overrides: the finding is at the `--set` pair.
    let v = json_check(&[
        "provenance-dict",
        "--set",
        "podSecurityContext.runAsUser=0,pod.hostNetwork=true",
        "--select",
        "K8S-004,K8S-008",
    ]);
    let all = rules_at(&v);
    let set = "--set podSecurityContext.runAsUser,pod.hostNetwork".to_string();
    assert_eq!(
        all,
        [
            ("K8S-004".to_string(), (set.clone(), 1)),
            ("K8S-008".to_string(), (set.clone(), 1)),
            (
                "K8S-008".to_string(),
                (
                    "provenance-dict/charts/libcommon/templates/_security.tpl".to_string(),
                    14
                )
            ),
            (
                "K8S-008".to_string(),
                ("provenance-dict/values.yaml".to_string(), 18)
            ),
        ],
        "{all:#?}"
    );
}

#[test]
fn a_dict_passed_down_three_partials_points_at_its_values_lines() {
    // `include "outer" (dict "pod" .Values.pod …)`, which includes `middle` with `(dict
    // "spec" .pod.spec)`, which includes `inner` with `(dict "sc" .spec.securityContext)`:
    // each partial's dot path is read through the call that ran it, up to the values. They
    // pointed at `pod:` (the template's action), one finding for three values lines.
    let v = json_check(&["provenance-nested", "--select", "K8S-001,K8S-004,K8S-008"]);
    assert!(v["problems"].as_array().unwrap().is_empty(), "{v}");
    let f = |file: &str| format!("provenance-nested/{file}");
    let mut all: Vec<_> = findings_located(&v)
        .into_iter()
        .map(|(rule, _, ((file, line), related))| {
            let related: Vec<_> = related
                .into_iter()
                .filter(|(role, _, _)| role != "rendered")
                .collect();
            (rule, file, line, related)
        })
        .collect();
    all.sort();
    let partial = |line| ("template".to_string(), f("templates/_h.tpl"), line);
    let call = ("template".to_string(), f("templates/pod.yaml"), 6);
    assert_eq!(
        all,
        [
            (
                "K8S-001".to_string(),
                f("values.yaml"),
                6,
                vec![partial(13), call.clone()]
            ),
            (
                "K8S-004".to_string(),
                f("values.yaml"),
                7,
                vec![partial(14), call.clone()]
            ),
            (
                "K8S-008".to_string(),
                f("values.yaml"),
                4,
                vec![partial(5), call.clone()]
            ),
        ],
        "{all:#?}"
    );
}

#[test]
fn a_value_in_an_object_built_at_run_time_points_at_its_values_line() {
    // Each Pod's `privileged: true` is printed by one `toYaml` of an object the template
    // built: `$x := .Values.a.securityContext`, a `dict` holding `.Values.b.sc` in a
    // `list`, an `append` of a `dict` holding `.Values.c.first`, a `merge` of a `deepCopy`,
    // an `include` given the value in a `dict`. Each finding is at its own values line,
    // the `toYaml` action a related location. The same object written as literals in the
    // template (`dict "privileged" true`) stays at the template's `toYaml` line.
    let v = json_check(&["provenance-built", "--select", "K8S-001"]);
    assert!(v["problems"].as_array().unwrap().is_empty(), "{v}");
    let all = findings_located(&v);
    let at = |resource: &str| {
        all.iter()
            .find(|(_, r, _)| r == resource)
            .map(|(_, _, ((file, line), related))| (file.clone(), *line, related.clone()))
            .unwrap_or_else(|| panic!("{resource}: {all:#?}"))
    };
    let values = "provenance-built/values.yaml";
    let pods = "provenance-built/templates/pods.yaml";
    for (resource, line, template_line) in [
        ("Pod dictform", 7, 20),
        ("Pod appendform", 10, 30),
        ("Pod mergeform", 12, 41),
    ] {
        let (file, got, related) = at(resource);
        assert_eq!((file.as_str(), got), (values, line), "{resource}: {all:#?}");
        assert!(
            related.contains(&("template".to_string(), pods.to_string(), template_line)),
            "{resource}: {related:?}"
        );
    }
    let (file, line, _) = at("Pod literal");
    assert_eq!((file.as_str(), line), (pods, 50), "{all:#?}");
    // `$x := .Values.a.securityContext` and the `include` print the same values line: one
    // finding there, counting the other.
    let (file, line, _) = at("Pod incl");
    assert_eq!((file.as_str(), line), (values, 3), "{all:#?}");
}

#[test]
fn a_value_a_partial_prints_inside_its_own_range_points_at_its_values_line() {
    // nixys's universal chart: `range .Values.deployments` includes a pod partial given the
    // element in a `dict`; the partial ranges over `.containers` and prints each one's
    // `securityContext` through `tpl (.value | toYaml) .context` (another partial given it
    // in a `dict`) and its `resources` with `toYaml .`. No values path reaches through the
    // partial's own `range`: each line is told by the `toYaml` output it printed. The
    // worker's container prints the same text as the api's second one: its lines are the
    // worker's partial's, not the api's again. A `path: {{ .path }}` the volumes partial
    // prints in its `range` is the string's own values line.
    let v = json_check(&[
        "provenance-partial-range",
        "--select",
        "K8S-001,K8S-011,K8S-013",
    ]);
    assert!(v["problems"].as_array().unwrap().is_empty(), "{v}");
    let all = findings_located(&v);
    let values = "provenance-partial-range/values.yaml".to_string();
    let at = |rule: &str, resource: &str, path_has: &str| {
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .zip(&all)
            .find(|(f, (r, res, _))| {
                r == rule
                    && res == resource
                    && f["path"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|p| p.as_str().map_or(p.to_string(), str::to_string))
                        .collect::<Vec<_>>()
                        .join("/")
                        .ends_with(path_has)
            })
            .map(|(_, (_, _, ((file, line), _)))| (file.clone(), *line))
            .unwrap_or_else(|| panic!("{rule} {resource} {path_has}: {all:#?}"))
    };
    // `privileged: true` of the api's second container, printed by the tpl of its toYaml.
    assert_eq!(
        at(
            "K8S-001",
            "Deployment api",
            "containers/1/securityContext/privileged"
        ),
        (values.clone(), 11),
        "{all:#?}"
    );
    // `limits:` of the same container, printed by the partial's own `toYaml .`.
    assert_eq!(
        at("K8S-013", "Deployment api", "containers/1/resources/limits"),
        (values.clone(), 14),
        "{all:#?}"
    );
    // The worker's equal `privileged: true` line: its own finding at its own values line.
    assert_eq!(
        at(
            "K8S-001",
            "Deployment worker",
            "containers/0/securityContext/privileged"
        ),
        (values.clone(), 21),
        "{all:#?}"
    );
    // `path: {{ .path }}` in a volumes partial's `range` over the list it was given in a
    // `dict`: the string printed as it was is told by its allocation.
    assert_eq!(
        at("K8S-011", "Deployment worker", "volumes/0/hostPath/path"),
        (values, 25),
        "{all:#?}"
    );
}

#[test]
fn a_bool_merged_into_a_new_dict_points_at_its_values_line() {
    // `merge (dict) ($c.securityContext | default dict) $defaults | toYaml` in a `range`:
    // pod a has no `privileged`, pod b's is `false` (empty to mergo, so the default's `true`
    // replaces it). Both print the defaults' `privileged: true`: one finding at its values
    // line, where they pointed at the template's `toYaml` line.
    let v = json_check(&["provenance-merge-built", "--select", "K8S-001"]);
    assert!(v["problems"].as_array().unwrap().is_empty(), "{v}");
    let all = findings_located(&v);
    let values = "provenance-merge-built/values.yaml".to_string();
    assert_eq!(all.len(), 1, "{all:#?}");
    let (_, _, ((file, line), related)) = &all[0];
    assert_eq!((file, *line), (&values, 3), "{all:#?}");
    // Both pods' lines are the finding's rendered places.
    let rendered = related
        .iter()
        .filter(|(role, _, _)| role == "rendered")
        .count();
    assert_eq!(rendered, 2, "{related:?}");
}

#[test]
fn a_values_object_tpl_rewrote_points_at_its_values_lines() {
    // stakater's application chart: `range $key, $value := .Values.deployment.initContainers`
    // prints each through a partial's `tpl (.value | toYaml) .context`, and a value of the
    // object holds a template (`command: [sh, -c, "echo {{ .Release.Name }}"]`), so the
    // text printed is not the `toYaml` output. Each line is still its node's values line,
    // in a template's `range` (the element told by its text) and in a partial's own `range
    // concat .sidecars .containers`, which no values path follows (the `toYaml` output
    // matched line by line, each action any text); they pointed at the map's key (`apps:`)
    // and at the partial's `tpl` line.
    let v = json_check(&[
        "provenance-tpl-actions",
        "--select",
        "K8S-001,K8S-003,K8S-016",
    ]);
    assert!(v["problems"].as_array().unwrap().is_empty(), "{v}");
    let all = findings_located(&v);
    let at = |rule: &str, resource: &str| {
        all.iter()
            .find(|(r, res, _)| r == rule && res == resource)
            .map(|(_, _, ((file, line), _))| (file.clone(), *line))
            .unwrap_or_else(|| panic!("{rule} {resource}: {all:#?}"))
    };
    let values = "provenance-tpl-actions/values.yaml".to_string();
    for (rule, resource, line) in [
        ("K8S-016", "Deployment web", 3),
        ("K8S-003", "Deployment web", 6),
        ("K8S-001", "Deployment web", 7),
        ("K8S-016", "Job migrate", 11),
        ("K8S-001", "Job migrate", 16),
    ] {
        assert_eq!(
            at(rule, resource),
            (values.clone(), line),
            "{rule} {resource}: {all:#?}"
        );
    }
}

#[test]
fn a_value_a_partial_pipes_or_indexes_points_at_its_values_line() {
    // A partial given a list in a `dict` reads its first element (`with index .containers
    // 0`): the static path holds the index after the `range` element of the caller
    // (`workloads.<element>.containers.0.image`), read through the list; it pointed at
    // `workloads:`. The same in a template's own `range` (`with index .containers 0`, `$side
    // := index .containers 1`): the field of dot an `index` starts from is the element's;
    // they pointed at the template's lines. Another partial ranges over `concat .vols
    // .extra` (no values path) and prints `{{ .hostPath.path | quote }}`: the string piped
    // through `quote` is told by its allocation as the value printed as it was is (gotmpl
    // patch 64); it pointed at the partial's action.
    let v = json_check(&[
        "provenance-partial-pipeline",
        "--select",
        "K8S-001,K8S-011,K8S-015,K8S-016",
    ]);
    assert!(v["problems"].as_array().unwrap().is_empty(), "{v}");
    let all = findings_located(&v);
    let at = |rule: &str, resource: &str, path_has: &str| {
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .zip(&all)
            .find(|(f, (r, res, _))| {
                r == rule
                    && res == resource
                    && f["path"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|p| p.as_str().map_or(p.to_string(), str::to_string))
                        .collect::<Vec<_>>()
                        .join("/")
                        .ends_with(path_has)
            })
            .map(|(_, (_, _, ((file, line), _)))| (file.clone(), *line))
            .unwrap_or_else(|| panic!("{rule} {resource} {path_has}: {all:#?}"))
    };
    let values = "provenance-partial-pipeline/values.yaml".to_string();
    for (rule, resource, path, line) in [
        ("K8S-016", "Deployment api", "containers/0/image", 5),
        ("K8S-001", "Deployment api", "privileged", 7),
        ("K8S-011", "Deployment api", "hostPath/path", 13),
        ("K8S-016", "Pod api-pod", "containers/1/image", 9),
    ] {
        assert_eq!(
            at(rule, resource, path),
            (values.clone(), line),
            "{rule} {resource} {path}: {all:#?}"
        );
    }
    // The Pod's first image, under the template's `with index .containers 0`, is the same
    // values line as the Deployment's: one finding there, none at the template's line.
    assert!(
        !all.iter()
            .any(|(_, _, ((file, _), _))| file.ends_with("templates/pods.yaml")),
        "{all:#?}"
    );
}

/// A credential a chart passes on a container's command line from its values (keda's
/// `range $key, $value := .Values.extraArgs.keda` printing `- --{{ $key }}={{ $value }}`,
/// kube-state-metrics' `.Values.extraArgs | toYaml`, minio's `extraArgs` joined into a shell
/// line): K8S-017, at the values line that holds it (it was reported by nothing).
#[test]
fn a_credential_passed_as_an_extra_argument_is_reported_at_its_values_line() {
    let chart = common::dir_with(&[
        ("c/Chart.yaml", b"apiVersion: v2\nname: c\nversion: 0.1.0\n"),
        (
            "c/values.yaml",
            b"extraArgs:\n  operator:\n    zap-log-level: info\n    secret-token: 9fK2mQx7LpZ3vR8t\n  listed:\n    - --leader-elect\n    - --client-secret=Yb7Qm2Zx9VnL4tKp\n    - --ca-secret-name=op-ca\nshellArgs:\n  - --api-key=Pq7Vn2Lk9ZxT4mWc\n",
        ),
        (
            "c/templates/deploy.yaml",
            br#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: op
  namespace: ops
spec:
  template:
    spec:
      containers:
        - name: operator
          image: op:1
          args:
            {{- range $key, $value := .Values.extraArgs.operator }}
            - --{{ $key }}={{ $value }}
            {{- end }}
        - name: listed
          image: op:1
          args:
            {{- .Values.extraArgs.listed | toYaml | nindent 12 }}
        - name: shell
          image: op:1
          command:
            - /bin/sh
            - -ce
            - "exec /app serve {{- range .Values.shellArgs }} {{ . }}{{ end }}"
"#,
        ),
    ]);
    let (v, _) = common::json_check(chart.path(), &["c", "--select", "K8S-017"]);
    assert_findings(
        &v,
        &[
            ("K8S-017", "c/values.yaml", 4),
            ("K8S-017", "c/values.yaml", 7),
            // Inside a shell line put together from the template and values: the value's
            // part of it, printed from `shellArgs`' element.
            ("K8S-017", "c/values.yaml", 10),
        ],
    );
    let said = messages(&v).join("\n");
    assert!(said.contains("--secret-token"), "{said}");
    for secret in ["9fK2mQx7LpZ3vR8t", "Yb7Qm2Zx9VnL4tKp", "Pq7Vn2Lk9ZxT4mWc"] {
        assert!(!v.to_string().contains(secret), "{secret} printed: {v}");
    }
}

/// A values map given where the chart's values.yaml holds a value that is not a map, or the
/// other way round below the top level: Helm keeps the value given and prints a warning on
/// standard error (`skipped value for c.provider: Not a table.`); runeguard said nothing. Now
/// a note at the line that gave it, the rendering unchanged (the value given is used).
#[test]
fn a_map_given_over_a_charts_value_that_is_not_one_is_a_note_at_its_line() {
    let chart = common::dir_with(&[
        ("c/Chart.yaml", b"apiVersion: v2\nname: c\nversion: 0.1.0\n"),
        (
            "c/values.yaml",
            b"provider: aws\nlist: [a]\nmap:\n  a: 1\n  b:\n    c: 1\n  s: str\n  nul: ~\n",
        ),
        (
            "c/templates/cm.yaml",
            b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  namespace: ns\ndata:\n  p: {{ .Values.provider | toJson | quote }}\n  m: {{ .Values.map | toJson | quote }}\n",
        ),
        (
            "over.yaml",
            b"provider:\n  name: webhook\nlist: {a: 1}\nmap:\n  b: 5\n  s:\n    x: 1\n  nul:\n    k: 2\n",
        ),
        ("scalar.yaml", b"map: 5\n"),
    ]);
    let out = rg()
        .current_dir(chart.path())
        .args(["render", "c", "--values", "over.yaml"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(r#"p: "{\"name\":\"webhook\"}""#)
            && text.contains(r#"m: "{\"a\":1,\"b\":5,\"nul\":{\"k\":2},\"s\":{\"x\":1}}""#),
        "{text}"
    );
    let (v, _) = common::json_check(chart.path(), &["c", "--values", "over.yaml"]);
    let mut notes: Vec<(String, u64, String)> = v["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["file"].as_str().unwrap_or("").to_string(),
                p["line"].as_u64().unwrap_or(0),
                p["message"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    notes.sort();
    let at: Vec<(&str, u64)> = notes.iter().map(|(f, l, _)| (f.as_str(), *l)).collect();
    // `provider` and `list` at the top level (a list given over the chart's list is not a
    // mismatch; `list: {a: 1}` over `[a]` is); `map.b` (not a map over a map) and `map.s` (a
    // map over a string) below it; `map.nul` over the chart's null is no mismatch.
    assert_eq!(
        at,
        [
            ("over.yaml", 1),
            ("over.yaml", 3),
            ("over.yaml", 5),
            ("over.yaml", 6)
        ],
        "{v:#}"
    );
    assert!(
        notes[0]
            .2
            .contains("skipped value for c.provider: Not a table."),
        "{notes:?}"
    );
    assert!(
        notes[2]
            .2
            .contains("cannot overwrite table with non table for c.map.b"),
        "{notes:?}"
    );
    // The chart's value is not quoted (a default may be a credential).
    assert!(!notes.iter().any(|n| n.2.contains("str)")), "{notes:?}");
    // A value that is not a map over the chart's map at the top level: Helm says nothing.
    let (v, _) = common::json_check(chart.path(), &["c", "--values", "scalar.yaml"]);
    assert!(v["problems"].as_array().unwrap().is_empty(), "{v:#}");
}

/// The key and the value of one `range $key, $value := .Values.m` entry printed together
/// through a format other than `key: value` (the descheduler chart's
/// `printf "--%s=%s" $key (toString $value)`, `-D%s=%s` system properties, `%s=%v`): the
/// finding about the value pointed at the map's key (`cmdOptions:`), as only the `k: v` form
/// was told apart. Now at the entry's line, when exactly one entry's key and value are what
/// was printed, in that order, with only punctuation between them.
#[test]
fn a_range_entry_printed_through_a_format_points_at_its_values_line() {
    let chart = common::dir_with(&[
        ("c/Chart.yaml", b"apiVersion: v2\nname: c\nversion: 0.1.0\n"),
        (
            "c/values.yaml",
            b"cmdOptions:\n  v: 3\n  evict-local-storage-pods:\n  client-secret: hunter2sEcr3tValue99\n  kubeconfig: /etc/kube/config\njavaOpts:\n  log.level: info\n  db.password: Wq7Zp3Lk9Vx2Mn8T\nenvPairs:\n  MODE: fast\n  API_TOKEN: Tb4Nc8Xm2Qz7Lp5R\n",
        ),
        (
            "c/templates/deploy.yaml",
            br#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: d
  namespace: ops
spec:
  template:
    spec:
      containers:
        - name: d
          image: d:1
          args:
            {{- range $key, $value := .Values.cmdOptions }}
            {{- if ne $value nil }}
            - {{ printf "--%s=%s" $key (toString $value) }}
            {{- else }}
            - {{ printf "--%s" $key }}
            {{- end }}
            {{- end }}
        - name: java
          image: j:1
          command:
            - java
            {{- range $k, $v := .Values.javaOpts }}
            - {{ printf "-D%s=%s" $k $v | quote }}
            {{- end }}
          env:
            {{- range $name, $value := .Values.envPairs }}
            - name: {{ $name }}
              value: {{ $value | quote }}
            {{- end }}
"#,
        ),
    ]);
    let (v, _) = common::json_check(chart.path(), &["c", "--select", "K8S-017"]);
    assert_findings(
        &v,
        &[
            ("K8S-017", "c/values.yaml", 4),
            ("K8S-017", "c/values.yaml", 8),
            ("K8S-017", "c/values.yaml", 11),
        ],
    );
    for secret in [
        "hunter2sEcr3tValue99",
        "Wq7Zp3Lk9Vx2Mn8T",
        "Tb4Nc8Xm2Qz7Lp5R",
    ] {
        assert!(!v.to_string().contains(secret), "{secret} printed: {v}");
    }
}

/// A container given in values and printed by `toYaml` (an extra or init container, a
/// sidecar; through `tpl` too, superset's `initContainers`): `toYaml` sorts its keys, so the
/// line printed first is its alphabetically first key (`command:`). A finding on the whole
/// container (no `securityContext`, no probe) points where the container starts in the values
/// file, its `- name:` line, as it does when a manifest is checked by itself.
#[test]
fn a_values_container_printed_by_to_yaml_is_located_at_its_first_line() {
    let chart = common::dir_with(&[
        ("c/Chart.yaml", b"apiVersion: v2\nname: c\nversion: 0.1.0\n"),
        (
            "c/values.yaml",
            b"initContainers:\n  - name: wait\n    image: busybox:1.36\n    command: [\"sh\", \"-c\", \"true\"]\nsidecars:\n  - name: side\n    image: busybox:1.36\n    args: [\"{{ .Release.Name }}\"]\n",
        ),
        (
            "c/templates/deploy.yaml",
            br#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
  namespace: apps
spec:
  template:
    spec:
      initContainers:
        {{- toYaml .Values.initContainers | nindent 8 }}
      containers:
        - name: main
          image: busybox:1.36
          livenessProbe:
            exec:
              command: ["true"]
        {{- with .Values.sidecars }}
        {{- tpl (toYaml .) $ | nindent 8 }}
        {{- end }}
"#,
        ),
    ]);
    let (v, _) = common::json_check(chart.path(), &["c", "--select", "K8S-002,K8S-023"]);
    assert_findings(
        &v,
        &[
            ("K8S-002", "c/templates/deploy.yaml", 12),
            ("K8S-002", "c/values.yaml", 2),
            ("K8S-002", "c/values.yaml", 6),
            ("K8S-023", "c/values.yaml", 6),
        ],
    );
}

/// A null in values (`tag: ~`, which Helm deletes while coalescing) given to `default`
/// (`.Values.image.tag | default .Chart.AppVersion`): the text printed is the chart's, so
/// the finding points at the template's action, as it does for `tag: ""`, not at the values
/// line of a value that printed nothing.
#[test]
fn a_null_value_default_replaced_points_at_the_template() {
    let chart = common::dir_with(&[
        (
            "c/Chart.yaml",
            b"apiVersion: v2\nname: c\nversion: 0.1.0\nappVersion: 1.2.3\n",
        ),
        (
            "c/values.yaml",
            b"app:\n  image:\n    repository: nginx\n    tag: ~\nside:\n  image:\n    repository: nginx\n    tag: \"\"\n",
        ),
        (
            "c/templates/pod.yaml",
            br#"apiVersion: v1
kind: Pod
metadata:
  name: app
  namespace: apps
spec:
  containers:
    - name: app
      image: "{{ .Values.app.image.repository }}:{{ .Values.app.image.tag | default .Chart.AppVersion }}"
    - name: side
      image: "{{ .Values.side.image.repository }}:{{ .Values.side.image.tag | default .Chart.AppVersion }}"
"#,
        ),
    ]);
    let (v, _) = common::json_check(chart.path(), &["c", "--select", "K8S-016"]);
    assert_findings(
        &v,
        &[
            ("K8S-016", "c/templates/pod.yaml", 9),
            ("K8S-016", "c/templates/pod.yaml", 11),
        ],
    );
}

/// A field of a `range` element given to `default` with another field of it (tetragon's
/// `path: {{ .hostPath | default .mountPath }}` over its extra host path mounts), in a
/// template and in a partial: each volume's host path points at the values line of the field
/// whose text was printed (`hostPath:` where the element sets it, else `mountPath:`), not at
/// the template's action, where both volumes were one finding "and 1 more from this line".
#[test]
fn a_range_field_chosen_by_default_points_at_the_field_printed() {
    let chart = common::dir_with(&[
        ("c/Chart.yaml", b"apiVersion: v2\nname: c\nversion: 0.1.0\n"),
        (
            "c/values.yaml",
            b"mounts:\n  - name: docker-sock\n    mountPath: /var/run/docker.sock\n  - name: etc\n    mountPath: /host/etc\n    hostPath: /etc\nmore:\n  - name: root\n    mountPath: /host\n    hostPath: /\n  - name: containerd\n    mountPath: /run/containerd\n",
        ),
        (
            "c/templates/_volumes.tpl",
            br#"{{- define "c.volumes" -}}
{{- range .Values.more }}
- name: {{ .name }}
  hostPath:
    path: {{ default .mountPath .hostPath }}
{{- end }}
{{- end -}}
"#,
        ),
        (
            "c/templates/ds.yaml",
            br#"apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: ds
  namespace: apps
spec:
  template:
    spec:
      containers:
        - name: main
          image: busybox:1.36
      volumes:
{{- range .Values.mounts }}
        - name: {{ .name }}
          hostPath:
            path: {{ .hostPath | default .mountPath }}
{{- end }}
        {{- include "c.volumes" . | nindent 8 }}
"#,
        ),
    ]);
    let (v, _) = common::json_check(chart.path(), &["c", "--select", "K8S-011"]);
    assert_findings(
        &v,
        &[
            ("K8S-011", "c/values.yaml", 3),
            ("K8S-011", "c/values.yaml", 6),
            ("K8S-011", "c/values.yaml", 10),
            ("K8S-011", "c/values.yaml", 12),
        ],
    );
}

/// A map entry of values printed as an env list item built at run time (z2jh's
/// `jupyterhub.extraEnv`: `merge (dict) $value (dict "name" $key) | list | toYaml` inside
/// `range $key, $value`), by a partial and by a template: the printed item is no entry's
/// text, so each line pointed at the map's key (`extraEnv:`); it points at the node it
/// printed (`value:`, `secretKeyRef:`), as a string entry printed with its key does.
#[test]
fn a_range_entry_printed_as_a_built_list_item_points_at_its_values_line() {
    let chart = common::dir_with(&[
        ("c/Chart.yaml", b"apiVersion: v2\nname: c\nversion: 0.1.0\n"),
        (
            "c/values.yaml",
            b"extraEnv:\n  OAUTH_CLIENT_SECRET: \"abcd1234efgh5678\"\n  API_TOKEN:\n    value: \"tok-987654321zyxwv\"\n  DB_PASSWORD:\n    valueFrom:\n      secretKeyRef:\n        name: db\n        key: password\nsideEnv:\n  SIDE_API_TOKEN:\n    value: \"tok-123456789abcdefg\"\n",
        ),
        (
            "c/templates/_env.tpl",
            br#"{{- define "c.env" -}}
{{- range $key, $value := . }}
{{- if kindIs "map" $value }}
{{- merge (dict) $value (dict "name" $key) | list | toYaml | println }}
{{- else -}}
- name: {{ $key | quote }}
  value: {{ $value | quote | println }}
{{- end }}
{{- end }}
{{- end }}
"#,
        ),
        (
            "c/templates/deploy.yaml",
            br#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
  namespace: apps
spec:
  template:
    spec:
      containers:
        - name: main
          image: busybox:1.36
          env:
            - name: A
              value: "1"
            {{- include "c.env" .Values.extraEnv | trimSuffix "\n" | nindent 12 }}
        - name: side
          image: busybox:1.36
          env:
            {{- range $key, $value := .Values.sideEnv }}
            {{- merge (dict) $value (dict "name" $key) | list | toYaml | nindent 12 }}
            {{- end }}
"#,
        ),
    ]);
    let (v, _) = common::json_check(chart.path(), &["c", "--select", "K8S-017,K8S-018"]);
    assert_findings(
        &v,
        &[
            ("K8S-017", "c/values.yaml", 2),
            ("K8S-017", "c/values.yaml", 4),
            ("K8S-018", "c/values.yaml", 7),
            ("K8S-017", "c/values.yaml", 12),
        ],
    );
}

/// A Secret of a database chart (groundhog2k's postgres: `POSTGRES_DB`, `POSTGRES_PASSWORD`,
/// `USERDB_PASSWORD` from `settings` and `userDatabase` values): the finding names every key
/// but pointed at the first by name, `POSTGRES_DB`, so at the values line of the database's
/// name (`value: appdb`); it points at the first key whose name says it is a credential, the
/// superuser password's values line.
#[test]
fn a_secrets_finding_points_at_a_credentials_values_line_not_the_first_key() {
    let chart = common::dir_with(&[
        ("c/Chart.yaml", b"apiVersion: v2\nname: c\nversion: 0.1.0\n"),
        (
            "c/values.yaml",
            b"settings:\n  superuserPassword:\n    value: Sup3rS3cretPw-0000\nuserDatabase:\n  name:\n    value: appdb\n  password:\n    value: AppPassw0rd-9999\n",
        ),
        (
            "c/templates/secret.yaml",
            br#"apiVersion: v1
kind: Secret
metadata:
  name: pg
  namespace: apps
type: Opaque
data:
  POSTGRES_PASSWORD: {{ .Values.settings.superuserPassword.value | b64enc }}
{{- with .Values.userDatabase }}
  POSTGRES_DB: {{ .name.value | b64enc }}
  USERDB_PASSWORD: {{ .password.value | b64enc }}
{{- end }}
"#,
        ),
    ]);
    let (v, _) = common::json_check(chart.path(), &["c", "--select", "K8S-035"]);
    assert_findings(&v, &[("K8S-035", "c/values.yaml", 3)]);
}

/// Fields of one `range` element combined into one text (`printf "%s:%s" .repository .tag`
/// of a listed image, with the chart's `$.Values.registry` before them, or through a `range
/// $s :=` variable): no field's text is the whole image, so the element was not told and each
/// image pointed at the template's action (both sidecars one finding "and 1 more"), or, with
/// the registry, at the registry's values line. Each points at its element's tag line now.
#[test]
fn fields_of_a_range_element_combined_by_printf_point_at_their_values_lines() {
    let chart = common::dir_with(&[
        ("c/Chart.yaml", b"apiVersion: v2\nname: c\nversion: 0.1.0\n"),
        (
            "c/values.yaml",
            b"registry: docker.io\nsidecars:\n  - name: a\n    repository: nginx\n    tag: latest\n  - name: b\n    repository: busybox\n    tag: \"1.36\"\nextra:\n  - name: c\n    image:\n      repository: redis\n      tag: latest\n  - name: d\n    image:\n      repository: memcached\n      tag: latest\n",
        ),
        (
            "c/templates/pod.yaml",
            br#"apiVersion: v1
kind: Pod
metadata:
  name: p
  namespace: apps
spec:
  containers:
{{- range .Values.sidecars }}
    - name: {{ .name }}
      image: {{ printf "%s/%s:%s" $.Values.registry .repository .tag }}
{{- end }}
{{- range $s := .Values.extra }}
    - name: {{ $s.name }}
      image: {{ printf "%s:%s" $s.image.repository $s.image.tag | quote }}
{{- end }}
"#,
        ),
    ]);
    let (v, _) = common::json_check(chart.path(), &["c", "--select", "K8S-015"]);
    assert_findings(
        &v,
        &[
            ("K8S-015", "c/values.yaml", 5),
            ("K8S-015", "c/values.yaml", 13),
            ("K8S-015", "c/values.yaml", 17),
        ],
    );
}

/// Template text a values switch turned on (rook-ceph's `{{- if .Values.useOperatorHostNetwork
/// }}` over `hostNetwork: true`, node-exporter's host root volume, Bitnami's `- {}` egress under
/// `allowExternalEgress`): the finding stays on the template's text, and the values line that
/// switched it on (and the condition) are its related locations; they were not told at all,
/// so nothing said which value to turn off. A switch around the whole object (`{{- if
/// .Values.rbac.create }}`) or an `else` branch is not one.
#[test]
fn template_text_a_value_switched_on_relates_the_switchs_values_line() {
    let chart = common::dir_with(&[
        ("c/Chart.yaml", b"apiVersion: v2\nname: c\nversion: 0.1.0\n"),
        (
            "c/values.yaml",
            b"useHostNetwork: false\nshareHostPid: true\nplain: true\n",
        ),
        ("on.yaml", b"useHostNetwork: true\n"),
        (
            "c/templates/ds.yaml",
            br#"{{- if .Values.plain }}
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: ds
  namespace: apps
spec:
  template:
    spec:
{{- if .Values.useHostNetwork }}
      hostNetwork: true
{{- end }}
{{- if not .Values.shareHostPid }}
      hostPID: false
{{- else }}
      hostPID: true
{{- end }}
      containers:
        - name: main
          image: busybox:1.36
{{- end }}
"#,
        ),
    ]);
    let (v, _) = common::json_check(
        chart.path(),
        &["c", "--values", "on.yaml", "--select", "K8S-008,K8S-009"],
    );
    assert_findings(
        &v,
        &[
            ("K8S-008", "c/templates/ds.yaml", 11),
            ("K8S-009", "c/templates/ds.yaml", 16),
        ],
    );
    let related = |rule: &str| -> Vec<(String, u64)> {
        let f = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule_id"] == rule)
            .unwrap();
        f["related"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["role"] != "rendered")
            .map(|r| {
                (
                    format!(
                        "{}:{}",
                        r["role"].as_str().unwrap(),
                        r["file"].as_str().unwrap()
                    ),
                    r["start_line"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    assert_eq!(
        related("K8S-008"),
        [
            ("values:on.yaml".to_string(), 1),
            ("template:c/templates/ds.yaml".to_string(), 10),
        ],
        "{v}"
    );
    // The `else` branch of a switch, inside a switch wrapping the whole object: neither tells.
    assert_eq!(related("K8S-009"), [], "{v}");
}

/// A Secret's `data` entry filled from a values switch (falcosidekick's `SMTP_TLS: {{
/// .Values.config.smtp.tls | printf "%t" | b64enc }}`) marks the switch's values line as a
/// credential; the word it holds (`true`) was then masked in every message of a finding on
/// that values file (`readOnlyRootFilesystem is not set to ********`). A boolean or null
/// word is masked where it is (the Secret's value), never searched for in messages.
#[test]
fn a_secrets_boolean_from_values_does_not_mask_the_word_in_messages() {
    let chart = common::dir_with(&[
        ("c/Chart.yaml", b"apiVersion: v2\nname: c\nversion: 0.1.0\n"),
        (
            "c/values.yaml",
            b"securityContext: {}\nsmtp:\n  tls: true\n  verify: False\n  password: smtpPw12345\n",
        ),
        (
            "c/templates/all.yaml",
            br#"apiVersion: v1
kind: Secret
metadata:
  name: s
  namespace: apps
data:
  SMTP_TLS: "{{ .Values.smtp.tls | printf "%t" | b64enc }}"
  SMTP_VERIFY: "{{ .Values.smtp.verify | printf "%t" | b64enc }}"
  SMTP_PASSWORD: "{{ .Values.smtp.password | b64enc }}"
---
apiVersion: v1
kind: Pod
metadata:
  name: p
  namespace: apps
spec:
  containers:
    - name: main
      image: busybox:1.36
      {{- with .Values.securityContext }}
      securityContext:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      args: ["--smtp-password=smtpPw12345"]
"#,
        ),
    ]);
    let (v, _) = common::json_check(chart.path(), &["c", "--select", "K8S-002,K8S-005"]);
    let said = messages(&v);
    assert!(
        said.iter()
            .any(|m| m.contains("readOnlyRootFilesystem is not set to true")),
        "{said:?}"
    );
    assert!(
        said.iter()
            .any(|m| m.contains("allowPrivilegeEscalation is not set to false")),
        "{said:?}"
    );
    // The password itself stays masked everywhere.
    for args in [&["render", "c"][..], &["inspect", "c"]] {
        let out = rg().current_dir(chart.path()).args(args).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(!text.contains("smtpPw12345"), "{args:?}: {text}");
    }
}

/// A field of a `range` element printed through `tpl` (fluent-bit's `value: {{ tpl
/// $item.value $ | quote }}` over `envWithTpl`): the printed text is not the field's, so no
/// element was told and a literal token pointed at the collection's key (`envWithTpl:`). The
/// element is the one whose field's text around its actions is what was printed.
#[test]
fn a_range_field_printed_through_tpl_points_at_its_values_line() {
    let chart = common::dir_with(&[
        ("c/Chart.yaml", b"apiVersion: v2\nname: c\nversion: 0.1.0\n"),
        (
            "c/values.yaml",
            br#"flush: 1
envWithTpl:
  - name: USER
    value: "{{ .Release.Name }}-writer"
  - name: API_TOKEN
    value: "tok-{{ .Values.flush }}-abcdef123456"
  - name: DB_PASSWORD
    value: "{{ .Release.Name }}"
  - name: LEGACY_SECRET
    value: Xk9vQ2hpZGRlblNlY3JldA
"#,
        ),
        (
            "c/templates/pod.yaml",
            br#"apiVersion: v1
kind: Pod
metadata:
  name: p
  namespace: apps
spec:
  containers:
    - name: main
      image: busybox:1.36
      env:
      {{- range $item := .Values.envWithTpl }}
        - name: {{ $item.name }}
          value: {{ tpl $item.value $ | quote }}
      {{- end }}
"#,
        ),
    ]);
    let (v, _) = common::json_check(chart.path(), &["c", "--select", "K8S-017"]);
    // A field that is one action (`DB_PASSWORD`'s `{{ .Release.Name }}`) fits any text: its
    // element is the one its `name:` printed just before told (session fid27).
    assert_findings(
        &v,
        &[
            ("K8S-017", "c/values.yaml", 6),
            ("K8S-017", "c/values.yaml", 8),
            ("K8S-017", "c/values.yaml", 10),
        ],
    );
}

/// A `range` element's field whose printed text tells no element (a value two elements share,
/// `value: {{ .value | quote }}` of two passwords both `Sup3rS3cretPw`): the element a sibling
/// field printed before it in the same iteration told (`name: {{ .name }}`), not the
/// collection's key (`env:`).
#[test]
fn a_range_field_two_elements_share_points_at_its_own_element() {
    let chart = common::dir_with(&[
        ("c/Chart.yaml", b"apiVersion: v2\nname: c\nversion: 0.1.0\n"),
        (
            "c/values.yaml",
            br#"env:
  - name: DB_PASSWORD
    value: Sup3rS3cretPw
  - name: LOG_LEVEL
    value: info
  - name: ADMIN_PASSWORD
    value: Sup3rS3cretPw
"#,
        ),
        (
            "c/templates/pod.yaml",
            br#"apiVersion: v1
kind: Pod
metadata:
  name: p
  namespace: apps
spec:
  containers:
    - name: main
      image: busybox:1.36
      env:
      {{- range .Values.env }}
        - name: {{ .name }}
          value: {{ .value | quote }}
      {{- end }}
"#,
        ),
    ]);
    let (v, _) = common::json_check(chart.path(), &["c", "--select", "K8S-017"]);
    assert_findings(
        &v,
        &[
            ("K8S-017", "c/values.yaml", 3),
            ("K8S-017", "c/values.yaml", 7),
        ],
    );
}

/// A `range` element's field printed above the sibling that tells its element (`value:`
/// above `name:`, two passwords sharing one text): the element the sibling printed just
/// after it told, not the collection's key (`env:`) nor the element before (session fid28).
#[test]
fn a_range_field_printed_above_the_sibling_that_tells_its_element_points_at_its_own_element() {
    let chart = common::dir_with(&[
        ("c/Chart.yaml", b"apiVersion: v2\nname: c\nversion: 0.1.0\n"),
        (
            "c/values.yaml",
            br#"env:
  - name: DB_PASSWORD
    value: Sup3rS3cretPw
  - name: LOG_LEVEL
    value: info
  - name: ADMIN_PASSWORD
    value: Sup3rS3cretPw
  - name: API_TOKEN
    value: "{{ .Release.Name }}"
"#,
        ),
        (
            "c/templates/pod.yaml",
            br#"apiVersion: v1
kind: Pod
metadata:
  name: p
  namespace: apps
spec:
  containers:
    - name: main
      image: busybox:1.36
      env:
      {{- range .Values.env }}
        - value: {{ tpl .value $ | quote }}
          name: {{ .name }}
      {{- end }}
"#,
        ),
    ]);
    let (v, _) = common::json_check(chart.path(), &["c", "--select", "K8S-017"]);
    assert_findings(
        &v,
        &[
            ("K8S-017", "c/values.yaml", 3),
            ("K8S-017", "c/values.yaml", 7),
            ("K8S-017", "c/values.yaml", 9),
        ],
    );
}

/// An image helper combining fields of the map it was given (`printf "%s:%s" .repository
/// .tag`, fluent-bit's `fluent-bit.image`), called with a values map (`include "c.image"
/// .Values.hotReload.image`, quoted or not) or a merged one (`merge .Values.merged (dict "tag"
/// .Chart.AppVersion)`): K8S-015 points at the `tag:` line that set `latest`, the repository's
/// line related, not at the map's key (`image:`). A tag `.Chart.AppVersion` wrote (the map's
/// own `tag: ""`) points at the template's `include` action that brought it in, as a tag a
/// template's `default .Chart.AppVersion` writes does (session fid28).
#[test]
fn an_image_helper_given_a_values_map_points_at_its_tag_line() {
    let chart = common::dir_with(&[
        (
            "c/Chart.yaml",
            b"apiVersion: v2\nname: c\nversion: 0.1.0\nappVersion: latest\n",
        ),
        (
            "c/values.yaml",
            br#"image:
  repository: cr.fluentbit.io/fluent/fluent-bit
  tag: latest
hotReload:
  image:
    repository: ghcr.io/jimmidyson/configmap-reload
    tag: latest
merged:
  repository: example/merged
  tag: latest
appv:
  repository: example/appv
  tag: ""
"#,
        ),
        (
            "c/templates/_helpers.tpl",
            br#"{{- define "c.image" -}}
{{- if .digest -}}
{{- printf "%s@%s" .repository .digest -}}
{{- else -}}
{{- printf "%s:%s" .repository .tag -}}
{{- end -}}
{{- end -}}
"#,
        ),
        (
            "c/templates/pod.yaml",
            br#"apiVersion: v1
kind: Pod
metadata:
  name: p
  namespace: apps
spec:
  containers:
    - name: main
      image: {{ include "c.image" .Values.image | quote }}
    - name: reloader
      image: {{ include "c.image" .Values.hotReload.image }}
    - name: merged
      image: {{ include "c.image" (merge .Values.merged (dict "tag" .Chart.AppVersion)) }}
    - name: appv
      image: {{ include "c.image" (merge .Values.appv (dict "tag" .Chart.AppVersion)) }}
"#,
        ),
    ]);
    let (v, _) = common::json_check(chart.path(), &["c", "--select", "K8S-015"]);
    let all = all_located(&v);
    let primary: Vec<(&str, u64)> = all.iter().map(|((f, l), _)| (f.as_str(), *l)).collect();
    assert_eq!(
        primary,
        [
            ("c/templates/pod.yaml", 15),
            ("c/values.yaml", 3),
            ("c/values.yaml", 7),
            ("c/values.yaml", 10),
        ],
        "{all:#?}"
    );
    // Each `tag:` finding relates its repository's line; the AppVersion one relates the
    // repository the values gave.
    let repo_of = |i: usize| -> Vec<u64> {
        all[i]
            .1
            .iter()
            .filter(|(role, file, _)| role == "values" && file == "c/values.yaml")
            .map(|(_, _, l)| *l)
            .collect()
    };
    assert_eq!(
        [repo_of(0), repo_of(1), repo_of(2), repo_of(3)],
        [vec![12], vec![2], vec![6], vec![9]]
    );
}

/// An image's tag copied into a variable before it is printed (session fid29): in a
/// template (`$tag := ternary (printf ":%s" (default .Chart.AppVersion .Values.image.tag))
/// "" …` then `printf "%s%s" .Values.image.repository $tag`), through `$img :=
/// .Values.two` and `with .Values.three` + `$t := .tag`, in fluent-bit's helper (`$tag :=
/// ternary "" (printf ":%s" (toString .tag)) …`, `printf "%s%s%s" .repository $tag
/// $digest`), in that helper included by a partial with a merged map and `| quote`, and in
/// Loki's (`$ref := ternary (printf ":%s" (.service.tag | default .defaultVersion …)) …`,
/// given `$dict := dict "service" .Values.six …` by another partial): K8S-015 points at
/// each `tag:` line, not at the repository's line, the map's key or the template's action.
#[test]
fn a_tag_copied_into_a_variable_points_at_its_values_line() {
    let chart = common::dir_with(&[
        (
            "c/Chart.yaml",
            b"apiVersion: v2\nname: c\nversion: 0.1.0\nappVersion: \"1.0\"\n",
        ),
        (
            "c/values.yaml",
            br#"image:
  repository: cr.fluentbit.io/fluent/fluent-bit
  tag: latest
two:
  repository: example/two
  tag: latest
three:
  repository: example/three
  tag: latest
four:
  repository: example/four
  tag: latest
five:
  repository: example/five
  tag: latest
six:
  registry: docker.io
  repository: example/six
  tag: latest
"#,
        ),
        (
            "c/templates/_helpers.tpl",
            br#"{{- define "c.image" -}}
{{- $tag := ternary "" (printf ":%s" (toString .tag)) (or (empty .tag) (eq "-" (toString .tag))) -}}
{{- $digest := ternary "" (printf "@%s" .digest) (empty .digest) -}}
{{- printf "%s%s%s" .repository $tag $digest -}}
{{- end -}}
{{- define "c.baseImage" -}}
{{- $registry := .global.registry | default .service.registry | default "" -}}
{{- $repository := .service.repository | default "" -}}
{{- $ref := ternary (printf ":%s" (.service.tag | default .defaultVersion | toString)) (printf "@%s" .service.digest) (empty .service.digest) -}}
{{- if and $registry $repository -}}
{{- printf "%s/%s%s" $registry $repository $ref -}}
{{- else -}}
{{- printf "%s%s%s" $registry $repository $ref -}}
{{- end -}}
{{- end -}}
{{- define "c.sixImage" -}}
{{- $dict := dict "service" .Values.six "global" (dict) "defaultVersion" .Chart.AppVersion -}}
{{- include "c.baseImage" $dict -}}
{{- end -}}
{{- define "c.more" -}}
- name: five
  image: {{ include "c.image" (merge .Values.five (dict "tag" (default .Chart.AppVersion .Values.five.tag))) | quote }}
- name: six
  image: {{ include "c.sixImage" . }}
{{- end -}}
"#,
        ),
        (
            "c/templates/pod.yaml",
            br#"{{- $tag := ternary (printf ":%s" (default .Chart.AppVersion .Values.image.tag)) "" (not (empty .Values.image.tag)) }}
{{- $img := .Values.two }}
apiVersion: v1
kind: Pod
metadata:
  name: p
  namespace: apps
spec:
  containers:
    - name: main
      image: {{ printf "%s%s" .Values.image.repository $tag }}
    - name: two
      image: "{{ $img.repository }}:{{ $img.tag }}"
{{- with .Values.three }}
{{- $t := .tag }}
    - name: three
      image: "{{ .repository }}:{{ $t }}"
{{- end }}
    - name: four
      image: {{ include "c.image" .Values.four }}
    {{- include "c.more" . | nindent 4 }}
"#,
        ),
    ]);
    let (v, _) = common::json_check(chart.path(), &["c", "--select", "K8S-015"]);
    let all = all_located(&v);
    let mut primary: Vec<(&str, u64)> = all.iter().map(|((f, l), _)| (f.as_str(), *l)).collect();
    primary.sort();
    assert_eq!(
        primary,
        [
            ("c/values.yaml", 3),
            ("c/values.yaml", 6),
            ("c/values.yaml", 9),
            ("c/values.yaml", 12),
            ("c/values.yaml", 15),
            ("c/values.yaml", 19),
        ],
        "{all:#?}"
    );
    // Each relates its repository's line.
    for ((_, line), related) in &all {
        let repo = if *line == 19 { 18 } else { line - 1 };
        assert!(
            related
                .iter()
                .any(|(role, file, l)| role == "values" && file == "c/values.yaml" && *l == repo),
            "{all:#?}"
        );
    }
}

/// A `range` inside a partial (`define "c.env"` … `range $item := .Values.env`, included by
/// the template; fluent-bit's `envWithTpl` loop in `fluent-bit.pod`): a field printed above
/// the sibling that tells its element, one that `tpl` printed, and two elements' equal
/// values each point at their own element's line, as in a template's own `range` (session
/// fid29). They pointed at the collection's key (`env:`), the three merged into one.
#[test]
fn a_range_inside_a_partial_points_each_field_at_its_own_element() {
    let chart = common::dir_with(&[
        ("c/Chart.yaml", b"apiVersion: v2\nname: c\nversion: 0.1.0\n"),
        (
            "c/values.yaml",
            br#"env:
  - name: DB_PASSWORD
    value: Sup3rS3cretPw
  - name: LOG_LEVEL
    value: info
  - name: ADMIN_PASSWORD
    value: Sup3rS3cretPw
  - name: API_TOKEN
    value: "{{ .Release.Name }}"
"#,
        ),
        (
            "c/templates/_helpers.tpl",
            br#"{{- define "c.env" -}}
{{- range $item := .Values.env }}
- value: {{ tpl $item.value $ | quote }}
  name: {{ $item.name }}
{{- end }}
{{- end -}}
"#,
        ),
        (
            "c/templates/pod.yaml",
            br#"apiVersion: v1
kind: Pod
metadata:
  name: p
  namespace: apps
spec:
  containers:
    - name: main
      image: busybox:1.36
      env:
        {{- include "c.env" . | nindent 8 }}
"#,
        ),
    ]);
    let (v, _) = common::json_check(chart.path(), &["c", "--select", "K8S-017"]);
    assert_findings(
        &v,
        &[
            ("K8S-017", "c/values.yaml", 3),
            ("K8S-017", "c/values.yaml", 7),
            ("K8S-017", "c/values.yaml", 9),
        ],
    );
}

/// An image helper printing its own text around its actions (`{{ .registry }}/{{
/// .repository }}:{{ .tag }}`, Bitnami's and Grafana's form) whose text another partial's
/// action prints whole (`image: {{ include "c.image" .Values.four }}` inside `define
/// "c.more"`), as it is or quoted: K8S-016 points at each `tag:` line, the registry's and
/// repository's lines related, as when a template includes the helper (session fid30). It
/// pointed at the map's key (`four:`, the outer action's values path).
#[test]
fn a_helper_printing_text_around_its_actions_inside_a_partial_points_at_the_tag_line() {
    let chart = common::dir_with(&[
        ("c/Chart.yaml", b"apiVersion: v2\nname: c\nversion: 0.1.0\n"),
        (
            "c/values.yaml",
            br#"image:
  registry: docker.io
  repository: example/app
  tag: latest
four:
  registry: quay.io
  repository: example/four
  tag: latest
five:
  registry: ghcr.io
  repository: example/five
  tag: latest
"#,
        ),
        (
            "c/templates/_helpers.tpl",
            br#"{{- define "c.image" -}}
{{ .registry }}/{{ .repository }}:{{ .tag }}
{{- end -}}
{{- define "c.more" -}}
- name: four
  image: {{ include "c.image" .Values.four }}
- name: five
  image: {{ include "c.image" .Values.five | quote }}
{{- end -}}
"#,
        ),
        (
            "c/templates/pod.yaml",
            br#"apiVersion: v1
kind: Pod
metadata:
  name: p
  namespace: apps
spec:
  containers:
    - name: main
      image: {{ include "c.image" .Values.image }}
    {{- include "c.more" . | nindent 4 }}
"#,
        ),
    ]);
    let (v, _) = common::json_check(chart.path(), &["c", "--select", "K8S-016"]);
    let all = all_located(&v);
    let primary: Vec<(&str, u64)> = all.iter().map(|((f, l), _)| (f.as_str(), *l)).collect();
    assert_eq!(
        primary,
        [
            ("c/values.yaml", 4),
            ("c/values.yaml", 8),
            ("c/values.yaml", 12),
        ],
        "{all:#?}"
    );
    for ((_, line), related) in &all {
        for l in [line - 2, line - 1] {
            assert!(
                related
                    .iter()
                    .any(|(role, file, r)| role == "values" && file == "c/values.yaml" && *r == l),
                "{all:#?}"
            );
        }
    }
}

/// A variable declared with one value and assigned another in an `if`/`else` branch (`{{
/// $tag := .Values.b.tag }}{{ if .Values.b.override }}{{ $tag = .Values.b.override }}{{ end
/// }}`): after the branch it holds either, and the finding points at the values line of the
/// one printed, the branch taken or not (session fid30). It pointed at the declaration's
/// value (`b.tag`), or at the template's action for a variable declared with a literal.
#[test]
fn a_variable_assigned_in_a_branch_points_at_the_value_of_the_branch_taken() {
    let chart = common::dir_with(&[
        ("c/Chart.yaml", b"apiVersion: v2\nname: c\nversion: 0.1.0\n"),
        (
            "c/values.yaml",
            br#"a:
  repository: example/a
  tag: latest
  override: ""
b:
  repository: example/b
  tag: "1.0"
  override: latest
c:
  repository: example/c
  pinned: false
  tag: "2.0"
  fallback: latest
"#,
        ),
        (
            "c/templates/pod.yaml",
            br#"{{- $a := .Values.a.tag }}
{{- if .Values.a.override }}
{{- $a = .Values.a.override }}
{{- end }}
{{- $b := .Values.b.tag }}
{{- if .Values.b.override }}
{{- $b = .Values.b.override }}
{{- end }}
{{- $c := "1.0" }}
{{- if .Values.c.pinned }}
{{- $c = .Values.c.tag }}
{{- else }}
{{- $c = .Values.c.fallback }}
{{- end }}
apiVersion: v1
kind: Pod
metadata:
  name: p
  namespace: apps
spec:
  containers:
    - name: a
      image: "{{ .Values.a.repository }}:{{ $a }}"
    - name: b
      image: {{ printf "%s:%s" .Values.b.repository $b }}
    - name: c
      image: "{{ .Values.c.repository }}:{{ $c }}"
"#,
        ),
    ]);
    let (v, _) = common::json_check(chart.path(), &["c", "--select", "K8S-016"]);
    assert_findings(
        &v,
        &[
            ("K8S-016", "c/values.yaml", 3),
            ("K8S-016", "c/values.yaml", 8),
            ("K8S-016", "c/values.yaml", 13),
        ],
    );
}

/// A helper called by `template` at a template's top level (solo-io gloo's `image: {{
/// template "gloo.image" .Values.discovery.image }}`, nats' nack `{{ template "jsc.name" . }}`):
/// its dot is the call's argument, as for `include`, and K8S-016 points at the values `tag:`
/// line, the registry and repository lines related (session fid31). It pointed at the
/// template's `image:` line: only `include` calls were recorded with their call site. A
/// `template` inside a `define` given the partial's own dot (`two`) is read through both
/// calls; a `printf` of the dot's fields (`three`) too; a tag printed by two pieces (`{{ .tag
/// }}{{ ternary "-extended" "" .extended }}`, `four`) at the tag's line.
#[test]
fn a_helper_called_by_template_points_at_the_tag_line() {
    let chart = common::dir_with(&[
        ("c/Chart.yaml", b"apiVersion: v2\nname: c\nversion: 0.1.0\n"),
        (
            "c/values.yaml",
            br#"one:
  registry: docker.io
  repository: example/one
  tag: latest
two:
  registry: quay.io
  repository: example/two
  tag: latest
three:
  registry: ghcr.io
  repository: example/three
  tag: latest
four:
  repository: example/four
  tag: latest
  extended: true
"#,
        ),
        (
            "c/templates/_helpers.tpl",
            br#"{{- define "c.image" -}}
{{ .registry }}/{{ .repository }}:{{ .tag }}
{{- end -}}
{{- define "c.wrapped" -}}
{{ template "c.image" . }}
{{- end -}}
{{- define "c.printed" -}}
{{ printf "%s/%s:%s" .registry .repository .tag }}
{{- end -}}
{{- define "c.extended" -}}
{{ .repository }}:{{ .tag }}{{ ternary "-extended" "" .extended }}
{{- end -}}
"#,
        ),
        (
            "c/templates/pod.yaml",
            br#"apiVersion: v1
kind: Pod
metadata:
  name: p
  namespace: apps
spec:
  containers:
    - name: one
      image: {{ template "c.image" .Values.one }}
    - name: two
      image: "{{ template "c.wrapped" .Values.two }}"
    - name: three
      image: {{ template "c.printed" .Values.three }}
    - name: four
      image: {{ template "c.extended" .Values.four }}
"#,
        ),
    ]);
    let (v, _) = common::json_check(chart.path(), &["c", "--select", "K8S-016"]);
    let all = all_located(&v);
    let primary: Vec<(&str, u64)> = all.iter().map(|((f, l), _)| (f.as_str(), *l)).collect();
    assert_eq!(
        primary,
        [
            ("c/values.yaml", 4),
            ("c/values.yaml", 8),
            ("c/values.yaml", 12),
            ("c/values.yaml", 15),
        ],
        "{all:#?}"
    );
    // The tag two pieces print (`latest` and `-extended`): at the piece that printed the
    // tag, the switch's values line related (gloo's `gloo.image`).
    let (_, related) = &all[3];
    assert!(
        related
            .iter()
            .any(|(role, file, l)| role == "values" && file == "c/values.yaml" && *l == 16),
        "{all:#?}"
    );
}

/// An `include` called as an operand of the action that prints an image beside other text
/// (`printf "%s:%s" .Values.image.repository (include "c.tag" .)`, sonarqube's
/// `sonarqube.image` with `tpl (include "image.tag" .) .`): the tag's finding points at the
/// values line the included partial printed, not at the repository's (session fid32).
#[test]
fn an_include_an_action_combines_with_other_values_points_at_its_own_values_line() {
    let chart = common::dir_with(&[
        ("c/Chart.yaml", b"apiVersion: v2\nname: c\nversion: 0.1.0\n"),
        (
            "c/values.yaml",
            br#"one:
  repository: example/one
  build: "1.1"
two:
  repository: example/two
  build: "1.2"
three:
  repository: example/three
  build: "1.3"
four:
  repository: example/four
  build: "1.4"
"#,
        ),
        (
            "c/templates/_helpers.tpl",
            br#"{{- define "c.tag" -}}
{{- $t := "" -}}
{{- if .build -}}
{{- $t = .build -}}
{{- end -}}
{{- printf "%s" $t -}}
{{- end -}}
{{- define "c.threeTag" -}}
{{- $t := "" -}}
{{- if .Values.three.build -}}
{{- $t = printf "%s-%s" .Values.three.build "community" -}}
{{- end -}}
{{- printf "%s" $t -}}
{{- end -}}
{{- define "c.threeImage" -}}
{{- printf "%s:%s" .Values.three.repository (tpl (include "c.threeTag" .) .) }}
{{- end -}}
{{- define "c.fourImage" -}}
{{- printf "%s:%s" .repository (include "c.tag" .) -}}
{{- end -}}
"#,
        ),
        (
            "c/templates/pod.yaml",
            br#"apiVersion: v1
kind: Pod
metadata:
  name: p
  namespace: apps
spec:
  containers:
    - name: one
      image: {{ printf "%s:%s" .Values.one.repository (include "c.tag" .Values.one) }}
    - name: two
      image: {{ printf "%s:%s" .Values.two.repository (tpl (include "c.tag" .Values.two) .) }}
    - name: three
      image: {{ include "c.threeImage" . }}
    - name: four
      image: {{ include "c.fourImage" .Values.four }}
"#,
        ),
    ]);
    let (v, _) = common::json_check(chart.path(), &["c", "--select", "K8S-016"]);
    let all = all_located(&v);
    let primary: Vec<(&str, u64)> = all.iter().map(|((f, l), _)| (f.as_str(), *l)).collect();
    assert_eq!(
        primary,
        [
            ("c/values.yaml", 3),
            ("c/values.yaml", 6),
            ("c/values.yaml", 9),
            ("c/values.yaml", 12),
        ],
        "{all:#?}"
    );
    // The repository's line is related to each.
    for (i, repo) in [2, 5, 8, 11].into_iter().enumerate() {
        let (_, related) = &all[i];
        assert!(
            related
                .iter()
                .any(|(role, file, l)| role == "values" && file == "c/values.yaml" && *l == repo),
            "{all:#?}"
        );
    }
}

/// A helper called by `template` inside a partial that an `include` ran (`{{ template
/// "c.image" .Values.one }}` in `c.outer`, itself `include`d): the tag's finding points at
/// its values line, as for a `template` call at a template's top level (session fid33; the
/// calls of a captured execution were not recorded).
#[test]
fn a_helper_called_by_template_inside_an_included_partial_points_at_the_tag_line() {
    let chart = common::dir_with(&[
        ("c/Chart.yaml", b"apiVersion: v2\nname: c\nversion: 0.1.0\n"),
        (
            "c/values.yaml",
            br#"one:
  registry: docker.io
  repository: example/one
  tag: latest
two:
  registry: quay.io
  repository: example/two
  tag: latest
three:
  repository: example/three
  tag: latest
"#,
        ),
        (
            "c/templates/_helpers.tpl",
            br#"{{- define "c.image" -}}
{{ .registry }}/{{ .repository }}:{{ .tag }}
{{- end -}}
{{- define "c.outer" -}}
{{ template "c.image" .Values.one }}
{{- end -}}
{{- define "c.outerMap" -}}
{{ template "c.image" . }}
{{- end -}}
{{- define "c.printed" -}}
{{ printf "%s:%s" .repository .tag }}
{{- end -}}
{{- define "c.outerPrinted" -}}
{{- template "c.printed" .Values.three -}}
{{- end -}}
"#,
        ),
        (
            "c/templates/pod.yaml",
            br#"apiVersion: v1
kind: Pod
metadata:
  name: p
  namespace: apps
spec:
  containers:
    - name: one
      image: {{ include "c.outer" . }}
    - name: two
      image: {{ include "c.outerMap" .Values.two }}
    - name: three
      image: {{ include "c.outerPrinted" . | quote }}
"#,
        ),
    ]);
    let (v, _) = common::json_check(chart.path(), &["c", "--select", "K8S-016"]);
    let all = all_located(&v);
    let primary: Vec<(&str, u64)> = all.iter().map(|((f, l), _)| (f.as_str(), *l)).collect();
    assert_eq!(
        primary,
        [
            ("c/values.yaml", 4),
            ("c/values.yaml", 8),
            ("c/values.yaml", 11),
        ],
        "{all:#?}"
    );
}

/// A values map rebuilt in a helper before it is printed (nack's `jsc.fixImage`: `set
/// $image "tag" (default .Chart.AppVersion $image.tag)`, or `merge (dict) .Values.x (dict
/// …)`): a field still holding its values text points at its values line; a tag the
/// `default` wrote from `.Chart.AppVersion` (no `tag:` in values) at the template action
/// that chose it (K8S-016 only: `1.2.3` is a tag), the repository's values line related,
/// as for `default .Chart.AppVersion .Values.image.tag` printed directly (session fid33; it
/// was the repository's line, which is not what the rule is about).
#[test]
fn a_values_map_rebuilt_by_set_or_merge_points_at_its_values_lines() {
    let chart = common::dir_with(&[
        (
            "c/Chart.yaml",
            b"apiVersion: v2\nname: c\nversion: 0.1.0\nappVersion: \"1.2.3\"\n",
        ),
        (
            "c/values.yaml",
            br#"one:
  repository: example/one
  tag: latest
two:
  repository: example/two
three:
  repository: example/three
  tag: latest
"#,
        ),
        (
            "c/templates/_helpers.tpl",
            br#"{{- define "c.fixImage" -}}
{{- $image := .Values.one -}}
{{- $_ := set $image "tag" (default .Chart.AppVersion $image.tag) -}}
{{ $image.repository }}:{{ $image.tag }}
{{- end -}}
{{- define "c.fixTwo" -}}
{{- $image := .Values.two -}}
{{- $_ := set $image "tag" (default .Chart.AppVersion $image.tag) -}}
{{ $image.repository }}:{{ $image.tag }}
{{- end -}}
{{- define "c.merged" -}}
{{- $image := merge (dict) .Values.three (dict "pullPolicy" "Always") -}}
{{ $image.repository }}:{{ $image.tag }}
{{- end -}}
"#,
        ),
        (
            "c/templates/pod.yaml",
            br#"apiVersion: v1
kind: Pod
metadata:
  name: p
  namespace: apps
spec:
  containers:
    - name: one
      image: {{ include "c.fixImage" . }}
    - name: two
      image: {{ include "c.fixTwo" . }}
    - name: three
      image: {{ include "c.merged" . }}
"#,
        ),
    ]);
    let (v, _) = common::json_check(chart.path(), &["c", "--select", "K8S-015,K8S-016"]);
    let all = all_located(&v);
    let primary: Vec<(&str, u64)> = all.iter().map(|((f, l), _)| (f.as_str(), *l)).collect();
    assert_eq!(
        primary,
        [
            ("c/templates/_helpers.tpl", 8),
            ("c/values.yaml", 3),
            ("c/values.yaml", 3),
            ("c/values.yaml", 8),
            ("c/values.yaml", 8),
        ],
        "{all:#?}"
    );
    // The tag the `default` wrote: the repository's values line related.
    let (_, related) = &all[0];
    assert!(
        related
            .iter()
            .any(|(role, file, l)| role == "values" && file == "c/values.yaml" && *l == 5),
        "{all:#?}"
    );
}

/// A helper given a values map as its argument (`include "x.image" .Values.image`, or a
/// partial's `printf "%s:%s" .Values.g.repository (tpl (include "x.tag" .Values.g) .)`):
/// the field it printed points at the field's values line, not at the map's key (session
/// fid33; fid32's first open item).
#[test]
fn a_field_of_a_values_map_given_to_a_helper_points_at_the_fields_line() {
    let chart = common::dir_with(&[
        ("c/Chart.yaml", b"apiVersion: v2\nname: c\nversion: 0.1.0\n"),
        (
            "c/values.yaml",
            br#"image:
  repository: example/one
  tag: latest
side:
  image:
    repository: example/two
    tag: latest
g:
  repository: example/three
  tag: latest
"#,
        ),
        (
            "c/templates/_helpers.tpl",
            br#"{{- define "x.image" -}}
{{ .repository }}:{{ .tag }}
{{- end -}}
{{- define "x.printf" -}}
{{ printf "%s:%s" .repository .tag }}
{{- end -}}
{{- define "x.tag" -}}
{{- .tag -}}
{{- end -}}
{{- define "x.gImage" -}}
{{- printf "%s:%s" .Values.g.repository (tpl (include "x.tag" .Values.g) .) -}}
{{- end -}}
"#,
        ),
        (
            "c/templates/pod.yaml",
            br#"apiVersion: v1
kind: Pod
metadata:
  name: p
  namespace: apps
spec:
  containers:
    - name: one
      image: {{ include "x.image" .Values.image }}
    - name: two
      image: {{ include "x.printf" .Values.side.image | quote }}
    - name: three
      image: {{ include "x.gImage" . }}
"#,
        ),
    ]);
    let (v, _) = common::json_check(chart.path(), &["c", "--select", "K8S-015,K8S-016"]);
    let all = all_located(&v);
    let primary: Vec<(&str, u64)> = all.iter().map(|((f, l), _)| (f.as_str(), *l)).collect();
    assert_eq!(
        primary,
        [
            ("c/values.yaml", 3),
            ("c/values.yaml", 3),
            ("c/values.yaml", 7),
            ("c/values.yaml", 7),
            ("c/values.yaml", 10),
            ("c/values.yaml", 10),
        ],
        "{all:#?}"
    );
}

/// A key a template's `set` added to a values map printed by `toYaml` (Reloader's `$_ :=
/// set $containerSecurityContext "readOnlyRootFilesystem" true`, then `toYaml
/// $containerSecurityContext`): the node the `set` wrote points at the `set` line (a key
/// of a nested map too, and the lines below it); the keys of the same `toYaml` that came
/// from values keep their values lines (session fid34).
#[test]
fn a_key_set_into_a_values_map_printed_by_to_yaml_points_at_the_set_line() {
    let chart = common::dir_with(&[
        ("c/Chart.yaml", b"apiVersion: v2\nname: c\nversion: 0.1.0\n"),
        (
            "c/values.yaml",
            br#"containerSecurityContext:
  runAsNonRoot: true
  runAsUser: 0
  capabilities:
    drop: ["ALL"]
second:
  runAsNonRoot: true
  allowPrivilegeEscalation: false
"#,
        ),
        (
            "c/templates/pod.yaml",
            br#"apiVersion: v1
kind: Pod
metadata:
  name: p
  namespace: apps
spec:
  containers:
    - name: one
      image: example/one:1.0
      {{- $sc := .Values.containerSecurityContext }}
      {{- $_ := set $sc "allowPrivilegeEscalation" true }}
      {{- $_ := set $sc.capabilities "add" (list "SYS_ADMIN") }}
      securityContext:
        {{- toYaml $sc | nindent 8 }}
    - name: two
      image: example/two:1.0
      {{- $two := .Values.second }}
      {{- $_ := set .Values.second "privileged" true }}
      securityContext:
        {{- toYaml $two | nindent 8 }}
"#,
        ),
    ]);
    let (v, _) = common::json_check(
        chart.path(),
        &["c", "--select", "K8S-001,K8S-002,K8S-004,K8S-006"],
    );
    let all = all_located(&v);
    let rules: Vec<(&str, &str, u64)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap(),
                f["file"].as_str().unwrap(),
                f["start_line"].as_u64().unwrap(),
            )
        })
        .collect();
    let mut rules = rules;
    rules.sort();
    assert_eq!(
        rules,
        [
            ("K8S-001", "c/templates/pod.yaml", 18),
            ("K8S-002", "c/templates/pod.yaml", 11),
            ("K8S-004", "c/values.yaml", 3),
            ("K8S-006", "c/templates/pod.yaml", 12),
        ],
        "{all:#?}"
    );
    // The `toYaml` action is related to what its `set` wrote.
    let (_, related) = all
        .iter()
        .find(|((f, l), _)| f == "c/templates/pod.yaml" && *l == 11)
        .unwrap();
    assert!(
        related.iter().any(|(role, file, l)| role == "template"
            && file == "c/templates/pod.yaml"
            && *l == 14),
        "{all:#?}"
    );
}

/// An `include` inside a partial that the template's own `{{ template "c.side" .Values.one
/// }}` ran (`allowPrivilegeEscalation: {{ include "c.field" .sc }}`, the helper printing `{{
/// .allowPrivilegeEscalation }}`): the include's call site is read through the `template`
/// call, so a value no text tells (a bool) points at its values line, for each call of the
/// partial (session fid34).
#[test]
fn an_include_inside_a_partial_run_by_template_reads_its_call_through_the_template() {
    let chart = common::dir_with(&[
        ("c/Chart.yaml", b"apiVersion: v2\nname: c\nversion: 0.1.0\n"),
        (
            "c/values.yaml",
            br#"one:
  sc:
    allowPrivilegeEscalation: true
two:
  sc:
    allowPrivilegeEscalation: true
"#,
        ),
        (
            "c/templates/_helpers.tpl",
            br#"{{- define "c.field" -}}
{{ .allowPrivilegeEscalation }}
{{- end -}}
{{- define "c.side" }}
    - name: {{ .name }}
      image: example/side:1.0
      securityContext:
        allowPrivilegeEscalation: {{ include "c.field" .sc }}
{{- end -}}
"#,
        ),
        (
            "c/templates/pod.yaml",
            br#"apiVersion: v1
kind: Pod
metadata:
  name: p
  namespace: apps
spec:
  containers:
    - name: main
      image: example/main:1.0
      securityContext:
        allowPrivilegeEscalation: false
{{- template "c.side" (merge (dict "name" "one") .Values.one) }}
{{- template "c.side" (merge (dict "name" "two") .Values.two) }}
"#,
        ),
    ]);
    let (v, _) = common::json_check(chart.path(), &["c", "--select", "K8S-002"]);
    let all = all_located(&v);
    let primary: Vec<(&str, u64)> = all.iter().map(|((f, l), _)| (f.as_str(), *l)).collect();
    assert_eq!(
        primary,
        [("c/values.yaml", 3), ("c/values.yaml", 6)],
        "{all:#?}"
    );
}

/// A value a partial prints inside its own `if` on values (kubernetes-replicator's
/// `roleName` helper: `{{- if .Values.grantClusterAdmin -}} {{ "cluster-admin" }}`): the
/// finding stays at the template's line, and the condition and the values line that
/// switched it on are related; the `else` branch relates nothing (session fid34).
#[test]
fn a_value_a_partial_printed_under_its_own_values_switch_relates_the_switch() {
    let chart = |grant: &'static [u8]| {
        common::dir_with(&[
            ("c/Chart.yaml", b"apiVersion: v2\nname: c\nversion: 0.1.0\n"),
            ("c/values.yaml", grant),
            (
                "c/templates/_helpers.tpl",
                br#"{{- define "c.roleName" -}}
{{- if .Values.grantClusterAdmin -}}
    {{ "cluster-admin" }}
{{- else -}}
    {{ .Values.roleName }}
{{- end -}}
{{- end -}}
"#,
            ),
            (
                "c/templates/rbac.yaml",
                br#"apiVersion: v1
kind: ServiceAccount
metadata:
  name: c
  namespace: apps
---
kind: ClusterRoleBinding
apiVersion: rbac.authorization.k8s.io/v1
metadata:
  name: c
roleRef:
  kind: ClusterRole
  name: {{ include "c.roleName" . }}
  apiGroup: rbac.authorization.k8s.io
subjects:
  - kind: ServiceAccount
    name: c
    namespace: apps
"#,
            ),
        ])
    };
    let on = chart(b"grantClusterAdmin: true\nroleName: c-role\n");
    let (v, _) = common::json_check(on.path(), &["c", "--select", "K8S-032"]);
    let all = all_located(&v);
    let [((file, line), related)] = &all[..] else {
        panic!("{all:#?}")
    };
    assert_eq!((file.as_str(), *line), ("c/templates/rbac.yaml", 13));
    for (role, f, l) in [
        ("values", "c/values.yaml", 1),
        ("template", "c/templates/_helpers.tpl", 2),
    ] {
        assert!(
            related
                .iter()
                .any(|(r, rf, rl)| r == role && rf == f && *rl == l),
            "{all:#?}"
        );
    }
    // The `else` branch printed a values name: no switch is related.
    let off = chart(b"grantClusterAdmin: false\nroleName: cluster-admin\n");
    let (v, _) = common::json_check(off.path(), &["c", "--select", "K8S-032"]);
    let all = all_located(&v);
    assert!(
        all.iter().all(|(_, related)| related
            .iter()
            .all(|(_, f, l)| !(f == "c/templates/_helpers.tpl" && *l == 2))),
        "{all:#?}"
    );
}
