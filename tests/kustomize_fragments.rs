//! Kustomize patch fragments no kustomization uses (kubebuilder's and operator-sdk's
//! `config/default` keeps its optional patches beside a kustomization whose entries for them
//! are commented out): not judged as whole objects, only for their credentials, and named in
//! a note; complete objects
//! beside them, fragments a kustomization names, and incomplete manifests outside any
//! overlay's tree are checked as before (docs/rendering.md, session kpatch33).

mod common;
use common::{dir_with, json_check, problem_lines_of as problems, sorted_findings_of as found};

const MANAGER: &[u8] = b"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: controller-manager\n  namespace: system\nspec:\n  selector:\n    matchLabels: {control-plane: controller-manager}\n  template:\n    metadata:\n      labels: {control-plane: controller-manager}\n    spec:\n      containers:\n      - name: manager\n        image: example.com/op:v1\n        securityContext:\n          privileged: true\n";

/// kubebuilder's `manager_webhook_patch.yaml`: the `manager` container's webhook port and
/// certificate volume, nothing else (no selector, no image).
const WEBHOOK_PATCH: &[u8] = b"# webhook server port and certificates\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: controller-manager\n  namespace: system\nspec:\n  template:\n    spec:\n      containers:\n      - name: manager\n        ports:\n        - containerPort: 9443\n          name: webhook-server\n        volumeMounts:\n        - mountPath: /tmp/k8s-webhook-server/serving-certs\n          name: cert\n          readOnly: true\n      volumes:\n      - name: cert\n        secret:\n          secretName: webhook-server-cert\n";

/// An operator's `config/` whose `default` kustomization has its webhook patch commented out.
fn operator(default_kustomization: &[u8], more: &[(&str, &[u8])]) -> tempfile::TempDir {
    let mut files: Vec<(&str, &[u8])> = vec![
        (
            "config/manager/kustomization.yaml",
            b"resources:\n- manager.yaml\n" as &[u8],
        ),
        ("config/manager/manager.yaml", MANAGER),
        ("config/default/kustomization.yaml", default_kustomization),
        ("config/default/manager_webhook_patch.yaml", WEBHOOK_PATCH),
    ];
    files.extend_from_slice(more);
    dir_with(&files)
}

const COMMENTED_OUT: &[u8] = b"namespace: op-system\nresources:\n- ../manager\n#- ../webhook\npatches:\n# [WEBHOOK] uncomment to enable\n#- path: manager_webhook_patch.yaml\n";

