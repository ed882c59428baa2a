//! Credentials in forms no `key: value` reading sees, as configuration files embedded in
//! ConfigMaps, scripts and READMEs write them: an HTTP `Authorization` header's credentials
//! (`Authorization: Bearer …`, nginx's `proxy_set_header Authorization "Basic …";`), a header
//! or directive named like a credential with a quoted value (`proxy_set_header X-Api-Key
//! "…";`, PHP's `define('DB_PASSWORD', '…')`), an XML element named like one (Maven's
//! `<password>…</password>`), a `user:password` pair given to curl's or wget's `-u`/`--user`,
//! and a directive's one value (Redis' `requirepass …`; read by the line scan, line by line).

use super::detect::{classify, not_literal, secret_name};
use std::ops::Range;

/// Appends the byte ranges of the credentials in these forms to `out`.
pub(super) fn scan(text: &str, out: &mut Vec<Range<usize>>) {
    authorization_headers(text, out);
    if text.contains("</") {
        xml_elements(text, out);
    }
    if text.contains(" -u") || text.contains("--user") {
        user_options(text, out);
    }
    if text.contains('"') || text.contains('\'') {
        quoted_directives(text, out);
    }
    user_lists(text, out);
}

/// A line of a directive and its one value, as Redis' and keepalived's configuration write
/// them (`requirepass …`, `masterauth …`, `auth_pass …`): the value, when the directive is one
/// of the vocabulary's `credential_options`, or is named like a credential and the value
/// holds letters and digits (a line of two words of prose is no setting). `line` is a line
/// that is no `key: value` pair (the line scan reads those), at byte `base` of the text.
pub(super) fn directive_value(line: &str, base: usize, out: &mut Vec<Range<usize>>) {
    let b = line.as_bytes();
    let name_byte = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.');
    let name_start = run_end(b, 0, |c| c == b' ' || c == b'\t');
    let name_end = run_end(b, name_start, name_byte);
    if name_end == name_start || !matches!(b.get(name_end), Some(b' ' | b'\t')) {
        return;
    }
    let start = run_end(b, name_end, |c| c == b' ' || c == b'\t');
    let end = run_end(b, start, |c| !c.is_ascii_whitespace());
    // Nothing after the value but spaces and a comment.
    let rest = line[end..].trim();
    if end == start || !(rest.is_empty() || rest.starts_with('#')) {
        return;
    }
    let (name, value) = (&line[name_start..name_end], &line[start..end]);
    if matches!(b[start], b'"' | b'\'' | b'#' | b'{' | b'[' | b'|' | b'>') {
        return;
    }
    // A column of SQL DDL reads the same (`access_secret varchar(4096)`, `api_key text,`):
    // a type with a size or a list's comma is no directive's value.
    if value.ends_with(',') || value.contains('(') {
        return;
    }
    if NGINX_PASS_DIRECTIVES.contains(&name) {
        return;
    }
    let option = super::vocabulary::vocabulary()
        .credential_options
        .iter()
        .any(|o| o.eq_ignore_ascii_case(name));
    let secret_looking = || {
        value.len() >= 8
            && value.bytes().any(|c| c.is_ascii_digit())
            && value.bytes().any(|c| c.is_ascii_alphabetic())
            && secret_name(name)
            && classify(name, value, false).is_some()
    };
    if (option && !not_literal(name, value)) || (!option && secret_looking()) {
        out.push(base + start..base + end);
    }
}

