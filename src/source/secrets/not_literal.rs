//! The built-in settings' three tests of a value that is not a literal credential, matched by
//! hand: `reference_pattern` (`${DB_PASSWORD}`, `{{ .Values.x }}`, `<password>`),
//! `placeholder_pattern` (`changeme`, `your-token-here`, `xxxxx`) and
//! `embedded_reference_pattern` (`${` inside a value). Compiling the three expressions was
//! ≈ 3.8 M instructions of nearly every run (the placeholder's case-insensitive alternation
//! alone 2.9 M), more than all the tests a run makes with them.
//!
//! Each function answers exactly what its expression answers, and is used only while the
//! setting is the built-in expression ([`TextTest::new`]): a `--data` vocabulary with its own
//! keeps the expression. `tests::hand_tests_match_the_builtin_expressions` compares them on
//! generated values. The regex crate's `(?i)` folds by Unicode's simple case folding, so `k`
//! also matches the Kelvin sign (U+212A) and `s` the long s (U+017F); `.` is any character
//! but `\n`; `$` is the end of the text.

use super::vocabulary::LazyRegex;
use std::ops::Range;

/// A built-in expression's hand matcher while the setting is that expression (`--data` did
/// not replace it), else the expression itself.
pub(super) enum HandOr<F> {
    Hand(F),
    Expression(LazyRegex),
}

impl<F> HandOr<F> {
    /// `hand` when `source` is the built-in setting it was written for, else the expression.
    pub(super) fn new(
        source: &str,
        builtin: &str,
        hand: F,
        expression: impl FnOnce() -> LazyRegex,
    ) -> Self {
        if source == builtin {
            HandOr::Hand(hand)
        } else {
            HandOr::Expression(expression())
        }
    }

    /// Compiles the expression now, if there is one (the vocabulary's warm-up).
    pub(super) fn prepare(&self) {
        if let HandOr::Expression(re) = self {
            let _: &regex::Regex = re;
        }
    }
}

/// A test of a value.
pub(super) type TextTest = HandOr<fn(&str) -> bool>;

impl TextTest {
    pub(super) fn is_match(&self, v: &str) -> bool {
        match self {
            HandOr::Hand(f) => f(v),
            HandOr::Expression(re) => re.is_match(v),
        }
    }
}

fn ident_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_'
}

/// `[A-Za-z_]` followed by characters `rest` accepts, the whole of `s`.
fn ident(s: &[u8], rest: impl Fn(u8) -> bool) -> bool {
    matches!(s.split_first(), Some((&c, tail)) if ident_start(c) && tail.iter().all(|&b| rest(b)))
}

/// `open` + `inner` + `close`, the whole of `s` (`open` and `close` apart).
fn wrapped<'a>(s: &'a [u8], open: &[u8], close: &[u8]) -> Option<&'a [u8]> {
    (s.len() >= open.len() + close.len() && s.starts_with(open) && s.ends_with(close))
        .then(|| &s[open.len()..s.len() - close.len()])
}

