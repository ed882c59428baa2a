//! Settling each chart's values: the chart's `values.yaml` under what its parent and the user
//! give (`global` passed down), which subcharts `condition`/`tags` enable, the origins of every
//! value, and `values.schema.json`.

use super::*;
/// A chart whose values are settled: what its templates see.
pub(super) struct Prepared<'a> {
    pub(super) chart: &'a Chart,
    /// `parent/charts/sub` path used in template names (`nginx/charts/common`).
    pub(super) path: String,
    pub(super) values: serde_json::Value,
    pub(super) origins: Origins,
    /// The name its parent knows it by (the dependency's alias, else the chart's name).
    pub(super) name: String,
    /// Subcharts enabled by their conditions and tags.
    pub(super) subs: Vec<Prepared<'a>>,
}

pub(super) fn get_path<'v>(v: &'v serde_json::Value, path: &str) -> Option<&'v serde_json::Value> {
    let mut cur = v;
    for k in path.split('.') {
        cur = cur.get(k)?;
    }
    Some(cur)
}

/// Settles a chart's values (its `values.yaml` under what its parent passes down) and
/// decides which subcharts are enabled.
pub(super) fn prepare<'a>(
    chart: &'a Chart,
    name: String,
    path: String,
    vals: serde_json::Value,
    origins: Origins,
    problems: &mut Vec<Problem>,
) -> Prepared<'a> {
    // Helm's `import-values` read the charts' own values, not the user's: its
    // processImportValues coalesces each chart with no values given (`CoalesceValues(c,
    // nil)`), so a user's `sub.exports.x` does not reach what the parent imports (measured
    // with `helm template`). Those tables come from a pass over the values files alone, with
    // the subcharts the user's values enable (Helm drops the disabled ones before it
    // imports, and does not weigh the conditions again against the values files alone: a
    // grandchild disabled by default imports nothing into its parent's table a chart
    // imports in turn). Which subcharts are enabled comes from a first settling of the
    // user's values.
    let defaults = has_imports(chart).then(|| {
        let probe = prepare_in(
            chart,
            name.clone(),
            path.clone(),
            vals.clone(),
            origins.clone(),
            &mut Vec::new(),
            Pass {
                defaults: None,
                only: None,
                tags: None,
            },
        );
        let mut on = std::collections::HashSet::new();
        fn collect(p: &Prepared, on: &mut std::collections::HashSet<String>) {
            on.insert(p.path.clone());
            p.subs.iter().for_each(|s| collect(s, on));
        }
        collect(&probe, &mut on);
        prepare_in(
            chart,
            name.clone(),
            path.clone(),
            serde_json::json!({}),
            Origins::default(),
            &mut Vec::new(),
            Pass {
                defaults: None,
                only: Some(&on),
                tags: None,
            },
        )
    });
    let pass = Pass {
        defaults: defaults.as_ref(),
        only: None,
        tags: None,
    };
    let mut prepared = prepare_in(chart, name, path, vals, origins, problems, pass);
    share_globals_down(&mut prepared);
    prepared
}

/// The tables two levels under `global` that a chart shares with its subcharts (see
/// [`copy_shared_global_tables`]) end as one map in Helm, seen alike by the chart and every
/// subchart below it: what subcharts settled after a sibling added there reaches that
/// sibling too. Each subchart's (and its parent's view of it) takes its parent's final
/// table, top down.
fn share_globals_down(p: &mut Prepared) {
    let Some(global) = p.values.get("global").filter(|g| g.is_object()).cloned() else {
        return;
    };
    let parent = serde_json::json!({ "global": global });
    for sub in &mut p.subs {
        copy_shared_global_tables(&parent, &mut sub.values);
        if let Some(view) = p.values.get_mut(&sub.name) {
            copy_shared_global_tables(&parent, view);
        }
        share_globals_down(sub);
    }
}