/// nginx's directives that set a named value (`fastcgi_param DB_PASSWORD …;`, `set $api_secret
/// …;`, `proxy_set_header X-Api-Key …;`): an unquoted literal under a credential's name, in an
/// nginx configuration held in a values file's block or a ConfigMap entry, where the nginx
/// reader does not run (a quoted value is read by `quoted_directives`). `line` is a line that is no
/// `key: value` pair, at byte `base` of the text.
pub(super) fn nginx_named_value(line: &str, base: usize, out: &mut Vec<Range<usize>>) {
    const SETTERS: &[&str] = &[
        "fastcgi_param",
        "uwsgi_param",
        "scgi_param",
        "set",
        "proxy_set_header",
        "grpc_set_header",
        "add_header",
    ];
    let b = line.as_bytes();
    let blank = |c: u8| c == b' ' || c == b'\t';
    let word = |c: u8| !c.is_ascii_whitespace() && c != b';';
    let d0 = run_end(b, 0, blank);
    let d1 = run_end(b, d0, word);
    if !SETTERS.contains(&&line[d0..d1]) {
        return;
    }
    let n0 = run_end(b, d1, blank);
    let n1 = run_end(b, n0, word);
    let v0 = run_end(b, n1, blank);
    let v1 = run_end(b, v0, word);
    // One word, then the directive's `;` (a comment may follow); a variable or a quoted
    // value is no literal here (quoted ones are `quoted_directives`').
    let after = run_end(b, v1, blank);
    if n0 == n1 || v0 == v1 || n0 == d1 || v0 == n1 || b.get(after) != Some(&b';') {
        return;
    }
    let (name, value) = (line[n0..n1].trim_start_matches('$'), &line[v0..v1]);
    if value.contains(['$', '"', '\'']) {
        return;
    }
    if secret_name(name) && classify(name, value, false).is_some() {
        out.push(base + v0..base + v1);
    }
}

/// nginx's directives passing requests upstream (`proxy_pass`, `fastcgi_pass`, …): their
/// value is an address, whatever the name's last word (PASS) says, in nginx's own files and
/// in an nginx configuration held in a values file's or a ConfigMap's block.
pub const NGINX_PASS_DIRECTIVES: &[&str] = &[
    "proxy_pass",
    "fastcgi_pass",
    "uwsgi_pass",
    "grpc_pass",
    "scgi_pass",
    "memcached_pass",
];

/// Redis' directives of several words that end in or hold a password, wherever such a file's
/// text stands (a values file's block, a ConfigMap entry): an ACL user's password rules
/// (`user app on >PW ~* +@all`: each `>PW`/`<PW`, and each hashed `#HEX`) and Sentinel's
/// `sentinel auth-pass MASTER PW` / `sentinel sentinel-pass PW`. `line` is a line that is no
/// `key: value` pair, at byte `base` of the text.
pub(super) fn redis_passwords(line: &str, base: usize, out: &mut Vec<Range<usize>>) {
    let lead = line.len() - line.trim_start().len();
    // Most lines are neither directive: the words are gathered only for one of them (this
    // runs on every line of every text that is no `key: value` pair).
    let first = line[lead..].split([' ', '\t']).next().unwrap_or("");
    if !first.eq_ignore_ascii_case("user") && !first.eq_ignore_ascii_case("sentinel") {
        return;
    }
    let mut words = Vec::new();
    let mut at = lead;
    for w in line[lead..].split([' ', '\t']) {
        if !w.is_empty() {
            words.push((at, w.trim_end_matches('\r')));
        }
        at += w.len() + 1;
    }
    let Some(&(_, first)) = words.first() else {
        return;
    };
    if first.eq_ignore_ascii_case("user") && words.len() >= 3 {
        // An ACL rule list: a key, channel or command rule beside the passwords (`on` alone
        // is a word of prose too).
        let acl = words[2..].iter().any(|(_, w)| {
            matches!(
                *w,
                "nopass" | "resetpass" | "allkeys" | "allchannels" | "allcommands"
            ) || w.starts_with(['~', '+', '&', '%'])
        });
        if !acl {
            return;
        }
        for &(at, w) in &words[2..] {
            if w.len() > 1 && w.starts_with(['>', '<', '#']) {
                out.push(base + at + 1..base + at + w.len());
            }
        }
    } else if first.eq_ignore_ascii_case("sentinel") && words.len() >= 3 {
        let sub = words[1].1.to_ascii_lowercase();
        let n = match sub.as_str() {
            "auth-pass" => 4,
            "sentinel-pass" => 3,
            _ => return,
        };
        if words.len() == n {
            let (at, w) = words[n - 1];
            out.push(base + at..base + at + w.len());
        }
    }
}