/// The unused patch gives no finding (was: 13, K8S-002/003/005/007/013/014/021/023/024 on
/// `manager` and K8S-020/028/041/042 on the pod, for fields it leaves to the Deployment it
/// patches), and a note at its first line says it was not checked and why; the manager's own
/// finding stays, and the exit code is the findings' (a note changes none).
#[test]
fn an_unused_patch_fragment_beside_a_kustomization_is_a_note_not_a_workload() {
    let d = operator(COMMENTED_OUT, &[]);
    let (v, code) = json_check(d.path(), &["config"]);
    assert_eq!(code, 1, "{v}");
    let got = found(&v);
    assert!(
        !got.iter()
            .any(|(_, f, _)| f.contains("manager_webhook_patch")),
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
    assert_eq!(
        problems(&v),
        [
            "note config/default/manager_webhook_patch.yaml:2:1: only its credentials checked: Deployment system/controller-manager is a Kustomize patch, not an object Kubernetes accepts (no spec.selector, container `manager` has no image), and config/default/kustomization.yaml does not use it (name it under `patches:` there to check it as the overlay applies it)"
        ]
    );
    // Named on the command line (as `pre-commit` passes changed files): the same note.
    let (v, code) = json_check(d.path(), &["config/default/manager_webhook_patch.yaml"]);
    assert_eq!(code, 0, "{v}");
    assert!(found(&v).is_empty(), "{v}");
    assert_eq!(problems(&v).len(), 1, "{v}");
    assert!(problems(&v)[0].contains("is a Kustomize patch"), "{v}");
}

/// Once the kustomization names the patch, the overlay applies it (the note is gone and the
/// patch's fields are judged in the patched Deployment, as before).
#[test]
fn a_patch_the_kustomization_uses_is_checked_through_the_overlay() {
    let d = operator(
        b"namespace: op-system\nresources:\n- ../manager\npatches:\n- path: manager_webhook_patch.yaml\n",
        &[],
    );
    let (v, code) = json_check(d.path(), &["config"]);
    assert_eq!(code, 1, "{v}");
    assert!(problems(&v).is_empty(), "{v}");
    assert!(
        found(&v).contains(&(
            "K8S-001".to_string(),
            "config/manager/manager.yaml".to_string(),
            17
        )),
        "{v}"
    );
}

/// Beside the fragment, complete objects are checked: a complete sample Deployment in the same
/// folder the kustomization does not list, and the complete document of a file whose other
/// document is a fragment. A fragment below the kustomization's folder (kubebuilder's
/// `config/crd/patches/`) is a fragment too.
#[test]
fn complete_objects_beside_an_unused_fragment_are_checked() {
    let sample = String::from_utf8(MANAGER.to_vec())
        .unwrap()
        .replace("controller-manager", "sample");
    let two = format!(
        "{}---\n{}",
        String::from_utf8(WEBHOOK_PATCH.to_vec()).unwrap(),
        sample
    );
    let d = operator(
        COMMENTED_OUT,
        &[
            ("config/default/sample.yaml", sample.as_bytes()),
            ("config/default/patches/both.yaml", two.as_bytes()),
        ],
    );
    let (v, _) = json_check(d.path(), &["--select", "K8S-001", "config"]);
    let got = found(&v);
    assert!(
        got.contains(&(
            "K8S-001".to_string(),
            "config/default/sample.yaml".to_string(),
            17
        )),
        "{got:?}"
    );
    assert!(
        got.contains(&(
            "K8S-001".to_string(),
            "config/default/patches/both.yaml".to_string(),
            40
        )),
        "{got:?}"
    );
    let p = problems(&v);
    assert_eq!(p.len(), 2, "{p:?}");
    assert!(
        p[0].starts_with(
            "note config/default/manager_webhook_patch.yaml:2:1: only its credentials checked"
        ),
        "{p:?}"
    );
    assert!(
        p[1].starts_with("note config/default/patches/both.yaml:2:1: only its credentials checked"),
        "{p:?}"
    );
}

/// An incomplete manifest outside any overlay's tree (a linter's test fixture written
/// without an image or selector) is checked as written, as before; so is a fragment that a
/// kustomization lists as a resource (Kubernetes will refuse it, but it is what the overlay
/// deploys).
#[test]
fn incomplete_manifests_outside_an_overlay_or_listed_as_resources_are_checked() {
    let privileged_fragment = b"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: fixture\nspec:\n  template:\n    spec:\n      containers:\n      - name: app\n        securityContext:\n          privileged: true\n" as &[u8];
    let d = dir_with(&[
        ("tests/no-image.yaml", privileged_fragment),
        (
            "deploy/kustomization.yaml",
            b"resources:\n- app.yaml\n" as &[u8],
        ),
        ("deploy/app.yaml", privileged_fragment),
    ]);
    let (v, _) = json_check(d.path(), &["--select", "K8S-001", "."]);
    assert_eq!(
        found(&v),
        [
            ("K8S-001".to_string(), "deploy/app.yaml".to_string(), 11),
            ("K8S-001".to_string(), "tests/no-image.yaml".to_string(), 11),
        ]
    );
    assert!(problems(&v).is_empty(), "{v}");
}

/// `inspect` shows what `check` reads: the unused fragment is a document (its credentials
/// are checked), and the note says why the rest is not (was: no note).
#[test]
fn inspect_shows_an_unused_fragment_with_its_note() {
    let d = operator(COMMENTED_OUT, &[]);
    let out = common::rg()
        .current_dir(d.path())
        .args(["inspect", "config/default/manager_webhook_patch.yaml"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("manager_webhook_patch.yaml:2:1: only its credentials checked: Deployment system/controller-manager is a Kustomize patch"),
        "{stderr}"
    );
}

/// A password written in an unused fragment is in the repository as much as anywhere: the
/// credential rule still reports it (at its value's line) and no output prints it, while the
/// workload rules stay quiet on the fragment (was, in kpatch33's first form: the fragment was
/// left out whole and its password went unreported).
#[test]
fn a_credential_in_an_unused_fragment_is_still_reported_and_masked() {
    const LEAK: &str = "fragment-env-passphrase-53";
    let patch = format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: controller-manager\n  namespace: system\nspec:\n  template:\n    spec:\n      containers:\n      - name: manager\n        env:\n        - name: DB_PASSWORD\n          value: {LEAK}\n"
    );
    let d = operator(
        COMMENTED_OUT,
        &[("config/default/manager_env_patch.yaml", patch.as_bytes())],
    );
    let (v, _) = json_check(d.path(), &["config"]);
    let on_patch: Vec<_> = found(&v)
        .into_iter()
        .filter(|(_, f, _)| f.contains("manager_env_patch"))
        .collect();
    assert_eq!(
        on_patch,
        [(
            "K8S-017".to_string(),
            "config/default/manager_env_patch.yaml".to_string(),
            13
        )],
        "{v}"
    );
    assert!(!v.to_string().contains(LEAK), "{v}");
    for args in [
        &["check", "config"][..],
        &["check", "--format", "sarif", "config"],
        &["inspect", "config/default/manager_env_patch.yaml"],
    ] {
        let all = common::all_output(d.path(), args);
        assert!(!all.contains(LEAK), "{args:?}: {all}");
    }
}

/// kpatch33's open item, as GitOps repositories hold it: an Argo Rollouts overlay keeps a
/// Rollout patch (`replicas` only) and a Service patch (an annotation only) beside a
/// kustomization that does not name them. Judged as objects they gave K8S-019/020/028/042
/// on a pod the Rollout patch does not have, and K8S-019 on the Service; they are now
/// fragments with a note each, while a Rollout pointing at a Deployment (`workloadRef`) and a
/// headless Service without ports beside them stay objects.
#[test]
fn unused_rollout_and_service_patches_are_fragments() {
    let d = dir_with(&[
        (
            "apps/web/base/kustomization.yaml",
            b"resources:\n- rollout.yaml\n- headless.yaml\n" as &[u8],
        ),
        (
            "apps/web/base/rollout.yaml",
            b"apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata:\n  name: web\n  namespace: web\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {app: web}\n  workloadRef:\n    apiVersion: apps/v1\n    kind: Deployment\n    name: web\n",
        ),
        (
            "apps/web/base/headless.yaml",
            b"apiVersion: v1\nkind: Service\nmetadata:\n  name: web-headless\n  namespace: web\nspec:\n  clusterIP: None\n  selector: {app: web}\n",
        ),
        (
            "apps/web/prod/kustomization.yaml",
            b"resources:\n- ../base\n#patches:\n#- path: rollout-replicas.yaml\n" as &[u8],
        ),
        (
            "apps/web/prod/rollout-replicas.yaml",
            b"apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata:\n  name: web\nspec:\n  replicas: 5\n",
        ),
        (
            "apps/web/prod/service-annotations.yaml",
            b"apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  annotations:\n    service.beta.kubernetes.io/aws-load-balancer-internal: \"true\"\n",
        ),
    ]);
    let (v, _) = json_check(d.path(), &["apps"]);
    let got = found(&v);
    assert!(
        !got.iter()
            .any(|(_, f, _)| f.contains("rollout-replicas") || f.contains("service-annotations")),
        "{got:?}"
    );
    let notes = problems(&v);
    assert_eq!(notes.len(), 2, "{v}");
    assert!(
        notes[0].starts_with("note apps/web/prod/rollout-replicas.yaml:1:1: only its credentials checked: Rollout web is a Kustomize patch")
            && notes[0].contains("(no spec.selector, no containers)"),
        "{notes:?}"
    );
    assert!(
        notes[1].starts_with("note apps/web/prod/service-annotations.yaml:1:1: only its credentials checked: Service web is a Kustomize patch")
            && notes[1].contains("(no spec.ports)"),
        "{notes:?}"
    );
}

/// kflux35's open item: an overlay on Argo CD's remote `install.yaml` patches `argocd-cm`,
/// `argocd-secret` and (by target) `argocd-repo-server`. Unfetched, the patches are not
/// applied (a note each), and their literal credentials were reported nowhere: an OIDC
/// `clientSecret` in `oidc.config`, the Secret's `stringData`, an env password. They are now
/// read by the credential rules only, at their own lines, masked in every output; a
/// `$oidc.okta.clientSecret` reference and the patches' other fields give nothing.
#[test]
fn credentials_in_patches_of_an_unfetched_remote_base_are_checked_and_masked() {
    const CLIENT: &str = "Qx7vLm2pRt9sKw4nYb8cUe";
    const ADMIN: &str = "Zr5tYu8iOp1aSd3fGh6jKl";
    const ENV: &str = "Wq3eRt5yUi7oPa9sDf2gHj";
    let cm = format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: argocd-cm\ndata:\n  url: https://argocd.example.com\n  oidc.config: |\n    name: Okta\n    issuer: https://example.okta.com\n    clientID: argocd\n    clientSecret: {CLIENT}\n  dex.config: |\n    connectors:\n    - type: github\n      config:\n        clientSecret: $dex.github.clientSecret\n"
    );
    let secret = format!(
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: argocd-secret\nstringData:\n  oidc.okta.clientSecret: {ADMIN}\n"
    );
    let repo = format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: argocd-repo-server\nspec:\n  template:\n    spec:\n      containers:\n      - name: argocd-repo-server\n        env:\n        - name: HELM_REPO_PASSWORD\n          value: {ENV}\n"
    );
    let d = dir_with(&[
        (
            "argocd/kustomization.yaml",
            b"namespace: argocd\nresources:\n- https://raw.githubusercontent.com/argoproj/argo-cd/v2.11.3/manifests/install.yaml\npatches:\n- path: argocd-cm.yaml\n- path: argocd-secret.yaml\n- path: repo-server.yaml\n  target:\n    kind: Deployment\n    name: argocd-repo-server\n" as &[u8],
        ),
        ("argocd/argocd-cm.yaml", cm.as_bytes()),
        ("argocd/argocd-secret.yaml", secret.as_bytes()),
        ("argocd/repo-server.yaml", repo.as_bytes()),
    ]);
    let (v, _) = json_check(d.path(), &["argocd"]);
    assert_eq!(
        found(&v),
        [
            (
                "K8S-017".to_string(),
                "argocd/repo-server.yaml".to_string(),
                12
            ),
            (
                "K8S-035".to_string(),
                "argocd/argocd-secret.yaml".to_string(),
                6
            ),
            // The `clientSecret:` line of `oidc.config: |`, not its key (session cfg37).
            (
                "K8S-036".to_string(),
                "argocd/argocd-cm.yaml".to_string(),
                11
            ),
        ],
        "{v}"
    );
    let notes: Vec<String> = problems(&v)
        .into_iter()
        .filter(|p| p.starts_with("note"))
        .collect();
    assert_eq!(notes.len(), 3, "{notes:?}");
    assert!(
        notes
            .iter()
            .all(|n| n.ends_with("which is not fetched; only its credentials checked")),
        "{notes:?}"
    );
    for leak in [CLIENT, ADMIN, ENV] {
        assert!(!v.to_string().contains(leak), "{v}");
    }
    for args in [
        &["check", "argocd"][..],
        &["check", "--format", "sarif", "argocd"],
        &["check", "--format", "html", "argocd"],
        &["inspect", "argocd/argocd-cm.yaml"],
        &["inspect", "argocd/argocd-secret.yaml"],
        &["inspect", "argocd/repo-server.yaml"],
        &["render", "argocd"],
    ] {
        let all = common::all_output(d.path(), args);
        for leak in [CLIENT, ADMIN, ENV] {
            assert!(!all.contains(leak), "{args:?}: {all}");
        }
    }
    // Without the remote resource the same patches are Kustomize's errors, and not read.
    let local = dir_with(&[
        (
            "argocd/kustomization.yaml",
            b"resources:\n- cm.yaml\npatches:\n- path: argocd-cm.yaml\n" as &[u8],
        ),
        (
            "argocd/cm.yaml",
            b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: other\n  namespace: argocd\n",
        ),
        ("argocd/argocd-cm.yaml", cm.as_bytes()),
    ]);
    let (v, _) = json_check(local.path(), &["argocd"]);
    assert_eq!(found(&v), [], "{v}");
}