/// The values keys of a chart's subcharts: each dependency entry's alias or name naming a
/// subchart under `charts/`, and the name of a subchart no entry names.
fn subchart_keys(chart: &Chart) -> Vec<String> {
    let mut keys = Vec::new();
    for sub in &chart.subcharts {
        let mut named = false;
        for d in chart.dependencies() {
            if d.get("name").and_then(|n| n.as_str()) == Some(sub.name.as_str()) {
                named = true;
                let key = d.get("alias").and_then(|a| a.as_str()).unwrap_or(&sub.name);
                keys.push(key.to_string());
            }
        }
        if !named {
            keys.push(sub.name.clone());
        }
    }
    keys
}

/// Whether a chart or one of its subcharts lists `import-values`.
fn has_imports(chart: &Chart) -> bool {
    deps_import(chart) || chart.subcharts.iter().any(has_imports)
}

/// How [`prepare_in`] settles a chart: the values-files-only settling of the same chart to
/// read `import-values` from (none in that pass itself), and, for that settling, the paths
/// of the subcharts enabled (instead of their conditions).
#[derive(Clone, Copy)]
struct Pass<'p, 'a> {
    defaults: Option<&'p Prepared<'a>>,
    only: Option<&'p std::collections::HashSet<String>>,
    /// Below the top chart, the `tags` its dependencies are weighed by: Helm's are the top
    /// chart's `tags`, each chart's own `tags` defaults filling what they do not set (not the
    /// chart's `.Values.tags`).
    tags: Option<&'p serde_json::Value>,
}