/// `^(?:\$\{[^}]*\}|\$\([^)]*\)|\$\$?[A-Za-z_][A-Za-z0-9_.:/-]*|\{\{.*\}\}|<[^<>]*>|
/// %\{?[A-Za-z_][A-Za-z0-9_]*\}?%?|%\([A-Za-z_][A-Za-z0-9_]*\)[sr]|\{[A-Za-z_][A-Za-z0-9_.]*\}|
/// #\{[^}]*\}#?|@[A-Za-z_][A-Za-z0-9_.]*@|__[A-Za-z][A-Za-z0-9_]*__|%env\([A-Za-z0-9_.:-]+\)%|
/// %[A-Za-z_][A-Za-z0-9_.]*%|\$__(?:env|file|vault)\{[^}]*\})$`: `%(password)s` is a
/// Python format placeholder (`PASSWORD '%(password)s'` in an init script a program fills in);
/// `#{Var}#` and `__DB_PASSWORD__` are the token-replacement placeholders of deploy steps
/// (Azure DevOps' Replace Tokens, a `sed`); `%env(APP_SECRET)%` (with its processors,
/// `%env(resolve:DATABASE_URL)%`) and `%mailer.password%` are Symfony's environment and
/// parameter references, and `$__env{GF_PASSWORD}`, `$__file{/run/secrets/pw}` and
/// `$__vault{…}` Grafana's, in `grafana.ini` and its provisioning files (session cfg35).
pub(super) fn is_reference(v: &str) -> bool {
    let s = v.as_bytes();
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let dotted = |b: u8| word(b) || b == b'.';
    let inside = |open: &[u8], close: &[u8], ok: &dyn Fn(&[u8]) -> bool| {
        wrapped(s, open, close).is_some_and(ok)
    };
    let without = |c: u8| move |inner: &[u8]| !inner.contains(&c);
    inside(b"${", b"}", &without(b'}'))
        || inside(b"$(", b")", &without(b')'))
        || s.strip_prefix(b"$").is_some_and(|rest| {
            let rest = rest.strip_prefix(b"$").unwrap_or(rest);
            ident(rest, |b| word(b) || matches!(b, b'.' | b':' | b'/' | b'-'))
        })
        || inside(b"{{", b"}}", &without(b'\n'))
        || inside(b"<", b">", &|inner| {
            !inner.iter().any(|b| matches!(b, b'<' | b'>'))
        })
        || s.strip_prefix(b"%").is_some_and(|rest| {
            // `\{?` ident `\}?` `%?`: the identifier cannot hold `{`, `}` or `%`, so each
            // optional part is there exactly when its character is.
            let rest = rest.strip_prefix(b"{").unwrap_or(rest);
            let rest = rest.strip_suffix(b"%").unwrap_or(rest);
            let rest = rest.strip_suffix(b"}").unwrap_or(rest);
            ident(rest, word)
        })
        || inside(b"%(", b")s", &|inner| ident(inner, word))
        || inside(b"%(", b")r", &|inner| ident(inner, word))
        || inside(b"{", b"}", &|inner| ident(inner, dotted))
        || inside(b"#{", b"}", &without(b'}'))
        || inside(b"#{", b"}#", &without(b'}'))
        || inside(b"@", b"@", &|inner| ident(inner, dotted))
        || inside(b"__", b"__", &|inner| {
            inner.first().is_some_and(u8::is_ascii_alphabetic) && inner.iter().all(|&b| word(b))
        })
        || inside(b"%env(", b")%", &|inner| {
            !inner.is_empty()
                && inner
                    .iter()
                    .all(|&b| word(b) || matches!(b, b'.' | b':' | b'-'))
        })
        || inside(b"%", b"%", &|inner| ident(inner, dotted))
        || [b"$__env{".as_slice(), b"$__file{", b"$__vault{"]
            .iter()
            .any(|open| inside(open, b"}", &without(b'}')))
}

/// `\$\{|\{\{|\$\(`
pub(super) fn has_embedded_reference(v: &str) -> bool {
    v.contains("${") || v.contains("{{") || v.contains("$(")
}

/// The placeholders' words, matched as the whole value.
const PLACEHOLDER_WORDS: &[&str] = &[
    "changeit",
    "todo",
    "tbd",
    "fixme",
    "redacted",
    // What an audit filter does with a secret (Boundary's `audit_filter_overrides { secret =
    // "redact" }`, also `encrypt`, `hmac-sha256`): a mode, no credential (session cfg36).
    "redact",
    "encrypt",
    "hmac-sha256",
    "placeholder",
    "example",
    "dummy",
    "none",
    "null",
    "nil",
    "undefined",
    "value",
    "true",
    "false",
    "yes",
    "no",
    "on",
    "off",
    "enabled",
    "disabled",
    "required",
    "optional",
    "read",
    "write",
    "na",
    "n/a",
    "empty",
    "sample",
    "test",
];

/// `auto(?:[-_ ]?generated?)?|generated?`: the value asks the service (or its installer) to
/// make the credential, as `password: "auto"` or `ADMIN_PASSWORD: auto-generated` do; it is
/// no password anybody can log in with. `random` is not among them: real files use it as
/// the password itself (`password: "random"` in seeds, tests and connection settings).
fn generated(f: &str) -> bool {
    let generate = |r: &str| matches!(r, "generate" | "generated");
    f == "auto"
        || generate(f)
        || f.strip_prefix("auto")
            .is_some_and(|r| generate(r.strip_prefix(['-', '_', ' ']).unwrap_or(r)))
}

/// The words a placeholder may start with, then one of `-`, `_` or a space.
const PLACEHOLDER_LEADS: &[&str] = &[
    "your", "insert", "enter", "put", "replace", "change", "set", "add", "generate", "get",
];

