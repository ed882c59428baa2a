//! `COMMENT ON <object type> name IS '…'` into the model: as sqlparser read it, or from its
//! tokens when it cannot.

use super::ctx::Ctx;
use super::lex::Kind;
use super::model::Named;
use super::stmt::{Stmt, name_parts};
use sqlparser::ast::{CommentObject, ObjectName};

/// `COMMENT ON …` as sqlparser read it.
pub(super) fn comment(
    ctx: &mut Ctx,
    st: &Stmt,
    object_type: &CommentObject,
    object_name: &ObjectName,
    comment: Option<&str>,
) {
    let mut fields = vec![("object_type", object_type.to_string().to_lowercase())];
    if let Some(c) = comment {
        fields.push(("text", c.to_string()));
    }
    push(ctx, st, name_parts(object_name).join("."), fields);
}

/// Adds a comment on the object named `name` (comments are kept in file order).
fn push(ctx: &mut Ctx, st: &Stmt, name: String, fields: Vec<(&'static str, String)>) {
    ctx.schema.comments.push(Named {
        name,
        fields,
        span: st.whole(),
        focus: st.focus(),
    });
}

/// `COMMENT ON <object type> name IS '…'`.
pub(super) fn from_tokens(ctx: &mut Ctx, st: &Stmt) -> bool {
    if !st.is_kw(0, "COMMENT") || !st.is_kw(1, "ON") {
        return false;
    }
    let Some(is_kw) = st.find_kw(2, &["IS"]) else {
        return false;
    };
    // the object type: the words before the first name (two words at most, e.g. EVENT TRIGGER)
    let mut k = 2;
    let mut kind = Vec::new();
    while k < is_kw && kind.len() < 3 {
        let t = &st.toks[k];
        let next_is_name = st
            .toks
            .get(k + 1)
            .is_some_and(|n| matches!(n.kind, Kind::Word | Kind::Quoted) && k + 1 < is_kw);
        if t.kind == Kind::Word && next_is_name {
            kind.push(t.text(st.src).to_lowercase());
            k += 1;
            let last = kind.last().map(String::as_str).unwrap_or("");
            let more = [
                "materialized",
                "foreign",
                "event",
                "access",
                "text",
                "operator",
            ]
            .contains(&last)
                || (kind.len() == 2 && kind[0] == "text");
            if !more {
                break;
            }
        } else {
            break;
        }
    }
    let (parts, _) = st.name_at(k);
    let mut fields = vec![("object_type", kind.join(" "))];
    if let Some(text) = st.toks.get(is_kw + 1).filter(|t| t.kind == Kind::Str) {
        let raw = text.text(st.src);
        let inner = if let Some(rest) = raw.strip_prefix('$') {
            let tag_end = rest.find('$').map_or(0, |n| n + 2);
            raw.get(tag_end..raw.len().saturating_sub(tag_end))
                .unwrap_or("")
                .to_string()
        } else {
            raw.trim_start_matches(['E', 'e'])
                .trim_matches('\'')
                .replace("''", "'")
        };
        fields.push(("text", inner));
    }
    push(ctx, st, parts.join("."), fields);
    true
}
