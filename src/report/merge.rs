//! `runeguard merge`: joins the SARIF files of several `--shard` jobs into one run, so CI
//! matrices upload one file to code scanning.

use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Masks credentials in every string of a JSON value (see [`crate::source::secrets::redact_text`]).
fn redact_strings(v: &mut Value) {
    match v {
        Value::String(s) => {
            if let std::borrow::Cow::Owned(r) = crate::source::secrets::redact_text(s) {
                *s = r;
            }
        }
        Value::Array(a) => a.iter_mut().for_each(redact_strings),
        Value::Object(m) => m.values_mut().for_each(redact_strings),
        _ => {}
    }
}

pub fn merge(files: &[PathBuf]) -> Result<String, String> {
    let mut rules: BTreeMap<String, Value> = BTreeMap::new();
    let mut results: Vec<Value> = Vec::new();
    let mut notifications: Vec<Value> = Vec::new();
    let mut success = true;
    let mut base: Option<Value> = None;
    for f in files {
        let text =
            std::fs::read_to_string(f).map_err(|e| format!("cannot read {}: {e}", f.display()))?;
        let doc: Value = serde_json::from_str(&text)
            .map_err(|e| format!("{}:{}:{}: not JSON: {e}", f.display(), e.line(), e.column()))?;
        let runs = doc
            .get("runs")
            .and_then(Value::as_array)
            .ok_or_else(|| format!("{}: not a SARIF log (no runs)", f.display()))?;
        for run in runs {
            let driver_rules = run
                .pointer("/tool/driver/rules")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            for r in &driver_rules {
                if let Some(id) = r.get("id").and_then(Value::as_str) {
                    rules.entry(id.to_string()).or_insert_with(|| r.clone());
                }
            }
            for res in run
                .get("results")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                results.push(res.clone());
            }
            for inv in run
                .get("invocations")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if inv.get("executionSuccessful") == Some(&Value::Bool(false)) {
                    success = false;
                }
                for n in inv
                    .get("toolExecutionNotifications")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    notifications.push(n.clone());
                }
            }
            if base.is_none() {
                base = Some(run.clone());
            }
        }
    }
    let Some(mut run) = base else {
        return Err("no SARIF runs to merge".into());
    };
    let index: BTreeMap<String, usize> = rules
        .keys()
        .enumerate()
        .map(|(i, k)| (k.clone(), i))
        .collect();
    for r in &mut results {
        if let Some(id) = r.get("ruleId").and_then(Value::as_str).map(str::to_string)
            && let (Some(i), Some(obj)) = (index.get(&id), r.as_object_mut())
        {
            obj.insert("ruleIndex".into(), json!(i));
        }
    }
    // Same order as a single run would give: by file, line, column, rule.
    let key = |r: &Value| {
        let loc = r.pointer("/locations/0/physicalLocation");
        (
            loc.and_then(|l| l.pointer("/artifactLocation/uri"))
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
            loc.and_then(|l| l.pointer("/region/startLine"))
                .and_then(Value::as_u64)
                .unwrap_or(0),
            loc.and_then(|l| l.pointer("/region/startColumn"))
                .and_then(Value::as_u64)
                .unwrap_or(0),
            r.get("ruleId")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
        )
    };
    results.sort_by_key(key);
    // The inputs may come from anywhere: mask any credential their texts hold.
    for v in results.iter_mut().chain(notifications.iter_mut()) {
        redact_strings(v);
    }
    if let Some(obj) = run.as_object_mut() {
        obj.insert("results".into(), Value::Array(results));
        if let Some(driver) = obj
            .get_mut("tool")
            .and_then(|t| t.get_mut("driver"))
            .and_then(Value::as_object_mut)
        {
            driver.insert("rules".into(), Value::Array(rules.into_values().collect()));
        }
        if let Some(inv) = obj
            .get_mut("invocations")
            .and_then(Value::as_array_mut)
            .and_then(|a| a.first_mut())
            .and_then(Value::as_object_mut)
        {
            inv.insert("executionSuccessful".into(), Value::Bool(success));
            inv.insert(
                "toolExecutionNotifications".into(),
                Value::Array(notifications),
            );
        }
    }
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [run],
    });
    let mut s = serde_json::to_string_pretty(&log).map_err(|e| e.to_string())?;
    s.push('\n');
    Ok(s)
}
