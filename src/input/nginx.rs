//! nginx configuration files (`nginx.conf`, `conf.d/*.conf`, `sites-available/*`) read as
//! one configuration document.
//!
//! The grammar is nginx's own: directives of white-space separated words ended by `;`, block
//! directives whose words are followed by `{ … }`, `"…"` and `'…'` strings (with `\` escapes),
//! `${name}` variables inside a word, and `#` comments where a word may start. The bodies of
//! OpenResty's `*_by_lua_block { … }` are Lua, skipped whole. `include` lines are kept as values,
//! and the files they name are read into the block that includes them (see [`Includes`]).
//!
//! The document nests as the blocks do:
//! - a block without arguments is an object under its name (`http`, `server`, `events`);
//! - a block with arguments is an object under its name, then under its arguments
//!   (`location: {"/api": {…}}`, `upstream: {backend: {…}}`);
//! - a directive is its arguments, unquoted and joined by one space (`listen: "443 ssl"`);
//! - a directive that sets a named value (`proxy_set_header Authorization "Basic …"`,
//!   `fastcgi_param DB_PASSWORD …`, `set $api_key …`, `env NAME=value`) nests the value under
//!   its name (`proxy_set_header: {Authorization: "Basic …"}`), so the configuration rules read
//!   a header or parameter named like a credential as they read any key;
//! - a name written twice in one block is a list of its values, in order.
//!
//! Every value's span is its arguments (quotes included), focused on the directive's line.
//!
//! Whether a file is nginx's is decided by its place and name ([`is_candidate_path`]) and then
//! by its content ([`looks_like_nginx`]): it reads without error as this grammar, and holds a
//! directive only nginx has (`server_name`, `proxy_pass`, a `location` block…). A `.conf` of
//! another program (Apache's `<VirtualHost>`, Logstash's `port => 5044`, supervisord's
//! `[program:x]`) is no nginx file and is left alone.

use crate::input::{Loaded, config};
use crate::source::resolve_dots;
use crate::source::secrets::NGINX_PASS_DIRECTIVES;
use crate::source::span::{Children, Span, SpanTree};
use crate::source::{Problem, SourceFile};
use serde_json::{Map, Value};
use std::sync::Arc;

/// Deepest nesting of blocks read; a deeper file is a located problem.
const MAX_DEPTH: usize = 64;

/// Folders whose `.conf` files (and, for `sites-*`, files of any name) are nginx's when their
/// content says so.
const NGINX_FOLDERS: &[&str] = &[
    "nginx",
    "conf.d",
    "sites-available",
    "sites-enabled",
    "http.d",
    "stream.d",
    "vhosts.d",
    "vhost.d",
    "servers",
    "snippets",
];

/// True for a path that may hold an nginx configuration file: a `.conf` (or `.conf.template`,
/// the official image's templates) file whose name holds the word `nginx` (`nginx.conf`,
/// `nginx-ssl.conf`, `app.nginx.conf`) or is `default.conf`, or that lies in a folder of
/// [`NGINX_FOLDERS`] or one whose name holds `nginx` (`docker/nginx/app.conf`,
/// `nginx-proxy/site.conf`); and any file without extension in `sites-available/` or
/// `sites-enabled/` (Debian's `sites-available/default`). The content decides the rest.
pub fn is_candidate_path(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let mut parts = lower.rsplit(['/', '\\']);
    let name = parts.next().unwrap_or(&lower);
    let dirs: Vec<&str> = parts.collect();
    let stem = name
        .strip_suffix(".conf")
        .or_else(|| name.strip_suffix(".conf.template"));
    let Some(stem) = stem else {
        // A site's file is named for its site (`default`, `example.com`): any name but one of
        // another format's.
        let other = [
            ".yaml",
            ".yml",
            ".json",
            ".toml",
            ".sql",
            ".env",
            ".md",
            ".txt",
            ".sh",
            ".py",
            ".bak",
            ".orig",
            ".swp",
            ".dpkg-dist",
            ".dpkg-old",
            ".properties",
        ];
        return !name.is_empty()
            && !other.iter().any(|e| name.ends_with(e))
            && dirs
                .first()
                .is_some_and(|d| *d == "sites-available" || *d == "sites-enabled");
    };
    let nginx_word = |s: &str| s.split(['.', '-', '_']).any(|w| w == "nginx");
    nginx_word(stem)
        || stem == "default"
        || dirs
            .iter()
            .take(4)
            .any(|d| NGINX_FOLDERS.contains(d) || nginx_word(d))
}

/// Directives only nginx has: a file holding one (and reading as nginx's grammar) is nginx's.
const NGINX_DIRECTIVES: &[&str] = &[
    "server_name",
    "proxy_pass",
    "fastcgi_pass",
    "uwsgi_pass",
    "grpc_pass",
    "scgi_pass",
    "proxy_set_header",
    "try_files",
    "worker_processes",
    "worker_connections",
    "ssl_certificate",
    "ssl_certificate_key",
    "proxy_ssl_verify",
    "add_header",
    "client_max_body_size",
    "sendfile",
    "keepalive_timeout",
    "error_page",
    "access_log",
    "error_log",
];

/// Directives nginx shares with other programs' files (FreeRADIUS' `listen { … }`): they
/// count, ended with `;`, toward an nginx file with a mistake.
const COMMON_DIRECTIVES: &[&str] = &["listen", "root", "index", "return", "rewrite", "include"];

/// Blocks only nginx has.
const NGINX_BLOCKS: &[&str] = &["http", "server", "location", "upstream", "events", "stream"];

