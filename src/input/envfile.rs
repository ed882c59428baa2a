//! Service configuration written as `.env` files and Java `.properties` files.
//!
//! Both are read into one configuration document: a mapping of keys to string values with the
//! span of every entry (its key through its value), as the TOML and YAML loaders produce, so
//! the configuration rules read them unchanged.
//!
//! * `.env` (Docker Compose, dotenv, Vite, Rails…): `KEY=value`, `export KEY=value`, single
//!   quotes (literal), double quotes (escapes; both may span lines), `#` comments (in an
//!   unquoted value after a space), blank lines. Keys stay flat, as a Compose environment's.
//! * `.properties` (Spring Boot's `application.properties`, Kafka, JDBC, Gradle): `key=value`,
//!   `key: value`, `key value`, `#`/`!` comments, backslash line continuations, `\uXXXX`
//!   escapes. A dotted key is nested (`spring.datasource.password` is
//!   `{spring: {datasource: {password: …}}}`), as Spring reads the same setting in
//!   `application.yml`; a key both set and used as a prefix (`a.b=1`, `a.b.c=2`) keeps its later
//!   entries flat at the top. Values are typed as `application.yml`'s would be: `true`,
//!   `false` and decimal integers are booleans and numbers, the rest text.
//!
//! A line that cannot be read is a located problem; the other lines are read all the same.

use crate::input::{Loaded, config};
use crate::source::span::{Children, Span, SpanTree};
use crate::source::{Problem, SourceFile};
use serde_json::{Map, Value};
use std::sync::Arc;

/// Most problems reported for one file; a file with more is no such file (a binary, a script).
const MAX_PROBLEMS: usize = 20;

/// True for a `.env` file's name: `.env`, `.env.example`, `.env.production`, `app.env`.
pub fn is_env_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n == ".env" || n.starts_with(".env.") || (n.ends_with(".env") && n.len() > 4)
}

/// Words of `.properties` files' names that say they hold service configuration (Spring Boot's
/// `application-prod.properties`, `bootstrap.properties`, JDBC and Hibernate settings, Kafka's
/// `server.properties`, `zookeeper.properties`, `controller.properties` and clients' (an
/// `admin.properties` holds the admin client's SASL login), a service's own
/// `my-service.properties` or `app.properties`, Gradle's `gradle.properties`, which holds
/// repository and signing credentials).
const PROPERTIES_STEMS: &[&str] = &[
    "application",
    "app",
    "service",
    "svc",
    "api",
    "bootstrap",
    "config",
    "configuration",
    "conf",
    "settings",
    "db",
    "database",
    "jdbc",
    "datasource",
    "hibernate",
    "liquibase",
    "quartz",
    "hikari",
    "mail",
    "smtp",
    "redis",
    "kafka",
    "zookeeper",
    "broker",
    "controller",
    "streams",
    "admin",
    "server",
    "client",
    "producer",
    "consumer",
    "connect",
    "sasl",
    "ssl",
    "gradle",
    "credentials",
    "secrets",
    "env",
    "environment",
    "prod",
    "production",
    "staging",
    "dev",
];

/// Words of names that hold no settings even beside a word of [`PROPERTIES_STEMS`]: resource
/// bundles (`app_messages.properties`: `error.password=Password is required` is a sentence),
/// logging, build and wrapper files (`gradle-wrapper.properties`, Ant's `build.properties`).
const NOT_CONFIG_WORDS: &[&str] = &[
    "messages",
    "message",
    "labels",
    "strings",
    "text",
    "texts",
    "i18n",
    "l10n",
    "lang",
    "language",
    "locale",
    "translations",
    "bundle",
    "log4j",
    "log4j2",
    "logging",
    "logback",
    "wrapper",
    "build",
    "pom",
    "project",
    "version",
    "git",
];

/// Language codes a resource bundle's name ends with (`messages_fr`, `app_pt_BR`).
const LANGUAGES: &[&str] = &[
    "ar", "bg", "ca", "cs", "da", "de", "el", "en", "es", "et", "eu", "fa", "fi", "fr", "gl", "he",
    "hi", "hr", "hu", "id", "it", "ja", "ko", "lt", "lv", "ms", "nb", "nl", "no", "pl", "pt", "ro",
    "ru", "sk", "sl", "sr", "sv", "th", "tr", "uk", "vi", "zh",
];

/// Folders of resource bundles: a `.properties` file below one is no service configuration.
const BUNDLE_FOLDERS: &[&str] = &[
    "i18n",
    "l10n",
    "lang",
    "langs",
    "locale",
    "locales",
    "messages",
    "translations",
];

/// True for a `.properties` file's name that holds service configuration: one of its words
/// (split at `.`, `-` and `_`) is one of [`PROPERTIES_STEMS`] (`application-prod.properties`,
/// `jdbc.dev.properties`, `my-service.properties`, `kafka-consumer.properties`), none is one of
/// [`NOT_CONFIG_WORDS`], and it does not end with a language (`app_fr.properties`,
/// `application_pt_BR.properties`: a resource bundle's translation).
pub fn is_config_properties_name(name: &str) -> bool {
    let Some(stem) = name.strip_suffix(".properties") else {
        return false;
    };
    let parts: Vec<&str> = stem.split('_').collect();
    let locale = match parts.as_slice() {
        [.., lang, country]
            if parts.len() >= 3
                && country.len() == 2
                && country.bytes().all(|b| b.is_ascii_uppercase()) =>
        {
            LANGUAGES.contains(lang)
        }
        [_, .., lang] if parts.len() >= 2 => LANGUAGES.contains(lang),
        _ => false,
    };
    let lower = stem.to_ascii_lowercase();
    // A numbered file is its word's (Kafka's `server01.properties`, `broker-2.properties`).
    let words: Vec<&str> = lower
        .split(['.', '-', '_'])
        .map(|w| w.trim_end_matches(|c: char| c.is_ascii_digit()))
        .collect();
    !locale
        && words.iter().any(|w| PROPERTIES_STEMS.contains(w))
        && !words.iter().any(|w| NOT_CONFIG_WORDS.contains(w))
}

/// True for a `.properties` file at `path` that holds service configuration: named so
/// ([`is_config_properties_name`]) and in no resource bundles' folder (`i18n/`).
pub fn is_config_properties_path(path: &str) -> bool {
    let mut parts = path.rsplit(['/', '\\']);
    let name = parts.next().unwrap_or(path);
    is_config_properties_name(name)
        && !parts.any(|d| BUNDLE_FOLDERS.contains(&d.to_ascii_lowercase().as_str()))
}

/// Servers whose own configuration file is a list of `name value` directives, one a line:
/// Redis (`redis.conf`, `redis-6379.conf`, `sentinel.conf`, and its forks Valkey and KeyDB),
/// Mosquitto (`mosquitto.conf`) and RabbitMQ's new-style `rabbitmq.conf` (`name = value`).
const DIRECTIVE_SERVERS: &[&str] = &[
    "redis",
    "sentinel",
    "valkey",
    "keydb",
    "mosquitto",
    "rabbitmq",
];

/// Servers whose own configuration file is an INI file (`[section]` headers, `name = value`
/// lines, `;` or `#` comments): PgBouncer (`pgbouncer.ini`), whose `[databases]` entries are
/// libpq connection strings (`n8n = host=db dbname=n8n password=…`), and Grafana
/// (`grafana.ini`: `[security] admin_password`, `[database] password` and `ssl_mode`,
/// `[smtp] password` and `skip_verify`; session cfg35), read as Grafana's INI library reads it
/// ([`IniDialect::Grafana`]).
const INI_SERVERS: &[&str] = &["pgbouncer", "grafana"];

/// How an INI file's lines are read.
#[derive(Clone, Copy, PartialEq, Eq)]
enum IniDialect {
    /// PgBouncer's: `name = value`, the rest of the line the value (a connection string's
    /// `#` or `;` included), a value wholly in quotes unquoted.
    Plain,
    /// Grafana's (go-ini with its defaults): `=` or `:` after the name, whichever comes first;
    /// a value in `"""…"""`, `"…"` or `` `…` `` is what the quotes hold, any other value ends at
    /// the first `#` or `;` (Grafana's documentation: a password holding them is written in
    /// triple quotes).
    Grafana,
}