fn prepare_in<'a>(
    chart: &'a Chart,
    name: String,
    path: String,
    mut vals: serde_json::Value,
    mut origins: Origins,
    problems: &mut Vec<Problem>,
    pass: Pass<'_, 'a>,
) -> Prepared<'a> {
    // The nulls given to this chart: Helm imports into the chart's defaults, under the values
    // given, so a null there deletes what a subchart exports to that place too.
    let mut given_nulls = Vec::new();
    if !deps_import(chart) {
        // Nothing is imported into this chart.
    } else {
        null_paths(&vals, &mut Vec::new(), &mut given_nulls);
    }
    // The chart's own values.yaml under the values given to it.
    let mut own_tags = None;
    let mut own_global = None;
    if let Some(read) = chart.values_yaml() {
        match read {
            Ok((src, defaults, tree)) => {
                let mut own = Origins::default();
                let mut base = if defaults.is_null() {
                    serde_json::json!({})
                } else {
                    defaults.clone()
                };
                values::merge_into(
                    &mut base,
                    &serde_json::json!({}),
                    Some(tree),
                    src,
                    OriginRole::Values,
                    &mut Vec::new(),
                    &mut own,
                );
                record_all(&mut own, tree, src);
                // User/parent values win: their origins overwrite.
                for (k, o) in origins.by_path.drain() {
                    own.by_path.insert(k, o);
                }
                origins = own;
                let keys = subchart_keys(chart);
                let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
                own_tags = base.get("tags").cloned();
                own_global = base.get("global").filter(|g| g.is_object()).cloned();
                if pass.only.is_none() {
                    table_mismatch_notes(&name, &path, &vals, &base, &origins, problems);
                }
                values::coalesce_chart_defaults(&mut vals, &base, &keys);
            }
            Err(p) => problems.push(p.clone()),
        }
    }
    if !vals.is_object() {
        vals = serde_json::json!({});
    }

    let deps = chart.dependencies();
    let tags = match pass.tags {
        None => vals.get("tags").cloned().unwrap_or_default(),
        Some(top) => {
            let mut t = top.clone();
            match (&mut t, own_tags) {
                (serde_json::Value::Object(_), Some(own @ serde_json::Value::Object(_))) => {
                    values::coalesce_defaults(&mut t, &own)
                }
                (serde_json::Value::Null, Some(own)) => t = own,
                _ => {}
            }
            t
        }
    };
    missing_dependencies(chart, deps, &vals, &tags, problems);
    let mut subs = Vec::new();
    // One rendering per dependency entry naming a subchart: Helm copies a chart listed twice
    // under different aliases, and each copy is known (values, `.Chart.Name`, template path)
    // by its alias. A subchart no entry names renders once, under its own name.
    let mut instances: Vec<(&Chart, Option<&serde_json::Value>)> = Vec::new();
    for sub in &chart.subcharts {
        let named: Vec<&serde_json::Value> = deps
            .iter()
            .filter(|d| d.get("name").and_then(|n| n.as_str()) == Some(sub.name.as_str()))
            .collect();
        if named.is_empty() {
            instances.push((sub, None));
        }
        instances.extend(named.into_iter().map(|d| (sub, Some(d))));
    }
    // Conditions and tags read the values with every subchart's defaults under its key
    // (Helm's processDependencyEnabled coalesces the whole chart first): a subchart's own
    // `enabled: true` answers `condition: sub.enabled` when the parent sets nothing there.
    let cvals =
        (pass.only.is_none() && deps.iter().any(|d| d.get("condition").is_some())).then(|| {
            let mut c = vals.clone();
            for (sub, dep) in &instances {
                let key = instance_key(sub, *dep);
                if let Some(o) = c.as_object_mut() {
                    let slot = o.entry(key).or_insert_with(|| serde_json::json!({}));
                    if slot.is_object() {
                        values::coalesce_defaults(slot, &defaults_tree(sub));
                    }
                }
            }
            c
        });
    for (sub, dep) in instances {
        let key = instance_key(sub, dep);
        let on = match pass.only {
            Some(paths) => paths.contains(&format!("{path}/charts/{key}")),
            None => dep.is_none_or(|d| enabled(d, cvals.as_ref().unwrap_or(&vals), &tags)),
        };
        if !on {
            continue;
        }
        let mut sv = vals.get(&key).cloned().unwrap_or(serde_json::json!({}));
        if !sv.is_object() {
            sv = serde_json::json!({});
        }
        // `global` flows down: the parent's globals over the subchart's. Every subchart has
        // one (an empty map when nobody sets any), as Helm's coalesceGlobals gives it.
        let mut merged = sv.get("global").cloned().unwrap_or(serde_json::json!({}));
        if !merged.is_object() {
            merged = serde_json::json!({});
        }
        // A null the user gives a subchart's own global (`--set sub.global.x=null`) stays
        // (Helm's coalesceGlobals leaves it where the parent sets no `x`), so that the
        // subchart's coalescing deletes its default `global.x`.
        let user_nulls: Vec<String> = merged
            .as_object()
            .map(|o| {
                o.iter()
                    .filter(|(_, v)| v.is_null())
                    .map(|(k, _)| k.clone())
                    .collect()
            })
            .unwrap_or_default();
        values::coalesce_defaults(&mut merged, &serde_json::json!({}));
        if let Some(g) = vals.get("global") {
            let mut gg = g.clone();
            values::coalesce_defaults(&mut gg, &merged);
            merged = gg;
        }
        // Helm's processImportValues replaces the defaults of a chart that lists dependencies
        // with the chart coalesced alone, where each subchart's `global` already holds this
        // chart's own `global` defaults: one the user deleted here (`global.x: null`) still
        // reaches the subcharts.
        if let Some(own) = &own_global
            && !deps.is_empty()
        {
            values::coalesce_defaults(&mut merged, own);
        }
        if let Some(o) = merged.as_object_mut() {
            for k in user_nulls {
                o.entry(k).or_insert(serde_json::Value::Null);
            }
        }
        sv["global"] = merged;
        let mut so = Origins::default();
        for (k, o) in &origins.by_path {
            if k.first() == Some(&key) {
                so.by_path.insert(k[1..].to_vec(), o.clone());
            } else if k.first().map(String::as_str) == Some("global") {
                so.by_path.insert(k.clone(), o.clone());
            }
        }
        let sub_pass = Pass {
            defaults: pass
                .defaults
                .and_then(|d| d.subs.iter().find(|s| s.name == key)),
            only: pass.only,
            tags: Some(&tags),
        };
        let p = prepare_in(
            sub,
            key.clone(),
            format!("{path}/charts/{key}"),
            sv,
            so,
            problems,
            sub_pass,
        );
        copy_shared_global_tables(&p.values, &mut vals);
        // What the subchart settled is visible to the parent under its key, its `global`
        // included (Helm coalesces the parent's view with the subchart's defaults and copies
        // the globals into it).
        if let Some(obj) = vals.as_object_mut() {
            // The subchart's values are the parent's `.Values.<key>` itself in Helm (one
            // map): a null the subchart's coalescing deleted is gone from the parent's view too.
            let view = p.values.clone();
            let globals = view.get("global").cloned();
            let mut seen = match obj.get(&key) {
                Some(e) if e.is_object() => view,
                other => merge_view(other, view),
            };
            if let (Some(g), Some(o)) = (globals, seen.as_object_mut()) {
                o.insert("global".into(), g);
            }
            obj.insert(key.clone(), seen);
        }
        subs.push(p);
    }
    // Which of the given nulls' places hold a value before the imports: only what an
    // import puts where a null was given is deleted again.
    let before_imports: Vec<&Vec<String>> = given_nulls
        .iter()
        .filter(|p| p.iter().try_fold(&vals, |v, k| v.get(k)).is_some())
        .collect();
    for sub in &subs {
        let dep = deps.iter().find(|d| {
            d.get("alias")
                .or_else(|| d.get("name"))
                .and_then(|n| n.as_str())
                == Some(sub.name.as_str())
        });
        if let Some(imports) = dep.and_then(|d| d.get("import-values")) {
            let shown = format!("{}/Chart.yaml", chart_display(chart));
            let from = pass
                .defaults
                .and_then(|d| d.subs.iter().find(|s| s.name == sub.name))
                .unwrap_or(sub);
            import_values(imports, from, &mut vals, &mut origins, &shown, problems);
        }
    }
    for path in &given_nulls {
        if !before_imports.contains(&path) {
            remove_path(&mut vals, path);
        }
    }
    Prepared {
        chart,
        path,
        values: vals,
        origins,
        name,
        subs,
    }
}

