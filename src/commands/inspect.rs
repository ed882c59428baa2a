//! `runeguard inspect FILES`: what the checker sees in each file: its documents, their input
//! type and kind, and their values (credentials masked); for a chart or an overlay, its
//! rendered stream with each line's origins.

use super::settings::Settings;
use super::{Exit, Fatal, print_problems, render_folder, write_out};
use crate::cli::InspectArgs;
use crate::input::{Document, Loaded, classify, discover, render};
use std::path::Path;

pub fn inspect(args: InspectArgs) -> Result<Exit, Fatal> {
    let settings = Settings::load(args.config.as_deref())?;
    let rc = settings.render_config(&args.render);
    let cwd = settings.cwd.clone();
    let mut out = String::new();
    let mut exit = Exit::Ok;
    for path in &args.files {
        let outcome = if path.is_dir() || discover::is_chart_package(path) {
            // As `render` shows it: the folder's first `render:` entry, then the flags.
            let opts = rc.options_for(&discover::normalize(path, &cwd));
            inspect_folder(path, &cwd, &opts, &mut out)
        } else {
            inspect_file(path, &cwd, &mut out)
        };
        exit = exit.max(outcome);
    }
    write_out(None, &out)?;
    Ok(exit)
}

/// A chart or an overlay: its rendered stream, each line with its origins, then its documents.
fn inspect_folder(path: &Path, cwd: &Path, opts: &render::RenderOptions, out: &mut String) -> Exit {
    let display = discover::display_path(path, cwd);
    let Some(outcome) = render_folder(path, &display, opts) else {
        eprintln!("runeguard: {display}: is a directory (neither a chart nor an overlay)");
        return Exit::Error;
    };
    let mut exit = Exit::Ok;
    if let Some(r) = &outcome.rendered {
        // Loading marks the stream's credentials (and generated keys): the annotated stream
        // is printed after, masked.
        let loaded = render::load(r);
        render::mask_repeated_credentials(r);
        out.push_str(&render::annotate_origins(r));
        for d in &loaded.documents {
            out.push_str(&heading(d));
        }
        exit = print_problems(&loaded.problems);
    }
    exit.max(print_problems(&outcome.problems))
}

/// A file: each document's heading and value (masked).
fn inspect_file(path: &Path, cwd: &Path, out: &mut String) -> Exit {
    let c = discover::Candidate {
        display: discover::display_path(path, cwd),
        path: path.to_path_buf(),
        explicit: true,
        kind: Default::default(),
    };
    let loaded = match discover::read(&c) {
        Ok(file) => {
            // As `check` reads it: a patch fragment no kustomization uses is noted (only its
            // credentials are checked).
            let mut loaded = classify::load(&file, true);
            crate::input::kubernetes::mark_unused_patch_fragments(&file, &mut loaded, cwd);
            loaded
        }
        Err(p) => Loaded {
            documents: Vec::new(),
            problems: vec![p],
        },
    };
    for d in &loaded.documents {
        out.push_str(&heading(d));
        // The value holds the file's credentials: shown masked.
        let red = d.file.redaction();
        let value = crate::source::secrets::redact_value(
            &d.value,
            &d.spans,
            &red.ranges,
            &d.file.names(),
            &red.known,
        );
        out.push_str(&serde_json::to_string_pretty(&value).unwrap_or_default());
        out.push('\n');
    }
    let exit = print_problems(&loaded.problems);
    if loaded.documents.is_empty() && loaded.problems.is_empty() {
        out.push_str(&format!("# {}: no documents\n", c.display));
    }
    exit
}

fn heading(d: &Document) -> String {
    format!(
        "# {} document {}: {} ({}) — {}\n",
        d.file.path,
        d.index + 1,
        d.input_type,
        d.subtype,
        d.resource
    )
}
