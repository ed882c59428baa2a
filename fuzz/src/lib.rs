//! Shared checks for the fuzz targets: whatever a loader returns must point inside the file.

use runeguard::input::span::{Children, Span, SpanTree};
use runeguard::input::{Loaded, SourceFile};

/// Panics (a fuzz finding) when a span would make a report slice the text out of bounds or
/// inside a UTF-8 sequence, or when lines and columns are not 1-based.
pub fn check_span(text: &str, span: Span, what: &str) {
    for pos in [span.start, span.end] {
        assert!(
            pos.offset <= text.len(),
            "{what}: offset {} beyond {} bytes",
            pos.offset,
            text.len()
        );
        assert!(
            text.is_char_boundary(pos.offset),
            "{what}: offset {} inside a UTF-8 sequence",
            pos.offset
        );
    }
    assert!(
        span.start.offset <= span.end.offset,
        "{what}: span ends before it starts: {span:?}"
    );
}

pub fn check_tree(text: &str, tree: &SpanTree, depth: usize) {
    check_span(text, tree.span, "tree span");
    check_span(text, tree.focus, "tree focus");
    // Deep trees are checked only near the top: the recursion here must not be the crash.
    if depth > 200 {
        return;
    }
    match &tree.children {
        Children::Leaf => {}
        Children::Map(entries) => entries
            .iter()
            .for_each(|(_, t)| check_tree(text, t, depth + 1)),
        Children::Seq(items) => items.iter().for_each(|t| check_tree(text, t, depth + 1)),
    }
}

/// Checks every document and problem a loader produced for `file`. A document's spans point
/// into its own `file` (for a loosely indented YAML file read leniently, the re-indented text,
/// which is what reports quote); a problem is reported against the original file, by line.
pub fn check_loaded(file: &SourceFile, loaded: &Loaded) {
    for doc in &loaded.documents {
        check_tree(&doc.file.text, &doc.spans, 0);
        // Reports serialise every value: that must not fail either.
        serde_json::to_string(&doc.value).expect("document value serialises");
    }
    for p in &loaded.problems {
        if let Some(pos) = p.pos {
            // Lenient re-indentation adds spaces, never lines. The YAML parser counts a lone CR
            // as a line break too (LineIndex does not): see docs/robustness.md.
            let last = file.lines.line_count() + file.text.matches('\r').count() + 1;
            assert!(
                pos.line >= 1 && pos.line as usize <= last,
                "problem line {} outside 1..={last}: {}",
                pos.line,
                p.message
            );
        }
    }
}