/// Whether a chart's dependency entries list `import-values`.
fn deps_import(chart: &Chart) -> bool {
    chart
        .dependencies()
        .iter()
        .any(|d| d.get("import-values").is_some())
}

/// The paths of `v` that hold null.
fn null_paths(v: &serde_json::Value, at: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    if let serde_json::Value::Object(o) = v {
        for (k, e) in o {
            at.push(k.clone());
            if e.is_null() {
                out.push(at.clone());
            } else {
                null_paths(e, at, out);
            }
            at.pop();
        }
    }
}

/// Removes the value at `path` (not a null kept there).
fn remove_path(v: &mut serde_json::Value, path: &[String]) {
    let Some((last, init)) = path.split_last() else {
        return;
    };
    let mut cur = v;
    for k in init {
        match cur.get_mut(k) {
            Some(next) => cur = next,
            None => return,
        }
    }
    if let Some(o) = cur.as_object_mut()
        && o.get(last).is_some_and(|e| !e.is_null())
    {
        o.remove(last);
    }
}

/// The values key of a subchart instance: its dependency entry's alias, or its name.
fn instance_key(sub: &Chart, dep: Option<&serde_json::Value>) -> String {
    dep.and_then(|d| d.get("alias").and_then(|a| a.as_str()))
        .unwrap_or(&sub.name)
        .to_string()
}

