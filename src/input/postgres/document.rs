//! The schema model as a document: its JSON value (what rules read) and the span tree that
//! mirrors it (where findings point).

use super::model::{
    Function, Grant, Named, Policy, Reference, Role, Schema, Table, UserMapping, View,
};
use super::node::{Node, Obj};
use crate::source::span::Span;
use serde_json::Value;

impl Schema {
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
                o.opt("from", p.from.clone(), p.span)
                    .opt("to", p.to.clone(), p.span);
                o.build()
            }),
        );
        root.put(
            "partman",
            seq(&self.partman, whole, focus, |p| {
                let mut o = Obj::new(p.span, p.span);
                o.val("parent", p.parent.as_str())
                    .val("default_table", p.default_table);
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
        root.put(
            "user_mappings",
            seq(&self.user_mappings, whole, focus, user_mapping_node),
        );
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
    if let Some(parent) = &t.template_of {
        o.val("template_of", parent.as_str());
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
    o.opt("using", p.using.clone(), p.using_focus.unwrap_or(p.span))
        .opt(
            "with_check",
            p.with_check.clone(),
            p.check_focus.unwrap_or(p.span),
        );
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
        o.put("password", password_node(p));
    }
    o.build()
}

fn password_node(p: &super::model::Password) -> Node {
    let mut po = Obj::new(p.span, p.span);
    po.val("literal", p.literal)
        .val("hashed", p.hashed)
        .val("null", p.null);
    po.build()
}

fn user_mapping_node(m: &UserMapping) -> Node {
    let mut o = Obj::new(m.span, m.focus);
    o.val("user", m.user.as_str())
        .val("server", m.server.as_str())
        .val("statement", m.statement)
        .put("options", Node::strings(&m.options, m.focus));
    if let Some((name, at, p)) = &m.password {
        o.put("password_option", Node::leaf(name.as_str(), *at));
        o.put("password", password_node(p));
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
