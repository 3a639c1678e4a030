//! The markdown report: sections of tables, and the targets with the figure
//! measured beside each.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::Duration;

/// A markdown table.
#[derive(Clone, Debug, Default)]
pub struct Table {
    /// Column headers.
    pub headers: Vec<String>,
    /// Rows of cells, as many as headers.
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with these headers and no rows yet.
    pub fn new<S: Into<String>>(headers: impl IntoIterator<Item = S>) -> Self {
        Table {
            headers: headers.into_iter().map(Into::into).collect(),
            rows: Vec::new(),
        }
    }

    /// Appends a row.
    pub fn row<S: Into<String>>(&mut self, cells: impl IntoIterator<Item = S>) {
        self.rows.push(cells.into_iter().map(Into::into).collect());
    }

    /// Appends a row that says only `text` after its `label` (skipped, not
    /// measured), its other cells empty.
    pub fn note_row(&mut self, label: impl Into<String>, text: impl Into<String>) {
        let mut cells = vec![label.into(), text.into()];
        cells.resize(self.headers.len().max(2), String::new());
        self.rows.push(cells);
    }

    /// The table as markdown, numbers right-aligned after the first column.
    pub fn to_markdown(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "| {} |", self.headers.join(" | "));
        let aligns: Vec<&str> = (0..self.headers.len())
            .map(|i| if i == 0 { "---" } else { "---:" })
            .collect();
        let _ = writeln!(s, "| {} |", aligns.join(" | "));
        for row in &self.rows {
            let _ = writeln!(s, "| {} |", row.join(" | "));
        }
        s
    }
}

/// Whether a target was met.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Met.
    Met,
    /// Missed.
    Missed,
    /// Not measured in this run (a server was unreachable).
    NotMeasured,
}

/// A target of the issue and the figure measured for it.
#[derive(Clone, Debug)]
pub struct Target {
    /// What the target says.
    pub target: String,
    /// The measured figure, in words.
    pub measured: String,
    /// Met, missed or not measured.
    pub verdict: Verdict,
}

/// One benchmark's part of the report.
#[derive(Clone, Debug, Default)]
pub struct Section {
    /// Heading.
    pub title: String,
    /// Markdown paragraphs, tables and notes, in order.
    pub body: String,
    /// Targets this benchmark measures.
    pub targets: Vec<Target>,
    /// Named figures other sections may cite (see `findings.rs`).
    pub figures: BTreeMap<String, Duration>,
}

impl Section {
    /// An empty section with a heading.
    pub fn new(title: impl Into<String>) -> Self {
        Section {
            title: title.into(),
            ..Section::default()
        }
    }

    /// Appends a paragraph.
    pub fn para(&mut self, text: impl AsRef<str>) {
        let _ = writeln!(self.body, "{}\n", text.as_ref().trim_end());
    }

    /// Appends a table.
    pub fn table(&mut self, table: &Table) {
        let _ = writeln!(self.body, "{}", table.to_markdown());
    }

    /// Records a figure under a name, for the findings.
    pub fn figure(&mut self, name: impl Into<String>, value: Duration) {
        self.figures.insert(name.into(), value);
    }

    /// Records a target with its measured figure.
    pub fn target(
        &mut self,
        target: impl Into<String>,
        measured: impl Into<String>,
        verdict: Verdict,
    ) {
        self.targets.push(Target {
            target: target.into(),
            measured: measured.into(),
            verdict,
        });
    }
}

/// A duration for people: `850 µs`, `12.3 ms`, `4.56 s`.
pub fn fmt_duration(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s >= 10.0 {
        format!("{s:.1} s")
    } else if s >= 1.0 {
        format!("{s:.2} s")
    } else if s >= 0.01 {
        format!("{:.1} ms", s * 1e3)
    } else if s >= 0.001 {
        format!("{:.2} ms", s * 1e3)
    } else {
        format!("{:.0} µs", s * 1e6)
    }
}

/// `a / b` as `1.23x`.
pub fn fmt_ratio(a: Duration, b: Duration) -> String {
    if b.is_zero() {
        return "n/a".into();
    }
    format!("{:.2}x", a.as_secs_f64() / b.as_secs_f64())
}

/// The median of some durations (the lower middle for an even count).
pub fn median(samples: &[Duration]) -> Duration {
    let mut sorted = samples.to_vec();
    sorted.sort();
    sorted
        .get(sorted.len().saturating_sub(1) / 2)
        .copied()
        .unwrap_or_default()
}

/// The whole report: header, every section, then the targets.
pub fn render(header: &str, sections: &[Section]) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "{}\n", header.trim_end());
    let mut summary = Table::new(["target", "measured", "verdict"]);
    for section in sections {
        for t in &section.targets {
            summary.row([
                t.target.clone(),
                t.measured.clone(),
                match t.verdict {
                    Verdict::Met => "met".to_string(),
                    Verdict::Missed => "**missed**".to_string(),
                    Verdict::NotMeasured => "not measured".to_string(),
                },
            ]);
        }
    }
    let _ = writeln!(s, "## Targets\n\n{}", summary.to_markdown());
    for section in sections {
        let _ = writeln!(s, "## {}\n\n{}", section.title, section.body.trim_end());
        let _ = writeln!(s);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_well() {
        assert_eq!(fmt_duration(Duration::from_micros(850)), "850 µs");
        assert_eq!(fmt_duration(Duration::from_micros(12_340)), "12.3 ms");
        assert_eq!(fmt_duration(Duration::from_millis(4_560)), "4.56 s");
        assert_eq!(
            fmt_ratio(Duration::from_secs(3), Duration::from_secs(2)),
            "1.50x"
        );
        let ms = Duration::from_millis;
        assert_eq!(median(&[ms(3), ms(1), ms(2)]), ms(2));
    }

    #[test]
    fn tables_are_markdown() {
        let mut t = Table::new(["a", "b"]);
        t.row(["x", "1"]);
        assert_eq!(t.to_markdown(), "| a | b |\n| --- | ---: |\n| x | 1 |\n");
    }
}