/// kflux36's open item: a patch written inline in the kustomization (`patch: |`) on an
/// object of an unfetched remote base was noted but not read, so a literal credential in it
/// was reported nowhere. Its literal block is now read as its own file would be, by the
/// credential rules only, at the kustomization's lines, masked in every output; a quoted
/// inline patch (not placed line for line) is read too since session kflux38, at its first
/// line (`a_quoted_inline_patch_of_an_unfetched_remote_base_is_read_at_its_line`).
#[test]
fn credentials_in_inline_patches_of_an_unfetched_remote_base_are_checked_and_masked() {
    const CLIENT: &str = "Vb6nMq2wEr8tYz4uIo7pLk";
    const ENV: &str = "Hj3kLs9dFg5aQw1eRt7yUi";
    let kustomization = format!(
        "namespace: argocd\nresources:\n- https://raw.githubusercontent.com/argoproj/argo-cd/v2.11.3/manifests/install.yaml\npatches:\n- patch: |\n    apiVersion: v1\n    kind: ConfigMap\n    metadata:\n      name: argocd-cm\n    data:\n      url: https://argocd.example.com\n      oidc.config: |\n        name: Okta\n        clientID: argocd\n        clientSecret: {CLIENT}\n- target:\n    kind: Deployment\n    name: argocd-repo-server\n  patch: |-\n    apiVersion: apps/v1\n    kind: Deployment\n    metadata:\n      name: argocd-repo-server\n    spec:\n      template:\n        spec:\n          containers:\n          - name: argocd-repo-server\n            env:\n            - name: HELM_REPO_PASSWORD\n              value: {ENV}\n- patch: \"apiVersion: v1\\nkind: ConfigMap\\nmetadata:\\n  name: argocd-rbac-cm\\ndata:\\n  policy.default: role:readonly\\n\"\n"
    );
    let d = dir_with(&[("argocd/kustomization.yaml", kustomization.as_bytes())]);
    let (v, _) = json_check(d.path(), &["argocd"]);
    assert_eq!(
        found(&v),
        [
            (
                "K8S-017".to_string(),
                "argocd/kustomization.yaml".to_string(),
                31
            ),
            // The `clientSecret:` line of `oidc.config: |`, not its key (session cfg37).
            (
                "K8S-036".to_string(),
                "argocd/kustomization.yaml".to_string(),
                15
            ),
        ],
        "{v}"
    );
    let notes: Vec<String> = problems(&v)
        .into_iter()
        .filter(|p| p.starts_with("note"))
        .collect();
    assert_eq!(notes.len(), 3, "{notes:?}");
    assert_eq!(
        notes
            .iter()
            .filter(|n| n.ends_with("which is not fetched; only its credentials checked"))
            .count(),
        3,
        "{notes:?}"
    );
    for args in [
        &["check", "--format", "json", "argocd"][..],
        &["check", "argocd"],
        &["check", "--format", "sarif", "argocd"],
        &["check", "--format", "html", "argocd"],
        &["check", "--format", "junit", "argocd"],
        &["inspect", "argocd/kustomization.yaml"],
        &["render", "argocd"],
        &["render", "--origins", "argocd"],
    ] {
        let all = common::all_output(d.path(), args);
        for leak in [CLIENT, ENV] {
            assert!(!all.contains(leak), "{args:?}: {all}");
        }
    }
}

