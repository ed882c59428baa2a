//! A template's output split into documents as Helm splits it, each with the origins the
//! trace recorded, and the install order `helm template` prints them in.

use super::line_paths::{LinePaths, PathRef};
use super::*;
/// One rendered document with its source map relative to its content.
pub(super) struct Doc {
    pub(super) name: String,
    pub(super) content: String,
    pub(super) kind: String,
    pub(super) segments: Vec<(std::ops::Range<usize>, Vec<Origin>)>,
    /// List elements printed from values by `toYaml` and where each was written: the byte
    /// of the document where the element's first line starts (after `- `), and the values
    /// entry of the element. `toYaml` sorts keys, so the first printed key (`command:`) is
    /// seldom the line that starts the element in its values file (`- name:`).
    pub(super) nodes: Vec<(usize, Origin)>,
}

pub(super) const INSTALL_ORDER: &[&str] = &[
    "PriorityClass",
    "Namespace",
    "NetworkPolicy",
    "ResourceQuota",
    "LimitRange",
    "PodSecurityPolicy",
    "PodDisruptionBudget",
    "ServiceAccount",
    "Secret",
    "SecretList",
    "ConfigMap",
    "StorageClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "CustomResourceDefinition",
    "ClusterRole",
    "ClusterRoleList",
    "ClusterRoleBinding",
    "ClusterRoleBindingList",
    "Role",
    "RoleList",
    "RoleBinding",
    "RoleBindingList",
    "Service",
    "DaemonSet",
    "Pod",
    "ReplicationController",
    "ReplicaSet",
    "Deployment",
    "HorizontalPodAutoscaler",
    "StatefulSet",
    "Job",
    "CronJob",
    "IngressClass",
    "Ingress",
    "APIService",
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
];

pub(super) fn kind_rank(kind: &str) -> usize {
    INSTALL_ORDER
        .iter()
        .position(|k| *k == kind)
        .unwrap_or(INSTALL_ORDER.len())
}

/// What the outputs of a chart's templates are located with: the file of each template name
/// (files and `define`s), and what was read of each file so far ([`FileReadings`]).
pub(super) struct Locator<'a> {
    pub(super) define_file: &'a DefineFiles,
    pub(super) scopes: FileReadings,
}

/// What is read of a template file once for all the outputs that print from it, keyed by
/// its `Arc` (alive to the end of the render) and an action's offset: its `with`/`range`
/// scopes, the values path each of its actions prints, the values each action combines, and
/// a partial's dot path read through each `include` call. A chart's partials run many times
/// (Bitnami's common helpers once per object), and reading the same action again cost a
/// tenth of a render.
#[derive(Default)]
pub(super) struct FileReadings {
    scopes: FastMap<usize, Vec<Scope>>,
    values_paths: FastMap<(usize, usize), Option<Vec<String>>>,
    operands: FastMap<(usize, usize), Vec<Vec<String>>>,
    through_calls: FastMap<(usize, usize, Vec<String>), Option<Vec<String>>>,
    /// The template's own `{{template}}` calls while its documents are split, for an
    /// include a partial they ran made (session fid34).
    top: Option<TopCalls>,
    /// Chart files outside `templates/` read as sources, by their shown path (session fid37).
    chart_files: FastMap<String, Option<Arc<SourceFile>>>,
    /// Per text a partial's action printed, the chart file it printed (session fid37).
    printed_files: FastMap<String, Option<PrintedFile>>,
}

/// The `{{ template "x" pipeline }}` calls of the template being split, its file, and per
/// include the index of the template's own piece that printed its call, when a partial
/// one of those calls ran made it (no include's partial did).
struct TopCalls {
    calls: Vec<gotmpl::trace::Call>,
    own: Arc<SourceFile>,
    site_piece: Vec<Option<usize>>,
}

impl TopCalls {
    /// None when the template ran no partial by `template`.
    fn of(
        file: &Arc<SourceFile>,
        pieces: &[gotmpl::trace::Piece],
        calls: &[gotmpl::trace::Call],
        included: &Included,
    ) -> Option<Self> {
        if calls.is_empty() {
            return None;
        }
        let roots: Vec<Option<&(String, usize)>> = (0..included.len())
            .map(|n| match caller_include(included, n) {
                Some(_) => None,
                None => included[n].2.as_ref(),
            })
            .collect();
        if roots.iter().all(Option::is_none) {
            return None;
        }
        // The pieces of each call site, in order; the k-th include of a site (that returned
        // text) is the k-th piece printed there.
        let mut at_site: FastMap<(&str, usize), (Vec<usize>, usize)> = FastMap::default();
        for site in roots.iter().flatten() {
            at_site.entry((site.0.as_str(), site.1)).or_default();
        }
        for (i, pc) in pieces.iter().enumerate() {
            if pc.action
                && let Some((list, _)) = at_site.get_mut(&(pc.name.as_str(), pc.offset))
            {
                list.push(i);
            }
        }
        let site_piece = roots
            .iter()
            .enumerate()
            .map(|(n, site)| {
                let site = (*site)?;
                if included[n].0.is_empty() {
                    return None;
                }
                let (list, next) = at_site.get_mut(&(site.0.as_str(), site.1))?;
                let i = list.get(*next).copied();
                *next += 1;
                i
            })
            .collect();
        Some(TopCalls {
            calls: calls.to_vec(),
            own: file.clone(),
            site_piece,
        })
    }
}

impl FileReadings {
    /// The `with`/`range` scopes of `file`.
    fn of(&mut self, file: &Arc<SourceFile>) -> &Vec<Scope> {
        self.scopes
            .entry(Arc::as_ptr(file) as usize)
            .or_insert_with(|| scopes(&file.text))
    }
}

