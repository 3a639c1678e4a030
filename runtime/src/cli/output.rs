//! What the command line prints: text for people, or one JSON document per
//! command with `--json`.

use std::io::Write;
use std::sync::mpsc::{channel, RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use godwit_core::schema::{ConstraintKind, Index, Schema};
use godwit_core::{Action, IndexKey};
use serde_json::{json, Value};

use super::CliError;
use crate::runner::VersionState;
use crate::{ErrorParts, HistoryEntry, Phase, Step};

/// Where results go, and in which form.
pub(super) struct Out<W: Write> {
    w: W,
    json: bool,
}

impl<W: Write> Out<W> {
    pub(super) fn new(w: W, json: bool) -> Self {
        Out { w, json }
    }

    /// What was written (a fleet's target prints into a buffer).
    pub(super) fn into_inner(self) -> W {
        self.w
    }

    pub(super) fn is_json(&self) -> bool {
        self.json
    }

    // Output goes to a terminal or a pipe; a failed write (a closed pipe)
    // has nowhere to be reported, so it is ignored.
    fn write(&mut self, text: &str) {
        let _ = writeln!(self.w, "{text}");
        let _ = self.w.flush();
    }

    fn document(&mut self, value: &Value) {
        let text = serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string());
        self.write(&text);
    }

    /// Free text (SQL): printed as is, or as `{"text": ..}`.
    pub(super) fn text(&mut self, text: &str) {
        if self.json {
            self.document(&json!({ "text": text }));
        } else {
            let _ = write!(self.w, "{text}");
            let _ = self.w.flush();
        }
    }

    /// A one-line result and its JSON form.
    pub(super) fn line(&mut self, text: &str, value: Value) {
        if self.json {
            self.document(&value);
        } else {
            self.write(text);
        }
    }

    /// An error, each text passed through `scrub` (no secret is printed).
    /// With `--json`: its whole message under `error`, and its parts
    /// (revision, phase, op, statement, cause, state, next) each under its
    /// own key, `null` where the error has none.
    pub(super) fn error(&mut self, error: &CliError, scrub: impl Fn(&str) -> String) {
        let message = scrub(&error.to_string());
        if !self.json {
            eprintln!("error: {message}");
            return;
        }
        let parts = match error {
            CliError::Runtime(e) => e.parts(),
            CliError::Usage(_) | CliError::Io(_) => ErrorParts::default(),
        };
        self.document(&error_document(message, &parts, &scrub));
    }

    pub(super) fn progress_start(&self, phase: Phase, revision: &str, message: &str) {
        if !self.json {
            let verb = if phase == Phase::Upgrade {
                "upgrade"
            } else {
                "downgrade"
            };
            eprintln!("{verb} {revision}  {message} ...");
        }
    }

    pub(super) fn progress_done(&self, step: &Step) {
        if !self.json {
            let retries = if step.attempts > 1 {
                format!(" after {} attempts", step.attempts)
            } else {
                String::new()
            };
            let resumed = step
                .resumed_at
                .map(|op| format!(" (resumed at op {op}, where an earlier run stopped)"))
                .unwrap_or_default();
            eprintln!(
                "  done in {:.3} s{retries}{resumed}",
                step.duration.as_secs_f64()
            );
        }
    }

    pub(super) fn history(&mut self, history: &[HistoryEntry]) {
        if self.json {
            let rows: Vec<Value> = history
                .iter()
                .map(|h| {
                    json!({
                        "revision": h.revision,
                        "message": h.message,
                        "state": h.record.as_ref().map_or("pending", |r| r.state.as_str()),
                        "applied_at": h.record.as_ref().map(|r| &r.applied_at),
                        "execution_ms": h.record.as_ref().map(|r| r.execution_ms),
                        "failed_op": h.record.as_ref().and_then(|r| r.op_index),
                        "error": h.record.as_ref().and_then(|r| r.error.as_ref()),
                        "irreversible": h.irreversible,
                        "safety_assured": h.safety_reasons,
                        "known": h.known,
                    })
                })
                .collect();
            self.document(&json!({ "history": rows }));
            return;
        }
        let rows: Vec<(String, String)> = history
            .iter()
            .map(|h| match &h.record {
                None => ("pending".to_string(), String::new()),
                Some(r) => (
                    match r.op_index {
                        Some(i) if r.state != VersionState::Applied => {
                            format!("{} (op {})", r.state, i + 1)
                        }
                        _ => r.state.to_string(),
                    },
                    if r.state == VersionState::Applied {
                        format!("{} ({} ms)", r.applied_at, r.execution_ms)
                    } else {
                        r.applied_at.clone()
                    },
                ),
            })
            .collect();
        let width = history
            .iter()
            .map(|h| h.revision.len())
            .max()
            .unwrap_or(8)
            .max(8);
        let sw = rows.iter().map(|r| r.0.len()).max().unwrap_or(5).max(5);
        let aw = rows.iter().map(|r| r.1.len()).max().unwrap_or(10).max(10);
        self.write(&format!(
            "{:width$}  {:sw$}  {:aw$}  MESSAGE",
            "REVISION", "STATE", "APPLIED AT"
        ));
        for (h, (state, applied)) in history.iter().zip(rows) {
            let unknown = if h.known {
                ""
            } else {
                "  [not in this binary]"
            };
            self.write(&format!(
                "{:width$}  {state:sw$}  {applied:aw$}  {}{unknown}",
                h.revision, h.message
            ));
            if let Some(reason) = &h.irreversible {
                self.write(&format!("{:width$}  irreversible: {reason}", ""));
            }
            for reason in &h.safety_reasons {
                self.write(&format!("{:width$}  safety_assured: {reason}", ""));
            }
            if let Some(error) = h.record.as_ref().and_then(|r| r.error.as_ref()) {
                self.write(&format!("{:width$}  error: {error}", ""));
            }
        }
    }

    pub(super) fn schema(&mut self, schema: &Schema) {
        if self.json {
            let tables: Vec<Value> = schema
                .tables
                .iter()
                .map(|(name, t)| {
                    json!({
                        "name": name,
                        "columns": t.columns.iter().map(|c| json!({
                            "name": c.name,
                            "type": c.ty.to_string(),
                            "nullable": c.nullable,
                            "default": c.default.as_ref().map(ToString::to_string),
                            "autoincrement": c.autoincrement,
                        })).collect::<Vec<_>>(),
                        "indexes": t.indexes.iter().map(|(n, i)| json!({
                            "name": n,
                            "keys": i.keys.iter().map(key_text).collect::<Vec<_>>(),
                            "unique": i.unique,
                            "method": i.method.map(|m| m.name()),
                            "include": i.include,
                            "where": i.predicate,
                        })).collect::<Vec<_>>(),
                        "constraints": t.constraints.iter().map(|(n, c)| json!({
                            "name": n, "definition": constraint_text(&c.kind), "valid": c.valid,
                        })).collect::<Vec<_>>(),
                    })
                })
                .collect();
            self.document(&json!({ "tables": tables }));
            return;
        }
        if schema.tables.is_empty() {
            self.write("no tables");
        }
        for (name, t) in &schema.tables {
            self.write(&format!("Table \"{name}\""));
            let w = t
                .columns
                .iter()
                .map(|c| c.name.len())
                .max()
                .unwrap_or(6)
                .max(6);
            let rows: Vec<(String, String, String, String)> = t
                .columns
                .iter()
                .map(|c| {
                    (
                        c.name.clone(),
                        c.ty.to_string(),
                        if c.nullable {
                            String::new()
                        } else {
                            "not null".into()
                        },
                        match (&c.default, c.autoincrement) {
                            (Some(d), _) => d.to_string(),
                            (None, true) => "autoincrement".into(),
                            (None, false) => String::new(),
                        },
                    )
                })
                .collect();
            let tw = rows.iter().map(|r| r.1.len()).max().unwrap_or(4).max(4);
            self.write(&format!(
                "  {:w$} | {:tw$} | {:8} | Default",
                "Column", "Type", "Nullable"
            ));
            for (n, ty, null, d) in rows {
                self.write(format!("  {n:w$} | {ty:tw$} | {null:8} | {d}").trim_end());
            }
            if !t.indexes.is_empty() {
                self.write("Indexes:");
                for (n, i) in &t.indexes {
                    self.write(&format!("  \"{n}\"{}", index_text(i)));
                }
            }
            if !t.constraints.is_empty() {
                self.write("Constraints:");
                for (n, c) in &t.constraints {
                    let valid = if c.valid { "" } else { " NOT VALID" };
                    self.write(&format!("  \"{n}\" {}{valid}", constraint_text(&c.kind)));
                }
            }
            self.write("");
        }
    }
}

