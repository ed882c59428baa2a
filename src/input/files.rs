//! Files as inputs: a candidate path, how it is shown in reports, and how its bytes are read
//! and decoded into a [`SourceFile`]. Used by the walk (`discover`) and by the renderers,
//! which read the parts of charts and overlays.

use crate::source::{Problem, SourceFile, io_reason};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Extensions runeguard reads when it finds files by walking a directory.
pub const KNOWN_EXTENSIONS: [&str; 5] = ["yaml", "yml", "json", "sql", "toml"];

/// Files larger than this are reported instead of read (a linter is not a log reader).
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// A file to check.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Candidate {
    /// The path as reported (relative to the working directory when below it, `/`-separated).
    pub display: String,
    pub path: PathBuf,
    /// Named on the command line (always checked, even if hidden, ignored or of unknown type).
    pub explicit: bool,
    /// A file, or a folder rendered as a whole (a Helm chart, a Kustomize overlay).
    pub kind: CandidateKind,
}

/// What a candidate is: a file read as itself, or a folder whose files are parts of one
/// rendered input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum CandidateKind {
    #[default]
    File,
    /// A folder holding `Chart.yaml`.
    Chart,
    /// A folder holding `kustomization.yaml`, `kustomization.yml` or `Kustomization`.
    Overlay,
}

/// The reported form of a path: relative to `cwd` when below it, without `./`, with `/`.
pub fn display_path(path: &Path, cwd: &Path) -> String {
    let rel = if path.is_absolute() {
        path.strip_prefix(cwd).unwrap_or(path)
    } else {
        path
    };
    let mut s = rel.to_string_lossy().replace('\\', "/");
    while let Some(rest) = s.strip_prefix("./") {
        s = rest.to_string();
    }
    if s.is_empty() { ".".into() } else { s }
}

/// A file a walk found: where it is, as shown, and normalized ([`normalize`], computed once:
/// discovery compares every file's with charts', overlays' and their parts').
#[derive(Debug, Clone)]
pub struct Walked {
    pub path: PathBuf,
    pub display: String,
    pub normalized: PathBuf,
}

/// An absolute path with `.` and `..` steps removed (without resolving symlinks), for
/// matching globs that are anchored to a directory.
pub fn normalize(path: &Path, cwd: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        cwd.join(path)
    };
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// Anchors a glob to a directory: `skip/**` in `/repo/.runeguard.yaml` means `/repo/skip/**`;
/// a glob that starts with `**` matches anywhere.
pub fn anchor_glob(pattern: &str, dir: &Path) -> String {
    if pattern.starts_with("**") || pattern.starts_with('/') {
        pattern.to_string()
    } else {
        let d = dir.to_string_lossy().replace('\\', "/");
        format!(
            "{}/{}",
            d.trim_end_matches('/'),
            pattern.trim_start_matches("./")
        )
    }
}

pub fn has_known_extension(path: &Path) -> bool {
    if path
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(super::envfile::is_env_name)
        || path
            .to_str()
            .is_some_and(super::envfile::is_config_properties_path)
        || path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(super::envfile::is_directives_name)
        || path.to_str().is_some_and(super::nginx::is_candidate_path)
        || path
            .to_str()
            .is_some_and(super::liquibase::is_candidate_path)
        || path.to_str().is_some_and(super::hcl::is_hcl_path)
    {
        return true;
    }
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| KNOWN_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}

/// [`crate::source::decode`], where the walk, Helm's values files and Compose's base files
/// (which `config` reads, and `files` may not be used by: `files` uses `envfile`, which uses
/// `config`) all decode.
pub use crate::source::decode;

/// Reads a file as a [`SourceFile`].
pub fn read(c: &Candidate) -> Result<Arc<SourceFile>, Problem> {
    let meta = std::fs::metadata(&c.path)
        .map_err(|e| Problem::error(&c.display, None, format!("cannot read: {}", io_reason(&e))))?;
    if meta.is_dir() {
        return Err(Problem::error(&c.display, None, "is a directory"));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(Problem::error(
            &c.display,
            None,
            format!(
                "file is {} MB, over the {} MB limit; not checked",
                meta.len() / (1024 * 1024),
                MAX_FILE_BYTES / (1024 * 1024)
            ),
        ));
    }
    let bytes = std::fs::read(&c.path)
        .map_err(|e| Problem::error(&c.display, None, format!("cannot read: {}", io_reason(&e))))?;
    let text = decode(&c.display, bytes)?;
    Ok(SourceFile::new(
        c.display.clone(),
        Some(c.path.clone()),
        text,
    ))
}
