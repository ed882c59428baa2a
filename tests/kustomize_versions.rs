//! Kustomize finds the object of a strategic merge patch without a target by its whole id,
//! the version of its apiVersion included (session kflux37, docs/rendering.md).

mod common;
use common::{dir_with, json_check, problem_lines_of as problems};

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
