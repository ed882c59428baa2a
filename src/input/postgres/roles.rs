//! Roles (CREATE/ALTER/DROP ROLE, USER, GROUP) into the model: as sqlparser read them, or
//! from their tokens when it cannot. A password is kept as what was written (literal, hashed,
//! `NULL`), never its value. A string the credential detector reads as a reference or a
//! placeholder (`'${app_password}'` of a Flyway or envsubst template, `'<password>'`,
//! `'changeme'`) is no literal: the masking of outputs leaves it too.

use super::ctx::Ctx;
use super::grants::role_at;
use super::lex::Kind;
use super::model::{Grant, Password, Role, UserMapping};
use super::stmt::{Stmt, ident, name_parts};
use crate::source::secrets::{password_placeholder, secret_name};
use crate::source::span::Span;
use sqlparser::ast::{AlterRoleOperation, CreateRole, Expr, RoleOption, Value as SqlValue};

/// Each role attribute with the keywords that set and clear it.
const ROLE_FLAGS: &[(&str, &str, &str)] = &[
    ("superuser", "SUPERUSER", "NOSUPERUSER"),
    ("createdb", "CREATEDB", "NOCREATEDB"),
    ("createrole", "CREATEROLE", "NOCREATEROLE"),
    ("inherit", "INHERIT", "NOINHERIT"),
    ("login", "LOGIN", "NOLOGIN"),
    ("replication", "REPLICATION", "NOREPLICATION"),
    ("bypassrls", "BYPASSRLS", "NOBYPASSRLS"),
];

/// The span of the keyword that set role attribute `name` (`LOGIN` or `NOLOGIN` for `login`).
fn flag_span(st: &Stmt, name: &str) -> Option<Span> {
    let (_, yes, no) = ROLE_FLAGS.iter().find(|(n, _, _)| *n == name)?;
    st.kw_span(&[yes, no])
}

/// An MD5 or SCRAM verifier rather than a clear-text password.
pub(super) fn hashed_verifier(s: &str) -> bool {
    (s.len() == 35 && s.starts_with("md5") && s[3..].bytes().all(|b| b.is_ascii_hexdigit()))
        || s.starts_with("SCRAM-SHA-256$")
}

/// `DROP ROLE|USER|GROUP`: the role leaves the model; one given a literal password is kept in
/// `dropped_roles`, since the password stays in the file and in its history.
pub(super) fn drop_role(ctx: &mut Ctx, name: &str) {
    let (gone, kept): (Vec<_>, Vec<_>) = std::mem::take(&mut ctx.schema.roles)
        .into_iter()
        .partition(|r| r.name == name);
    ctx.schema.roles = kept;
    for r in gone {
        if r.password.as_ref().is_some_and(|p| p.literal) {
            ctx.schema.dropped_roles.retain(|d| d.name != r.name);
            ctx.schema.dropped_roles.push(r);
        }
    }
}

pub(super) fn create_role(ctx: &mut Ctx, st: &Stmt, cr: &CreateRole, as_user: bool) {
    let (whole, focus) = (st.whole(), st.focus());
    for n in &cr.names {
        let name = name_parts(n).join(".");
        drop_role(ctx, &name);
        let role = ctx.schema.role_or_stub(&name, whole, focus);
        role.created = true;
        role.kind = if as_user {
            "user".into()
        } else if st.toks.get(1).is_some_and(|t| t.is(st.src, "GROUP")) {
            "group".into()
        } else {
            "role".into()
        };
        let flags = [
            ("login", cr.login),
            ("inherit", cr.inherit),
            ("bypassrls", cr.bypassrls),
            ("superuser", cr.superuser),
            ("createdb", cr.create_db),
            ("createrole", cr.create_role),
            ("replication", cr.replication),
        ];
        for (opt, value) in flags {
            if let Some(v) = value {
                role.set_option(opt, v, flag_span(st, opt).unwrap_or(focus));
            }
        }
        if as_user && cr.login.is_none() {
            role.set_option("login", true, focus);
        }
        if let Some(p) = &cr.password {
            role.password = Some(password(st, p));
        }
    }
}

/// `ALTER ROLE name [WITH] options` and `ALTER ROLE name RENAME TO new`, as sqlparser read them.
pub(super) fn alter_role(
    ctx: &mut Ctx,
    st: &Stmt,
    name: &sqlparser::ast::Ident,
    operation: &AlterRoleOperation,
) {
    let (whole, focus) = (st.whole(), st.focus());
    let name = ident(name);
    match operation {
        AlterRoleOperation::WithOptions { options } => {
            let role = ctx.schema.role_or_stub(&name, whole, focus);
            for o in options {
                role_option(role, st, o);
            }
        }
        AlterRoleOperation::RenameRole { role_name } => {
            if let Some(r) = ctx.schema.roles.iter_mut().find(|r| r.name == name) {
                r.name = ident(role_name);
            }
        }
        _ => {}
    }
}

