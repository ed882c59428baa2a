//! The compliance view: which controls of each framework the active rules cover, and which of
//! those fail (an unsuppressed finding of a rule mapped to the control) or pass.
//!
//! Control catalogs (id → title) are the tables under `policies/frameworks/`: `<framework>.tsv`,
//! generated from NIST's own OSCAL catalogs and baselines by `scripts/gen-controls.py` for the
//! NIST frameworks and written by hand for the others. `build.rs` reads them into static data
//! when the binary is built (`table` is the reader both use), so a run reads no table. A
//! framework without a catalog is still summarised from the rules' mappings alone; only the
//! "controls in catalog" figures are unknown.

mod catalog;
mod summary;
mod table;

pub use catalog::{
    Catalog, Control, Profile, Withdrawn, catalogs, control_title, load_catalog, parse_table,
    table_path, title_in, titled, with_title,
};
pub use summary::{
    BaselineCoverage, ComplianceSummary, ControlState, ControlStatus, FrameworkSummary,
    rules_by_control, summarize, summarize_with,
};

use std::cmp::Ordering;

/// Orders control ids the way catalogs list them: digit runs compare as numbers, so
/// `AC-2 < AC-6 < AC-6(5) < AC-6(10) < AC-17` and `CC6.1 < CC6.10`.
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    fn runs(s: &str) -> Vec<(bool, &str)> {
        let mut out = Vec::new();
        let mut start = 0;
        let mut digit = None;
        for (i, c) in s.char_indices() {
            let d = c.is_ascii_digit();
            if digit.is_some_and(|prev| prev != d) {
                out.push((digit == Some(true), &s[start..i]));
                start = i;
            }
            digit = Some(d);
        }
        if start < s.len() {
            out.push((digit == Some(true), &s[start..]));
        }
        out
    }
    let (ra, rb) = (runs(a), runs(b));
    for (x, y) in ra.iter().zip(rb.iter()) {
        let ord = match (x, y) {
            ((true, x), (true, y)) => {
                let (tx, ty) = (x.trim_start_matches('0'), y.trim_start_matches('0'));
                tx.len()
                    .cmp(&ty.len())
                    .then_with(|| tx.cmp(ty))
                    .then_with(|| x.len().cmp(&y.len()))
            }
            ((_, x), (_, y)) => x.cmp(y),
        };
        if ord != Ordering::Equal {
            return ord;
        }
    }
    ra.len().cmp(&rb.len()).then_with(|| a.cmp(b))
}

#[cfg(test)]
mod tests;
