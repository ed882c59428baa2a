//! Applies parsed statements, in file order, to the schema model.

use super::model::{Drop, Function, Grant, Index, Named, Password, Policy, Schema, TypeDef, at};
use super::stmt::{Stmt, ident, name_parts};
use super::tables;
use crate::source::span::Span;
use sqlparser::ast::{
    Action, AlterDefaultPrivilegesOperation, AlterFunctionAction, AlterFunctionOperation,
    AlterPolicyOperation, AlterRoleOperation, CreateFunction, CreatePolicyCommand,
    CreatePolicyType, CreateRole, Expr, FunctionDefinitionSetParam, FunctionSecurity,
    FunctionSetValue, GrantObjects, Grantee, GranteeName, GranteesType, ObjectName, ObjectType,
    Owner, Privileges, RoleOption, SchemaName, Statement, UserDefinedTypeRepresentation,
    Value as SqlValue,
};

pub(crate) struct Ctx {
    /// The schema of unqualified names (`public`, or the first of the last `SET search_path`).
    pub default_schema: String,
    pub schema: Schema,
}

impl Ctx {
    pub fn new() -> Ctx {
        Ctx {
            default_schema: "public".into(),
            schema: Schema::default(),
        }
    }

    /// `schema.name`, with unqualified names placed in the default schema.
    pub fn qualify(&self, n: &ObjectName) -> String {
        let parts = name_parts(n);
        match parts.as_slice() {
            [] => String::new(),
            [one] => format!("{}.{one}", self.default_schema),
            [.., s, t] => format!("{s}.{t}"),
        }
    }

    /// A new name for `old`: unqualified names stay in the schema of `old`.
    pub fn qualify_in(&self, old: &str, n: &ObjectName) -> String {
        let parts = name_parts(n);
        match parts.as_slice() {
            [one] => match old.rsplit_once('.') {
                Some((s, _)) => format!("{s}.{one}"),
                None => one.clone(),
            },
            _ => self.qualify(n),
        }
    }
}

pub(crate) fn owner_name(o: &Owner) -> String {
    match o {
        Owner::Ident(i) => ident(i),
        Owner::CurrentRole => "current_role".into(),
        Owner::CurrentUser => "current_user".into(),
        Owner::SessionUser => "session_user".into(),
    }
}

fn grantee_name(g: &Grantee) -> String {
    if matches!(g.grantee_type, GranteesType::Public) {
        return "public".into();
    }
    match &g.name {
        Some(GranteeName::ObjectName(n)) => name_parts(n).join("."),
        Some(other) => other.to_string(),
        None => g.to_string().to_lowercase(),
    }
}

fn is_true(e: &Expr) -> bool {
    match e {
        Expr::Nested(inner) => is_true(inner),
        Expr::Value(v) => matches!(v.value, SqlValue::Boolean(true)),
        _ => false,
    }
}

fn privileges(p: &Privileges) -> Vec<String> {
    match p {
        Privileges::All { .. } => vec!["all".into()],
        Privileges::Actions(actions) => actions.iter().map(action_name).collect(),
    }
}

/// Column privileges (`SELECT (a, b)`): each privilege given on columns, with its columns.
fn privilege_columns(p: &Privileges) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    if let Privileges::Actions(actions) = p {
        for a in actions {
            if let Action::Insert { columns: Some(c) }
            | Action::References { columns: Some(c) }
            | Action::Select { columns: Some(c) }
            | Action::Update { columns: Some(c) } = a
            {
                out.push((action_name(a), c.iter().map(ident).collect()));
            }
        }
    }
    out
}

fn action_name(a: &Action) -> String {
    let text = a.to_string().to_lowercase();
    let word = text.split(['(', ' ']).next().unwrap_or("");
    if word == "references"
        || word == "execute"
        || text.starts_with("temporary")
        || text.starts_with("temp")
    {
        return word.to_string();
    }
    word.to_string()
}