fn password(st: &Stmt, p: &sqlparser::ast::Password) -> Password {
    // PASSWORD and its value: reports mask string constants inside a finding's span
    let at_kw = st.toks.iter().position(|t| t.is(st.src, "PASSWORD"));
    let span = match at_kw.and_then(|i| Some((st.toks.get(i)?, st.toks.get(i + 1)?))) {
        Some((kw, value)) => st.span(kw.start, value.end),
        None => st.focus(),
    };
    // `PASSWORD :'app_password'`: psql's variable, read as a string (rewrite), is no literal.
    if at_kw
        .and_then(|i| st.toks.get(i + 1))
        .is_some_and(|t| t.text(st.src) == ":")
    {
        let end = at_kw.and_then(|i| st.toks.get(i + 2)).map(|t| t.end);
        return Password {
            literal: false,
            hashed: false,
            null: false,
            span: match (at_kw, end) {
                (Some(i), Some(end)) => st.span(st.toks[i].start, end),
                _ => span,
            },
        };
    }
    match p {
        sqlparser::ast::Password::NullPassword => Password {
            literal: false,
            hashed: false,
            null: true,
            span,
        },
        sqlparser::ast::Password::Password(e) => {
            let text = match e {
                Expr::Value(v) => match &v.value {
                    SqlValue::SingleQuotedString(s)
                    | SqlValue::EscapedStringLiteral(s)
                    | SqlValue::UnicodeStringLiteral(s) => Some(s.as_str()),
                    SqlValue::DollarQuotedString(d) => Some(d.value.as_str()),
                    _ => None,
                },
                _ => None,
            };
            let hashed = text.is_some_and(hashed_verifier);
            Password {
                literal: text.is_some_and(|t| !password_placeholder(t)),
                hashed,
                null: false,
                span,
            }
        }
    }
}

fn role_option(role: &mut Role, st: &Stmt, o: &RoleOption) {
    let focus = st.focus();
    let mut flag =
        |name: &str, v: bool| role.set_option(name, v, flag_span(st, name).unwrap_or(focus));
    match o {
        RoleOption::BypassRLS(v) => flag("bypassrls", *v),
        RoleOption::CreateDB(v) => flag("createdb", *v),
        RoleOption::CreateRole(v) => flag("createrole", *v),
        RoleOption::Inherit(v) => flag("inherit", *v),
        RoleOption::Login(v) => flag("login", *v),
        RoleOption::Replication(v) => flag("replication", *v),
        RoleOption::SuperUser(v) => flag("superuser", *v),
        RoleOption::Password(p) => role.set_password(password(st, p)),
        _ => {}
    }
}

/// A password written as `PASSWORD '…'` / `PASSWORD NULL` (token `kw` is `PASSWORD`).
fn password_at(st: &Stmt, kw: usize) -> Option<Password> {
    let value = st.toks.get(kw + 1)?;
    let span = st.span(st.toks[kw].start, value.end);
    if value.is(st.src, "NULL") {
        return Some(Password {
            literal: false,
            hashed: false,
            null: true,
            span,
        });
    }
    if value.text(st.src) == ":" && st.toks.get(kw + 2).is_some_and(|t| t.kind == Kind::Str) {
        return Some(Password {
            literal: false,
            hashed: false,
            null: false,
            span: st.span(st.toks[kw].start, st.toks[kw + 2].end),
        });
    }
    if value.kind != Kind::Str {
        return None;
    }
    let text = value.text(st.src);
    let inner = text
        .trim_start_matches(['E', 'e'])
        .trim_matches('\'')
        .to_string();
    Some(Password {
        literal: !password_placeholder(&inner),
        hashed: hashed_verifier(&inner),
        null: false,
        span,
    })
}

/// `ALTER ROLE|USER name [WITH] options`, `ALTER … RENAME TO`, `ALTER GROUP g ADD|DROP USER …`.
/// Returns false when the statement is not one of them.
pub(super) fn alter_from_tokens(ctx: &mut Ctx, st: &Stmt) -> bool {
    if !st.is_kw(0, "ALTER")
        || !(st.is_kw(1, "ROLE") || st.is_kw(1, "USER") || st.is_kw(1, "GROUP"))
    {
        return false;
    }
    let Some(name) = role_at(st, 2, 2) else {
        return false;
    };
    let (whole, focus) = (st.whole(), st.focus());
    if st.is_kw(1, "GROUP") && (st.is_kw(3, "ADD") || st.is_kw(3, "DROP")) && st.is_kw(4, "USER") {
        let members = st
            .comma_split(5, st.toks.len())
            .into_iter()
            .filter_map(|(a, b)| role_at(st, a, b))
            .collect();
        let action = if st.is_kw(3, "ADD") {
            "grant"
        } else {
            "revoke"
        };
        ctx.schema.push_grant(Grant::new(
            action,
            "role".into(),
            vec![name],
            members,
            whole,
            focus,
        ));
        return true;
    }
    if st.is_kw(3, "RENAME") && st.is_kw(4, "TO") {
        if let Some(new) = st.toks.get(5).map(|t| st.tok_ident(t))
            && let Some(r) = ctx.schema.roles.iter_mut().find(|r| r.name == name)
        {
            r.name = new;
        }
        return true;
    }
    let role = ctx.schema.role_or_stub(&name, whole, focus);
    let mut k = 3;
    while k < st.toks.len() {
        let t = &st.toks[k];
        if let Some((opt, _, no)) = ROLE_FLAGS
            .iter()
            .find(|(_, yes, no)| t.is(st.src, yes) || t.is(st.src, no))
        {
            role.set_option(opt, !t.is(st.src, no), st.tok_span(t));
        } else if t.is(st.src, "PASSWORD")
            && let Some(new) = password_at(st, k)
        {
            role.set_password(new);
            k += 1;
        }
        k += 1;
    }
    true
}

