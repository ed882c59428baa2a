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

/// `(?:^|_)(?:SECRET…)[0-9]*(?:_(?:SUFFIX…))*$`: a credential word, numbered or not
/// (`DB_PASSWORD4`), last or followed only by words that qualify it (`SECRET_KEY_BASE`,
/// `API_KEY_V2`). Compiling that alternation was ≈ 3 M
/// instructions of every run (most of a one-chart run's regex compilation). Looked up when the
/// credential words are plain but for `X?` (`API_?KEY`, `CREDENTIALS?`, spelled out both ways)
/// and the suffix words plain without `_`, or digits after a plain prefix (`[0-9]+`,
/// `V[0-9]+`): a suffix word then matches one whole `_`-separated word of the name, so the
/// lookup answers exactly what the expression matches. Other lists keep the expression.
pub(super) struct SecretName {
    words: Option<HashSet<String>>,
    /// Words that end a part written as one word (`[A-Z0-9]*(?:PASSWORD|…)`: `DBPASSWORD`).
    joined: Option<Vec<String>>,
    suffixes: Option<Suffixes>,
    pub(super) re: LazyRegex,
}

/// Suffix words: plain ones, and the prefixes of `PREFIX[0-9]+` ones.
struct Suffixes {
    plain: HashSet<String>,
    digits_after: Vec<String>,
}

impl Suffixes {
    fn new(words: &[String]) -> Option<Self> {
        let mut s = Suffixes {
            plain: HashSet::new(),
            digits_after: Vec::new(),
        };
        for w in words {
            let alnum = |t: &str| t.bytes().all(|b| b.is_ascii_alphanumeric());
            match w.strip_suffix("[0-9]+") {
                Some(prefix) if alnum(prefix) => s.digits_after.push(prefix.to_string()),
                _ if !w.is_empty() && alnum(w) => {
                    s.plain.insert(w.clone());
                }
                _ => return None,
            }
        }
        (!words.is_empty()).then_some(s)
    }

    fn contains(&self, t: &str) -> bool {
        self.plain.contains(t)
            || self.digits_after.iter().any(|p| {
                t.strip_prefix(p.as_str())
                    .is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
            })
    }
}

/// Every spelling of a word made of letters, digits and `_`, each optionally followed by `?`;
/// `None` for anything else, or a spelling that may be empty.
fn spellings(word: &str) -> Option<Vec<String>> {
    let mut out = vec![String::new()];
    let b = word.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if !(c.is_ascii_alphanumeric() || c == b'_') || out.len() > 64 {
            return None;
        }
        if b.get(i + 1) == Some(&b'?') {
            let with: Vec<String> = out.iter().map(|s| format!("{s}{}", c as char)).collect();
            out.extend(with);
            i += 2;
        } else {
            out.iter_mut().for_each(|s| s.push(c as char));
            i += 1;
        }
    }
    (!out.iter().any(String::is_empty)).then_some(out)
}

impl SecretName {
    pub(super) fn new(
        words: &[String],
        joined: &[String],
        suffixes: &[String],
        re: LazyRegex,
    ) -> Self {
        let spelled: Option<Vec<Vec<String>>> = words.iter().map(|w| spellings(w)).collect();
        let alnum = |w: &String| !w.is_empty() && w.bytes().all(|b| b.is_ascii_alphanumeric());
        SecretName {
            words: spelled
                .filter(|_| !words.is_empty())
                .map(|s| s.into_iter().flatten().collect()),
            joined: joined.iter().all(alnum).then(|| joined.to_vec()),
            suffixes: Suffixes::new(suffixes),
            re,
        }
    }

    pub(super) fn is_match(&self, w: &str) -> bool {
        let (Some(words), Some(joined), Some(suffixes)) =
            (&self.words, &self.joined, &self.suffixes)
        else {
            return self.re.is_match(w);
        };
        // `[A-Z0-9]*(?:JOINED…)`: one part, upper-case letters and digits, ending with one.
        let ends_joined = |part: &str| {
            joined.iter().any(|j| {
                part.strip_suffix(j.as_str()).is_some_and(|before| {
                    before
                        .bytes()
                        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
                })
            })
        };
        // `(?:WORD)[0-9]*`: the part, or the part without some of its last digits
        // (`PASSWORD4` is `PASSWORD` numbered).
        let credential_word = |part: &str| {
            let digits = part.len() - part.trim_end_matches(|c: char| c.is_ascii_digit()).len();
            (0..=digits).any(|d| {
                let word = &part[..part.len() - d];
                !word.is_empty() && (words.contains(word) || ends_joined(word))
            })
        };
        starts(w).any(|s| {
            ends(w).any(|e| {
                e > s
                    && credential_word(&w[s..e])
                    && (e == w.len() || w[e + 1..].split('_').all(|t| suffixes.contains(t)))
            })
        })
    }

    /// Compiles what a lookup will not replace (a `--data` vocabulary's expression).
    pub(super) fn prepare(&self) {
        if self.words.is_none() || self.joined.is_none() || self.suffixes.is_none() {
            let _: &regex::Regex = &self.re;
        }
    }
}