/// Directives that set a named value: the value nests under the name (the first argument).
const NAMED_VALUE_DIRECTIVES: &[&str] = &[
    "proxy_set_header",
    "grpc_set_header",
    "add_header",
    "add_trailer",
    "fastcgi_param",
    "uwsgi_param",
    "scgi_param",
    "set",
    "env",
    "more_set_headers",
    "more_set_input_headers",
];

/// One token: a word (unquoted text), `;`, `{` or `}`, with its byte range (quotes included).
#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),
    Semi,
    Open,
    Close,
}

struct Lexer<'a> {
    text: &'a str,
    pos: usize,
}

impl Lexer<'_> {
    /// The next token and its span; None at the end; Err(offset, message) for an unclosed
    /// string.
    fn next(&mut self) -> Result<Option<(Tok, Span)>, (usize, String)> {
        let b = self.text.as_bytes();
        loop {
            while self.pos < b.len() && b[self.pos].is_ascii_whitespace() {
                self.pos += 1;
            }
            if self.pos >= b.len() {
                return Ok(None);
            }
            if b[self.pos] == b'#' {
                while self.pos < b.len() && b[self.pos] != b'\n' {
                    self.pos += 1;
                }
                continue;
            }
            break;
        }
        let start = self.pos;
        let single = |t: Tok| Ok(Some((t, Span::new(start, start + 1))));
        match b[start] {
            b';' => {
                self.pos += 1;
                return single(Tok::Semi);
            }
            b'{' => {
                self.pos += 1;
                return single(Tok::Open);
            }
            b'}' => {
                self.pos += 1;
                return single(Tok::Close);
            }
            q @ (b'"' | b'\'') => {
                let mut out = String::new();
                let mut i = start + 1;
                let mut from = i;
                while i < b.len() && b[i] != q {
                    if b[i] == b'\\' && i + 1 < b.len() {
                        out.push_str(&self.text[from..i]);
                        let next = b[i + 1];
                        if next == q || next == b'\\' {
                            from = i + 1;
                        } else {
                            from = i;
                        }
                        i += 2;
                        continue;
                    }
                    i += 1;
                }
                if i >= b.len() {
                    return Err((start, "unclosed quoted string".to_string()));
                }
                out.push_str(&self.text[from..i]);
                self.pos = i + 1;
                return Ok(Some((Tok::Word(out), Span::new(start, self.pos))));
            }
            _ => {}
        }
        let mut i = start;
        while i < b.len() {
            let c = b[i];
            if c.is_ascii_whitespace() || c == b';' || c == b'{' || c == b'}' {
                break;
            }
            if c == b'$' && b.get(i + 1) == Some(&b'{') {
                // `${name}`: the braces are the variable's.
                match self.text[i..].find('}') {
                    Some(j) => {
                        i += j + 1;
                        continue;
                    }
                    None => break,
                }
            }
            i += 1;
        }
        self.pos = i;
        Ok(Some((
            Tok::Word(self.text[start..i].to_string()),
            Span::new(start, i),
        )))
    }

    /// Skips a raw block's body (Lua) after its `{`, through its matching `}` (braces inside
    /// quotes and `--` comments not counted); the offset after the `}`, None when unclosed.
    fn skip_raw_block(&mut self) -> Option<usize> {
        let b = self.text.as_bytes();
        let mut depth = 1usize;
        let mut i = self.pos;
        while i < b.len() {
            match b[i] {
                b'{' => depth += 1,
                b'}' => {
                    depth -= 1;
                    if depth == 0 {
                        self.pos = i + 1;
                        return Some(self.pos);
                    }
                }
                q @ (b'"' | b'\'') => {
                    i += 1;
                    while i < b.len() && b[i] != q && b[i] != b'\n' {
                        if b[i] == b'\\' {
                            i += 1;
                        }
                        i += 1;
                    }
                }
                b'-' if b.get(i + 1) == Some(&b'-') => {
                    while i < b.len() && b[i] != b'\n' {
                        i += 1;
                    }
                }
                _ => {}
            }
            i += 1;
        }
        None
    }
}

/// A directive read: its name, its arguments (text and span), its whole span (name through
/// `;` or `}`), and its block's directives when it has one.
struct Directive {
    name: String,
    name_span: Span,
    args: Vec<(String, Span)>,
    end: usize,
    block: Option<Vec<Directive>>,
}