fn grant_objects(ctx: &Ctx, o: &Option<GrantObjects>) -> (String, Vec<String>) {
    let names = |v: &Vec<ObjectName>| v.iter().map(|n| ctx.qualify(n)).collect::<Vec<_>>();
    let plain = |v: &Vec<ObjectName>| {
        v.iter()
            .map(|n| name_parts(n).join("."))
            .collect::<Vec<_>>()
    };
    let funcs = |v: &Vec<sqlparser::ast::FunctionDesc>| {
        v.iter().map(|f| ctx.qualify(&f.name)).collect::<Vec<_>>()
    };
    match o {
        None => ("none".into(), Vec::new()),
        Some(GrantObjects::Tables(v)) => ("table".into(), names(v)),
        Some(GrantObjects::Views(v)) => ("table".into(), names(v)),
        Some(GrantObjects::Sequences(v)) => ("sequence".into(), names(v)),
        Some(GrantObjects::Schemas(v)) => ("schema".into(), plain(v)),
        Some(GrantObjects::Databases(v)) => ("database".into(), plain(v)),
        Some(GrantObjects::Functions(v)) => ("function".into(), funcs(v)),
        Some(GrantObjects::Procedures(v)) => ("procedure".into(), funcs(v)),
        Some(GrantObjects::Routines(v)) => ("routine".into(), funcs(v)),
        Some(GrantObjects::AllTablesInSchema { schemas }) => {
            ("all_tables_in_schema".into(), plain(schemas))
        }
        Some(GrantObjects::AllSequencesInSchema { schemas }) => {
            ("all_sequences_in_schema".into(), plain(schemas))
        }
        Some(GrantObjects::AllFunctionsInSchema { schemas }) => {
            ("all_functions_in_schema".into(), plain(schemas))
        }
        Some(GrantObjects::AllProceduresInSchema { schemas }) => {
            ("all_procedures_in_schema".into(), plain(schemas))
        }
        Some(GrantObjects::AllRoutinesInSchema { schemas }) => {
            ("all_routines_in_schema".into(), plain(schemas))
        }
        Some(other) => {
            let text = other.to_string().to_lowercase();
            (
                text.split_whitespace()
                    .next()
                    .unwrap_or("other")
                    .to_string(),
                Vec::new(),
            )
        }
    }
}