/// True for a server configuration file read as directives: a `.conf` file whose first or
/// last word (split at `.`, `-` and `_`, digits after it ignored) is one of
/// [`DIRECTIVE_SERVERS`] (`redis.conf`, `redis_6379.conf`, `mosquitto.conf`, `rabbitmq.conf`,
/// `sentinel-26379.conf`, `replica.redis.conf`).
pub fn is_directives_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    if is_postgresql_conf(&lower) || is_pg_hba(&lower) {
        return true;
    }
    let (stem, servers) = if let Some(stem) = lower.strip_suffix(".conf") {
        (stem, DIRECTIVE_SERVERS)
    } else if let Some(stem) = lower.strip_suffix(".ini") {
        (stem, INI_SERVERS)
    } else {
        return false;
    };
    let server = |w: &str| servers.contains(&w.trim_end_matches(|c: char| c.is_ascii_digit()));
    let mut words = stem.split(['.', '-', '_']).filter(|w| !w.is_empty());
    let first = words.next();
    let last = words.next_back();
    first.is_some_and(server) || last.is_some_and(server)
}

/// PostgreSQL's server configuration (`postgresql.conf`, `postgresql.auto.conf`,
/// `postgresql-custom.conf`, `replica.postgresql.conf`): `name = value` lines with `#` comments
/// anywhere (wild56).
fn is_postgresql_conf(lower: &str) -> bool {
    lower.strip_suffix(".conf").is_some_and(|stem| {
        let mut words = stem.split(['.', '-', '_']);
        words.next() == Some("postgresql") || words.next_back() == Some("postgresql")
    })
}

/// PostgreSQL's client authentication file (`pg_hba.conf`, `pg_hba-prod.conf`, `x.pg_hba.conf`).
fn is_pg_hba(lower: &str) -> bool {
    lower.strip_suffix(".conf").is_some_and(|stem| {
        stem.starts_with("pg_hba") || stem.ends_with(".pg_hba") || stem == "pg_hba"
    })
}

/// `text` with its `#` comments (outside `'…'` and `"…"`) blanked to the end of their line,
/// offsets kept: PostgreSQL's files allow a comment after a setting.
fn without_trailing_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut quote: Option<char> = None;
    let mut comment = false;
    for c in text.chars() {
        if c == '\n' {
            quote = None;
            comment = false;
            out.push(c);
            continue;
        }
        if comment {
            out.extend(std::iter::repeat_n(' ', c.len_utf8()));
            continue;
        }
        match (quote, c) {
            (None, '#') => {
                comment = true;
                out.push(' ');
                continue;
            }
            (None, '\'' | '"') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            _ => {}
        }
        out.push(c);
    }
    out
}

/// The records of a `pg_hba.conf` text (wild56), each a group of entries named for its line:
/// `pg_hba.<line>.type`, `.database`, `.user`, `.address` (a host record's, with its mask),
/// `.method`. `include*` lines are left (not followed); a line of another connection type is
/// a located problem.
fn parse_pg_hba(text: &str, report: &mut dyn FnMut(usize, String)) -> Vec<Entry> {
    let clean = without_trailing_comments(text);
    let mut out = Vec::new();
    for (line_no, (p, trimmed)) in trimmed_lines(&clean).enumerate() {
        if trimmed.is_empty() {
            continue;
        }
        // Fields: runs of non-blank text, a `"…"` run kept whole.
        let mut fields: Vec<(usize, usize)> = Vec::new();
        let b = trimmed.as_bytes();
        let mut i = 0;
        while i < b.len() {
            if b[i].is_ascii_whitespace() {
                i += 1;
                continue;
            }
            let start = i;
            let mut quoted = false;
            while i < b.len() && (quoted || !b[i].is_ascii_whitespace()) {
                if b[i] == b'"' {
                    quoted = !quoted;
                }
                i += 1;
            }
            fields.push((start, i));
        }
        let word = |k: usize| fields.get(k).map(|&(a, z)| &trimmed[a..z]);
        let kind = word(0).unwrap_or("").to_ascii_lowercase();
        if kind.starts_with("include") {
            continue;
        }
        let host = matches!(
            kind.as_str(),
            "host" | "hostssl" | "hostnossl" | "hostgssenc" | "hostnogssenc"
        );
        if !(host || kind == "local") || fields.len() < if host { 5 } else { 4 } {
            report(
                p,
                "invalid pg_hba.conf record: expected `local DATABASE USER METHOD` or `host DATABASE USER ADDRESS METHOD`"
                    .to_string(),
            );
            continue;
        }
        let mut names: Vec<(&str, usize, usize)> = vec![
            ("type", fields[0].0, fields[0].1),
            ("database", fields[1].0, fields[1].1),
            ("user", fields[2].0, fields[2].1),
        ];
        let mut next = 3;
        if host {
            let (a, z) = fields[3];
            // An address and a separate netmask (`192.168.0.0 255.255.0.0`).
            let mask = !trimmed[a..z].contains('/')
                && trimmed[a..z].contains('.')
                && word(4).is_some_and(|m| {
                    m.bytes().all(|c| c.is_ascii_digit() || c == b'.') && m.contains('.')
                })
                && fields.len() > 5;
            let z = if mask { fields[4].1 } else { z };
            names.push(("address", a, z));
            next = if mask { 5 } else { 4 };
        }
        let (a, z) = fields[next];
        names.push(("method", a, z));
        for (name, a, z) in names {
            let span = Span::new(p + a, p + z);
            out.push(Entry {
                key: format!("pg_hba.{}.{name}", line_no + 1),
                value: text[p + a..p + z].trim_matches('"').to_string(),
                key_span: span,
                value_span: span,
                tree: None,
            });
        }
    }
    out
}

/// One entry read: key, value, the key's span and the value's span (quotes included).
struct Entry {
    key: String,
    value: String,
    key_span: Span,
    value_span: Span,
    /// The entry's tree when it is written in another file than the document's (a Mosquitto
    /// `include_dir` file's): placed at the line that takes it in, its origin in that file.
    tree: Option<SpanTree>,
}

/// Loads a `.env` file as one configuration document.
pub fn load_env(file: &Arc<SourceFile>) -> Loaded {
    let mut problems = Vec::new();
    let entries = parse_env(&file.text, &mut |at, msg| {
        problem(file, &mut problems, at, msg)
    });
    document(file, flat(file, entries), problems)
}

/// Loads a `.properties` file as one configuration document.
pub fn load_properties(file: &Arc<SourceFile>) -> Loaded {
    let mut problems = Vec::new();
    let entries = parse_properties(&file.text, &mut |at, msg| {
        problem(file, &mut problems, at, msg)
    });
    document(file, nested(file, entries), problems)
}