/// A `configMapGenerator`/`secretGenerator` with `behavior: merge` or `replace` naming an
/// object of an unfetched remote base (Argo CD's `argocd-cm`, `argocd-secret`), and JSON 6902
/// patches whose target is such an object (`patchesJson6902` with a file, `patches` with
/// inline operations): each was "does not exist; cannot merge it", an error Kustomize,
/// fetching the base, does not give, or nothing at all. Now a note, and their literal
/// credentials (a generator literal, an operation's `value`) are read by the credential
/// rules at their own lines, masked everywhere; a local build keeps the error.
#[test]
fn generators_and_json_patches_on_an_unfetched_remote_base_are_notes_with_credentials_checked() {
    const ADMIN: &str = "Zx9cVbNm3qWeRt7yUi";
    const OIDC: &str = "Lk4jHg7fDs2aQw9eRt";
    const ENV: &str = "Pq8wErTy5uIoP2aSdF";
    let kustomization = format!(
        "namespace: argocd\nresources:\n- https://raw.githubusercontent.com/argoproj/argo-cd/v2.12.4/manifests/ha/install.yaml\npatchesJson6902:\n- target:\n    version: v1\n    kind: ConfigMap\n    name: argocd-cm\n  path: argocd-cm-patch.yaml\npatches:\n- target:\n    kind: Deployment\n    name: argocd-server\n  patch: |-\n    - op: add\n      path: /spec/template/spec/containers/0/env/-\n      value:\n        name: ARGOCD_ADMIN_PASSWORD\n        value: {ENV}\nconfigMapGenerator:\n- name: argocd-cm\n  behavior: merge\n  literals:\n  - url=https://argocd.example.com\n- name: argocd-rbac-cm\n  behavior: replace\n  literals:\n  - policy.default=role:readonly\nsecretGenerator:\n- name: argocd-secret\n  behavior: merge\n  literals:\n  - admin.password={ADMIN}\n"
    );
    let ops = format!(
        "- op: add\n  path: /data/oidc.config\n  value: |\n    name: Okta\n    clientID: argocd\n    clientSecret: {OIDC}\n- op: remove\n  path: /data/users.anonymous.enabled\n"
    );
    let d = dir_with(&[
        ("argocd/kustomization.yaml", kustomization.as_bytes()),
        ("argocd/argocd-cm-patch.yaml", ops.as_bytes()),
    ]);
    let (v, _) = json_check(d.path(), &["argocd"]);
    assert_eq!(
        found(&v),
        [
            (
                "K8S-017".to_string(),
                "argocd/kustomization.yaml".to_string(),
                19
            ),
            (
                "K8S-035".to_string(),
                "argocd/kustomization.yaml".to_string(),
                33
            ),
            (
                "K8S-036".to_string(),
                "argocd/argocd-cm-patch.yaml".to_string(),
                3
            ),
        ],
        "{v}"
    );
    let all = problems(&v);
    assert_eq!(
        all.iter().filter(|p| p.starts_with("error")).count(),
        1,
        "only the remote entry's error: {all:?}"
    );
    let notes: Vec<&String> = all.iter().filter(|p| p.starts_with("note")).collect();
    assert_eq!(notes.len(), 5, "{notes:?}");
    assert!(
        notes.iter().all(|n| n.contains("which is not fetched")),
        "{notes:?}"
    );
    for args in [
        &["check", "--format", "json", "argocd"][..],
        &["check", "argocd"],
        &["check", "--format", "sarif", "argocd"],
        &["check", "--format", "html", "argocd"],
        &["check", "--format", "junit", "argocd"],
        &["inspect", "argocd/kustomization.yaml"],
        &["inspect", "argocd/argocd-cm-patch.yaml"],
        &["render", "argocd"],
        &["render", "--origins", "argocd"],
    ] {
        let all = common::all_output(d.path(), args);
        for leak in [ADMIN, OIDC, ENV] {
            assert!(!all.contains(leak), "{args:?}: {all}");
        }
    }
    // Without the remote resource a generator merging into nothing stays Kustomize's error.
    let local = dir_with(&[(
        "argocd/kustomization.yaml",
        b"resources:\n- cm.yaml\nconfigMapGenerator:\n- name: argocd-cm\n  behavior: merge\n  literals:\n  - url=https://argocd.example.com\n" as &[u8],
    ), (
        "argocd/cm.yaml",
        b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: other\n",
    )]);
    let (v, _) = json_check(local.path(), &["argocd"]);
    let all = problems(&v);
    assert!(
        all.iter()
            .any(|p| p.starts_with("error") && p.contains("does not exist; cannot merge it")),
        "{all:?}"
    );
}

