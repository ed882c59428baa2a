//! GRANT, REVOKE and ALTER DEFAULT PRIVILEGES into the model: as sqlparser read them, or from
//! their tokens when it cannot (column privileges, `ON LANGUAGE`, `ON LARGE OBJECT`, role
//! membership).

use super::ctx::Ctx;
use super::lex::Kind;
use super::model::Grant;
use super::stmt::{Stmt, ident, name_parts};
use sqlparser::ast::{
    Action, AlterDefaultPrivileges, AlterDefaultPrivilegesOperation, GrantObjects, Grantee,
    GranteeName, GranteesType, ObjectName, Privileges,
};

/// `GRANT|REVOKE privileges ON objects TO|FROM grantees`, as sqlparser read it.
pub(super) fn object_grant(
    ctx: &mut Ctx,
    st: &Stmt,
    action: &'static str,
    p: &Privileges,
    objects: &Option<GrantObjects>,
    grantees: &[Grantee],
    with_grant_option: bool,
) {
    let (object_type, objects) = grant_objects(ctx, objects);
    ctx.schema.push_grant(Grant {
        privileges: privileges(p),
        columns: privilege_columns(p),
        with_grant_option,
        ..Grant::new(
            action,
            object_type,
            objects,
            grantees.iter().map(grantee_name).collect(),
            st.whole(),
            st.focus(),
        )
    });
}

