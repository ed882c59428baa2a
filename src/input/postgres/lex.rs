//! A small lexer for PostgreSQL text, used to split a file into statements and to find the
//! byte ranges of the parts of a statement (a column inside CREATE TABLE, an action of
//! ALTER TABLE, a keyword of CREATE ROLE). It knows quotes, escape strings, dollar quotes,
//! nested block comments, psql meta-commands and `COPY ... FROM stdin` data; it never fails.

/// What a significant token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A keyword or an unquoted identifier.
    Word,
    /// A `"quoted identifier"`.
    Quoted,
    /// A string constant: `'...'`, `E'...'`, `$tag$...$tag$`.
    Str,
    LParen,
    RParen,
    Comma,
    Semi,
    /// A psql meta-command: a backslash through the end of its line.
    Meta,
    /// Anything else: numbers, operators, parameters.
    Other,
}

/// A token: its kind and byte range `[start, end)` in the text it was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Tok {
    pub kind: Kind,
    pub start: usize,
    pub end: usize,
}

impl Tok {
    pub fn text<'a>(&self, src: &'a str) -> &'a str {
        src.get(self.start..self.end).unwrap_or("")
    }
    /// True when the token is the keyword `kw` (ASCII, case-insensitive).
    pub fn is(&self, src: &str, kw: &str) -> bool {
        self.kind == Kind::Word && self.text(src).eq_ignore_ascii_case(kw)
    }
}

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b >= 0x80
}

fn is_ident_cont(b: u8) -> bool {
    is_ident_start(b) || b.is_ascii_digit() || b == b'$'
}

/// Reads the significant tokens of `src` (comments and blanks are skipped).
pub(crate) struct Lexer<'a> {
    src: &'a str,
    bytes: &'a [u8],
    pub pos: usize,
}

impl<'a> Lexer<'a> {
    pub fn new(src: &'a str) -> Self {
        Lexer {
            src,
            bytes: src.as_bytes(),
            pos: 0,
        }
    }

    fn at(&self, i: usize) -> u8 {
        self.bytes.get(i).copied().unwrap_or(0)
    }

    /// The end of the line that contains `i` (the offset of its `\n`, or the end of the text).
    pub fn line_end(&self, i: usize) -> usize {
        self.bytes
            .get(i..)
            .and_then(|rest| rest.iter().position(|&b| b == b'\n'))
            .map_or(self.bytes.len(), |n| i + n)
    }

    fn skip_quoted(&mut self, quote: u8, backslash: bool) {
        // self.pos is just after the opening quote
        let n = self.bytes.len();
        while self.pos < n {
            let b = self.bytes[self.pos];
            if backslash && b == b'\\' {
                self.pos += 2;
                continue;
            }
            self.pos += 1;
            if b == quote {
                if self.at(self.pos) == quote {
                    self.pos += 1;
                } else {
                    return;
                }
            }
        }
        self.pos = n;
    }

    /// A dollar-quote opening tag at `i` (`$$` or `$tag$`): its length.
    fn dollar_tag(&self, i: usize) -> Option<usize> {
        let mut j = i + 1;
        if self.at(j) == b'$' {
            return Some(2);
        }
        if !is_ident_start(self.at(j)) {
            return None;
        }
        while is_ident_cont(self.at(j)) && self.at(j) != b'$' {
            j += 1;
        }
        (self.at(j) == b'$').then_some(j + 1 - i)
    }

