//! Liquibase XML changelogs (`<databaseChangeLog>`, JHipster's `config/liquibase/master.xml`,
//! Spring Boot's `db/changelog/db.changelog-master.xml`): read for the order of the SQL files
//! they run, as the YAML and JSON changelogs are (`postgres::migrations::liquibase_order`,
//! docs/robustness.md, sessions wild51 and wild54).
//!
//! The document is the YAML changelog's shape, with only what orders migrations:
//! `{"databaseChangeLog": [{"include": {"file", "relativeToChangelogFile", "errorIfMissing"}},
//! {"includeAll": {"path", …}}, {"changeSet": {"changes": [{"sqlFile": {"path", …}}]}}]}`, each
//! attribute's span the attribute's value in the file. A `<sqlFile>` inside a changeSet's
//! `<rollback>` runs only on a rollback and is left out. Other elements (`<createTable>`,
//! `<insert>`, `<property>`) are not modelled.

use crate::input::{Document, InputType, Loaded};
use crate::source::span::{Children, Span, SpanTree};
use crate::source::{Problem, SourceFile};
use quick_xml::events::{BytesStart, Event};
use serde_json::{Map, Value};
use std::sync::Arc;

/// Whether a `.xml` path is one where Liquibase changelogs are kept (the walk reads no other
/// XML): a folder or file name holding `changelog`, `liquibase`, `changeset` or `migration`,
/// or a `db` folder (`db/master.xml`).
pub fn is_candidate_path(path: &str) -> bool {
    let lower = path.to_ascii_lowercase().replace('\\', "/");
    if !lower.ends_with(".xml") {
        return false;
    }
    ["changelog", "liquibase", "changeset", "migration"]
        .iter()
        .any(|w| lower.contains(w))
        || lower.starts_with("db/")
        || lower.contains("/db/")
}

/// The local name of an element, as text.
fn local(e: &BytesStart) -> String {
    String::from_utf8_lossy(e.local_name().as_ref()).into_owned()
}

/// The byte offset of `part` in `text`, when `part` borrows from it.
fn offset_in(text: &str, part: &[u8]) -> Option<usize> {
    let start = text.as_ptr() as usize;
    let p = part.as_ptr() as usize;
    (p >= start && p + part.len() <= start + text.len()).then(|| p - start)
}

/// One element's attributes as a mapping, each with its value's span; the element's span is
/// its start tag.
fn attributes(text: &str, e: &BytesStart, tag: Span) -> (Value, SpanTree) {
    let mut map = Map::new();
    let mut spans = Vec::new();
    for a in e.attributes().with_checks(false).flatten() {
        let key = String::from_utf8_lossy(a.key.local_name().as_ref()).into_owned();
        let value = a
            .unescape_value()
            .map(|v| v.into_owned())
            .unwrap_or_else(|_| String::from_utf8_lossy(&a.value).into_owned());
        let span = offset_in(text, &a.value)
            .map(|o| Span::new(o, o + a.value.len()))
            .unwrap_or(tag);
        map.insert(key.clone(), Value::String(value));
        spans.push((key, SpanTree::leaf(span)));
    }
    (
        Value::Object(map),
        SpanTree {
            span: tag,
            focus: tag,
            children: Children::Map(spans),
            origin: None,
        },
    )
}

/// `{name: value}` with its span tree.
fn keyed(name: &str, value: Value, tree: SpanTree) -> (Value, SpanTree) {
    let span = tree.span;
    let mut m = Map::new();
    m.insert(name.to_string(), value);
    (
        Value::Object(m),
        SpanTree {
            span,
            focus: span,
            children: Children::Map(vec![(name.to_string(), tree)]),
            origin: None,
        },
    )
}

