//! The schema model of one `.sql` file, as it stands after its last statement, and its
//! conversion to the JSON value and span tree that rules see (described in docs/sql-model.md).

use super::node::{Node, Obj};
use crate::source::span::Span;
use serde_json::Value;

/// A value with the span of the text that set it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct At<T> {
    pub v: T,
    pub span: Span,
}

pub(crate) fn at<T>(v: T, span: Span) -> At<T> {
    At { v, span }
}

#[derive(Debug, Clone)]
pub(crate) struct Reference {
    pub table: String,
    pub columns: Vec<String>,
}

#[derive(Debug, Clone)]
pub(crate) struct Column {
    pub name: String,
    /// The type as written, normalised to lower case (`varchar(255)`, `timestamp with time zone`).
    pub type_: String,
    /// The canonical type name (`varchar`, `text`, `timestamptz`, `integer`, a user type's name).
    pub base: String,
    pub array: bool,
    pub not_null: bool,
    pub primary_key: bool,
    pub unique: bool,
    pub default: Option<String>,
    pub generated: bool,
    pub references: Option<Reference>,
    pub checks: Vec<String>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub(crate) struct Constraint {
    pub name: Option<String>,
    /// `primary_key`, `unique`, `check`, `foreign_key`, `exclude`.
    pub kind: &'static str,
    pub columns: Vec<String>,
    pub expr: Option<String>,
    pub references: Option<Reference>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub(crate) struct PartitionOf {
    pub parent: String,
    /// `default`, `range`, `list`, `hash`.
    pub bound: String,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub(crate) struct Table {
    pub name: String,
    pub schema: String,
    pub table: String,
    /// False for a table this file only alters (created elsewhere, e.g. an earlier migration).
    pub created: bool,
    pub temporary: bool,
    pub unlogged: bool,
    pub columns: Vec<Column>,
    pub constraints: Vec<Constraint>,
    pub primary_key: Option<At<Vec<String>>>,
    /// (strategy, key) of `PARTITION BY`.
    pub partition_by: Option<At<(String, String)>>,
    pub partition_of: Option<PartitionOf>,
    pub inherits: Vec<String>,
    pub rls_enabled: Option<At<bool>>,
    pub rls_forced: Option<At<bool>>,
    pub owner: Option<At<String>>,
    pub span: Span,
    pub focus: Span,
}

impl Table {
    pub fn stub(name: &str, span: Span, focus: Span) -> Table {
        let (schema, table) = split_qualified(name);
        Table {
            name: name.to_string(),
            schema,
            table,
            created: false,
            temporary: false,
            unlogged: false,
            columns: Vec::new(),
            constraints: Vec::new(),
            primary_key: None,
            partition_by: None,
            partition_of: None,
            inherits: Vec::new(),
            rls_enabled: None,
            rls_forced: None,
            owner: None,
            span,
            focus,
        }
    }

    pub fn column_mut(&mut self, name: &str) -> Option<&mut Column> {
        self.columns.iter_mut().find(|c| c.name == name)
    }
}

pub(crate) fn split_qualified(name: &str) -> (String, String) {
    match name.rsplit_once('.') {
        Some((s, t)) => (s.to_string(), t.to_string()),
        None => (String::new(), name.to_string()),
    }
}

/// A partition link: `CREATE TABLE child PARTITION OF parent ...` or `ALTER TABLE parent ATTACH PARTITION child ...`.
#[derive(Debug, Clone)]
pub(crate) struct Partition {
    pub parent: String,
    pub child: String,
    pub bound: String,
    /// The upper bound of a range partition, as written (`'2025-03-01'`).
    pub to: Option<String>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub(crate) struct Policy {
    pub name: String,
    pub table: String,
    pub command: String,
    pub permissive: bool,
    pub roles: Vec<String>,
    pub using: Option<String>,
    pub with_check: Option<String>,
    pub using_true: bool,
    pub check_true: bool,
    pub span: Span,
    pub focus: Span,
}

#[derive(Debug, Clone)]
pub(crate) struct Grant {
    /// `grant` or `revoke`.
    pub action: &'static str,
    /// Lower-case privilege names (`select`, `update`, `all`...).
    pub privileges: Vec<String>,
    /// Column privileges (`GRANT SELECT (a, b), UPDATE (b) ON t`): each privilege given on
    /// columns only, with its columns; the other privileges apply to the whole object.
    pub columns: Vec<(String, Vec<String>)>,
    /// `table`, `schema`, `sequence`, `function`, `procedure`, `routine`, `database`,
    /// `all_tables_in_schema`, `all_sequences_in_schema`, `all_functions_in_schema`, `type`...
    pub object_type: String,
    pub objects: Vec<String>,
    pub grantees: Vec<String>,
    pub with_grant_option: bool,
    /// From `ALTER DEFAULT PRIVILEGES` (applies to objects created later).
    pub default_privileges: bool,
    /// `ALTER DEFAULT PRIVILEGES FOR ROLE r`: the roles whose future objects it applies to.
    pub for_roles: Vec<String>,
    /// `ON ALL TABLES IN SCHEMA s`: the tables and views of those schemas the file has created
    /// when the statement runs (those it applies to; later ones are not affected).
    pub current_tables: Option<Vec<String>>,
    pub span: Span,
    pub focus: Span,
}

#[derive(Debug, Clone)]
pub(crate) struct Password {
    /// A string constant was written in the statement (the value itself is never kept).
    pub literal: bool,
    /// The constant is an MD5 or SCRAM verifier rather than clear text.
    pub hashed: bool,
    /// `PASSWORD NULL`.
    pub null: bool,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub(crate) struct Role {
    pub name: String,
    /// `role`, `user` or `group`, as created (or `role` when only altered).
    pub kind: String,
    pub created: bool,
    pub options: Vec<(String, At<bool>)>,
    pub password: Option<Password>,
    pub span: Span,
    pub focus: Span,
}

impl Role {
    pub fn set_option(&mut self, name: &str, value: bool, span: Span) {
        match self.options.iter_mut().find(|(k, _)| k == name) {
            Some(entry) => entry.1 = at(value, span),
            None => self.options.push((name.to_string(), at(value, span))),
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Function {
    pub name: String,
    /// `function` or `procedure`.
    pub kind: String,
    pub args: String,
    pub language: Option<String>,
    pub created: bool,
    pub security_definer: At<bool>,
    pub search_path: Option<At<Vec<String>>>,
    /// Other `SET name = value` settings.
    pub config: Vec<(String, String)>,
    pub span: Span,
    pub focus: Span,
}

/// A view or materialized view.
#[derive(Debug, Clone)]
pub(crate) struct View {
    pub name: String,
    pub materialized: bool,
    /// `WITH (security_invoker = true)`: the view reads its tables with the caller's rights
    /// (and RLS); without it, with its owner's.
    pub security_invoker: At<bool>,
    /// `WITH (security_barrier)`.
    pub security_barrier: At<bool>,
    /// `WITH [CASCADED | LOCAL] CHECK OPTION`.
    pub check_option: Option<String>,
    /// The tables and views named in its query (qualified; CTE names left out).
    pub reads: Vec<String>,
    pub owner: Option<At<String>>,
    pub span: Span,
    pub focus: Span,
}

#[derive(Debug, Clone)]
pub(crate) struct Index {
    pub name: Option<String>,
    pub table: String,
    pub columns: Vec<String>,
    pub unique: bool,
    pub span: Span,
    pub focus: Span,
}

#[derive(Debug, Clone)]
pub(crate) struct Named {
    pub name: String,
    /// Extra string fields (authorization, schema, version...).
    pub fields: Vec<(&'static str, String)>,
    pub span: Span,
    pub focus: Span,
}

#[derive(Debug, Clone)]
pub(crate) struct Drop {
    /// `drop` or `truncate`.
    pub statement: &'static str,
    pub table: String,
    /// The table was a partition of another table of the file.
    pub partition: bool,
    pub span: Span,
    pub focus: Span,
}

#[derive(Debug, Clone)]
pub(crate) struct TypeDef {
    pub name: String,
    /// `enum`, `domain`, `composite`, `range`, `other`.
    pub kind: &'static str,
    pub values: Vec<String>,
    pub base: Option<String>,
    pub checks: Vec<String>,
    pub span: Span,
    pub focus: Span,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Schema {
    pub tables: Vec<Table>,
    pub partitions: Vec<Partition>,
    pub policies: Vec<Policy>,
    pub grants: Vec<Grant>,
    pub roles: Vec<Role>,
    /// Roles dropped later in the file that were given a literal password (it stays in the
    /// file and in its history).
    pub dropped_roles: Vec<Role>,
    pub views: Vec<View>,
    pub functions: Vec<Function>,
    pub indexes: Vec<Index>,
    pub schemas: Vec<Named>,
    pub extensions: Vec<Named>,
    pub types: Vec<TypeDef>,
    pub drops: Vec<Drop>,
    pub comments: Vec<Named>,
}

impl Schema {
    pub fn table_mut(&mut self, name: &str) -> Option<&mut Table> {
        self.tables.iter_mut().find(|t| t.name == name)
    }

    /// The table, or a stub for a table created elsewhere.
    pub fn table_or_stub(&mut self, name: &str, span: Span, focus: Span) -> &mut Table {
        let i = match self.tables.iter().position(|t| t.name == name) {
            Some(i) => i,
            None => {
                self.tables.push(Table::stub(name, span, focus));
                self.tables.len() - 1
            }
        };
        &mut self.tables[i]
    }

    /// Adds a GRANT/REVOKE; `ALL TABLES IN SCHEMA` is resolved to the tables it reaches now.
    pub fn push_grant(&mut self, mut g: Grant) {
        if g.object_type == "all_tables_in_schema" && !g.default_privileges {
            let in_schema = |name: &str| {
                g.objects
                    .iter()
                    .any(|s| name.rsplit_once('.').is_some_and(|(n, _)| n == s))
            };
            let mut tables: Vec<String> = self
                .tables
                .iter()
                .filter(|t| t.created && !t.temporary)
                .map(|t| t.name.clone())
                .chain(self.views.iter().map(|v| v.name.clone()))
                .filter(|n| in_schema(n))
                .collect();
            tables.sort();
            g.current_tables = Some(tables);
        }
        self.grants.push(g);
    }

    pub fn role_or_stub(&mut self, name: &str, span: Span, focus: Span) -> &mut Role {
        let i = match self.roles.iter().position(|r| r.name == name) {
            Some(i) => i,
            None => {
                let role = Role {
                    name: name.to_string(),
                    kind: "role".into(),
                    created: false,
                    options: Vec::new(),
                    password: None,
                    span,
                    focus,
                };
                self.roles.push(role);
                self.roles.len() - 1
            }
        };
        &mut self.roles[i]
    }

    /// The JSON value and span tree of the model; `whole` is the span of the file.
    pub fn to_node(&self, whole: Span, focus: Span) -> Node {
        let mut root = Obj::new(whole, focus);
        let mut tables = Obj::new(whole, focus);
        for t in &self.tables {
            tables.put(&t.name, table_node(t));
        }
        root.put("tables", tables.build());
        root.put(
            "partitions",
            seq(&self.partitions, whole, focus, |p| {
                let mut o = Obj::new(p.span, p.span);
                o.val("parent", p.parent.as_str())
                    .val("child", p.child.as_str())
                    .val("bound", p.bound.as_str())
                    .val("default", p.bound == "default");
                o.opt("to", p.to.clone(), p.span);
                o.build()
            }),
        );
        root.put("policies", seq(&self.policies, whole, focus, policy_node));
        root.put("grants", seq(&self.grants, whole, focus, grant_node));
        let mut roles = Obj::new(whole, focus);
        for r in &self.roles {
            roles.put(&r.name, role_node(r));
        }
        root.put("roles", roles.build());
        let mut dropped = Obj::new(whole, focus);
        for r in &self.dropped_roles {
            dropped.put(&r.name, role_node(r));
        }
        root.put("dropped_roles", dropped.build());
        let mut views = Obj::new(whole, focus);
        for v in &self.views {
            views.put(&v.name, view_node(v));
        }
        root.put("views", views.build());
        root.put(
            "functions",
            seq(&self.functions, whole, focus, function_node),
        );
        root.put(
            "indexes",
            seq(&self.indexes, whole, focus, |i| {
                let mut o = Obj::new(i.span, i.focus);
                o.opt("name", i.name.clone(), i.focus)
                    .val("table", i.table.as_str())
                    .put("columns", Node::strings(&i.columns, i.focus));
                o.val("unique", i.unique);
                o.build()
            }),
        );
        root.put("schemas", keyed(&self.schemas, whole, focus));
        root.put("extensions", keyed(&self.extensions, whole, focus));
        let mut types = Obj::new(whole, focus);
        for t in &self.types {
            let mut o = Obj::new(t.span, t.focus);
            o.val("name", t.name.as_str()).val("kind", t.kind);
            if t.kind == "enum" {
                o.put("values", Node::strings(&t.values, t.focus));
            }
            o.opt("base", t.base.clone(), t.focus);
            if t.kind == "domain" {
                o.put("checks", Node::strings(&t.checks, t.focus));
            }
            types.put(&t.name, o.build());
        }
        root.put("types", types.build());
        root.put(
            "drops",
            seq(&self.drops, whole, focus, |d| {
                let mut o = Obj::new(d.span, d.focus);
                o.val("statement", d.statement)
                    .val("table", d.table.as_str())
                    .val("partition", d.partition);
                o.build()
            }),
        );
        root.put("comments", seq(&self.comments, whole, focus, named_node));
        root.build()
    }
}

fn seq<T>(items: &[T], span: Span, focus: Span, f: impl Fn(&T) -> Node) -> Node {
    Node::seq(items.iter().map(f).collect(), span, focus)
}

fn named_node(n: &Named) -> Node {
    let mut o = Obj::new(n.span, n.focus);
    o.val("name", n.name.as_str());
    for (k, v) in &n.fields {
        o.val(k, v.as_str());
    }
    o.build()
}

fn keyed(items: &[Named], span: Span, focus: Span) -> Node {
    let mut o = Obj::new(span, focus);
    for n in items {
        o.put(&n.name, named_node(n));
    }
    o.build()
}

fn reference_node(r: &Reference, span: Span) -> Node {
    let mut o = Obj::new(span, span);
    o.val("table", r.table.as_str())
        .put("columns", Node::strings(&r.columns, span));
    o.build()
}

fn table_node(t: &Table) -> Node {
    let mut o = Obj::new(t.span, t.focus);
    o.val("name", t.name.as_str())
        .val("schema", t.schema.as_str())
        .val("table", t.table.as_str());
    o.val("created", t.created)
        .val("temporary", t.temporary)
        .val("unlogged", t.unlogged);
    o.val(
        "kind",
        if t.partition_of.is_some() {
            "partition"
        } else {
            "table"
        },
    );
    let mut cols = Obj::new(t.span, t.focus);
    for c in &t.columns {
        let mut co = Obj::new(c.span, c.span);
        co.val("name", c.name.as_str())
            .val("type", c.type_.as_str())
            .val("base", c.base.as_str())
            .val("array", c.array);
        co.val("not_null", c.not_null || c.primary_key)
            .val("primary_key", c.primary_key)
            .val("unique", c.unique);
        co.val("generated", c.generated)
            .opt("default", c.default.clone(), c.span);
        if let Some(r) = &c.references {
            co.put("references", reference_node(r, c.span));
        }
        co.put("checks", Node::strings(&c.checks, c.span));
        cols.put(&c.name, co.build());
    }
    o.put("columns", cols.build());
    o.put(
        "constraints",
        seq(&t.constraints, t.span, t.focus, |k| {
            let mut co = Obj::new(k.span, k.span);
            co.opt("name", k.name.clone(), k.span)
                .val("type", k.kind)
                .put("columns", Node::strings(&k.columns, k.span));
            co.opt("expr", k.expr.clone(), k.span);
            if let Some(r) = &k.references {
                co.put("references", reference_node(r, k.span));
            }
            co.build()
        }),
    );
    if let Some(pk) = &t.primary_key {
        o.put("primary_key", Node::strings(&pk.v, pk.span));
    }
    if let Some(pb) = &t.partition_by {
        let mut p = Obj::new(pb.span, pb.span);
        p.val("strategy", pb.v.0.as_str())
            .val("key", pb.v.1.as_str());
        o.put("partition_by", p.build());
    }
    if let Some(po) = &t.partition_of {
        let mut p = Obj::new(po.span, po.span);
        p.val("parent", po.parent.as_str())
            .val("bound", po.bound.as_str())
            .val("default", po.bound == "default");
        o.put("partition_of", p.build());
    }
    if !t.inherits.is_empty() {
        o.put("inherits", Node::strings(&t.inherits, t.focus));
    }
    let mut rls = Obj::new(t.focus, t.focus);
    if let Some(e) = &t.rls_enabled {
        rls.put("enabled", Node::leaf(e.v, e.span));
    }
    if let Some(f) = &t.rls_forced {
        rls.put("forced", Node::leaf(f.v, f.span));
    }
    o.put("rls", rls.build());
    if let Some(owner) = &t.owner {
        o.put("owner", Node::leaf(owner.v.as_str(), owner.span));
    }
    o.build()
}

fn policy_node(p: &Policy) -> Node {
    let mut o = Obj::new(p.span, p.focus);
    o.val("name", p.name.as_str())
        .val("table", p.table.as_str())
        .val("command", p.command.as_str());
    o.val("permissive", p.permissive)
        .put("roles", Node::strings(&p.roles, p.focus));
    o.opt("using", p.using.clone(), p.span)
        .opt("with_check", p.with_check.clone(), p.span);
    o.val("using_true", p.using_true)
        .val("check_true", p.check_true);
    o.build()
}

fn grant_node(g: &Grant) -> Node {
    let mut o = Obj::new(g.span, g.focus);
    o.val("action", g.action)
        .put("privileges", Node::strings(&g.privileges, g.focus));
    o.val("object_type", g.object_type.as_str())
        .put("objects", Node::strings(&g.objects, g.focus));
    o.put("grantees", Node::strings(&g.grantees, g.focus));
    if !g.columns.is_empty() {
        let mut cols = Obj::new(g.focus, g.focus);
        for (p, c) in &g.columns {
            cols.put(p, Node::strings(c, g.focus));
        }
        o.put("columns", cols.build());
    }
    o.val("with_grant_option", g.with_grant_option)
        .val("default_privileges", g.default_privileges);
    if !g.for_roles.is_empty() {
        o.put("for_roles", Node::strings(&g.for_roles, g.focus));
    }
    if let Some(t) = &g.current_tables {
        o.put("current_tables", Node::strings(t, g.focus));
    }
    o.build()
}

fn view_node(v: &View) -> Node {
    let mut o = Obj::new(v.span, v.focus);
    o.val("name", v.name.as_str())
        .val("materialized", v.materialized);
    o.put(
        "security_invoker",
        Node::leaf(v.security_invoker.v, v.security_invoker.span),
    );
    o.put(
        "security_barrier",
        Node::leaf(v.security_barrier.v, v.security_barrier.span),
    );
    o.opt("check_option", v.check_option.clone(), v.focus);
    o.put("reads", Node::strings(&v.reads, v.focus));
    if let Some(owner) = &v.owner {
        o.put("owner", Node::leaf(owner.v.as_str(), owner.span));
    }
    o.build()
}

fn role_node(r: &Role) -> Node {
    let mut o = Obj::new(r.span, r.focus);
    o.val("name", r.name.as_str())
        .val("kind", r.kind.as_str())
        .val("created", r.created);
    let mut opts = Obj::new(r.focus, r.focus);
    for (k, v) in &r.options {
        opts.put(k, Node::leaf(v.v, v.span));
    }
    o.put("options", opts.build());
    if let Some(p) = &r.password {
        let mut po = Obj::new(p.span, p.span);
        po.val("literal", p.literal)
            .val("hashed", p.hashed)
            .val("null", p.null);
        o.put("password", po.build());
    }
    o.build()
}

fn function_node(f: &Function) -> Node {
    let mut o = Obj::new(f.span, f.focus);
    o.val("name", f.name.as_str())
        .val("kind", f.kind.as_str())
        .val("args", f.args.as_str());
    o.opt("language", f.language.clone(), f.focus)
        .val("created", f.created);
    o.put(
        "security_definer",
        Node::leaf(f.security_definer.v, f.security_definer.span),
    );
    if let Some(sp) = &f.search_path {
        o.put("search_path", Node::strings(&sp.v, sp.span));
    }
    let mut cfg = Obj::new(f.focus, f.focus);
    for (k, v) in &f.config {
        cfg.val(k, Value::String(v.clone()));
    }
    o.put("config", cfg.build());
    o.build()
}
