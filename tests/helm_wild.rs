//! Charts written after the template idioms of widely used public charts that are not in the
//! corpus (docs/rendering.md, "Charts outside the corpus (session 14)"): cert-manager's
//! (`certmgr`: an image helper called with a `tuple`, `semverCompare` on
//! `.Capabilities.KubeVersion`, `.Capabilities.APIVersions.Has`, `required`, a checksum of
//! another template), HashiCorp vault's (`vaultlike`: a mode `set` on the root context by
//! `template`, tri-state `"-"` values, values given as a string for `tpl` or as a map for
//! `toYaml`), kube-prometheus-stack's (`kpslike`: subcharts with `global` and
//! `import-values`, alert templates escaped with ``{{`{{`}}``, `tpl` of `toYaml`, a `range $k,
//! $v` over components), argo-cd's (`argolike`: a library subchart, `dict` contexts, `index
//! .Values "redis-ha"`, `lookup`, config maps merged from presets, Secrets of `b64enc`) and
//! jenkins's with gitlab-runner's (`jenkinslike`: JCasC scripts through `tpl` in a `range $k,
//! $v`, `lookup` of an existing Secret, a password partial encoded by its caller, `tpl` of a
//! TOML config, `.Files.Glob`), and grafana's with loki's (`grafanalike`: a pod partial with
//! `tpl` of values through `$root`, `grafana.ini` written by `range` over maps with
//! `kindIs`, dashboards from `.Files.Get`/`.Files.Glob`, `extraObjects` through a
//! `tplvalues.render` partial, a `values.schema.json`, an image-renderer subchart enabled
//! by a condition), and external-dns's (`extdnslike`: the provider as a string or a map,
//! `extraArgs` as a list or a map of strings, lists and nulls through `tpl (toString …)`,
//! arguments built by `range … | uniq`, RBAC rules chosen by `has` over the sources, a
//! webhook sidecar under two `with`s, a `values.schema.json`), and codecentric's keycloakx
//! (`keycloaklike`: `extraEnv`, `extraVolumes`, `extraContainers` and `extraEnvFrom` as
//! strings through `tpl . $ | nindent`, `command` items through `tpl`, annotations through
//! `printf "%s: %s" $k (tpl $v $ | quote)`, ingress rules and paths through `tpl`, a
//! dbchecker init container with `required` of an `include`, a checksum of another
//! template, a bitnami-style postgresql subchart enabled by a condition with `global`,
//! `omit … | toYaml` and a `ternary` key). Each folder's `expected.yaml` and `expected-<ci
//! values>.yaml` are what `helm template` (Helm v4.2.3) printed with the chart's defaults and
//! with each `ci/*.yaml`; no Helm is needed here.

use serde_json::Value;
use std::path::Path;

mod common;
use common::rg;

const DATA: &str = "tests/data/helm-wild";

/// Whether runeguard's line is Helm's, or Helm's with its value masked: runeguard masks
/// committed credentials (a Secret's `data`) in what it prints.
fn same_line(helm: &str, ours: &str, random: bool) -> bool {
    helm == ours
        // A chart that renders random values (`randAlphaNum` for a generated password): the
        // digest of a template holding one (`checksum/secret`) differs from run to run.
        || (random && same_key_other_digest(helm, ours))
        || ours.strip_suffix("\"********\"").is_some_and(|key| {
            helm.strip_prefix(key)
                .is_some_and(|v| !v.is_empty() && !v.contains(' '))
        })
        // The same inside a block scalar's text, where the mask is not quoted: the line is
        // text, not a YAML scalar (session fid37).
        || ours.strip_suffix("********").is_some_and(|key| {
            key.ends_with(": ")
                && helm
                    .strip_prefix(key)
                    .is_some_and(|v| !v.is_empty() && !v.contains(' '))
        })
        // A line of a Secret's block value, masked whole at the same indentation.
        || ours.strip_suffix("********").is_some_and(|indent| {
            indent.trim().is_empty()
                && helm.starts_with(indent)
                && !helm[indent.len()..].starts_with(' ')
                && !helm.trim().is_empty()
        })
}

/// Two lines of the same key whose values are both SHA-256 digests.
fn same_key_other_digest(helm: &str, ours: &str) -> bool {
    let digest = |v: &str| v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit());
    match (helm.rsplit_once(": "), ours.rsplit_once(": ")) {
        (Some((hk, hv)), Some((ok, ov))) => hk == ok && digest(hv) && digest(ov),
        _ => false,
    }
}

