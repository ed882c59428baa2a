//! Where a part of a scalar stands in the file it was read from: a replacement with
//! `delimiter`/`index` copies one part of its source (`1.27,latest` split at `,`), and a
//! finding on what it wrote points at that part's line and column, not at the whole entry.

use crate::source::map::Origin;
use crate::source::span::Span;

/// The origin of the part `text[offset..offset + len]` of a scalar whose whole text is
/// `text`, read at `whole`: the part's own bytes in the file, when the file writes the
/// scalar so that its text can be found there verbatim — a scalar on one line (plain, or
/// quoted without escapes), or a literal block (`|`, `|-`, `|+` without an indentation
/// indicator) whose lines are the text's lines. A folded or multi-line plain scalar, a
/// quoted one with escapes, or a flow collection: `None` (the whole entry stays the place).
pub fn part_origin(whole: &Origin, text: &str, offset: usize, len: usize) -> Option<Origin> {
    let file = &whole.file.text;
    let region = file.get(whole.span.range())?;
    let base = whole.span.start as usize;
    let first_line = region.split('\n').next().unwrap_or("");
    let (start, end) = if literal_header(first_line) {
        let lines = literal_block_lines(file, base + first_line.len(), text)?;
        (
            at_offset(&lines, text, offset)?,
            at_offset(&lines, text, offset + len)?,
        )
    } else if text.contains('\n') {
        return None;
    } else {
        let at = base + on_line(first_line, text)?;
        (at + offset, at + offset + len)
    };
    Some(Origin {
        role: whole.role,
        file: whole.file.clone(),
        span: Span::new(start, end),
    })
}

/// Where `text` is written whole on `line`: after a mapping key (`key: `), a list dash
/// (`- `), an env or literal key (`KEY=`) or at the line's start (a span that starts at
/// the value), optionally in quotes, and followed by nothing but a comment.
fn on_line(line: &str, text: &str) -> Option<usize> {
    if text.is_empty() {
        return None;
    }
    line.match_indices(text).map(|(i, _)| i).find(|&i| {
        let before = &line[..i];
        let after = &line[i + text.len()..];
        let (before, after) = match before.chars().next_back() {
            Some(q @ ('"' | '\'')) => match after.strip_prefix(q) {
                Some(a) => (&before[..before.len() - 1], a),
                None => return false,
            },
            _ => (before, after),
        };
        let spaced = before.ends_with([' ', '\t']);
        let opens = before.trim().is_empty()
            || before.ends_with('=')
            || spaced && before.trim_end().ends_with([':', '-']);
        let closes = after.trim().is_empty()
            || after.starts_with([' ', '\t']) && after.trim_start().starts_with('#');
        opens && closes
    })
}

/// Whether a line ends with a literal block scalar's header without an indentation
/// indicator (`|`, `|-`, `|+`; a comment may follow).
fn literal_header(line: &str) -> bool {
    let line = line.split(" #").next().unwrap_or("");
    line.split_whitespace()
        .next_back()
        .is_some_and(|t| matches!(t, "|" | "|-" | "|+"))
}

/// The byte offset in `file` where each line of `text` starts, for a literal block whose
/// header line ends at `header_end`: its content lines are `text`'s lines at the
/// indentation of the first one that is not blank. `None` when a line differs.
fn literal_block_lines(file: &str, header_end: usize, text: &str) -> Option<Vec<usize>> {
    let body = file.get(header_end..)?.strip_prefix('\n')?;
    let body_start = header_end + 1;
    let file_lines: Vec<&str> = body.split('\n').collect();
    let indent = file_lines
        .iter()
        .find(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start_matches(' ').len())
        .filter(|&i| i > 0)?;
    let mut starts = Vec::new();
    let mut at = body_start;
    let wanted: Vec<&str> = text.split('\n').collect();
    for (i, want) in wanted.iter().enumerate() {
        let got = file_lines.get(i)?;
        let content = got.get(indent..).unwrap_or("");
        // The line after the text's last line break is no line of the block.
        let last = i + 1 == wanted.len();
        if !(content == *want || want.is_empty() && (got.trim().is_empty() || last)) {
            return None;
        }
        starts.push(at + indent.min(got.len()));
        at += got.len() + 1;
    }
    Some(starts)
}

