//! Example and template files (`.env.example`, `config.example.toml`, `docker-compose.yml.dist`)
//! document the shape of a configuration: a person copies one and fills it in before anything
//! runs. A credential there that only names its slot (`postgres://user:pass@localhost/db`,
//! `SMTP_PASSWORD=password`, `password = "secretpassword"`) is a documentation placeholder: the
//! fix a rule asks for would change nothing. The decision is the file's role, by its name
//! (`example_file_words` of the settings), and the value's words (`example_secret_words`,
//! `example_qualifier_words`): a token shape (`AKIA…`, `ghp_…`, a private key), a
//! high-entropy string or any other password (`admin`, `postgres`, `S3cr3t!`) in such a file
//! is still a credential, and a weak default in a file that runs as it is (`docker-compose.yml`,
//! `.env`) is still reported.
//!
//! Masking is unchanged: these values are still masked in every output (hiding a placeholder
//! costs nothing; the rules only stop reporting it).

use super::detect::{find_shape, password_placeholder, reference_default};
use super::vocabulary::{Shape, vocabulary};

/// Whether a file's name says it is an example or a template of a configuration: one of
/// `example_file_words` among the name's words, split at `.`, `-` and `_` (`.env.example`,
/// `.env.sample`, `config.example.toml`, `application-example.yml`, `config_sample.yaml`,
/// `docker-compose.yml.example`), or one of `example_file_extensions` between dots
/// (`.env.dist`, `app.env.tpl`). Only the name: a `docker-compose.yml` under `examples/` is
/// run as it is; and no plural (`item-templates.yaml`, `max_samples_per_send.yml`).
pub fn example_file(path: &str) -> bool {
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    let voc = vocabulary();
    let among = |list: &[String], w: &str| list.iter().any(|x| x.eq_ignore_ascii_case(w));
    name.split(['.', '-', '_'])
        .any(|w| among(&voc.example_file_words, w))
        || name
            .split('.')
            .any(|w| among(&voc.example_file_extensions, w))
}

/// Whether the credential a secret rule found in `value` (the string at the finding's node;
/// `part`, the characters `[a, b)` the rule named, when it named some) is a documentation
/// placeholder: every password of its URLs or connection strings, or else the value itself
/// (after a Compose list item's `NAME=`, a reference's literal default and quotes), is made
/// of the example words. A token shape anywhere in the value keeps it a credential.
pub fn example_placeholder(value: &str, part: Option<(usize, usize)>) -> bool {
    if let Some((shape, _)) = find_shape(value)
        && !matches!(shape, Shape::UrlPassword | Shape::ConnectionString)
    {
        return false;
    }
    if let Some((a, b)) = part {
        let text: String = value.chars().skip(a).take(b.saturating_sub(a)).collect();
        return !text.is_empty() && placeholder_words(unquoted(&text));
    }
    let voc = vocabulary();
    let mut passwords = Vec::new();
    if value.contains("://") {
        passwords.extend(voc.url_password.find(value));
    }
    if value.contains('=') {
        passwords.extend(voc.conn_password.find(value));
    }
    let literal: Vec<&str> = passwords
        .iter()
        .map(|r| &value[r.clone()])
        .filter(|p| !password_placeholder(p))
        .collect();
    if !passwords.is_empty() {
        return !literal.is_empty() && literal.iter().all(|p| placeholder_words(unquoted(p)));
    }
    let mut v = value.trim();
    // A Compose list item `NAME=value`.
    if let Some((name, rest)) = v.split_once('=')
        && !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
    {
        v = rest;
    }
    let v = unquoted(v);
    placeholder_words(unquoted(reference_default(v).unwrap_or(v)))
}

fn unquoted(v: &str) -> &str {
    v.trim().trim_matches(|c| c == '"' || c == '\'').trim()
}

