//! The built-in rules' compiled VM programs and metadata, built into the binary.
//!
//! Without them, a run that finds no on-disk cache (every CI job on a fresh runner, a
//! container, a read-only home, the first pre-commit run) parses and analyses the hundred
//! built-in policies and compiles their programs: ≈ 10× the CPU of the whole check of a small
//! chart. The programs depend only on the policies, our policy code and regorus, so they are
//! compiled once by the test that keeps `policies/prebuilt.bin` current
//! (`RUNEGUARD_UPDATE_PROGRAMS=1 cargo test --test engines prebuilt`) and committed.
//!
//! `build.rs` embeds that file only when the fingerprint it was written with is the
//! fingerprint of today's inputs (the policies, `src/policy`, `src/rule.rs`, the vendored
//! regorus, `Cargo.lock`, the crate's version); otherwise the binary has none and runs as
//! before (compiling, and caching on disk). The test fails when the file differs from what the
//! policies compile to, so an input the fingerprint misses cannot land unnoticed.
//!
//! Layout: [`MAGIC`], the fingerprint and a line break, then length-prefixed (u32, little
//! endian) fields: the stored rules (the on-disk `.rules` format), the number of input
//! types, and for each what its programs were compiled for (input type and entry points, one
//! a line) and its programs (the on-disk `.bin` format).

use std::sync::OnceLock;

/// The committed file, relative to the repository.
pub const PATH: &str = "policies/prebuilt.bin";

/// The fingerprint of the inputs this binary was built from (`build.rs`).
pub const INPUTS: &str = env!("RUNEGUARD_PREBUILT_INPUTS");

const MAGIC: &[u8] = b"runeguard-prebuilt-1\n";

/// The committed file when it was current at build time, else empty.
static EMBEDDED: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/prebuilt.bin"));

struct Bundle {
    rules: &'static [u8],
    /// (what the programs were compiled for, the programs), per input type.
    programs: Vec<(&'static str, &'static [u8])>,
}

/// The bundle built in, unless `RUNEGUARD_PREBUILT=0` (which runs as a binary without one:
/// compiling, and caching on disk).
fn bundle() -> Option<&'static Bundle> {
    static BUNDLE: OnceLock<Option<Bundle>> = OnceLock::new();
    BUNDLE
        .get_or_init(|| {
            let off = std::env::var_os("RUNEGUARD_PREBUILT").is_some_and(|v| v == "0");
            if off { None } else { read(EMBEDDED) }
        })
        .as_ref()
}

/// Reads a bundle (None when it is empty or does not read to its end).
fn read(bytes: &'static [u8]) -> Option<Bundle> {
    let rest = bytes.strip_prefix(MAGIC)?;
    let rest = rest.strip_prefix(INPUTS.as_bytes())?.strip_prefix(b"\n")?;
    let mut r = Fields(rest);
    let rules = r.field()?;
    let mut programs = Vec::new();
    for _ in 0..r.u32()? {
        let what = std::str::from_utf8(r.field()?).ok()?;
        programs.push((what, r.field()?));
    }
    r.0.is_empty().then_some(Bundle { rules, programs })
}

/// Whether this binary has the built-in programs built in.
pub fn embedded() -> bool {
    bundle().is_some()
}

/// The built-in rules as stored (the on-disk `.rules` format), when built in.
pub fn rules() -> Option<&'static [u8]> {
    Some(bundle()?.rules)
}

/// The programs compiled for `what` (an input type, then its entry points), when built in.
pub fn programs(what: &[&str]) -> Option<&'static [u8]> {
    bundle()?
        .programs
        .iter()
        .find(|(w, _)| w.split('\n').eq(what.iter().copied()))
        .map(|(_, p)| *p)
}

/// Writes a bundle: the stored rules, then each input type's `what` and programs.
pub fn encode(rules: &[u8], programs: &[(Vec<&str>, Vec<u8>)]) -> Vec<u8> {
    let mut out = MAGIC.to_vec();
    out.extend_from_slice(INPUTS.as_bytes());
    out.push(b'\n');
    let field = |out: &mut Vec<u8>, bytes: &[u8]| {
        out.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
        out.extend_from_slice(bytes);
    };
    field(&mut out, rules);
    out.extend_from_slice(&(programs.len() as u32).to_le_bytes());
    for (what, bytes) in programs {
        field(&mut out, what.join("\n").as_bytes());
        field(&mut out, bytes);
    }
    out
}

/// Length-prefixed fields, each read bounds-checked.
struct Fields(&'static [u8]);

impl Fields {
    fn u32(&mut self) -> Option<usize> {
        let (head, tail) = self.0.split_at_checked(4)?;
        self.0 = tail;
        Some(u32::from_le_bytes(head.try_into().ok()?) as usize)
    }

    fn field(&mut self) -> Option<&'static [u8]> {
        let n = self.u32()?;
        let (head, tail) = self.0.split_at_checked(n)?;
        self.0 = tail;
        Some(head)
    }
}

#[cfg(test)]
mod tests {
    use super::{encode, read};

    /// A bundle reads back what was written, and one cut short or written for other inputs
    /// is no bundle (the binary then compiles, as without one).
    #[test]
    fn a_bundle_reads_back_and_a_damaged_one_is_none() {
        let bytes: &'static [u8] = Box::leak(
            encode(
                b"rules",
                &[(vec!["kubernetes", "a", "b"], b"progs".to_vec())],
            )
            .into_boxed_slice(),
        );
        let b = read(bytes).expect("reads");
        assert_eq!(b.rules, b"rules");
        assert_eq!(b.programs, vec![("kubernetes\na\nb", &b"progs"[..])]);
        assert!(read(&bytes[..bytes.len() - 1]).is_none(), "cut short");
        let mut other = bytes.to_vec();
        other[super::MAGIC.len()] ^= 1;
        assert!(
            read(Box::leak(other.into_boxed_slice())).is_none(),
            "other inputs"
        );
        assert!(read(b"").is_none());
    }
}
