//! One statement of a file: its text, tokens and the spans of its parts.

use super::lex::{Kind, Tok};
use crate::source::span::{LineIndex, Span};
use sqlparser::ast::{Ident, ObjectName, Owner};

pub(crate) struct Stmt<'a> {
    pub src: &'a str,
    pub lines: &'a LineIndex,
    pub start: usize,
    pub end: usize,
    /// Significant tokens, with offsets into the whole file.
    pub toks: &'a [Tok],
}

impl Stmt<'_> {
    pub fn span(&self, start: usize, end: usize) -> Span {
        Span::new(start, end)
    }

    /// The whole statement (without its `;`).
    pub fn whole(&self) -> Span {
        self.span(self.start, self.end)
    }

    /// The first line of the statement: where a finding on it points.
    pub fn focus(&self) -> Span {
        self.lines.first_line(self.src, self.whole())
    }

    pub fn tok_span(&self, t: &Tok) -> Span {
        self.span(t.start, t.end)
    }

    /// The span of the first token that is one of `keywords`.
    pub fn kw_span(&self, keywords: &[&str]) -> Option<Span> {
        self.toks
            .iter()
            .find(|t| keywords.iter().any(|k| t.is(self.src, k)))
            .map(|t| self.tok_span(t))
    }

    /// The span of the first `SECURITY DEFINER|INVOKER` clause, both words: a finding about the
    /// clause underlines the clause, not the word `SECURITY` alone.
    pub fn security_clause_span(&self) -> Option<Span> {
        let i = self.toks.iter().position(|t| t.is(self.src, "SECURITY"))?;
        let last = if self.is_kw(i + 1, "DEFINER") || self.is_kw(i + 1, "INVOKER") {
            i + 1
        } else {
            i
        };
        Some(self.span(self.toks[i].start, self.toks[last].end))
    }

    /// The span of tokens `[a, b]` (inclusive), as a focus (first line only).
    pub fn range_focus(&self, a: usize, b: usize) -> Span {
        match (self.toks.get(a), self.toks.get(b)) {
            (Some(x), Some(y)) => self.lines.first_line(self.src, self.span(x.start, y.end)),
            _ => self.focus(),
        }
    }

    /// Splits tokens `[from, to)` on commas at parenthesis depth 0: ranges of token indexes.
    pub fn comma_split(&self, from: usize, to: usize) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let mut depth = 0usize;
        let mut seg_start = from;
        for i in from..to.min(self.toks.len()) {
            match self.toks[i].kind {
                Kind::LParen => depth += 1,
                Kind::RParen => depth = depth.saturating_sub(1),
                Kind::Comma if depth == 0 => {
                    if i > seg_start {
                        out.push((seg_start, i - 1));
                    }
                    seg_start = i + 1;
                }
                _ => {}
            }
        }
        if to.min(self.toks.len()) > seg_start {
            out.push((seg_start, to.min(self.toks.len()) - 1));
        }
        out
    }

    /// The index of the `)` that closes the `(` at `open`.
    pub fn closing(&self, open: usize) -> Option<usize> {
        let mut depth = 0usize;
        for (i, t) in self.toks.iter().enumerate().skip(open) {
            match t.kind {
                Kind::LParen => depth += 1,
                Kind::RParen => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return Some(i);
                    }
                }
                _ => {}
            }
        }
        None
    }

    /// Token `i` is the keyword `kw`.
    pub fn is_kw(&self, i: usize, kw: &str) -> bool {
        self.toks.get(i).is_some_and(|t| t.is(self.src, kw))
    }

    /// The index of the first token at parenthesis depth 0, from `from`, that is one of `kws`.
    pub fn find_kw(&self, from: usize, kws: &[&str]) -> Option<usize> {
        let mut depth = 0usize;
        for (i, t) in self.toks.iter().enumerate().skip(from) {
            match t.kind {
                Kind::LParen => depth += 1,
                Kind::RParen => depth = depth.saturating_sub(1),
                Kind::Word if depth == 0 && kws.iter().any(|k| t.is(self.src, k)) => {
                    return Some(i);
                }
                _ => {}
            }
        }
        None
    }

    /// `USING (...)` or `WITH CHECK (...)`: the clause that starts with the keywords `words` at
    /// parenthesis depth 0 and ends with the parenthesis after them, as a focus (first line).
    pub fn clause_focus(&self, words: &[&str]) -> Option<Span> {
        let (first, rest) = words.split_first()?;
        let mut from = 0;
        while let Some(i) = self.find_kw(from, &[first]) {
            let after = i + 1 + rest.len();
            let spelled = rest
                .iter()
                .enumerate()
                .all(|(k, w)| self.is_kw(i + 1 + k, w));
            let opens = self.toks.get(after).is_some_and(|t| t.kind == Kind::LParen);
            if spelled && opens {
                return self.closing(after).map(|close| self.range_focus(i, close));
            }
            from = i + 1;
        }
        None
    }

    /// The parts of the (possibly qualified) name at token `i`, folded; and the index after it.
    pub fn name_at(&self, i: usize) -> (Vec<String>, usize) {
        if i >= self.toks.len() {
            return (Vec::new(), i);
        }
        let end = self.skip_name(i);
        let parts = self.toks[i..end.min(self.toks.len())]
            .iter()
            .filter(|t| matches!(t.kind, Kind::Word | Kind::Quoted))
            .map(|t| self.tok_ident(t))
            .collect();
        (parts, end)
    }

    /// Skips a possibly qualified object name starting at token `i`; returns the index after it.
    pub fn skip_name(&self, mut i: usize) -> usize {
        let is_name =
            |t: Option<&Tok>| t.is_some_and(|t| matches!(t.kind, Kind::Word | Kind::Quoted));
        let is_dot =
            |t: Option<&Tok>| t.is_some_and(|t| t.kind == Kind::Other && t.text(self.src) == ".");
        if !is_name(self.toks.get(i)) {
            return i;
        }
        i += 1;
        while is_dot(self.toks.get(i)) && is_name(self.toks.get(i + 1)) {
            i += 2;
        }
        if self.toks.get(i).is_some_and(|t| t.text(self.src) == "*") {
            i += 1;
        }
        i
    }

    /// The identifier a token spells, folded the way PostgreSQL folds it.
    pub fn tok_ident(&self, t: &Tok) -> String {
        let text = t.text(self.src);
        match t.kind {
            Kind::Quoted => text
                .trim_start_matches("U&")
                .trim_matches('"')
                .replace("\"\"", "\""),
            _ => text.to_lowercase(),
        }
    }
}

/// An identifier folded the way PostgreSQL folds it: unquoted names are lower-cased.
pub(crate) fn ident(i: &Ident) -> String {
    if i.quote_style.is_some() {
        i.value.clone()
    } else {
        i.value.to_lowercase()
    }
}

/// The parts of a possibly qualified name.
pub(crate) fn name_parts(n: &ObjectName) -> Vec<String> {
    n.0.iter()
        .map(|p| p.as_ident().map(ident).unwrap_or_else(|| p.to_string()))
        .collect()
}

/// The role an `OWNER TO` or `TO` clause names.
pub(crate) fn owner_name(o: &Owner) -> String {
    match o {
        Owner::Ident(i) => ident(i),
        Owner::CurrentRole => "current_role".into(),
        Owner::CurrentUser => "current_user".into(),
        Owner::SessionUser => "session_user".into(),
    }
}