/// A text of ASCII letters made only of the example words, separated by `-`, `_`, `.` or
/// spaces or written together, with at least one secret word: `pass`, `db_password`,
/// `secretpassword`, `my-secret-key`; not `admin`, `postgres`, `password123`.
fn placeholder_words(v: &str) -> bool {
    let voc = vocabulary();
    if v.is_empty() || v.len() > 64 || voc.example_secret_words.is_empty() {
        return false;
    }
    let mut secret = false;
    for part in v.split(['-', '_', '.', ' ']).filter(|p| !p.is_empty()) {
        if !part.bytes().all(|b| b.is_ascii_alphabetic()) {
            return false;
        }
        match joined_words(&part.to_ascii_lowercase()) {
            Some(s) => secret |= s,
            None => return false,
        }
    }
    secret
}

/// Whether `w` (lower case) is the example words written together, and whether one of them
/// is a secret word: `Some(true)` for `dbpassword`, `Some(false)` for `myapp`, `None` for
/// `admin1` or `postgresx`.
fn joined_words(w: &str) -> Option<bool> {
    let voc = vocabulary();
    let n = w.len();
    // reach[i]: the first i bytes split into words, and whether a secret word was among them
    // (a split with one is kept over one without).
    let mut reach: Vec<Option<bool>> = vec![None; n + 1];
    reach[0] = Some(false);
    for i in 0..n {
        let Some(before) = reach[i] else { continue };
        let rest = &w[i..];
        let words = voc
            .example_secret_words
            .iter()
            .map(|x| (x, true))
            .chain(voc.example_qualifier_words.iter().map(|x| (x, false)));
        for (word, is_secret) in words {
            if !word.is_empty() && rest.starts_with(word.as_str()) {
                let at = &mut reach[i + word.len()];
                let now = before || is_secret;
                *at = Some(at.unwrap_or(false) || now);
            }
        }
    }
    reach[n]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn example_files_by_name() {
        for yes in [
            ".env.example",
            "app/.env.sample",
            ".env.dist",
            ".env.template",
            ".env.local.example",
            "example.env",
            "config.example.toml",
            "settings.sample.yaml",
            "src/main/resources/application-example.yml",
            "docker-compose.example.yml",
            "docker-compose.yml.example",
            "docker-compose.yml.dist",
            "app.env.tpl",
            "config_sample.yaml",
            "hmac-secret.tmpl.yml",
        ] {
            assert!(example_file(yes), "{yes}");
        }
        for no in [
            ".env",
            ".env.production",
            "docker-compose.yml",
            "examples/docker-compose.yml",
            "application.yml",
            "config.toml",
            "exampleapp.yml",
            "distribution.env",
            "item-templates.yaml",
            "remote_write_queue_max_samples_per_send_zero.bad.yml",
            "service-monitor-tpl-values.yaml",
        ] {
            assert!(!example_file(no), "{no}");
        }
    }

    #[test]
    fn placeholders_are_the_slot_words() {
        for yes in [
            "pass",
            "password",
            "PASSWORD",
            "secret",
            "\"secret\"",
            "secretpassword",
            "root_password",
            "my-secret-key",
            "dbpass",
            "CAFEBABE",
            "SMTP_PASSWORD=password",
            "${DB_PASSWORD:-password}",
            "postgres://user:pass@localhost:5432/db",
            "postgresql://documenso:password@127.0.0.1:54320/documenso",
            "Host=db;Username=app;Password=password",
        ] {
            assert!(example_placeholder(yes, None), "{yes}");
        }
        for no in [
            "admin",
            "postgres",
            "supersecret",
            "password123",
            "test_Password123",
            "S3cr3t!",
            "08d4e07cef9a3661fdd0dc7ebc795187",
            "AKIAIOSFODNN7EXAMPL1",
            "postgres://user:hunter2@localhost/db",
            "postgres://postgres:postgres@localhost/db",
            "postgres://user:pass@a/db postgres://user:s3cr3t@b/db",
            "MYSQL_PASSWORD=admin",
            "",
        ] {
            assert!(!example_placeholder(no, None), "{no}");
        }
        // The characters a rule named: the URL's password.
        let url = "postgres://user:pass@localhost/db";
        assert!(example_placeholder(url, Some((16, 20))));
        let url = "postgres://user:p4ss@localhost/db";
        assert!(!example_placeholder(url, Some((16, 20))));
    }
}
