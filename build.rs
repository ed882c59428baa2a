//! Embeds the built-in policies, their settings, the framework catalogs and the rule fixtures
//! (shown by `runeguard explain`) into the binary, so it needs no files at run time.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

// The catalog tables' reader, shared with the crate (`src/compliance/table.rs`).
#[path = "src/compliance/table.rs"]
mod table;

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
    link_without_pie();
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
            || rel.ends_with(".env")
            || rel.ends_with(".properties")
            // Servers' own files (`redis.conf`, `nginx.conf`, `pg_hba.conf`, `grafana.ini`)
            // and HashiCorp's `.hcl`: fixtures of the configuration rules like the others.
            || rel.ends_with(".conf")
            || rel.ends_with(".ini")
            || rel.ends_with(".hcl")
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
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(out_dir.join("embedded.rs"), code).expect("write embedded.rs");
    write_catalogs(&root, &out_dir);
    write_prebuilt(&root, &out_dir);
}

/// Embeds `policies/prebuilt.bin` (the built-in rules' compiled programs, see
/// `src/policy/prebuilt.rs`) when it was written for today's inputs: its second line is the
/// fingerprint of every file the programs and the stored rules are made from. A stale file is
/// not embedded (the binary then compiles the policies at run time, as without it), and
/// `cargo test --test engines prebuilt` fails until it is written again.
fn write_prebuilt(root: &Path, out_dir: &Path) {
    const PREBUILT: &str = "policies/prebuilt.bin";
    let mut files = Vec::new();
    for dir in ["policies", "src/policy", "vendor/regorus/src"] {
        collect(&root.join(dir), &mut files);
    }
    for file in ["src/rule.rs", "vendor/regorus/Cargo.toml", "Cargo.lock"] {
        println!("cargo:rerun-if-changed={file}");
        files.push(root.join(file));
    }
    for dir in ["src/policy", "vendor/regorus/src"] {
        println!("cargo:rerun-if-changed={dir}");
    }
    // Two FNV-1a hashes with different offset bases: stable across toolchains and platforms
    // (std's hasher is not), and a wrong match would still fail the test above.
    let mut hashes = [0xcbf2_9ce4_8422_2325_u64, 0x6c62_272e_07bb_0142_u64];
    let mut feed = |bytes: &[u8]| {
        for h in hashes.iter_mut() {
            for &b in bytes {
                *h = (*h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
            }
        }
    };
    feed(
        std::env::var("CARGO_PKG_VERSION")
            .unwrap_or_default()
            .as_bytes(),
    );
    for path in &files {
        let rel = path
            .strip_prefix(root)
            .expect("under the manifest dir")
            .to_string_lossy()
            .replace('\\', "/");
        // Sources only: an editor's or a merge tool's leftovers (`.orig`, `.swp`) beside them
        // would make a checkout's fingerprint differ from the committer's.
        let source = [
            ".rego", ".json", ".yaml", ".yml", ".tsv", ".rs", ".toml", ".lock",
        ]
        .iter()
        .any(|x| rel.ends_with(x));
        if rel == PREBUILT || !source {
            continue;
        }
        let bytes = std::fs::read(path).unwrap_or_default();
        feed(rel.as_bytes());
        feed(&(bytes.len() as u64).to_le_bytes());
        feed(&bytes);
    }
    let inputs = format!("{:016x}{:016x}", hashes[0], hashes[1]);
    println!("cargo:rustc-env=RUNEGUARD_PREBUILT_INPUTS={inputs}");
    let committed = std::fs::read(root.join(PREBUILT)).unwrap_or_default();
    let current = committed.starts_with(format!("runeguard-prebuilt-1\n{inputs}\n").as_bytes());
    let embedded = if current { committed } else { Vec::new() };
    std::fs::write(out_dir.join("prebuilt.bin"), embedded).expect("write prebuilt.bin");
}

/// Writes the framework catalog tables (`policies/frameworks/*.tsv`) as static data
/// (`catalogs.rs`, included by `src/compliance/catalog.rs`): every report's compliance summary
/// reads the ≈ 1,900 controls, which reading the tables at each run cost ≈ 2.7 M instructions.
/// A table that does not read fails the build, with its file and line.
fn write_catalogs(root: &Path, out_dir: &Path) {
    let mut files = Vec::new();
    collect(&root.join("policies/frameworks"), &mut files);
    let mut code =
        String::from("/// Each embedded table, by path.\npub static TABLES: &[BuiltTable] = &[\n");
    for path in files
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "tsv"))
    {
        let rel = path
            .strip_prefix(root)
            .expect("under the manifest dir")
            .to_string_lossy()
            .replace('\\', "/");
        let text = std::fs::read_to_string(path).expect("read a catalog table");
        let t = table::read(&rel, &text).unwrap_or_else(|e| panic!("{e}"));
        let w = &mut code;
        writeln!(
            w,
            "    BuiltTable {{ path: {rel:?}, meta: &{:?}, controls: &[",
            t.meta
        )
        .expect("write to string");
        for r in &t.controls {
            writeln!(
                w,
                "        Control {{ id: {:?}, title: {:?}, oscal_id: {:?}, group: {:?}, baselines: Profile::of_letters({:?}) }},",
                r.id, r.title, r.oscal_id, r.group, r.baselines
            )
            .expect("write to string");
        }
        w.push_str("    ], withdrawn: &[\n");
        for r in &t.withdrawn {
            writeln!(
                w,
                "        Withdrawn {{ id: {:?}, title: {:?}, note: {:?} }},",
                r.id, r.title, r.note
            )
            .expect("write to string");
        }
        w.push_str("    ] },\n");
    }
    code.push_str("];\n");
    std::fs::write(out_dir.join("catalogs.rs"), code).expect("write catalogs.rs");
}

/// Links the `runeguard` executable at a fixed address on Linux. A position-independent
/// executable is relocated by the dynamic loader at every start: ≈ 48,000 relocations that
/// write into 1.4 MB of read-only-after-relocation data, 350 copy-on-write page faults and
/// ≈ 0.9 ms of a run's 1.4 ms floor, paid by every pre-commit and CI invocation. Without PIE
/// those pages stay shared with the page cache. The objects are still position-independent
/// code, and the heap, stacks and libraries keep their random addresses (only the program's
/// own image is fixed, as for the Go tools we are measured against). Tests are unaffected.
fn link_without_pie() {
    println!("cargo:rerun-if-env-changed=RUNEGUARD_PIE");
    let linux = std::env::var("CARGO_CFG_TARGET_OS").is_ok_and(|os| os == "linux");
    // `RUNEGUARD_PIE=1 cargo build` keeps the default (a distribution that requires PIE).
    if linux && std::env::var_os("RUNEGUARD_PIE").is_none() {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}
