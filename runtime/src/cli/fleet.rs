//! `fleet upgrade|check|current|history --targets FILE`: one command, many
//! databases. `upgrade` is [`crate::fleet::Fleet`] (canary, failure budget);
//! the read-only commands run the single-database command on each target,
//! as many at once as `--parallel` says, each into its own buffer so that
//! targets never interleave. Every target's text is scrubbed of its own
//! password.

use std::io::{Read, Write};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use serde_json::{json, Value};

use super::args::{parse_target, Cli, FleetAction};
use super::output::Out;
use super::{commands, dialect_of, scrub, CliError, Context};
use crate::database::redact;
use crate::fleet::{Fleet, Outcome, TargetReport};
use crate::{Error, Target};

/// How many targets at once, and when to stop starting new ones.
pub(super) struct Limits {
    pub(super) parallel: usize,
    pub(super) canary: usize,
    pub(super) max_failures: Option<usize>,
}

/// `fleet ACTION --targets FILE`.
pub(super) fn run<W: Write>(
    cx: &mut Context<'_, W>,
    action: FleetAction,
    file: &Path,
    limits: Limits,
    to: Option<&str>,
) -> Result<u8, CliError> {
    if limits.parallel == 0 {
        return Err(CliError::Usage("--parallel must be at least 1".into()));
    }
    if action != FleetAction::Upgrade {
        let only_upgrade = [
            ("--canary", limits.canary > 0),
            ("--max-failures", limits.max_failures.is_some()),
            ("--to", to.is_some()),
        ];
        if let Some((flag, _)) = only_upgrade.iter().find(|(_, given)| *given) {
            return Err(CliError::Usage(format!(
                "{flag} applies to `fleet upgrade` only"
            )));
        }
    }
    let urls = read_targets(file)?;
    match action {
        FleetAction::Upgrade => upgrade(cx, &urls, &limits, to),
        _ => read_only(cx, action, &urls, limits.parallel),
    }
}

/// The URLs of a targets file (`-`: standard input), every line checked
/// before anything runs.
fn read_targets(file: &Path) -> Result<Vec<String>, CliError> {
    let (name, text) = if file.as_os_str() == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| CliError::Io(format!("reading the targets from standard input: {e}")))?;
        ("standard input".to_string(), text)
    } else {
        let text = std::fs::read_to_string(file)
            .map_err(|e| CliError::Io(format!("reading {}: {e}", file.display())))?;
        (file.display().to_string(), text)
    };
    parse_targets(&name, &text)
}

/// One URL a line; blank lines and `#` comments skipped.
fn parse_targets(name: &str, text: &str) -> Result<Vec<String>, CliError> {
    let mut urls = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let bad = |why: String| CliError::Usage(format!("{name} line {}: {why}", i + 1));
        if !line.contains("://") || line.chars().any(char::is_whitespace) {
            return Err(bad(format!(
                "`{}` is not a database URL (sqlite://FILE, postgres://.., mysql://..)",
                redact(line)
            )));
        }
        dialect_of(line).map_err(|e| bad(e.to_string()))?;
        urls.push(line.to_string());
    }
    if urls.is_empty() {
        return Err(CliError::Usage(format!("{name} lists no targets")));
    }
    Ok(urls)
}

/// A target's error as JSON: the message and its parts, as a single
/// database's `--json` error has them, scrubbed of the target's password.
fn error_value(e: &Error, url: &str) -> Value {
    let s = |text: &str| scrub::scrub(text, Some(url));
    super::output::error_document(s(&e.to_string()), &e.parts(), &s)
}

/// Every line after the first indented, so a multi-line error stays under
/// its target.
fn indent(text: &str) -> String {
    text.lines().collect::<Vec<_>>().join("\n    ")
}

