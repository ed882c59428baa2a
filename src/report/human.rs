use super::{RenderOptions, RunReport};

pub fn render(report: &RunReport, _opts: RenderOptions) -> String {
    format!("{} findings\n", report.findings.len())
}