/// Whether a user mapping option holds a credential for the foreign server: `password`,
/// `passwd`, `pwd`, `sslpassword` (postgres_fdw), `odbc_PWD` (odbc_fdw), `secret` (an object
/// store's key); not `password_required` (postgres_fdw's switch) nor `user`, `username`.
fn credential_option(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    if n == "password_required" {
        return false;
    }
    ["password", "passwd", "pwd", "sslpassword"].contains(&n.as_str())
        || n.ends_with("_pwd")
        || n.ends_with("_password")
        || secret_name(name)
}

/// `CREATE USER MAPPING [IF NOT EXISTS] FOR user SERVER server [OPTIONS (name 'value', …)]`,
/// `ALTER USER MAPPING FOR user SERVER server OPTIONS ([ADD|SET|DROP] name ['value'], …)`,
/// read from the tokens (docs/robustness.md, session sql36). A mapping holds the credentials
/// postgres_fdw, dblink and other wrappers log in to the foreign server with; a password
/// written in it is a literal as a role's `PASSWORD '…'` is (never its value in the model).
/// A later `DROP USER MAPPING` (left to the reader's note) changes nothing: the password stays
/// in the file. Returns false when the statement is neither.
pub(super) fn user_mapping_from_tokens(ctx: &mut Ctx, st: &Stmt) -> bool {
    let verb = if st.is_kw(0, "CREATE") {
        "create"
    } else if st.is_kw(0, "ALTER") {
        "alter"
    } else {
        return false;
    };
    if !(st.is_kw(1, "USER") && st.is_kw(2, "MAPPING")) {
        return false;
    }
    let (whole, focus) = (st.whole(), st.focus());
    let Some(at_for) = st.find_kw(3, &["FOR"]) else {
        return true;
    };
    let user = st
        .toks
        .get(at_for + 1)
        .filter(|t| matches!(t.kind, Kind::Word | Kind::Quoted))
        .map(|t| st.tok_ident(t))
        .unwrap_or_default();
    let server = st
        .find_kw(at_for + 2, &["SERVER"])
        .and_then(|i| st.toks.get(i + 1))
        .filter(|t| matches!(t.kind, Kind::Word | Kind::Quoted))
        .map(|t| st.tok_ident(t))
        .unwrap_or_default();
    let mut mapping = UserMapping {
        user,
        server,
        statement: verb,
        options: Vec::new(),
        password: None,
        span: whole,
        focus,
    };
    if let Some(open) = st.find_kw(at_for + 2, &["OPTIONS"]).map(|i| i + 1)
        && st.toks.get(open).is_some_and(|t| t.kind == Kind::LParen)
        && let Some(close) = st.closing(open)
    {
        for (a, b) in st.comma_split(open + 1, close) {
            // ALTER's `ADD|SET|DROP name ['value']`
            let mut k = a;
            if verb == "alter"
                && (st.is_kw(k, "ADD") || st.is_kw(k, "SET") || st.is_kw(k, "DROP"))
                && k < b
            {
                k += 1;
            }
            let Some(name_tok) = st
                .toks
                .get(k)
                .filter(|t| matches!(t.kind, Kind::Word | Kind::Quoted))
            else {
                continue;
            };
            let name = st.tok_ident(name_tok);
            let value = st.toks.get(k + 1).filter(|t| k < b && t.kind == Kind::Str);
            if credential_option(&name)
                && let Some(v) = value
            {
                let text = v.text(st.src);
                let inner = text
                    .trim_start_matches(['E', 'e'])
                    .trim_matches('\'')
                    .to_string();
                let literal = !password_placeholder(&inner);
                // the first credential option, unless a later one holds a literal and it does not
                if mapping
                    .password
                    .as_ref()
                    .is_none_or(|(_, _, p)| literal && !p.literal)
                {
                    mapping.password = Some((
                        name.clone(),
                        st.tok_span(name_tok),
                        Password {
                            literal,
                            hashed: false,
                            null: false,
                            span: st.span(name_tok.start, v.end),
                        },
                    ));
                }
            }
            mapping.options.push(name);
        }
    }
    ctx.schema.user_mappings.push(mapping);
    true
}