/// Loads a server's directives file (`redis.conf`, `mosquitto.conf`, `rabbitmq.conf`) as one
/// configuration document: `name value` or `name = value` a line, `#` comments on their own
/// lines, a value wholly in quotes unquoted (Redis' `requirepass "a b"`), dotted names nested
/// as in `.properties` (`ssl_options.verify`), a name written again keeping its later value.
pub fn load_directives(file: &Arc<SourceFile>) -> Loaded {
    let mut problems = Vec::new();
    let name = file.path.rsplit(['/', '\\']).next().unwrap_or(&file.path);
    let lower = name.to_ascii_lowercase();
    let mut entries = if lower.ends_with(".ini") {
        let dialect = if lower.contains("grafana") {
            IniDialect::Grafana
        } else {
            IniDialect::Plain
        };
        parse_ini(&file.text, dialect, &mut |at, msg| {
            problem(file, &mut problems, at, msg)
        })
    } else if is_pg_hba(&lower) {
        parse_pg_hba(&file.text, &mut |at, msg| {
            problem(file, &mut problems, at, msg)
        })
    } else if is_postgresql_conf(&lower) {
        let clean = without_trailing_comments(&file.text);
        let mut entries =
            parse_directives(&clean, &mut |at, msg| problem(file, &mut problems, at, msg));
        // `include 'file'`, `include_dir 'conf.d'` are not followed.
        entries.retain(|e| !e.key.starts_with("include"));
        entries
    } else {
        parse_directives(&file.text, &mut |at, msg| {
            problem(file, &mut problems, at, msg)
        })
    };
    let mut extended = Vec::new();
    if name.to_ascii_lowercase().contains("mosquitto") {
        entries = mosquitto_include_dirs(file, entries, &mut extended, &mut problems);
        mosquitto_listeners(&mut entries);
    }
    let (value, spans) = nested(file, entries);
    // The text's scan of credentials reads `name: value` and `name=value`, not a directive's
    // `name value`: every credential of the document is marked from its place instead, so a
    // value no rule reports (an ACL user's hashed password) is masked where the file is shown.
    // (Nodes of `include_dir` files are placed at their `include_dir` line: not marked here.)
    if extended.is_empty() {
        crate::source::secrets::mark_document(file, &value, &spans);
    } else {
        let (v, t) = nested(file, parse_directives(&file.text, &mut |_, _| {}));
        crate::source::secrets::mark_document(file, &v, &t);
    }
    let mut loaded = document(file, (value, spans), problems);
    if let Some(doc) = loaded.documents.first_mut() {
        doc.extended = extended;
    }
    loaded
}

/// Files read through one Mosquitto `include_dir` at most.
const MAX_INCLUDE_DIR_FILES: usize = 64;

