//! `runeguard render PATH`: the stream a chart or overlay renders to, as it is checked
//! (credentials masked), or with `--origins` each line with where it came from.

use super::settings::Settings;
use super::{Exit, Fatal, print_problems, render_folder, write_out};
use crate::cli::RenderArgs;
use crate::input::{discover, render};

pub fn render(args: RenderArgs) -> Result<Exit, Fatal> {
    let settings = Settings::load(args.config.as_deref())?;
    let rc = settings.render_config(&args.render);
    let dir = discover::normalize(&args.path, &settings.cwd);
    let mut opts = rc.options_for(&dir);
    if let Some(r) = &args.release_name {
        opts.release_name = r.clone();
    }
    if let Some(n) = &args.namespace {
        opts.namespace = n.clone();
        opts.namespace_given = true;
    }
    let display = discover::display_path(&args.path, &settings.cwd);
    let Some(outcome) = render_folder(&args.path, &display, &opts) else {
        return Err(Fatal(format!(
            "{display} is neither a Helm chart (no Chart.yaml) nor a Kustomize overlay (no kustomization.yaml)"
        )));
    };
    let mut problems = outcome.problems;
    // Several `render:` entries (environments) for the folder: `check` renders each; this
    // prints the first, and says so.
    let entries = rc.entries_for(&dir).count();
    if entries > 1 {
        problems.push(crate::source::Problem::note(
            &display,
            None,
            format!(
                "the configuration has {entries} render: entries for this folder; this is the first one's rendering (`check` renders each)"
            ),
        ));
    }
    if let Some(r) = &outcome.rendered {
        // Loading marks the credentials its documents hold, so that the stream prints masked
        // (what the documents fail to be is `check`'s to report, not `render`'s).
        render::load(r);
        render::mask_repeated_credentials(r);
        let text = if args.origins {
            render::annotate_origins(r)
        } else {
            render::printable(&r.stream.redaction().redacted.text)
        };
        write_out(None, &text)?;
    }
    Ok(print_problems(&problems))
}
