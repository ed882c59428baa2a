//! CREATE TABLE and ALTER TABLE → tables, columns, constraints, partitions and RLS state.

use super::ctx::Ctx;
use super::lex::{Kind, Tok};
use super::like;
use super::model::{At, Column, Constraint, Partition, PartitionOf, Reference, Table, at};
use super::stmt::{Stmt, ident, owner_name};
use crate::source::span::Span;
use sqlparser::ast::{
    AlterColumnOperation, AlterTable, AlterTableOperation, ColumnDef, ColumnOption, CreateTable,
    DataType, Expr, ForValues, PartitionBoundValue, RenameTableNameKind, TableConstraint,
};

/// The canonical name of a type: lower case, without modifiers, with PostgreSQL's aliases resolved.
pub(crate) fn base_type(dt: &DataType) -> (String, String, bool) {
    let written = dt.to_string().to_lowercase();
    let mut array = false;
    let mut s = written.trim().to_string();
    while let Some(stripped) = s.strip_suffix("[]") {
        s = stripped.trim_end().to_string();
        array = true;
    }
    if let Some(stripped) = s.strip_suffix(" array") {
        s = stripped.to_string();
        array = true;
    }
    // drop type modifiers: varchar(255) → varchar, timestamp(3) with time zone → timestamp with time zone
    let mut plain = String::with_capacity(s.len());
    let mut depth = 0usize;
    for ch in s.chars() {
        match ch {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ if depth == 0 => plain.push(ch),
            _ => {}
        }
    }
    let plain = plain.split_whitespace().collect::<Vec<_>>().join(" ");
    let plain = plain
        .strip_prefix("pg_catalog.")
        .unwrap_or(&plain)
        .to_string();
    let base = match plain.as_str() {
        "timestamp with time zone" | "timestamptz" => "timestamptz",
        "timestamp" | "timestamp without time zone" => "timestamp",
        "time with time zone" | "timetz" => "timetz",
        "time without time zone" => "time",
        "character varying" | "varchar" | "char varying" => "varchar",
        "character" | "char" | "bpchar" => "char",
        "int" | "integer" | "int4" => "integer",
        "int8" | "bigint" => "bigint",
        "int2" | "smallint" => "smallint",
        "bool" | "boolean" => "boolean",
        "float8" | "double precision" | "double" => "double precision",
        "float4" | "real" => "real",
        "decimal" | "numeric" => "numeric",
        "serial" | "serial4" => "serial",
        "bigserial" | "serial8" => "bigserial",
        other => other,
    };
    (written, base.to_string(), array)
}

fn reference(
    ctx: &Ctx,
    table: &sqlparser::ast::ObjectName,
    cols: &[sqlparser::ast::Ident],
) -> Reference {
    Reference {
        table: ctx.qualify(table),
        columns: cols.iter().map(ident).collect(),
    }
}

fn column(ctx: &Ctx, def: &ColumnDef, span: Span) -> Column {
    let (type_, base, array) = base_type(&def.data_type);
    let mut c = Column {
        name: ident(&def.name),
        type_,
        base,
        array,
        not_null: false,
        primary_key: false,
        unique: false,
        default: None,
        generated: false,
        references: None,
        checks: Vec::new(),
        span,
    };
    for opt in &def.options {
        match &opt.option {
            ColumnOption::NotNull => c.not_null = true,
            ColumnOption::Null => c.not_null = false,
            ColumnOption::Default(e) => c.default = Some(e.to_string()),
            ColumnOption::PrimaryKey(_) => c.primary_key = true,
            ColumnOption::Unique(_) => c.unique = true,
            ColumnOption::ForeignKey(fk) => {
                c.references = Some(reference(ctx, &fk.foreign_table, &fk.referred_columns))
            }
            ColumnOption::Check(ck) => c.checks.push(ck.expr.to_string()),
            ColumnOption::Generated { .. } | ColumnOption::Identity(_) => c.generated = true,
            _ => {}
        }
    }
    c
}