/// Loads an XML changelog; a file that is no changelog gives nothing, one that is not
/// well-formed a located problem.
pub fn load_xml(file: &Arc<SourceFile>) -> Loaded {
    let mut out = Loaded::default();
    let text = file.text.as_str();
    if memchr::memmem::find(text.as_bytes(), b"databaseChangeLog").is_none() {
        return out;
    }
    let mut reader = quick_xml::Reader::from_str(text);
    reader.config_mut().check_end_names = true;
    // the path of open elements' local names
    let mut open: Vec<String> = Vec::new();
    let mut entries: Vec<Value> = Vec::new();
    let mut trees: Vec<SpanTree> = Vec::new();
    // the changeSet being read: its sqlFile changes
    let mut change_set: Option<(Span, Vec<Value>, Vec<SpanTree>)> = None;
    let mut root: Option<Span> = None;
    loop {
        let before = reader.buffer_position() as usize;
        let event = match reader.read_event() {
            Ok(e) => e,
            Err(e) => {
                let at = (reader.error_position() as usize).min(text.len());
                out.problems.push(Problem::error(
                    &file.path,
                    Some(file.pos(at as u32)),
                    format!("cannot read the Liquibase changelog as XML: {e}"),
                ));
                return out;
            }
        };
        let after = reader.buffer_position() as usize;
        let tag = Span::new(before.min(text.len()), after.min(text.len()));
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(event, Event::Empty(_));
                let name = local(e);
                let depth = open.len();
                if depth == 0 {
                    if name != "databaseChangeLog" {
                        return out;
                    }
                    root = Some(tag);
                } else if depth == 1 && (name == "include" || name == "includeAll") {
                    let (v, t) = attributes(text, e, tag);
                    let (v, t) = keyed(&name, v, t);
                    entries.push(v);
                    trees.push(t);
                } else if depth == 1 && name == "changeSet" {
                    change_set = Some((tag, Vec::new(), Vec::new()));
                } else if name == "sqlFile"
                    && open.get(1).is_some_and(|n| n == "changeSet")
                    && !open.iter().any(|n| n == "rollback")
                    && let Some((_, values, spans)) = change_set.as_mut()
                {
                    let (v, t) = attributes(text, e, tag);
                    let (v, t) = keyed("sqlFile", v, t);
                    values.push(v);
                    spans.push(t);
                }
                if !empty {
                    open.push(name);
                }
            }
            Event::End(_) => {
                let closed = open.pop();
                if open.len() == 1
                    && closed.as_deref() == Some("changeSet")
                    && let Some((start, values, spans)) = change_set.take()
                    && !values.is_empty()
                {
                    let changes = SpanTree {
                        span: start,
                        focus: start,
                        children: Children::Seq(spans),
                        origin: None,
                    };
                    let (v, t) = keyed("changes", Value::Array(values), changes);
                    let (v, t) = keyed("changeSet", v, t);
                    entries.push(v);
                    trees.push(t);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let Some(root) = root else {
        return out;
    };
    let whole = Span::new(root.start as usize, text.len());
    let list = SpanTree {
        span: whole,
        focus: root,
        children: Children::Seq(trees),
        origin: None,
    };
    let (value, spans) = keyed("databaseChangeLog", Value::Array(entries), list);
    let spans = SpanTree {
        span: whole,
        focus: root,
        ..spans
    };
    out.documents.push(Document {
        file: file.clone(),
        index: 0,
        input_type: InputType::Config,
        subtype: "liquibase".to_string(),
        resource: "databaseChangeLog".to_string(),
        value,
        spans,
        substituted: Vec::new(),
        embedded: false,
        fragment: false,
        extended: Vec::new(),
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::span::PathSeg;

    #[test]
    fn xml_changelogs_read_as_the_yaml_ones_with_spans() {
        let text = "<?xml version=\"1.0\"?>\n<databaseChangeLog xmlns=\"http://www.liquibase.org/xml/ns/dbchangelog\">\n  <!-- <include file=\"old.xml\"/> -->\n  <include file=\"a.sql\" relativeToChangelogFile=\"true\"/>\n  <includeAll path=\"db/more/\"/>\n  <changeSet id=\"1\" author=\"x\">\n    <sqlFile path=\"b.sql\" relativeToChangelogFile=\"true\"/>\n    <rollback><sqlFile path=\"b-undo.sql\"/></rollback>\n  </changeSet>\n</databaseChangeLog>\n";
        let file = SourceFile::new("db/changelog/master.xml".into(), None, text.into());
        let l = load_xml(&file);
        assert!(l.problems.is_empty(), "{:?}", l.problems);
        let d = &l.documents[0];
        assert_eq!(
            d.value,
            serde_json::json!({"databaseChangeLog": [
                {"include": {"file": "a.sql", "relativeToChangelogFile": "true"}},
                {"includeAll": {"path": "db/more/"}},
                {"changeSet": {"changes": [{"sqlFile": {"path": "b.sql", "relativeToChangelogFile": "true"}}]}},
            ]})
        );
        let at = |path: &[PathSeg]| {
            let s = d.spans.resolve(path).span;
            (file.pos(s.start).line, file.pos(s.start).column)
        };
        let k = |s: &str| PathSeg::Key(s.into());
        assert_eq!(
            at(&[
                k("databaseChangeLog"),
                PathSeg::Index(0),
                k("include"),
                k("file")
            ]),
            (4, 18)
        );
        assert_eq!(
            at(&[
                k("databaseChangeLog"),
                PathSeg::Index(2),
                k("changeSet"),
                k("changes"),
                PathSeg::Index(0),
                k("sqlFile"),
                k("path")
            ]),
            (7, 20)
        );
        // not XML: a located problem; another XML document: nothing
        let bad = SourceFile::new(
            "db/changelog/bad.xml".into(),
            None,
            "<databaseChangeLog>\n  <include file=\"a.sql\">\n</databaseChangeLog>\n".into(),
        );
        let l = load_xml(&bad);
        assert!(l.documents.is_empty());
        assert_eq!(l.problems.len(), 1);
        assert!(l.problems[0].pos.is_some());
        let pom = SourceFile::new(
            "db/pom.xml".into(),
            None,
            "<project><!-- databaseChangeLog --></project>".into(),
        );
        let l = load_xml(&pom);
        assert!(l.documents.is_empty() && l.problems.is_empty());
    }
}