/// Reads the directives of `text`; Err(offset, message) at the first error.
fn parse(text: &str) -> Result<Vec<Directive>, (usize, String)> {
    let mut lx = Lexer { text, pos: 0 };
    // Blocks being read: their directives so far, and the directive that opened them.
    let mut stack: Vec<(Vec<Directive>, Option<Directive>)> = vec![(Vec::new(), None)];
    loop {
        let Some((tok, span)) = lx.next()? else {
            if stack.len() > 1 {
                let open = stack.last().and_then(|(_, d)| d.as_ref());
                let at = open.map_or(text.len(), |d| d.name_span.start as usize);
                let name = open.map_or("", |d| d.name.as_str());
                return Err((at, format!("the `{name}` block is not closed with `}}`")));
            }
            let (top, _) = stack.pop().unwrap_or_default();
            return Ok(top);
        };
        match tok {
            Tok::Semi => {
                return Err((
                    span.start as usize,
                    "unexpected `;` (a directive starts with its name)".to_string(),
                ));
            }
            Tok::Open => {
                return Err((
                    span.start as usize,
                    "unexpected `{` (a block needs a name)".to_string(),
                ));
            }
            Tok::Close => {
                if stack.len() == 1 {
                    return Err((
                        span.start as usize,
                        "unexpected `}` (no block is open)".to_string(),
                    ));
                }
                let (body, opener) = stack.pop().unwrap_or_default();
                if let Some(mut d) = opener {
                    d.end = span.end as usize;
                    d.block = Some(body);
                    if let Some((parent, _)) = stack.last_mut() {
                        parent.push(d);
                    }
                }
            }
            Tok::Word(name) => {
                let mut d = Directive {
                    name,
                    name_span: span,
                    args: Vec::new(),
                    end: span.end as usize,
                    block: None,
                };
                loop {
                    let Some((tok, s)) = lx.next()? else {
                        return Err((
                            d.name_span.start as usize,
                            format!("the `{}` directive does not end with `;`", d.name),
                        ));
                    };
                    match tok {
                        Tok::Word(w) => d.args.push((w, s)),
                        Tok::Semi => {
                            d.end = s.end as usize;
                            if let Some((parent, _)) = stack.last_mut() {
                                parent.push(d);
                            }
                            break;
                        }
                        Tok::Close => {
                            return Err((
                                s.start as usize,
                                format!("the `{}` directive does not end with `;`", d.name),
                            ));
                        }
                        Tok::Open => {
                            if d.name.ends_with("_by_lua_block") || d.name.ends_with("_lua_block") {
                                let Some(end) = lx.skip_raw_block() else {
                                    return Err((
                                        d.name_span.start as usize,
                                        format!("the `{}` block is not closed", d.name),
                                    ));
                                };
                                d.end = end;
                                d.block = Some(Vec::new());
                                if let Some((parent, _)) = stack.last_mut() {
                                    parent.push(d);
                                }
                                break;
                            }
                            if stack.len() > MAX_DEPTH {
                                return Err((
                                    d.name_span.start as usize,
                                    format!("blocks nested deeper than {MAX_DEPTH} levels"),
                                ));
                            }
                            stack.push((Vec::new(), Some(d)));
                            break;
                        }
                    }
                }
            }
        }
    }
}

/// True when the directives hold one only nginx has (a block of [`NGINX_BLOCKS`] or a
/// directive of [`NGINX_DIRECTIVES`]), at any depth.
fn has_nginx_directive(ds: &[Directive]) -> bool {
    let mut todo: Vec<&[Directive]> = vec![ds];
    while let Some(ds) = todo.pop() {
        for d in ds {
            match &d.block {
                Some(b) => {
                    if NGINX_BLOCKS.contains(&d.name.as_str()) {
                        return true;
                    }
                    todo.push(b);
                }
                None => {
                    if NGINX_DIRECTIVES.contains(&d.name.as_str()) {
                        return true;
                    }
                }
            }
        }
    }
    false
}

/// True when `text` is an nginx configuration: it reads as nginx's grammar and holds a
/// directive only nginx has. A text that does not read but whose readable start holds such
/// directives on lines of their own (`server {`, `proxy_pass …;`) is nginx's too, with an
/// error: see [`load`].
pub fn looks_like_nginx(text: &str) -> bool {
    match parse(text) {
        Ok(ds) => has_nginx_directive(&ds),
        Err(_) => broken_nginx(text),
    }
}

/// A text that does not read as nginx's grammar but is nginx's all the same: at least two
/// lines start with a directive only nginx has and end with `;` or `{` (an nginx file with a
/// mistake, to be told where it is).
fn broken_nginx(text: &str) -> bool {
    let (mut blocks, mut directives) = (0, 0);
    for line in text.lines() {
        let t = line.trim();
        let name = t.split_whitespace().next().unwrap_or("");
        if NGINX_BLOCKS.contains(&name) && t.ends_with('{') {
            blocks += 1;
        } else if t.ends_with(';')
            && (NGINX_DIRECTIVES.contains(&name) || COMMON_DIRECTIVES.contains(&name))
        {
            directives += 1;
        }
        if directives >= 1 && blocks + directives >= 2 {
            return true;
        }
    }
    false
}

/// Loads an nginx configuration file as one configuration document; a file that is not
/// nginx's (see [`looks_like_nginx`]) gives nothing, or a note when it was named on the
/// command line.
pub fn load(file: &Arc<SourceFile>, explicit: bool) -> Loaded {
    let mut out = Loaded::default();
    let directives = match parse(&file.text) {
        Ok(ds) if has_nginx_directive(&ds) => ds,
        Err((at, msg)) if broken_nginx(&file.text) => {
            out.problems.push(Problem::error(
                &file.path,
                Some(file.lines.pos_at_offset(&file.text, at)),
                format!("invalid nginx configuration: {msg}"),
            ));
            return out;
        }
        _ => {
            if explicit {
                out.problems.push(Problem::note(
                    &file.path,
                    None,
                    "no rules apply to this file (a .conf file that is not nginx's, Redis', Mosquitto's or RabbitMQ's)",
                ));
            }
            return out;
        }
    };
    let whole = Span::new(0, file.text.len());
    let (value, spans) = block(file, &directives, whole, &mut None);
    // A directive's `name value` is not what the text's credential scan reads (`name: value`,
    // `name=value`): every credential of the document is marked from its place instead.
    // The `*_pass` directives name an upstream (their name ends with the credential word
    // PASS): not marked, so an upstream's name is shown as written.
    mark_file(file, &value, &spans);
    // The document read with its included files (their nodes are written there, not here).
    let mut includes = Some(Includes::new(file));
    let (value, spans) = block(file, &directives, whole, &mut includes);
    let mut doc = config::whole_file_document(file, value, spans);
    if let Some(i) = includes {
        doc.extended = i.extended;
        out.problems.extend(i.problems.take());
    }
    out.documents.push(doc);
    out
}

