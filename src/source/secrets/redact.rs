//! Masking: a text with its credential ranges replaced by [`MASK`], and any string with the
//! known credentials of its file and what the detector finds in it masked.

use super::MASK;
use super::scan::{merge, scan};
use std::borrow::Cow;
use std::ops::Range;

/// A text with its credentials masked, and the map from original byte offsets to masked ones.
#[derive(Debug, Clone)]
pub struct Redacted {
    pub text: String,
    pub lines: crate::source::span::LineIndex,
    /// Masked pieces: (original start, original end, masked start). Sorted, disjoint, one
    /// line each.
    pieces: Vec<(usize, usize, usize)>,
}

impl Redacted {
    /// Masks `ranges` (sorted, disjoint) of `text`: each line's part of a range becomes
    /// [`MASK`] (leading indentation of continuation lines kept), so lines stay lines.
    pub fn new(text: &str, ranges: &[Range<usize>]) -> Self {
        Self::with_lines(text, ranges, None)
    }

    /// [`Redacted::new`], given the line index of `text`: kept when nothing is masked.
    pub fn with_lines(
        text: &str,
        ranges: &[Range<usize>],
        lines: Option<&crate::source::span::LineIndex>,
    ) -> Self {
        let mut out = String::with_capacity(text.len());
        let mut pieces = Vec::new();
        let mut at = 0;
        for r in ranges {
            let (start, end) = (r.start.min(text.len()), r.end.min(text.len()));
            if start < at || start >= end {
                continue;
            }
            // Split the range at line ends.
            let mut s = start;
            while s < end {
                let line_end = text[s..end].find('\n').map_or(end, |i| s + i);
                let piece = &text[s..line_end];
                let lead = piece.len() - piece.trim_start_matches([' ', '\t']).len();
                let trail = piece.len() - piece.trim_end_matches(['\r']).len();
                let (ps, pe) = (s + lead, line_end - trail);
                // A block scalar's header (`key: |` then the credential's lines) stays: a
                // masked indicator would leave the masked lines a YAML error.
                let header = line_end < end
                    && text[ps..pe].starts_with(['|', '>'])
                    && text[ps..pe]
                        .chars()
                        .all(|c| matches!(c, '|' | '>' | '+' | '-' | '0'..='9' | ' ' | '\t'));
                if !header && ps < pe && text.is_char_boundary(ps) && text.is_char_boundary(pe) {
                    out.push_str(&text[at..ps]);
                    pieces.push((ps, pe, out.len()));
                    out.push_str(MASK);
                    at = pe;
                }
                s = line_end + 1;
            }
        }
        out.push_str(&text[at..]);
        let lines = match lines {
            // Nothing masked: the text is the same, and so are its lines.
            Some(lines) if pieces.is_empty() => lines.clone(),
            _ => crate::source::span::LineIndex::new(&out),
        };
        Redacted {
            text: out,
            lines,
            pieces,
        }
    }

    /// Where an original byte offset lands in the masked text: offsets inside a masked piece
    /// go to its start, or to its end for the `end` of a span.
    pub fn offset(&self, orig: usize, end: bool) -> usize {
        let i = self.pieces.partition_point(|p| p.0 <= orig);
        if i == 0 {
            return orig.min(self.text.len());
        }
        let (s, e, m) = self.pieces[i - 1];
        let mapped = if orig == s {
            m
        } else if orig < e {
            if end { m + MASK.len() } else { m }
        } else {
            m + MASK.len() + (orig - e)
        };
        mapped.min(self.text.len())
    }

    /// True when nothing was masked.
    pub fn is_clean(&self) -> bool {
        self.pieces.is_empty()
    }
}

/// A file's credential strings, ready to be found in the texts derived from it (its
/// findings' messages, `inspect`'s values). A file may hold thousands (a list of users'
/// passwords), each of its findings' messages is searched, and a search per credential per
/// message made a file of 20,000 passwords take 45 s: past a few credentials, one automaton
/// finds them all, built the first time a text is searched (most files never are).
#[derive(Debug, Default)]
pub struct Known {
    words: Vec<String>,
    automaton: std::sync::OnceLock<Option<aho_corasick::AhoCorasick>>,
}

/// Up to this many credentials, a search for each costs less than building an automaton
/// (podinfo's run paid 1.4 M instructions, 2 %, for automata of a few credentials).
const FEW_CREDENTIALS: usize = 16;

impl Known {
    /// `words` of 4 bytes or more are searched; shorter ones are too common to mask in text.
    pub fn new(words: Vec<String>) -> Known {
        Known {
            words: words.into_iter().filter(|k| k.len() >= 4).collect(),
            automaton: std::sync::OnceLock::new(),
        }
    }

    /// Where the credentials are in `s`: each occurrence of each, as (credential, range).
    fn find_in<'k>(&'k self, s: &str) -> Vec<(&'k str, Range<usize>)> {
        let mut found = Vec::new();
        if self.words.len() <= FEW_CREDENTIALS {
            for k in &self.words {
                let mut from = 0;
                while let Some(i) = s[from..].find(k.as_str()) {
                    found.push((k.as_str(), from + i..from + i + k.len()));
                    from += i + k.len();
                }
            }
            return found;
        }
        let automaton = self.automaton.get_or_init(|| {
            aho_corasick::AhoCorasick::builder()
                .kind(Some(aho_corasick::AhoCorasickKind::ContiguousNFA))
                .build(&self.words)
                .ok()
        });
        if let Some(automaton) = automaton {
            for m in automaton.find_overlapping_iter(s) {
                found.push((self.words[m.pattern().as_usize()].as_str(), m.range()));
            }
        }
        found
    }
}

/// Masks, in any text, each of `known` (credential strings of a file) and every credential
/// the detector finds in it.
pub fn redact_with<'a>(s: &'a str, known: &[String]) -> Cow<'a, str> {
    redact_known(s, &Known::new(known.to_vec()))
}

/// [`redact_with`] with the file's credentials read once.
pub fn redact_known<'a>(s: &'a str, known: &Known) -> Cow<'a, str> {
    let mut ranges: Vec<Range<usize>> = Vec::new();
    let letter = |b: Option<&u8>| b.is_some_and(u8::is_ascii_alphabetic);
    for (k, r) in known.find_in(s) {
        // A credential of letters only (`auto`, `admin`) inside a longer run of letters is
        // another word (`automountServiceAccountToken`): showing that word shows nothing of
        // the credential, and masking it garbled the message.
        let letters_only = k.bytes().all(|b| b.is_ascii_alphabetic());
        let inside_a_word = letters_only
            && (letter(s.as_bytes()[..r.start].last()) || letter(s.as_bytes().get(r.end)));
        if !inside_a_word {
            ranges.push(r);
        }
    }
    ranges.extend(scan(s));
    if ranges.is_empty() {
        return Cow::Borrowed(s);
    }
    let ranges = merge(ranges);
    Cow::Owned(Redacted::new(s, &ranges).text)
}

/// Masks every credential the detector finds in a text that belongs to no file.
pub fn redact_text(s: &str) -> Cow<'_, str> {
    redact_with(s, &[])
}