/// Whether a chart's templates call one of Sprig's random functions.
fn renders_random_values(chart: &Path) -> bool {
    let mut dirs = vec![chart.join("templates")];
    while let Some(dir) = dirs.pop() {
        for e in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                dirs.push(p);
            } else if std::fs::read_to_string(&p).is_ok_and(|t| {
                [
                    "randAlphaNum",
                    "randAlpha",
                    "randNumeric",
                    "randAscii",
                    "uuidv4",
                ]
                .iter()
                .any(|f| t.contains(f))
            }) {
                return true;
            }
        }
    }
    false
}

#[test]
fn charts_render_as_helm_rendered_them() {
    let mut cases = 0;
    for chart in common::charts_in(DATA) {
        let random = renders_random_values(&chart);
        let mut runs: Vec<(Option<std::path::PathBuf>, std::path::PathBuf)> =
            vec![(None, chart.join("expected.yaml"))];
        for v in std::fs::read_dir(chart.join("ci")).into_iter().flatten() {
            let v = v.unwrap().path();
            let stem = v.file_stem().unwrap().to_string_lossy().to_string();
            runs.push((Some(v), chart.join(format!("expected-{stem}.yaml"))));
        }
        for (values, expected) in runs {
            cases += 1;
            let mut cmd = rg();
            cmd.arg("render").arg(&chart);
            if let Some(v) = &values {
                cmd.arg("--values").arg(v);
            }
            let out = cmd.output().unwrap();
            let what = format!("{} {:?}", chart.display(), values);
            assert_eq!(
                out.status.code(),
                Some(0),
                "{what}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            let ours = String::from_utf8(out.stdout).unwrap();
            let helm = std::fs::read_to_string(&expected).unwrap();
            let (h, o): (Vec<&str>, Vec<&str>) = (helm.lines().collect(), ours.lines().collect());
            let differ: Vec<(usize, &str, &str)> = h
                .iter()
                .zip(&o)
                .enumerate()
                .filter(|(_, (h, o))| !same_line(h, o, random))
                .map(|(i, (h, o))| (i + 1, *h, *o))
                .collect();
            assert!(
                differ.is_empty() && h.len() == o.len(),
                "{what}: runeguard render differs from helm template ({} lines against {}): {differ:#?}",
                o.len(),
                h.len()
            );
        }
    }
    assert!(cases >= 17, "the charts of {DATA} were not found");
}

/// (rule, file, line) of each finding of `runeguard check <chart> --values <ci>`.
fn located(chart: &str, ci: &str, rules: &str) -> Vec<(String, String, u64)> {
    let (v, _) = common::json_check(
        Path::new(DATA),
        &[
            chart,
            "--values",
            &format!("{chart}/ci/{ci}"),
            "--select",
            rules,
        ],
    );
    let v: Value = v;
    common::findings_of(&v)
}

/// A value Sprig's `default` replaced because it was empty in the Go sense (`uid: 0`, with
/// `.Values.injector.uid | default 100`) is not where the printed `100` came from: the
/// finding is at the template's line. A `uid` printed as itself stays at its values line.
#[test]
fn a_zero_a_default_replaced_is_not_the_origin() {
    let found = located("vaultlike", "ha-values.yaml", "K8S-039,K8S-003,K8S-004");
    assert!(
        found.contains(&(
            "K8S-039".into(),
            "vaultlike/templates/injector-deployment.yaml".into(),
            34
        )),
        "{found:#?}"
    );
    // `runAsUser: 0` written in a `tpl` string of values (a `pod: |` block): at its own
    // line inside the block (it was at `pod: |`, line 49).
    assert!(
        found.contains(&("K8S-003".into(), "vaultlike/ci/ha-values.yaml".into(), 51)),
        "{found:#?}"
    );
    assert!(
        !found
            .iter()
            .any(|(_, f, l)| f == "vaultlike/ci/ha-values.yaml" && *l == 6),
        "{found:#?}"
    );
}

/// A partial given a values part as its dot (`include "vault.extraSecretEnvironmentVars"
/// .Values.server`) writes `secretKeyRef:` itself: a finding there is at the partial's line,
/// not at `server:` (the whole value its caller passed).
#[test]
fn a_partials_own_line_under_a_values_dot_is_the_partials() {
    let found = located("vaultlike", "ha-values.yaml", "K8S-018");
    assert_eq!(
        found,
        [(
            "K8S-018".to_string(),
            "vaultlike/templates/_helpers.tpl".to_string(),
            351
        )],
        "{found:#?}"
    );
}

/// Findings on what a values file switches on point at that file's lines, through
/// subcharts (`kube-state-metrics.securityContext`), `tpl` of `toYaml`, `dict` contexts of a
/// library chart and `concat` of global and component lists.
#[test]
fn findings_on_values_point_at_the_values_lines() {
    let kps = located("kpslike", "full-values.yaml", "K8S-003,K8S-005,K8S-009");
    for want in [
        ("K8S-003", "kpslike/ci/full-values.yaml", 50),
        ("K8S-005", "kpslike/ci/full-values.yaml", 53),
        ("K8S-009", "kpslike/ci/full-values.yaml", 55),
        ("K8S-003", "kpslike/ci/full-values.yaml", 57),
    ] {
        assert!(
            kps.contains(&(want.0.into(), want.1.into(), want.2)),
            "{want:?} not in {kps:#?}"
        );
    }
    let argo = located(
        "argolike",
        "full-values.yaml",
        "K8S-001,K8S-002,K8S-003,K8S-035",
    );
    for want in [
        ("K8S-003", "argolike/ci/full-values.yaml", 26),
        ("K8S-035", "argolike/ci/full-values.yaml", 41),
        // `range $key, $value := $cred_value` inside `range … := .Values.configs.credentialTemplates`:
        // the password's own line (it was `credentialTemplates:`, line 47, before session 15).
        ("K8S-035", "argolike/ci/full-values.yaml", 51),
        ("K8S-001", "argolike/ci/full-values.yaml", 68),
        ("K8S-002", "argolike/ci/full-values.yaml", 86),
    ] {
        assert!(
            argo.contains(&(want.0.into(), want.1.into(), want.2)),
            "{want:?} not in {argo:#?}"
        );
    }
    let cm = located(
        "certmgr",
        "on-values.yaml",
        "K8S-001,K8S-002,K8S-004,K8S-011",
    );
    for want in [
        ("K8S-004", 43),
        ("K8S-002", 45),
        ("K8S-001", 46),
        ("K8S-011", 50),
    ] {
        assert!(
            cm.contains(&(want.0.into(), "certmgr/ci/on-values.yaml".into(), want.1)),
            "{want:?} not in {cm:#?}"
        );
    }
}

/// A partial's text the caller encoded (`include "jenkins.password" . | b64enc | quote`, a
/// Secret's data) is found by its decoded text: the line's origins name the values line of
/// the password the partial printed and the partial's line (they named only the key's).
#[test]
fn an_include_encoded_by_its_caller_keeps_the_partials_origins() {
    let out = rg()
        .current_dir(DATA)
        .args([
            "render",
            "--origins",
            "jenkinslike",
            "--values",
            "jenkinslike/ci/casc-values.yaml",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with("jenkins-admin-password:"))
        .unwrap_or_else(|| panic!("no password line: {text}"));
    for origin in [
        "values jenkinslike/ci/casc-values.yaml:4",
        "template jenkinslike/templates/_helpers.tpl:27",
    ] {
        assert!(line.contains(origin), "{origin} not in {line}");
    }
    assert!(!line.contains("changeme-now"), "{line}");
}

/// (rule, file, line, column) of each finding of `runeguard check <chart> <args…>`.
fn located_at(chart: &str, args: &[&str]) -> Vec<(String, String, u64, u64)> {
    let mut all = vec![chart];
    all.extend_from_slice(args);
    let (v, _) = common::json_check(Path::new(DATA), &all);
    common::findings_at(&v)
}

/// grafanalike with its `ci/full-values.yaml` and a `--set`: a finding on a value set in
/// the chart's values.yaml, in the ci file or with `--set` points at that line and column
/// (the value's key), one written in a template at the template's line and column.
#[test]
fn grafanalike_findings_point_at_the_line_and_column_that_set_them() {
    let found = located_at(
        "grafanalike",
        &[
            "--values",
            "grafanalike/ci/full-values.yaml",
            "--set",
            "initChownData.securityContext.privileged=true",
            "--select",
            "K8S-001,K8S-004,K8S-008,K8S-011,K8S-031,K8S-035",
        ],
    );
    for want in [
        // values.yaml: `initChownData.securityContext.runAsUser: 0`, printed by `toYaml`
        // in the pod partial once the ci file enables persistence.
        ("K8S-004", "grafanalike/values.yaml", 100, 5),
        // ci/full-values.yaml: the admin password (b64enc into the Secret) and
        // `containerSecurityContext.privileged` (toYaml into the dashboards' init container).
        ("K8S-035", "grafanalike/ci/full-values.yaml", 2, 1),
        ("K8S-001", "grafanalike/ci/full-values.yaml", 7, 3),
        // --set: the argument's path.
        (
            "K8S-001",
            "--set initChownData.securityContext.privileged",
            1,
            1,
        ),
        // `tpl (toYaml .) $root` of `with .Values.containerSecurityContext` (the grafana
        // container) is at the same line: it pointed at the partial's `tpl` line.
        // `tpl .hostPath $root` in a `range .Values.extraVolumeMounts`: the item's line.
        ("K8S-011", "grafanalike/ci/full-values.yaml", 20, 5),
        // `extraObjects` printed by `include "grafana.tplvalues.render" (dict "value" .
        // "context" $)` in a `range`: the one object holding `spec.hostNetwork` (it pointed
        // at the partial's `tpl` line, then at `extraObjects:`).
        ("K8S-008", "grafanalike/ci/full-values.yaml", 89, 7),
        // `extraContainers: |` printed by `tpl . $root | nindent 2`: `runAsUser: 0` at its
        // line inside the block (it was at `extraContainers: |`).
        ("K8S-004", "grafanalike/ci/full-values.yaml", 26, 7),
        // A template literal: `resources: ["configmaps", "secrets"]`, at `"secrets"`.
        ("K8S-031", "grafanalike/templates/clusterrole.yaml", 12, 31),
    ] {
        assert!(
            found.contains(&(want.0.into(), want.1.into(), want.2, want.3)),
            "{want:?} not in {found:#?}"
        );
    }
    // No finding of these rules is left at a template line that printed a values text.
    assert!(
        !found
            .iter()
            .any(|(_, f, _, _)| f == "grafanalike/templates/_pod.tpl"
                || f == "grafanalike/templates/_helpers.tpl"),
        "{found:#?}"
    );
    // Without the `--set`, the init container's privileged flag is not set anywhere.
    let without = located_at(
        "grafanalike",
        &[
            "--values",
            "grafanalike/ci/full-values.yaml",
            "--select",
            "K8S-001",
        ],
    );
    assert!(
        !without.iter().any(|(_, f, _, _)| f.starts_with("--set")),
        "{without:#?}"
    );
}

/// extdnslike with its `ci/ci-values.yaml` and a `--set`: the same four kinds of place.
#[test]
fn extdnslike_findings_point_at_the_line_and_column_that_set_them() {
    let found = located_at(
        "extdnslike",
        &[
            "--values",
            "extdnslike/ci/ci-values.yaml",
            "--set",
            "securityContext.allowPrivilegeEscalation=true",
            "--select",
            "K8S-001,K8S-002,K8S-011,K8S-020,K8S-030",
        ],
    );
    for want in [
        // values.yaml: `serviceAccount.automountServiceAccountToken: true`.
        ("K8S-020", "extdnslike/values.yaml", 19, 3),
        // ci/ci-values.yaml: `privileged: true` of the webhook sidecar (`with
        // .Values.provider.webhook`, then `with .securityContext` and `toYaml .`), and an
        // extra volume's `hostPath.path`.
        ("K8S-001", "extdnslike/ci/ci-values.yaml", 11, 7),
        ("K8S-011", "extdnslike/ci/ci-values.yaml", 44, 7),
        // --set: the argument's path.
        (
            "K8S-002",
            "--set securityContext.allowPrivilegeEscalation",
            1,
            1,
        ),
        // A template literal: `verbs: ["*"]` of the CRD source's status rule, at `"*"`.
        ("K8S-030", "extdnslike/templates/clusterrole.yaml", 40, 13),
    ] {
        assert!(
            found.contains(&(want.0.into(), want.1.into(), want.2, want.3)),
            "{want:?} not in {found:#?}"
        );
    }
}

/// A value printed by a `range` over a range variable (`range $key, $value :=
/// .Values.extraArgs`, then `range $value` when it is a list): its element's own values
/// line, found by the text printed through both ranges (it named `extraArgs:`, the root).
#[test]
fn an_element_of_a_nested_range_keeps_its_values_line() {
    let out = rg()
        .current_dir(DATA)
        .args([
            "render",
            "--origins",
            "extdnslike",
            "--values",
            "extdnslike/ci/ci-values.yaml",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text
        .lines()
        .find(|l| l.contains("- --exclude-target-net=10.0.0.0/8"))
        .unwrap_or_else(|| panic!("no exclude-target-net line: {text}"));
    assert!(
        line.contains("values extdnslike/ci/ci-values.yaml:27"),
        "{line}"
    );
}

/// keycloaklike with each `ci/*.yaml` and a `--set`: a value set in values.yaml, in a ci
/// file (also inside a string rendered by `tpl . $ | nindent`, and through the subchart's
/// `omit … "enabled" | toYaml`), with `--set`, and a template literal, each at its line and
/// column.
#[test]
fn keycloaklike_findings_point_at_the_line_and_column_that_set_them() {
    let found = located_at(
        "keycloaklike",
        &[
            "--values",
            "keycloaklike/ci/postgres-values.yaml",
            "--set",
            "securityContext.privileged=true",
            "--select",
            "K8S-001,K8S-002,K8S-004,K8S-011,K8S-020,K8S-030,K8S-031,K8S-035",
        ],
    );
    // The ci values create the Role and RoleBinding of the chart's ServiceAccount: its pods call
    // the API, and `automountServiceAccountToken: true` is what they need (no K8S-020 there; the
    // postgresql subchart's pods, bound to nothing, keep theirs).
    assert!(
        !found
            .iter()
            .any(|(r, f, _, _)| r == "K8S-020" && f == "keycloaklike/values.yaml"),
        "{found:#?}"
    );
    for want in [
        // ci: the dbchecker's `allowPrivilegeEscalation: true` (toYaml), the subchart's
        // `runAsUser: 0` (`omit .Values.primary.containerSecurityContext "enabled" | toYaml`
        // in the postgresql subchart), the subchart's password (b64enc into its Secret).
        ("K8S-002", "keycloaklike/ci/postgres-values.yaml", 10, 5),
        ("K8S-004", "keycloaklike/ci/postgres-values.yaml", 21, 7),
        ("K8S-035", "keycloaklike/ci/postgres-values.yaml", 16, 5),
        // ci: inside the `extraVolumes: |` and `extraContainers: |` strings printed by
        // `tpl . $ | nindent 8`, the lines holding the text; `path: /var/lib/keycloak/{{
        // .Release.Name }}/themes`, a line `tpl` rewrote, too (it was at `extraVolumes: |`).
        ("K8S-011", "keycloaklike/ci/postgres-values.yaml", 25, 7),
        ("K8S-001", "keycloaklike/ci/postgres-values.yaml", 34, 7),
        // ci: `verbs: ["*"]` of `rbac.rules` (toYaml after the template's own rules).
        ("K8S-030", "keycloaklike/ci/postgres-values.yaml", 54, 15),
        // --set: the argument's path.
        ("K8S-001", "--set securityContext.privileged", 1, 1),
        // A template literal: `resources: ["secrets"]` of the role, at `"secrets"`.
        ("K8S-031", "keycloaklike/templates/rbac.yaml", 14, 17),
    ] {
        assert!(
            found.contains(&(want.0.into(), want.1.into(), want.2, want.3)),
            "{want:?} not in {found:#?}"
        );
    }
    let found = located_at(
        "keycloaklike",
        &[
            "--values",
            "keycloaklike/ci/h2-values.yaml",
            "--select",
            "K8S-004,K8S-018,K8S-020,K8S-022,K8S-025",
        ],
    );
    for want in [
        // values.yaml: `serviceAccount.automountServiceAccountToken: true`, with no RBAC
        // (`rbac.create: false`) binding the ServiceAccount.
        ("K8S-020", "keycloaklike/values.yaml", 17, 3),
        // `container.apparmor…/keycloak: unconfined` of `podAnnotations`, printed by
        // `printf "%s: %s" $key (tpl $value $ | quote)` in `range $key, $value`: the entry's
        // line (it was at the template's `printf`, statefulset.yaml:18:13).
        ("K8S-022", "keycloaklike/ci/h2-values.yaml", 31, 3),
        // `securityContext.runAsUser: 0` through `toYaml … | nindent 12`.
        ("K8S-004", "keycloaklike/ci/h2-values.yaml", 17, 3),
        // `- secretRef:` of the `extraEnvFrom: |` string through `tpl . $`.
        ("K8S-018", "keycloaklike/ci/h2-values.yaml", 9, 3),
        ("K8S-025", "keycloaklike/ci/h2-values.yaml", 20, 3),
    ] {
        assert!(
            found.contains(&(want.0.into(), want.1.into(), want.2, want.3)),
            "{want:?} not in {found:#?}"
        );
    }
}