/// One key of an index as `schema` prints it: `email`, `created_at DESC
/// NULLS LAST`, `(lower(email)) text_pattern_ops`.
fn key_text(k: &IndexKey) -> String {
    crate::dialect::key_text(k, str::to_string)
}

/// An index after its name: ` UNIQUE USING gin (a, b) INCLUDE (c) WHERE p`.
fn index_text(i: &Index) -> String {
    let mut out = String::new();
    if i.unique {
        out.push_str(" UNIQUE");
    }
    if let Some(m) = i.method {
        out.push_str(&format!(" USING {}", m.name()));
    }
    let keys: Vec<String> = i.keys.iter().map(key_text).collect();
    out.push_str(&format!(" ({})", keys.join(", ")));
    if !i.include.is_empty() {
        out.push_str(&format!(" INCLUDE ({})", i.include.join(", ")));
    }
    if let Some(p) = &i.predicate {
        out.push_str(&format!(" WHERE {p}"));
    }
    out
}

fn constraint_text(kind: &ConstraintKind) -> String {
    match kind {
        ConstraintKind::PrimaryKey { columns } => format!("PRIMARY KEY ({})", columns.join(", ")),
        ConstraintKind::Unique { columns } => format!("UNIQUE ({})", columns.join(", ")),
        ConstraintKind::ForeignKey {
            columns,
            ref_table,
            ref_columns,
            on_delete,
            on_update,
            deferrable,
        } => {
            let mut out = format!(
                "FOREIGN KEY ({}) REFERENCES {ref_table}({}) ON DELETE {on_delete:?}",
                columns.join(", "),
                ref_columns.join(", ")
            );
            if *on_update != Action::NoAction {
                out.push_str(&format!(" ON UPDATE {on_update:?}"));
            }
            out.push_str(crate::dialect::deferrable(*deferrable));
            out
        }
        ConstraintKind::Check { expr } => format!("CHECK ({expr})"),
    }
}