/// The output of one template split into documents (Helm splits on `---` lines), each with
/// its origins from the trace.
pub(super) fn split_documents(
    t: &Tmpl,
    (out, pieces, calls): (&str, &[gotmpl::trace::Piece], &[gotmpl::trace::Call]),
    (included, printed_blocks, strings): (
        &Included,
        &[super::toyaml::PrintedBlock],
        &FastMap<usize, Origin>,
    ),
    loc: &mut Locator,
    p: &Prepared,
    docs: &mut Vec<Doc>,
) {
    let (define_file, with_cache) = (loc.define_file, &mut loc.scopes);
    with_cache.top = TopCalls::of(&t.file, pieces, calls, included);
    let include_index = include_lines(included);
    let (roots, parents) = root_sites(included);
    // Helm v4's SplitManifests: a document ends at every `---` that starts the output or a
    // line, whatever follows it on that line (`---  # c` leaves `  # c`, `----` leaves `-`,
    // `--- |` leaves ` |`); only line breaks are trimmed around a document, so trailing
    // spaces and lines of spaces stay as printed (measured with `helm template`, v4.2).
    let mut bounds = Vec::new();
    let mut start = 0;
    let mut at = 0;
    while let Some(i) = out[at..].find("---").map(|i| at + i) {
        if i == 0 || out.as_bytes()[i - 1] == b'\n' {
            bounds.push(start..i.saturating_sub(1).max(start));
            start = i + 3;
        }
        at = i + 3;
    }
    bounds.push(start..out.len());
    let mut line_cache: FastMap<usize, Arc<LinePaths>> = FastMap::default();
    // Per include, how far its returned text has been printed; per piece of an include,
    // the key path of each line of a block it printed.
    let mut included_read: FastMap<usize, usize> = FastMap::default();
    // How many of the `toYaml` outputs have been matched to what an action printed, and
    // whether any printed a value from values.
    let mut blocks_read = 0;
    let mut partial_lines = PartialCache::new(printed_blocks, strings);
    let any_built = partial_lines.any_built;
    let mut include_paths: FastMap<usize, Arc<LinePaths>> = FastMap::default();
    for b in bounds {
        let chunk = &out[b.clone()];
        let lead = chunk.len() - chunk.trim_start_matches('\n').len();
        let body = chunk[lead..].trim_end_matches('\n');
        // A document of blank and comment lines is none (Helm prints no such document).
        if body
            .lines()
            .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
        {
            continue;
        }
        let off = b.start + lead;
        let end = off + body.len();
        let mut segments = Vec::new();
        let mut nodes = Vec::new();
        // Per `range` collection of this document, the element its fields last told and the
        // fields told in it since ([`same_iteration`]).
        // A field printed before the sibling that tells its element, once told: the segments
        // it wrote and the values path they point at now ([`same_iteration`]). The same for
        // the `range` loops of the partials the document's actions include (session fid29).
        let mut ranges = RangeReading::default();
        // Pieces are in output order: start at the first one that ends after this document.
        let first = pieces.partition_point(|pc| pc.end <= off);
        for (pi, piece) in pieces[first..]
            .iter()
            .enumerate()
            .take_while(|(_, pc)| pc.start < end)
            .map(|(i, pc)| (first + i, pc))
        {
            let file = define_file
                .get(&piece.name)
                .cloned()
                .unwrap_or_else(|| t.file.clone());
            let (s, e) = (piece.start.max(off), piece.end.min(end));
            if piece.action {
                let (tmpl_origin, expr) = action_origin(&file, piece.offset);
                let printed = &out[piece.start..piece.end];
                // An action naming several values: the one printed, else (`printf` of
                // several) the action first and each values line after it.
                let mut several = several_values(expr, printed, &p.values);
                if several.is_empty() && expr.contains(".Values") {
                    let fields: Vec<Vec<String>> = cached_operands(&file, piece.offset, with_cache)
                        .into_iter()
                        .filter(|path| path.first().map(String::as_str) != Some(DOT))
                        .collect();
                    several = values_and_fields(expr, fields, printed, &p.values);
                }
                // Whether the action's path goes through a `range` element that the printed
                // text does not tell (an object built from the entry at run time).
                let mut untold_element = false;
                // A field no sibling printed before it told: its collection, its path below
                // the element and its text, for a sibling printed after it to tell.
                let mut untold_field: Option<(Vec<String>, Pending)> = None;
                let mut base_path = match several.as_slice() {
                    [] => action_values_path(&file, piece.offset, with_cache)
                        // Relative to a partial's dot: read through the `{{ template "x"
                        // .Values.image }}` calls that ran the piece (session fid31).
                        .and_then(|path| {
                            through_templates(
                                path,
                                pi,
                                calls,
                                Some(&t.file),
                                define_file,
                                with_cache,
                            )
                        })
                        .and_then(|path| unless_empty(path, printed, &p.values))
                        .map(|path| {
                            let element_at = path.iter().position(|s| s == ELEMENT);
                            let told = element_of(path.clone(), printed, &p.values);
                            let told = match element_at {
                                Some(e) => same_iteration(
                                    (&path, e, told),
                                    printed,
                                    &p.values,
                                    &mut ranges.iterations,
                                    (&mut untold_field, &mut ranges.resolved),
                                ),
                                None => told,
                            };
                            untold_element = element_at.is_some_and(|e| told.len() <= e);
                            told
                        }),
                    [one] => Some(one.clone()),
                    _ => None,
                };
                // Several fields of dot (`.hostPath | default .mountPath` inside `range
                // .Values.mounts`), which name no `.Values`: those whose text was printed.
                if base_path.is_none() && several.is_empty() {
                    // A partial's dot fields read through the `template` calls that ran it
                    // (`{{ printf "%s:%s" .repository .tag }}` of `template "x" .Values.image`).
                    let fields: Vec<Vec<String>> = cached_operands(&file, piece.offset, with_cache)
                        .into_iter()
                        .filter_map(|path| {
                            through_templates(
                                path,
                                pi,
                                calls,
                                Some(&t.file),
                                define_file,
                                with_cache,
                            )
                        })
                        .collect();
                    if fields.len() > 1 {
                        several = printed_of(fields, printed, &p.values);
                        if let [one] = several.as_slice() {
                            base_path = Some(one.clone());
                        }
                    }
                }
                let parts: Vec<Origin> = match several.len() {
                    0 | 1 => Vec::new(),
                    _ => values_parts(&several, p),
                };
                // A chart file the action renders with `tpl`: the values its lines print.
                let tpl_values = match several.is_empty() && expr.contains(".Files.Get") {
                    true => tpl_file_values(expr, p),
                    false => Vec::new(),
                };
                // Each combined value's text, to tell which part of a line each one printed.
                let part_texts = printed_parts(&several, p);
                let calls_include = expr.contains("include");
                // Asked of lines with no origin yet; the action's text is the same for each.
                let reserializing = std::cell::OnceCell::new();
                // The keys `set` actions before this one added to the map it prints.
                let set_keys = std::cell::OnceCell::new();
                // A chart file the action printed as it is (asked of lines with no origin).
                let printed_file: std::cell::OnceCell<Option<PrintedFile>> =
                    std::cell::OnceCell::new();
                // Line by line: a block printed by toYaml maps each line to its own key.
                // Computed once per piece (a big block can span many documents).
                let line_paths = base_path.as_ref().map(|_| {
                    line_cache
                        .entry(pi)
                        .or_insert_with(|| Arc::new(LinePaths::of(printed)))
                        .clone()
                });
                // An object built at run time and printed by one `toYaml` (no values path
                // names it): the lines that printed a value from values, and the index of
                // the printed line where its first line is.
                // (Or built from a `range` entry the text does not tell: z2jh's `merge (dict)
                // $value (dict "name" $key) | list | toYaml`; the node each line printed
                // comes before the collection's key line.)
                let built =
                    ((base_path.is_none() || untold_element) && several.is_empty() && any_built)
                        .then(|| built_block(printed, printed_blocks, &mut blocks_read))
                        .flatten();
                let mut line_no = built.as_ref().map(|_| {
                    memchr::memchr_iter(b'\n', &printed.as_bytes()[..s - piece.start]).count()
                });
                let first_segment = segments.len();
                let mut newlines_to = NewlineCount::default();
                let mut cur = s;
                while cur < e {
                    let rel = cur - piece.start;
                    let line_end = printed[rel..]
                        .find('\n')
                        .map(|i| piece.start + rel + i + 1)
                        .unwrap_or(piece.end)
                        .min(e);
                    let mut origins = Vec::new();
                    if let (Some((block, first)), Some(n)) = (&built, line_no.as_mut()) {
                        if let Some(o) = n.checked_sub(*first).and_then(|i| block.origin_at(i)) {
                            origins.push(o.clone());
                        }
                        *n += 1;
                    }
                    // Whether the values origin is the action's whole value reached from a
                    // line nested under keys it does not have (walked back to its root).
                    let mut only_root = false;
                    if let Some(bp) = &base_path {
                        let sub = line_paths
                            .as_ref()
                            .and_then(|lp| lp.at(rel).map(|p| p.to_vec()))
                            .unwrap_or_default();
                        let nested = !sub.is_empty();
                        let mut full = bp.clone();
                        full.extend(sub.iter().cloned());
                        if nested
                            && p.origins.get(&full).is_none()
                            && let Some(one) = one_element_with(bp, &sub, &p.values, &p.origins)
                        {
                            full = one;
                        }
                        let this_line = &printed[rel..line_end - piece.start];
                        if let Some(element) = printed_element(this_line, bp, &sub)
                            && let Some(o) = p.origins.get(&element)
                        {
                            let dash = this_line.len() - this_line.trim_start().len();
                            nodes.push((cur + dash + 2 - off, o.clone()));
                        }
                        while !full.is_empty() {
                            if let Some(o) = p.origins.get(&full) {
                                only_root = nested && full.len() <= bp.len();
                                let text = &printed[rel..line_end - piece.start];
                                origins.push(block_line(o, text).unwrap_or_else(|| o.clone()));
                                break;
                            }
                            // A key no values line holds that a `set` of the map before
                            // the action added (Reloader's `set $sc "readOnlyRootFilesystem"
                            // true`, then `toYaml $sc`): that `set` line (session fid34).
                            if full.len() > bp.len()
                                && let Some((_, o)) = set_keys
                                    .get_or_init(|| set_keys_before(&file, piece.offset, expr, bp))
                                    .iter()
                                    .find(|(k, _)| k[..] == full[bp.len()..])
                            {
                                origins.push(o.clone());
                                break;
                            }
                            full.pop();
                        }
                    }
                    // Text an `include` returned: each part of the line at the partial's
                    // piece that wrote it (its values line for a value from values), with
                    // the `include` call site after.
                    let line = &printed[rel..line_end - piece.start];
                    // (Looked up only when it can be used: a hash of each line otherwise.)
                    // Looked up even when the action names a value: a partial given it
                    // may print it under other keys, or with others (`dict "pod" .Values.pod`).
                    // Text an include returned that the action encoded (`include "x.password"
                    // . | b64enc | quote`, a Secret's data) is found by its decoded text; it
                    // maps as one part to where that text starts in the partial.
                    let decoded = calls_include
                        .then(|| encoded_include_line(line, &include_index))
                        .flatten();
                    // Text an include returned that the action quoted (`include "x.image"
                    // (…) | quote`): found by the text inside the quotes, each part of it at
                    // the partial's piece that wrote it, one character on.
                    let quoted = (calls_include && decoded.is_none())
                        .then(|| quoted_include_line(line, &include_index))
                        .flatten();
                    let key = decoded.as_deref().or(quoted).unwrap_or(line).trim();
                    let place =
                        calls_include
                            .then(|| include_index.get(key))
                            .flatten()
                            .map(|places| {
                                // The includes this action called (and theirs): a sibling call
                                // returning the same line (`include "x" (dict …)` twice) is not it.
                                let here = Some((piece.name.as_str(), piece.offset));
                                let mine: Vec<(usize, usize)> = places
                                    .iter()
                                    .copied()
                                    .filter(|&(i, _)| roots[i] == here)
                                    .collect();
                                let places = if mine.is_empty() { places } else { &mine };
                                next_included_line(places, &parents, &mut included_read)
                            });
                    // A line an include re-serialized (`toYaml` of what `fromYaml` read from
                    // another include's text, merged): the same line at the same key path of
                    // the text it was read from.
                    let reread = match place {
                        Some((i, at)) => {
                            reserialized_at(&included[i], at, define_file).then_some(Some(i))
                        }
                        None => (origins.is_empty()
                            && *reserializing
                                .get_or_init(|| reserializes(expr) && reads_back(&file.text)))
                        .then_some(None),
                    }
                    .and_then(|from| {
                        let out_paths = line_cache
                            .entry(pi)
                            .or_insert_with(|| Arc::new(LinePaths::of(printed)))
                            .clone();
                        let out_path = out_paths.at(rel)?;
                        let (j, at_j) = same_line_read_from(
                            included,
                            &mut include_paths,
                            line,
                            out_path,
                            from,
                        )?;
                        let mut o = partial_origins(
                            (j, included),
                            at_j,
                            define_file,
                            p,
                            with_cache,
                            &mut partial_lines,
                        );
                        if let Some(i) = from {
                            o.extend(partial_origins(
                                (i, included),
                                place.map_or(0, |(_, at)| at),
                                define_file,
                                p,
                                with_cache,
                                &mut partial_lines,
                            ));
                        }
                        o.push(tmpl_origin.clone());
                        Some(o)
                    });
                    // Fields of a partial's `range` element that no sibling told yet: their
                    // collection and their segments among this line's parts.
                    let mut partial_pending: Vec<(Vec<String>, Pending)> = Vec::new();
                    let from_partial = match place {
                        _ if reread.is_some() => {
                            vec![(cur - off..line_end - off, reread.unwrap_or_default())]
                        }
                        Some((i, at)) if decoded.is_some() => {
                            let mut o = partial_origins(
                                (i, included),
                                at,
                                define_file,
                                p,
                                with_cache,
                                &mut partial_lines,
                            );
                            o.push(tmpl_origin.clone());
                            vec![(cur - off..line_end - off, o)]
                        }
                        Some((i, at)) => {
                            let lead = line.len() - line.trim_start().len()
                                + usize::from(quoted.is_some());
                            let stop = at + key.len();
                            let inc_pieces = &included[i].1;
                            let mut k = inc_pieces.partition_point(|pc| pc.end <= at);
                            let mut x = at;
                            let mut parts = Vec::new();
                            while x < stop {
                                let part_end =
                                    inc_pieces.get(k).map_or(stop, |pc| pc.end.min(stop));
                                let (mut o, texts) = partial_origins_parts(
                                    (i, included),
                                    x,
                                    define_file,
                                    p,
                                    with_cache,
                                    &mut partial_lines,
                                    Some(&mut ranges),
                                );
                                let untold = ranges.untold.take();
                                let parts_before = parts.len();
                                o.push(tmpl_origin.clone());
                                let from = if x == at { cur } else { cur + lead + (x - at) };
                                let to = if part_end == stop {
                                    line_end
                                } else {
                                    cur + lead + (part_end - at)
                                };
                                // The partial's action and the `include` stay with each part.
                                let keep = [o[0].clone(), tmpl_origin.clone()];
                                split_by_parts(
                                    (&out[from..to], from - off),
                                    o,
                                    &keep,
                                    &texts,
                                    &mut parts,
                                );
                                if let Some((coll, mut pending)) = untold {
                                    pending.segments = parts_before..parts.len();
                                    partial_pending.push((coll, pending));
                                }
                                x = part_end;
                                k += 1;
                            }
                            parts
                        }
                        _ => Vec::new(),
                    };
                    // The partial's origins when it tells a values line; else the value the
                    // action names, if one. A partial combining fields of the map it was
                    // given (`printf "%s:%s" .repository .tag` of `include "x.image"
                    // .Values.image`) tells each one's line (its parts): the map's key line
                    // the action names is none of them (session fid28).
                    let partial_tells = from_partial.iter().any(|(_, o)| {
                        o.iter().any(|o| {
                            matches!(
                                o.role,
                                OriginRole::Values | OriginRole::Set | OriginRole::ValuesPart
                            )
                        })
                    });
                    // A partial given a values part as its dot (`include "envs" .Values.server`)
                    // writes its own text around what it prints: a line of that text whose
                    // keys the value does not have is the partial's line, not the whole
                    // value's key line (`server:`).
                    if only_root && !from_partial.is_empty() {
                        origins.clear();
                    }
                    if from_partial.is_empty() || !(origins.is_empty() || partial_tells) {
                        // A chart file the action read and changed with values (`.Files.Get
                        // "app.conf" | replace "__HOST__" .Values.host`, a file named by a
                        // value): a line the file holds as it is was written there, not at
                        // that values line (session fid38; every line was the value's, and
                        // a credential there masked the value).
                        if !origins.is_empty()
                            && tpl_values.is_empty()
                            && parts.is_empty()
                            && expr.contains(".Files.")
                            && let Some(pf) = printed_file
                                .get_or_init(|| printed_chart_file(printed, p, with_cache))
                            && let Some(o) =
                                printed_file_line(pf, newlines_to.count(printed.as_bytes(), rel))
                        {
                            origins.clear();
                            origins.push(o);
                        }
                        // A line of a chart file the action printed (`.Files.Get`): that
                        // file's line, where it is written; the action after it.
                        if origins.is_empty()
                            && tpl_values.is_empty()
                            && let Some(pf) = printed_file
                                .get_or_init(|| printed_chart_file(printed, p, with_cache))
                            && let Some(o) =
                                printed_file_line(pf, newlines_to.count(printed.as_bytes(), rel))
                        {
                            origins.push(o);
                        }
                        origins.push(tmpl_origin.clone());
                        origins.extend(parts.iter().cloned());
                        origins.extend(tpl_file_line_parts(&tpl_values, printed, line));
                        // Text an include this action called returned, printed among other
                        // text (`printf "%s:%s" .Values.image.repository (include "c.tag"
                        // .)`): a part of the line at its partial's values line (session fid32).
                        let merged = (calls_include && place.is_none())
                            .then(|| {
                                let here = (piece.name.as_str(), piece.offset);
                                let inner = (0..included.len()).filter(|&k| {
                                    included[k]
                                        .2
                                        .as_ref()
                                        .is_some_and(|(n, o)| (n.as_str(), *o) == here)
                                });
                                let extra = include_parts(
                                    inner,
                                    line,
                                    included,
                                    define_file,
                                    p,
                                    with_cache,
                                    &mut partial_lines,
                                );
                                let merged = merge_parts(line, &part_texts, &extra)?;
                                origins.extend(extra.into_iter().map(|(_, _, o)| o));
                                Some(merged)
                            })
                            .flatten();
                        split_by_parts(
                            (&out[cur..line_end], cur - off),
                            origins,
                            std::slice::from_ref(&tmpl_origin),
                            merged.as_deref().unwrap_or(&part_texts),
                            &mut segments,
                        );
                    } else {
                        let base = segments.len();
                        for (coll, mut pending) in partial_pending {
                            pending.segments =
                                base + pending.segments.start..base + pending.segments.end;
                            ranges.defer(coll, pending);
                        }
                        segments.extend(from_partial);
                    }
                    cur = line_end;
                }
                if let Some((coll, mut pending)) = untold_field.take() {
                    pending.segments = first_segment..segments.len();
                    ranges.defer(coll, pending);
                }
                // Fields printed before the sibling that told their element: their segments
                // point at the element's field, not at the collection's key.
                for (range, coll, field) in ranges.resolved.drain(..) {
                    repoint(&mut segments[range], &coll, &field, p);
                }
            } else {
                // Literal text: the same bytes as the template's, line by line.
                let exact = text_source(&file, piece, &out[piece.start..piece.end]);
                let mut cur = s;
                while cur < e {
                    let line_end = out[cur..e].find('\n').map(|i| cur + i + 1).unwrap_or(e);
                    let origin = text_origin(&file, piece, exact, cur, line_end);
                    segments.push((cur - off..line_end - off, vec![origin]));
                    cur = line_end;
                }
            }
        }
        let kind = doc_kind(body);
        docs.push(Doc {
            name: t.name.clone(),
            content: body.to_string(),
            kind,
            segments,
            nodes,
        });
    }
}