/// A chart's defaults as Helm's `CoalesceValues` of the chart alone gives them: its
/// `values.yaml` with each subchart's defaults (theirs in turn) under the subchart's key. A
/// values file that cannot be read counts as empty (its problem is reported where it is read).
fn defaults_tree(chart: &Chart) -> serde_json::Value {
    let mut tree = chart
        .values_yaml()
        .and_then(|read| read.as_ref().ok())
        .map(|(_, v, _)| v.clone())
        .filter(serde_json::Value::is_object)
        .unwrap_or_else(|| serde_json::json!({}));
    let deps = chart.dependencies();
    for sub in &chart.subcharts {
        let named: Vec<&serde_json::Value> = deps
            .iter()
            .filter(|d| d.get("name").and_then(|n| n.as_str()) == Some(sub.name.as_str()))
            .collect();
        let keys: Vec<String> = if named.is_empty() {
            vec![sub.name.clone()]
        } else {
            named.iter().map(|d| instance_key(sub, Some(d))).collect()
        };
        for key in keys {
            if let Some(o) = tree.as_object_mut() {
                let slot = o.entry(key).or_insert_with(|| serde_json::json!({}));
                if slot.is_object() {
                    values::coalesce_defaults(slot, &defaults_tree(sub));
                }
            }
        }
    }
    tree
}

/// A note for each value given to a chart that is a map where the chart's `values.yaml` holds
/// a value that is not, or the other way round (Helm prints a warning on standard error and
/// keeps the value given: see [`values::table_mismatches`]), at the line that gave it. The
/// chart's value is not quoted (a default may be a credential).
fn table_mismatch_notes(
    chart: &str,
    path_in_parent: &str,
    given: &serde_json::Value,
    defaults: &serde_json::Value,
    origins: &Origins,
    problems: &mut Vec<Problem>,
) {
    // Helm names a key by the charts' path from the top (`parent.sub.key`).
    let prefix = path_in_parent.replace("/charts/", ".");
    for (path, given_is_map) in values::table_mismatches(given, defaults) {
        let key = path.join(".");
        let (file, pos) = match origins.get(&path) {
            Some(o) => (o.file.path.clone(), Some(o.file.pos(o.span.start))),
            None => (chart.to_string(), None),
        };
        let (this, other, helm) = if given_is_map {
            (
                "a map",
                "a value that is not a map",
                if path.len() == 1 {
                    format!("skipped value for {prefix}.{key}: Not a table.")
                } else {
                    format!("destination for {prefix}.{key} is a table. Ignoring non-table value")
                },
            )
        } else {
            (
                "not a map",
                "a map",
                format!("cannot overwrite table with non table for {prefix}.{key}"),
            )
        };
        problems.push(Problem::note(
            &file,
            pos,
            format!(
                "`{key}` is {this} here, where chart {chart}'s values.yaml has {other}: the value \
                 given is used and the chart's ignored, as Helm does (Helm warns \"{helm}\")"
            ),
        ));
    }
}

/// Helm's `import-values` of one dependency: each entry, `{child: a.b, parent: x.y}` or the
/// string `name` (short for `{child: exports.name, parent: .}`), copies the subchart's
/// settled table at `child` to `parent` in this chart's values, under what this chart already
/// sets (imports rank below the parent's own values, as in Helm). Imported values keep the
/// origins they have in the subchart. A missing table is a note, as Helm's warning.
fn import_values(
    imports: &serde_json::Value,
    sub: &Prepared,
    vals: &mut serde_json::Value,
    origins: &mut Origins,
    shown: &str,
    problems: &mut Vec<Problem>,
) {
    let split = |p: &str| -> Vec<String> {
        p.split('.')
            .filter(|k| !k.is_empty())
            .map(str::to_string)
            .collect()
    };
    for entry in imports.as_array().into_iter().flatten() {
        let (child, parent) = match entry {
            serde_json::Value::String(name) => (format!("exports.{name}"), String::new()),
            serde_json::Value::Object(o) => (
                o.get("child")
                    .and_then(|c| c.as_str())
                    .unwrap_or("")
                    .to_string(),
                o.get("parent")
                    .and_then(|c| c.as_str())
                    .unwrap_or("")
                    .to_string(),
            ),
            _ => continue,
        };
        let (child, parent) = (split(&child), split(&parent));
        let table = child.iter().try_fold(&sub.values, |v, k| v.get(k));
        let Some(table @ serde_json::Value::Object(_)) = table else {
            problems.push(Problem::note(
                shown,
                None,
                format!(
                    "import-values: subchart {} has no table {}",
                    sub.name,
                    child.join(".")
                ),
            ));
            continue;
        };
        let mut imported = table.clone();
        for k in parent.iter().rev() {
            imported = serde_json::json!({ k.as_str(): imported });
        }
        values::coalesce_defaults(vals, &imported);
        for (path, origin) in &sub.origins.by_path {
            if let Some(rest) = path.strip_prefix(child.as_slice()) {
                let at: Vec<String> = parent.iter().chain(rest).cloned().collect();
                origins.by_path.entry(at).or_insert_with(|| origin.clone());
            }
        }
    }
}