/// Prints "still running" with the elapsed time every few seconds while a
/// long migration runs, so an operator knows it is not stuck.
pub(super) struct Ticker {
    stop: Option<Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

/// How often the progress line is printed.
const TICK: Duration = Duration::from_secs(5);

impl Ticker {
    pub(super) fn start(revision: &str, quiet: bool) -> Ticker {
        if quiet {
            return Ticker {
                stop: None,
                thread: None,
            };
        }
        let (tx, rx) = channel::<()>();
        let revision = revision.to_string();
        let started = Instant::now();
        let thread = std::thread::spawn(move || loop {
            match rx.recv_timeout(TICK) {
                Err(RecvTimeoutError::Timeout) => {
                    eprintln!(
                        "  {revision} still running: {} s elapsed",
                        started.elapsed().as_secs()
                    );
                }
                _ => return,
            }
        });
        Ticker {
            stop: Some(tx),
            thread: Some(thread),
        }
    }

    pub(super) fn stop(mut self) {
        drop(self.stop.take());
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// An error as `--json` prints it: the whole message under `error`, and
/// each part under its own key (`null` where the error has none), each
/// passed through `scrub`.
pub(super) fn error_document(
    message: String,
    parts: &ErrorParts,
    scrub: &dyn Fn(&str) -> String,
) -> Value {
    let text = |part: Option<&str>| part.map(scrub);
    json!({
        "error": message,
        "revision": text(parts.revision),
        "phase": text(parts.phase),
        "op": text(parts.op),
        "statement": text(parts.statement),
        "cause": text(parts.cause.as_deref()),
        "state": text(parts.state.as_deref()),
        "next": text(parts.next.as_deref()),
    })
}