/// The values path of the list element whose first line `line` is, when `toYaml` printed
/// a mapping element there (`- command:`, its key path `sub` under the action's value `bp`
/// ending in an index and then the key): a finding on the element itself (a container
/// without a `securityContext`) is about the element, not about the key printed first.
fn printed_element(line: &str, bp: &[String], sub: &[String]) -> Option<Vec<String>> {
    let rest = line.trim_start().strip_prefix("- ")?;
    let [.., index, key] = sub else {
        return None;
    };
    let starts_with_key = rest
        .strip_prefix(key.as_str())
        .or_else(|| rest.strip_prefix(&format!("\"{key}\"")))
        .or_else(|| rest.strip_prefix(&format!("'{key}'")))
        .is_some_and(|after| after.starts_with(':'));
    (index.parse::<usize>().is_ok() && starts_with_key).then(|| {
        let mut path = bp.to_vec();
        path.extend(sub[..sub.len() - 1].iter().cloned());
        path
    })
}

/// The kind of a rendered document (its top-level `kind:`).
pub(super) fn doc_kind(body: &str) -> String {
    body.lines()
        .find_map(|l| l.strip_prefix("kind:"))
        .map(|k| k.trim().trim_matches(['"', '\'']).to_string())
        .unwrap_or_default()
}

/// Where the bytes `written` of a text node (`piece`) are in its template: at the node's
/// start, or after the leading whitespace a `{{-`/`-}}` trimmed away.
fn text_source(file: &SourceFile, piece: &gotmpl::trace::Piece, written: &str) -> Option<usize> {
    let src = &file.text;
    let at = piece.offset.min(src.len());
    let trimmed = src[at..].len() - src[at..].trim_start().len();
    [at, at + trimmed]
        .into_iter()
        .find(|&a| src.get(a..a + written.len()) == Some(written))
}

/// The template line of literal text `start..end` of the output written by `piece`: the
/// same bytes in the template when they are there (at `exact`), else the text node's start.
fn text_origin(
    file: &Arc<SourceFile>,
    piece: &gotmpl::trace::Piece,
    exact: Option<usize>,
    start: usize,
    end: usize,
) -> Origin {
    let src = &file.text;
    let span = if let Some(at) = exact {
        let a = at + (start - piece.start);
        let b = at + (end - piece.start);
        let b_trim = src[a..b].trim_end_matches('\n').len() + a;
        Span::new(a, b_trim)
    } else {
        let at = piece.offset.min(src.len());
        Span::new(at, at)
    };
    Origin {
        role: OriginRole::Template,
        file: file.clone(),
        span,
    }
}

/// The action `{{ … }}` starting at `offset` of `file`: its origin and its text.
fn action_origin(file: &Arc<SourceFile>, offset: usize) -> (Origin, &str) {
    let src = &file.text;
    let a_start = offset.min(src.len());
    let a_end = super::actions::close_after(src, a_start).unwrap_or(src.len());
    let span = Span::new(a_start, a_end);
    let origin = Origin {
        role: OriginRole::Template,
        file: file.clone(),
        span,
    };
    (origin, &src[a_start..a_end])
}

/// The values path the action at `offset` of `file` prints, if one (read once per action).
fn action_values_path(
    file: &Arc<SourceFile>,
    offset: usize,
    cache: &mut FileReadings,
) -> Option<Vec<String>> {
    let key = (Arc::as_ptr(file) as usize, offset);
    if let Some(path) = cache.values_paths.get(&key) {
        return path.clone();
    }
    let (_, expr) = action_origin(file, offset);
    let path = values_path(expr, offset.min(file.text.len()), cache.of(file));
    cache.values_paths.insert(key, path.clone());
    path
}

/// The values the operands of the action at `offset` of `file` that are variables or fields
/// of dot may have printed ([`operand_parts`]: a variable's path, or what its expression
/// combined; an operand holding no values path left out).
fn cached_operands(
    file: &Arc<SourceFile>,
    offset: usize,
    cache: &mut FileReadings,
) -> Vec<Vec<String>> {
    let key = (Arc::as_ptr(file) as usize, offset);
    if let Some(found) = cache.operands.get(&key) {
        return found.clone();
    }
    let (_, expr) = action_origin(file, offset);
    let inner = super::actions::inner(expr);
    let at = offset.min(file.text.len());
    let found: Vec<Vec<String>> = operand_parts(inner, at, cache.of(file));
    cache.operands.insert(key, found.clone());
    found
}

/// A partial's path relative to its dot ([`DOT`]) made a values path through the `include`
/// call that ran it (`site`: template name and offset), as [`through_call`] reads the call.
fn from_call(
    path: Vec<String>,
    site: Option<&(String, usize)>,
    define_file: &DefineFiles,
    cache: &mut FileReadings,
) -> Option<Vec<String>> {
    if path.first().map(String::as_str) != Some(DOT) {
        return Some(path);
    }
    let (name, offset) = site?;
    let file = define_file.get(name)?;
    let key = (Arc::as_ptr(file) as usize, *offset, path);
    if let Some(found) = cache.through_calls.get(&key) {
        return found.clone();
    }
    let (_, call) = action_origin(file, *offset);
    let at = (*offset).min(file.text.len());
    let found = through_call(key.2.clone(), call, at, cache.of(file));
    cache.through_calls.insert(key, found.clone());
    found
}

/// A path relative to a partial's dot ([`DOT`]) made a values path through the `{{ template
/// "x" pipeline }}` calls of the template's own trace that ran piece `pi`, innermost first
/// (`image: {{ template "gloo.image" .Values.discovery.image }}`; a `template` inside the
/// partial given its own dot is read on through the outer call), as [`through_call`] reads
/// an `include`. Another path is returned as it is; `None` when a call does not tell.
fn through_templates(
    mut path: Vec<String>,
    pi: usize,
    calls: &[gotmpl::trace::Call],
    own: Option<&Arc<SourceFile>>,
    define_file: &DefineFiles,
    cache: &mut FileReadings,
) -> Option<Vec<String>> {
    if path.first().map(String::as_str) != Some(DOT) {
        return Some(path);
    }
    // Calls are recorded as they end, so their ends never decrease: the first ending after
    // the piece that began at or before it is the innermost holding it; the call around a
    // call ends after it and began at or before it.
    let mut at = calls.partition_point(|c| c.end <= pi);
    let mut inner_first = pi;
    while let Some(c) = calls.get(at) {
        at += 1;
        if c.first > inner_first {
            continue;
        }
        inner_first = c.first;
        let file = define_file.get(&c.name).or(own)?;
        let key = (Arc::as_ptr(file) as usize, c.offset, path);
        path = match cache.through_calls.get(&key) {
            Some(found) => found.clone()?,
            None => {
                let (_, call) = action_origin(file, c.offset);
                let offset = c.offset.min(file.text.len());
                let found = through_call(key.2.clone(), call, offset, cache.of(file));
                cache.through_calls.insert(key, found.clone());
                found?
            }
        };
        if path.first().map(String::as_str) != Some(DOT) {
            return Some(path);
        }
    }
    None
}

/// [`from_call`] through as many `include` calls as the path needs: a partial's dot path
/// made a path of the partial that called it (`include "inner" (dict "sc"
/// .spec.securityContext)` inside `middle`) is read again through the call that ran that
/// partial, up to the template's own values path (a dict passed down three partials).
///
/// `pi` is the piece of include `n` the path was read at: a `{{ template "x" .Values.image }}`
/// call inside the included partial that wrote it is read first (session fid33), as
/// [`through_templates`] reads a template's own.
fn from_calls(
    mut path: Vec<String>,
    (mut n, mut pi): (usize, usize),
    included: &Included,
    define_file: &DefineFiles,
    cache: &mut FileReadings,
) -> Option<Vec<String>> {
    // Bounded as include nesting is.
    for _ in 0..included.len() + 1 {
        let calls = &included[n].3;
        if path.first().map(String::as_str) == Some(DOT)
            && calls.iter().any(|c| c.first <= pi && pi < c.end)
        {
            path = through_templates(path, pi, calls, None, define_file, cache)?;
        }
        path = from_call(path, included[n].2.as_ref(), define_file, cache)?;
        if path.first().map(String::as_str) != Some(DOT) {
            return Some(path);
        }
        match caller_include(included, n) {
            Some(next) => (n, pi) = next,
            // An include a partial made that the template's own `{{ template "x"
            // .Values.five }}` ran: read on through those calls from the piece that
            // printed it (session fid34).
            None => {
                let top = cache.top.take()?;
                let found = top.site_piece.get(n).copied().flatten().and_then(|at| {
                    through_templates(path, at, &top.calls, Some(&top.own), define_file, cache)
                });
                cache.top = Some(top);
                return found.filter(|p| p.first().map(String::as_str) != Some(DOT));
            }
        }
    }
    None
}

/// The include whose partial made the `include` call that returned include `n`: the first
/// one returned after it whose trace holds that call's action (a nested include returns
/// before the one that called it), and the index of that action's piece there.
fn caller_include(included: &Included, n: usize) -> Option<(usize, usize)> {
    let (name, offset) = included[n].2.as_ref()?;
    (n + 1..included.len()).find_map(|j| {
        included[j]
            .1
            .iter()
            .position(|pc| pc.action && pc.offset == *offset && pc.name == *name)
            .map(|i| (j, i))
    })
}

/// The text an include returned that `line` prints base64-encoded (`include "x.password" .
/// | b64enc | quote`), when `line` is not itself a returned line and its decoded text is.
fn encoded_include_line(
    line: &str,
    include_index: &HashMap<&str, Vec<(usize, usize)>>,
) -> Option<String> {
    let t = line.trim();
    if include_index.contains_key(t) {
        return None;
    }
    let t = t
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .unwrap_or(t);
    let bytes = data_encoding::BASE64.decode(t.as_bytes()).ok()?;
    String::from_utf8(bytes)
        .ok()
        .filter(|d| include_index.contains_key(d.trim()))
}

/// The text inside the quotes of `line` (`"repo:tag"`, what `quote` or `squote` made of an
/// include's text) when `line` is not itself a returned line and that text, holding no quote
/// or backslash `quote` would have escaped, is.
fn quoted_include_line<'l>(
    line: &'l str,
    include_index: &HashMap<&str, Vec<(usize, usize)>>,
) -> Option<&'l str> {
    let t = line.trim();
    if include_index.contains_key(t) {
        return None;
    }
    let inner = [('"', '"'), ('\'', '\'')]
        .iter()
        .find_map(|&(a, b)| t.strip_prefix(a)?.strip_suffix(b))?;
    (!inner.trim().is_empty()
        && inner == inner.trim()
        && !inner.contains(['"', '\'', '\\'])
        && include_index.contains_key(inner))
    .then_some(inner)
}

/// Where the lines `include` returned were written: each distinct line (trimmed) → every
/// place it was returned, in order: the include (index into `included`) and the offset of
/// its first character there. Includes are in the order they returned: a nested include
/// returns before the one that prints its text, so the first is the innermost partial.
fn include_lines(included: &Included) -> HashMap<&str, Vec<(usize, usize)>> {
    let mut index: HashMap<&str, Vec<(usize, usize)>> = HashMap::new();
    for (i, (text, ..)) in included.iter().enumerate() {
        let mut at = 0;
        for line in text.split_inclusive('\n') {
            let trimmed = line.trim();
            if !trimmed.is_empty() {
                let lead = line.len() - line.trim_start().len();
                index.entry(trimmed).or_default().push((i, at + lead));
            }
            at += line.len();
        }
    }
    index
}

/// A call site: the template's name and the action's offset.
type Site<'a> = Option<(&'a str, usize)>;