/// Phrases that ask for the value to be replaced, anywhere in it (`ThisMustBeChanged`,
/// `backend-secret-change-in-production`, `please-change-this`: the `.env.example` files of
/// real repositories): the words in order, each after at most one of `-`, `_`, a space or a
/// dot.
const PLACEHOLDER_PHRASES: &[&[&str]] = &[
    &["must", "be", "changed"],
    &["to", "be", "changed"],
    &["change", "this"],
    &["change", "in", "prod"],
    &["please", "change"],
];

/// Whether `f` holds the words of `phrase` in order, as `(?:w1[-_ .]?w2…)` matches them.
fn holds_phrase(f: &str, phrase: &[&str]) -> bool {
    f.match_indices(phrase[0]).any(|(i, first)| {
        let mut rest = &f[i + first.len()..];
        phrase[1..].iter().all(|w| {
            let r = rest.strip_prefix(['-', '_', ' ', '.']).unwrap_or(rest);
            match r.strip_prefix(w) {
                Some(after) => {
                    rest = after;
                    true
                }
                None => false,
            }
        })
    })
}

/// `(?i)^(?:[*xX.#_-]+|your[-_ ].*|(?:insert|enter|put|replace|change|set|add|generate|get)[-_ ].*|
/// change[-_]?me.*|.*(?:must[-_ .]?be[-_ .]?changed|…|please[-_ .]?change).*|replace[-_]?me.*|changeit|todo|…|n/?a|empty|sample|test|xxx+.*|.*xxxxx.*|
/// .*\.\.\.|.*…|<.*|.*>|\*+)$`: a value cut short (`sk_test_...`) is an example, not a credential.
pub(super) fn is_placeholder(v: &str) -> bool {
    // Every branch matches the whole text, and none takes a line break.
    if v.is_empty() || v.contains('\n') {
        return false;
    }
    // Case folded as `(?i)` folds: ASCII letters, and the two non-ASCII characters that fold
    // to one (any other character only matches `.`).
    let folded: String = v
        .chars()
        .map(|c| match c {
            '\u{212A}' => 'k',
            '\u{17F}' => 's',
            c => c.to_ascii_lowercase(),
        })
        .collect();
    let f = folded.as_str();
    if f.bytes()
        .all(|b| matches!(b, b'*' | b'x' | b'.' | b'#' | b'_' | b'-'))
    {
        return true;
    }
    if PLACEHOLDER_WORDS.contains(&f) || generated(f) {
        return true;
    }
    let led = |lead: &str| {
        f.strip_prefix(lead)
            .is_some_and(|r| r.starts_with(['-', '_', ' ']))
    };
    if PLACEHOLDER_LEADS.iter().any(|l| led(l)) {
        return true;
    }
    let me = |lead: &str| {
        f.strip_prefix(lead).is_some_and(|r| {
            let r = r.strip_prefix(['-', '_']).unwrap_or(r);
            r.starts_with("me")
        })
    };
    me("change")
        || me("replace")
        || PLACEHOLDER_PHRASES.iter().any(|p| holds_phrase(f, p))
        || f.starts_with("xxx")
        || f.contains("xxxxx")
        || f.ends_with("...")
        || f.ends_with('\u{2026}')
        || f.starts_with('<')
        || f.ends_with('>')
}

/// The byte ranges of the passwords in a text, in order.
pub(super) type Passwords = fn(&str) -> Vec<Range<usize>>;

/// Where a text's passwords are: in each of the expression's `captures_iter` matches, the
/// first group that took part (a pattern may spell the value's forms as alternatives).
pub(super) type PasswordFinder = HandOr<Passwords>;

impl PasswordFinder {
    pub(super) fn find(&self, v: &str) -> Vec<Range<usize>> {
        match self {
            HandOr::Hand(f) => f(v),
            HandOr::Expression(re) => re
                .captures_iter(v)
                .filter_map(|c| c.iter().skip(1).flatten().next())
                .map(|m| m.range())
                .collect(),
        }
    }
}

/// The character at byte `at` of `v`, if `at` is inside it.
fn char_at(v: &str, at: usize) -> Option<char> {
    v.get(at..)?.chars().next()
}

/// The end of the run of characters from `at` that `keep` accepts.
fn run_end(v: &str, at: usize, keep: impl Fn(char) -> bool) -> usize {
    v[at..].find(|c| !keep(c)).map_or(v.len(), |i| at + i)
}

