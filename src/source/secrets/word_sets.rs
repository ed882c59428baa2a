//! Tests of a name's upper-case words (`DB_PASSWORD_FILE`) against word lists of the settings,
//! by set lookups instead of the alternations of every word: compiling
//! `(?:^|_)(?:FILE|PATH|…)$` (86 words) took ≈ 0.7 ms of every run, more than all the lookups
//! of a run. Only lists of plain words (letters, digits and `_`, none empty) are looked up: for
//! them a lookup answers exactly what the expression matches. Other lists (a `--data`
//! vocabulary with expressions in it) keep the expression.

use super::vocabulary::LazyRegex;
use std::collections::HashSet;

/// A list of words, as a set when all of them are plain.
pub(super) struct WordSet(Option<HashSet<String>>);

impl WordSet {
    pub(super) fn new(words: &[String]) -> Self {
        let plain = !words.is_empty()
            && words.iter().all(|w| {
                !w.is_empty() && w.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
            });
        WordSet(plain.then(|| words.iter().cloned().collect()))
    }

    fn set(&self) -> Option<&HashSet<String>> {
        self.0.as_ref()
    }
}

/// Where a word may start in `w`: at 0 and after each `_` (`(?:^|_)`).
fn starts(w: &str) -> impl Iterator<Item = usize> + '_ {
    std::iter::once(0).chain(w.match_indices('_').map(|(i, _)| i + 1))
}

/// Where a word may end in `w`: before each `_` and at the end (`(?:_|$)`).
fn ends(w: &str) -> impl Iterator<Item = usize> + '_ {
    w.match_indices('_')
        .map(|(i, _)| i)
        .chain(std::iter::once(w.len()))
}

/// `(?:^|_)(?:LAST…)$|^(?:FIRST…)_`: a name about a credential (`PASSWORD_FILE`,
/// `EXISTING_SECRET`), not one.
pub(super) struct NotSecretName {
    pub(super) last: WordSet,
    pub(super) first: WordSet,
    pub(super) re: LazyRegex,
}

impl NotSecretName {
    pub(super) fn is_match(&self, w: &str) -> bool {
        match (self.last.set(), self.first.set()) {
            (Some(last), Some(first)) => {
                starts(w).any(|s| last.contains(&w[s..]))
                    || w.match_indices('_').any(|(e, _)| first.contains(&w[..e]))
            }
            _ => self.re.is_match(w),
        }
    }

    /// Compiles what a lookup will not replace (a `--data` vocabulary's expression).
    pub(super) fn prepare(&self) {
        if self.last.set().is_none() || self.first.set().is_none() {
            let _: &regex::Regex = &self.re;
        }
    }
}

/// `(?:^|_)(?:WORD…)(?:_|$)`: one of the words is among the name's words.
pub(super) struct AnyWord {
    pub(super) words: WordSet,
    pub(super) re: LazyRegex,
}

impl AnyWord {
    pub(super) fn is_match(&self, w: &str) -> bool {
        match self.words.set() {
            Some(set) => starts(w).any(|s| ends(w).any(|e| e > s && set.contains(&w[s..e]))),
            None => self.re.is_match(w),
        }
    }

    /// Compiles what a lookup will not replace (a `--data` vocabulary's expression).
    pub(super) fn prepare(&self) {
        if self.words.set().is_none() {
            let _: &regex::Regex = &self.re;
        }
    }
}