/// Helm's coalesceGlobals hands a subchart each table of the parent's `global` copied one
/// level deep (`copyMap`): the tables inside them (`global.x.y`) are the parent's own maps,
/// and the subchart's coalescing writes its defaults into them. The parent (and every chart
/// settled after this subchart) sees `global.x.y` as the subchart left it: its defaults
/// under `global.x.y` added (`global.postgresql.auth` in a parent gains the keys a
/// postgresql subchart's values.yaml sets there). Copies each such table `from` has into
/// `to`, where `to` has a table there too.
fn copy_shared_global_tables(from: &serde_json::Value, to: &mut serde_json::Value) {
    let (Some(fg), Some(tg)) = (
        from.get("global"),
        to.get_mut("global").and_then(|g| g.as_object_mut()),
    ) else {
        return;
    };
    for (x, txv) in tg.iter_mut() {
        let (Some(tx), Some(fx)) = (txv.as_object_mut(), fg.get(x)) else {
            continue;
        };
        for (y, tyv) in tx.iter_mut() {
            if let (true, Some(fy @ serde_json::Value::Object(_))) = (tyv.is_object(), fx.get(y)) {
                *tyv = fy.clone();
            }
        }
    }
}

pub(super) fn merge_view(
    existing: Option<&serde_json::Value>,
    view: serde_json::Value,
) -> serde_json::Value {
    match existing {
        Some(e) => {
            let mut e = e.clone();
            values::coalesce_defaults(&mut e, &view);
            e
        }
        None => view,
    }
}