/// Marks a file's credentials from the document read from it, and its upstreams as names.
fn mark_file(file: &SourceFile, value: &Value, spans: &SpanTree) {
    crate::source::secrets::mark_document(file, &without_passes(value), spans);
    // … and marked as names, so that `inspect` shows them too (its key test would mask
    // `fastcgi_pass unix:/run/php.sock`).
    mark_passes(file, value, spans, false);
}

/// Nested `include`s followed at most (an included file's own includes…).
const MAX_INCLUDE_DEPTH: usize = 8;

/// Files read through `include` for one document at most.
const MAX_INCLUDED_FILES: usize = 64;

/// nginx's `include` (wild53): the directives of the files it names are the including
/// block's, where the `include` line stands (`include snippets/proxy-tls.conf;` in a
/// `location`, `include conf.d/*.conf;` in `http`), so a rule deciding by a block's scope
/// (CFG-017's TLS upstream beside `proxy_ssl_verify off`) reads them. A relative name is read
/// from the including file's folder, or one or two folders above it (nginx reads it from its
/// configuration prefix, the folder of `nginx.conf`, which holds `sites-available/` and
/// `snippets/`); an absolute one by its part after an `nginx` folder (`/etc/nginx/snippets/
/// ssl.conf` is `snippets/ssl.conf` there). A `*` in the file's name is a glob, in name order
/// as nginx sorts it. A file not found, not read or not nginx's grammar is left out (it is
/// reported as itself when the run reads it). An included node is written in its file: its
/// span is the `include` line's and its origin the included file's place, as a Compose
/// service's nodes inherited through `extends: {file: …}` are ([`crate::input::Extended`]).
struct Includes {
    /// The files being included (a file including itself again is not followed).
    stack: Vec<std::path::PathBuf>,
    /// Display folder and file-system folder of the file being read.
    shown_dir: String,
    fs_dir: Option<std::path::PathBuf>,
    /// The including file's `include` lines and the files they reach.
    extended: Vec<crate::input::Extended>,
    /// Files read so far for the document (shared by nested reads).
    budget: std::rc::Rc<std::cell::Cell<usize>>,
    /// What could not be read into the document, at the `include` line (shared by nested reads).
    problems: std::rc::Rc<std::cell::RefCell<Vec<Problem>>>,
}

impl Includes {
    fn new(file: &SourceFile) -> Self {
        let fs_dir = file
            .fs_path
            .as_ref()
            .and_then(|p| p.parent())
            .map(std::path::Path::to_path_buf);
        Self {
            stack: file
                .fs_path
                .iter()
                .map(|p| std::fs::canonicalize(p).unwrap_or_else(|_| p.clone()))
                .collect(),
            shown_dir: file
                .path
                .rsplit_once('/')
                .map_or(String::new(), |(d, _)| d.to_string()),
            fs_dir,
            extended: Vec::new(),
            budget: std::rc::Rc::new(std::cell::Cell::new(0)),
            problems: std::rc::Rc::default(),
        }
    }

    /// The files `pattern` names, with their display paths, in nginx's order. A `*` in any part
    /// is a glob (`conf.d/*/*.conf`: folders for the parts before the last, files for the
    /// last), the paths sorted whole as nginx's `glob()` sorts them.
    fn resolve(&self, pattern: &str) -> Vec<(std::path::PathBuf, String)> {
        let Some(fs_dir) = &self.fs_dir else {
            return Vec::new();
        };
        let relative = if pattern.starts_with('/') {
            // `/etc/nginx/snippets/ssl.conf`: its part after the last `nginx` folder.
            let parts: Vec<&str> = pattern.split('/').collect();
            let Some(at) = parts.iter().rposition(|p| *p == "nginx") else {
                return Vec::new();
            };
            parts[at + 1..].join("/")
        } else {
            pattern.to_string()
        };
        if relative.is_empty() || relative.split('/').any(|p| p == "..") || relative.contains('$') {
            return Vec::new();
        }
        let parts: Vec<&str> = relative
            .split('/')
            .filter(|p| !p.is_empty() && *p != ".")
            .collect();
        let Some((name, dirs)) = parts.split_last() else {
            return Vec::new();
        };
        let join = |rel: &str, n: &str| {
            if rel.is_empty() {
                n.to_string()
            } else {
                format!("{rel}/{n}")
            }
        };
        let mut base = fs_dir.clone();
        let mut ups = String::new();
        for _ in 0..3 {
            // The folders the parts before the name reach, with their paths from `base`.
            let mut reached = vec![(base.clone(), String::new())];
            for part in dirs {
                let mut next = Vec::new();
                for (dir, rel) in &reached {
                    if part.contains('*') {
                        next.extend(
                            glob_entries(dir, part, true)
                                .into_iter()
                                .map(|n| (dir.join(&n), join(rel, &n))),
                        );
                    } else if dir.join(part).is_dir() {
                        next.push((dir.join(part), join(rel, part)));
                    }
                }
                reached = next;
            }
            let mut found: Vec<(std::path::PathBuf, String)> = Vec::new();
            for (dir, rel) in &reached {
                let names = if name.contains('*') {
                    glob_entries(dir, name, false)
                } else if dir.join(name).is_file() {
                    vec![name.to_string()]
                } else {
                    Vec::new()
                };
                found.extend(names.into_iter().map(|n| (dir.join(&n), join(rel, &n))));
            }
            if !found.is_empty() {
                found.sort_by(|a, b| a.1.cmp(&b.1));
                let prefix = join(&self.shown_dir, &ups);
                return found
                    .into_iter()
                    .map(|(fs, rel)| (fs, resolve_dots(&join(&prefix, &rel))))
                    .collect();
            }
            if !base.pop() {
                break;
            }
            ups = join(&ups, "..");
        }
        Vec::new()
    }

