//! Kustomize overlays built in-process (owned by the Kustomize work; this is the entry point
//! the checker calls).

use super::{Outcome, RenderOptions};
use std::path::Path;

/// Builds the overlay in `dir` (a folder holding `kustomization.yaml`, `.yml` or
/// `Kustomization`) as `kustomize build` would. `display` is how `dir` is reported.
pub fn build(dir: &Path, display: &str, opts: &RenderOptions) -> Outcome {
    let _ = (dir, opts);
    Outcome {
        rendered: None,
        problems: vec![super::super::Problem::error(
            display,
            None,
            "Kustomize overlays are not built yet",
        )],
    }
}
