//! Applies statements sqlparser has read, in file order, to the schema model: the dispatch by
//! kind, and the kinds small enough to apply here (policies, indexes, schemas, extensions,
//! drops, types and domains). Tables, grants, roles, functions, comments and views have rooms
//! of their own.

use super::ctx::Ctx;
use super::model::{Drop, Index, Named, Policy, TypeDef};
use super::stmt::{Stmt, ident, name_parts, owner_name};
use super::{comments, functions, grants, roles, tables};
use sqlparser::ast::{
    AlterPolicyOperation, CreatePolicyCommand, CreatePolicyType, Expr, ObjectType, SchemaName,
    Statement, UserDefinedTypeRepresentation, Value as SqlValue,
};

fn is_true(e: &Expr) -> bool {
    match e {
        Expr::Nested(inner) => is_true(inner),
        Expr::Value(v) => matches!(v.value, SqlValue::Boolean(true)),
        _ => false,
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
                using_focus: st.clause_focus(&["using"]),
                check_focus: st.clause_focus(&["with", "check"]),
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
                            p.using_focus = st.clause_focus(&["using"]);
                        }
                        if let Some(c) = with_check {
                            p.with_check = Some(c.to_string());
                            p.check_true = is_true(c);
                            p.check_focus = st.clause_focus(&["with", "check"]);
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
        Statement::Grant(g) => grants::object_grant(
            ctx,
            st,
            "grant",
            &g.privileges,
            &g.objects,
            &g.grantees,
            g.with_grant_option,
        ),
        Statement::Revoke(r) => grants::object_grant(
            ctx,
            st,
            "revoke",
            &r.privileges,
            &r.objects,
            &r.grantees,
            false,
        ),
        Statement::AlterDefaultPrivileges(adp) => grants::default_privileges(ctx, st, adp),
        Statement::CreateRole(cr) => roles::create_role(ctx, st, cr, created_as_user),
        Statement::AlterRole { name, operation } => roles::alter_role(ctx, st, name, operation),
        Statement::CreateFunction(cf) => functions::create_function(ctx, st, cf),
        Statement::AlterFunction(af) => functions::alter_function(ctx, st, af),
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
            replace_named(&mut ctx.schema.schemas, name, fields, st);
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
            replace_named(&mut ctx.schema.extensions, name, fields, st);
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
                        roles::drop_role(ctx, &role);
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
        } => comments::comment(ctx, st, object_type, object_name, comment.as_deref()),
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

/// Adds the object `name` that statement `st` creates to `list`, in place of an earlier one of
/// the same name (the last `CREATE` wins, as when the statements run).
fn replace_named(
    list: &mut Vec<Named>,
    name: String,
    fields: Vec<(&'static str, String)>,
    st: &Stmt,
) {
    list.retain(|old| old.name != name);
    list.push(Named {
        name,
        fields,
        span: st.whole(),
        focus: st.focus(),
    });
}