    /// The block the files of `include pattern` hold, read each in turn, with the entries
    /// for `extended` of the including file (at `site`, the `include` line).
    ///
    /// A file found but not read into the block is a problem at the `include` line of `file`:
    /// one that cannot be read or decoded, or does not read as nginx's grammar (an error: the
    /// block is checked without it, and nginx would refuse it), and a file of another program
    /// a glob reached (`conf.d/*.conf` beside a Mosquitto file) or one past the bounds (a
    /// note). A file not found is none: it is the server's (`/etc/nginx/mime.types`).
    fn read(&mut self, file: &SourceFile, pattern: &str, site: Span) -> Vec<(Value, SpanTree)> {
        let mut out = Vec::new();
        let at = Some(file.lines.pos_at_offset(&file.text, site.start as usize));
        let report = |level: fn(&str, Option<crate::source::span::Pos>, String) -> Problem,
                      message: String| {
            self.problems
                .borrow_mut()
                .push(level(&file.path, at, message));
        };
        let found = self.resolve(pattern);
        if found.is_empty() {
            return out;
        }
        if self.stack.len() > MAX_INCLUDE_DEPTH {
            report(
                Problem::note,
                format!(
                    "`include {pattern}` not followed: includes nested deeper than {MAX_INCLUDE_DEPTH} levels are not read"
                ),
            );
            return out;
        }
        let glob = pattern.contains('*');
        for (fs_path, shown) in found {
            if self.budget.get() >= MAX_INCLUDED_FILES {
                report(
                    Problem::note,
                    format!(
                        "`include {pattern}`: {shown} and the files after it not read (more than {MAX_INCLUDED_FILES} included files for one document)"
                    ),
                );
                break;
            }
            let key = std::fs::canonicalize(&fs_path).unwrap_or_else(|_| fs_path.clone());
            if self.stack.contains(&key) {
                continue;
            }
            let not_checked = "its directives are not checked in this block";
            let bytes = match std::fs::read(&fs_path) {
                Ok(b) => b,
                Err(e) => {
                    report(
                        Problem::error,
                        format!("`include {pattern}`: {shown} cannot be read ({e}); {not_checked}"),
                    );
                    continue;
                }
            };
            let text = match crate::source::decode(&shown, bytes) {
                Ok(t) => t,
                Err(p) => {
                    report(
                        Problem::error,
                        format!("`include {pattern}`: {shown}: {}; {not_checked}", p.message),
                    );
                    continue;
                }
            };
            let inc_file = SourceFile::new(shown, Some(fs_path), text);
            let ds = match parse(&inc_file.text) {
                Ok(ds) => ds,
                Err((offset, msg)) => {
                    let pos = inc_file.lines.pos_at_offset(&inc_file.text, offset);
                    let place = format!("{}:{}:{}", inc_file.path, pos.line, pos.column);
                    if glob && !broken_nginx(&inc_file.text) {
                        report(
                            Problem::note,
                            format!(
                                "`include {pattern}`: {} not read, it is not nginx configuration ({place}: {msg})",
                                inc_file.path
                            ),
                        );
                    } else {
                        report(
                            Problem::error,
                            format!(
                                "`include {pattern}`: invalid nginx configuration at {place}: {msg}; {not_checked}"
                            ),
                        );
                    }
                    continue;
                }
            };
            self.budget.set(self.budget.get() + 1);
            let whole = Span::new(0, inc_file.text.len());
            // Its own credentials are marked, so that its lines shown beside a finding are
            // masked as when it is read as itself.
            let (plain, plain_spans) = block(&inc_file, &ds, whole, &mut None);
            mark_file(&inc_file, &plain, &plain_spans);
            let mut nested = Some(Includes {
                stack: [self.stack.clone(), vec![key]].concat(),
                shown_dir: inc_file
                    .path
                    .rsplit_once('/')
                    .map_or(String::new(), |(d, _)| d.to_string()),
                fs_dir: inc_file
                    .fs_path
                    .as_ref()
                    .and_then(|p| p.parent())
                    .map(std::path::Path::to_path_buf),
                extended: Vec::new(),
                budget: self.budget.clone(),
                problems: self.problems.clone(),
            });
            let (value, tree) = block(&inc_file, &ds, whole, &mut nested);
            // Nodes it included in turn are written in their own files.
            let further = nested.map(|n| n.extended).unwrap_or_default();
            let mut deeper = Vec::new();
            crate::input::further_origins(&tree, &further, &mut deeper);
            self.extended.push(crate::input::Extended {
                site,
                file: inc_file.clone(),
                deeper,
            });
            out.push((value, tree));
        }
        out
    }
}

/// Blocks written with arguments (`location /api/ {…}`): their values are keyed by them.
const KEYED_BLOCKS: &[&str] = &[
    "location",
    "upstream",
    "map",
    "geo",
    "split_clients",
    "if",
    "match",
    "limit_except",
];

