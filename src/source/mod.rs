//! The ground floor: source files and what every floor above says about them — byte spans,
//! the span tree, the line index (line:column only when a report needs it), the source map
//! of rendered inputs, credentials and redaction, and problems met while reading.
//!
//! Nothing here knows what a document, a rule or a report is.

pub mod map;
pub mod secrets;
pub mod span;

use serde::Serialize;
use span::{LineIndex, Pos};
use std::fmt;
use std::ops::Range;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// A file's text, shared by its documents and findings (for snippets and suppressions).
///
/// The text holds credentials: outputs never write it, or anything taken from it, except
/// through [`SourceFile::redacted`], [`SourceFile::redacted_line`] or [`SourceFile::redact`]
/// (see [`crate::source::secrets`]).
#[derive(Debug)]
pub struct SourceFile {
    /// The path as reported: relative to the working directory when below it, with `/`.
    pub path: String,
    /// Where it was read from (None for stdin).
    pub fs_path: Option<PathBuf>,
    pub text: String,
    pub lines: LineIndex,
    /// Credential byte ranges flagged by rules about secrets (added as findings are made).
    flagged: Mutex<Vec<Range<usize>>>,
    /// What the detector finds in the text (a function of the text alone), computed once:
    /// flagging a range recomputes the redaction, not the scan.
    detected: std::sync::OnceLock<Vec<Range<usize>>>,
    /// The redacted text, computed on first use; reset when a range is flagged.
    redacted: Mutex<Option<Arc<Redaction>>>,
    /// Byte ranges that hold a name, not a credential (a rendered env entry's `name`, a
    /// `secretKeyRef`'s `key`, and the values line that wrote one): a credential found or
    /// flagged inside one of them, on its line, is none.
    names: Mutex<Vec<Range<usize>>>,
}

/// A file's credentials and its redacted text.
#[derive(Debug)]
pub struct Redaction {
    /// Sorted, disjoint byte ranges of the original text that hold credentials.
    pub ranges: Vec<Range<usize>>,
    /// The credential strings themselves (to mask them in messages quoting them).
    pub known: crate::source::secrets::Known,
    pub redacted: crate::source::secrets::Redacted,
}

impl SourceFile {
    pub fn new(path: String, fs_path: Option<PathBuf>, text: String) -> Arc<Self> {
        let lines = LineIndex::new(&text);
        Arc::new(SourceFile {
            path,
            fs_path,
            text,
            lines,
            flagged: Mutex::new(Vec::new()),
            detected: std::sync::OnceLock::new(),
            redacted: Mutex::new(None),
            names: Mutex::new(Vec::new()),
        })
    }

    /// Records that a byte range holds a credential (a rule about secrets flagged it).
    pub fn mark_credential(&self, range: Range<usize>) {
        if range.start >= range.end || range.end > self.text.len() {
            return;
        }
        let mut flagged = self.flagged.lock().unwrap_or_else(|e| e.into_inner());
        if !flagged.contains(&range) {
            flagged.push(range);
            *self.redacted.lock().unwrap_or_else(|e| e.into_inner()) = None;
        }
    }

    /// Records that a byte range holds a name (what another object or a variable is called),
    /// not a credential, whatever its key or text says: no credential within it is masked.
    pub fn mark_name(&self, range: Range<usize>) {
        if range.start >= range.end || range.end > self.text.len() {
            return;
        }
        let mut names = self.names.lock().unwrap_or_else(|e| e.into_inner());
        // Sorted by start, so that a credential asks only the names just before its end.
        if let Err(i) = names.binary_search_by(|n| (n.start, n.end).cmp(&(range.start, range.end)))
        {
            names.insert(i, range);
            *self.redacted.lock().unwrap_or_else(|e| e.into_inner()) = None;
        }
    }