/// A `helmCharts` chart of a repository with no local copy is not rendered (an error at the
/// entry, as before), but it did not count as unfetched: a patch naming one of its objects
/// (`argocd-cm` of the argo-cd chart) was "no resource matches this patch …; Kustomize fails
/// here", which Kustomize with `--enable-helm`, pulling the chart, does not say, and a
/// targeted patch's credential was read nowhere. Now both are kflux35's notes, the patch's
/// credential checked at its line.
#[test]
fn patches_of_an_unfetched_helm_chart_are_notes_with_credentials_checked() {
    const ENV: &str = "Gh7jKl2mNb5vCx8zQw";
    let patch = format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: argo-cd-argocd-repo-server\nspec:\n  template:\n    spec:\n      initContainers:\n      - name: download-tools\n        image: alpine:3.20\n        env:\n        - name: HELM_SECRETS_PASSWORD\n          value: {ENV}\n"
    );
    let d = dir_with(&[
        (
            "argocd/kustomization.yaml",
            b"namespace: argocd\nhelmCharts:\n- name: argo-cd\n  repo: https://argoproj.github.io/argo-helm\n  version: 7.3.4\n  releaseName: argo-cd\n  valuesFile: values.yaml\npatches:\n- path: init-container.yaml\n  target:\n    kind: Deployment\n    name: argo-cd-argocd-repo-server\n- path: argocd-cm.yaml\n" as &[u8],
        ),
        ("argocd/values.yaml", b"configs:\n  params:\n    server.insecure: true\n"),
        ("argocd/init-container.yaml", patch.as_bytes()),
        (
            "argocd/argocd-cm.yaml",
            b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: argocd-cm\ndata:\n  url: https://argocd.example.com\n",
        ),
    ]);
    let (v, _) = json_check(d.path(), &["argocd"]);
    assert_eq!(
        found(&v),
        [(
            "K8S-017".to_string(),
            "argocd/init-container.yaml".to_string(),
            13
        )],
        "{v}"
    );
    let all = problems(&v);
    let errors: Vec<&String> = all.iter().filter(|p| p.starts_with("error")).collect();
    assert_eq!(errors.len(), 1, "{all:?}");
    assert!(
        errors[0].contains("is not fetched (no local copy"),
        "{all:?}"
    );
    assert_eq!(
        all.iter()
            .filter(|p| p.starts_with("note") && p.contains("remote resource or chart"))
            .count(),
        2,
        "{all:?}"
    );
    let all = common::all_output(d.path(), &["check", "argocd"]);
    assert!(!all.contains(ENV), "{all}");
}

