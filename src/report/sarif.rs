use super::RunReport;

pub fn render(report: &RunReport) -> String {
    format!("{} findings\n", report.findings.len())
}
