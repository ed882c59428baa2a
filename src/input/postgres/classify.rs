//! What kind a statement is, read from its first tokens: whether the model is built from it,
//! which ALTER TABLE actions count, its label in messages, and `search_path` changes.

use super::lex::{Kind, Tok, starts_with_words};

/// Statement kinds the model is built from: when one of them cannot be parsed, the file is
/// not fully checked (an error). Anything else that cannot be parsed is skipped with a note.
const MODELLED: &[&[&str]] = &[
    &["CREATE", "TABLE"],
    &["ALTER", "TABLE"],
    &["CREATE", "POLICY"],
    &["ALTER", "POLICY"],
    &["DROP", "POLICY"],
    &["GRANT"],
    &["REVOKE"],
    &["CREATE", "ROLE"],
    &["CREATE", "USER"],
    &["CREATE", "GROUP"],
    &["ALTER", "ROLE"],
    &["ALTER", "USER"],
    &["ALTER", "GROUP"],
    &["CREATE", "FUNCTION"],
    &["CREATE", "PROCEDURE"],
    &["ALTER", "FUNCTION"],
    &["ALTER", "PROCEDURE"],
    &["ALTER", "ROUTINE"],
    &["CREATE", "SCHEMA"],
    &["CREATE", "EXTENSION"],
    &["DROP", "TABLE"],
    &["TRUNCATE"],
    &["ALTER", "DEFAULT", "PRIVILEGES"],
];

/// Kinds read from their tokens when PostgreSQL accepts them, besides the modelled ones.
pub(super) const READ_WHEN_VALID: &[&[&str]] = &[
    &["DO"],
    &["COMMENT"],
    &["CREATE", "VIEW"],
    &["CREATE", "MATERIALIZED"],
    &["CREATE", "RECURSIVE"],
    &["ALTER", "VIEW"],
    &["ALTER", "MATERIALIZED"],
];

pub(super) fn is_modelled(src: &str, toks: &[Tok]) -> bool {
    !is_role_config(src, toks)
        && MODELLED
            .iter()
            .any(|words| starts_with_words(src, toks, words))
}

/// The first words of a statement, for messages: `CREATE TABLE`, `ALTER DEFAULT PRIVILEGES`.
pub(super) fn kind_label(src: &str, toks: &[Tok]) -> String {
    let words: Vec<String> = toks
        .iter()
        .take_while(|t| t.kind == Kind::Word)
        .take(3)
        .map(|t| t.text(src).to_uppercase())
        .collect();
    let n = match words.first().map(String::as_str) {
        Some("CREATE" | "ALTER" | "DROP") => {
            let skip = [
                "OR",
                "REPLACE",
                "TEMP",
                "TEMPORARY",
                "UNLOGGED",
                "UNIQUE",
                "MATERIALIZED",
                "DEFAULT",
                "EVENT",
                "FOREIGN",
                "TEXT",
            ];
            if words.get(1).is_some_and(|w| skip.contains(&w.as_str())) {
                3
            } else {
                2
            }
        }
        _ => 1,
    };
    let label = words.into_iter().take(n).collect::<Vec<_>>().join(" ");
    if label.is_empty() {
        "this".into()
    } else {
        label
    }
}

/// `ALTER ROLE r [IN DATABASE d] SET/RESET ...`: a role's session settings, not its attributes.
pub(super) fn is_role_config(src: &str, toks: &[Tok]) -> bool {
    let role_stmt = ["ROLE", "USER", "GROUP"]
        .iter()
        .any(|w| starts_with_words(src, toks, &["ALTER", w]));
    role_stmt
        && toks
            .iter()
            .skip(2)
            .any(|t| t.is(src, "SET") || t.is(src, "RESET") || t.is(src, "DATABASE"))
}

/// An ALTER TABLE action that changes what the model holds (RLS, columns, constraints, partitions).
pub(super) fn is_modelled_action(src: &str, toks: &[Tok]) -> bool {
    let w = |i: usize, kw: &str| toks.get(i).is_some_and(|t| t.is(src, kw));
    let rls = (w(0, "ENABLE") || w(0, "DISABLE") || w(0, "FORCE") || (w(0, "NO") && w(1, "FORCE")))
        && toks.iter().any(|t| t.is(src, "SECURITY"));
    let structural = ["ADD", "ATTACH", "DETACH", "RENAME"]
        .iter()
        .any(|k| w(0, k));
    let drop = w(0, "DROP")
        && (w(1, "COLUMN")
            || w(1, "CONSTRAINT")
            || !toks.get(1).is_some_and(|t| {
                t.kind == Kind::Word
                    && ["DEFAULT", "EXPRESSION", "IDENTITY", "NOT"]
                        .iter()
                        .any(|k| t.is(src, k))
            }));
    // `ALTER [COLUMN] name …`: a column may be named `type` (`ALTER COLUMN type SET STORAGE
    // external`), so the words that make the action modelled are looked for after the name
    let name_at = if w(1, "COLUMN") { 2 } else { 1 };
    let alter_col = w(0, "ALTER")
        && toks
            .iter()
            .skip(name_at + 1)
            .any(|t| t.is(src, "NULL") || t.is(src, "TYPE"));
    rls || structural || drop || alter_col
}

/// `SET search_path TO a, b` and `SELECT pg_catalog.set_config('search_path', 'a, b', ...)`.
pub(super) fn search_path_schema(src: &str, toks: &[Tok]) -> Option<String> {
    let first_of = |items: Vec<String>| -> String {
        items
            .into_iter()
            .map(|s| s.trim().trim_matches('"').to_string())
            .find(|s| !s.is_empty() && s != "$user")
            .unwrap_or_else(|| "public".into())
    };
    let unquote = |t: &Tok| t.text(src).trim_matches('\'').to_string();
    let mut i = 0;
    if toks.first().is_some_and(|t| t.is(src, "SET")) {
        i += 1;
        if toks
            .get(i)
            .is_some_and(|t| t.is(src, "SESSION") || t.is(src, "LOCAL"))
        {
            i += 1;
        }
        if !toks.get(i).is_some_and(|t| t.is(src, "search_path")) {
            return None;
        }
        let values: Vec<String> = toks
            .iter()
            .skip(i + 2)
            .filter(|t| t.kind != Kind::Comma)
            .map(|t| match t.kind {
                Kind::Str => unquote(t),
                Kind::Quoted => t.text(src).trim_matches('"').to_string(),
                _ => t.text(src).to_lowercase(),
            })
            .collect();
        if values.first().is_some_and(|v| v == "default") {
            return Some("public".into());
        }
        return Some(first_of(values));
    }
    let pos = toks.windows(3).position(|w| {
        w[0].kind == Kind::Str
            && w[0].text(src) == "'search_path'"
            && w[1].kind == Kind::Comma
            && w[2].kind == Kind::Str
    })?;
    if !toks.first().is_some_and(|t| t.is(src, "SELECT")) {
        return None;
    }
    let value = unquote(&toks[pos + 2]);
    Some(first_of(value.split(',').map(str::to_string).collect()))
}

/// Statements that cannot change the schema model: queries and data changes.
pub(super) const NOT_SCHEMA: &[&str] = &[
    "SELECT", "INSERT", "UPDATE", "DELETE", "MERGE", "EXPLAIN", "VALUES", "TABLE",
];