// Kustomize finds the object of a strategic merge patch without a target by its whole id,
// the version of its apiVersion included (session kflux37, docs/rendering.md).

/// fluxcd/flux2-multi-tenancy's `staging/podinfo-values.yaml` patches a HelmRelease as
/// `helm.toolkit.fluxcd.io/v2beta1` while the base's is `v2`: `kubectl kustomize` fails ("no
/// resource matches strategic merge patch \"HelmRelease.v2beta1.helm.toolkit.fluxcd.io/
/// podinfo.apps\""), runeguard applied the patch and rendered (exit 0). A patch with no
/// apiVersion fails there too. With a target, the version is not compared.
#[test]
fn an_untargeted_patch_of_another_version_matches_nothing_as_in_kustomize() {
    let release = b"apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: podinfo\n  namespace: apps\nspec:\n  interval: 1h\n  chart:\n    spec:\n      chart: podinfo\n" as &[u8];
    let patch = b"apiVersion: helm.toolkit.fluxcd.io/v2beta1\nkind: HelmRelease\nmetadata:\n  name: podinfo\n  namespace: apps\nspec:\n  values:\n    replicaCount: 1\n" as &[u8];
    for kustomization in [
        b"resources:\n- release.yaml\npatchesStrategicMerge:\n- patch.yaml\n" as &[u8],
        b"resources:\n- release.yaml\npatches:\n- path: patch.yaml\n",
    ] {
        let d = dir_with(&[
            ("staging/kustomization.yaml", kustomization),
            ("staging/release.yaml", release),
            ("staging/patch.yaml", patch),
        ]);
        let (v, code) = json_check(d.path(), &["staging"]);
        let all = problems(&v);
        assert!(
            all.iter().any(|p| p.starts_with("error staging/patch.yaml:1:")
                && p.contains("is helm.toolkit.fluxcd.io/v2, and Kustomize matches a patch without a target by its apiVersion too")),
            "{all:?}"
        );
        assert_eq!(code, 2, "{v}");
    }
    // No apiVersion at all: Kustomize's id has no version ("ConfigMap.[noVer].[noGrp]/web").
    let d = dir_with(&[
        (
            "o/kustomization.yaml",
            b"resources:\n- cm.yaml\npatches:\n- path: p.yaml\n" as &[u8],
        ),
        (
            "o/cm.yaml",
            b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\ndata:\n  a: b\n",
        ),
        (
            "o/p.yaml",
            b"kind: ConfigMap\nmetadata:\n  name: web\ndata:\n  c: d\n",
        ),
    ]);
    let (v, code) = json_check(d.path(), &["o"]);
    assert_eq!(code, 2, "{v}");
    // The same patch with a target applies.
    let d = dir_with(&[
        ("staging/kustomization.yaml", b"resources:\n- release.yaml\npatches:\n- path: patch.yaml\n  target:\n    kind: HelmRelease\n" as &[u8]),
        ("staging/release.yaml", release),
        ("staging/patch.yaml", patch),
    ]);
    let (v, code) = json_check(d.path(), &["staging"]);
    assert_eq!(problems(&v), Vec::<String>::new(), "{v}");
    assert_eq!(code, 0, "{v}");
}