/// Applies one parsed statement.
pub(crate) fn apply(ctx: &mut Ctx, st: &Stmt, s: &Statement, created_as_user: bool) {
    let (whole, focus) = (st.whole(), st.focus());
    match s {
        Statement::CreateTable(ct) => tables::create_table(ctx, st, ct),
        Statement::AlterTable(at_) => tables::alter_table(ctx, st, at_),
        Statement::CreatePolicy(p) => {
            let policy = Policy {
                name: ident(&p.name),
                table: ctx.qualify(&p.table_name),
                command: match p.command {
                    None | Some(CreatePolicyCommand::All) => "all",
                    Some(CreatePolicyCommand::Select) => "select",
                    Some(CreatePolicyCommand::Insert) => "insert",
                    Some(CreatePolicyCommand::Update) => "update",
                    Some(CreatePolicyCommand::Delete) => "delete",
                }
                .into(),
                permissive: !matches!(p.policy_type, Some(CreatePolicyType::Restrictive)),
                roles: p.to.as_ref().map_or_else(
                    || vec!["public".into()],
                    |to| to.iter().map(owner_name).collect(),
                ),
                using: p.using.as_ref().map(|e| e.to_string()),
                with_check: p.with_check.as_ref().map(|e| e.to_string()),
                using_true: p.using.as_ref().is_some_and(is_true),
                check_true: p.with_check.as_ref().is_some_and(is_true),
                span: whole,
                focus,
            };
            ctx.schema
                .policies
                .retain(|x| !(x.name == policy.name && x.table == policy.table));
            ctx.schema.policies.push(policy);
        }
        Statement::AlterPolicy(ap) => {
            let (name, table) = (ident(&ap.name), ctx.qualify(&ap.table_name));
            if let Some(p) = ctx
                .schema
                .policies
                .iter_mut()
                .find(|p| p.name == name && p.table == table)
            {
                match &ap.operation {
                    AlterPolicyOperation::Rename { new_name } => p.name = ident(new_name),
                    AlterPolicyOperation::Apply {
                        to,
                        using,
                        with_check,
                    } => {
                        if let Some(to) = to {
                            p.roles = to.iter().map(owner_name).collect();
                        }
                        if let Some(u) = using {
                            p.using = Some(u.to_string());
                            p.using_true = is_true(u);
                        }
                        if let Some(c) = with_check {
                            p.with_check = Some(c.to_string());
                            p.check_true = is_true(c);
                        }
                        p.span = whole;
                        p.focus = focus;
                    }
                }
            }
        }
        Statement::DropPolicy(dp) => {
            let (name, table) = (ident(&dp.name), ctx.qualify(&dp.table_name));
            ctx.schema
                .policies
                .retain(|p| !(p.name == name && p.table == table));
        }
        Statement::CreateIndex(ci) => ctx.schema.indexes.push(Index {
            name: ci.name.as_ref().map(|n| name_parts(n).join(".")),
            table: ctx.qualify(&ci.table_name),
            columns: ci
                .columns
                .iter()
                .map(|c| c.column.expr.to_string())
                .collect(),
            unique: ci.unique,
            span: whole,
            focus,
        }),
        Statement::Grant(g) => {
            let (object_type, objects) = grant_objects(ctx, &g.objects);
            ctx.schema.push_grant(Grant {
                action: "grant",
                privileges: privileges(&g.privileges),
                columns: privilege_columns(&g.privileges),
                object_type,
                objects,
                grantees: g.grantees.iter().map(grantee_name).collect(),
                with_grant_option: g.with_grant_option,
                default_privileges: false,
                for_roles: Vec::new(),
                current_tables: None,
                span: whole,
                focus,
            });
        }
        Statement::Revoke(r) => {
            let (object_type, objects) = grant_objects(ctx, &r.objects);
            ctx.schema.push_grant(Grant {
                action: "revoke",
                privileges: privileges(&r.privileges),
                columns: privilege_columns(&r.privileges),
                object_type,
                objects,
                grantees: r.grantees.iter().map(grantee_name).collect(),
                with_grant_option: false,
                default_privileges: false,
                for_roles: Vec::new(),
                current_tables: None,
                span: whole,
                focus,
            });
        }
        Statement::AlterDefaultPrivileges(adp) => {
            let schemas: Vec<String> = adp
                .options
                .iter()
                .filter_map(|o| match o {
                    sqlparser::ast::DefaultPrivilegesOption::InSchema(v) => {
                        Some(v.iter().map(|n| name_parts(n).join(".")))
                    }
                    _ => None,
                })
                .flatten()
                .collect();
            let for_roles: Vec<String> = adp
                .options
                .iter()
                .filter_map(|o| match o {
                    sqlparser::ast::DefaultPrivilegesOption::ForRole(v) => {
                        Some(v.iter().map(ident))
                    }
                    _ => None,
                })
                .flatten()
                .collect();
            let (action, p, object_type, grantees, wgo) = match &adp.operation {
                AlterDefaultPrivilegesOperation::Grant {
                    privileges,
                    object_type,
                    grantees,
                    with_grant_option,
                } => (
                    "grant",
                    privileges,
                    object_type,
                    grantees,
                    *with_grant_option,
                ),
                AlterDefaultPrivilegesOperation::Revoke {
                    privileges,
                    object_type,
                    grantees,
                    ..
                } => ("revoke", privileges, object_type, grantees, false),
            };
            let ot = object_type.to_string().to_lowercase();
            let ot = ot.trim_end_matches('s');
            ctx.schema.push_grant(Grant {
                action,
                privileges: privileges(p),
                columns: privilege_columns(p),
                object_type: if ot == "table"
                    || ot == "sequence"
                    || ot == "function"
                    || ot == "schema"
                    || ot == "type"
                {
                    ot.into()
                } else {
                    ot.to_string()
                },
                objects: schemas,
                grantees: grantees.iter().map(grantee_name).collect(),
                with_grant_option: wgo,
                default_privileges: true,
                for_roles,
                current_tables: None,
                span: whole,
                focus,
            });
        }
        Statement::CreateRole(cr) => create_role(ctx, st, cr, created_as_user),
        Statement::AlterRole { name, operation } => {
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
        Statement::CreateFunction(cf) => create_function(ctx, st, cf),
        Statement::AlterFunction(af) => {
            let name = ctx.qualify(&af.function.name);
            let AlterFunctionOperation::Actions { actions, .. } = &af.operation else {
                return;
            };
            if !ctx.schema.functions.iter().any(|f| f.name == name) {
                let args = af.function.args.as_ref().map(|a| {
                    a.iter()
                        .map(|x| x.to_string().to_lowercase())
                        .collect::<Vec<_>>()
                        .join(", ")
                });
                ctx.schema.functions.push(Function {
                    name: name.clone(),
                    kind: "function".into(),
                    args: args.unwrap_or_default(),
                    language: None,
                    created: false,
                    security_definer: at(false, focus),
                    search_path: None,
                    config: Vec::new(),
                    span: whole,
                    focus,
                });
            }
            for f in ctx.schema.functions.iter_mut().filter(|f| f.name == name) {
                for a in actions {
                    match a {
                        AlterFunctionAction::Security { security, .. } => {
                            let span = st.kw_span(&["SECURITY"]).unwrap_or(focus);
                            f.security_definer =
                                at(matches!(security, FunctionSecurity::Definer), span);
                        }
                        AlterFunctionAction::Set(p) => {
                            set_param(f, p, st.kw_span(&["SET"]).unwrap_or(focus))
                        }
                        _ => {}
                    }
                }
            }
        }
        Statement::CreateSchema { schema_name, .. } => {
            let (name, auth) = match schema_name {
                SchemaName::Simple(n) => (name_parts(n).join("."), None),
                SchemaName::UnnamedAuthorization(i) => (ident(i), Some(ident(i))),
                SchemaName::NamedAuthorization(n, i) => (name_parts(n).join("."), Some(ident(i))),
            };
            let mut fields = Vec::new();
            if let Some(a) = auth {
                fields.push(("authorization", a));
            }
            ctx.schema.schemas.retain(|s| s.name != name);
            ctx.schema.schemas.push(Named {
                name,
                fields,
                span: whole,
                focus,
            });
        }
        Statement::CreateExtension(ce) => {
            let name = ident(&ce.name);
            let mut fields = Vec::new();
            if let Some(s) = &ce.schema {
                fields.push(("schema", ident(s)));
            }
            if let Some(v) = &ce.version {
                fields.push(("version", v.value.clone()));
            }
            ctx.schema.extensions.retain(|e| e.name != name);
            ctx.schema.extensions.push(Named {
                name,
                fields,
                span: whole,
                focus,
            });
        }
        Statement::Drop {
            object_type, names, ..
        } => {
            for n in names {
                match object_type {
                    ObjectType::Table => {
                        let table = ctx.qualify(n);
                        let partition = ctx.schema.partitions.iter().any(|p| p.child == table);
                        ctx.schema.tables.retain(|t| t.name != table);
                        ctx.schema
                            .partitions
                            .retain(|p| p.child != table && p.parent != table);
                        ctx.schema.policies.retain(|p| p.table != table);
                        ctx.schema.drops.push(Drop {
                            statement: "drop",
                            table,
                            partition,
                            span: whole,
                            focus,
                        });
                    }
                    ObjectType::Role | ObjectType::User | ObjectType::Group => {
                        let role = name_parts(n).join(".");
                        drop_role(ctx, &role);
                    }
                    _ => {}
                }
            }
        }
        Statement::DropFunction(df) => {
            for d in &df.func_desc {
                let name = ctx.qualify(&d.name);
                ctx.schema.functions.retain(|f| f.name != name);
            }
        }
        Statement::Truncate(t) => {
            for target in &t.table_names {
                let table = ctx.qualify(&target.name);
                ctx.schema.drops.push(Drop {
                    statement: "truncate",
                    table,
                    partition: false,
                    span: whole,
                    focus,
                });
            }
        }
        Statement::Comment {
            object_type,
            object_name,
            comment,
            ..
        } => {
            let mut fields = vec![("object_type", object_type.to_string().to_lowercase())];
            if let Some(c) = comment {
                fields.push(("text", c.clone()));
            }
            ctx.schema.comments.push(Named {
                name: name_parts(object_name).join("."),
                fields,
                span: whole,
                focus,
            });
        }
        Statement::CreateType {
            name,
            representation,
        } => {
            let name = ctx.qualify(name);
            let (kind, values) = match representation {
                Some(UserDefinedTypeRepresentation::Enum { labels }) => {
                    ("enum", labels.iter().map(|l| l.value.clone()).collect())
                }
                Some(UserDefinedTypeRepresentation::Composite { .. }) => ("composite", Vec::new()),
                Some(UserDefinedTypeRepresentation::Range { .. }) => ("range", Vec::new()),
                _ => ("other", Vec::new()),
            };
            ctx.schema.types.retain(|t| t.name != name);
            ctx.schema.types.push(TypeDef {
                name,
                kind,
                values,
                base: None,
                checks: Vec::new(),
                span: whole,
                focus,
            });
        }
        Statement::CreateDomain(cd) => {
            let name = ctx.qualify(&cd.name);
            let checks = cd
                .constraints
                .iter()
                .filter_map(|c| match c {
                    sqlparser::ast::TableConstraint::Check(k) => Some(k.expr.to_string()),
                    _ => None,
                })
                .collect();
            let base = tables::base_type(&cd.data_type).1;
            ctx.schema.types.retain(|t| t.name != name);
            ctx.schema.types.push(TypeDef {
                name,
                kind: "domain",
                values: Vec::new(),
                base: Some(base),
                checks,
                span: whole,
                focus,
            });
        }
        _ => {}
    }
}

/// An MD5 or SCRAM verifier rather than a clear-text password.
pub(crate) fn hashed_verifier(s: &str) -> bool {
    (s.len() == 35 && s.starts_with("md5") && s[3..].bytes().all(|b| b.is_ascii_hexdigit()))
        || s.starts_with("SCRAM-SHA-256$")
}

/// `DROP ROLE|USER|GROUP`: the role leaves the model; one given a literal password is kept in
/// `dropped_roles`, since the password stays in the file and in its history.
pub(crate) fn drop_role(ctx: &mut Ctx, name: &str) {
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

fn create_role(ctx: &mut Ctx, st: &Stmt, cr: &CreateRole, as_user: bool) {
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
            ("login", cr.login, &["LOGIN", "NOLOGIN"][..]),
            ("inherit", cr.inherit, &["INHERIT", "NOINHERIT"]),
            ("bypassrls", cr.bypassrls, &["BYPASSRLS", "NOBYPASSRLS"]),
            ("superuser", cr.superuser, &["SUPERUSER", "NOSUPERUSER"]),
            ("createdb", cr.create_db, &["CREATEDB", "NOCREATEDB"]),
            (
                "createrole",
                cr.create_role,
                &["CREATEROLE", "NOCREATEROLE"],
            ),
            (
                "replication",
                cr.replication,
                &["REPLICATION", "NOREPLICATION"],
            ),
        ];
        for (opt, value, kws) in flags {
            if let Some(v) = value {
                role.set_option(opt, v, st.kw_span(kws).unwrap_or(focus));
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

fn password(st: &Stmt, p: &sqlparser::ast::Password) -> Password {
    // PASSWORD and its value: reports mask string constants inside a finding's span
    let at_kw = st.toks.iter().position(|t| t.is(st.src, "PASSWORD"));
    let span = match at_kw.and_then(|i| Some((st.toks.get(i)?, st.toks.get(i + 1)?))) {
        Some((kw, value)) => st.span(kw.start, value.end),
        None => st.focus(),
    };
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
                literal: text.is_some(),
                hashed,
                null: false,
                span,
            }
        }
    }
}

fn role_option(role: &mut super::model::Role, st: &Stmt, o: &RoleOption) {
    let focus = st.focus();
    let mut flag = |name: &str, v: bool, kws: &[&str]| {
        role.set_option(name, v, st.kw_span(kws).unwrap_or(focus))
    };
    match o {
        RoleOption::BypassRLS(v) => flag("bypassrls", *v, &["BYPASSRLS", "NOBYPASSRLS"]),
        RoleOption::CreateDB(v) => flag("createdb", *v, &["CREATEDB", "NOCREATEDB"]),
        RoleOption::CreateRole(v) => flag("createrole", *v, &["CREATEROLE", "NOCREATEROLE"]),
        RoleOption::Inherit(v) => flag("inherit", *v, &["INHERIT", "NOINHERIT"]),
        RoleOption::Login(v) => flag("login", *v, &["LOGIN", "NOLOGIN"]),
        RoleOption::Replication(v) => flag("replication", *v, &["REPLICATION", "NOREPLICATION"]),
        RoleOption::SuperUser(v) => flag("superuser", *v, &["SUPERUSER", "NOSUPERUSER"]),
        RoleOption::Password(p) => {
            let new = password(st, p);
            // a literal once written stays in the file's history, whatever follows
            let keep_literal =
                role.password.as_ref().is_some_and(|old| old.literal) && !new.literal;
            if !keep_literal {
                role.password = Some(new);
            }
        }
        _ => {}
    }
}

fn set_param(f: &mut Function, p: &FunctionDefinitionSetParam, span: Span) {
    let name = name_parts(&p.name).join(".");
    let value = match &p.value {
        FunctionSetValue::Default => "default".to_string(),
        FunctionSetValue::FromCurrent => "from current".to_string(),
        FunctionSetValue::Values(v) => v
            .iter()
            .map(|e| e.to_string())
            .collect::<Vec<_>>()
            .join(", "),
    };
    if name == "search_path" {
        let list: Vec<String> = match &p.value {
            FunctionSetValue::Values(v) => v
                .iter()
                .flat_map(|e| match e {
                    Expr::Value(v) => match &v.value {
                        SqlValue::SingleQuotedString(s) => s
                            .split(',')
                            .map(|x| x.trim().trim_matches('"').to_string())
                            .collect::<Vec<_>>(),
                        other => vec![other.to_string()],
                    },
                    Expr::Identifier(i) => vec![ident(i)],
                    other => vec![other.to_string()],
                })
                .filter(|s| !s.is_empty())
                .collect(),
            FunctionSetValue::FromCurrent => vec!["from current".into()],
            FunctionSetValue::Default => vec!["default".into()],
        };
        f.search_path = Some(at(list, span));
    } else {
        f.config.retain(|(k, _)| *k != name);
        f.config.push((name, value));
    }
}

fn create_function(ctx: &mut Ctx, st: &Stmt, cf: &CreateFunction) {
    let (whole, focus) = (st.whole(), st.focus());
    let name = ctx.qualify(&cf.name);
    let args = cf
        .args
        .as_ref()
        .map(|a| {
            a.iter()
                .map(|x| x.to_string().to_lowercase())
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default();
    let is_procedure = st.toks.iter().take(4).any(|t| t.is(st.src, "PROCEDURE"));
    let definer = matches!(cf.security, Some(FunctionSecurity::Definer));
    let sd_span = if cf.security.is_some() {
        st.kw_span(&["SECURITY"]).unwrap_or(focus)
    } else {
        focus
    };
    let mut f = Function {
        name: name.clone(),
        kind: if is_procedure {
            "procedure"
        } else {
            "function"
        }
        .into(),
        args: args.clone(),
        language: cf.language.as_ref().map(ident),
        created: true,
        security_definer: at(definer, sd_span),
        search_path: None,
        config: Vec::new(),
        span: whole,
        focus,
    };
    // the span of each SET clause: the n-th `SET` keyword at depth 0, outside the body
    let set_spans: Vec<Span> = st
        .toks
        .iter()
        .filter(|t| t.is(st.src, "SET"))
        .map(|t| st.tok_span(t))
        .collect();
    for (i, p) in cf.set_params.iter().enumerate() {
        set_param(&mut f, p, set_spans.get(i).copied().unwrap_or(focus));
    }
    ctx.schema
        .functions
        .retain(|old| !(old.name == name && old.args == args));
    ctx.schema.functions.push(f);
}
