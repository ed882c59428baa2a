//! An on-disk cache of the built-in rules' compiled VM programs (and of their metadata).
//!
//! Parsing and analysing the built-in policies and compiling their programs costs more than
//! checking a file or two: a pre-commit run on one manifest spent ≈ 40 of its 50 ms there. The
//! programs depend only on the binary (its embedded policies and its regorus), so the first run
//! stores them and later runs load them (≈ 1 ms) without touching the interpreter at all.
//!
//! Where: `$RUNEGUARD_CACHE_DIR`, else `$XDG_CACHE_HOME/runeguard`, else
//! `$HOME/.cache/runeguard`; `RUNEGUARD_CACHE_DIR=` (empty) turns the cache off. A file that
//! cannot be read, written or decoded is a miss, never an error: results never depend on the
//! cache, only the start-up time does.

use super::program::Program;
use crate::rule::Rule;
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

/// Version 2: programs are stored without their Rego sources (see [`store`]); version 3 also
/// without each instruction's span into them.
const MAGIC: &[u8] = b"runeguard-vm-programs-3\n";

/// The cache directory, if there is one.
pub fn dir() -> Option<PathBuf> {
    match std::env::var_os("RUNEGUARD_CACHE_DIR") {
        Some(d) if d.is_empty() => None,
        Some(d) => Some(PathBuf::from(d)),
        None => std::env::var_os("XDG_CACHE_HOME")
            .filter(|d| !d.is_empty())
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
            .map(|d| d.join("runeguard")),
    }
}

/// A key naming one set of programs: this very binary (its size and modification time: the
/// policies and the compiler are built into it) and what is compiled.
pub fn key(what: &[&str]) -> Option<String> {
    let exe = std::env::current_exe().ok()?;
    let meta = std::fs::metadata(exe).ok()?;
    let modified = meta
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?;
    let mut h = Sha256::new();
    h.update(MAGIC);
    h.update(crate::VERSION.as_bytes());
    h.update(meta.len().to_le_bytes());
    h.update(modified.as_nanos().to_le_bytes());
    for w in what {
        h.update((w.len() as u64).to_le_bytes());
        h.update(w.as_bytes());
    }
    Some(format!("{:x}", h.finalize())[..32].to_string())
}

/// Programs by entry point; an entry stored without a program is one the VM compiler refused.
pub type Programs = std::collections::HashMap<String, Stored>;

/// One entry of [`Programs`]: a program, decoded from the cache file on first use. A run
/// needs only some of a type's programs (a chart without Istio objects runs none of the four
/// Istio whole-project rules, a chart without documents none at all), and decoding is most of
/// reading the cache (≈ 7 M instructions for all eleven Kubernetes programs).
pub struct Stored {
    program: std::sync::OnceLock<Option<Program>>,
    /// The encoded program (empty: the compiler refused the entry).
    data: Vec<u8>,
}

impl Stored {
    /// A program at hand (just compiled).
    pub fn ready(program: Option<Program>) -> Stored {
        Stored {
            program: std::sync::OnceLock::from(program),
            data: Vec::new(),
        }
    }

    fn encoded(data: &[u8]) -> Stored {
        Stored {
            program: std::sync::OnceLock::new(),
            data: data.to_vec(),
        }
    }

    /// The program, decoded now if it was not yet. An entry that does not decode (a damaged
    /// file) is a program the VM does not have: its rules run in the interpreter, which gives
    /// the same results (only slower).
    pub fn get(&self) -> Option<Program> {
        self.program.get_or_init(|| decode(&self.data)).clone()
    }
}

fn decode(data: &[u8]) -> Option<Program> {
    if data.is_empty() {
        return None;
    }
    match regorus::rvm::program::Program::deserialize_binary(data).ok()? {
        regorus::rvm::program::DeserializationResult::Complete(p) => Some(Arc::new(p)),
        regorus::rvm::program::DeserializationResult::Partial(_) => None,
    }
}