/// kflux35's open item: the Helm values a GitOps object gives a chart the run does not render
/// (a Flux `HelmRelease`'s `spec.values`, an Argo CD `Application`'s or `ApplicationSet`'s
/// `helm.values` string, `valuesObject` and `parameters`, a k3s `HelmChart`'s `set` and
/// `valuesContent`) were read by no rule: a literal password there was reported nowhere. They
/// are now configuration documents of the manifest read by the credential rules only: CFG-016
/// at the value's line (the overlay's patch line for a value a patch sets, the line inside a
/// `values: |` string), masked in every output; references, Secret names, `valuesFrom` and
/// empty values give nothing, and no other configuration rule reads a chart's values.
#[test]
fn credentials_in_helm_values_of_gitops_objects_are_checked_at_their_line_and_masked() {
    const DB: &str = "Gr4fanaDbPw9x";
    const ADMIN: &str = "St4gingAdm1nPw";
    const LDAP: &str = "Ld4pB1ndPw77";
    const KC: &str = "KcAdm1nPassw0rd";
    const PARAM: &str = "PgP4ramPw55";
    const REDIS: &str = "R3disAppSetPw";
    const SET: &str = "Pg4dminSetPw";
    const CONTENT: &str = "Pg4dminCont3nt";
    let release = format!(
        "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: grafana\nspec:\n  interval: 30m\n  chart:\n    spec:\n      chart: grafana\n      sourceRef:\n        kind: HelmRepository\n        name: grafana\n  valuesFrom:\n    - kind: Secret\n      name: grafana-admin\n      valuesKey: password\n      targetPath: adminPassword\n  values:\n    adminUser: admin\n    adminPassword: \"\"\n    admin:\n      existingSecret: grafana-admin\n      passwordKey: admin-password\n    env:\n      GF_DATABASE_PASSWORD: {DB}\n    grafana.ini:\n      database:\n        password: ${{GRAFANA_DB_PASSWORD}}\n      smtp:\n        password: $__file{{/etc/secrets/smtp}}\n    tls:\n      enabled: false\n"
    );
    let patch = format!(
        "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: grafana\nspec:\n  values:\n    adminPassword: {ADMIN}\n    extraEnv:\n      - name: LDAP_BIND_PASSWORD\n        value: {LDAP}\n"
    );
    let app = format!(
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: keycloak\n  namespace: argocd\nspec:\n  source:\n    repoURL: https://charts.bitnami.com/bitnami\n    chart: keycloak\n    targetRevision: 21.0.0\n    helm:\n      values: |\n        auth:\n          adminUser: admin\n          adminPassword: {KC}\n        postgresql:\n          auth:\n            existingSecret: keycloak-db\n      parameters:\n        - name: postgresql.auth.password\n          value: {PARAM}\n        - name: image.tag\n          value: 24.0.5\n"
    );
    let appset = format!(
        "apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata:\n  name: redis\n  namespace: argocd\nspec:\n  template:\n    metadata:\n      name: 'redis-{{{{cluster}}}}'\n    spec:\n      sources:\n        - repoURL: https://charts.bitnami.com/bitnami\n          chart: redis\n          helm:\n            valuesObject:\n              auth:\n                password: {REDIS}\n              tls:\n                enabled: false\n        - repoURL: https://git.example.com/values.git\n          ref: values\n"
    );
    let chart = format!(
        "apiVersion: helm.cattle.io/v1\nkind: HelmChart\nmetadata:\n  name: pgadmin\n  namespace: kube-system\nspec:\n  chart: pgadmin4\n  set:\n    env.email: admin@example.com\n    env.password: {SET}\n  valuesContent: |-\n    existingSecret: pgadmin-secret\n    auth:\n      password: {CONTENT}\n"
    );
    let d = dir_with(&[
        (
            "apps/base/grafana/kustomization.yaml",
            b"namespace: monitoring\nresources:\n- helmrelease.yaml\n" as &[u8],
        ),
        ("apps/base/grafana/helmrelease.yaml", release.as_bytes()),
        (
            "apps/staging/kustomization.yaml",
            b"resources:\n- ../base/grafana\npatches:\n- path: grafana-values.yaml\n  target:\n    kind: HelmRelease\n    name: grafana\n",
        ),
        ("apps/staging/grafana-values.yaml", patch.as_bytes()),
        ("argocd/keycloak.yaml", app.as_bytes()),
        ("argocd/appset.yaml", appset.as_bytes()),
        ("k3s/pgadmin.yaml", chart.as_bytes()),
    ]);
    let (v, code) = json_check(d.path(), &["."]);
    assert_eq!(code, 1, "{v}");
    assert_eq!(
        common::findings_at(&v),
        [
            (
                "CFG-016".to_string(),
                "apps/base/grafana/helmrelease.yaml".to_string(),
                25,
                7
            ),
            (
                "CFG-016".to_string(),
                "apps/staging/grafana-values.yaml".to_string(),
                7,
                5
            ),
            (
                "CFG-016".to_string(),
                "apps/staging/grafana-values.yaml".to_string(),
                10,
                9
            ),
            (
                "CFG-016".to_string(),
                "argocd/appset.yaml".to_string(),
                17,
                17
            ),
            (
                "CFG-016".to_string(),
                "argocd/keycloak.yaml".to_string(),
                15,
                11
            ),
            (
                "CFG-016".to_string(),
                "argocd/keycloak.yaml".to_string(),
                21,
                11
            ),
            ("CFG-016".to_string(), "k3s/pgadmin.yaml".to_string(), 10, 5),
            ("CFG-016".to_string(), "k3s/pgadmin.yaml".to_string(), 14, 7),
        ],
        "{v}"
    );
    let messages = common::messages_of(&v);
    assert!(
        messages
            .contains(&"parameters[0].value holds a plaintext secret (postgresql.auth.password)"),
        "{messages:?}"
    );
    assert_eq!(problems(&v), Vec::<String>::new(), "{v}");
    let secrets = [DB, ADMIN, LDAP, KC, PARAM, REDIS, SET, CONTENT];
    for leak in secrets {
        assert!(!v.to_string().contains(leak), "{v}");
    }
    for args in [
        &["check", "."][..],
        &["check", "--format", "sarif", "."],
        &["check", "--format", "html", "."],
        &["check", "--format", "junit", "."],
        &["render", "apps/staging"],
        &["render", "--origins", "apps/staging"],
        &["inspect", "apps/base/grafana/helmrelease.yaml"],
        &["inspect", "apps/staging/grafana-values.yaml"],
        &["inspect", "argocd/keycloak.yaml"],
        &["inspect", "argocd/appset.yaml"],
        &["inspect", "k3s/pgadmin.yaml"],
    ] {
        let all = common::all_output(d.path(), args);
        for leak in secrets {
            assert!(!all.contains(leak), "{args:?}: {all}");
        }
    }
}