/// `fleet upgrade`: a line per target on standard error as it finishes,
/// then the summary (or the whole report, with `--json`).
fn upgrade<W: Write>(
    cx: &mut Context<'_, W>,
    urls: &[String],
    limits: &Limits,
    to: Option<&str>,
) -> Result<u8, CliError> {
    let target = to.map(parse_target).transpose()?.unwrap_or(Target::Head);
    let mut fleet = Fleet::new(cx.set)
        .to(target)
        .parallelism(limits.parallel)
        .canary(limits.canary)
        .options(cx.options());
    if let Some(m) = limits.max_failures {
        fleet = fleet.failure_budget(m);
    }
    let (total, finished, json) = (urls.len(), AtomicUsize::new(0), cx.out.is_json());
    let report = fleet.upgrade_with_progress(urls, &|t| {
        let n = finished.fetch_add(1, Ordering::SeqCst) + 1;
        if !json {
            eprintln!("[{n}/{total}] {}", target_line(t, &urls[t.index]));
        }
    });
    let goal = to.unwrap_or("head");
    let (reached, failed, not_started) = (
        report.reached().count(),
        report.failed().count(),
        report.not_started().count(),
    );
    let summary = format!("{reached} at {goal}, {failed} failed, {not_started} not started");
    let ok = report.all_reached();
    if json {
        let targets: Vec<Value> = report
            .targets
            .iter()
            .map(|t| target_value(t, &urls[t.index]))
            .collect();
        cx.out.line(
            "",
            json!({
                "command": "upgrade",
                "to": goal,
                "ok": ok,
                "targets": targets,
                "summary": summary,
                "reached": reached,
                "failed": failed,
                "not_started": not_started,
            }),
        );
    } else {
        for t in report.not_started() {
            eprintln!("{}: {}", t.url, t.outcome);
        }
        cx.out.line(&summary, Value::Null);
    }
    Ok(if ok { 0 } else { 2 })
}

/// One finished target, in a line (its error on the lines after).
fn target_line(t: &TargetReport, url: &str) -> String {
    let secs = t.elapsed.as_secs_f64();
    match &t.outcome {
        Outcome::Reached if t.applied.is_empty() => {
            format!("{}: at {}, nothing to do ({secs:.2} s)", t.url, t.after)
        }
        Outcome::Reached => format!(
            "{}: {} -> {}, {} applied ({secs:.2} s)",
            t.url,
            t.before,
            t.after,
            t.applied.len()
        ),
        Outcome::Failed(e) => format!(
            "{}: FAILED at {} (was {}, {} applied, {secs:.2} s): {}",
            t.url,
            t.after,
            t.before,
            t.applied.len(),
            indent(&scrub::scrub(&e.to_string(), Some(url)))
        ),
        Outcome::NotStarted(_) => format!("{}: {}", t.url, t.outcome),
    }
}

/// One target's report as JSON.
fn target_value(t: &TargetReport, url: &str) -> Value {
    let (outcome, error) = match &t.outcome {
        Outcome::Reached => ("reached".to_string(), Value::Null),
        Outcome::Failed(e) => ("failed".to_string(), error_value(e, url)),
        Outcome::NotStarted(_) => (t.outcome.to_string(), Value::Null),
    };
    json!({
        "url": t.url,
        "outcome": outcome,
        "before": t.before.to_string(),
        "after": t.after.to_string(),
        "applied": t.applied.iter().map(|s| s.revision).collect::<Vec<_>>(),
        "elapsed_s": t.elapsed.as_secs_f64(),
        "error": error,
    })
}

/// What one target of a read-only command printed, and its exit code.
struct Finished {
    code: u8,
    output: Vec<u8>,
    error: Option<CliError>,
}