/// Where an input type's programs are stored: built into the binary (see `prebuilt`), or in
/// the cache file of a key.
#[derive(Clone, PartialEq, Eq)]
pub enum Stash {
    Prebuilt(&'static [u8]),
    File(String),
}

/// Whether programs are stored there.
pub fn exists(stash: &Stash) -> bool {
    match stash {
        Stash::Prebuilt(_) => true,
        Stash::File(key) => dir().is_some_and(|d| d.join(format!("{key}.bin")).is_file()),
    }
}

/// Loads the programs stored there, or None.
pub fn load(stash: &Stash) -> Option<Programs> {
    match stash {
        Stash::Prebuilt(bytes) => parse(bytes),
        Stash::File(key) => parse(&std::fs::read(dir()?.join(format!("{key}.bin"))).ok()?),
    }
}

/// Reads a cache file's entries (not decoding their programs), or None when its framing is
/// damaged.
fn parse(bytes: &[u8]) -> Option<Programs> {
    let mut reader = Reader(bytes.strip_prefix(MAGIC)?);
    let mut out = Programs::new();
    let count = reader.u32()?;
    for _ in 0..count {
        let len = reader.u32()?;
        let name = std::str::from_utf8(reader.take(len)?).ok()?.to_string();
        let len = reader.u32()?;
        let data = reader.take(len)?;
        out.insert(name, Stored::encoded(data));
    }
    Some(out)
}

/// The built-in rules as read from their METADATA blocks, which depend only on the binary too:
/// reading the YAML of a hundred policies cost ≈ 1.5 ms of every run; storing the values it read
/// as JSON still cost ≈ 4 M instructions to read back and check (the JSON, then the rule of
/// each value, then each policy's `package` line), the rules themselves ≈ 0.3 M.
pub struct Metadata {
    key: Option<String>,
    known: std::collections::HashMap<String, Rule>,
}

const RULES_MAGIC: &[u8] = b"runeguard-rules-1\n";

/// A built-in rule as stored: every field of [`Rule`] but its origin (always built-in).
#[derive(serde::Serialize, serde::Deserialize)]
struct StoredRule {
    id: String,
    name: String,
    title: String,
    description: String,
    severity: crate::rule::Severity,
    input: crate::input::InputType,
    kinds: Vec<String>,
    scope: crate::rule::Scope,
    controls: std::collections::BTreeMap<crate::rule::Framework, Vec<String>>,
    rationale: String,
    remediation: String,
    related: Vec<String>,
    package: String,
    source: String,
    secret: bool,
}

impl StoredRule {
    fn of(r: &Rule) -> StoredRule {
        StoredRule {
            id: r.id.clone(),
            name: r.name.clone(),
            title: r.title.clone(),
            description: r.description.clone(),
            severity: r.severity,
            input: r.input,
            kinds: r.kinds.clone(),
            scope: r.scope,
            controls: r.controls.clone(),
            rationale: r.rationale.clone(),
            remediation: r.remediation.clone(),
            related: r.related.clone(),
            package: r.package.clone(),
            source: r.source.clone(),
            secret: r.secret,
        }
    }

    fn rule(self) -> Rule {
        Rule {
            id: self.id,
            name: self.name,
            title: self.title,
            description: self.description,
            severity: self.severity,
            input: self.input,
            kinds: self.kinds,
            scope: self.scope,
            controls: self.controls,
            rationale: self.rationale,
            remediation: self.remediation,
            related: self.related,
            package: self.package,
            source: self.source,
            origin: crate::rule::Origin::Builtin,
            secret: self.secret,
        }
    }
}

/// The stored rules of a cache file, or None when it does not decode to the end.
fn decode_rules(bytes: &[u8]) -> Option<Vec<Rule>> {
    let (stored, rest): (Vec<StoredRule>, _) =
        postcard::take_from_bytes(bytes.strip_prefix(RULES_MAGIC)?).ok()?;
    rest.is_empty()
        .then(|| stored.into_iter().map(StoredRule::rule).collect())
}

pub(super) fn encode_rules<'a>(rules: impl Iterator<Item = &'a Rule>) -> Option<Vec<u8>> {
    let stored: Vec<StoredRule> = rules.map(StoredRule::of).collect();
    let mut buf = RULES_MAGIC.to_vec();
    buf.extend(postcard::to_allocvec(&stored).ok()?);
    Some(buf)
}