/// Mosquitto's `include_dir DIR` (wild56): the broker reads every `*.conf` file of the folder,
/// in name order (byte order: capitals first), where the line stands, as part of the main
/// file: a `listener` section written in `conf.d/websockets.conf` is judged with the main
/// file's `allow_anonymous`, as the broker merges them. The folder is found as nginx's
/// includes are: by the path's last one, two or three parts (`/mosquitto/config/conf.d` is
/// `conf.d`) from the file's folder or one or two above it; a folder not in the repository
/// is the server's and stays quiet. An included entry's node is placed at the `include_dir`
/// line with its origin in its own file ([`crate::input::Extended`]), so a finding stays at
/// that file's line. A file that cannot be read is a located problem at the `include_dir`
/// line; a line the grammar refuses is one at its own file's line.
fn mosquitto_include_dirs(
    file: &SourceFile,
    entries: Vec<Entry>,
    extended: &mut Vec<crate::input::Extended>,
    problems: &mut Vec<Problem>,
) -> Vec<Entry> {
    if !entries.iter().any(|e| e.key == "include_dir") {
        return entries;
    }
    let Some(fs_dir) = file.fs_path.as_ref().and_then(|p| p.parent()) else {
        return entries;
    };
    let shown_dir = file.path.rsplit_once('/').map_or("", |(d, _)| d);
    let mut out = Vec::with_capacity(entries.len());
    for e in entries {
        if e.key != "include_dir" || e.tree.is_some() {
            out.push(e);
            continue;
        }
        let site = entry_tree(file, &e).focus;
        let at = Some(file.lines.pos_at_offset(&file.text, site.start as usize));
        let folder = mosquitto_folder(fs_dir, shown_dir, e.value.trim_matches(['"', '\'']));
        out.push(e);
        let Some((dir, shown)) = folder else {
            continue;
        };
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .map(|rd| {
                rd.filter_map(|d| d.ok())
                    .filter(|d| d.path().is_file())
                    .filter_map(|d| d.file_name().into_string().ok())
                    .filter(|n| n.ends_with(".conf") && !n.starts_with('.'))
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        for (i, n) in names.into_iter().enumerate() {
            let inc_shown = crate::source::resolve_dots(&format!("{shown}/{n}"));
            if i >= MAX_INCLUDE_DIR_FILES {
                problems.push(Problem::note(
                    &file.path,
                    at,
                    format!("`include_dir`: {inc_shown} and the files after it not read (more than {MAX_INCLUDE_DIR_FILES} files)"),
                ));
                break;
            }
            let fs_path = dir.join(&n);
            let text = match std::fs::read(&fs_path)
                .map_err(|err| err.to_string())
                .and_then(|b| crate::source::decode(&inc_shown, b).map_err(|p| p.message))
            {
                Ok(t) => t,
                Err(err) => {
                    problems.push(Problem::error(
                        &file.path,
                        at,
                        format!("`include_dir`: {inc_shown} cannot be read ({err}); its settings are not checked"),
                    ));
                    continue;
                }
            };
            let inc = SourceFile::new(inc_shown, Some(fs_path), text);
            let inc_entries =
                parse_directives(&inc.text, &mut |at, msg| problem(&inc, problems, at, msg));
            // Its own credentials are marked in it, as when it is read as itself.
            let (v, t) = nested(&inc, parse_directives(&inc.text, &mut |_, _| {}));
            crate::source::secrets::mark_document(&inc, &v, &t);
            for mut ie in inc_entries {
                ie.tree = Some(crate::input::reached_from(&entry_tree(&inc, &ie), site));
                out.push(ie);
            }
            extended.push(crate::input::Extended {
                site,
                file: inc,
                deeper: Vec::new(),
            });
        }
    }
    out
}

/// The folder a Mosquitto `include_dir` names, in the repository, and its display path: the
/// path's last one, two or three parts from `fs_dir` or a folder one or two above it (not
/// `fs_dir` itself, which the broker refuses).
fn mosquitto_folder(
    fs_dir: &std::path::Path,
    shown_dir: &str,
    path: &str,
) -> Option<(std::path::PathBuf, String)> {
    let parts: Vec<&str> = path
        .split(['/', '\\'])
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    if parts.is_empty() || parts.contains(&"..") {
        return None;
    }
    for k in 1..=parts.len().min(3) {
        let suffix = parts[parts.len() - k..].join("/");
        let mut base = fs_dir.to_path_buf();
        let mut ups = String::new();
        for _ in 0..3 {
            let dir = base.join(&suffix);
            if dir.is_dir() && dir != fs_dir {
                let shown = [shown_dir, ups.as_str(), suffix.as_str()]
                    .iter()
                    .filter(|p| !p.is_empty())
                    .copied()
                    .collect::<Vec<_>>()
                    .join("/");
                return Some((dir, crate::source::resolve_dots(&shown)));
            }
            if !base.pop() {
                break;
            }
            ups = if ups.is_empty() {
                "..".to_string()
            } else {
                format!("{ups}/..")
            };
        }
    }
    None
}

/// Each line of `text` without its surrounding white space, with the offset where what is
/// left starts.
fn trimmed_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut start = 0;
    text.split('\n').filter_map(move |line| {
        let at = start;
        start += line.len() + 1;
        (at < text.len()).then(|| {
            let rest = line.trim_start();
            (at + line.len() - rest.len(), rest.trim_end())
        })
    })
}

/// The entries of a directives text: a name up to white space or `=`, then an optional `=`,
/// then the rest of the line. A line starting with `=` is a located problem.
fn parse_directives(text: &str, report: &mut dyn FnMut(usize, String)) -> Vec<Entry> {
    let mut out = Vec::new();
    for (p, trimmed) in trimmed_lines(text) {
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let key_len = trimmed
            .find(|c: char| c.is_whitespace() || c == '=')
            .unwrap_or(trimmed.len());
        if key_len == 0 {
            report(
                p,
                "invalid configuration line: a directive starts with its name".to_string(),
            );
            continue;
        }
        let key = &trimmed[..key_len];
        let rest = trimmed[key_len..].trim_start();
        let with_equals = rest.starts_with('=');
        let rest = rest.strip_prefix('=').map_or(rest, str::trim_start);
        let value_start = p + (trimmed.len() - rest.len());
        if !with_equals
            && let Some(entries) =
                redis_multi_word(key, rest, value_start, Span::new(p, p + key_len))
        {
            out.extend(entries);
            continue;
        }
        let value = match rest.as_bytes() {
            [q @ (b'"' | b'\''), .., last] if rest.len() >= 2 && last == q => {
                let inner = &rest[1..rest.len() - 1];
                if *q == b'"' {
                    inner.replace("\\\"", "\"").replace("\\\\", "\\")
                } else {
                    inner.to_string()
                }
            }
            _ => rest.to_string(),
        };
        out.push(Entry {
            key: key.to_string(),
            value,
            key_span: Span::new(p, p + key_len),
            value_span: Span::new(value_start, value_start + rest.len()),
            tree: None,
        });
    }
    out
}

/// The entries of an INI text (`pgbouncer.ini`, `grafana.ini`): `[section]` headers, then
/// `name = value` lines read as `section.name` (a value wholly in quotes unquoted, Grafana's as
/// [`IniDialect::Grafana`] says); whole-line `;` and `#` comments. A line that is neither a
/// header nor has a name before `=` is a located problem.
fn parse_ini(text: &str, dialect: IniDialect, report: &mut dyn FnMut(usize, String)) -> Vec<Entry> {
    let mut out = Vec::new();
    let mut section = String::new();
    for (p, trimmed) in trimmed_lines(text) {
        if trimmed.is_empty() || trimmed.starts_with(['#', ';']) {
            continue;
        }
        if let Some(rest) = trimmed.strip_prefix('[') {
            match rest.find(']') {
                Some(close) => section = rest[..close].trim().to_string(),
                None => report(
                    p,
                    "invalid INI line: a section header `[name]` is not closed".to_string(),
                ),
            }
            continue;
        }
        let eq = match dialect {
            IniDialect::Plain => trimmed.find('='),
            IniDialect::Grafana => trimmed.find(['=', ':']),
        };
        let Some(eq) = eq else {
            report(
                p,
                "invalid INI line: expected `name = value` or a `[section]` header".to_string(),
            );
            continue;
        };
        let key = trimmed[..eq].trim_end();
        if key.is_empty() {
            report(
                p,
                "invalid INI line: a setting starts with its name".to_string(),
            );
            continue;
        }
        let rest = trimmed[eq + 1..].trim_start();
        let value_start = p + (trimmed.len() - rest.len());
        let (value, rest) = match dialect {
            IniDialect::Plain => match rest.as_bytes() {
                [q @ (b'"' | b'\''), .., last] if rest.len() >= 2 && last == q => {
                    (rest[1..rest.len() - 1].to_string(), rest)
                }
                _ => (rest.to_string(), rest),
            },
            IniDialect::Grafana => grafana_ini_value(rest),
        };
        let key_span = Span::new(p, p + key.len());
        let key = if section.is_empty() {
            key.to_string()
        } else {
            format!("{section}.{key}")
        };
        out.push(Entry {
            key,
            value,
            key_span,
            value_span: Span::new(value_start, value_start + rest.len()),
            tree: None,
        });
    }
    out
}

/// A `grafana.ini` value (after `=` and the spaces after it): the value and the text it is
/// read from (its quotes included, a comment after it not). go-ini reads a value that starts
/// with `"""` to the next `"""`, one that starts with `"` or `` ` `` to the same quote again
/// (a quote not closed is the rest of the line, as written), and cuts any other at its first
/// `#` or `;`.
fn grafana_ini_value(rest: &str) -> (String, &str) {
    for q in ["\"\"\"", "\"", "`"] {
        if let Some(inner) = rest.strip_prefix(q)
            && let Some(close) = inner.find(q)
        {
            return (inner[..close].to_string(), &rest[..2 * q.len() + close]);
        }
    }
    let cut = rest.find(['#', ';']).unwrap_or(rest.len());
    let value = rest[..cut].trim_end();
    (value.to_string(), value)
}

/// Mosquitto's settings that belong to the `listener` above them (its TLS, protocol, address).
const MOSQUITTO_LISTENER_SETTINGS: &[&str] = &[
    "certfile",
    "keyfile",
    "cafile",
    "capath",
    "crlfile",
    "dhparamfile",
    "require_certificate",
    "tls_version",
    "ciphers",
    "ciphers_tls1.3",
    "psk_hint",
    "protocol",
    "socket_domain",
    "bind_interface",
    "http_dir",
    "max_connections",
    "mount_point",
    "use_identity_as_username",
    "use_subject_as_username",
    "use_username_as_clientid",
    "tls_engine",
    "tls_keyform",
];

/// Mosquitto's authentication settings: the listener's own under `per_listener_settings true`,
/// the whole broker's otherwise.
const MOSQUITTO_SECURITY_SETTINGS: &[&str] = &[
    "allow_anonymous",
    "password_file",
    "acl_file",
    "psk_file",
    "auth_plugin",
    "plugin",
];

/// Mosquitto's `listener PORT [ADDRESS]` sections (wild48): each listener's settings are its
/// own, so a TLS listener does not hide a plain one. `listener 8883` becomes
/// `listener.8883.listener = "8883"` and the settings after it that belong to a listener
/// (certificates, protocol; authentication too under `per_listener_settings true`)
/// `listener.8883.certfile`, …; the others stay the broker's.
fn mosquitto_listeners(entries: &mut [Entry]) {
    let per_listener = entries
        .iter()
        .any(|e| e.key.eq_ignore_ascii_case("per_listener_settings") && e.value.trim() == "true");
    let mut current: Option<String> = None;
    for e in entries.iter_mut() {
        if e.key == "listener" {
            let port = e.value.split_whitespace().next().unwrap_or("").to_string();
            if port.is_empty() || port.contains('.') {
                current = None;
                continue;
            }
            e.key = format!("listener.{port}.listener");
            current = Some(port);
            continue;
        }
        let Some(port) = &current else {
            continue;
        };
        let security = MOSQUITTO_SECURITY_SETTINGS.contains(&e.key.as_str())
            || e.key.starts_with("plugin_opt_")
            || e.key.starts_with("auth_opt_");
        if MOSQUITTO_LISTENER_SETTINGS.contains(&e.key.as_str()) || (per_listener && security) {
            e.key = format!("listener.{port}.{}", e.key);
        }
    }
}

/// The words of a Redis argument list with their offsets in `text`: split at white space, a
/// word in double or single quotes read whole (Redis' `sdssplitargs`), its quotes dropped.
fn redis_words(text: &str) -> Vec<(usize, usize, String)> {
    let mut out = Vec::new();
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        if b[i] == b'"' || b[i] == b'\'' {
            let q = b[i];
            let close = text[i + 1..].find(q as char).map_or(b.len(), |j| i + 1 + j);
            let word = text[i + 1..close].to_string();
            i = (close + 1).min(b.len());
            out.push((start, i, word));
        } else {
            while i < b.len() && !b[i].is_ascii_whitespace() {
                i += 1;
            }
            out.push((start, i, text[start..i].to_string()));
        }
    }
    out
}

/// Sentinel directives that name no master (`sentinel sentinel-pass PW`); every other one
/// takes the master's name first (`sentinel auth-pass mymaster PW`).
const SENTINEL_GLOBAL: &[&str] = &[
    "sentinel-user",
    "sentinel-pass",
    "announce-ip",
    "announce-port",
    "announce-hostnames",
    "resolve-hostnames",
    "deny-scripts-reconfig",
    "myid",
    "current-epoch",
];