/// The built-in `url-password` pattern's group 1 in each match, in order:
/// `[A-Za-z][A-Za-z0-9+.-]*://[^/\s:@]*:([^/\s@]+)@[^\s@]`. Each part stops at a character
/// the next one needs, so a match is found without going back: its start is the first letter
/// of the scheme characters before a `://` (not before where the last match ended).
pub(super) fn url_passwords(v: &str) -> Vec<Range<usize>> {
    let b = v.as_bytes();
    let scheme = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'.' | b'-');
    let mut out = Vec::new();
    let mut from = 0;
    let mut search = 0;
    while let Some(i) = v.get(search..).and_then(|r| r.find("://")) {
        let k = search + i;
        search = k + 1;
        let mut run = k;
        while run > from && scheme(b[run - 1]) {
            run -= 1;
        }
        if !(run..k).any(|s| b[s].is_ascii_alphabetic()) {
            continue;
        }
        let user_end = run_end(v, k + 3, |c| {
            !(c == '/' || c == ':' || c == '@' || c.is_whitespace())
        });
        if char_at(v, user_end) != Some(':') {
            continue;
        }
        let pass = user_end + 1;
        let pass_end = run_end(v, pass, |c| !(c == '/' || c == '@' || c.is_whitespace()));
        if pass_end == pass || char_at(v, pass_end) != Some('@') {
            continue;
        }
        match char_at(v, pass_end + 1) {
            Some(c) if !(c == '@' || c.is_whitespace()) => {
                out.push(pass..pass_end);
                from = pass_end + 1 + c.len_utf8();
                search = search.max(from);
            }
            _ => {}
        }
    }
    out
}

/// The built-in `connection-string` pattern's password group in each match, in order:
/// `(?i)(?:^|[;\s\"'?&])(?:password|pwd|passwd)\s*=\s*(?:\"([^\"\r\n]+)|'([^'\r\n]+)|([^;\s\"'&]+))|`
/// `,(?:password|pwd|passwd)\s*=\s*([^,;\s\"'&]+)`. The second form is StackExchange.Redis's
/// `host:6379,password=…,ssl=True`, whose options a comma separates (a .NET `Redis`
/// connection string; its password printed in clear until then).
/// At most one of the three words matches at a place, and each part stops at a character the
/// next one needs. A quote may open the value, which then runs to the same quote or the line's
/// end, spaces and `;` included: a JAAS login module's `password="two words";` (wild19: Kafka
/// `sasl.jaas.config` in Spring and AKHQ configs), ADO.NET's and libpq's quoted values.
pub(super) fn connection_passwords(v: &str) -> Vec<Range<usize>> {
    let delimiter = |c: char| matches!(c, ';' | '"' | '\'' | '?' | '&') || c.is_whitespace();
    let in_value = |c: char| !(matches!(c, ';' | '"' | '\'' | '&') || c.is_whitespace());
    // The end of a setting's value when a word starts at `at`, with its value's start; after
    // a comma, a bare value that a comma also ends.
    let setting = |at: usize, after_comma: bool| -> Option<Range<usize>> {
        let word_end = ["password", "pwd", "passwd"]
            .iter()
            .find_map(|w| folded_prefix(&v[at..], w))
            .map(|n| at + n)?;
        let eq = run_end(v, word_end, char::is_whitespace);
        if char_at(v, eq) != Some('=') {
            return None;
        }
        let start = run_end(v, eq + 1, char::is_whitespace);
        let (start, end) = match char_at(v, start) {
            _ if after_comma => (start, run_end(v, start, |c| c != ',' && in_value(c))),
            Some(q @ ('"' | '\'')) => {
                let inside = start + 1;
                (
                    inside,
                    run_end(v, inside, |c| !matches!(c, '\r' | '\n') && c != q),
                )
            }
            _ => (start, run_end(v, start, in_value)),
        };
        (end > start).then_some(start..end)
    };
    // Every word starts with `p`: only a `p` at the start or after a delimiter can begin a
    // match (found with memchr: a character loop over a 1 MB stream of CRDs cost 70 M).
    let mut out = Vec::new();
    let mut from = 0;
    for at in memchr::memchr2_iter(b'p', b'P', v.as_bytes()) {
        let (start, after_comma) = if at == 0 {
            (0, false)
        } else {
            match v[..at].chars().next_back() {
                Some(c) if delimiter(c) => (at - c.len_utf8(), false),
                Some(',') => (at - 1, true),
                _ => continue,
            }
        };
        if start < from {
            continue;
        }
        if let Some(r) = setting(at, after_comma) {
            from = r.end;
            out.push(r);
        }
    }
    out
}

