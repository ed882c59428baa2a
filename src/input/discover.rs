//! Finding the files to check: a gitignore-aware walk, with charts and overlays recognised as
//! rendered inputs (their files are parts, not inputs of their own).

pub use super::files::*;
pub use super::render::roots::Overlays;
use crate::source::{Problem, io_reason};
use globset::GlobSet;
use std::path::{Path, PathBuf};

/// Expands the paths given by the user into files, sorted and deduplicated, with the walk's
/// overlays (what each checks, should it fail to build).
pub fn discover(
    paths: &[PathBuf],
    exclude: &GlobSet,
    cwd: &Path,
) -> (Vec<Candidate>, Vec<Problem>, Overlays) {
    let mut out = Vec::new();
    let mut problems = Vec::new();
    let mut overlays = Overlays::default();
    for root in paths {
        let shown = display_path(root, cwd);
        let meta = match std::fs::metadata(root) {
            Ok(m) => m,
            Err(e) => {
                problems.push(Problem::error(
                    &shown,
                    None,
                    format!("cannot read: {}", io_reason(&e)),
                ));
                continue;
            }
        };
        if !meta.is_dir() {
            if let Some(owner) = super::render::roots::owner_of(root, cwd) {
                out.push(owner);
                continue;
            }
            // A packaged chart given by name (`helm package`'s `NAME-VERSION.tgz`) renders.
            if is_chart_package(root) {
                out.push(Candidate {
                    display: shown,
                    path: root.clone(),
                    explicit: true,
                    kind: CandidateKind::Chart,
                });
                continue;
            }
            out.push(Candidate {
                display: shown,
                path: root.clone(),
                explicit: true,
                kind: CandidateKind::File,
            });
            continue;
        }
        // A folder inside a chart (`chart/templates`) is no input of its own: its templates
        // render only with the chart. A chart folder given (a subchart too) is itself.
        if !super::render::roots::is_chart(root)
            && let Some(owner) = super::render::roots::chart_owner_of(root, cwd)
        {
            out.push(owner);
            continue;
        }
        // Every file of the walk (whatever its extension) is seen by the chart and overlay
        // discovery; only files of known extensions become candidates.
        let mut walked: Vec<Walked> = Vec::new();
        let mut links_out: Vec<String> = Vec::new();
        let real_root = std::fs::canonicalize(root).unwrap_or_else(|_| root.clone());
        let walker = ignore::WalkBuilder::new(root)
            // Hidden files and folders are skipped, except `.env` files (`.env`,
            // `.env.production`), which hold a service's configuration.
            .hidden(false)
            .filter_entry(|e| {
                e.depth() == 0
                    || e.file_name().to_str().is_none_or(|n| {
                        !n.starts_with('.')
                            || (super::envfile::is_env_name(n)
                                && e.file_type().is_some_and(|t| t.is_file()))
                    })
            })
            .git_ignore(true)
            .git_exclude(true)
            .git_global(false)
            .require_git(false)
            .follow_links(false)
            .build();
        for entry in walker {
            match entry {
                Ok(e) => {
                    if e.path_is_symlink() && e.depth() > 0 {
                        if links_outside(e.path(), &real_root) {
                            links_out.push(display_path(e.path(), cwd));
                        }
                        continue;
                    }
                    if !e.file_type().is_some_and(|t| t.is_file()) || e.depth() == 0 {
                        continue;
                    }
                    let path = e.into_path();
                    let display = display_path(&path, cwd);
                    let normalized = normalize(&path, cwd);
                    if exclude.is_match(&display) || exclude.is_match(&normalized) {
                        continue;
                    }
                    walked.push(Walked {
                        path,
                        display,
                        normalized,
                    });
                }
                Err(e) => {
                    let (file, msg) = match &e {
                        ignore::Error::WithPath { path, err } => {
                            (display_path(path, cwd), err.to_string())
                        }
                        other => (shown.clone(), other.to_string()),
                    };
                    problems.push(Problem::error(&file, None, format!("cannot read: {msg}")));
                }
            }
        }
        // The root itself may be a chart or an overlay (`runeguard check deploy/chart`).
        let root_display = shown.clone();
        let (rendered, parts, found) = super::render::roots::find(&root_display, &walked, cwd);
        out.extend(rendered);
        overlays.extend(found);
        let mut unread: std::collections::BTreeMap<&str, usize> = Default::default();
        let mut packages: Vec<String> = Vec::new();
        for Walked {
            path,
            display,
            normalized,
        } in walked
        {
            if parts.contains(&normalized) {
                continue;
            }
            if has_known_extension(&path) {
                out.push(Candidate {
                    display,
                    path,
                    explicit: false,
                    kind: CandidateKind::File,
                });
            } else if let Some(lang) = manifest_source_language(&path) {
                *unread.entry(lang).or_default() += 1;
            } else if is_chart_package(&path) {
                packages.push(display);
            }
        }
        if !unread.is_empty() {
            problems.push(unread_sources_note(&shown, &unread));
        }
        if !packages.is_empty() {
            problems.push(packages_note(&shown, &packages));
        }
        if !links_out.is_empty() {
            links_out.sort();
            problems.push(links_note(&shown, &links_out));
        }
    }
    out.sort();
    out.dedup_by(|a, b| {
        if a.display == b.display {
            b.explicit |= a.explicit;
            true
        } else {
            false
        }
    });
    (out, problems, overlays)
}