    pub fn next_tok(&mut self) -> Option<Tok> {
        let n = self.bytes.len();
        loop {
            while self.pos < n && self.bytes[self.pos].is_ascii_whitespace() {
                self.pos += 1;
            }
            if self.pos >= n {
                return None;
            }
            let b = self.bytes[self.pos];
            if b == b'-' && self.at(self.pos + 1) == b'-' {
                self.pos = self.line_end(self.pos);
                continue;
            }
            if b == b'/' && self.at(self.pos + 1) == b'*' {
                let mut depth = 0usize;
                while self.pos < n {
                    if self.at(self.pos) == b'/' && self.at(self.pos + 1) == b'*' {
                        depth += 1;
                        self.pos += 2;
                    } else if self.at(self.pos) == b'*' && self.at(self.pos + 1) == b'/' {
                        depth -= 1;
                        self.pos += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        self.pos += 1;
                    }
                }
                self.pos = self.pos.min(n);
                continue;
            }
            break;
        }
        let start = self.pos;
        let b = self.bytes[start];
        let kind = match b {
            b'(' => {
                self.pos += 1;
                Kind::LParen
            }
            b')' => {
                self.pos += 1;
                Kind::RParen
            }
            b',' => {
                self.pos += 1;
                Kind::Comma
            }
            b';' => {
                self.pos += 1;
                Kind::Semi
            }
            b'\'' => {
                self.pos += 1;
                self.skip_quoted(b'\'', false);
                Kind::Str
            }
            b'"' => {
                self.pos += 1;
                self.skip_quoted(b'"', false);
                Kind::Quoted
            }
            b'\\' => {
                self.pos = self.line_end(start);
                Kind::Meta
            }
            b'$' => match self.dollar_tag(start) {
                Some(len) => {
                    let tag = &self.src[start..start + len];
                    let body = start + len;
                    self.pos = match self.src.get(body..).and_then(|rest| rest.find(tag)) {
                        Some(k) => body + k + len,
                        None => n,
                    };
                    Kind::Str
                }
                None => {
                    self.pos += 1;
                    while self.at(self.pos).is_ascii_digit() {
                        self.pos += 1;
                    }
                    Kind::Other
                }
            },
            _ if is_ident_start(b) => {
                self.pos += 1;
                while self.pos < n && is_ident_cont(self.bytes[self.pos]) {
                    self.pos += 1;
                }
                // E'...' escape strings (and U&'...', B'...', X'...', N'...')
                if self.at(self.pos) == b'\'' {
                    let word = &self.bytes[start..self.pos];
                    let escape = word.eq_ignore_ascii_case(b"e");
                    if escape || matches!(word, b"b" | b"B" | b"x" | b"X" | b"n" | b"N") {
                        self.pos += 1;
                        self.skip_quoted(b'\'', escape);
                        return Some(self.finish(Kind::Str, start));
                    }
                }
                if (b == b'u' || b == b'U') && self.pos == start + 1 && self.at(self.pos) == b'&' {
                    let q = self.at(self.pos + 1);
                    if q == b'\'' || q == b'"' {
                        self.pos += 2;
                        self.skip_quoted(q, false);
                        let kind = if q == b'"' { Kind::Quoted } else { Kind::Str };
                        return Some(self.finish(kind, start));
                    }
                }
                Kind::Word
            }
            _ if b.is_ascii_digit() => {
                while self.pos < n
                    && (self.bytes[self.pos].is_ascii_alphanumeric()
                        || self.bytes[self.pos] == b'.'
                        || self.bytes[self.pos] == b'_')
                {
                    self.pos += 1;
                }
                Kind::Other
            }
            _ => {
                // one character (operators are not needed by anyone here)
                self.pos += self
                    .src
                    .get(start..)
                    .and_then(|s| s.chars().next())
                    .map_or(1, char::len_utf8);
                Kind::Other
            }
        };
        Some(self.finish(kind, start))
    }

    fn finish(&mut self, kind: Kind, start: usize) -> Tok {
        self.pos = self.pos.min(self.bytes.len());
        Tok {
            kind,
            start,
            end: self.pos,
        }
    }
}

/// All the significant tokens of a text.
pub(crate) fn tokens(src: &str) -> Vec<Tok> {
    let mut lx = Lexer::new(src);
    let mut out = Vec::new();
    while let Some(t) = lx.next_tok() {
        out.push(t);
    }
    out
}

