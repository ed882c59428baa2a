//! The schema model of one `.sql` file, as it stands after its last statement (described in
//! docs/sql-model.md): the object types and the queries statements make of them. `document`
//! turns it into what rules see.

use crate::source::span::Span;

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
    /// The parent whose pg_partman template this table is (`p_template_table`): it holds no
    /// rows, only the properties new partitions copy.
    pub template_of: Option<String>,
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
            template_of: None,
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
    /// The lower bound of a range partition, as written (`'2025-02-01'`, `MINVALUE`).
    pub from: Option<String>,
    /// The upper bound of a range partition, as written (`'2025-03-01'`, `MAXVALUE`).
    pub to: Option<String>,
    pub span: Span,
}

/// A table handed to pg_partman (`create_parent`), which creates its partitions at run time.
#[derive(Debug, Clone)]
pub(crate) struct Partman {
    pub parent: String,
    /// Whether pg_partman creates the DEFAULT partition (`p_default_table`).
    pub default_table: bool,
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
    /// Where `USING (...)` and `WITH CHECK (...)` are written: what a finding on the
    /// expression points at, several lines below `CREATE POLICY` in most migrations.
    pub using_focus: Option<Span>,
    pub check_focus: Option<Span>,
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

impl Grant {
    /// A grant of `objects` to `grantees` with no privileges listed, no grant option, not a
    /// default privilege: what each form of GRANT and REVOKE fills in from.
    pub fn new(
        action: &'static str,
        object_type: String,
        objects: Vec<String>,
        grantees: Vec<String>,
        span: Span,
        focus: Span,
    ) -> Grant {
        Grant {
            action,
            privileges: Vec::new(),
            columns: Vec::new(),
            object_type,
            objects,
            grantees,
            with_grant_option: false,
            default_privileges: false,
            for_roles: Vec::new(),
            current_tables: None,
            span,
            focus,
        }
    }
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

/// `CREATE|ALTER USER MAPPING FOR user SERVER server OPTIONS (...)`: one entry per statement, in
/// file order (a `DROP USER MAPPING` leaves them: a password once written stays in the file).
#[derive(Debug, Clone)]
pub(crate) struct UserMapping {
    /// The local role (`public`, `current_user`… as written, folded).
    pub user: String,
    pub server: String,
    /// `create` or `alter`.
    pub statement: &'static str,
    /// The option names written (`user`, `password`…), folded.
    pub options: Vec<String>,
    /// The first password-like option given a value (`password`, `passwd`, `sslpassword`,
    /// `odbc_PWD`, `secret`), or the first given a literal: its name, the name's span, and the
    /// password (its span is the name and the value, which reports mask).
    pub password: Option<(String, Span, Password)>,
    pub span: Span,
    pub focus: Span,
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
    /// A new password, unless it would hide a literal: a literal once written stays in the
    /// file's history, whatever follows.
    pub fn set_password(&mut self, new: Password) {
        let keep_literal = self.password.as_ref().is_some_and(|old| old.literal) && !new.literal;
        if !keep_literal {
            self.password = Some(new);
        }
    }

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

impl Function {
    /// A function with no language, security or settings known yet (`SECURITY INVOKER`, the
    /// default, points at the statement's first line).
    pub fn new(
        name: String,
        kind: &str,
        args: String,
        created: bool,
        span: Span,
        focus: Span,
    ) -> Function {
        Function {
            name,
            kind: kind.into(),
            args,
            language: None,
            created,
            security_definer: at(false, focus),
            search_path: None,
            config: Vec::new(),
            span,
            focus,
        }
    }
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
    pub partman: Vec<Partman>,
    pub policies: Vec<Policy>,
    pub grants: Vec<Grant>,
    pub roles: Vec<Role>,
    /// Roles dropped later in the file that were given a literal password (it stays in the
    /// file and in its history).
    pub dropped_roles: Vec<Role>,
    pub user_mappings: Vec<UserMapping>,
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

    /// Adds a function, replacing one of the same name and arguments (`CREATE OR REPLACE`).
    pub fn put_function(&mut self, f: Function) {
        self.functions
            .retain(|old| !(old.name == f.name && old.args == f.args));
        self.functions.push(f);
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
}