/// The language of a file that generates Kubernetes manifests in a form runeguard does not
/// read (Jsonnet, CUE, YAML behind a template engine's extension: helmfile's
/// `values.yaml.gotmpl`, Ansible's `deployment.yaml.j2`, envsubst's `app.yaml.tpl`), if it is
/// one.
fn manifest_source_language(path: &Path) -> Option<&'static str> {
    let name = path.file_name()?.to_str()?.to_ascii_lowercase();
    let ext = name.rsplit_once('.').map(|(_, e)| e)?;
    let yaml_inside = name.contains(".yaml.") || name.contains(".yml.");
    match ext {
        "jsonnet" | "libsonnet" => Some("Jsonnet"),
        "cue" => Some("CUE"),
        "gotmpl" | "tpl" | "tmpl" | "template" | "j2" | "jinja" | "jinja2" if yaml_inside => {
            Some("templated YAML")
        }
        _ => None,
    }
}

/// A packaged Helm chart, by `helm package`'s name for it: `NAME-VERSION.tgz`, the version a
/// SemVer (it starts with a digit). A walk does not open archives; one given by name renders.
pub fn is_chart_package(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .and_then(|n| n.strip_suffix(".tgz"))
        .is_some_and(|stem| {
            stem.match_indices('-')
                .any(|(i, _)| i > 0 && stem[i + 1..].starts_with(|c: char| c.is_ascii_digit()))
        })
}

/// One note for a walk's packaged charts outside any chart (a chart repository's releases,
/// say): not opened, but named, with how to check one.
fn packages_note(root: &str, packages: &[String]) -> Problem {
    let names = if packages.len() > 3 {
        format!(
            "{}, … ({} in all)",
            packages[..3].join(", "),
            packages.len()
        )
    } else {
        packages.join(", ")
    };
    Problem::note(
        root,
        None,
        format!(
            "not checked: packaged Helm charts {names} (a walk does not open archives; `runeguard check {}` checks one)",
            packages[0]
        ),
    )
}

/// One note for a walk's sources of manifests that are not read, so that what a folder holds
/// and is not checked is said, once, not once per file.
fn unread_sources_note(root: &str, unread: &std::collections::BTreeMap<&str, usize>) -> Problem {
    let counts: Vec<String> = unread
        .iter()
        .map(|(lang, n)| format!("{n} {lang} file{}", if *n == 1 { "" } else { "s" }))
        .collect();
    Problem::note(
        root,
        None,
        format!(
            "not checked: {} (runeguard does not evaluate them; check what they generate: `… | runeguard check -`)",
            counts.join(", ")
        ),
    )
}

/// True when a symbolic link met in a walk leads to what the walk does not check otherwise: a
/// folder or a file of a known extension outside the walked folder, or nothing (a broken
/// link). A walk does not follow links (a link to a parent folder would loop, one inside the
/// folder would check its target twice); those it leaves out are named, not skipped silently.
fn links_outside(link: &Path, real_root: &Path) -> bool {
    match std::fs::canonicalize(link) {
        Ok(target) => {
            !target.starts_with(real_root) && (target.is_dir() || has_known_extension(&target))
        }
        Err(_) => has_known_extension(link),
    }
}

/// One note for a walk's symbolic links to folders or files outside it (or to nothing).
fn links_note(root: &str, links: &[String]) -> Problem {
    let names = if links.len() > 5 {
        format!("{} and {} more", links[..4].join(", "), links.len() - 4)
    } else {
        links.join(", ")
    };
    Problem::note(
        root,
        None,
        format!(
            "not checked: {} symbolic link{} to a folder or file outside it, or to nothing: {names} (a walk does not follow links; name the targets to check them)",
            links.len(),
            if links.len() == 1 { "" } else { "s" }
        ),
    )
}