/// One piece of a SQL file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Piece {
    /// A statement: the byte range from its first token to the end of its last token (the
    /// terminating `;` excluded) and its tokens.
    Stmt {
        start: usize,
        end: usize,
        toks: Vec<Tok>,
    },
    /// A psql meta-command (`\connect db`), through the end of its line.
    Meta { start: usize, end: usize },
}

/// Splits a file into statements and psql meta-commands. A `;` ends a statement except inside
/// quotes, comments, the `BEGIN ATOMIC ... END` body of a routine, and the parenthesised
/// action list of `CREATE RULE`. The data that follows `COPY ... FROM stdin` is skipped.
pub(crate) fn split(src: &str) -> Vec<Piece> {
    let mut lx = Lexer::new(src);
    let mut out = Vec::new();
    let mut toks: Vec<Tok> = Vec::new();
    let mut depth = 0usize;
    let mut atomic = 0usize;
    let flush = |toks: &mut Vec<Tok>, out: &mut Vec<Piece>, lx: &mut Lexer| {
        if let (Some(first), Some(last)) = (toks.first(), toks.last()) {
            let piece = Piece::Stmt {
                start: first.start,
                end: last.end,
                toks: std::mem::take(toks),
            };
            if is_copy_from_stdin(src, &piece) {
                skip_copy_data(src, lx);
            }
            out.push(piece);
        }
    };
    while let Some(t) = lx.next_tok() {
        match t.kind {
            Kind::Meta => {
                let cmd = t.text(src);
                let sends = ["\\g", "\\watch", "\\crosstabview", "\\;"]
                    .iter()
                    .any(|p| cmd.starts_with(p));
                if sends {
                    depth = 0;
                    atomic = 0;
                    flush(&mut toks, &mut out, &mut lx);
                }
                out.push(Piece::Meta {
                    start: t.start,
                    end: t.end,
                });
            }
            Kind::Semi => {
                let in_rule_actions =
                    depth > 0 && starts_with_words(src, &toks, &["CREATE", "RULE"]);
                if atomic > 0 || in_rule_actions {
                    toks.push(t);
                } else {
                    depth = 0;
                    flush(&mut toks, &mut out, &mut lx);
                }
            }
            _ => {
                match t.kind {
                    Kind::LParen => depth += 1,
                    Kind::RParen => depth = depth.saturating_sub(1),
                    Kind::Word if atomic > 0 => {
                        if t.is(src, "CASE") {
                            atomic += 1;
                        } else if t.is(src, "END") {
                            atomic -= 1;
                        }
                    }
                    Kind::Word if t.is(src, "ATOMIC") => {
                        let after_begin = toks.last().is_some_and(|p| p.is(src, "BEGIN"));
                        if after_begin
                            && (starts_with_words(src, &toks, &["CREATE", "FUNCTION"])
                                || starts_with_words(src, &toks, &["CREATE", "PROCEDURE"]))
                        {
                            atomic = 1;
                        }
                    }
                    _ => {}
                }
                toks.push(t);
            }
        }
    }
    flush(&mut toks, &mut out, &mut lx);
    out
}

/// True when the statement starts with `words` (`CREATE [OR REPLACE]` is looked through, and
/// so are `TEMP`/`UNLOGGED`-like words when `words` starts with CREATE).
pub(crate) fn starts_with_words(src: &str, toks: &[Tok], words: &[&str]) -> bool {
    let mut it = toks.iter().filter(|t| t.kind == Kind::Word).peekable();
    for (i, w) in words.iter().enumerate() {
        let Some(mut t) = it.next() else { return false };
        if i == 1 && words[0].eq_ignore_ascii_case("CREATE") {
            if t.is(src, "OR") {
                let _replace = it.next();
                match it.next() {
                    Some(n) => t = n,
                    None => return false,
                }
            }
            while [
                "TEMP",
                "TEMPORARY",
                "UNLOGGED",
                "GLOBAL",
                "LOCAL",
                "TRUSTED",
                "CONSTRAINT",
                "UNIQUE",
                "DEFAULT",
                "RECURSIVE",
                "MATERIALIZED",
            ]
            .iter()
            .any(|k| t.is(src, k) && !w.eq_ignore_ascii_case(k))
            {
                match it.next() {
                    Some(n) => t = n,
                    None => return false,
                }
            }
        }
        if !t.is(src, w) {
            return false;
        }
    }
    true
}

