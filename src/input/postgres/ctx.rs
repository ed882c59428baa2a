//! The model being built from one file, and the name resolution state statements change.

use super::model::Schema;
use super::stmt::name_parts;
use sqlparser::ast::ObjectName;

pub(crate) struct Ctx {
    /// The schema of unqualified names (`public`, or the first of the last `SET search_path`).
    pub default_schema: String,
    pub schema: Schema,
    /// The tables earlier migrations of the file's folder left (`schema.name`), each with
    /// whether its row-level security is on: a loop over the catalog reaches them too
    /// (`formats::catalog_loop`, docs/robustness.md session wild47).
    pub prior: Vec<(String, bool)>,
}

impl Ctx {
    pub fn new() -> Ctx {
        Ctx {
            default_schema: "public".into(),
            schema: Schema::default(),
            prior: Vec::new(),
        }
    }

    /// `schema.name`, with unqualified names placed in the default schema.
    pub fn qualify(&self, n: &ObjectName) -> String {
        self.qualify_parts(&name_parts(n))
    }

    /// `schema.name` from the parts of a name as written (`[t]`, `[s, t]`, `[db, s, t]`).
    pub fn qualify_parts(&self, parts: &[String]) -> String {
        match parts {
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