/// For each include, the call site (template name, offset) of the outermost include its
/// text was returned through: itself when no include printed it; and the include that
/// printed it, if one. An include's parent is the first one returned after it whose trace
/// holds the action that called it.
fn root_sites(included: &Included) -> (Vec<Site<'_>>, Vec<Option<usize>>) {
    let mut callers: HashMap<(&str, usize), Vec<usize>> = HashMap::new();
    for (j, (_, pieces, ..)) in included.iter().enumerate() {
        for pc in pieces.iter().filter(|pc| pc.action) {
            let at = callers.entry((pc.name.as_str(), pc.offset)).or_default();
            if at.last() != Some(&j) {
                at.push(j);
            }
        }
    }
    let site = |k: usize| included[k].2.as_ref().map(|(n, o)| (n.as_str(), *o));
    let parent = |k: usize| {
        let js = callers.get(&site(k)?)?;
        js.get(js.partition_point(|&j| j <= k)).copied()
    };
    let parents: Vec<Option<usize>> = (0..included.len()).map(parent).collect();
    let roots = (0..included.len())
        .map(|k| {
            let mut top = k;
            // Parents return after their children: the chain ends.
            while let Some(j) = parents[top] {
                top = j;
            }
            site(top)
        })
        .collect();
    (roots, parents)
}

/// Which returned line a printed line of included text is: the innermost include holding
/// that line at or after the part of it already printed (`read`: per include, the offset
/// its printed lines have reached), else its first place. Text is printed in the order
/// it was returned, so a line written twice by a partial (`name: logs` in its
/// `volumeMounts` and in its `volumes`) is each time the next one, not always the first.
fn next_included_line(
    places: &[(usize, usize)],
    parents: &[Option<usize>],
    read: &mut FastMap<usize, usize>,
) -> (usize, usize) {
    let unread = |&&(i, at): &&(usize, usize)| at >= read.get(&i).copied().unwrap_or(0);
    let chosen = *places.iter().find(unread).unwrap_or(&places[0]);
    // The include holding it and those that printed its text move past it; another
    // include returning the same line (the same partial called again by a later `range`
    // iteration) has not printed it yet.
    let mut chain = vec![chosen.0];
    while let Some(&Some(up)) = parents.get(*chain.last().unwrap()) {
        chain.push(up);
    }
    let mut moved: Vec<(usize, usize)> = Vec::new();
    for &(i, at) in places.iter().filter(unread) {
        if chain.contains(&i) && !moved.iter().any(|(j, _)| *j == i) {
            moved.push((i, at + 1));
        }
    }
    read.extend(moved);
    chosen
}

/// A line printed from a values string written as a literal block (`extraContainers: |`,
/// printed by `tpl . $root | nindent 2` or `{{ .Values.x | nindent 4 }}`): the block's own
/// line holding that text, from its indentation, when exactly one line of the block holds
/// it (a line `tpl` rewrote, or one written twice, keeps the value's origin). Only a
/// `key: |` block (`|-`, `|+`, no indentation indicator) in a file holds its lines as
/// written; a folded or quoted string does not. A file `--set-file` gave holds them all.
fn block_line(o: &Origin, printed: &str) -> Option<Origin> {
    let want = printed.trim();
    if want.is_empty() || o.role == OriginRole::Template {
        return None;
    }
    let text = o.file.text.as_str();
    // Where the value's lines start, and the indentation at or below which they end (none
    // for a `--set-file` value, every line of which is the value's).
    let (first_line, key_indent) = if o.is_set_file_value() {
        (0, None)
    } else {
        let start = (o.span.start as usize).min(text.len());
        let first_end = text[start..].find('\n').map_or(text.len(), |n| start + n);
        let head = text[start..first_end].trim_end();
        let head = head.split(" #").next().unwrap_or(head).trim_end();
        if !(head.ends_with(": |") || head.ends_with(": |-") || head.ends_with(": |+")) {
            return None;
        }
        let line_start = text[..start].rfind('\n').map_or(0, |n| n + 1);
        (first_end + 1, Some(text[line_start..start].len()))
    };
    // The block's lines equal to the printed one; only when there is none, those a `tpl`
    // rewrote around their actions (the slower test, asked of far fewer lines).
    let hits_by = |same: &dyn Fn(&str) -> bool| {
        let mut hits = Vec::new();
        let mut at = first_line;
        while at < text.len() {
            let end = text[at..].find('\n').map_or(text.len(), |n| at + n);
            let line = &text[at..end];
            let indent = line.len() - line.trim_start_matches(' ').len();
            if !line.trim().is_empty() {
                if key_indent.is_some_and(|k| indent <= k) {
                    break;
                }
                if same(line.trim()) {
                    hits.push((at + indent, end));
                }
            }
            at = end + 1;
        }
        hits
    };
    let mut hits = hits_by(&|line| line == want);
    if hits.is_empty() {
        hits = hits_by(&|line| matches_with_actions(line, want));
    }
    match hits.as_slice() {
        [(s, e)] => Some(Origin {
            span: Span::new(*s, *e),
            ..o.clone()
        }),
        _ => None,
    }
}

/// Whether `printed` is what `tpl` makes of a block line holding template actions
/// (`path: /var/lib/{{ .Release.Name }}/themes` printed as `path: /var/lib/rel/themes`):
/// the text between the actions in order, each action any text on the line. A line with no
/// action, or whose own text outside the actions holds no letter or digit (`- {{ .x }}`),
/// tells nothing.
pub(super) fn matches_with_actions(line: &str, printed: &str) -> bool {
    around_actions(line, printed) == Some(true)
}

/// Whether `printed` holds the text of `line` around its actions in order, each action any
/// text on one line (what `tpl` may have made of a line of a `toYaml` output), whether or not
/// that text tells anything.
pub(super) fn fits_around_actions(line: &str, printed: &str) -> bool {
    around_actions(line, printed).is_some()
}

/// [`matches_with_actions`]' reading: None when `printed` is not `line` with its actions
/// replaced, else whether the text outside the actions holds a letter or digit.
fn around_actions(line: &str, printed: &str) -> Option<bool> {
    // Asked of every line of a block for every line printed from it: the text before the
    // first action settles most lines before anything else is read.
    let open = line.find("{{")?;
    let (first, mut rest) = line.split_at(open);
    let mut text = printed.strip_prefix(first)?;
    if printed.contains('\n') {
        return None;
    }
    let mut says = first.chars().any(char::is_alphanumeric);
    loop {
        // `rest` starts with an action.
        let after = super::actions::end_of(rest, 0)?;
        rest = &rest[after..];
        match rest.find("{{") {
            Some(next) => {
                let mid = &rest[..next];
                says |= mid.chars().any(char::is_alphanumeric);
                let i = text.find(mid)?;
                text = &text[i + mid.len()..];
                rest = &rest[next..];
            }
            None => {
                says |= rest.chars().any(char::is_alphanumeric);
                return text.ends_with(rest).then_some(says);
            }
        }
    }
}

/// Per `range` collection of a document: the element its fields last told, the fields (paths
/// below the element) told in it since, and the fields printed since that told no element.
#[derive(Default)]
struct Iteration {
    index: Option<String>,
    fields: Vec<Vec<String>>,
    pending: Vec<Pending>,
}

/// A field of a `range` element printed before any sibling told its element (`value:` above
/// `name:`): its path below the element, the text printed, and the segments it wrote.
struct Pending {
    rest: Vec<String>,
    shown: String,
    segments: std::ops::Range<usize>,
}

/// Fields told after they were printed: their segments, the collection they pointed at and
/// the field's values path.
type Resolved = Vec<(std::ops::Range<usize>, Vec<String>, Vec<String>)>;

/// What a document's `range` loops told so far ([`same_iteration`]), read for the template's
/// own actions and for the partials they include alike.
#[derive(Default)]
struct RangeReading {
    iterations: FastMap<Vec<String>, Iteration>,
    resolved: Resolved,
    /// The path each piece of an included partial (include, piece) was told, read once
    /// (a piece printing several lines is asked once per line).
    told: FastMap<(usize, usize), Vec<String>>,
    /// A partial's field no sibling told yet, for the caller to note with its segments.
    untold: Option<(Vec<String>, Pending)>,
}

impl RangeReading {
    /// Keeps a field no sibling told yet with the iteration of its collection, for the
    /// sibling printed later to tell.
    fn defer(&mut self, coll: Vec<String>, pending: Pending) {
        self.iterations
            .entry(coll)
            .or_default()
            .pending
            .push(pending);
    }
}

/// The text an action printed, without the quotes `quote`/`squote` put around it.
fn unquoted(printed: &str) -> &str {
    let shown = printed.trim();
    [('"', '"'), ('\'', '\'')]
        .iter()
        .find_map(|&(a, b)| shown.strip_prefix(a)?.strip_suffix(b))
        .unwrap_or(shown)
}

/// Whether element `index` of collection `coll` has the field `rest` as a scalar whose text is
/// `shown` or holds an action (`tpl` made it the text), and the field was not told in it yet.
fn field_fits(
    (coll, index, rest): (&[String], &str, &[String]),
    fields: &[Vec<String>],
    shown: &str,
    values: &serde_json::Value,
) -> Option<Vec<String>> {
    if fields.iter().any(|f| f == rest) {
        return None;
    }
    let mut candidate = coll.to_vec();
    candidate.push(index.to_string());
    candidate.extend(rest.iter().cloned());
    match scalar_text(&candidate, values) {
        Some(text) if !shown.is_empty() && (text == shown || text.contains("{{")) => {
            Some(candidate)
        }
        _ => None,
    }
}

/// A field of a `range` element whose printed text tells no element (`value: {{ tpl
/// $item.value $ }}` of a field that is one action, `{{ .Release.Name }}`; a value two
/// elements share): the element a sibling field printed before it in the same iteration told
/// (`name: {{ $item.name }}` just above), when that element has the field as a scalar whose
/// text is what was printed or holds an action, and the field was not told in it yet (else
/// a later iteration printed it). A told field is noted for its siblings after it. One that
/// stays untold waits (`untold`) for the next sibling that tells an element (`value:` above
/// `name:`): that element's, on the same terms, its segments then listed in `resolved`.
/// `path` is the action's path with [`ELEMENT`] at `e`, `told` what [`element_of`] made of it.
fn same_iteration(
    (path, e, told): (&[String], usize, Vec<String>),
    printed: &str,
    values: &serde_json::Value,
    iterations: &mut FastMap<Vec<String>, Iteration>,
    (untold, resolved): (&mut Option<(Vec<String>, Pending)>, &mut Resolved),
) -> Vec<String> {
    let rest = &path[e + 1..];
    if rest.is_empty() || rest.iter().any(|s| s == ELEMENT) {
        return told;
    }
    let coll = &path[..e];
    let shown = unquoted(printed);
    if told.len() > e {
        // Told: note it for the fields after it, and tell the fields printed before it.
        let index = told[e].clone();
        let it = iterations.entry(coll.to_vec()).or_default();
        if it.index.as_ref() != Some(&index) {
            it.index = Some(index.clone());
            it.fields.clear();
        }
        if !it.fields.iter().any(|f| f == rest) {
            it.fields.push(rest.to_vec());
        }
        for pending in std::mem::take(&mut it.pending) {
            if let Some(field) = field_fits(
                (coll, &index, &pending.rest),
                &it.fields,
                &pending.shown,
                values,
            ) {
                it.fields.push(pending.rest);
                resolved.push((pending.segments, coll.to_vec(), field));
            }
        }
        return told;
    }
    let it = iterations.entry(coll.to_vec()).or_default();
    if let Some(index) = it.index.clone()
        && let Some(field) = field_fits((coll, &index, rest), &it.fields, shown, values)
    {
        it.fields.push(rest.to_vec());
        return field;
    }
    if !shown.is_empty() {
        *untold = Some((
            coll.to_vec(),
            Pending {
                rest: rest.to_vec(),
                shown: shown.to_string(),
                segments: 0..0,
            },
        ));
    }
    told
}

/// Segments a field wrote before its element was told: the collection's values line they
/// point at (the nearest of its path that has one) becomes the field's.
fn repoint(
    segments: &mut [(std::ops::Range<usize>, Vec<Origin>)],
    coll: &[String],
    field: &[String],
    p: &Prepared,
) {
    let Some(to) = p.origins.get(field) else {
        return;
    };
    let from = (1..=coll.len())
        .rev()
        .find_map(|n| p.origins.get(&coll[..n]));
    for (_, origins) in segments.iter_mut() {
        let at = from.and_then(|f| {
            origins
                .iter()
                .position(|o| Arc::ptr_eq(&o.file, &f.file) && o.span == f.span)
        });
        match at {
            Some(i) => origins[i] = to.clone(),
            None => origins.insert(0, to.clone()),
        }
    }
}