    /// The byte ranges marked as names ([`SourceFile::mark_name`]), sorted by start.
    pub fn names(&self) -> Vec<Range<usize>> {
        self.names.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Whether a credential range lies in a name ([`SourceFile::mark_name`]): it overlaps
    /// one, on that name's line. `names` is sorted by start and a name is one scalar, so
    /// only the few starting just before the credential's end can overlap it.
    fn in_name(&self, names: &[Range<usize>], c: &Range<usize>) -> bool {
        let i = names.partition_point(|n| n.start < c.end);
        names[..i].iter().rev().take(4).any(|n| {
            let (lo, hi) = (c.start.min(n.start), c.end.max(n.end));
            c.start < n.end
                && n.start < c.end
                && !self.text.as_bytes()[lo..hi.min(self.text.len())].contains(&b'\n')
        })
    }

    /// Masks, as credentials of this file, the places where the text holds one of `words`
    /// (credentials found in the run's other files) as a word of its own.
    pub fn mask_words(&self, words: &crate::source::secrets::Words) {
        for range in words.in_text(&self.text) {
            self.mark_credential(range);
        }
    }

    /// The credentials the detector finds in the text (sorted, disjoint), scanned once. Any
    /// thread may do it first (a big rendered stream is scanned while it is parsed).
    pub fn detected(&self) -> &[Range<usize>] {
        self.detected
            .get_or_init(|| crate::source::secrets::scan(&self.text))
    }

    /// Whether a byte range overlaps a credential of the file (found by the detector or
    /// flagged by a rule), without building the redacted text: a rendered stream asks this of
    /// every origin span, and most origin files never show a snippet.
    pub fn overlaps_credential(&self, range: Range<usize>) -> bool {
        let overlaps = |c: &Range<usize>| c.start < range.end && range.start < c.end;
        let detected = self.detected();
        // Sorted and disjoint: the first range ending after `range.start` is the only candidate.
        let i = detected.partition_point(|c| c.end <= range.start);
        let names = self.names.lock().unwrap_or_else(|e| e.into_inner());
        let credential = |c: &Range<usize>| overlaps(c) && !self.in_name(&names, c);
        detected.get(i).is_some_and(credential)
            || self
                .flagged
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .iter()
                .any(credential)
    }

    /// The file's credentials (found by the detector or flagged by a rule) and its text with
    /// each of them masked. The one door to the file's text for every output.
    pub fn redaction(&self) -> Arc<Redaction> {
        let mut slot = self.redacted.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(r) = slot.as_ref() {
            return r.clone();
        }
        let ranges = self.credential_ranges();
        let known = crate::source::secrets::Known::new(self.strings_of(&ranges));
        let redacted =
            crate::source::secrets::Redacted::with_lines(&self.text, &ranges, Some(&self.lines));
        let r = Arc::new(Redaction {
            ranges,
            known,
            redacted,
        });
        *slot = Some(r.clone());
        r
    }

    /// The credentials of the file written on one line, without quotes (see
    /// [`crate::source::secrets::spreads`]): what the run masks in its other files. With
    /// `scan` false, only what is known without scanning the text (what rules and renderings
    /// flagged, and the detector's findings if it ran): the template files of a chart are
    /// scanned only where a finding shows them.
    pub fn one_line_credentials(&self, scan: bool) -> Vec<String> {
        let ranges = if scan {
            self.credential_ranges()
        } else {
            self.ranges_with(self.detected.get().map_or(&[], Vec::as_slice))
        };
        one_line(&self.text, &ranges).map(str::to_string).collect()
    }

    /// What the detector found and rules flagged, sorted and disjoint.
    fn credential_ranges(&self) -> Vec<Range<usize>> {
        self.ranges_with(self.detected())
    }

    /// `detected` and what rules flagged, sorted and disjoint.
    fn ranges_with(&self, detected: &[Range<usize>]) -> Vec<Range<usize>> {
        let mut ranges = detected.to_vec();
        ranges.extend(
            self.flagged
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .iter()
                .cloned(),
        );
        let names = self.names.lock().unwrap_or_else(|e| e.into_inner());
        if !names.is_empty() {
            ranges.retain(|c| !self.in_name(&names, c));
        }
        crate::source::secrets::merge(ranges)
    }

    /// The strings of credential ranges, each line of one trimmed, of 4 bytes or more, not a
    /// word of the credential vocabulary (see
    /// [`vocabulary_word`](crate::source::secrets::vocabulary_word)) and not a key of the file
    /// ([`used_as_key`](crate::source::secrets::used_as_key): a service's name), longest first.
    fn strings_of(&self, ranges: &[Range<usize>]) -> Vec<String> {
        let mut pieces: Vec<&str> = Vec::new();
        for r in ranges {
            for piece in self.text.get(r.clone()).unwrap_or("").lines() {
                let piece = piece.trim();
                if piece.len() >= 4 && !crate::source::secrets::vocabulary_word(piece) {
                    pieces.push(piece);
                }
            }
        }
        pieces.sort_unstable();
        pieces.dedup();
        let keyed = crate::source::secrets::keys_among(&self.text, &pieces);
        let mut known: Vec<String> = pieces
            .into_iter()
            .filter(|p| !keyed.contains(p))
            .map(str::to_string)
            .collect();
        // Longest first, so that a credential containing another is masked whole.
        known.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        known
    }

    /// The text with its credentials masked (see [`crate::source::secrets::Redacted`]).
    pub fn redacted(&self) -> Arc<Redaction> {
        self.redaction()
    }

    /// One 1-based line of the redacted text, without its terminator.
    pub fn redacted_line(&self, line: u32) -> String {
        let r = self.redaction();
        let range = r.redacted.lines.line_range(&r.redacted.text, line);
        r.redacted.text.get(range).unwrap_or("").to_string()
    }

    /// Masks, in any text derived from this file (a message, a quoted line), the file's
    /// credentials and any credential the detector finds in it.
    pub fn redact<'a>(&self, s: &'a str) -> std::borrow::Cow<'a, str> {
        crate::source::secrets::redact_known(s, &self.redaction().known)
    }

    /// The line and column of a byte offset of the text (computed on demand: documents
    /// keep byte spans only).
    pub fn pos(&self, offset: u32) -> Pos {
        self.lines.pos_at_offset(&self.text, offset as usize)
    }

    /// The text of a 1-based line, without its terminator.
    pub fn line(&self, line: u32) -> &str {
        let r = self.lines.line_range(&self.text, line);
        self.text.get(r).unwrap_or("")
    }
}