/// Redis' directives of several words whose first words name what the last ones are, read so
/// that a credential is a value of its own under a name that says so (its mask then covers it
/// wherever the file is shown, a finding's neighbouring lines included):
/// - `sentinel auth-pass mymaster PW` is `sentinel.mymaster.auth-pass = PW`, and
///   `sentinel sentinel-pass PW` is `sentinel.sentinel-pass = PW`;
/// - an ACL user, `user alice on >PW ~* +@all`, is `user.alice.rules = on ~* +@all` with each
///   password rule (`>PW`, or `<PW`, which removes one) a `user.alice.password` value of its
///   own (`password_2`, … for more) and each hashed one (`#HEX`) a `password_hash`.
///
/// None for any other line, and for one-word values (Mosquitto's `user mosquitto` is the
/// account it runs as).
fn redis_multi_word(key: &str, rest: &str, at: usize, key_span: Span) -> Option<Vec<Entry>> {
    let is = |w: &str| key.eq_ignore_ascii_case(w);
    if !(is("sentinel") || is("user")) {
        return None;
    }
    let words = redis_words(rest);
    if words.len() < 2 {
        return None;
    }
    let entry = |name: String, from: usize, to: usize, value: String| Entry {
        key: name,
        value,
        key_span,
        value_span: Span::new(at + from, at + to),
        tree: None,
    };
    let tail = |from: usize| {
        let (s, _, _) = words[from];
        let e = words[words.len() - 1].1;
        let value = if words.len() - from == 1 {
            words[from].2.clone()
        } else {
            rest[s..e].to_string()
        };
        (s, e, value)
    };
    if is("sentinel") {
        let sub = &words[0].2;
        let (name, from) =
            if SENTINEL_GLOBAL.contains(&sub.to_ascii_lowercase().as_str()) || words.len() < 3 {
                (format!("{key}.{sub}"), 1)
            } else {
                (format!("{key}.{}.{sub}", words[1].2), 2)
            };
        let (s, e, value) = tail(from);
        return Some(vec![entry(name, s, e, value)]);
    }
    let user = &words[0].2;
    let mut out = Vec::new();
    let mut rules: Vec<&str> = Vec::new();
    let (mut passwords, mut hashes) = (0, 0);
    for (s, e, w) in &words[1..] {
        let numbered = |n: usize, base: &str| {
            if n == 1 {
                base.to_string()
            } else {
                format!("{base}_{n}")
            }
        };
        if let Some(pw) = w.strip_prefix('>').or_else(|| w.strip_prefix('<')) {
            passwords += 1;
            let name = format!("{key}.{user}.{}", numbered(passwords, "password"));
            out.push(entry(name, s + 1, *e, pw.to_string()));
        } else if let Some(hash) = w.strip_prefix('#') {
            hashes += 1;
            let name = format!("{key}.{user}.{}", numbered(hashes, "password_hash"));
            out.push(entry(name, *s, *e, hash.to_string()));
        } else {
            rules.push(w);
        }
    }
    let (s, e) = (words[1].0, words[words.len() - 1].1);
    out.insert(
        0,
        entry(format!("{key}.{user}.rules"), s, e, rules.join(" ")),
    );
    Some(out)
}

fn problem(file: &SourceFile, problems: &mut Vec<Problem>, at: usize, msg: String) {
    if problems.len() < MAX_PROBLEMS {
        problems.push(Problem::error(
            &file.path,
            Some(file.lines.pos_at_offset(&file.text, at)),
            msg,
        ));
    }
}

fn document(
    file: &Arc<SourceFile>,
    (value, spans): (Value, SpanTree),
    problems: Vec<Problem>,
) -> Loaded {
    Loaded {
        documents: vec![config::whole_file_document(file, value, spans)],
        problems,
    }
}

/// The tree of one entry: the value's span (what a credential's mask covers, as a YAML
/// scalar's), focused on the entry's key through its value on its first line (where a
/// finding points).
fn entry_tree(file: &SourceFile, e: &Entry) -> SpanTree {
    let mut t = SpanTree::leaf(e.value_span);
    t.focus = file
        .lines
        .first_line(&file.text, e.key_span.union(e.value_span));
    t
}

/// Entries as a flat mapping; a key written again replaces the earlier entry (Compose and
/// dotenv read the later one).
fn flat(file: &SourceFile, entries: Vec<Entry>) -> (Value, SpanTree) {
    let mut map = Map::new();
    let mut trees: Vec<(String, SpanTree)> = Vec::with_capacity(entries.len());
    for e in entries {
        let t = entry_tree(file, &e);
        if map.shift_remove(&e.key).is_some() {
            trees.retain(|(k, _)| *k != e.key);
        }
        map.insert(e.key.clone(), Value::String(e.value));
        trees.push((e.key, t));
    }
    let root = SpanTree {
        span: Span::new(0, file.text.len()),
        focus: Span::new(0, 0),
        children: Children::Map(trees),
        origin: None,
    };
    (Value::Object(map), root)
}

/// A mapping under construction: keys in source order.
enum Node {
    Leaf(String, SpanTree),
    Map(Vec<(String, Node)>),
}

/// Puts a leaf at `segs` under `entries`; Err when a segment is already a leaf (or the last
/// one already a mapping).
fn put(entries: &mut Vec<(String, Node)>, segs: &[&str], leaf: Node) -> Result<(), Node> {
    let Some((first, rest)) = segs.split_first() else {
        return Err(leaf);
    };
    let at = entries.iter().position(|(k, _)| k == first);
    if rest.is_empty() {
        return match at {
            Some(i) if matches!(entries[i].1, Node::Leaf(..)) => {
                // Written again: the later value counts (java.util.Properties), at its place.
                entries.remove(i);
                entries.push((first.to_string(), leaf));
                Ok(())
            }
            Some(_) => Err(leaf),
            None => {
                entries.push((first.to_string(), leaf));
                Ok(())
            }
        };
    }
    let i = match at {
        Some(i) => i,
        None => {
            entries.push((first.to_string(), Node::Map(Vec::new())));
            entries.len() - 1
        }
    };
    match &mut entries[i].1 {
        Node::Map(children) => put(children, rest, leaf),
        Node::Leaf(..) => Err(leaf),
    }
}

/// The most dot-separated segments of a key nested as mappings.
const MAX_KEY_SEGMENTS: usize = 64;

/// Entries as a mapping nested at the dots of their keys.
fn nested(file: &SourceFile, entries: Vec<Entry>) -> (Value, SpanTree) {
    let mut root: Vec<(String, Node)> = Vec::new();
    for mut e in entries {
        let t = e.tree.take().unwrap_or_else(|| entry_tree(file, &e));
        let leaf = Node::Leaf(e.value, t);
        let segs: Vec<&str> = e.key.split('.').collect();
        // A key of more segments than any setting has stays flat: nesting recurses once a
        // segment, and a generated key of thousands of dots would overflow the stack.
        let leaf = if segs.len() > MAX_KEY_SEGMENTS || segs.iter().any(|s| s.is_empty()) {
            leaf
        } else {
            match put(&mut root, &segs, leaf) {
                Ok(()) => continue,
                Err(leaf) => leaf,
            }
        };
        // Flat at the top: a key with an empty segment, or one whose prefix is a value.
        root.retain(|(k, n)| !(k == &e.key && matches!(n, Node::Leaf(..))));
        root.push((e.key, leaf));
    }
    let (value, mut tree) = convert(root, Span::new(0, file.text.len()));
    tree.focus = Span::new(0, 0);
    (value, tree)
}

fn convert(entries: Vec<(String, Node)>, own: Span) -> (Value, SpanTree) {
    let mut map = Map::new();
    let mut trees = Vec::with_capacity(entries.len());
    let mut span: Option<Span> = None;
    for (k, n) in entries {
        let (v, t) = match n {
            Node::Leaf(s, t) => (typed(s), t),
            Node::Map(children) => convert(children, own),
        };
        let cover = t.span.union(t.focus);
        span = Some(span.map_or(cover, |s| s.union(cover)));
        map.insert(k.clone(), v);
        trees.push((k, t));
    }
    let span = span.unwrap_or(own);
    (
        Value::Object(map),
        SpanTree {
            span,
            focus: span,
            children: Children::Map(trees),
            origin: None,
        },
    )
}