/// pgbouncer's `auth_file` (`userlist.txt`): a block of its own (a block scalar's lines, or
/// a whole text) whose every line is two quoted strings, `"user" "password"`, or a comment:
/// the passwords (or their `md5…`/`SCRAM-SHA-256$…` hashes; an md5 hash logs in as well as
/// the password does) that are literals. No name says so; the shape of the whole block does.
/// A line of that shape among others is no user list: a template's `dict` arguments, one
/// pair a line after `(strdict`, are rendered as written; an nginx `map` line ends with `;`.
pub(super) fn user_lists(text: &str, out: &mut Vec<Range<usize>>) {
    let b = text.as_bytes();
    if memchr::memmem::find(b, b"\" \"").is_none() && memchr::memmem::find(b, b"\"\t\"").is_none() {
        return;
    }
    // The lines of one indentation in a row (blank lines do not end a block scalar), and
    // whether the line before them opens a block of their own.
    let mut run: Vec<(usize, &str)> = Vec::new();
    let mut run_indent = usize::MAX;
    let mut opens = true;
    let mut last = "";
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let content = line.trim_end_matches(['\n', '\r']);
        let trimmed = content.trim_start();
        if trimmed.is_empty() {
            continue;
        }
        let indent = content.len() - trimmed.len();
        if indent != run_indent {
            user_list_block(&run, opens, out);
            run.clear();
            run_indent = indent;
            opens = last.is_empty() || block_scalar_header(last);
        }
        run.push((start, content));
        last = content;
    }
    user_list_block(&run, opens, out);
}

/// A line that ends with a block scalar's header (`userlist.txt: |`, `key: |-`, `key: >2`).
fn block_scalar_header(line: &str) -> bool {
    let t = line
        .trim_end()
        .trim_end_matches(|c: char| c == '-' || c == '+' || c.is_ascii_digit());
    (t.ends_with(" |") || t.ends_with(" >") || t.ends_with(":|") || t.ends_with(":>"))
        && t.contains(':')
}

fn user_list_block(run: &[(usize, &str)], opens: bool, out: &mut Vec<Range<usize>>) {
    let comment = |l: &str| {
        let t = l.trim_start();
        t.starts_with(';') || t.starts_with('#')
    };
    if !opens
        || run.iter().all(|(_, l)| comment(l))
        || !run
            .iter()
            .all(|(_, l)| comment(l) || user_list_password(l).is_some())
    {
        return;
    }
    for (start, line) in run {
        if let Some(password) = user_list_password(line)
            && !not_literal("password", &line[password.clone()])
        {
            out.push(start + password.start..start + password.end);
        }
    }
}

/// The byte range of the second string of a line of exactly two double-quoted strings.
pub(super) fn user_list_password(line: &str) -> Option<Range<usize>> {
    let b = line.as_bytes();
    let quoted_end = |at: usize| -> Option<usize> {
        (b.get(at) == Some(&b'"'))
            .then(|| b[at + 1..].iter().position(|&c| c == b'"'))
            .flatten()
            .map(|len| at + 1 + len + 1)
    };
    let user_start = run_end(b, 0, |c| c == b' ' || c == b'\t');
    let user_end = quoted_end(user_start)?;
    let password_start = run_end(b, user_end, |c| c == b' ' || c == b'\t');
    if password_start == user_end {
        return None;
    }
    let password_end = quoted_end(password_start)?;
    let rest = &line[password_end..];
    rest.trim()
        .is_empty()
        .then_some(password_start + 1..password_end - 1)
}

/// Bytes of a token (RFC 6750's `b64token`, and `%` of URL-encoded ones).
fn token_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_' | b'~' | b'+' | b'/' | b'=' | b'%')
}

fn run_end(b: &[u8], from: usize, keep: impl Fn(u8) -> bool) -> usize {
    from + b[from..]
        .iter()
        .position(|&c| !keep(c))
        .unwrap_or(b.len() - from)
}