/// kflux37's open item: an inline patch written as a quoted string (`patch: "apiVersion: v1\n…"`)
/// on an object of an unfetched remote base was noted but not read (its text is not the
/// kustomization's line for line), so its `clientSecret` was reported nowhere. It is now read
/// as a literal block is, every node at the string's first line: K8S-036 at the `patch:`
/// value, the note says "only its credentials checked", the secret masked everywhere.
#[test]
fn a_quoted_inline_patch_of_an_unfetched_remote_base_is_read_at_its_line() {
    const CLIENT: &str = "Qu0tedCl1entS3cXyz";
    let kustomization = format!(
        "namespace: argocd\nresources:\n- https://raw.githubusercontent.com/argoproj/argo-cd/v2.11.3/manifests/install.yaml\npatches:\n- target:\n    kind: ConfigMap\n    name: argocd-cm\n  patch: \"apiVersion: v1\\nkind: ConfigMap\\nmetadata:\\n  name: argocd-cm\\ndata:\\n  oidc.config: |\\n    clientID: argocd\\n    clientSecret: {CLIENT}\\n\"\n"
    );
    let d = dir_with(&[("argocd/kustomization.yaml", kustomization.as_bytes())]);
    let (v, _) = json_check(d.path(), &["argocd"]);
    assert_eq!(
        common::findings_at(&v),
        [(
            "K8S-036".to_string(),
            "argocd/kustomization.yaml".to_string(),
            8,
            10
        )],
        "{v}"
    );
    let notes: Vec<String> = problems(&v)
        .into_iter()
        .filter(|p| p.starts_with("note"))
        .collect();
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(
        notes[0].ends_with("which is not fetched; only its credentials checked"),
        "{notes:?}"
    );
    for args in [
        &["check", "--format", "json", "argocd"][..],
        &["check", "argocd"],
        &["check", "--format", "sarif", "argocd"],
        &["check", "--format", "html", "argocd"],
        &["inspect", "argocd/kustomization.yaml"],
        &["render", "argocd"],
        &["render", "--origins", "argocd"],
    ] {
        let all = common::all_output(d.path(), args);
        assert!(!all.contains(CLIENT), "{args:?}: {all}");
    }
}

/// The items of a `kind: List` are objects of their own: a HelmRelease's or an Application's
/// values mapping among them is read as a document's own (CFG-016 at its line); a values
/// string is read only where the object is the document's root.
#[test]
fn helm_values_of_list_items_are_read_too() {
    let d = dir_with(&[(
        "list.yaml",
        b"apiVersion: v1\nkind: List\nitems:\n- apiVersion: helm.toolkit.fluxcd.io/v2\n  kind: HelmRelease\n  metadata:\n    name: a\n  spec:\n    values:\n      auth:\n        password: L1stItemPw99\n- apiVersion: argoproj.io/v1alpha1\n  kind: Application\n  metadata:\n    name: b\n  spec:\n    source:\n      helm:\n        valuesObject:\n          token: L1stTok3nValue\n" as &[u8],
    )]);
    let (v, _) = json_check(d.path(), &["list.yaml"]);
    assert_eq!(
        common::findings_at(&v),
        [
            ("CFG-016".to_string(), "list.yaml".to_string(), 11, 9),
            ("CFG-016".to_string(), "list.yaml".to_string(), 20, 11),
        ],
        "{v}"
    );
    assert!(!v.to_string().contains("L1stItemPw99"), "{v}");
}

/// kflux37's open item: a JSON 6902 operation whose path ends inside an env entry
/// (`/spec/template/spec/containers/0/env/1/value`) on an object of an unfetched remote base
/// placed a value without the entry's name (the remote object's), which no K8S-017 branch read.
/// A value shaped like a credential (a URL with a password) is now reported at the operation's
/// `value:` line, masked; a word is not.
#[test]
fn a_json_patch_value_inside_an_env_entry_of_an_unfetched_base_is_judged_by_its_shape() {
    const PW: &str = "Gh7pQw2ZxRepoPw";
    let kustomization = format!(
        "namespace: argocd\nresources:\n- https://raw.githubusercontent.com/argoproj/argo-cd/v2.11.3/manifests/install.yaml\npatches:\n- target:\n    kind: Deployment\n    name: argocd-repo-server\n  patch: |-\n    - op: replace\n      path: /spec/template/spec/containers/0/env/1/value\n      value: \"https://admin:{PW}@git.example.com/repo.git\"\n    - op: replace\n      path: /spec/template/spec/containers/0/env/2/value\n      value: info\n"
    );
    let d = dir_with(&[("argocd/kustomization.yaml", kustomization.as_bytes())]);
    let (v, _) = json_check(d.path(), &["argocd"]);
    assert_eq!(
        common::findings_at(&v),
        [(
            "K8S-017".to_string(),
            "argocd/kustomization.yaml".to_string(),
            11,
            7
        )],
        "{v}"
    );
    for args in [
        &["check", "argocd"][..],
        &["check", "--format", "sarif", "argocd"],
        &["inspect", "argocd/kustomization.yaml"],
    ] {
        let all = common::all_output(d.path(), args);
        assert!(!all.contains(PW), "{args:?}: {all}");
    }
}