/// A `.properties` value typed as `application.yml` would type it (YAML 1.2 core schema), so
/// `spring.datasource.password=1208` is the number `password: 1208` is, and
/// `server.ssl.enabled=false` the boolean: `true`/`false` in any of YAML's cases, and decimal
/// integers without a leading zero that fit 64 bits. Everything else stays text.
fn typed(s: String) -> Value {
    match s.as_str() {
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    let digits = s.strip_prefix(['-', '+']).unwrap_or(&s);
    let decimal = !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && (digits == "0" || !digits.starts_with('0'));
    if decimal && let Ok(n) = s.trim_start_matches('+').parse::<i64>() {
        return Value::Number(n.into());
    }
    Value::String(s)
}

/// A `.env` key: letters, digits, `_`, `.` and `-`, not starting with a digit.
fn valid_env_key(k: &str) -> bool {
    !k.is_empty()
        && !k.starts_with(|c: char| c.is_ascii_digit())
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
}

/// The entries of a `.env` text; `report(offset, message)` is told of each unreadable line.
fn parse_env(text: &str, report: &mut dyn FnMut(usize, String)) -> Vec<Entry> {
    let mut out = Vec::new();
    let mut pos = 0;
    while pos < text.len() {
        let line_end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
        let line = &text[pos..line_end];
        let indent = line.len() - line.trim_start().len();
        let body = line.trim_start();
        if body.is_empty() || body.starts_with('#') {
            pos = line_end + 1;
            continue;
        }
        let mut start = pos + indent;
        if let Some(rest) = body.strip_prefix("export")
            && rest.starts_with([' ', '\t'])
        {
            start += 6 + (rest.len() - rest.trim_start().len());
        }
        // `KEY: value`, as Docker Compose's `env_file` reader and Node's dotenv read it: a
        // variable name, then `:` before any `=` and followed by a space or the line's end
        // (session cfg35: PhotoPrism's Portainer `stack.env`).
        let rest = &text[start..line_end];
        let colon = rest.find(':').filter(|&c| {
            !rest[..c].contains('=')
                && valid_env_key(rest[..c].trim_end())
                && rest[c + 1..]
                    .chars()
                    .next()
                    .is_none_or(|ch| matches!(ch, ' ' | '\t' | '\r'))
        });
        let Some(eq) = colon.or_else(|| rest.find('=')) else {
            let word = text[start..line_end].trim_end();
            // `export KEY` (export a variable set elsewhere) sets nothing, nor does a bare
            // `KEY`: Compose's `env_file` and `docker run --env-file` pass that variable on
            // from the environment they run in.
            if !valid_env_key(word) {
                report(start, "invalid .env line: expected KEY=value".to_string());
            }
            pos = line_end + 1;
            continue;
        };
        let raw_key = &text[start..start + eq];
        let key = raw_key.trim_end();
        if !valid_env_key(key) {
            // The name as far as a `:`: what follows one is a value (`my-key: pw=…`), and a
            // problem's message never quotes a value (session cfg35).
            let shown = key.split(':').next().unwrap_or(key).trim_end();
            report(
                start,
                format!(
                    "invalid .env line: {:?} is not a variable name (letters, digits and _)",
                    shown.chars().take(40).collect::<String>()
                ),
            );
            pos = line_end + 1;
            continue;
        }
        let key_span = Span::new(start, start + key.len());
        let mut v = start + eq + 1;
        while v < line_end && matches!(text.as_bytes()[v], b' ' | b'\t') {
            v += 1;
        }
        let quote = text[v..line_end].chars().next();
        let (value, value_end, resume) = match quote {
            Some(q @ ('\'' | '"' | '`')) => match quoted(text, v + 1, q) {
                Some((value, close)) => {
                    let after_end = text[close..].find('\n').map_or(text.len(), |i| close + i);
                    (value, close, after_end)
                }
                None => {
                    report(
                        v,
                        format!("invalid .env line: the {q} quote of {key} is not closed"),
                    );
                    pos = line_end + 1;
                    continue;
                }
            },
            _ => {
                let raw = &text[v..line_end];
                let mut end = raw.len();
                let bytes = raw.as_bytes();
                for (i, b) in bytes.iter().enumerate() {
                    if *b == b'#' && (i == 0 || matches!(bytes[i - 1], b' ' | b'\t')) {
                        end = i;
                        break;
                    }
                }
                let value = raw[..end].trim_end().trim_end_matches('\r');
                (value.to_string(), v + value.len(), line_end)
            }
        };
        out.push(Entry {
            key: key.to_string(),
            value,
            key_span,
            value_span: Span::new(v, value_end.max(v)),
            tree: None,
        });
        pos = resume + 1;
    }
    out
}

/// A quoted `.env` value from `from` (after the opening quote): its text and the offset just
/// past the closing quote; None when it is not closed. Double quotes read escapes.
fn quoted(text: &str, from: usize, q: char) -> Option<(String, usize)> {
    let mut out = String::new();
    let mut chars = text[from..].char_indices();
    while let Some((i, c)) = chars.next() {
        if c == q {
            return Some((out, from + i + 1));
        }
        if c == '\\' && q == '"' {
            match chars.next() {
                Some((_, 'n')) => out.push('\n'),
                Some((_, 't')) => out.push('\t'),
                Some((_, 'r')) => out.push('\r'),
                Some((_, e)) => {
                    if !matches!(e, '"' | '\\' | '$' | '`') {
                        out.push('\\');
                    }
                    out.push(e);
                }
                None => return None,
            }
            continue;
        }
        out.push(c);
    }
    None
}

/// The entries of a `.properties` text (java.util.Properties' grammar).
fn parse_properties(text: &str, report: &mut dyn FnMut(usize, String)) -> Vec<Entry> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut pos = 0;
    let line_end = |p: usize| text[p..].find('\n').map_or(text.len(), |i| p + i);
    while pos < text.len() {
        // Skip the line's leading white space.
        let mut p = pos;
        while p < text.len() && matches!(bytes[p], b' ' | b'\t' | b'\x0c' | b'\r') {
            p += 1;
        }
        let end = line_end(p);
        if p >= end || matches!(bytes[p], b'#' | b'!') {
            pos = end + 1;
            continue;
        }
        // The logical line: natural lines joined where one ends in an odd number of `\`.
        let mut chars: Vec<(usize, char)> = Vec::new();
        let mut seg_start = p;
        let logical_end;
        loop {
            let e = line_end(seg_start);
            let mut seg = &text[seg_start..e];
            seg = seg.strip_suffix('\r').unwrap_or(seg);
            let trailing = seg.len() - seg.trim_end_matches('\\').len();
            if trailing % 2 == 1 && e < text.len() {
                let kept = &seg[..seg.len() - 1];
                chars.extend(kept.char_indices().map(|(i, c)| (seg_start + i, c)));
                let mut n = e + 1;
                while n < text.len() && matches!(bytes[n], b' ' | b'\t' | b'\x0c') {
                    n += 1;
                }
                seg_start = n;
            } else {
                let kept = if trailing % 2 == 1 {
                    &seg[..seg.len() - 1]
                } else {
                    seg
                };
                chars.extend(kept.char_indices().map(|(i, c)| (seg_start + i, c)));
                logical_end = seg_start + kept.len();
                pos = e + 1;
                break;
            }
        }
        // Key: up to an unescaped `=`, `:` or white space.
        let mut i = 0;
        let mut key = String::new();
        let mut bad: Option<usize> = None;
        while i < chars.len() {
            let c = chars[i].1;
            if matches!(c, '=' | ':' | ' ' | '\t' | '\x0c') {
                break;
            }
            if c == '\\' {
                i = unescape(&chars, i, &mut key, &mut bad);
            } else {
                key.push(c);
                i += 1;
            }
        }
        let key_end = chars.get(i).map_or(logical_end, |c| c.0);
        while i < chars.len() && matches!(chars[i].1, ' ' | '\t' | '\x0c') {
            i += 1;
        }
        if i < chars.len() && matches!(chars[i].1, '=' | ':') {
            i += 1;
            while i < chars.len() && matches!(chars[i].1, ' ' | '\t' | '\x0c') {
                i += 1;
            }
        }
        let value_start = chars.get(i).map_or(logical_end, |c| c.0);
        let mut value = String::new();
        while i < chars.len() {
            if chars[i].1 == '\\' {
                i = unescape(&chars, i, &mut value, &mut bad);
            } else {
                value.push(chars[i].1);
                i += 1;
            }
        }
        if let Some(at) = bad {
            report(
                at,
                "invalid .properties line: malformed \\uXXXX escape".to_string(),
            );
            continue;
        }
        out.push(Entry {
            key,
            value,
            key_span: Span::new(p, key_end.max(p)),
            value_span: Span::new(value_start, logical_end.max(value_start)),
            tree: None,
        });
    }
    out
}