/// A line printed from an element of a values list the action could not tell by its text
/// (`range .Values.extraObjects` handing each object to a partial that prints it with `tpl
/// (toYaml …)`: the path names the list): the one element holding the line's key path
/// (`spec.hostNetwork` of the one extra Pod), as a values path. None when the value at
/// `list` is no list, or when no element or several have the key path (two Pods each with
/// `spec.hostNetwork`: the line alone does not tell which printed it).
fn one_element_with(
    list: &[String],
    sub: &[String],
    values: &serde_json::Value,
    origins: &super::values::Origins,
) -> Option<Vec<String>> {
    let items = list.iter().try_fold(values, |v, k| v.get(k))?.as_array()?;
    let mut hits = (0..items.len())
        .map(|i| {
            let mut path = list.to_vec();
            path.push(i.to_string());
            path.extend(sub.iter().cloned());
            path
        })
        .filter(|path| origins.get(path).is_some());
    match (hits.next(), hits.next()) {
        (Some(one), None) => Some(one),
        _ => None,
    }
}

/// Whether an action prints data it serializes itself (`toYaml $merged`, `toJson (merge …)`),
/// not a values path, an `include` or a `tpl`: its lines were written elsewhere first when
/// the data was read back from text (`fromYaml (include …)`).
fn reserializes(expr: &str) -> bool {
    let words: Vec<&str> = expr
        .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.' || c == '$'))
        .filter(|w| !w.is_empty())
        .collect();
    let serializes = words.iter().any(|w| {
        matches!(
            *w,
            "toYaml" | "mustToYaml" | "toYamlPretty" | "toJson" | "mustToJson" | "toPrettyJson"
        )
    });
    serializes
        && !words.iter().any(|w| {
            matches!(*w, "include" | "tpl" | "template")
                || w.starts_with(".Values")
                || w.starts_with("$.Values")
        })
}

/// Whether a template source reads data back from text (`fromYaml`, `fromJson`), which a
/// `toYaml` in it may print again: without it, a line a `toYaml` printed is not one some
/// `include` returned (a literal `privileged: true` a `dict` holds is the template's).
fn reads_back(src: &str) -> bool {
    src.contains("fromYaml") || src.contains("fromJson")
}

/// The `toYaml` output ([`PrintedBlock`](super::toyaml::PrintedBlock)) an action printed,
/// indented or not (`nindent`), and the index of the printed line its first line is at: the
/// first of the same text not matched yet (`read` of them were), as outputs are printed in
/// the order they ran; one with no values line is none.
fn built_block<'b>(
    printed: &str,
    blocks: &'b [super::toyaml::PrintedBlock],
    read: &mut usize,
) -> Option<(&'b super::toyaml::PrintedBlock, usize)> {
    let (lead, fingerprint) = printed_fingerprint(printed);
    let i = *read
        + blocks[*read..]
            .iter()
            .position(|b| b.fits(fingerprint, &printed[lead..]))?;
    *read = i + 1;
    let block = &blocks[i];
    (!block.lines.is_empty()).then_some((block, lead))
}

/// Where the text an action printed of a `toYaml` output begins (past the line breaks
/// `nindent` puts first), and the output's [`block_fingerprint`](super::toyaml::block_fingerprint).
fn printed_fingerprint(printed: &str) -> (usize, u64) {
    let lead = printed.len() - printed.trim_start_matches('\n').len();
    (lead, super::toyaml::block_fingerprint(&printed[lead..]))
}

/// Whether the included text at byte `at` was written by an action that re-serializes data
/// ([`reserializes`]) and names no values path.
fn reserialized_at(
    (text, pieces, ..): &IncludedText,
    at: usize,
    define_file: &DefineFiles,
) -> bool {
    let i = pieces.partition_point(|pc| pc.end <= at);
    let Some(piece) = pieces.get(i).filter(|pc| pc.start <= at && pc.action) else {
        return false;
    };
    let Some(file) = define_file.get(&piece.name) else {
        return false;
    };
    at < text.len() && reserializes(action_origin(file, piece.offset).1)
}

/// A line of YAML compared as data: list dashes dropped, a `key: 'v'`/`key: "v"` value
/// unquoted (what a round trip through `fromYaml`/`toYaml` may change).
fn yaml_line_key(line: &str) -> (&str, &str) {
    let mut t = crate::source::span::trim_start_fast(line).trim_end();
    while let Some(r) = t.strip_prefix("- ") {
        t = r.trim_start();
    }
    // The first `: `, found from each `:` (a `str` pattern search is set up for every call:
    // this runs for each line of a big re-serialized block).
    let b = t.as_bytes();
    let colon_space = memchr::memchr_iter(b':', b).find(|&i| b.get(i + 1) == Some(&b' '));
    let (k, v) = match colon_space {
        Some(i) => (&t[..i], t[i + 2..].trim()),
        None => (t.trim_end_matches(':'), ""),
    };
    let unquoted = [('"', '"'), ('\'', '\'')].iter().find_map(|&(a, b)| {
        v.strip_prefix(a)?
            .strip_suffix(b)
            .filter(|inner| !inner.contains(['"', '\'', '\\']))
    });
    (k, unquoted.unwrap_or(v))
}

/// Where a re-serialized line was read from: the line of another include's text equal as
/// data ([`yaml_line_key`]) whose key path ends the printed line's (`out_path`; sequence
/// indexes match any index). The longest such path wins, then the innermost include (the
/// first returned); `from` (the include that re-serialized it) and the includes returned
/// after it are not candidates.
fn same_line_read_from(
    included: &Included,
    paths: &mut FastMap<usize, Arc<LinePaths>>,
    line: &str,
    out_path: PathRef,
    from: Option<usize>,
) -> Option<(usize, usize)> {
    let want = yaml_line_key(line);
    if want.0.is_empty() {
        return None;
    }
    let is_index = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let ends_with = |cand: PathRef| {
        cand.len() != 0
            && cand.len() <= out_path.len()
            && cand
                .rev()
                .zip(out_path.rev())
                .all(|(c, o)| c == o || (is_index(c) && is_index(o)))
    };
    // (path length, include, offset of the line's text, the line as printed there)
    let mut found: Vec<(usize, usize, usize, &str)> = Vec::new();
    for (j, (text, ..)) in included
        .iter()
        .enumerate()
        .take(from.unwrap_or(included.len()))
    {
        if !text.contains(want.0) {
            continue;
        }
        let lp = paths
            .entry(j)
            .or_insert_with(|| Arc::new(LinePaths::of(text)))
            .clone();
        for (r, cand) in lp.iter() {
            let l = &text[r.clone()];
            // The path test first: it is the cheapest (no scan of the line's text).
            if !ends_with(cand) || l.trim().is_empty() || yaml_line_key(l) != want {
                continue;
            }
            let lead = l.len() - l.trim_start().len();
            found.push((cand.len(), j, r.start + lead, l.trim()));
        }
    }
    // The longest path is the node itself; the same line an inner include returned first
    // (a labels partial a metadata partial printed) is where it was written.
    let best = found
        .iter()
        .max_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)))?;
    found
        .iter()
        .filter(|c| c.3 == best.3 && c.1 <= best.1)
        .min_by_key(|c| c.1)
        .map(|c| (c.1, c.2))
}

/// The origins of the included text at byte `at` of `text` (what an `include` returned,
/// whose trace is `pieces`): the values line when the partial printed a value from values, and the
/// partial's line that wrote it.
/// The values lines of the values an action combined (`printf` of several), each listed after
/// the action as one part of what it printed.
fn values_parts(paths: &[Vec<String>], p: &Prepared) -> Vec<Origin> {
    paths
        .iter()
        .filter_map(|path| values_part(path, p))
        .collect()
}

/// A chart file outside `templates/` whose lines an action printed as they are, indented
/// alike (`{{ .Files.Get "config/app.env" | indent 4 }}`, `{{ printf "%s" $file | indent 4
/// }}` of a `.Files.Glob` entry): the file, where the printed block's first line is in it,
/// and that line's index in the printed text (session fid37). A block of at least 16
/// characters, found at the start of a line of the file.
/// A printed line's file and where the line starts in it.
type FileLine = Option<(Arc<SourceFile>, usize)>;

#[derive(Clone)]
pub(super) struct PrintedFile {
    /// The file each line of the printed block came from and where that line starts in it
    /// (walking the file from the block's start for every printed line was quadratic in a
    /// big file: istio base printing its 1 MB CRD file took 10 s); none for a line no file
    /// wrote (an `AsConfig` entry's key).
    starts: Arc<Vec<FileLine>>,
    first: usize,
}

fn printed_chart_file(
    printed: &str,
    p: &Prepared,
    cache: &mut FileReadings,
) -> Option<PrintedFile> {
    let candidate = |f: &&super::chart::ChartFile| {
        // Not the chart's own metadata, values, tests, documentation or schema: text there
        // that an action's output matches was not read from it.
        let rel = f.rel.as_str();
        !(rel.starts_with("templates/")
            || rel.starts_with("charts/")
            || rel.starts_with("ci/")
            || rel.starts_with('.')
            || rel.ends_with(".md")
            || rel.starts_with("LICENSE")
            || (rel.starts_with("values") && !rel.contains('/'))
            || matches!(rel, "Chart.yaml" | "Chart.lock" | "requirements.yaml"))
    };
    if !p.chart.files.iter().any(|f| candidate(&f)) || printed.trim().len() < 16 {
        return None;
    }
    let lines: Vec<&str> = printed.split('\n').collect();
    let first = lines.iter().position(|l| !l.trim().is_empty())?;
    let last = lines.iter().rposition(|l| !l.trim().is_empty())?;
    let indent = lines[first..=last]
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start_matches(' ').len())
        .min()?;
    let block: Vec<&str> = lines[first..=last]
        .iter()
        .map(|l| l.get(indent..).unwrap_or("").trim_end_matches('\r'))
        .collect();
    // `(.Files.Glob "files/*").AsConfig`: an entry per file, `name: |` and the file's
    // lines indented under it (session fid38).
    if let Some(starts) = as_config_sections(&block, p, cache, &candidate) {
        return Some(PrintedFile {
            starts: Arc::new(starts),
            first,
        });
    }
    let block = block.join("\n");
    if block.trim().len() < 16 || block.contains("{{") {
        return None;
    }
    // The block's first line is looked for first (a vectorized search), the whole block only
    // where that line starts a line of the file: istio base prints each of its ≈ 60 CRDs by
    // `toYaml` (text its 1 MB CRD file does not hold as is), and a search for each whole
    // block over the file cost 0.6 G instructions.
    let head = block.split('\n').next().unwrap_or("");
    let finder = memchr::memmem::Finder::new(head.as_bytes());
    let block_lines: Vec<&str> = block.split('\n').collect();
    let nonblank = block_lines.iter().filter(|l| !l.trim().is_empty()).count();
    // A file whose lines the block holds but for some an action changed (`.Files.Get
    // "config/app.conf" | replace "__HOST__" .Values.host`): its unchanged lines (session
    // fid38); taken when no file holds the whole block.
    let mut aligned: Option<(&super::chart::ChartFile, Vec<Option<usize>>)> = None;
    for f in p.chart.files.iter().filter(candidate) {
        let bytes = f.bytes.as_slice();
        let mut whole = None;
        for (n, i) in finder
            .find_iter(bytes)
            .filter(|&i| i == 0 || bytes[i - 1] == b'\n')
            .enumerate()
        {
            if bytes[i..].starts_with(block.as_bytes()) {
                whole = Some(i);
                break;
            }
            if aligned.is_none() && n < 4 && head.trim().len() >= 8 {
                aligned = same_lines(bytes, i, &block_lines, nonblank).map(|l| (f, l));
            }
        }
        let Some(at) = whole else {
            continue;
        };
        let file = cache
            .chart_files
            .entry(f.display.clone())
            .or_insert_with(|| super::chart::source(f).ok())
            .clone()?;
        let text = file.text.as_bytes();
        let mut starts = Vec::with_capacity(last - first + 1);
        let mut start = Some(at);
        for _ in 0..=(last - first) {
            let Some(s) = start.filter(|&s| s <= text.len()) else {
                break;
            };
            starts.push(Some((file.clone(), s)));
            start = memchr::memchr(b'\n', &text[s..]).map(|e| s + e + 1);
        }
        return Some(PrintedFile {
            starts: Arc::new(starts),
            first,
        });
    }
    if let Some((f, lines)) = aligned {
        let file = cache
            .chart_files
            .entry(f.display.clone())
            .or_insert_with(|| super::chart::source(f).ok())
            .clone()?;
        let starts = lines
            .into_iter()
            .map(|s| s.map(|s| (file.clone(), s)))
            .collect();
        return Some(PrintedFile {
            starts: Arc::new(starts),
            first,
        });
    }
    None
}