/// An error for each enabled dependency with no subchart under `charts/` (repositories often
/// ignore `charts/*.tgz` in git): Helm v4 renders the chart without it, so nothing of it is
/// checked, and a gate must not pass on what it did not see (exit 2, the rest of the chart
/// still checked). At the dependency's `name:` line in the file that lists it
/// (`requirements.yaml` for a Helm 2 chart, else Chart.yaml). The way out, besides `helm
/// dependency build`, is the dependency's own switch: its `condition` set to false.
fn missing_dependencies(
    chart: &Chart,
    deps: &[serde_json::Value],
    vals: &serde_json::Value,
    tags: &serde_json::Value,
    problems: &mut Vec<Problem>,
) {
    let missing: Vec<(usize, &str)> = deps
        .iter()
        .enumerate()
        .filter_map(|(i, d)| Some((i, d.get("name")?.as_str()?)))
        .filter(|(i, name)| {
            !chart.subcharts.iter().any(|s| s.name == *name) && enabled(&deps[*i], vals, tags)
        })
        .collect();
    // Dependencies read from the repository instead of `charts/` (`chart::local_dependencies`).
    let taken: Vec<(usize, &str)> = deps
        .iter()
        .enumerate()
        .filter_map(|(i, d)| {
            let name = d.get("name")?.as_str()?;
            let sub = chart.subcharts.iter().find(|s| s.name == name)?;
            Some((i, sub.taken_from.as_deref()?))
        })
        .filter(|(i, _)| enabled(&deps[*i], vals, tags))
        .collect();
    if missing.is_empty() && taken.is_empty() {
        return;
    }
    // Read again for its spans only now that a note needs them (the rare case).
    let list = super::archived::dependency_list(chart);
    let name_pos = |i: usize| {
        let o = super::archived::dependency_name(list.as_ref()?, i)?;
        Some(
            o.file
                .lines
                .pos_at_offset(&o.file.text, o.span.start as usize),
        )
    };
    let shown = list
        .as_ref()
        .map_or_else(|| chart_display(chart), |(src, _)| src.path.clone());
    for (i, from) in taken {
        let name = deps[i].get("name").and_then(|n| n.as_str()).unwrap_or("");
        problems.push(Problem::note(
            &shown,
            name_pos(i),
            format!("dependency {name:?} is not in charts/; {from}"),
        ));
    }
    for (i, name) in missing {
        let repo = deps[i]
            .get("repository")
            .and_then(|r| r.as_str())
            .filter(|r| !r.is_empty())
            .map(|r| format!(" ({r})"))
            .unwrap_or_default();
        let pos = name_pos(i);
        let switch = deps[i]
            .get("condition")
            .and_then(|c| c.as_str())
            .and_then(|c| c.split(',').map(str::trim).find(|c| !c.is_empty()))
            .map(|c| format!(", or `--set {c}=false` leaves it out"))
            .unwrap_or_default();
        problems.push(Problem::error(
            &shown,
            pos,
            format!(
                "dependency {name:?}{repo} is not in charts/, so its objects are not rendered nor checked (`helm dependency build` fetches it{switch})"
            ),
        ));
    }
}

pub(super) fn chart_display(c: &Chart) -> String {
    c.files
        .iter()
        .find(|f| f.rel == "Chart.yaml")
        .map(|f| {
            f.display
                .trim_end_matches("Chart.yaml")
                .trim_end_matches('/')
                .to_string()
        })
        .unwrap_or_else(|| c.name.clone())
}

pub(super) fn record_all(o: &mut Origins, tree: &SpanTree, file: &Arc<SourceFile>) {
    let mut path = Vec::new();
    let mut base = serde_json::json!({});
    let _ = &mut base;
    fn walk(o: &mut Origins, t: &SpanTree, file: &Arc<SourceFile>, path: &mut Vec<String>) {
        o.by_path.insert(
            path.clone(),
            Origin {
                role: OriginRole::Values,
                file: file.clone(),
                span: t.focus,
            },
        );
        match &t.children {
            crate::source::span::Children::Map(e) => {
                for (k, c) in e {
                    path.push(k.clone());
                    walk(o, c, file, path);
                    path.pop();
                }
            }
            crate::source::span::Children::Seq(items) => {
                for (i, c) in items.iter().enumerate() {
                    path.push(i.to_string());
                    walk(o, c, file, path);
                    path.pop();
                }
            }
            crate::source::span::Children::Leaf => {}
        }
    }
    walk(o, tree, file, &mut path);
}

/// Helm's `condition` (first path that holds a boolean decides) and `tags` (any true tag
/// enables; none set leaves it enabled), `tags` the table they are read from.
pub(super) fn enabled(
    dep: &serde_json::Value,
    vals: &serde_json::Value,
    tag_values: &serde_json::Value,
) -> bool {
    if let Some(cond) = dep.get("condition").and_then(|c| c.as_str()) {
        for p in cond.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            if let Some(serde_json::Value::Bool(b)) = get_path(vals, p) {
                return *b;
            }
        }
    }
    if let Some(tags) = dep.get("tags").and_then(|t| t.as_array()) {
        let mut any_set = false;
        for t in tags.iter().filter_map(|t| t.as_str()) {
            if let Some(serde_json::Value::Bool(b)) = tag_values.get(t) {
                if *b {
                    return true;
                }
                any_set = true;
            }
        }
        if any_set {
            return false;
        }
    }
    true
}