fn index_columns(cols: &[sqlparser::ast::IndexColumn]) -> Vec<String> {
    cols.iter()
        .map(|c| match &c.column.expr {
            Expr::Identifier(i) => ident(i),
            other => other.to_string(),
        })
        .collect()
}

/// The names of `columns` that appear as identifiers in an expression's text (every identifier
/// when the columns are not known, as for a table created in another file).
fn mentioned(expr: &str, columns: &[String]) -> Vec<String> {
    let toks = super::lex::tokens(expr);
    let mut out: Vec<String> = Vec::new();
    for t in toks
        .iter()
        .filter(|t| matches!(t.kind, Kind::Word | Kind::Quoted))
    {
        let raw = t.text(expr);
        let name = if t.kind == Kind::Quoted {
            raw.trim_matches('"').to_string()
        } else {
            raw.to_lowercase()
        };
        if (columns.is_empty() || columns.contains(&name)) && !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

fn constraint(
    ctx: &Ctx,
    tc: &TableConstraint,
    columns: &[String],
    span: Span,
) -> Option<Constraint> {
    let k = |name: &Option<sqlparser::ast::Ident>, kind, cols, expr, references| Constraint {
        name: name.as_ref().map(ident),
        kind,
        columns: cols,
        expr,
        references,
        span,
    };
    Some(match tc {
        TableConstraint::PrimaryKey(c) => k(
            &c.name,
            "primary_key",
            index_columns(&c.columns),
            None,
            None,
        ),
        TableConstraint::Unique(c) => k(&c.name, "unique", index_columns(&c.columns), None, None),
        TableConstraint::ForeignKey(c) => k(
            &c.name,
            "foreign_key",
            c.columns.iter().map(ident).collect(),
            None,
            Some(reference(ctx, &c.foreign_table, &c.referred_columns)),
        ),
        TableConstraint::Check(c) => {
            let expr = c.expr.to_string();
            k(
                &c.name,
                "check",
                mentioned(&expr, columns),
                Some(expr),
                None,
            )
        }
        _ => return None,
    })
}

fn bound_of(fv: &ForValues) -> &'static str {
    match fv {
        ForValues::Default => "default",
        ForValues::From { .. } => "range",
        ForValues::In(_) => "list",
        ForValues::With { .. } => "hash",
    }
}

fn upper_bound(fv: &ForValues) -> Option<String> {
    match fv {
        ForValues::From { to, .. } => Some(bound_text(to)),
        _ => None,
    }
}

fn lower_bound(fv: &ForValues) -> Option<String> {
    match fv {
        ForValues::From { from, .. } => Some(bound_text(from)),
        _ => None,
    }
}

fn bound_text(values: &[PartitionBoundValue]) -> String {
    values
        .iter()
        .map(|b| b.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

fn add_constraint(table: &mut Table, c: Constraint) {
    if c.kind == "primary_key" {
        table.primary_key = Some(at(c.columns.clone(), c.span));
    }
    if c.kind == "check" {
        for name in &c.columns {
            if let (Some(col), Some(expr)) = (table.column_mut(name), &c.expr)
                && !col.checks.contains(expr)
            {
                col.checks.push(expr.clone());
            }
        }
    }
    table.constraints.push(c);
}

/// The element list `( ... )` of a CREATE TABLE: token ranges of its elements.
fn element_ranges(st: &Stmt) -> Vec<(usize, usize)> {
    const NOT_ELEMENTS: [&str; 12] = [
        "IN", "FROM", "TO", "WITH", "INHERITS", "RANGE", "LIST", "HASH", "BY", "AS", "VALUES",
        "USING",
    ];
    for (i, t) in st.toks.iter().enumerate() {
        if t.kind != Kind::LParen {
            continue;
        }
        let prev = i.checked_sub(1).and_then(|p| st.toks.get(p));
        if prev.is_none_or(|p| NOT_ELEMENTS.iter().any(|k| p.is(st.src, k))) {
            return Vec::new();
        }
        let close = st.closing(i).unwrap_or(st.toks.len());
        return st.comma_split(i + 1, close);
    }
    Vec::new()
}

const CONSTRAINT_STARTS: [&str; 6] = [
    "CONSTRAINT",
    "PRIMARY",
    "UNIQUE",
    "CHECK",
    "FOREIGN",
    "EXCLUDE",
];

pub(crate) fn create_table(ctx: &mut Ctx, st: &Stmt, ct: &CreateTable) {
    let name = ctx.qualify(&ct.name);
    if ct.if_not_exists
        && ctx
            .schema
            .tables
            .iter()
            .any(|t| t.name == name && t.created)
    {
        return;
    }
    let mut t = Table::stub(&name, st.whole(), st.focus());
    t.created = true;
    t.temporary = ct.temporary;
    t.unlogged = ct.unlogged;
    // spans of the elements, in source order: columns by name, constraints by position
    let ranges = element_ranges(st);
    let mut col_spans: Vec<(String, Span)> = Vec::new();
    let mut con_spans: Vec<Span> = Vec::new();
    let mut like_at = Vec::new();
    for &(a, b) in &ranges {
        let (Some(first), Some(last)) = (st.toks.get(a), st.toks.get(b)) else {
            continue;
        };
        let span = st.span(first.start, last.end);
        if not_null_constraint(st.src, st.toks, a, b).is_some() {
            // read from the tokens (`apply_create_not_null`): sqlparser never sees it
        } else if CONSTRAINT_STARTS.iter().any(|k| first.is(st.src, k)) {
            con_spans.push(span);
        } else if first.is(st.src, "LIKE") {
            like_at.push((a, span));
        } else {
            col_spans.push((st.tok_ident(first), span));
        }
    }
    for def in &ct.columns {
        let n = ident(&def.name);
        let span = col_spans
            .iter()
            .find(|(c, _)| *c == n)
            .map_or(st.focus(), |(_, s)| *s);
        let c = column(ctx, def, span);
        if c.primary_key {
            t.primary_key = Some(at(vec![c.name.clone()], span));
        }
        t.columns.push(c);
    }
    // every `LIKE source` element, read from the tokens: sqlparser reads one `LIKE` only, as
    // the list's last element, and the rewrite hides the others (`LIKE a INCLUDING ALL,
    // archived_at timestamptz`)
    for (like_tok, span) in like_at {
        let (parts, _) = st.name_at(like_tok + 1);
        let source = ctx.qualify_parts(&parts);
        if let Some(source) = ctx.schema.tables.iter().find(|s| s.name == source) {
            like::copy_columns(&mut t, source, st, like_tok, span);
        }
    }
    let names: Vec<String> = t.columns.iter().map(|c| c.name.clone()).collect();
    for (i, tc) in ct.constraints.iter().enumerate() {
        let span = con_spans.get(i).copied().unwrap_or_else(|| st.focus());
        if let Some(c) = constraint(ctx, tc, &names, span) {
            add_constraint(&mut t, c);
        }
    }
    if let Some(pb) = &ct.partition_by {
        let text = pb.to_string();
        let (strategy, key) = match pb.as_ref() {
            Expr::Function(f) => (
                f.name.to_string().to_lowercase(),
                f.args
                    .to_string()
                    .trim_matches(|c| c == '(' || c == ')')
                    .to_string(),
            ),
            _ => (
                text.split(['(', ' ']).next().unwrap_or("").to_lowercase(),
                text.clone(),
            ),
        };
        let span = partition_by_span(st).unwrap_or_else(|| st.focus());
        t.partition_by = Some(At {
            v: (strategy, key),
            span,
        });
    }
    if let (Some(parent), Some(fv)) = (&ct.partition_of, &ct.for_values) {
        let parent = ctx.qualify(parent);
        let bound = bound_of(fv).to_string();
        let span = st.focus();
        t.partition_of = Some(PartitionOf {
            parent: parent.clone(),
            bound: bound.clone(),
            span,
        });
        ctx.schema.partitions.push(Partition {
            parent,
            child: name.clone(),
            bound,
            from: lower_bound(fv),
            to: upper_bound(fv),
            span,
        });
    }
    if let Some(parents) = &ct.inherits {
        t.inherits = parents.iter().map(|p| ctx.qualify(p)).collect();
    }
    ctx.schema.tables.retain(|old| old.name != name);
    ctx.schema.partitions.retain(|p| {
        p.child != name
            || t.partition_of
                .as_ref()
                .is_some_and(|po| po.parent == p.parent)
    });
    ctx.schema.tables.push(t);
}

/// `PARTITION BY ... ( ... )` at depth 0, through its closing parenthesis.
fn partition_by_span(st: &Stmt) -> Option<Span> {
    let mut depth = 0usize;
    for (i, t) in st.toks.iter().enumerate() {
        match t.kind {
            Kind::LParen => depth += 1,
            Kind::RParen => depth = depth.saturating_sub(1),
            _ if depth == 0
                && t.is(st.src, "PARTITION")
                && st.toks.get(i + 1).is_some_and(|n| n.is(st.src, "BY")) =>
            {
                let open = (i..st.toks.len()).find(|&j| st.toks[j].kind == Kind::LParen)?;
                let close = st.closing(open)?;
                return Some(st.span(t.start, st.toks[close].end));
            }
            _ => {}
        }
    }
    None
}

/// Token ranges of the actions of an ALTER TABLE (after the table name).
pub(crate) fn action_ranges(st: &Stmt) -> Vec<(usize, usize)> {
    let mut i = 2; // ALTER TABLE
    if st.toks.get(i).is_some_and(|t| t.is(st.src, "IF")) {
        i += 2;
    }
    if st.toks.get(i).is_some_and(|t| t.is(st.src, "ONLY")) {
        i += 1;
    }
    let i = st.skip_name(i);
    st.comma_split(i, st.toks.len())
}

pub(crate) fn alter_table(ctx: &mut Ctx, st: &Stmt, at_: &AlterTable) {
    let name = ctx.qualify(&at_.name);
    let ranges = action_ranges(st);
    let spans: Vec<Span> = if ranges.len() == at_.operations.len() {
        ranges.iter().map(|&(a, b)| st.range_focus(a, b)).collect()
    } else {
        vec![st.focus(); at_.operations.len()]
    };
    let focus = st.focus();
    let whole = st.whole();
    for (op, &span) in at_.operations.iter().zip(spans.iter()) {
        match op {
            AlterTableOperation::EnableRowLevelSecurity => {
                ctx.schema.table_or_stub(&name, whole, focus).rls_enabled = Some(at(true, span))
            }
            AlterTableOperation::DisableRowLevelSecurity => {
                ctx.schema.table_or_stub(&name, whole, focus).rls_enabled = Some(at(false, span))
            }
            AlterTableOperation::ForceRowLevelSecurity => {
                ctx.schema.table_or_stub(&name, whole, focus).rls_forced = Some(at(true, span))
            }
            AlterTableOperation::NoForceRowLevelSecurity => {
                ctx.schema.table_or_stub(&name, whole, focus).rls_forced = Some(at(false, span))
            }
            AlterTableOperation::AddColumn {
                column_def,
                if_not_exists,
                ..
            } => {
                let c = column(ctx, column_def, span);
                let t = ctx.schema.table_or_stub(&name, whole, focus);
                if *if_not_exists && t.columns.iter().any(|x| x.name == c.name) {
                    continue;
                }
                if c.primary_key {
                    t.primary_key = Some(at(vec![c.name.clone()], span));
                }
                t.columns.retain(|x| x.name != c.name);
                t.columns.push(c);
            }
            AlterTableOperation::DropColumn { column_names, .. } => {
                if let Some(t) = ctx.schema.table_mut(&name) {
                    let dropped: Vec<String> = column_names.iter().map(ident).collect();
                    t.columns.retain(|c| !dropped.contains(&c.name));
                }
            }
            AlterTableOperation::AddConstraint { constraint: tc, .. } => {
                let names: Vec<String> = ctx
                    .schema
                    .table_mut(&name)
                    .map(|t| t.columns.iter().map(|c| c.name.clone()).collect())
                    .unwrap_or_default();
                if let Some(c) = constraint(ctx, tc, &names, span) {
                    let t = ctx.schema.table_or_stub(&name, whole, focus);
                    add_constraint(t, c);
                }
            }
            AlterTableOperation::DropConstraint { name: cname, .. } => {
                if let Some(t) = ctx.schema.table_mut(&name) {
                    let cname = ident(cname);
                    let was_pk = t.constraints.iter().any(|c| {
                        c.name.as_deref() == Some(cname.as_str()) && c.kind == "primary_key"
                    });
                    t.constraints
                        .retain(|c| c.name.as_deref() != Some(cname.as_str()));
                    if was_pk || cname == format!("{}_pkey", t.table) {
                        t.primary_key = None;
                        for c in &mut t.columns {
                            c.primary_key = false;
                        }
                    }
                }
            }
            AlterTableOperation::AlterColumn { column_name, op } => {
                if let Some(c) = ctx
                    .schema
                    .table_mut(&name)
                    .and_then(|t| t.column_mut(&ident(column_name)))
                {
                    match op {
                        AlterColumnOperation::SetNotNull => c.not_null = true,
                        AlterColumnOperation::DropNotNull => c.not_null = false,
                        AlterColumnOperation::SetDefault { value } => {
                            c.default = Some(value.to_string())
                        }
                        AlterColumnOperation::DropDefault => c.default = None,
                        AlterColumnOperation::SetDataType { data_type, .. } => {
                            (c.type_, c.base, c.array) = base_type(data_type);
                        }
                        _ => {}
                    }
                }
            }
            AlterTableOperation::RenameColumn {
                old_column_name,
                new_column_name,
            } => {
                if let Some(c) = ctx
                    .schema
                    .table_mut(&name)
                    .and_then(|t| t.column_mut(&ident(old_column_name)))
                {
                    c.name = ident(new_column_name);
                }
            }
            AlterTableOperation::AttachPartitionOf {
                partition,
                for_values,
            } => {
                let child = ctx.qualify(partition);
                let bound = bound_of(for_values).to_string();
                ctx.schema.partitions.retain(|p| p.child != child);
                ctx.schema.partitions.push(Partition {
                    parent: name.clone(),
                    child: child.clone(),
                    bound: bound.clone(),
                    from: lower_bound(for_values),
                    to: upper_bound(for_values),
                    span,
                });
                if let Some(t) = ctx.schema.table_mut(&child) {
                    t.partition_of = Some(PartitionOf {
                        parent: name.clone(),
                        bound,
                        span,
                    });
                }
            }
            AlterTableOperation::DetachPartitionOf { partition, .. } => {
                let child = ctx.qualify(partition);
                ctx.schema
                    .partitions
                    .retain(|p| !(p.child == child && p.parent == name));
                if let Some(t) = ctx.schema.table_mut(&child) {
                    t.partition_of = None;
                }
            }
            AlterTableOperation::OwnerTo { new_owner } => {
                if let Some(t) = ctx.schema.table_mut(&name) {
                    t.owner = Some(at(owner_name(new_owner), span));
                }
            }
            AlterTableOperation::RenameTable { table_name } => {
                let (RenameTableNameKind::As(new) | RenameTableNameKind::To(new)) = table_name;
                let new_name = ctx.qualify_in(&name, new);
                if let Some(t) = ctx.schema.table_mut(&name) {
                    let (schema, table) = super::model::split_qualified(&new_name);
                    t.name = new_name;
                    t.schema = schema;
                    t.table = table;
                }
            }
            _ => {}
        }
    }
}

/// `[CONSTRAINT name] NOT NULL column [NO INHERIT | NOT VALID]` in tokens `[a, b]`: a table
/// constraint of PostgreSQL 18 (in CREATE TABLE's list, and added by ALTER TABLE `ADD`), which
/// makes the column NOT NULL as the column's own clause does. The column's token index.
pub(crate) fn not_null_constraint(src: &str, toks: &[Tok], a: usize, b: usize) -> Option<usize> {
    let mut i = a;
    if toks.get(i)?.is(src, "CONSTRAINT") {
        i += 2;
    }
    if !(toks.get(i)?.is(src, "NOT") && toks.get(i + 1)?.is(src, "NULL")) {
        return None;
    }
    let col = i + 2;
    (col <= b && matches!(toks.get(col)?.kind, Kind::Word | Kind::Quoted)).then_some(col)
}

/// The elements of a CREATE TABLE's list that are `NOT NULL column` constraints: their token
/// ranges `[a, b]` and the column's token index.
pub(crate) fn create_not_null_elements(src: &str, toks: &[Tok]) -> Vec<(usize, usize, usize)> {
    list_elements(toks)
        .into_iter()
        .filter_map(|(a, b)| not_null_constraint(src, toks, a, b).map(|col| (a, b, col)))
        .collect()
}

/// The `LIKE source …` elements of a CREATE TABLE's list: their token ranges `[a, b]` and the
/// number of elements of the list.
pub(crate) fn like_elements(src: &str, toks: &[Tok]) -> Vec<(usize, usize, usize)> {
    let elements = list_elements(toks);
    let n = elements.len();
    elements
        .into_iter()
        .filter(|&(a, _)| toks[a].is(src, "LIKE"))
        .map(|(a, b)| (a, b, n))
        .collect()
}

/// The token ranges `[a, b]` of the elements of the first parenthesised list.
fn list_elements(toks: &[Tok]) -> Vec<(usize, usize)> {
    let Some(open) = toks.iter().position(|t| t.kind == Kind::LParen) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let (mut depth, mut from) = (0usize, open + 1);
    for (i, t) in toks.iter().enumerate().skip(open) {
        match t.kind {
            Kind::LParen => depth += 1,
            Kind::RParen | Kind::Comma if depth == 1 => {
                if i > from {
                    out.push((from, i - 1));
                }
                if t.kind == Kind::RParen {
                    break;
                }
                from = i + 1;
            }
            Kind::RParen => depth -= 1,
            _ => {}
        }
    }
    out
}

/// Marks NOT NULL the columns a CREATE TABLE's `NOT NULL column` constraints name (sqlparser
/// reads the statement without them: see `rewrite`).
pub(crate) fn apply_create_not_null(ctx: &mut Ctx, st: &Stmt) {
    let create_table =
        st.is_kw(0, "CREATE") && st.toks.iter().take(5).any(|t| t.is(st.src, "TABLE"));
    if !create_table {
        return;
    }
    let elements = create_not_null_elements(st.src, st.toks);
    if elements.is_empty() {
        return;
    }
    let Some(mut i) = st
        .toks
        .iter()
        .position(|t| t.is(st.src, "TABLE"))
        .map(|i| i + 1)
    else {
        return;
    };
    if st.is_kw(i, "IF") {
        i += 3;
    }
    let (parts, _) = st.name_at(i);
    let name = ctx.qualify_parts(&parts);
    for (_, _, col) in elements {
        mark_not_null(ctx, &name, &st.tok_ident(&st.toks[col]));
    }
}

/// Column `column` of table `name`, when the model has it, is NOT NULL.
fn mark_not_null(ctx: &mut Ctx, name: &str, column: &str) {
    if let Some(c) = ctx
        .schema
        .table_mut(name)
        .and_then(|t| t.column_mut(column))
    {
        c.not_null = true;
    }
}

/// ALTER TABLE's `ADD [CONSTRAINT name] NOT NULL column` action (tokens `[a, b]`, `a` the
/// `ADD`): the column is made NOT NULL. False when the action is another one.
pub(crate) fn alter_add_not_null(ctx: &mut Ctx, st: &Stmt, a: usize, b: usize) -> bool {
    if !st.is_kw(a, "ADD") {
        return false;
    }
    let Some(col) = not_null_constraint(st.src, st.toks, a + 1, b) else {
        return false;
    };
    let mut i = 2;
    if st.is_kw(i, "IF") {
        i += 2;
    }
    if st.is_kw(i, "ONLY") {
        i += 1;
    }
    let (parts, _) = st.name_at(i);
    let name = ctx.qualify_parts(&parts);
    mark_not_null(ctx, &name, &st.tok_ident(&st.toks[col]));
    true
}