/// The length in `v` of `word` (ASCII lower case) at its start, as `(?i)` matches it: ASCII
/// case ignored, and the long s (U+017F) for `s`.
fn folded_prefix(v: &str, word: &str) -> Option<usize> {
    let mut chars = v.char_indices();
    for w in word.chars() {
        let (_, c) = chars.next()?;
        let same = c.to_ascii_lowercase() == w || (w == 's' && c == '\u{17F}');
        if !same {
            return None;
        }
    }
    Some(chars.next().map_or(v.len(), |(i, _)| i))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use regex::Regex;

    type Compared = [(&'static str, Regex, fn(&str) -> bool); 3];

    /// The built-in expressions, as the settings give them (compiled once: a debug build
    /// compiles each in milliseconds).
    fn expressions() -> &'static Compared {
        static COMPARED: std::sync::OnceLock<Compared> = std::sync::OnceLock::new();
        let c = super::super::vocabulary::builtin_settings();
        let re = |k: &str| Regex::new(c[k].as_str().expect("a built-in expression")).unwrap();
        COMPARED.get_or_init(|| {
            [
                ("reference", re("reference_pattern"), is_reference),
                ("placeholder", re("placeholder_pattern"), is_placeholder),
                (
                    "embedded reference",
                    re("embedded_reference_pattern"),
                    has_embedded_reference,
                ),
            ]
        })
    }

    #[test]
    fn hand_tests_answer_as_the_expressions_on_known_values() {
        let tests = expressions();
        for v in [
            "",
            "${DB_PASSWORD}",
            "${}",
            "${a}b}",
            "$(cat /run/secret)",
            "$(a)b)",
            "$VAR",
            "$$VAR",
            "$_x.y:z/w-v",
            "$9",
            "$",
            "$$",
            "{{ .Values.x }}",
            "{{}}",
            "{{}",
            "{{a\n}}",
            "<password>",
            "<a<b>",
            "<>",
            "%VAR%",
            "%{VAR}",
            "%{VAR}%",
            "%VAR}",
            "%{",
            "%",
            "%a%%",
            "{a.b}",
            "{{a}}",
            "{9}",
            "#{x}",
            "#{a}b}",
            "#{x}#",
            "#{ScrapePass}#",
            "#{a}b}#",
            "#{x}##",
            "__DB_PASSWORD__",
            "__a__",
            "__A___",
            "___A__",
            "__9A__",
            "__A-B__",
            "_____",
            "__A_",
            "@VAR@",
            "@a.b@",
            "@@",
            "@9@",
            "changeme",
            "ThisMustBeChanged",
            "please-change-this",
            "backend-secret-change-in-production",
            "generate-with-openssl-rand-base64-32",
            "get_the_secret_of_above_key",
            "Get-A-Key-From-Aws",
            "getaway",
            "get",
            "must.be-changed",
            "mustbe",
            "exchange.thisx",
            "change--this",
            "Change-Me",
            "CHANGE_ME_NOW",
            "replaceme",
            "your-token",
            "YOUR TOKEN",
            "your",
            "set_me",
            "sets",
            "xxx",
            "XXXX-1234",
            "abcxxxxxdef",
            "axxxxb",
            "<tag",
            "tag>",
            "***",
            "**x.#_-",
            "n/a",
            "N/A",
            "na",
            "nope",
            "Test",
            "tested",
            "sk_test_...",
            "AKIA…",
            "...x",
            "a..",
            "…\n",
            "api-key",
            "API_KEY",
            "apikey",
            "\u{212A}ey",
            "to\u{212A}en",
            "\u{17F}ecret",
            "pa\u{17F}\u{17F}",
            "ſet-it",
            "Kelvin",
            "no\nvalue",
            "x\ny",
            "hunter2",
            "s3cr3t-v4lue",
            "é",
            "日本",
            "changeme\n",
            "a${b",
            "x{{y",
            "$(",
            "${x",
            "true",
            "TRUE",
            "on",
            "off!",
            "auto",
            "AUTO",
            "auto-generated",
            "Auto Generate",
            "autogenerated",
            "auto__generated",
            "generated",
            "generates",
            "autox",
            "random",
            "%env(APP_SECRET)%",
            "%env(resolve:DATABASE_URL)%",
            "%env()%",
            "%env(A)%env(B)%",
            "%mailer.password%",
            "%env.secret%",
            "%.x%",
            "%%",
            "$__env{GF_SECURITY_ADMIN_PASSWORD}",
            "$__file{/run/secrets/grafana}",
            "$__vault{kv:secret/grafana:password}",
            "$__env{a}b}",
            "$__other{x}",
        ] {
            for (name, re, hand) in tests {
                assert_eq!(hand(v), re.is_match(v), "{name}: {v:?}");
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20_000))]
        /// Values made of the pieces the three expressions care about, and a few others.
        #[test]
        fn hand_tests_match_the_builtin_expressions(
            v in proptest::collection::vec(
                proptest::sample::select(vec![
                    "$", "{", "}", "(", ")", "<", ">", "%", "#", "@", "*", "x", "X", ".", "_",
                    "-", " ", "/", ":", "9", "a", "Z", "\n", "é", "\u{212A}", "\u{17F}", "{{",
                    "}}", "${", "$(", "me", "change", "replace", "your", "set", "add", "insert",
                    "xxxxx", "xxx", "token", "key", "n/a", "na", "secret", "pass", "tbd", "api",
                    "TODO", "Put", "Enter", "auto", "generate", "d", "...", "\u{2026}",
                    "env(", ")%", "$__env{", "$__file{", "$__vault{", "__",
                ]),
                0..8,
            )
        ) {
            let v = v.concat();
            for (name, re, hand) in expressions() {
                prop_assert_eq!(hand(&v), re.is_match(&v), "{}: {:?}", name, v);
            }
        }
    }

    /// The built-in password patterns with their hand matchers (compiled once).
    fn password_patterns() -> &'static [(Regex, Passwords); 2] {
        static COMPARED: std::sync::OnceLock<[(Regex, Passwords); 2]> = std::sync::OnceLock::new();
        COMPARED.get_or_init(|| {
            let c = super::super::vocabulary::builtin_settings();
            let re = |shape: &str| {
                let p = c["patterns"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|p| p["shape"] == shape)
                    .unwrap();
                Regex::new(p["re"].as_str().unwrap()).unwrap()
            };
            [
                (re("url-password"), url_passwords),
                (re("connection-string"), connection_passwords),
            ]
        })
    }

    fn by_expression(re: &Regex, v: &str) -> Vec<Range<usize>> {
        re.captures_iter(v)
            .filter_map(|c| c.iter().skip(1).flatten().next())
            .map(|m| m.range())
            .collect()
    }

    #[test]
    fn password_finders_answer_as_the_expressions_on_known_texts() {
        for v in [
            "",
            "postgres://app:s3cret@db:5432/app",
            "x9+a.b-c://u:p@h and https://:p:q@h2 mongodb://u:p@ @x",
            "9://u:p@h",
            "http://u:p@@h",
            "http://u:/p@h",
            "a://b:c@d://e:f@g",
            "://u:p@h",
            "http://u p:q@h",
            "http://u:p\u{a0}q@h",
            "Server=db;Password=hunter2;User Id=sa",
            "password=x",
            "PWD = y&passwd=z;PaSsWoRd=\"q\"",
            "pa\u{17F}\u{17F}word=w",
            "xpassword=no ?password=yes",
            "password=",
            "password=;pwd=ok",
            "\u{2003}pwd=\u{2003}v",
            ";;password=a;password=b",
            "Module required username=\"u\" password=\"s3cret\";",
            "Module required password=\"two words; and more\" user=x;",
            "Server=db;Password='a b;c';User Id=sa pwd=\"unclosed to the end\nnext=1",
            "password=\"a\"b\" pwd='x\r\ny' passwd=\"\"",
            "password='x' pwd=\"\" passwd=\" y\" password=\"\"z password= 'w'",
            "redis:6379,password=s3cret,ssl=True,abortConnect=False",
            "h,pwd= a;b ,password=\"q\",passwd=x&y",
            ",password=,pwd=;x;,password=a,b",
        ] {
            for (re, hand) in password_patterns() {
                assert_eq!(hand(v), by_expression(re, v), "{v:?}");
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20_000))]
        /// Texts made of the pieces the two patterns care about, and a few others.
        #[test]
        fn password_finders_match_the_builtin_patterns(
            v in proptest::collection::vec(
                proptest::sample::select(vec![
                    "://", ":", "/", "@", " ", "\n", "\r", "\u{a0}", "a", "Z", "9", "+", ".", "-",
                    "http", "u", "p", "é", "=", ";", "\"", "'", "?", "&", "password", "PWD",
                    "passwd", "pa\u{17F}\u{17F}wd", "Password", "x", ",",
                ]),
                0..12,
            )
        ) {
            let v = v.concat();
            for (re, hand) in password_patterns() {
                prop_assert_eq!(hand(&v), by_expression(re, &v), "{:?}", v);
            }
        }
    }
}