/// Reads the escape at `chars[i]` (a `\`) into `out`; returns the index after it. A malformed
/// `\u` escape sets `bad` to its offset.
fn unescape(chars: &[(usize, char)], i: usize, out: &mut String, bad: &mut Option<usize>) -> usize {
    let Some(&(_, c)) = chars.get(i + 1) else {
        return i + 1;
    };
    match c {
        't' => out.push('\t'),
        'n' => out.push('\n'),
        'r' => out.push('\r'),
        'f' => out.push('\x0c'),
        'u' => {
            let hex: String = chars.iter().skip(i + 2).take(4).map(|c| c.1).collect();
            match (hex.len() == 4)
                .then(|| u32::from_str_radix(&hex, 16).ok())
                .flatten()
            {
                Some(n) => {
                    out.push(char::from_u32(n).unwrap_or('\u{fffd}'));
                    return i + 6;
                }
                None => {
                    bad.get_or_insert(chars[i].0);
                    return (i + 2 + hex.len()).min(chars.len());
                }
            }
        }
        other => out.push(other),
    }
    i + 2
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::span::PathSeg;
    use serde_json::json;

    fn load(name: &str, text: &str) -> Loaded {
        let file = SourceFile::new(name.into(), None, text.to_string());
        if name.ends_with(".properties") {
            load_properties(&file)
        } else if name.ends_with(".conf") || name.ends_with(".ini") {
            load_directives(&file)
        } else {
            load_env(&file)
        }
    }

    /// (line, column) of the start and end of the focus at `path`.
    fn focus(l: &Loaded, path: &[&str]) -> (u32, u32, u32, u32) {
        let d = &l.documents[0];
        let p: Vec<PathSeg> = path.iter().map(|k| PathSeg::Key(k.to_string())).collect();
        let s = d.spans.get(&p).unwrap().focus;
        let (a, b) = (d.file.pos(s.start), d.file.pos(s.end));
        (a.line, a.column, b.line, b.column)
    }

    #[test]
    fn directive_names() {
        for n in [
            "redis.conf",
            "redis_6379.conf",
            "Redis-6380.conf",
            "sentinel.conf",
            "replica.redis.conf",
            "valkey.conf",
            "mosquitto.conf",
            "mosquitto-tls.conf",
            "rabbitmq.conf",
            "pgbouncer.ini",
            "pgbouncer-prod.ini",
        ] {
            assert!(is_directives_name(n), "{n}");
        }
        for n in [
            "nginx.conf",
            "redis.conf.template",
            "redis.yaml",
            "my-redis-proxy.conf",
            "supervisord.conf",
            "redis",
            "tox.ini",
            "pgbouncer.conf",
        ] {
            assert!(!is_directives_name(n), "{n}");
        }
    }

    /// Redis' directives of several words: a sentinel's master password and an ACL user's
    /// passwords are values of their own, under names that say what they are (session 31: the
    /// whole line was one value under `sentinel` or `user`, so no credential name covered the
    /// password, and a finding on the next line showed it).
    #[test]
    fn redis_multi_word_directives() {
        let text = "sentinel monitor mymaster 10.0.0.5 6379 2\nsentinel auth-pass mymaster \"p w\"\nsentinel sentinel-pass peerpw\nuser alice on >pw1 ~* >pw2 #abc123 +@all\n";
        let l = load("sentinel.conf", text);
        assert!(l.problems.is_empty(), "{:?}", l.problems);
        let v = &l.documents[0].value;
        assert_eq!(
            v["sentinel"]["mymaster"]["monitor"],
            json!("10.0.0.5 6379 2")
        );
        assert_eq!(v["sentinel"]["mymaster"]["auth-pass"], json!("p w"));
        assert_eq!(v["sentinel"]["sentinel-pass"], json!("peerpw"));
        assert_eq!(v["user"]["alice"]["rules"], json!("on ~* +@all"));
        assert_eq!(v["user"]["alice"]["password"], json!("pw1"));
        assert_eq!(v["user"]["alice"]["password_2"], json!("pw2"));
        assert_eq!(v["user"]["alice"]["password_hash"], json!("abc123"));
        // A one-word `user` (Mosquitto's account) stays a plain value, at the top.
        let l = load("mosquitto.conf", "user mosquitto\n");
        assert_eq!(l.documents[0].value["user"], json!("mosquitto"));
        // Findings point at the directive, key through value.
        let l = load("sentinel.conf", text);
        assert_eq!(
            focus(&l, &["sentinel", "mymaster", "auth-pass"]),
            (2, 1, 2, 34)
        );
        assert_eq!(focus(&l, &["user", "alice", "password"]), (4, 1, 4, 19));
    }

    /// `pgbouncer.ini` (session wild55: not read at all, so a `[databases]` connection string's
    /// password went unreported): sections nest their settings, `;` and `#` comment lines,
    /// a broken header or a line without `=` is a located problem.
    #[test]
    fn ini_grammar() {
        let text = "; pooler\n[databases]\napp = host=db password=pw1\n* = host=db\n\n[pgbouncer]\n# listen\nlisten_port = 6432\nauth_type=md5\n[broken\nno value here\n";
        let l = load("pgbouncer.ini", text);
        assert_eq!(l.problems.len(), 2, "{:?}", l.problems);
        assert_eq!(l.problems[0].pos.unwrap().line, 10);
        assert_eq!(l.problems[1].pos.unwrap().line, 11);
        let v = &l.documents[0].value;
        assert_eq!(v["databases"]["app"], json!("host=db password=pw1"));
        assert_eq!(v["databases"]["*"], json!("host=db"));
        assert_eq!(v["pgbouncer"]["listen_port"], json!(6432));
        assert_eq!(v["pgbouncer"]["auth_type"], json!("md5"));
        assert_eq!(focus(&l, &["databases", "app"]), (3, 1, 3, 27));
    }

    #[test]
    fn directives_grammar() {
        let text = "# comment\n  bind 0.0.0.0 ::1\r\nrequirepass \"a \\\"b\\\" c\"\nmasterauth 'x y'\n\ndefault_pass = guest pw\nssl_options.verify=verify_none\nlisteners.tcp = none\nsave 900 1\nsave 60 100\nappendonly\n= orphan\n";
        let l = load("redis.conf", text);
        assert_eq!(l.problems.len(), 1, "{:?}", l.problems);
        assert_eq!(l.problems[0].pos.unwrap().line, 12);
        let v = &l.documents[0].value;
        assert_eq!(v["bind"], json!("0.0.0.0 ::1"));
        assert_eq!(v["requirepass"], json!("a \"b\" c"));
        assert_eq!(v["masterauth"], json!("x y"));
        assert_eq!(v["default_pass"], json!("guest pw"));
        assert_eq!(v["ssl_options"]["verify"], json!("verify_none"));
        assert_eq!(v["listeners"]["tcp"], json!("none"));
        assert_eq!(v["save"], json!("60 100"));
        assert_eq!(v["appendonly"], json!(""));
        // Focus: key through value on its line; the value's span keeps its quotes.
        assert_eq!(focus(&l, &["requirepass"]), (3, 1, 3, 24));
        assert_eq!(focus(&l, &["bind"]), (2, 3, 2, 19));
        assert_eq!(focus(&l, &["ssl_options", "verify"]), (7, 1, 7, 31));
    }

    #[test]
    fn names() {
        for n in [
            ".env",
            ".env.example",
            ".ENV.production",
            "app.env",
            "config/db.env",
        ] {
            let name = n.rsplit('/').next().unwrap();
            assert!(is_env_name(name), "{n}");
        }
        for n in ["env", "environment.yaml", ".envrc", "x.env.yaml"] {
            assert!(!is_env_name(n), "{n}");
        }
        for n in [
            "application.properties",
            "application-prod.properties",
            "bootstrap.properties",
            "gradle.properties",
            "jdbc.dev.properties",
            "svc.application.properties",
            "Application_Local.properties",
            "app.properties",
            "my-service.properties",
            "consumer.properties",
            "zookeeper.properties",
            "kafka-client-ssl.properties",
            "server01.properties",
            "admin.properties",
            "controller.properties",
            "application_prod.properties",
        ] {
            assert!(is_config_properties_name(n), "{n}");
        }
        for n in [
            "messages.properties",
            "messages_fr.properties",
            "log4j.properties",
            "gradle-wrapper.properties",
            "ValidationMessages.properties",
            "application.yml",
            "app_fr.properties",
            "application_pt_BR.properties",
            "app-messages.properties",
            "build.properties",
            "version.properties",
            "git.properties",
            "log4j2-dev.properties",
        ] {
            assert!(!is_config_properties_name(n), "{n}");
        }
        assert!(is_config_properties_path("kafka/config/server.properties"));
        assert!(!is_config_properties_path(
            "src/main/resources/i18n/app.properties"
        ));
    }

    #[test]
    fn env_grammar() {
        let text = "# comment\n\nexport A=1\nB = two words # note\nC='lit $X \\n'\nD=\"esc\\n\\\"q\\\"\"\nE=\nF=a#b\nG=\"multi\nline\" # c\nH=${DB_PASSWORD}\r\nI=last\n";
        let l = load(".env", text);
        assert!(l.problems.is_empty(), "{:?}", l.problems);
        assert_eq!(
            l.documents[0].value,
            json!({"A": "1", "B": "two words", "C": "lit $X \\n", "D": "esc\n\"q\"", "E": "", "F": "a#b", "G": "multi\nline", "H": "${DB_PASSWORD}", "I": "last"})
        );
        assert_eq!(focus(&l, &["A"]), (3, 8, 3, 11));
        assert_eq!(focus(&l, &["B"]), (4, 1, 4, 14));
        assert_eq!(focus(&l, &["I"]), (12, 1, 12, 7));
        assert_eq!(l.documents[0].subtype, "generic");
    }

    #[test]
    fn env_bad_lines_are_located_and_skipped() {
        let l = load(
            ".env",
            "A=1\nnot a setting\n1X=2\nB='open\nC=3\nPASSED_ON\n",
        );
        let lines: Vec<u32> = l.problems.iter().map(|p| p.pos.unwrap().line).collect();
        assert_eq!(lines, [2, 3, 4]);
        assert!(l.problems[0].message.contains("expected KEY=value"));
        assert_eq!(l.documents[0].value, json!({"A": "1", "C": "3"}));
        // A later entry replaces an earlier one.
        let l = load(".env", "A=1\nB=2\nA=3\n");
        assert_eq!(l.documents[0].value, json!({"B": "2", "A": "3"}));
        assert_eq!(focus(&l, &["A"]), (3, 1, 3, 4));
    }

    /// `KEY: value` lines are read as Compose's env_file and Node's dotenv read them, and an
    /// invalid name's message quotes no value written after a `:` (session cfg35).
    #[test]
    fn env_colon_lines_are_read_and_a_bad_names_value_is_not_quoted() {
        let l = load(
            ".env",
            "INIT: \"https tensorflow\" # options\nDB_URL: postgres://u:Tq8vLp2xWz@db/app?sslmode=disable\nEMPTY:\nA=b:c\nmy key: Wq7vLp2xTz=1\n",
        );
        assert_eq!(
            l.documents[0].value,
            json!({"INIT": "https tensorflow", "DB_URL": "postgres://u:Tq8vLp2xWz@db/app?sslmode=disable", "EMPTY": "", "A": "b:c"})
        );
        assert_eq!(l.problems.len(), 1);
        assert_eq!(l.problems[0].pos.unwrap().line, 5);
        assert!(l.problems[0].message.contains("\"my key\""));
        assert!(!l.problems[0].message.contains("Wq7vLp2xTz"));
    }

    #[test]
    fn a_key_of_thousands_of_dots_stays_flat() {
        let key = vec!["a"; 100_000].join(".");
        let l = load("application.properties", &format!("{key}=1\nb.c=2\n"));
        assert!(l.problems.is_empty(), "{:?}", l.problems);
        assert_eq!(l.documents[0].value["b"]["c"], json!(2));
        assert_eq!(l.documents[0].value[key.as_str()], json!(1));
    }

    #[test]
    fn properties_grammar() {
        let text = "# c\n! c\nspring.datasource.url=jdbc:x\nspring.datasource.password : hunter2xyz\nkey value with spaces\nport=8080\nzip=0123\nssl=False\nlong = a,\\\n    b,\\\n    c\nuni=\\u0041\\t\nlogging.level=INFO\nlogging.level.root=WARN\nempty\n";
        let l = load("application.properties", text);
        assert!(l.problems.is_empty(), "{:?}", l.problems);
        assert_eq!(
            l.documents[0].value,
            json!({
                "spring": {"datasource": {"url": "jdbc:x", "password": "hunter2xyz"}},
                "key": "value with spaces",
                "port": 8080,
                "zip": "0123",
                "ssl": false,
                "long": "a,b,c",
                "uni": "A\t",
                "logging": {"level": "INFO"},
                "logging.level.root": "WARN",
                "empty": ""
            })
        );
        assert_eq!(
            focus(&l, &["spring", "datasource", "password"]),
            (4, 1, 4, 40)
        );
        // A continued entry points at its first line.
        assert_eq!(focus(&l, &["long"]).0, 9);
        let d = &l.documents[0];
        let long = d.spans.get(&[PathSeg::Key("long".into())]).unwrap().span;
        assert_eq!(d.file.pos(long.end).line, 11);
        // The node's span is the value (what a mask covers); its focus starts at the key.
        let pw = d
            .spans
            .get(&[
                PathSeg::Key("spring".into()),
                PathSeg::Key("datasource".into()),
                PathSeg::Key("password".into()),
            ])
            .unwrap()
            .span;
        assert_eq!(&text[pw.start as usize..pw.end as usize], "hunter2xyz");
    }

    #[test]
    fn properties_bad_escape_is_located() {
        let l = load("application.properties", "a=1\nb=\\u00zz\nc=3\n");
        assert_eq!(l.problems.len(), 1);
        assert_eq!(l.problems[0].pos.unwrap().line, 2);
        assert_eq!(l.documents[0].value, json!({"a": 1, "c": 3}));
    }

    fn char_aligned(l: &Loaded, text: &str) -> bool {
        fn walk(t: &SpanTree, text: &str) -> bool {
            let ok = |o: u32| (o as usize) <= text.len() && text.is_char_boundary(o as usize);
            ok(t.span.start)
                && ok(t.span.end)
                && ok(t.focus.start)
                && ok(t.focus.end)
                && match &t.children {
                    Children::Map(m) => m.iter().all(|(_, c)| walk(c, text)),
                    Children::Seq(s) => s.iter().all(|c| walk(c, text)),
                    Children::Leaf => true,
                }
        }
        l.documents.iter().all(|d| walk(&d.spans, text))
    }

    proptest::proptest! {
        #[test]
        fn loaders_never_panic_and_spans_are_char_aligned(text in "(\\PC|[=:#!'\"`\\\\ \t\r\n.<>]|export |\\\\u00|\nuser |\nsentinel )*") {
            let l = load(".env", &text);
            proptest::prop_assert!(char_aligned(&l, &text));
            let l = load("application.properties", &text);
            proptest::prop_assert!(char_aligned(&l, &text));
            let l = load("redis.conf", &text);
            proptest::prop_assert!(char_aligned(&l, &text));
        }
    }
}