/// `Authorization: <scheme> <credentials>`, `Authorization "<scheme> <credentials>"`,
/// `authorization=<scheme> <credentials>`: the credentials after a scheme word (`Basic`,
/// `Bearer`, `Token`, `Digest`, …). Without a scheme the value is a `key: value` pair, read
/// by the line scan; prose (`authorization policies`) has no separator before its next word.
fn authorization_headers(text: &str, out: &mut Vec<Range<usize>>) {
    const WORD: &[u8] = b"authorization";
    let b = text.as_bytes();
    // Found by its tail in the two usual cases (`Authorization`, `AUTHORIZATION`), with
    // memmem: a byte loop comparing at every place cost a big stream millions of instructions.
    let mut places: Vec<usize> = memchr::memmem::find_iter(b, b"uthorization")
        .chain(memchr::memmem::find_iter(b, b"UTHORIZATION"))
        .filter(|&i| i > 0 && b[i - 1..i - 1 + WORD.len()].eq_ignore_ascii_case(WORD))
        .map(|i| i - 1)
        .collect();
    places.sort_unstable();
    let mut at = 0;
    for i in places {
        if i < at {
            continue;
        }
        at = i + WORD.len();
        // A word of its own: not `AuthorizationPolicy`, not `x_authorization_mode`.
        if b.get(at)
            .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
            || (i > 0 && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_'))
        {
            continue;
        }
        let mut j = at;
        if matches!(b.get(j), Some(b'"' | b'\'')) {
            j += 1;
        }
        j = run_end(b, j, |c| c == b' ' || c == b'\t');
        match b.get(j) {
            Some(b':' | b'=') => j += 1,
            Some(b'"' | b'\'') => {}
            _ => continue,
        }
        j = run_end(b, j, |c| matches!(c, b' ' | b'\t' | b'"' | b'\''));
        let scheme_end = run_end(b, j, |c| c.is_ascii_alphanumeric() || c == b'-');
        if scheme_end == j || !matches!(b.get(scheme_end), Some(b' ' | b'\t')) {
            continue;
        }
        let start = run_end(b, scheme_end, |c| c == b' ' || c == b'\t');
        let end = run_end(b, start, token_byte);
        let value = &text[start..end];
        // Digest's `username="…"` parameters are no token; a reference (`$http_authorization`,
        // `${TOKEN}`) or placeholder is none either.
        if end - start >= 8
            && !matches!(b.get(end), Some(b'$' | b'{'))
            && !not_literal("authorization", value)
        {
            out.push(start..end);
        }
        at = end.max(at);
    }
}

/// `<password>…</password>`, `<apiKey>…</apiKey>`: an element named like a credential whose
/// text is a literal (not `${env.PASSWORD}` or a placeholder).
fn xml_elements(text: &str, out: &mut Vec<Range<usize>>) {
    let b = text.as_bytes();
    for close in memchr::memmem::find_iter(b, b"</") {
        let name_start = close + 2;
        let name_end = run_end(b, name_start, |c| {
            c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.' | b':')
        });
        if name_end == name_start || b.get(name_end) != Some(&b'>') {
            continue;
        }
        let name = &text[name_start..name_end];
        // The opening tag, without attributes, on the same line.
        let line_start = text[..close].rfind('\n').map_or(0, |i| i + 1);
        let open = format!("<{name}>");
        let Some(open_at) = text[line_start..close].rfind(&open).map(|i| line_start + i) else {
            continue;
        };
        let start = open_at + open.len();
        let value = &text[start..close];
        if value.contains('<') || value.contains('\n') || value.trim().is_empty() {
            continue;
        }
        let local = name.rsplit(':').next().unwrap_or(name);
        if secret_name(local) && classify(local, value, false).is_some() {
            let lead = value.len() - value.trim_start().len();
            out.push(start + lead..start + value.trim_end().len());
        }
    }
}

/// curl's and wget's `-u user:password`, `--user user:password`, `--user=user:password`: the
/// part after the first `:`.
fn user_options(text: &str, out: &mut Vec<Range<usize>>) {
    let b = text.as_bytes();
    for dash in memchr::memchr_iter(b'-', b) {
        if dash > 0 && !matches!(b[dash - 1], b' ' | b'\t' | b'"' | b'\'' | b'[' | b',') {
            continue;
        }
        let rest = &b[dash..];
        let after = if rest.starts_with(b"-u ") || rest.starts_with(b"-u\t") {
            dash + 3
        } else if rest.starts_with(b"--user ") || rest.starts_with(b"--user=") {
            dash + 7
        } else {
            continue;
        };
        let mut start = run_end(b, after, |c| c == b' ' || c == b'\t');
        let quote = match b.get(start) {
            Some(&q @ (b'"' | b'\'')) => {
                start += 1;
                Some(q)
            }
            _ => None,
        };
        let end = match quote {
            Some(q) => run_end(b, start, |c| c != q && c != b'\n'),
            None => run_end(b, start, |c| {
                !c.is_ascii_whitespace() && c != b'"' && c != b'\''
            }),
        };
        let pair = &text[start..end];
        let Some(colon) = pair.find(':') else {
            continue;
        };
        let password = &pair[colon + 1..];
        if !password.is_empty() && !not_literal("password", password) {
            out.push(start + colon + 1..end);
        }
    }
}

/// A directive or header named like a credential, then a quoted value ending the statement
/// (`proxy_set_header X-Api-Key "…";`, `set $api_token '…';`, `X-Auth-Token "…"` at a line's
/// end): the quotes' text.
fn quoted_directives(text: &str, out: &mut Vec<Range<usize>>) {
    let b = text.as_bytes();
    let word = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'$');
    // Every quote of the text, found with memchr (a stream of CRDs quotes on many lines);
    // most follow `key: `, whose `:` ends the test at once.
    let mut from = 0;
    for q_at in memchr::memchr2_iter(b'"', b'\'', b) {
        if q_at < from || q_at == 0 || !matches!(b[q_at - 1], b' ' | b'\t') {
            continue;
        }
        let gap_start = b[..q_at]
            .iter()
            .rposition(|&c| c != b' ' && c != b'\t')
            .map_or(0, |i| i + 1);
        if gap_start == 0 {
            continue;
        }
        // A bare name (`X-Api-Key "…"`), or a quoted one followed by `:` or `,` (a Python or
        // JavaScript dict's `'PASSWORD': '…'`, PHP's `define('DB_PASSWORD', '…')`; JSON's
        // double-quoted pairs are read with the line's other pairs).
        let quoted_name = matches!(b[gap_start - 1], b':' | b',')
            && gap_start >= 2
            && matches!(b[gap_start - 2], b'\'' | b'"');
        let name_end = if quoted_name {
            gap_start - 2
        } else {
            gap_start
        };
        if name_end == 0 || !word(b[name_end - 1]) {
            continue;
        }
        let word_start = b[..name_end]
            .iter()
            .rposition(|&c| !word(c))
            .map_or(0, |i| i + 1);
        if quoted_name && (word_start == 0 || b[word_start - 1] != b[gap_start - 2]) {
            continue;
        }
        let name = text[word_start..name_end].trim_start_matches('$');
        if !secret_name(name) {
            continue;
        }
        let q = b[q_at];
        let start = q_at + 1;
        let Some(len) = b[start..].iter().position(|&c| c == q || c == b'\n') else {
            continue;
        };
        let end = start + len;
        if b[end] != q {
            continue;
        }
        from = end + 1;
        // The statement ends after the closing quote.
        let line_end = b[end + 1..]
            .iter()
            .position(|&c| c == b'\n')
            .map_or(b.len(), |i| end + 1 + i);
        let after = text[end + 1..line_end].trim_start();
        let ends = |c: char| after.starts_with(c);
        if !(after.is_empty()
            || ends(';')
            || ends('#')
            || quoted_name && (ends(',') || ends(')') || ends('}')))
        {
            continue;
        }
        if classify(name, &text[start..end], false).is_some() {
            out.push(start..end);
        }
    }
}