/// The byte of `file` for `offset` of `text`, given where each of its lines starts.
fn at_offset(starts: &[usize], text: &str, offset: usize) -> Option<usize> {
    let before = text.get(..offset)?;
    let line = before.matches('\n').count();
    let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1);
    Some(starts.get(line)? + column)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;
    use crate::source::map::OriginRole;

    /// The text at the part's origin, found from an entry origin starting at `entry`.
    fn part(file: &str, entry: &str, text: &str, offset: usize, len: usize) -> Option<String> {
        let f = SourceFile::new("f.yaml".into(), None, file.to_string());
        let start = file.find(entry).expect("entry");
        let whole = Origin {
            role: OriginRole::Base,
            file: f.clone(),
            span: Span::new(start, file.len()),
        };
        part_origin(&whole, text, offset, len).map(|o| file[o.span.range()].to_string())
    }

    #[test]
    fn parts_of_one_line_scalars_are_found() {
        let file = "a: x\ntags: \"1.27,latest\" # pinned\n";
        assert_eq!(
            part(file, "tags", "1.27,latest", 5, 6).as_deref(),
            Some("latest")
        );
        // The key holding the text is not where the value is.
        let file = "a,b: a,b\n";
        let at = part(file, "a,b:", "a,b", 2, 1);
        assert_eq!(at.as_deref(), Some("b"));
        let f = SourceFile::new("f".into(), None, file.into());
        let whole = Origin {
            role: OriginRole::Base,
            file: f,
            span: Span::new(0, file.len()),
        };
        assert_eq!(
            part_origin(&whole, "a,b", 2, 1).map(|o| o.span.start),
            Some(7)
        );
        assert_eq!(part(" - A=1,2\n", "- A", "1,2", 2, 1).as_deref(), Some("2"));
        assert_eq!(part("- x:y\n", "- x", "x:y", 2, 1).as_deref(), Some("y"));
        assert_eq!(part("k: 'a,b'\n", "k", "a,b", 0, 1).as_deref(), Some("a"));
    }

    #[test]
    fn unknowable_places_give_none() {
        // Escapes, a plain scalar over two lines, a flow mapping, a folded block.
        assert_eq!(part("k: \"a\\tb,c\"\n", "k", "a\tb,c", 4, 1), None);
        assert_eq!(part("k: a,\n  b\n", "k", "a, b", 3, 1), None);
        assert_eq!(part("m: {k: a,b}\n", "m", "a,b", 2, 1), None);
        assert_eq!(part("k: >\n  a\n  b,c\n", "k", "a b,c\n", 4, 1), None);
        // Quotes that do not close, text only inside another scalar.
        assert_eq!(part("k: \"a,b\n", "k", "a,b", 2, 1), None);
        assert_eq!(part("k: xa,by\n", "k", "a,b", 2, 1), None);
    }

    #[test]
    fn parts_of_literal_blocks_are_found_by_line() {
        let file = "data:\n  k: |\n    one\n\n    two,three\n  next: 1\n";
        let text = "one\n\ntwo,three\n";
        assert_eq!(part(file, "k:", text, 9, 5).as_deref(), Some("three"));
        assert_eq!(part(file, "k:", text, 0, 3).as_deref(), Some("one"));
        // A part across lines: from its first byte to its last.
        assert_eq!(
            part(file, "k:", text, 2, 6).as_deref(),
            Some("e\n\n    two")
        );
        // Text that is not what the block holds.
        assert_eq!(part(file, "k:", "one\ntwo\n", 0, 3), None);
    }
}