/// `fleet check|current|history`: the single-database command on every
/// target, `parallel` at a time; each target's output printed whole as it
/// finishes (with `--json`: one document of them all, in file order).
fn read_only<W: Write>(
    cx: &mut Context<'_, W>,
    action: FleetAction,
    urls: &[String],
    parallel: usize,
) -> Result<u8, CliError> {
    let json = cx.out.is_json();
    let slots: Vec<Mutex<Option<Finished>>> = urls.iter().map(|_| Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);
    let (set, base, program) = (cx.set, cx.cli, cx.program);
    let one = |url: &String| {
        let mut cli: Cli = base.clone();
        cli.database_url = Some(url.clone());
        let mut sub = Context {
            set,
            cli: &cli,
            program,
            out: Out::new(Vec::new(), json),
        };
        let result = match action {
            FleetAction::Check => commands::check(&mut sub),
            FleetAction::Current => commands::current(&mut sub),
            _ => commands::history(&mut sub),
        };
        let output = sub.out.into_inner();
        match result {
            Ok(code) => Finished {
                code,
                output,
                error: None,
            },
            Err(e) => Finished {
                code: 2,
                output,
                error: Some(e),
            },
        }
    };
    // The main thread holds standard output: the workers send it each
    // target's text, printed whole as it arrives.
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    std::thread::scope(|scope| {
        for _ in 0..parallel.min(urls.len()) {
            let tx = tx.clone();
            let (next, slots, one) = (&next, &slots, &one);
            scope.spawn(move || loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                let Some(url) = urls.get(i) else { break };
                let done = one(url);
                let text = match &done.error {
                    Some(e) => format!("error: {}", scrub::scrub(&e.to_string(), Some(url))),
                    None => String::from_utf8_lossy(&done.output).trim_end().to_string(),
                };
                let _ = tx.send(format!("{}: {}", redact(url), indent(&text)));
                *slots[i].lock().unwrap_or_else(|e| e.into_inner()) = Some(done);
            });
        }
        drop(tx);
        for text in rx {
            if !json {
                cx.out.line(&text, Value::Null);
            }
        }
    });
    let done: Vec<Finished> = slots
        .into_iter()
        .map(|s| {
            s.into_inner()
                .unwrap_or_else(|e| e.into_inner())
                .unwrap_or(Finished {
                    code: 2,
                    output: Vec::new(),
                    error: Some(CliError::Io("the target was not run".into())),
                })
        })
        .collect();
    let failed = done.iter().filter(|d| d.error.is_some()).count();
    let behind = done
        .iter()
        .filter(|d| d.error.is_none() && d.code != 0)
        .count();
    let fine = done.len() - failed - behind;
    let summary = if action == FleetAction::Check {
        format!("{fine} at head, {behind} not at head, {failed} failed")
    } else {
        format!("{fine} read, {failed} failed")
    };
    let code = if failed > 0 {
        2
    } else if behind > 0 {
        1
    } else {
        0
    };
    if json {
        let targets: Vec<Value> = done
            .iter()
            .zip(urls)
            .map(|(d, url)| {
                let result = serde_json::from_slice::<Value>(&d.output).unwrap_or(Value::Null);
                let error = match &d.error {
                    Some(CliError::Runtime(e)) => error_value(e, url),
                    Some(e) => json!({ "error": scrub::scrub(&e.to_string(), Some(url)) }),
                    None => Value::Null,
                };
                json!({ "url": redact(url), "exit": d.code, "result": result, "error": error })
            })
            .collect();
        let name = match action {
            FleetAction::Check => "check",
            FleetAction::Current => "current",
            _ => "history",
        };
        cx.out.line(
            "",
            json!({
                "command": name,
                "ok": code == 0,
                "targets": targets,
                "summary": summary,
                "failed": failed,
                "not_at_head": behind,
            }),
        );
    } else {
        cx.out.line(&summary, Value::Null);
    }
    Ok(code)
}

#[cfg(test)]
mod tests {
    use super::parse_targets;

    #[test]
    fn comments_and_blank_lines_are_skipped_and_bad_lines_named() {
        let text = "# tenants\n\nsqlite://a.db\n  postgres://u:pw@h/db?schema=t1  \n";
        let urls = parse_targets("t.txt", text).unwrap();
        assert_eq!(urls, ["sqlite://a.db", "postgres://u:pw@h/db?schema=t1"]);
        let e = parse_targets("t.txt", "sqlite://a.db\nnot a url\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "t.txt line 2: `not a url` is not a database URL (sqlite://FILE, postgres://.., mysql://..)"
        );
        let e = parse_targets("t.txt", "\n\nredis://u:secret@h/0\n").unwrap_err();
        assert!(e.to_string().starts_with("t.txt line 3: "), "{e}");
        assert!(!e.to_string().contains("secret"), "{e}");
        let e = parse_targets("t.txt", "# nothing\n").unwrap_err();
        assert_eq!(e.to_string(), "t.txt lists no targets");
    }
}
