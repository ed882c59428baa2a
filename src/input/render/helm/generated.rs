//! Values a template generates at render time: `randAlphaNum` passwords, `uuidv4`, the keys
//! and certificates of `genCA`/`genPrivateKey`/…, and what functions make of them (`b64enc`,
//! `printf`, `shuffle`, …). No credential of that kind is written in the repository, so the
//! secret rules must not report it; the renderer marks where such text lands in the stream
//! ([`ranges`]), and the loader hands it to the rules as a reference (see
//! `input::render::load`).
//!
//! Values are followed by content, not by template syntax: a generated value reaches the
//! output through variables, `include`, `tpl`, `default` chains, so the renderer keeps the
//! strings it generated in this rendering, and a function's result is generated when one of
//! its arguments was (and the result is not one of its other, committed arguments, as
//! `default (randAlphaNum 10) .Values.password` returns the committed password).

use gotmpl::{FuncMap, Value, ValueFunc};
use std::cell::RefCell;
use std::collections::HashSet;
use std::ops::Range;
use std::sync::Arc;

/// The shortest generated text looked for in the rendered stream: shorter random strings (the
/// `randAlpha 1` a password is built from) are followed through functions, but could match
/// committed text by chance.
const MIN_SEARCHED: usize = 8;

thread_local! {
    /// The strings generated in this rendering (a thread renders one chart at a time).
    static GENERATED: RefCell<HashSet<Arc<str>>> = RefCell::new(HashSet::new());
}

/// Starts a rendering: nothing generated yet.
pub(super) fn clear() {
    GENERATED.with(|g| g.borrow_mut().clear());
}

/// Records text a function generated (or derived from generated text only).
pub(super) fn mark(text: &str) {
    if !text.is_empty() {
        GENERATED.with(|g| g.borrow_mut().insert(Arc::from(text)));
    }
}

/// Whether `text` was generated in this rendering.
pub(super) fn is_generated_text(text: &str) -> bool {
    GENERATED.with(|g| g.borrow().contains(text))
}

/// A generated string, or a non-empty list of them (`list (randAlpha 1) (randNumeric 1)`).
fn is_generated(v: &Value) -> bool {
    match v {
        Value::String(s) => is_generated_text(s),
        Value::List(l) => !l.is_empty() && l.iter().all(is_generated),
        _ => false,
    }
}

fn nothing_generated() -> bool {
    GENERATED.with(|g| g.borrow().is_empty())
}

/// `f`, recording its string result as generated when an argument was generated and the
/// result is not one of the committed arguments (`default`, `coalesce`, `ternary` choose one).
pub(super) fn follow(f: ValueFunc) -> ValueFunc {
    Arc::new(move |a: &[Value]| {
        let out = f(a)?;
        if let Value::String(s) = &out
            && !nothing_generated()
            && a.iter().any(is_generated)
            && !a
                .iter()
                .any(|x| !is_generated(x) && matches!(x, Value::String(c) if c == s))
        {
            mark(s);
        }
        Ok(out)
    })
}

/// Wraps every function of `m`, and Go's `print`, `printf` and `println`, with [`follow`].
pub(super) fn follow_all(m: &mut FuncMap) {
    let builtins = gotmpl::builtins();
    for name in ["print", "printf", "println"] {
        if let Some(f) = builtins.get(name) {
            m.entry(name.to_string()).or_insert_with(|| f.clone());
        }
    }
    for f in m.values_mut() {
        *f = follow(f.clone());
    }
}

/// The byte ranges of `stream` holding generated text: each generated string of at least
/// [`MIN_SEARCHED`] bytes, its base64 form, and each line of a generated block (a PEM key
/// printed with `nindent` is re-indented line by line). Sorted and merged.
pub(super) fn ranges(stream: &str) -> Vec<Range<usize>> {
    let needles: Vec<String> = GENERATED.with(|g| {
        let mut out: Vec<String> = Vec::new();
        for s in g.borrow().iter().filter(|s| s.len() >= MIN_SEARCHED) {
            out.push(data_encoding::BASE64.encode(s.as_bytes()));
            if s.contains('\n') {
                out.extend(
                    s.lines()
                        .map(str::trim)
                        .filter(|l| l.len() >= MIN_SEARCHED)
                        .map(str::to_string),
                );
            } else {
                out.push(s.to_string());
            }
        }
        out.sort();
        out.dedup();
        out
    });
    let found: Vec<Range<usize>> = needles
        .iter()
        .flat_map(|n| {
            stream
                .match_indices(n.as_str())
                .map(|(i, m)| i..i + m.len())
        })
        .collect();
    crate::source::secrets::merge(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(text: &str) -> Value {
        Value::from(text)
    }

    #[test]
    fn a_result_made_from_generated_text_is_generated_and_a_chosen_committed_one_is_not() {
        clear();
        mark("Xy7Qp2LmZa");
        let concat: ValueFunc = Arc::new(|a: &[Value]| {
            Ok(Value::from(
                a.iter().map(|v| v.to_string()).collect::<String>(),
            ))
        });
        let first_non_empty: ValueFunc = Arc::new(|a: &[Value]| Ok(a[1].clone()));
        let concat = follow(concat);
        let out = concat(&[s("user:"), s("Xy7Qp2LmZa")]).unwrap();
        assert!(is_generated(&out), "derived from a generated password");
        let out = follow(first_non_empty)(&[s("Xy7Qp2LmZa"), s("committed-pw")]).unwrap();
        assert!(!is_generated(&out), "default chose the committed value");
        let out = concat(&[s("only"), s("committed")]).unwrap();
        assert!(!is_generated(&out));
    }

    #[test]
    fn ranges_find_the_text_its_base64_and_the_lines_of_a_block() {
        clear();
        mark("Xy7Qp2LmZa");
        mark("-----BEGIN KEY-----\nAAAABBBBCCCCDDDD\n-----END KEY-----\n");
        mark("short");
        let b64 = data_encoding::BASE64.encode(b"Xy7Qp2LmZa");
        let stream = format!(
            "a: Xy7Qp2LmZa\nb: {b64}\nc: |\n    -----BEGIN KEY-----\n    AAAABBBBCCCCDDDD\n    -----END KEY-----\nd: short\n"
        );
        let found: Vec<&str> = ranges(&stream).into_iter().map(|r| &stream[r]).collect();
        assert_eq!(
            found,
            [
                "Xy7Qp2LmZa",
                b64.as_str(),
                "-----BEGIN KEY-----",
                "AAAABBBBCCCCDDDD",
                "-----END KEY-----"
            ]
        );
    }
}
