//! Embeds the built-in policies, their settings, the framework catalogs and the rule fixtures
//! (shown by `runeguard explain`) into the binary, so it needs no files at run time.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect(&path, out);
        } else {
            out.push(path);
        }
    }
}

fn main() {
    // Relative relocations packed (DT_RELR, glibc 2.36, binutils 2.38, lld 15): a
    // position-independent binary keeps ASLR, and the loader reads a few KB of relocations
    // at start instead of 1.1 MB (≈ 48,000 entries). The binary only: tests link as before.
    let target_os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let target_env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    println!("cargo:rerun-if-env-changed=RUNEGUARD_NO_RELR");
    if target_os == "linux"
        && target_env == "gnu"
        && std::env::var_os("RUNEGUARD_NO_RELR").is_none()
    {
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
    let root =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["policies", "fixtures"] {
        println!("cargo:rerun-if-changed={dir}");
        collect(&root.join(dir), &mut files);
    }
    let mut code = String::from(
        "/// (path relative to the repository, contents), sorted by path.\npub static FILES: &[(&str, &str)] = &[\n",
    );
    for path in files {
        let rel = path
            .strip_prefix(&root)
            .expect("under the manifest dir")
            .to_string_lossy()
            .replace('\\', "/");
        let keep = rel.ends_with(".rego")
            || rel.ends_with(".json")
            || rel.ends_with(".yaml")
            || rel.ends_with(".yml")
            || rel.ends_with(".sql")
            || rel.ends_with(".toml")
            || rel.ends_with(".tsv");
        if !keep || std::fs::read_to_string(&path).is_err() {
            continue;
        }
        writeln!(
            code,
            "    ({rel:?}, include_str!({:?})),",
            path.to_string_lossy()
        )
        .expect("write to string");
    }
    code.push_str("];\n");
    let out =
        PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("embedded.rs");
    std::fs::write(out, code).expect("write embedded.rs");
}
