//! The rows of a framework catalog table (`policies/frameworks/<id>.tsv`), as plain text
//! slices. Shared by `build.rs`, which turns the embedded tables into static data when the
//! binary is built (reading them was ≈ 2.7 M instructions of every run's compliance summary),
//! and by [`super::catalog::parse_table`], which reads a table given at run time (tests). This
//! module uses nothing of the crate, so that `build.rs` can include it.

/// A table read: its `# key: value` header lines, its active controls and its withdrawn ones,
/// in table order.
pub struct Table<'a> {
    /// Header keys and values, the first of each key only.
    pub meta: Vec<(&'a str, &'a str)>,
    pub controls: Vec<Row<'a>>,
    pub withdrawn: Vec<WithdrawnRow<'a>>,
}

impl<'a> Table<'a> {
    pub fn meta(&self, key: &str) -> Option<&'a str> {
        self.meta.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
    }
}

/// An active control's cells.
pub struct Row<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub oscal_id: Option<&'a str>,
    /// (`AC`, `Access Control`) for an SP 800-53 family, (`PR.AA`, its title) for a CSF 2.0
    /// category.
    pub group: Option<(&'a str, &'a str)>,
    /// The baselines' letters (`LMH`), empty for none.
    pub baselines: &'a str,
}

/// A withdrawn control's cells.
pub struct WithdrawnRow<'a> {
    pub id: &'a str,
    pub title: &'a str,
    /// e.g. `incorporated into AC-2, AU-6`.
    pub note: &'a str,
}

/// The positions of a table's named columns (the first column of each name), from its header
/// row.
struct Columns {
    count: usize,
    id: Option<usize>,
    title: Option<usize>,
    status: Option<usize>,
    oscal_id: Option<usize>,
    family: Option<usize>,
    category: Option<usize>,
    category_title: Option<usize>,
    baselines: Option<usize>,
}

impl Columns {
    fn of(header: &[&str]) -> Columns {
        let find = |name: &str| header.iter().position(|c| *c == name);
        Columns {
            count: header.len(),
            id: find("id"),
            title: find("title"),
            status: find("status"),
            oscal_id: find("oscal_id"),
            family: find("family"),
            category: find("category"),
            category_title: find("category_title"),
            baselines: find("baselines"),
        }
    }
}

/// `line.split('\t')` into `out` (cleared first), a byte at a time: the cells are short, and
/// `str::split` with a `char` searches for each tab with a general-purpose routine.
pub fn split_tabs<'a>(line: &'a str, out: &mut Vec<&'a str>) {
    out.clear();
    let mut start = 0;
    for (i, b) in line.bytes().enumerate() {
        if b == b'\t' {
            out.push(&line[start..i]);
            start = i + 1;
        }
    }
    out.push(&line[start..]);
}

/// Reads a table written by `scripts/gen-controls.py`: `# key: value` header lines, a column
/// header row, then one tab-separated row per control. The columns are named by the header row;
/// `id`, `title` and `status` are required, `oscal_id`, `family`, `category`,
/// `category_title` and `baselines` are used when present. Errors name `path` and the line.
pub fn read<'a>(path: &str, text: &'a str) -> Result<Table<'a>, String> {
    let mut table = Table {
        meta: Vec::new(),
        controls: Vec::new(),
        withdrawn: Vec::new(),
    };
    let mut columns: Option<Columns> = None;
    // One buffer for every row's cells (the NIST tables have ≈ 1,700 rows).
    let mut cells: Vec<&'a str> = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let at = |msg: String| format!("{path}:{}: {msg}", n + 1);
        if let Some(comment) = line.strip_prefix("# ") {
            if let Some((k, v)) = comment.split_once(": ")
                && table.meta(k.trim()).is_none()
            {
                table.meta.push((k.trim(), v.trim()));
            }
            continue;
        }
        // A blank line, or a comment without text (`#`), between paragraphs of the header.
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        split_tabs(line, &mut cells);
        let Some(cols) = &columns else {
            columns = Some(Columns::of(&cells));
            continue;
        };
        if cells.len() != cols.count {
            return Err(at(format!(
                "{} cells, the header has {}",
                cells.len(),
                cols.count
            )));
        }
        let get = |column: Option<usize>| column.map(|i| cells[i]).filter(|v| !v.is_empty());
        let (Some(id), Some(title), Some(status)) =
            (get(cols.id), get(cols.title), get(cols.status))
        else {
            return Err(at("a row needs an id, a title and a status".into()));
        };
        if let Some(note) = status.strip_prefix("withdrawn") {
            table.withdrawn.push(WithdrawnRow {
                id,
                title,
                note: note.trim_start_matches(':').trim(),
            });
            continue;
        }
        if status != "active" {
            return Err(at(format!("unknown status {status:?}")));
        }
        let group = match (
            get(cols.family),
            get(cols.category),
            get(cols.category_title),
        ) {
            (Some(family), _, _) => Some((id.split_once('-').map_or(id, |(f, _)| f), family)),
            (None, Some(cat), Some(title)) => Some((cat, title)),
            _ => None,
        };
        table.controls.push(Row {
            id,
            title,
            oscal_id: get(cols.oscal_id),
            group,
            baselines: get(cols.baselines).unwrap_or_default(),
        });
    }
    if columns.is_none() {
        return Err(format!("{path}: no header row"));
    }
    Ok(table)
}
