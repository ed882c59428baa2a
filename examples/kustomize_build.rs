//! Builds a Kustomize overlay with runeguard's in-process renderer and prints the stream
//! (`cargo run --example kustomize_build -- DIR`), or compares it with a reference stream
//! (`-- DIR --compare REF.yaml`, e.g. `kubectl kustomize DIR > REF.yaml`): same objects in the
//! same order after parsing. With `--origins`, prints each line's origin beside it.
//! Exit status: 0 same (or printed), 1 different, 2 problems while building.
use runeguard::input::render::{RenderOptions, kustomize};
use runeguard::input::yaml::{self, Schema};
use runeguard::source::span::LineIndex;
use serde_json::Value;
use std::path::Path;

fn docs(text: &str) -> Result<Vec<Value>, String> {
    let lines = LineIndex::new(text);
    let (raw, err) = yaml::parse_stream(text, &lines);
    if let Some(e) = err {
        return Err(format!("{}:{}: {}", e.pos.line, e.pos.column, e.message));
    }
    let mut out = Vec::new();
    for d in &raw {
        let (v, _, _) =
            yaml::resolve(&d.root, Schema::Kubernetes, text, &lines).map_err(|e| e.message)?;
        if !v.is_null() {
            out.push(v);
        }
    }
    Ok(out)
}

/// The first place two values differ, as a path.
fn diff(a: &Value, b: &Value, path: &str) -> Option<String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (k, v) in x {
                match y.get(k) {
                    Some(w) => {
                        if let Some(d) = diff(v, w, &format!("{path}.{k}")) {
                            return Some(d);
                        }
                    }
                    None => return Some(format!("{path}.{k}: only in runeguard ({v})")),
                }
            }
            y.keys()
                .find(|k| !x.contains_key(*k))
                .map(|k| format!("{path}.{k}: only in reference ({})", y[k]))
        }
        (Value::Array(x), Value::Array(y)) => {
            for (i, (v, w)) in x.iter().zip(y).enumerate() {
                if let Some(d) = diff(v, w, &format!("{path}[{i}]")) {
                    return Some(d);
                }
            }
            (x.len() != y.len())
                .then(|| format!("{path}: {} items vs {} in reference", x.len(), y.len()))
        }
        _ => (a != b).then(|| format!("{path}: {a} vs reference {b}")),
    }
}

fn id(v: &Value) -> String {
    format!(
        "{} {}",
        v["kind"].as_str().unwrap_or("?"),
        v["metadata"]["name"].as_str().unwrap_or("?")
    )
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(dir) = args.first() else {
        eprintln!("usage: kustomize_build DIR [--compare REF.yaml] [--origins]");
        std::process::exit(2);
    };
    let compare = args
        .iter()
        .position(|a| a == "--compare")
        .and_then(|i| args.get(i + 1));
    let origins = args.iter().any(|a| a == "--origins");
    let out = kustomize::build(Path::new(dir), dir, &RenderOptions::default());
    for p in &out.problems {
        eprintln!("{p}");
    }
    let stream = out
        .rendered
        .as_ref()
        .map(|r| r.stream.text.clone())
        .unwrap_or_default();
    let Some(reference) = compare else {
        if origins && let Some(r) = &out.rendered {
            let text = &r.stream.text;
            let mut start = 0;
            for line in text.split_inclusive('\n') {
                let range = start..start + line.trim_end().len();
                let o = r
                    .map
                    .primary(range)
                    .map(|o| {
                        let at = o.file.pos(o.span.start);
                        format!("{}:{}:{} ({:?})", o.file.path, at.line, at.column, o.role)
                    })
                    .unwrap_or_default();
                println!("{:<60} # <- {o}", line.trim_end());
                start += line.len();
            }
        } else {
            print!("{stream}");
        }
        std::process::exit(if out.problems.is_empty() { 0 } else { 2 });
    };
    let ref_text = std::fs::read_to_string(reference).unwrap_or_else(|e| {
        eprintln!("{reference}: {e}");
        std::process::exit(2)
    });
    let (mine, theirs) = match (docs(&stream), docs(&ref_text)) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) => {
            println!("DIFF runeguard stream does not parse: {e}");
            std::process::exit(1)
        }
        (_, Err(e)) => {
            println!("DIFF reference does not parse: {e}");
            std::process::exit(1)
        }
    };
    let mut differ = false;
    for (i, (a, b)) in mine.iter().zip(&theirs).enumerate() {
        if let Some(d) = diff(a, b, "") {
            println!("DIFF document {i} ({} / reference {}): {d}", id(a), id(b));
            differ = true;
        }
    }
    if mine.len() != theirs.len() {
        println!(
            "DIFF {} documents vs {} in reference",
            mine.len(),
            theirs.len()
        );
        differ = true;
    }
    if differ {
        std::process::exit(1);
    }
    println!("SAME {} documents", mine.len());
    std::process::exit(
        if out
            .problems
            .iter()
            .any(|p| p.level == runeguard::source::ProblemLevel::Error)
        {
            2
        } else {
            0
        },
    );
}
