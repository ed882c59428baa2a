//! Where a template's `{{ … }}` actions are, for the readers of template text after a render
//! (origins, skipped blocks, lines printed by `tpl`). Go's lexer ends an action at the first
//! `}}` outside its string literals, and a comment (`{{/* … */}}`) at the `}}` after its
//! `*/`: charts that print Go templates for another tool (`{{ "{{ $labels.instance }}" }}`,
//! `` {{`{{ .Value }}`}} `` in alerting rules) hold `}}` inside an action, and a reader
//! that stopped there read the rest of the template out of step.

use super::provenance::{Quoted, Quotes};

/// One action of a template text: the bytes from its `{{` to its `}}` included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Action<'t> {
    pub(super) start: usize,
    pub(super) end: usize,
    /// The action's text without its delimiters, trim markers and surrounding blanks.
    pub(super) inner: &'t str,
    /// Where `inner` starts in the template text.
    pub(super) inner_at: usize,
}

impl<'t> Action<'t> {
    /// The action's first word (`if`, `with`, `end`, `include`, …; empty for `{{ }}`).
    pub(super) fn keyword(&self) -> &'t str {
        self.inner.split_whitespace().next().unwrap_or("")
    }
}

/// The byte after the `}}` closing the action whose `{{` is at `open` in `text`; None when
/// nothing closes it. A string literal left open (a `"` string meeting a line end, which Go
/// refuses) ends at the first `}}` after `open`, as a reader of lines would.
pub(super) fn end_of(text: &str, open: usize) -> Option<usize> {
    let body = open + 2;
    let rest = text.get(body..)?;
    // Go's trim marker is `-` and one space, tab or line end; a comment starts right after.
    let marker = rest.starts_with('-') && rest[1..].starts_with([' ', '\t', '\r', '\n']);
    let after_marker = if marker { &rest[2..] } else { rest };
    if after_marker.starts_with("/*") {
        let from = body + (rest.len() - after_marker.len()) + 2;
        let close = from + text[from..].find("*/")? + 2;
        return text[close..].find("}}").map(|i| close + i + 2);
    }
    close_after(text, body)
}

/// The byte after the `}}` that closes the action `text[from..]` is inside of (`from` at the
/// action's start or at one of its tokens, outside its strings: the position a template
/// node records); None when nothing closes it.
pub(super) fn close_after(text: &str, from: usize) -> Option<usize> {
    let rest = text.get(from..)?;
    let naive = || rest.find("}}").map(|i| from + i + 2);
    let mut quotes = Quotes::new(&['`']);
    let mut open: Option<char> = None;
    let mut brace = false;
    for (i, c) in rest.char_indices() {
        match quotes.step(c) {
            Quoted::Quote => {
                open = if open.is_some() { None } else { Some(c) };
                brace = false;
            }
            // Only a raw string spans lines: a `"` string a line end meets was never closed.
            Quoted::Inside if c == '\n' && open == Some('"') => return naive(),
            Quoted::Inside => brace = false,
            Quoted::Outside if c == '}' && brace => return Some(from + i + 1),
            Quoted::Outside => brace = c == '}',
        }
    }
    naive()
}

/// The actions of `text` from byte `from` on, in order. An action nothing closes ends the
/// reading.
pub(super) fn actions(text: &str, from: usize) -> impl Iterator<Item = Action<'_>> {
    let mut i = from;
    std::iter::from_fn(move || {
        let start = i + text.get(i..)?.find("{{")?;
        let end = end_of(text, start)?;
        i = end;
        let raw = &text[start + 2..end - 2];
        let lead = raw.len()
            - raw
                .trim_start_matches(|c: char| c == '-' || c.is_whitespace())
                .len();
        Some(Action {
            start,
            end,
            inner: inner(&text[start..end]),
            inner_at: start + 2 + lead,
        })
    })
}

/// An action's text (`{{- if .Values.x -}}`) without its delimiters, trim markers and
/// surrounding blanks (`if .Values.x`).
pub(super) fn inner(action: &str) -> &str {
    action
        .trim_start_matches("{{")
        .trim_end_matches("}}")
        .trim_matches(|c: char| c == '-' || c.is_whitespace())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans(text: &str) -> Vec<&str> {
        actions(text, 0).map(|a| &text[a.start..a.end]).collect()
    }

    #[test]
    fn an_action_ends_at_the_first_braces_outside_its_strings() {
        let t = "a {{ .x }} b {{- \"{{ $labels.instance }}\" -}} c {{`{{ .V }}`}} d {{ printf \"%s}}\" .y | quote }}";
        assert_eq!(
            spans(t),
            [
                "{{ .x }}",
                "{{- \"{{ $labels.instance }}\" -}}",
                "{{`{{ .V }}`}}",
                "{{ printf \"%s}}\" .y | quote }}"
            ]
        );
        let a: Vec<_> = actions(t, 0).map(|a| a.inner).collect();
        assert_eq!(a[1], "\"{{ $labels.instance }}\"");
        assert_eq!(actions(t, 0).nth(3).unwrap().keyword(), "printf");
    }

    #[test]
    fn a_comment_ends_at_the_braces_after_its_star_slash() {
        let t = "{{/* a }} b */}} x {{- /* c }}\n d */ -}} {{ if .y }}";
        assert_eq!(
            spans(t),
            ["{{/* a }} b */}}", "{{- /* c }}\n d */ -}}", "{{ if .y }}"]
        );
        let last = actions(t, 0).last().unwrap();
        assert_eq!(
            (last.inner, &t[last.inner_at..last.inner_at + 2]),
            ("if .y", "if")
        );
    }

    #[test]
    fn escapes_raw_strings_across_lines_and_unclosed_strings() {
        // An escaped quote stays inside the string; a raw string may span lines.
        assert_eq!(spans("{{ \"a\\\"}}\" }}"), ["{{ \"a\\\"}}\" }}"]);
        assert_eq!(spans("{{ `a\n}}` }}x"), ["{{ `a\n}}` }}"]);
        // A `"` string a line end meets was never closed: the first `}}` ends the action.
        assert_eq!(spans("{{ \"a }}\nb }}"), ["{{ \"a }}"]);
        // Nothing closes it: no action.
        assert!(spans("{{ .a ").is_empty());
        assert!(spans("{{/* a }}").is_empty());
    }
}