fn is_copy_from_stdin(src: &str, piece: &Piece) -> bool {
    let Piece::Stmt { toks, .. } = piece else {
        return false;
    };
    toks.first().is_some_and(|t| t.is(src, "COPY"))
        && toks
            .windows(2)
            .any(|w| w[0].is(src, "FROM") && w[1].is(src, "STDIN"))
}

/// Skips the rest of the COPY line and the data lines up to and including the `\.` line.
fn skip_copy_data(src: &str, lx: &mut Lexer) {
    let mut line_start = lx.line_end(lx.pos) + 1;
    while line_start < src.len() {
        let end = lx.line_end(line_start);
        let line = src.get(line_start..end).unwrap_or("").trim_end();
        if line == "\\." {
            lx.pos = end;
            return;
        }
        line_start = end + 1;
    }
    lx.pos = src.len();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stmts(src: &str) -> Vec<&str> {
        split(src)
            .into_iter()
            .filter_map(|p| match p {
                Piece::Stmt { start, end, .. } => Some(&src[start..end]),
                Piece::Meta { .. } => None,
            })
            .collect()
    }

    #[test]
    fn quotes_comments_and_dollar_quotes_hide_semicolons() {
        let src = "SELECT 'a;b', \"c;d\", E'\\';x';\n-- c; d\nSELECT /* a; /* nested; */ b; */ 1;\nCREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $$ x $$; $body$ LANGUAGE sql;\nSELECT $$;$$;";
        assert_eq!(
            stmts(src),
            vec![
                "SELECT 'a;b', \"c;d\", E'\\';x'",
                "SELECT /* a; /* nested; */ b; */ 1",
                "CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $$ x $$; $body$ LANGUAGE sql",
                "SELECT $$;$$",
            ]
        );
    }

    #[test]
    fn begin_atomic_bodies_and_rules_keep_their_semicolons() {
        let src = "CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n  SELECT CASE WHEN true THEN 1 END;\n  SELECT 2;\nEND;\nBEGIN;\nCREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO a VALUES (1); INSERT INTO b VALUES (2));\nCOMMIT;";
        let s = stmts(src);
        assert_eq!(s.len(), 4, "{s:?}");
        assert!(s[0].ends_with("SELECT 2;\nEND"));
        assert_eq!(s[1], "BEGIN");
        assert!(s[2].starts_with("CREATE RULE") && s[2].ends_with("(2))"));
    }

    #[test]
    fn meta_commands_and_copy_data() {
        let src = "\\connect app\nCOPY t (a, b) FROM stdin;\n1\t'x;\n2\ty\n\\.\nSELECT 1 \\gset\nSELECT 2;";
        let pieces = split(src);
        let metas = pieces
            .iter()
            .filter(|p| matches!(p, Piece::Meta { .. }))
            .count();
        assert_eq!(metas, 2);
        assert_eq!(
            stmts(src),
            vec!["COPY t (a, b) FROM stdin", "SELECT 1", "SELECT 2"]
        );
    }

    #[test]
    fn unterminated_input_never_panics() {
        for src in [
            "'abc",
            "\"abc",
            "$$abc",
            "/* abc",
            "E'\\",
            "$a",
            "$1",
            "U&",
            "é'",
            "$é$x$é$;",
        ] {
            let _ = split(src);
        }
    }
}