/// The credentials of `ranges` written on one line of `text`, trimmed and without quotes:
/// a line of a multi-line one (a block scalar, a key) may be any word (`server:`).
pub fn one_line<'t>(
    text: &'t str,
    ranges: &'t [Range<usize>],
) -> impl Iterator<Item = &'t str> + 't {
    ranges
        .iter()
        .filter_map(|r| text.get(r.clone()))
        .filter(|v| !v.contains('\n'))
        .map(|v| v.trim().trim_matches(['"', '\'']))
}

/// How bad a problem met while reading input is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ProblemLevel {
    /// Something could not be checked: changes the exit code to 2.
    Error,
    /// Something was deliberately skipped (e.g. a psql meta-command); reported, exit code unchanged.
    Note,
}

/// Decodes a file's bytes as UTF-8 text, dropping a UTF-8 byte order mark. Anything else
/// (UTF-16, invalid UTF-8, binary) is a located problem.
pub fn decode(display: &str, bytes: Vec<u8>) -> Result<String, Problem> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(Problem::error(
            display,
            None,
            "file is UTF-16 encoded; runeguard reads UTF-8 (convert it with iconv -f UTF-16 -t UTF-8)",
        ));
    }
    let bytes = if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        bytes[3..].to_vec()
    } else {
        bytes
    };
    match String::from_utf8(bytes) {
        Ok(text) => {
            if let Some(i) = text.find('\0') {
                let lines = span::LineIndex::new(&text);
                let pos = lines.pos_at_offset(&text, i);
                return Err(Problem::error(
                    display,
                    Some(pos),
                    "file contains NUL bytes: binary, not text",
                ));
            }
            Ok(text)
        }
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let prefix = String::from_utf8_lossy(&bytes[..valid]);
            let lines = span::LineIndex::new(&prefix);
            let pos = lines.pos_at_offset(&prefix, prefix.len());
            let binary = bytes.iter().take(8192).any(|b| *b == 0);
            let msg = if binary {
                "file is binary, not text"
            } else {
                "file is not valid UTF-8"
            };
            Err(Problem::error(
                display,
                Some(pos),
                format!(
                    "{msg} (first invalid byte at line {}, column {})",
                    pos.line, pos.column
                ),
            ))
        }
    }
}

/// The reason an I/O error gives, as a problem's message says it ("no such file or directory"
/// rather than the OS's "No such file or directory (os error 2)").
pub fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

/// A file, or part of one, that could not be checked as asked.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Problem {
    pub level: ProblemLevel,
    pub file: String,
    pub pos: Option<Pos>,
    pub message: String,
}

impl Problem {
    pub fn error(file: &str, pos: Option<Pos>, message: impl Into<String>) -> Self {
        Problem {
            level: ProblemLevel::Error,
            file: file.to_string(),
            pos,
            message: message.into(),
        }
    }
    pub fn note(file: &str, pos: Option<Pos>, message: impl Into<String>) -> Self {
        Problem {
            level: ProblemLevel::Note,
            file: file.to_string(),
            pos,
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.pos {
            Some(p) => write!(f, "{}:{}:{}: {}", self.file, p.line, p.column, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

/// A reported path without `.` and with `..` applied (`deploy/../common/base.yml` is
/// `common/base.yml`), as the walk reports the same file.
pub fn resolve_dots(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for p in path.split('/') {
        match p {
            "" | "." if !parts.is_empty() || p == "." => {}
            ".." if parts.last().is_some_and(|l| *l != ".." && !l.is_empty()) => {
                parts.pop();
            }
            _ => parts.push(p),
        }
    }
    parts.join("/")
}
