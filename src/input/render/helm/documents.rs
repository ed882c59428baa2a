//! A template's output split into documents as Helm splits it, each with the origins the
//! trace recorded, and the install order `helm template` prints them in.

use super::*;
/// One rendered document with its source map relative to its content.
pub(super) struct Doc {
    pub(super) name: String,
    pub(super) content: String,
    pub(super) kind: String,
    pub(super) segments: Vec<(std::ops::Range<usize>, Vec<Origin>)>,
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

/// The output of one template split into documents (Helm splits on `---` lines), each with
/// its origins from the trace.
pub(super) fn split_documents(
    t: &Tmpl,
    out: &str,
    pieces: &[gotmpl::trace::Piece],
    define_file: &HashMap<String, Arc<SourceFile>>,
    p: &Prepared,
    docs: &mut Vec<Doc>,
) {
    let mut bounds = Vec::new();
    let mut start = 0;
    let mut pos = 0;
    for line in out.split_inclusive('\n') {
        let l = line.trim_end();
        if l == "---"
            || (l.starts_with("---") && l[3..].starts_with(|c: char| c.is_whitespace() || c == '#'))
        {
            bounds.push(start..pos);
            start = pos + line.len();
        }
        pos += line.len();
    }
    bounds.push(start..out.len());
    let mut with_cache: HashMap<usize, Vec<Scope>> = HashMap::new();
    let mut line_cache: HashMap<usize, Arc<Vec<LinePath>>> = HashMap::new();
    for b in bounds {
        let chunk = &out[b.clone()];
        // Drop leading blank lines and trailing whitespace as Helm does.
        let lead = chunk.len() - chunk.trim_start_matches(['\n', '\r', ' ', '\t']).len();
        let lead = chunk[..lead]
            .rfind('\n')
            .map(|i| i + 1)
            .unwrap_or(0)
            .min(lead);
        let body = chunk[lead..].trim_end();
        if body
            .lines()
            .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
        {
            continue;
        }
        let off = b.start + lead;
        let end = off + body.len();
        let mut segments = Vec::new();
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
                let src = &file.text;
                let a_start = piece.offset.min(src.len());
                let a_end = src[a_start..]
                    .find("}}")
                    .map(|i| a_start + i + 2)
                    .unwrap_or(src.len());
                let span = Span::new(
                    file.lines.pos_at_offset(src, a_start),
                    file.lines.pos_at_offset(src, a_end),
                );
                let tmpl_origin = Origin {
                    role: OriginRole::Template,
                    file: file.clone(),
                    span,
                };
                let scopes = with_cache
                    .entry(Arc::as_ptr(&file) as usize)
                    .or_insert_with(|| scopes(&file.text));
                let expr = &src[a_start..a_end];
                let base_path = values_path(expr, a_start, scopes);
                // Line by line: a block printed by toYaml maps each line to its own key.
                let printed = &out[piece.start..piece.end];
                // Computed once per piece (a big block can span many documents).
                let line_paths = base_path.as_ref().map(|_| {
                    line_cache
                        .entry(pi)
                        .or_insert_with(|| Arc::new(yaml_line_paths(printed)))
                        .clone()
                });
                let mut cur = s;
                while cur < e {
                    let rel = cur - piece.start;
                    let line_end = printed[rel..]
                        .find('\n')
                        .map(|i| piece.start + rel + i + 1)
                        .unwrap_or(piece.end)
                        .min(e);
                    let mut origins = Vec::new();
                    if let Some(bp) = &base_path {
                        let sub = line_paths
                            .as_ref()
                            .and_then(|lp| {
                                // Line ranges are in order: binary search.
                                let i = lp.partition_point(|(r, _)| r.end <= rel);
                                lp.get(i)
                                    .filter(|(r, _)| r.contains(&rel))
                                    .map(|(_, p)| p.clone())
                            })
                            .unwrap_or_default();
                        let mut full = bp.clone();
                        full.extend(sub);
                        while !full.is_empty() {
                            if let Some(o) = p.origins.get(&full) {
                                origins.push(o.clone());
                                break;
                            }
                            full.pop();
                        }
                    }
                    origins.push(tmpl_origin.clone());
                    segments.push((cur - off..line_end - off, origins));
                    cur = line_end;
                }
            } else {
                // Literal text: the same bytes as the template's, line by line.
                let src = &file.text;
                let text_here = src.get(piece.offset..piece.offset + (piece.end - piece.start));
                let exact = text_here == Some(&out[piece.start..piece.end]);
                let mut cur = s;
                while cur < e {
                    let rel = cur - piece.start;
                    let line_end = out[cur..e].find('\n').map(|i| cur + i + 1).unwrap_or(e);
                    let span = if exact {
                        let a = piece.offset + rel;
                        let b = piece.offset + (line_end - piece.start);
                        let b_trim = src[a..b].trim_end_matches('\n').len() + a;
                        Span::new(
                            file.lines.pos_at_offset(src, a),
                            file.lines.pos_at_offset(src, b_trim),
                        )
                    } else {
                        let pos = file.lines.pos_at_offset(src, piece.offset.min(src.len()));
                        Span::new(pos, pos)
                    };
                    segments.push((
                        cur - off..line_end - off,
                        vec![Origin {
                            role: OriginRole::Template,
                            file: file.clone(),
                            span,
                        }],
                    ));
                    cur = line_end;
                }
            }
        }
        let head =
            crate::input::yaml::parse_stream(body, &crate::input::span::LineIndex::new(body));
        let _ = head;
        let kind = doc_kind(body);
        docs.push(Doc {
            name: t.name.clone(),
            content: body.to_string(),
            kind,
            segments,
        });
    }
}

/// The kind of a rendered document (its top-level `kind:`).
pub(super) fn doc_kind(body: &str) -> String {
    body.lines()
        .find_map(|l| l.strip_prefix("kind:"))
        .map(|k| k.trim().trim_matches(['"', '\'']).to_string())
        .unwrap_or_default()
}