/// Where each line of `block` starts in `bytes`, read from the line at `at` on, for the
/// lines that are the file's line at the same place; none for the others. None unless at
/// least two non-blank lines, and half of them, are the same (session fid38).
/// `nonblank` is the number of non-blank lines of `block`: the walk stops as soon as half of
/// them differ (istio base's `toYaml`'d CRDs start as its CRD file's do, then differ line
/// after line for thousands of lines).
fn same_lines(
    bytes: &[u8],
    at: usize,
    block: &[&str],
    nonblank: usize,
) -> Option<Vec<Option<usize>>> {
    let mut out = Vec::with_capacity(block.len());
    let (mut same, mut written) = (0, 0);
    let mut start = Some(at);
    for line in block {
        let Some(s) = start.filter(|&s| s <= bytes.len()) else {
            out.push(None);
            continue;
        };
        let e = memchr::memchr(b'\n', &bytes[s..]).map_or(bytes.len(), |e| s + e);
        let own = bytes[s..e].strip_suffix(b"\r").unwrap_or(&bytes[s..e]);
        let blank = line.trim().is_empty();
        written += usize::from(!blank);
        if own == line.as_bytes() && !blank {
            same += 1;
            out.push(Some(s));
        } else {
            out.push(None);
        }
        if (written - same) * 2 > nonblank {
            return None;
        }
        start = (e < bytes.len()).then_some(e + 1);
    }
    (same >= 2 && same * 2 >= written).then_some(out)
}

/// The number of line breaks before an offset of a text read line by line, counted on from
/// the last offset asked (counting from the start for each line was quadratic in a big block).
#[derive(Default)]
struct NewlineCount {
    at: usize,
    count: usize,
}

impl NewlineCount {
    fn count(&mut self, text: &[u8], to: usize) -> usize {
        let to = to.min(text.len());
        if to < self.at {
            *self = NewlineCount::default();
        }
        self.count += memchr::memchr_iter(b'\n', &text[self.at..to]).count();
        self.at = to;
        self.count
    }
}

/// A piece of included text that printed a chart file as it is: the file, and the offsets of
/// the piece's line breaks.
type PrintedPiece = (PrintedFile, Vec<usize>);

/// The chart file line that printed line `k` of a [`PrintedFile`]'s action wrote.
fn printed_file_line(pf: &PrintedFile, k: usize) -> Option<Origin> {
    let (file, start) = pf.starts.get(k.checked_sub(pf.first)?)?.as_ref()?;
    let (file, start) = (file, *start);
    let text = &file.text;
    let end = text
        .get(start..)?
        .find('\n')
        .map_or(text.len(), |e| start + e);
    if text[start..end].trim().is_empty() {
        return None;
    }
    // Where the line's text starts (`    password: x` of a YAML file), as for a values line.
    let start = start + (text[start..end].len() - text[start..end].trim_start().len());
    Some(Origin {
        role: OriginRole::Template,
        file: file.clone(),
        span: Span::new(start, end),
    })
}

/// The lines of a printed block that `AsConfig` wrote (`name: |`, `name: |-` and the lines
/// of the chart file named so, two spaces deeper, as `toYaml` of a map of file texts prints
/// them): where each body line starts in its file; none for the keys. None when no entry's
/// body is a chart file's text from its start (session fid38).
fn as_config_sections(
    block: &[&str],
    p: &Prepared,
    cache: &mut FileReadings,
    candidate: &dyn Fn(&&super::chart::ChartFile) -> bool,
) -> Option<Vec<FileLine>> {
    let header = |l: &str| -> Option<String> {
        if l.starts_with([' ', '-', '#']) {
            return None;
        }
        let (key, style) = l.rsplit_once(": ")?;
        if !matches!(style, "|" | "|-" | "|+") {
            return None;
        }
        let key = key
            .strip_prefix('"')
            .and_then(|k| k.strip_suffix('"'))
            .or_else(|| key.strip_prefix('\'').and_then(|k| k.strip_suffix('\'')))
            .unwrap_or(key);
        (!key.is_empty()).then(|| key.to_string())
    };
    if block.first().is_none_or(|l| header(l).is_none()) {
        return None;
    }
    // The candidate files by the name `AsConfig` gives them (the path's last part), read once.
    let mut by_name: FastMap<&str, Vec<&super::chart::ChartFile>> = FastMap::default();
    for f in p.chart.files.iter().filter(candidate) {
        let name = f.rel.rsplit('/').next().unwrap_or(&f.rel);
        by_name.entry(name).or_default().push(f);
    }
    let mut starts: Vec<FileLine> = vec![None; block.len()];
    let mut any = false;
    let mut i = 0;
    while i < block.len() {
        let Some(key) = header(block[i]) else {
            i += 1;
            continue;
        };
        let body_from = i + 1;
        let mut end = body_from;
        while end < block.len() && (block[end].is_empty() || block[end].starts_with("  ")) {
            end += 1;
        }
        let body: Vec<&str> = block[body_from..end]
            .iter()
            .map(|l| l.get(2..).unwrap_or(""))
            .collect();
        i = end;
        let Some(files) = by_name.get(key.as_str()) else {
            continue;
        };
        for f in files {
            let Ok(text) = std::str::from_utf8(&f.bytes) else {
                continue;
            };
            // Each body line is the file's line of the same index (the file's text from its
            // start; `AsConfig` prints all of it).
            let mut at = 0;
            let mut lines_at = Vec::with_capacity(body.len());
            let same = body.iter().all(|b| {
                if at > text.len() {
                    return b.is_empty();
                }
                let e = text[at..].find('\n').map_or(text.len(), |e| at + e);
                let ok = text[at..e].trim_end_matches('\r') == *b;
                lines_at.push(at);
                at = e + 1;
                ok
            });
            if !same || body.iter().all(|b| b.trim().is_empty()) {
                continue;
            }
            let Some(file) = cache
                .chart_files
                .entry(f.display.clone())
                .or_insert_with(|| super::chart::source(f).ok())
                .clone()
            else {
                continue;
            };
            for (k, s) in lines_at.into_iter().enumerate() {
                starts[body_from + k] = Some((file.clone(), s));
            }
            any = true;
            break;
        }
    }
    any.then_some(starts)
}

/// The values a chart file rendered by the action's `tpl (.Files.Get "config/x.conf") …`
/// prints (`{{ .Values.secret.password }}` written in the file), with the text each gives:
/// the text built is the chart file's, and each of its lines is where those values are
/// (session fid37). Empty for any other action, and for values empty or not scalars.
fn tpl_file_values(expr: &str, p: &Prepared) -> Vec<(String, Origin)> {
    const GET: &str = ".Files.Get";
    let Some(at) = expr.find(GET).filter(|&at| expr[..at].contains("tpl")) else {
        return Vec::new();
    };
    let Some(name) = expr[at + GET.len()..]
        .trim_start()
        .strip_prefix('"')
        .and_then(|r| r.split('"').next())
    else {
        return Vec::new();
    };
    let Some(text) = p
        .chart
        .file(name)
        .and_then(|f| std::str::from_utf8(&f.bytes).ok())
    else {
        return Vec::new();
    };
    let mut paths: Vec<Vec<String>> = Vec::new();
    for (i, _) in text.match_indices(".Values.") {
        let tail = &text[i + ".Values.".len()..];
        let end = tail
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
            .unwrap_or(tail.len());
        let path: Vec<String> = tail[..end]
            .split('.')
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect();
        if !path.is_empty() && !paths.contains(&path) {
            paths.push(path);
        }
    }
    values_texts(&paths, p)
}

/// The printed text of each of the values `paths` (scalars, not empty) with its values line
/// as a part.
fn values_texts(paths: &[Vec<String>], p: &Prepared) -> Vec<(String, Origin)> {
    paths
        .iter()
        .filter_map(|path| {
            let text = scalar_text(path, &p.values).filter(|t| !t.is_empty())?;
            Some((text, values_part(path, p)?))
        })
        .collect()
}

/// Of [`tpl_file_values`], the parts of one printed line: the values whose text it holds;
/// every one when the action printed none of them as it is (the text encoded, `b64enc` of a
/// Secret's data), each then one of what the line was built from.
fn tpl_file_line_parts(values: &[(String, Origin)], printed: &str, line: &str) -> Vec<Origin> {
    if !values.iter().any(|(t, _)| printed.contains(t.as_str())) {
        return values.iter().map(|(_, o)| o.clone()).collect();
    }
    values
        .iter()
        .filter(|(t, _)| line.contains(t.as_str()))
        .map(|(_, o)| o.clone())
        .collect()
}

/// The values line of one value an action combined with others, as a part.
fn values_part(path: &[String], p: &Prepared) -> Option<Origin> {
    p.origins.get(path).map(|o| Origin {
        role: OriginRole::ValuesPart,
        ..o.clone()
    })
}

/// The text each of the values an action combined printed (`printf "%s/%s:%s"` of registry,
/// repository and tag), with its values line as one part: empty unless there are several.
fn printed_parts(paths: &[Vec<String>], p: &Prepared) -> Vec<(String, Origin)> {
    if paths.len() < 2 {
        return Vec::new();
    }
    values_texts(paths, p)
}

/// One line an action printed, as segments: where each combined value's text is found, in
/// order and without overlap, that range has the action (`keep`: and the `include` that ran
/// it) and that value's line only, so that a
/// finding about one part of the line (an image's tag) can name the value that wrote it; the
/// rest of the line has every origin. When the texts are not all found in that order, the
/// line is one segment.
fn split_by_parts(
    (line, at): (&str, usize),
    origins: Vec<Origin>,
    keep: &[Origin],
    parts: &[(String, Origin)],
    segments: &mut Vec<(std::ops::Range<usize>, Vec<Origin>)>,
) {
    let mut cuts = Vec::with_capacity(parts.len());
    let mut from = 0;
    for (text, o) in parts {
        let Some(i) = line[from..].find(text.as_str()) else {
            break;
        };
        cuts.push((from + i..from + i + text.len(), o));
        from += i + text.len();
    }
    if parts.is_empty() || cuts.len() < parts.len() {
        segments.push((at..at + line.len(), origins));
        return;
    }
    // Text between and around the parts was printed by none of them (a `:` of the
    // action's format, a tag `.Chart.AppVersion` wrote): it has the other origins only, so a
    // finding about it is not taken for one part's (session fid28).
    let rest: Vec<Origin> = origins
        .iter()
        .filter(|o| {
            !parts
                .iter()
                .any(|(_, p)| Arc::ptr_eq(&p.file, &o.file) && p.span == o.span && p.role == o.role)
        })
        .cloned()
        .collect();
    let mut prev = 0;
    for (range, o) in cuts {
        if range.start > prev {
            segments.push((at + prev..at + range.start, rest.clone()));
        }
        let mut only = keep.to_vec();
        only.push(o.clone());
        segments.push((at + range.start..at + range.end, only));
        prev = range.end;
    }
    if prev < line.len() {
        segments.push((at + prev..at + line.len(), rest));
    }
}

fn partial_origins(
    included: (usize, &Included),
    at: usize,
    define_file: &DefineFiles,
    p: &Prepared,
    cache: &mut FileReadings,
    lines: &mut PartialCache,
) -> Vec<Origin> {
    partial_origins_parts(included, at, define_file, p, cache, lines, None).0
}