impl Metadata {
    /// The stored rules, when built-in rules are loaded (`builtin`): those built into the
    /// binary, else those of the on-disk cache; none when `stored` is false (every policy's
    /// metadata is then read, as [`super::PolicySet::load_fresh`] needs).
    pub fn load(builtin: bool, stored: bool) -> Metadata {
        if !(builtin && stored) {
            return Metadata {
                key: None,
                known: Default::default(),
            };
        }
        let prebuilt = super::prebuilt::rules().and_then(decode_rules);
        // Built-in rules are never written to the cache (they are all known).
        let key = prebuilt.is_none().then(|| key(&["rules"])).flatten();
        let known = prebuilt
            .or_else(|| {
                let bytes = std::fs::read(dir()?.join(format!("{}.rules", key.as_deref()?)));
                decode_rules(&bytes.ok()?)
            })
            .unwrap_or_default()
            .into_iter()
            .map(|r| (r.source.clone(), r))
            .collect();
        Metadata { key, known }
    }

    /// The stored rule of a built-in policy.
    pub fn known(&self, src: &super::sources::PolicySource) -> Option<&Rule> {
        (src.origin == crate::rule::Origin::Builtin)
            .then(|| self.known.get(&src.path))
            .flatten()
    }

    /// Stores the built-in rules when some were not known: `read` holds each built-in rule
    /// with whether it was known.
    pub fn store_if_missed<'a>(&self, read: impl Iterator<Item = (&'a Rule, bool)>) {
        let Some(key) = &self.key else { return };
        let mut builtin: Vec<(&Rule, bool)> = read
            .filter(|(r, _)| r.origin == crate::rule::Origin::Builtin)
            .collect();
        if builtin.iter().all(|(_, known)| *known) {
            return;
        }
        builtin.sort_by(|a, b| a.0.source.cmp(&b.0.source));
        if let (Some(dir), Some(bytes)) = (dir(), encode_rules(builtin.into_iter().map(|(r, _)| r)))
        {
            write_atomically(&dir, &format!("{key}.rules"), &bytes);
        }
    }
}

/// Programs being loaded on another thread, so that decoding them (≈ 1 ms for Kubernetes)
/// overlaps what a run does before its first evaluation (finding files, rendering charts).
#[derive(Default)]
pub struct Prefetch(std::sync::Mutex<Option<(Stash, std::thread::JoinHandle<Option<Programs>>)>>);

impl Prefetch {
    /// Starts loading the programs stored under `key`, if there are any, decoding those of
    /// the entry points `eager` (the others are decoded when a run first needs them).
    pub fn start(&self, stash: Stash, eager: Vec<String>) {
        if !exists(&stash) {
            return;
        }
        let k = stash.clone();
        let loaded = move || {
            let programs = load(&k)?;
            for name in &eager {
                if let Some(stored) = programs.get(name) {
                    let _ = stored.get();
                }
            }
            Some(programs)
        };
        if let Ok(handle) = std::thread::Builder::new().spawn(loaded) {
            *self.0.lock().unwrap_or_else(|e| e.into_inner()) = Some((stash, handle));
        }
    }

    /// The programs stored there: those loaded on the other thread when it was started for
    /// this stash (waiting for it), else loaded now.
    pub fn take(&self, stash: &Stash) -> Option<Programs> {
        let started = self.0.lock().unwrap_or_else(|e| e.into_inner()).take();
        match started {
            Some((s, handle)) if &s == stash => handle.join().ok().flatten(),
            _ => load(stash),
        }
    }
}

/// Stores programs in the cache file of `stash` (atomically: written aside, then renamed into
/// place, so that concurrent runs never read half a file); built-in ones are never stored.
pub fn store(stash: &Stash, programs: &Programs) {
    let (Stash::File(key), Some(dir)) = (stash, dir()) else {
        return;
    };
    if let Some(buf) = encode(programs) {
        write_atomically(&dir, &format!("{key}.bin"), &buf);
    }
}

