//! The files embedded at build time by `build.rs`: built-in policies, settings, framework
//! catalogs and rule fixtures.

include!(concat!(env!("OUT_DIR"), "/embedded.rs"));

/// Embedded files under a directory prefix (e.g. `policies/`), in path order.
pub fn under(prefix: &str) -> impl Iterator<Item = (&'static str, &'static str)> {
    FILES
        .iter()
        .copied()
        .filter(move |(p, _)| p.starts_with(prefix))
}

/// One embedded file by its path.
pub fn get(path: &str) -> Option<&'static str> {
    FILES.iter().find(|(p, _)| *p == path).map(|(_, c)| *c)
}