/// The names in `dir` matching the glob `pattern`: its folders (`dirs`) or its files (a link
/// followed, as nginx's `glob()` does).
fn glob_entries(dir: &std::path::Path, pattern: &str, dirs: bool) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .filter(|e| {
                    let p = e.path();
                    if dirs { p.is_dir() } else { p.is_file() }
                })
                .filter_map(|e| e.file_name().into_string().ok())
                .filter(|n| glob_match(pattern, n))
                .collect()
        })
        .unwrap_or_default()
}

/// A file name's glob (`*.conf`, `*`): `*` matches any run of characters.
fn glob_match(pattern: &str, name: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if name.starts_with('.') && !pattern.starts_with('.') {
        return false;
    }
    if parts.len() == 1 {
        return pattern == name;
    }
    if !name.starts_with(first) || !name[first.len()..].ends_with(last) {
        return false;
    }
    let mut rest = &name[first.len()..name.len() - last.len()];
    for p in &parts[1..parts.len() - 1] {
        match rest.find(p) {
            Some(i) => rest = &rest[i + p.len()..],
            None => return false,
        }
    }
    true
}

/// Marks the values of [`NGINX_PASS_DIRECTIVES`] as names of `file` (`under` a pass directive).
fn mark_passes(file: &SourceFile, value: &Value, spans: &SpanTree, under: bool) {
    match value {
        Value::Object(m) => {
            for (k, v) in m {
                if let Some(t) = spans.child_key(k) {
                    mark_passes(
                        file,
                        v,
                        t,
                        under || NGINX_PASS_DIRECTIVES.contains(&k.as_str()),
                    );
                }
            }
        }
        Value::Array(a) => {
            for (i, v) in a.iter().enumerate() {
                if let Some(t) = spans.child(&crate::source::span::PathSeg::Index(i)) {
                    mark_passes(file, v, t, under);
                }
            }
        }
        Value::String(_) if under => file.mark_name(spans.span.range()),
        _ => {}
    }
}

/// `value` with the values of [`NGINX_PASS_DIRECTIVES`] replaced by null.
fn without_passes(value: &Value) -> Value {
    match value {
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, v)| {
                    if NGINX_PASS_DIRECTIVES.contains(&k.as_str()) {
                        (k.clone(), Value::Null)
                    } else {
                        (k.clone(), without_passes(v))
                    }
                })
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(without_passes).collect()),
        v => v.clone(),
    }
}