/// [`partial_origins`], and the text each value printed when the partial's action combined
/// several (as [`printed_parts`]).
fn partial_origins_parts(
    (n, included): (usize, &Included),
    at: usize,
    define_file: &DefineFiles,
    p: &Prepared,
    cache: &mut FileReadings,
    lines: &mut PartialCache,
    ranges: Option<&mut RangeReading>,
) -> (Vec<Origin>, Vec<(String, Origin)>) {
    let (text, pieces, ..) = &included[n];
    let i = pieces.partition_point(|pc| pc.end <= at);
    let Some(piece) = pieces.get(i).filter(|pc| pc.start <= at) else {
        return (Vec::new(), Vec::new());
    };
    let Some(file) = define_file.get(&piece.name) else {
        return (Vec::new(), Vec::new());
    };
    if !piece.action {
        let exact = text_source(file, piece, &text[piece.start..piece.end]);
        let line_end = text[at..piece.end]
            .find('\n')
            .map(|n| at + n + 1)
            .unwrap_or(piece.end);
        return (
            vec![text_origin(file, piece, exact, at, line_end)],
            Vec::new(),
        );
    }
    let (origin, expr) = action_origin(file, piece.offset);
    let mut origins = Vec::new();
    let mut parts = Vec::new();
    let printed = &text[piece.start..piece.end];
    // A partial's action printing what another partial it includes returned (fluent-bit's
    // `image: {{ include "fluent-bit.image" .Values.hotReload.image }}` inside
    // `fluent-bit.pod`, Loki's `loki.lokiImage` calling `loki.baseImage`): that partial's own
    // piece tells, as for a template's `include` (session fid29); this action after it.
    if expr.contains("include")
        && let Some((j, shift, whole)) = nested_include((n, included), piece, printed)
    {
        // A partial printing its own text around several actions (`{{ .registry }}/{{
        // .repository }}:{{ .tag }}`): each action's text is a part of this piece, at the
        // values line that action's own piece tells (session fid30).
        if !whole {
            let (o, texts) = nested_parts((j, included), define_file, p, cache, lines);
            let mut all = vec![origin];
            all.extend(o);
            return (all, texts);
        }
        let inner_at = (at - piece.start).saturating_sub(shift);
        if inner_at < included[j].0.len() {
            let (mut o, texts) = partial_origins_parts(
                (j, included),
                inner_at,
                define_file,
                p,
                cache,
                lines,
                ranges,
            );
            o.push(origin);
            return (o, texts);
        }
    }
    // An action printing several values (`printf "%s/%s:%s" .Values.image.registry
    // .Values.image.repository .Values.image.tag`) is read as in a template: not as the one
    // value its last operand names.
    let several = several_values(expr, printed, &p.values);
    let path = match several.len() {
        0 | 1 => action_values_path(file, piece.offset, cache),
        _ => None,
    };
    let mut texts = Vec::new();
    let mut chosen = None;
    // The one value the action printed, with its text, when it names one.
    let mut single: Option<(String, Origin)> = None;
    if several.len() > 1 {
        parts = values_parts(&several, p);
        texts = printed_parts(&several, p);
    } else if path.is_none() {
        // Several values combined (`printf "%s/%s:%s" $registry .imageRoot.repository
        // $tag`): the action, then each values line whose text it printed.
        let mut named: Vec<Vec<String>> = Vec::new();
        for path in cached_operands(file, piece.offset, cache) {
            // Two of the partial's operands may name one value through the call.
            if let Some(path) = from_calls(path, (n, i), included, define_file, cache)
                && !named.contains(&path)
            {
                named.push(path);
            }
        }
        let several_named = named.len() > 1;
        let combined = printed_of(named, printed, &p.values);
        // One of several printed beside text that came from elsewhere (`printf "%s:%s"
        // .repository .tag` given `merge .Values.image (dict "tag" .Chart.AppVersion)` with
        // an empty `tag`): that value is one part of the line, not its whole (session fid28).
        let partly = |one: &[String]| {
            let shown = printed.trim();
            several_named
                && scalar_text(one, &p.values).is_some_and(|t| !t.is_empty() && t != shown)
        };
        if let [one] = combined.as_slice()
            && partly(one)
        {
            parts = values_parts(&combined, p);
            if let (Some(text), Some(part)) = (scalar_text(one, &p.values), parts.first()) {
                texts = vec![(text, part.clone())];
            }
        } else if let [one] = combined.as_slice() {
            // One of them printed as it is (`default .mountPath .hostPath` of a `range`
            // element): its values line is the origin, as for an action naming one value.
            chosen = Some(one.clone());
        } else {
            parts = values_parts(&combined, p);
            texts = printed_parts(&combined, p);
        }
    }
    if let Some(path) = path
        .or(chosen)
        .and_then(|path| from_calls(path, (n, i), included, define_file, cache))
        .and_then(|path| unless_empty(path, printed, &p.values))
    {
        let element_at = path.iter().position(|s| s == ELEMENT);
        let told = element_of(path.clone(), printed, &p.values);
        // A field of an element the printed text does not tell, inside the partial's own
        // `range` (vault's `extraEnvironmentVars`, fluent-bit's `envWithTpl` in
        // `fluent-bit.pod`): the element a sibling told, as for a template's ([`same_iteration`]).
        let mut path = match (element_at, ranges) {
            (Some(e), Some(r)) => match r.told.get(&(n, i)) {
                Some(t) => t.clone(),
                None => {
                    let t = same_iteration(
                        (&path, e, told),
                        printed,
                        &p.values,
                        &mut r.iterations,
                        (&mut r.untold, &mut r.resolved),
                    );
                    r.told.insert((n, i), t.clone());
                    t
                }
            },
            _ => told,
        };
        // A `range` entry its printed text does not tell, because the partial printed an
        // object built from it at run time (z2jh's `merge (dict) $value (dict "name" $key) |
        // list | toYaml`, a map entry printed as a list item): the node `toYaml` printed on
        // the line, when it noted one, rather than the whole collection's key line.
        let mut told_by_built = false;
        if element_at.is_some_and(|e| path.len() <= e)
            && several.len() <= 1
            && let Some((block, first)) = lines.built(n, i, printed)
        {
            let line = memchr::memchr_iter(b'\n', &text.as_bytes()[piece.start..at]).count();
            if let Some(o) = line.checked_sub(first).and_then(|l| block.origin_at(l)) {
                origins.push(o.clone());
                told_by_built = true;
            }
        }
        // A block the partial printed (`toYaml .Values.x | nindent 2`): the line's own key
        // under the value's path, as for a block a template prints.
        let line_paths = lines
            .lines
            .entry((n, i))
            .or_insert_with(|| Arc::new(LinePaths::of(printed)));
        if told_by_built {
            path.clear();
        } else if let Some(sub) = line_paths.at(at - piece.start) {
            let sub = sub.to_vec();
            match one_element_with(&path, &sub, &p.values, &p.origins) {
                Some(one) if p.origins.get(&[path.as_slice(), &sub].concat()).is_none() => {
                    path = one
                }
                _ => path.extend(sub),
            }
        }
        while !path.is_empty() {
            if let Some(o) = p.origins.get(&path) {
                let line_end = text[at..piece.end].find('\n').map_or(piece.end, |n| at + n);
                let o = block_line(o, &text[at..line_end]).unwrap_or_else(|| o.clone());
                single = scalar_text(&path, &p.values)
                    .filter(|t| !t.is_empty())
                    .map(|t| (t, o.clone()));
                origins.push(o);
                break;
            }
            path.pop();
        }
    }
    // An object the partial printed with one `toYaml` that no values path names (reached
    // through a `range` or a variable inside the partial, or given as a `dict` member and
    // re-read by `tpl (.value | toYaml)`): the values line of the node the line printed.
    // A string from values the action printed as it was (`path: {{ .path }}` inside the
    // partial's `range` over a list it was given in a `dict`): that string's values line.
    if origins.is_empty()
        && several.len() <= 1
        && let Some(o) = lines.strings.get(&piece.printed)
    {
        origins.push(o.clone());
    }
    if origins.is_empty()
        && several.len() <= 1
        && !expr.contains("include")
        && let Some((block, first)) = lines.built(n, i, printed)
    {
        let line = memchr::memchr_iter(b'\n', &text.as_bytes()[piece.start..at]).count();
        if let Some(o) = line.checked_sub(first).and_then(|l| block.origin_at(l)) {
            origins.push(o.clone());
        }
    }
    // A partial's action printing what an include it called returned beside other text
    // (sonarqube's `printf "%s:%s" .Values.image.repository (tpl (include "image.tag" .) .)`):
    // that text is a part of the line, at the values line its partial's piece tells
    // (session fid32).
    if expr.contains("include") {
        let line_end = text[at..piece.end].find('\n').map_or(piece.end, |e| at + e);
        let line = &text[at..line_end];
        let inner = (0..n).filter(|&j| {
            included[j]
                .2
                .as_ref()
                .is_some_and(|(name, off)| *name == piece.name && *off == piece.offset)
                && caller_include(included, j).map(|(c, _)| c) == Some(n)
        });
        let extra = include_parts(inner, line, included, define_file, p, cache, lines);
        // The one value the action named is then one part of the line too, not its whole.
        let base = match single.take() {
            Some(one) if texts.is_empty() && !extra.is_empty() && line.contains(&one.0) => {
                origins.retain(|o| o.span != one.1.span || !Arc::ptr_eq(&o.file, &one.1.file));
                parts.push(one.1.clone());
                vec![one]
            }
            _ => texts.clone(),
        };
        if let Some(merged) = merge_parts(line, &base, &extra) {
            parts.extend(extra.into_iter().map(|(_, _, o)| o));
            texts = merged;
        }
    }
    // A field of a map the partial rebuilt before printing it (nack's `jsc.fixImage`: `$_ :=
    // set $image "tag" (default .Chart.AppVersion $image.tag)`, then `{{ $image.tag }}`), whose
    // text no values line holds: the `set` that wrote it (session fid33).
    if origins.is_empty()
        && several.len() <= 1
        && let Some(o) = set_before(file, piece.offset, expr)
    {
        origins.push(o);
    }
    // A line of a chart file the partial's action printed as it is (logic3579's
    // `global.configmap`: `printf "%s" $file | indent 4` over `.Files.Glob "config/*"`):
    // that file's line (session fid37).
    if origins.is_empty()
        && parts.is_empty()
        && let Some((pf, breaks)) = lines
            .printed
            .entry((n, i))
            .or_insert_with(|| {
                let found = match cache.printed_files.get(printed) {
                    Some(found) => found.clone(),
                    None => {
                        let found = printed_chart_file(printed, p, cache);
                        cache
                            .printed_files
                            .insert(printed.to_string(), found.clone());
                        found
                    }
                };
                found.map(|pf| (pf, memchr::memchr_iter(b'\n', printed.as_bytes()).collect()))
            })
            .as_ref()
        && let Some(o) = printed_file_line(pf, breaks.partition_point(|&b| b < at - piece.start))
    {
        origins.push(o);
    }
    origins.push(origin);
    origins.extend(parts);
    // A chart file the partial's action renders with `tpl` (holistic-pay's
    // `payment-order.passwords` helper, `tpl (.Files.Get "config/password.conf") . | b64enc`):
    // the values the file prints (session fid37).
    if several.is_empty() && expr.contains(".Files.Get") {
        let values = tpl_file_values(expr, p);
        let line_end = text[at..piece.end].find('\n').map_or(piece.end, |e| at + e);
        origins.extend(tpl_file_line_parts(&values, printed, &text[at..line_end]));
    }
    (origins, texts)
}

/// The `set $v "k" …` action of the define around `offset` (before it) that wrote the field
/// `$v.k` the action `expr` prints alone, if one.
fn set_before(file: &Arc<SourceFile>, offset: usize, expr: &str) -> Option<Origin> {
    let inner = super::actions::inner(expr).trim();
    let (var, key) = inner.split_once('.')?;
    if !var.starts_with('$')
        || var.len() < 2
        || key.is_empty()
        || !key.chars().all(|c| c.is_alphanumeric() || c == '_')
    {
        return None;
    }
    sets_before(file, offset, &[var])
        .into_iter()
        .find(|(path, _)| path.len() == 1 && path[0] == key)
        .map(|(_, o)| o)
}

/// The keys the `set` actions of the define (or template) around `offset`, before it, add
/// to the map the action `expr` prints with `toYaml` (`set $sc "readOnlyRootFilesystem"
/// true` then `toYaml $sc`; `set $sc.capabilities "add" …` is the key `capabilities.add`),
/// or to the values map `base` it prints (`set .Values.sc "k" …`): each key's path below
/// that map and the `set` action.
fn set_keys_before(
    file: &Arc<SourceFile>,
    offset: usize,
    expr: &str,
    base: &[String],
) -> Vec<(Vec<String>, Origin)> {
    let inner = super::actions::inner(expr);
    let Some(at) = inner.find("toYaml ") else {
        return Vec::new();
    };
    let operand = inner[at + "toYaml ".len()..]
        .trim_start()
        .trim_start_matches('(')
        .split(|c: char| c.is_whitespace() || c == ')' || c == '|')
        .next()
        .unwrap_or("");
    if operand.len() < 2 || !(operand.starts_with('$') || operand.starts_with(".Values.")) {
        return Vec::new();
    }
    let values_map = format!(".Values.{}", base.join("."));
    sets_before(file, offset, &[operand, values_map.as_str()])
}