/// A cache file's bytes: the programs sorted by entry point (None when one does not
/// serialize).
pub(super) fn encode(programs: &Programs) -> Option<Vec<u8>> {
    let mut names: Vec<&String> = programs.keys().collect();
    names.sort();
    let mut buf = MAGIC.to_vec();
    buf.extend_from_slice(&(names.len() as u32).to_le_bytes());
    for name in names {
        let data = match programs[name].get() {
            Some(p) => without_sources(&p).serialize_binary().ok()?,
            None => Vec::new(),
        };
        buf.extend_from_slice(&(name.len() as u32).to_le_bytes());
        buf.extend_from_slice(name.as_bytes());
        buf.extend_from_slice(&(data.len() as u32).to_le_bytes());
        buf.extend_from_slice(&data);
    }
    Some(buf)
}

/// Writes a cache file aside, then renames it into place, so that concurrent runs never read
/// half a file.
fn write_atomically(dir: &std::path::Path, name: &str, bytes: &[u8]) {
    let _ = std::fs::create_dir_all(dir);
    prune(dir);
    let tmp = dir.join(format!("{name}.{}.tmp", std::process::id()));
    let written = std::fs::File::create(&tmp).and_then(|mut f| f.write_all(bytes));
    if written.is_err() || std::fs::rename(&tmp, dir.join(name)).is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
}

/// A program without the text of the policies it was compiled from. Every program of an
/// input type carries all of them (≈ 240 KB for Kubernetes): eleven copies were 90 % of the
/// cache file, and decoding them was most of a warm start's 2.3 ms. The VM never reads them
/// (they serve regorus' listings and a recompilation it does not implement), so a program
/// loaded from the cache runs exactly as the one compiled. The same holds for each
/// instruction's span into those texts (read only by `Program::get_instruction_span`, which
/// the VM never calls): decoding them was a quarter of a warm start's program decoding.
fn without_sources(p: &Program) -> regorus::rvm::program::Program {
    let mut stripped = regorus::rvm::program::Program::clone(p);
    stripped.sources = Vec::new();
    stripped.instruction_spans = Vec::new();
    stripped
}

/// Cache files are written once per binary and input type and never change: those untouched
/// for a month belong to binaries long replaced (every upgrade or rebuild starts new ones).
fn prune(dir: &std::path::Path) {
    let month = std::time::Duration::from_secs(30 * 24 * 3600);
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        let ours = path
            .extension()
            .is_some_and(|x| x == "bin" || x == "rules" || x == "json" || x == "tmp");
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > month);
        if ours && old {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// Reads length-prefixed fields; every read is bounds-checked (a damaged file is a miss).
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (head, tail) = self.0.split_at_checked(n)?;
        self.0 = tail;
        Some(head)
    }

    fn u32(&mut self) -> Option<usize> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?) as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::{MAGIC, parse};

    fn file(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut buf = MAGIC.to_vec();
        buf.extend_from_slice(&(entries.len() as u32).to_le_bytes());
        for (name, data) in entries {
            buf.extend_from_slice(&(name.len() as u32).to_le_bytes());
            buf.extend_from_slice(name.as_bytes());
            buf.extend_from_slice(&(data.len() as u32).to_le_bytes());
            buf.extend_from_slice(data);
        }
        buf
    }

    /// Entries are decoded on use: one that does not decode is a program the VM does not have
    /// (its rules run in the interpreter), and the others are still read.
    #[test]
    fn a_damaged_entry_is_a_missing_program() {
        let programs = parse(&file(&[("a", b"not a program"), ("b", b"")])).expect("framing");
        assert_eq!(programs.len(), 2);
        assert!(programs["a"].get().is_none());
        assert!(programs["b"].get().is_none(), "refused by the compiler");
        let mut cut = file(&[("a", b"xyz")]);
        cut.pop();
        assert!(parse(&cut).is_none(), "a truncated file is a miss");
        assert!(parse(b"other").is_none());
    }
}