/// The value of a directive without block: its arguments joined by one space (`add_header`'s
/// trailing `always` dropped), spanning them all.
fn args_value(d: &Directive, from: usize) -> (String, Span) {
    let mut args: &[(String, Span)] = d.args.get(from..).unwrap_or(&[]);
    if d.name == "add_header" && args.len() > 1 && args.last().is_some_and(|(w, _)| w == "always") {
        args = &args[..args.len() - 1];
    }
    let text = args
        .iter()
        .map(|(w, _)| w.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    let span = match (args.first(), args.last()) {
        (Some((_, a)), Some((_, b))) => a.union(*b),
        _ => Span::new(d.name_span.end as usize, d.name_span.end as usize),
    };
    (text, span)
}

/// A leaf: its span, focused on the directive's name through its value on the first line.
fn leaf(file: &SourceFile, d: &Directive, span: Span) -> SpanTree {
    let mut t = SpanTree::leaf(span);
    t.focus = file.lines.first_line(&file.text, d.name_span.union(span));
    t
}

/// Values under one name of a mapping being built, in order.
type Slot = Vec<(Value, SpanTree)>;

fn push(entries: &mut Vec<(String, Slot)>, key: String, v: (Value, SpanTree)) {
    match entries.iter_mut().find(|(k, _)| *k == key) {
        Some((_, slot)) => slot.push(v),
        None => entries.push((key, vec![v])),
    }
}

/// A mapping of slots: one value is itself, more are a list of them.
fn mapping(entries: Vec<(String, Slot)>, own: Span, focus: Span) -> (Value, SpanTree) {
    let mut map = Map::new();
    let mut trees = Vec::with_capacity(entries.len());
    for (k, mut slot) in entries {
        let (v, t) = if slot.len() == 1 {
            slot.remove(0)
        } else {
            let span = slot
                .iter()
                .map(|(_, t)| t.span.union(t.focus))
                .reduce(Span::union)
                .unwrap_or(own);
            let focus = slot.first().map_or(span, |(_, t)| t.focus);
            let (vs, ts): (Vec<Value>, Vec<SpanTree>) = slot.into_iter().unzip();
            (
                Value::Array(vs),
                SpanTree {
                    span,
                    focus,
                    children: Children::Seq(ts),
                    origin: None,
                },
            )
        };
        map.insert(k.clone(), v);
        trees.push((k, t));
    }
    (
        Value::Object(map),
        SpanTree {
            span: own,
            focus,
            children: Children::Map(trees),
            origin: None,
        },
    )
}

/// A block's directives as a mapping spanning `own`; with `includes`, the files its `include`
/// lines name are read into it.
fn block(
    file: &SourceFile,
    ds: &[Directive],
    own: Span,
    includes: &mut Option<Includes>,
) -> (Value, SpanTree) {
    let mut entries: Vec<(String, Slot)> = Vec::new();
    // Names written with a key (a block's arguments, a named value's name) and without.
    let (mut keyed, mut plain): (Vec<String>, Vec<String>) = (Vec::new(), Vec::new());
    for d in ds {
        let whole = Span::new(d.name_span.start as usize, d.end);
        if d.name == "include"
            && d.block.is_none()
            && let Some(inc) = includes.as_mut()
            && let Some((pattern, _)) = d.args.first()
        {
            let site = file.lines.first_line(&file.text, whole);
            for (v, t) in inc.read(file, pattern, site) {
                let (Value::Object(m), Children::Map(ts)) = (v, t.children) else {
                    continue;
                };
                let mut m = m;
                for (k, t) in ts {
                    let Some(v) = m.remove(&k) else {
                        continue;
                    };
                    // A named value's or a block with arguments is keyed (merged with this
                    // block's of the same name), others plain (two included `server`s stay
                    // two).
                    if v.is_object()
                        && (NAMED_VALUE_DIRECTIVES.contains(&k.as_str())
                            || KEYED_BLOCKS.contains(&k.as_str()))
                    {
                        keyed.push(k.clone());
                    } else {
                        plain.push(k.clone());
                    }
                    push(&mut entries, k, (v, crate::input::reached_from(&t, site)));
                }
            }
        }
        if let Some(body) = &d.block {
            let head = d
                .args
                .last()
                .map_or(d.name_span, |(_, s)| d.name_span.union(*s));
            let focus = file.lines.first_line(&file.text, head);
            let (v, t) = block(file, body, whole, includes);
            let t = SpanTree { focus, ..t };
            if d.args.is_empty() {
                plain.push(d.name.clone());
                push(&mut entries, d.name.clone(), (v, t));
            } else {
                keyed.push(d.name.clone());
                let key = d
                    .args
                    .iter()
                    .map(|(w, _)| w.as_str())
                    .collect::<Vec<_>>()
                    .join(" ");
                let inner = mapping(vec![(key, vec![(v, t)])], whole, focus);
                push(&mut entries, d.name.clone(), inner);
            }
            continue;
        }
        if NAMED_VALUE_DIRECTIVES.contains(&d.name.as_str())
            && let Some((first, first_span)) = d.args.first()
        {
            let (name, value, span) = named_value(d, first, *first_span);
            if !name.is_empty() {
                keyed.push(d.name.clone());
                let focus = file.lines.first_line(&file.text, whole);
                let inner = mapping(
                    vec![(name, vec![(Value::String(value), leaf(file, d, span))])],
                    whole,
                    focus,
                );
                push(&mut entries, d.name.clone(), inner);
                continue;
            }
        }
        plain.push(d.name.clone());
        let (text, span) = args_value(d, 0);
        push(
            &mut entries,
            d.name.clone(),
            (Value::String(text), leaf(file, d, span)),
        );
    }
    let focus = file.lines.first_line(&file.text, own);
    let (v, mut t) = mapping(merge_keyed(entries, &keyed, &plain), own, focus);
    t.span = own;
    (v, t)
}

/// The name, value and value span of a named-value directive: `proxy_set_header NAME VALUE`,
/// `set $name VALUE` (the `$` dropped), `env NAME=VALUE`, `more_set_headers "Name: value"`.
fn named_value(d: &Directive, first: &str, first_span: Span) -> (String, String, Span) {
    match d.name.as_str() {
        "set" => {
            let (v, s) = args_value(d, 1);
            (first.trim_start_matches('$').to_string(), v, s)
        }
        "env" | "more_set_headers" | "more_set_input_headers" => {
            let sep = if d.name == "env" { '=' } else { ':' };
            // The first argument of `more_set_headers` may be `-s 200` options: the header is
            // the first argument holding the separator.
            let Some((w, s)) = d.args.iter().find(|(w, _)| w.contains(sep)) else {
                return (String::new(), String::new(), first_span);
            };
            let (name, value) = w.split_once(sep).unwrap_or((w, ""));
            let value = value.trim_start();
            // The value's span: the word's tail (the quotes of a quoted word stay around it).
            let (start, end) = (s.start as usize, s.end as usize);
            let text_len = end - start;
            let tail = value.len().min(text_len);
            let quoted = text_len > w.len();
            let end = if quoted { end - 1 } else { end };
            (
                name.trim().to_string(),
                value.to_string(),
                Span::new(end.saturating_sub(tail).max(start), end),
            )
        }
        _ => {
            let (v, s) = args_value(d, 1);
            (first.to_string(), v, s)
        }
    }
}

/// Directives written several times in a block with a key each (`proxy_set_header Host …;`,
/// `proxy_set_header Authorization …;`, `location /a {…}`, `location /b {…}`) as one mapping
/// of their keys, each spanning its directive; a key written again is a list of its values.
fn merge_keyed(
    entries: Vec<(String, Slot)>,
    keyed: &[String],
    plain: &[String],
) -> Vec<(String, Slot)> {
    entries
        .into_iter()
        .map(|(k, slot)| {
            if slot.len() < 2 || !keyed.contains(&k) || plain.contains(&k) {
                return (k, slot);
            }
            if !slot.iter().all(|(v, _)| v.is_object()) {
                return (k, slot);
            }
            let span = slot
                .iter()
                .map(|(_, t)| t.span)
                .reduce(Span::union)
                .unwrap_or(Span::new(0, 0));
            let focus = slot.first().map_or(span, |(_, t)| t.focus);
            let mut inner: Vec<(String, Slot)> = Vec::new();
            for (v, t) in slot {
                let (Value::Object(m), Children::Map(ts)) = (v, t.children) else {
                    continue;
                };
                for ((name, v), (_, t)) in m.into_iter().zip(ts) {
                    push(&mut inner, name, (v, t));
                }
            }
            (k, vec![mapping(inner, span, focus)])
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::span::PathSeg;

    fn load_text(name: &str, text: &str) -> Loaded {
        load(
            &SourceFile::new(name.to_string(), None, text.to_string()),
            true,
        )
    }

    #[test]
    fn include_globs() {
        assert!(glob_match("*.conf", "app.conf"));
        assert!(!glob_match("*.conf", ".hidden.conf"));
        assert!(!glob_match("*.conf", "app.conf.bak"));
        assert!(glob_match("*", "default"));
        assert!(glob_match("ssl-*.conf", "ssl-params.conf"));
        assert!(!glob_match("ssl-*.conf", "ssl.conf"));
        assert!(!glob_match("a*a", "a"));
        assert!(glob_match("a*b*c", "axxbyyc"));
        assert!(glob_match("proxy.conf", "proxy.conf"));
    }

    #[test]
    fn candidate_paths() {
        for p in [
            "nginx.conf",
            "etc/nginx/nginx.conf",
            "deploy/nginx/app.conf",
            "conf.d/default.conf",
            "default.conf",
            "nginx-ssl.conf",
            "app.nginx.conf",
            "etc/nginx/sites-available/default",
            "sites-enabled/example.com",
            "nginx/templates/default.conf.template",
            "docker/nginx-proxy/site.conf",
        ] {
            assert!(is_candidate_path(p), "{p}");
        }
        for p in [
            "supervisord.conf",
            "redis.conf",
            "app.conf",
            "etc/sites-available/x.txt",
            "sites-available/README.md",
            "nginx.conf.bak",
            "sites-available/site.yaml",
        ] {
            assert!(!is_candidate_path(p), "{p}");
        }
    }

    #[test]
    fn content_decides() {
        assert!(looks_like_nginx(
            "server {\n  listen 80;\n  location / { proxy_pass http://app; }\n}\n"
        ));
        // Logstash, Apache, supervisord and BIND-like texts are not nginx's.
        assert!(!looks_like_nginx(
            "input {\n  beats {\n    port => 5044\n  }\n}\n"
        ));
        assert!(!looks_like_nginx(
            "<VirtualHost *:80>\n  ServerName x\n</VirtualHost>\n"
        ));
        assert!(!looks_like_nginx("[program:x]\ncommand=/bin/x\n"));
        assert!(!looks_like_nginx("options {\n  directory \"/var\";\n};\n"));
        assert!(!looks_like_nginx(
            "subnet 10.0.0.0 netmask 255.0.0.0 { range 10.0.0.2 10.0.0.9; }\n"
        ));
    }

    #[test]
    fn grammar_and_spans() {
        let text = "# top\nhttp {\n  upstream api { server 10.0.0.1:8443; }\n  server {\n    listen 80;\n    listen 443 ssl; # tls\n    location /x {\n      proxy_set_header Host $host;\n      proxy_set_header Authorization \"Basic dXNlcjpwYXNz\";\n      proxy_pass https://api;\n      set $api_key 'k \\' q';\n      content_by_lua_block { if x then y = \"}\" end }\n    }\n  }\n}\n";
        let l = load_text("nginx.conf", text);
        assert!(l.problems.is_empty(), "{:?}", l.problems);
        let d = &l.documents[0];
        assert_eq!(d.value["http"]["server"]["listen"][1], "443 ssl");
        let loc = &d.value["http"]["server"]["location"]["/x"];
        assert_eq!(
            loc["proxy_set_header"]["Authorization"],
            "Basic dXNlcjpwYXNz"
        );
        assert_eq!(loc["proxy_set_header"]["Host"], "$host");
        assert_eq!(loc["set"]["api_key"], "k ' q");
        assert_eq!(loc["proxy_pass"], "https://api");
        assert_eq!(
            d.value["http"]["upstream"]["api"]["server"],
            "10.0.0.1:8443"
        );
        let path: Vec<PathSeg> = [
            "http",
            "server",
            "location",
            "/x",
            "proxy_set_header",
            "Authorization",
        ]
        .iter()
        .map(|s| PathSeg::Key(s.to_string()))
        .collect();
        let t = d.spans.get(&path).expect("resolves");
        let at = text.find("\"Basic").unwrap();
        assert_eq!(t.span.range(), at..at + "\"Basic dXNlcjpwYXNz\"".len());
        let line_start = text[..at].rfind('\n').unwrap() + 1;
        assert_eq!(t.focus.start as usize, line_start + 6);
    }

    #[test]
    fn errors_are_located() {
        let l = load_text("nginx.conf", "server {\n  listen 80;\n  server_name x\n}\n");
        assert_eq!(l.problems.len(), 1);
        assert!(l.problems[0].message.contains("does not end with `;`"));
        assert_eq!(l.problems[0].pos.map(|p| p.line), Some(4));
        let l = load_text("nginx.conf", "server {\n  listen 80;\n  server_name x;\n");
        assert_eq!(l.problems[0].pos.map(|p| p.line), Some(1));
        let l = load_text(
            "nginx.conf",
            "server {\n  listen 80;\n  server_name \"x;\n}\n",
        );
        assert_eq!(l.problems[0].pos.map(|p| p.line), Some(3));
        // Not nginx at all: a note, no document.
        let l = load_text("conf.d/x.conf", "input { beats { port => 5044 } }\n");
        assert!(l.documents.is_empty());
    }
}