/// The `set MAP "key" …` actions of the define (or template) around `offset`, before it, on
/// one of `maps` (a variable or a values path) or a map below one (`set $sc.capabilities
/// "add"`): each key's path below that map and the `set` action, the last `set` first.
fn sets_before(file: &Arc<SourceFile>, offset: usize, maps: &[&str]) -> Vec<(Vec<String>, Origin)> {
    let src = &file.text[..offset.min(file.text.len())];
    let start = src.rfind("define").unwrap_or(0);
    let mut out = Vec::new();
    let mut from = start;
    while let Some(i) = src[from..].find("set ") {
        let at = from + i;
        from = at + 4;
        // `set` as a word: the function, not `offset` or `$set`.
        if src[..at]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$' || c == '.')
        {
            continue;
        }
        let rest = &src[at + 4..];
        let Some(target) = rest.split_whitespace().next() else {
            continue;
        };
        let below = match maps.iter().find_map(|m| target.strip_prefix(m)) {
            Some("") => Vec::new(),
            Some(sub) if sub.starts_with('.') => sub[1..].split('.').map(str::to_string).collect(),
            _ => continue,
        };
        let after = rest.trim_start()[target.len()..].trim_start();
        let Some(key) = after
            .strip_prefix('"')
            .and_then(|k| k.split_once('"'))
            .map(|(k, _)| k)
            .filter(|k| !k.is_empty() && !k.contains('\\'))
        else {
            continue;
        };
        let Some(open) = src[..at].rfind("{{") else {
            continue;
        };
        let mut path = below;
        path.push(key.to_string());
        out.push((path, action_origin(file, open).0));
    }
    // The last `set` of a key is the one that wrote it.
    out.reverse();
    out
}

/// The text each include in `inner` returned (one line, not the whole of `line`) that
/// `line` prints among other text, with where it is in `line` and the values line the
/// partial's piece that wrote it tells (each values line, when that piece combined
/// several): an include called as an operand of the action that printed `line` (`printf
/// "%s:%s" .Values.image.repository (include "c.tag" .)`), whose text the whole-line lookup
/// of returned lines cannot find (session fid32).
fn include_parts(
    inner: impl Iterator<Item = usize>,
    line: &str,
    included: &Included,
    define_file: &DefineFiles,
    p: &Prepared,
    cache: &mut FileReadings,
    lines: &mut PartialCache,
) -> Vec<(usize, String, Origin)> {
    let whole = line.trim();
    let mut found = Vec::new();
    for j in inner {
        let text = &included[j].0;
        let t = text.trim();
        if t.is_empty() || t.contains('\n') || t == whole {
            continue;
        }
        let Some(pos) = line.find(t) else {
            continue;
        };
        let lead = text.len() - text.trim_start().len();
        let (o, texts) =
            partial_origins_parts((j, included), lead, define_file, p, cache, lines, None);
        if !texts.is_empty() {
            // The partial combined several values (`printf "%s-%s" .Values.build "musl"`
            // tells one part, `printf "%s/%s" .registry .repository` two): each its own.
            let mut from = pos;
            for (tt, to) in texts {
                let Some(i) = line[from..pos + t.len()].find(tt.as_str()) else {
                    continue;
                };
                found.push((from + i, tt.clone(), to));
                from += i + tt.len();
            }
            continue;
        }
        let mut told = o.into_iter().filter(|o| {
            matches!(
                o.role,
                OriginRole::Values | OriginRole::Set | OriginRole::ValuesPart
            )
        });
        if let (Some(v), None) = (told.next(), told.next()) {
            found.push((pos, t.to_string(), v));
        }
    }
    found
}

/// `base` (the parts an action's values printed, in order) with `extra` (parts included
/// text printed, [`include_parts`]) put in the order `line` prints them, an extra part that
/// overlaps a base part left out; `None` when there is no extra part or the base parts are
/// not all found in order (the line is then one segment, as [`split_by_parts`] makes it).
fn merge_parts(
    line: &str,
    base: &[(String, Origin)],
    extra: &[(usize, String, Origin)],
) -> Option<Vec<(String, Origin)>> {
    if extra.is_empty() {
        return None;
    }
    let mut placed: Vec<(std::ops::Range<usize>, (String, Origin))> = Vec::new();
    let mut from = 0;
    for (t, o) in base {
        let i = from + line[from..].find(t.as_str())?;
        placed.push((i..i + t.len(), (t.clone(), o.clone())));
        from = i + t.len();
    }
    for (pos, t, o) in extra {
        let r = *pos..pos + t.len();
        if placed
            .iter()
            .all(|(q, _)| r.end <= q.start || q.end <= r.start)
        {
            placed.push((r, (t.clone(), o.clone())));
        }
    }
    placed.sort_by_key(|(r, _)| r.start);
    Some(placed.into_iter().map(|(_, part)| part).collect())
}

/// The origins of a partial's text made of several pieces (literal text around actions,
/// `{{ .registry }}/{{ .repository }}:{{ .tag }}`), printed whole by another partial's
/// action: every piece's origins, and the text each action printed with the values line
/// its piece tells (or the parts it tells itself), in order, as parts of the line.
fn nested_parts(
    (j, included): (usize, &Included),
    define_file: &DefineFiles,
    p: &Prepared,
    cache: &mut FileReadings,
    lines: &mut PartialCache,
) -> (Vec<Origin>, Vec<(String, Origin)>) {
    let (text, pieces, ..) = &included[j];
    let mut origins = Vec::new();
    let mut texts = Vec::new();
    for pc in pieces.iter().filter(|pc| pc.action && pc.end > pc.start) {
        let printed = &text[pc.start..pc.end];
        if printed.trim().is_empty() {
            continue;
        }
        let (o, t) =
            partial_origins_parts((j, included), pc.start, define_file, p, cache, lines, None);
        if !t.is_empty() {
            texts.extend(t);
        } else if let Some(v) = o
            .iter()
            .find(|o| matches!(o.role, OriginRole::Values | OriginRole::Set))
            && !printed.contains('\n')
        {
            texts.push((printed.to_string(), v.clone()));
        }
        origins.extend(o);
    }
    (origins, texts)
}

/// The include that `piece` of include `n` (an action calling `include`) printed whole, as
/// returned or quoted: its index, where its text starts in what the piece printed, and
/// whether one action of the partial printed all of it (an image helper's `printf`), whose
/// origins then hold for the whole piece (else [`nested_parts`] tells each part).
fn nested_include(
    (n, included): (usize, &Included),
    piece: &gotmpl::trace::Piece,
    printed: &str,
) -> Option<(usize, usize, bool)> {
    let j = (0..n).rev().find(|&j| {
        included[j]
            .2
            .as_ref()
            .is_some_and(|(name, off)| *name == piece.name && *off == piece.offset)
            && caller_include(included, j).map(|(c, _)| c) == Some(n)
    })?;
    let (text, pieces, ..) = &included[j];
    let mut printing = pieces.iter().filter(|pc| pc.end > pc.start);
    let whole = match (printing.next(), printing.next()) {
        (Some(one), None) => one.action && one.start == 0 && one.end == text.len(),
        (Some(_), Some(_)) => false,
        _ => return None,
    };
    // Several pieces: only text with actions among them, on one line (an image's name).
    if !whole && (text.contains('\n') || !pieces.iter().any(|pc| pc.action)) {
        return None;
    }
    if printed == text {
        Some((j, 0, whole))
    } else if printed.len() == text.len() + 2
        && printed.starts_with('"')
        && printed.ends_with('"')
        && &printed[1..printed.len() - 1] == text
    {
        Some((j, 1, whole))
    } else {
        None
    }
}

/// What the origins of the lines included text printed are read with: each piece's block
/// key paths, and which `toYaml` output (in the order they ran) each piece printed.
struct PartialCache<'b> {
    lines: FastMap<(usize, usize), Arc<LinePaths>>,
    /// The chart file each piece printed as it is, with where the piece's line breaks are (a
    /// piece's lines are read one by one: hashing its text and counting its breaks for each
    /// was quadratic in a big file).
    printed: FastMap<(usize, usize), Option<PrintedPiece>>,
    blocks: &'b [super::toyaml::PrintedBlock],
    /// The values line of each values string an action printed as it was, by its allocation.
    strings: &'b FastMap<usize, Origin>,
    /// The output matched to each piece (include, piece), and whether each output is taken.
    matched: FastMap<(usize, usize), Option<usize>>,
    taken: Vec<bool>,
    /// Whether some output printed a value from values (else no piece has one to match).
    any_built: bool,
}

impl<'b> PartialCache<'b> {
    fn new(blocks: &'b [super::toyaml::PrintedBlock], strings: &'b FastMap<usize, Origin>) -> Self {
        PartialCache {
            lines: FastMap::default(),
            printed: FastMap::default(),
            blocks,
            strings,
            matched: FastMap::default(),
            taken: vec![false; blocks.len()],
            any_built: blocks.iter().any(|b| !b.lines.is_empty()),
        }
    }

    /// The `toYaml` output that piece `i` of include `n` printed (its text, `printed`, told
    /// by its lines without indentation, the first output of that text not yet matched to
    /// another piece) when it printed a value from values, and the index of the piece's
    /// line where the output's first line is.
    fn built(
        &mut self,
        n: usize,
        i: usize,
        printed: &str,
    ) -> Option<(&'b super::toyaml::PrintedBlock, usize)> {
        if !self.any_built {
            return None;
        }
        let lead = printed.len() - printed.trim_start_matches('\n').len();
        let found = match self.matched.get(&(n, i)) {
            Some(found) => *found,
            None => {
                let (_, fingerprint) = printed_fingerprint(printed);
                let found = (0..self.blocks.len()).find(|&b| {
                    !self.taken[b] && self.blocks[b].fits(fingerprint, &printed[lead..])
                });
                if let Some(b) = found {
                    self.taken[b] = true;
                }
                self.matched.insert((n, i), found);
                found
            }
        };
        let block = &self.blocks[found?];
        (!block.lines.is_empty()).then_some((block, lead))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn origin(role: OriginRole, line: usize) -> Origin {
        let file = SourceFile::new("values.yaml".into(), None, "a: 1\nb: 2\nc: 3\n".into());
        Origin {
            role,
            file,
            span: Span::new(line * 5, line * 5 + 4),
        }
    }

    /// (range, lines of the values origins) of each segment.
    fn split(line: &str, texts: &[&str]) -> Vec<(std::ops::Range<usize>, Vec<usize>)> {
        let action = origin(OriginRole::Template, 0);
        let parts: Vec<(String, Origin)> = texts
            .iter()
            .enumerate()
            .map(|(i, t)| (t.to_string(), origin(OriginRole::ValuesPart, i + 1)))
            .collect();
        let mut all = vec![action.clone()];
        all.extend(parts.iter().map(|(_, o)| o.clone()));
        let mut segments = Vec::new();
        split_by_parts((line, 100), all, &[action], &parts, &mut segments);
        segments
            .into_iter()
            .map(|(r, os)| {
                let lines = os
                    .iter()
                    .filter(|o| o.role == OriginRole::ValuesPart)
                    .map(|o| o.span.start as usize / 5)
                    .collect();
                (r, lines)
            })
            .collect()
    }

    #[test]
    fn each_combined_value_has_the_part_of_the_line_it_printed() {
        // `image: {{ printf "%s:%s" .repository .tag }}`, the repository holding the tag's text.
        assert_eq!(
            split(
                "image: latest-builds/api:latest\n",
                &["latest-builds/api", "latest"]
            ),
            [
                (100..107, vec![]),
                (107..124, vec![1]),
                (124..125, vec![]),
                (125..131, vec![2]),
                (131..132, vec![]),
            ]
        );
    }

    #[test]
    fn a_line_without_every_value_in_order_is_one_segment() {
        assert_eq!(
            split("image: api:1.0\n", &["1.0", "api"]),
            [(100..115, vec![1, 2])]
        );
        assert_eq!(
            split("image: api:1.0\n", &["api", "2.0"]),
            [(100..115, vec![1, 2])]
        );
    }

    #[test]
    fn a_block_line_tpl_rewrote_matches_around_its_actions() {
        use super::matches_with_actions as m;
        assert!(m(
            "path: /var/lib/{{ .Release.Name }}/themes",
            "path: /var/lib/rel/themes"
        ));
        assert!(m(
            "claimName: {{ include \"x.fullname\" . }}-data",
            "claimName: release-name-x-data"
        ));
        assert!(!m(
            "path: /var/lib/{{ .Release.Name }}/themes",
            "path: /opt/rel/themes"
        ));
        // No action, or no text of its own: no match.
        assert!(!m("path: /var/lib", "path: /var/lib"));
        assert!(!m("- {{ .x }}", "- anything"));
        assert!(!m("{{ toYaml .Values.x }}", "runAsUser: 0"));
    }
}