/// `ALTER DEFAULT PRIVILEGES [FOR ROLE r] [IN SCHEMA s] GRANT|REVOKE …`: privileges on objects
/// created later.
pub(super) fn default_privileges(ctx: &mut Ctx, st: &Stmt, adp: &AlterDefaultPrivileges) {
    let (whole, focus) = (st.whole(), st.focus());
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
            sqlparser::ast::DefaultPrivilegesOption::ForRole(v) => Some(v.iter().map(ident)),
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
    // `TABLES`, `SEQUENCES`, `FUNCTIONS` … name the object type in the plural
    let ot = object_type.to_string().to_lowercase();
    let object_type = ot.trim_end_matches('s').to_string();
    let grantees = grantees.iter().map(grantee_name).collect();
    ctx.schema.push_grant(Grant {
        privileges: privileges(p),
        columns: privilege_columns(p),
        with_grant_option: wgo,
        default_privileges: true,
        for_roles,
        ..Grant::new(action, object_type, schemas, grantees, whole, focus)
    });
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

/// A role named in GRANT/REVOKE/ALTER GROUP: `PUBLIC` is `public`, `GROUP r` is `r`.
pub(super) fn role_at(st: &Stmt, a: usize, b: usize) -> Option<String> {
    let mut i = a;
    if st.is_kw(i, "GROUP") && i < b {
        i += 1;
    }
    let t = st.toks.get(i)?;
    Some(match t.kind {
        Kind::Word => t.text(st.src).to_lowercase(),
        _ => st.tok_ident(t),
    })
}

/// `GRANT role TO r` / `REVOKE role FROM r`: role membership (no `ON`).
pub(super) fn is_role_grant(st: &Stmt) -> bool {
    (st.is_kw(0, "GRANT") || st.is_kw(0, "REVOKE")) && st.find_kw(1, &["ON"]).is_none()
}

/// `GRANT` and `REVOKE` in all their forms (object privileges with column lists, every object
/// type, role membership). Returns false when the statement is not one of them.
pub(super) fn from_tokens(ctx: &mut Ctx, st: &Stmt) -> bool {
    match grant_at(ctx, st, 0) {
        Some(grant) => {
            ctx.schema.push_grant(grant);
            true
        }
        None => false,
    }
}

/// `ALTER DEFAULT PRIVILEGES [FOR ROLE|USER r, …] [IN SCHEMA s, …] GRANT|REVOKE … ON TABLES …`
/// read from its tokens, for what sqlparser cannot read: PostgreSQL 17's `MAINTAIN` privilege,
/// which every `supabase db dump` of a PostgreSQL 17 project writes (wild19). Returns false when
/// the statement is not one.
pub(super) fn default_privileges_from_tokens(ctx: &mut Ctx, st: &Stmt) -> bool {
    if !(st.is_kw(0, "ALTER") && st.is_kw(1, "DEFAULT") && st.is_kw(2, "PRIVILEGES")) {
        return false;
    }
    let Some(g) = st.find_kw(3, &["GRANT", "REVOKE"]) else {
        return false;
    };
    let (mut for_roles, mut schemas) = (Vec::new(), Vec::new());
    let mut i = 3;
    while i < g {
        let (list, from) =
            if st.is_kw(i, "FOR") && (st.is_kw(i + 1, "ROLE") || st.is_kw(i + 1, "USER")) {
                (&mut for_roles, i + 2)
            } else if st.is_kw(i, "IN") && st.is_kw(i + 1, "SCHEMA") {
                (&mut schemas, i + 2)
            } else {
                i += 1;
                continue;
            };
        let end = st
            .find_kw(from, &["IN", "FOR", "GRANT", "REVOKE"])
            .unwrap_or(g)
            .min(g);
        for (a, b) in st.comma_split(from, end) {
            if let Some(name) = role_at(st, a, b) {
                list.push(name);
            }
        }
        i = end;
    }
    let Some(mut grant) = grant_at(ctx, st, g) else {
        return false;
    };
    // `ON TABLES`, `ON SEQUENCES`, `ON FUNCTIONS` …: the object type in the plural, on the
    // schemas named (none: every schema)
    let Some(on) = st.find_kw(g + 1, &["ON"]) else {
        return false;
    };
    let plural = st
        .toks
        .get(on + 1)
        .map(|t| t.text(st.src).to_lowercase())
        .unwrap_or_default();
    grant.object_type = plural.trim_end_matches('s').to_string();
    grant.objects = schemas;
    grant.default_privileges = true;
    grant.for_roles = for_roles;
    ctx.schema.push_grant(grant);
    true
}

/// The GRANT or REVOKE whose keyword is token `g`, read from the tokens.
fn grant_at(ctx: &Ctx, st: &Stmt, g: usize) -> Option<Grant> {
    let revoke = st.is_kw(g, "REVOKE");
    if !revoke && !st.is_kw(g, "GRANT") {
        return None;
    }
    let mut i = g + 1;
    if revoke && st.is_kw(g + 2, "OPTION") && st.is_kw(g + 3, "FOR") {
        i = g + 4;
    }
    let on = st.find_kw(i, &["ON"]);
    let to = st.find_kw(on.unwrap_or(i), &[if revoke { "FROM" } else { "TO" }])?;
    let privs_end = on.unwrap_or(to);
    let mut privileges = Vec::new();
    let mut columns = Vec::new();
    for (a, b) in st.comma_split(i, privs_end) {
        let mut words = Vec::new();
        let mut cols = Vec::new();
        let mut j = a;
        while j <= b {
            let t = &st.toks[j];
            if t.kind == Kind::LParen {
                let close = st.closing(j).unwrap_or(b).min(b);
                cols.extend(
                    st.toks[j + 1..close]
                        .iter()
                        .filter(|c| matches!(c.kind, Kind::Word | Kind::Quoted))
                        .map(|c| st.tok_ident(c)),
                );
                j = close + 1;
                continue;
            }
            words.push(st.tok_ident(t));
            j += 1;
        }
        let p = words.join(" ");
        let p = match p.as_str() {
            "all privileges" => "all".to_string(),
            "temp" => "temporary".to_string(),
            _ => p,
        };
        if !cols.is_empty() {
            columns.push((p.clone(), cols));
        }
        privileges.push(p);
    }
    let (object_type, objects) = match on {
        None => ("role".to_string(), std::mem::take(&mut privileges)),
        Some(on) => objects_from_tokens(ctx, st, on + 1, to),
    };
    let tail = st.find_kw(to + 1, &["WITH", "GRANTED", "CASCADE", "RESTRICT"]);
    let grantees = st
        .comma_split(to + 1, tail.unwrap_or(st.toks.len()))
        .into_iter()
        .filter_map(|(a, b)| role_at(st, a, b))
        .collect();
    let with_grant_option = !revoke
        && tail.is_some_and(|w| {
            st.is_kw(w, "WITH") && (st.is_kw(w + 1, "GRANT") || st.is_kw(w + 1, "ADMIN"))
        });
    let action = if revoke { "revoke" } else { "grant" };
    Some(Grant {
        privileges,
        columns,
        with_grant_option,
        ..Grant::new(
            action,
            object_type,
            objects,
            grantees,
            st.whole(),
            st.focus(),
        )
    })
}

/// The object type and objects of `ON ...` (tokens `[i, to)`).
fn objects_from_tokens(ctx: &Ctx, st: &Stmt, i: usize, to: usize) -> (String, Vec<String>) {
    let word = |k: usize| {
        st.toks
            .get(k)
            .filter(|t| t.kind == Kind::Word)
            .map(|t| t.text(st.src).to_lowercase())
    };
    let w0 = word(i).unwrap_or_default();
    let (object_type, first, qualified): (String, usize, bool) = if w0 == "all"
        && word(i + 2).as_deref() == Some("in")
        && word(i + 3).as_deref() == Some("schema")
    {
        let plural = word(i + 1).unwrap_or_default();
        (format!("all_{plural}_in_schema"), i + 4, false)
    } else {
        match w0.as_str() {
            "table" | "sequence" | "function" | "procedure" | "routine" | "type" | "domain" => {
                (w0.clone(), i + 1, true)
            }
            "database" | "schema" | "language" | "tablespace" | "parameter" => {
                (w0.clone(), i + 1, false)
            }
            "large" if word(i + 1).as_deref() == Some("object") => {
                ("large_object".into(), i + 2, false)
            }
            "foreign" if word(i + 1).as_deref() == Some("server") => {
                ("foreign_server".into(), i + 2, false)
            }
            "foreign"
                if word(i + 1).as_deref() == Some("data")
                    && word(i + 2).as_deref() == Some("wrapper") =>
            {
                ("foreign_data_wrapper".into(), i + 3, false)
            }
            _ => ("table".into(), i, true),
        }
    };
    let objects = st
        .comma_split(first, to)
        .into_iter()
        .map(|(a, b)| {
            let t = &st.toks[a];
            if !matches!(t.kind, Kind::Word | Kind::Quoted) {
                return st
                    .src
                    .get(t.start..st.toks[b].end)
                    .unwrap_or("")
                    .to_string();
            }
            let (parts, _) = st.name_at(a);
            if qualified {
                ctx.qualify_parts(&parts)
            } else {
                parts.join(".")
            }
        })
        .collect();
    (object_type, objects)
}
