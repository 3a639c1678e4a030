//! The start-up and applying sections of the report, from the runner's lines.

use std::time::Duration;

use super::{Options, RunnerLine, GODWIT_CURRENT};
use crate::history::Backend;
use crate::report::{fmt_duration, fmt_ratio, median, Section, Table, Verdict};

fn samples<'a>(
    lines: &'a [RunnerLine],
    bench: &str,
    backend: Backend,
    tool: &str,
) -> Option<&'a [Duration]> {
    lines.iter().find_map(|l| match l {
        RunnerLine::Samples {
            bench: b,
            backend: k,
            tool: t,
            samples,
        } if b == bench && *k == backend && t == tool && !samples.is_empty() => Some(&samples[..]),
        _ => None,
    })
}

fn skipped(lines: &[RunnerLine], backend: Backend) -> Option<&str> {
    lines.iter().find_map(|l| match l {
        RunnerLine::Skipped { backend: k, reason } if *k == backend => Some(reason.as_str()),
        _ => None,
    })
}

pub(super) fn startup_section(opts: &Options, lines: &[RunnerLine]) -> Section {
    let mut s = Section::new("2. Start-up with nothing to apply");
    s.para(format!(
        "The cost every deploy pays: the database already holds all {} migrations and the \
         application starts. godwit: `MIGRATIONS.upgrade(&mut conn, Target::Head)`: one read of \
         the version table, without the migration lock (the server joins the rows into one \
         value), every row checked against the embedded set (revision, checksum, state); \
         with something to do it would take the lock and read \
         again. diesel_migrations: `conn.run_pending_migrations(MIGRATIONS)` on its own database \
         migrated with the same SQL. The floor: one query of the version table \
         (`SELECT revision FROM godwit_version`, all rows read). Each on an open connection \
         (connecting costs the same for all three and is left out), rounds interleaved, median \
         of every round.",
        opts.n
    ));
    let mut t = Table::new([
        "backend",
        "godwit",
        "diesel_migrations",
        "floor",
        "godwit ÷ floor",
        "godwit ÷ diesel_migrations",
        "of godwit's: `current` (read and check, no lock)",
    ]);
    let mut worst_floor: Option<(Backend, f64, String)> = None;
    let mut slower_than_diesel = Vec::new();
    let mut measured = 0;
    for &backend in &opts.backends {
        if let Some(reason) = skipped(lines, backend) {
            t.note_row(backend.label(), format!("skipped: {reason}"));
            continue;
        }
        let m = |tool| samples(lines, "startup", backend, tool).map(median);
        let (Some(g), Some(d), Some(f)) = (m("godwit"), m("diesel_migrations"), m("floor")) else {
            t.note_row(backend.label(), "not measured");
            continue;
        };
        measured += 1;
        let rounds = samples(lines, "startup", backend, "godwit").map_or(0, <[Duration]>::len);
        t.row([
            format!("{} ({rounds} rounds)", backend.label()),
            fmt_duration(g),
            fmt_duration(d),
            fmt_duration(f),
            fmt_ratio(g, f),
            fmt_ratio(g, d),
            m(GODWIT_CURRENT).map_or_else(String::new, fmt_duration),
        ]);
        s.figure(format!("startup.{}.godwit", backend.key()), g);
        s.figure(format!("startup.{}.floor", backend.key()), f);
        if let Some(c) = m(GODWIT_CURRENT) {
            s.figure(format!("startup.{}.current", backend.key()), c);
        }
        let ratio = g.as_secs_f64() / f.as_secs_f64().max(1e-12);
        if worst_floor.as_ref().is_none_or(|(_, r, _)| ratio > *r) {
            worst_floor = Some((backend, ratio, fmt_ratio(g, f)));
        }
        if g >= d {
            slower_than_diesel.push(format!("{} ({})", backend.label(), fmt_ratio(g, d)));
        }
    }
    s.table(&t);
    if let Some((backend, ratio, text)) = worst_floor {
        s.target(
            "start-up within 1.5x of the floor",
            format!("{text} (worst backend: {})", backend.label()),
            if ratio <= 1.5 {
                Verdict::Met
            } else {
                Verdict::Missed
            },
        );
        s.target(
            "start-up faster than diesel_migrations",
            if slower_than_diesel.is_empty() {
                format!("faster on all {measured} backends measured")
            } else {
                format!("slower on {}", slower_than_diesel.join(", "))
            },
            if slower_than_diesel.is_empty() {
                Verdict::Met
            } else {
                Verdict::Missed
            },
        );
    }
    s
}

pub(super) fn apply_section(opts: &Options, lines: &[RunnerLine]) -> Section {
    let mut s = Section::new("3. Applying the whole history");
    s.para(format!(
        "{} small migrations from an empty database to the head, each contender on a fresh \
         database of its own, repetitions interleaved, median reported. godwit: \
         `MIGRATIONS.upgrade(&mut conn, Target::Head)`. diesel_migrations: \
         `run_pending_migrations` over the equivalent SQL files. The floor: the very statements \
         godwit renders for each migration (rendered before the clock starts), run with \
         `batch_execute` in one transaction per migration, with no version table. \
         godwit, command line: `upgrade` of the command line (`godwit::cli::run_with`, as an \
         application's binary calls it, with `--json`), in the runner's process: one run under \
         the migration lock, as the library's.",
        opts.n
    ));
    let mut t = Table::new([
        "backend",
        "godwit",
        "diesel_migrations",
        "floor",
        "godwit ÷ floor",
        "godwit ÷ diesel_migrations",
        "godwit's cost per migration over the floor",
        "godwit, command line",
        "command line ÷ godwit",
    ]);
    let mut worst: Option<(Backend, f64, String)> = None;
    let mut worst_cli: Option<(Backend, f64, String)> = None;
    for &backend in &opts.backends {
        if let Some(reason) = skipped(lines, backend) {
            t.note_row(backend.label(), format!("skipped: {reason}"));
            continue;
        }
        let m = |tool| samples(lines, "apply", backend, tool).map(median);
        let (Some(g), Some(d), Some(f)) = (m("godwit"), m("diesel_migrations"), m("floor")) else {
            t.note_row(backend.label(), "not measured");
            continue;
        };
        let reps = samples(lines, "apply", backend, "godwit").map_or(0, <[Duration]>::len);
        let cli = m("godwit_cli");
        t.row([
            format!("{} ({reps} runs)", backend.label()),
            fmt_duration(g),
            fmt_duration(d),
            fmt_duration(f),
            fmt_ratio(g, f),
            fmt_ratio(g, d),
            fmt_duration(g.saturating_sub(f) / opts.n.max(1) as u32),
            cli.map_or_else(|| "not measured".into(), fmt_duration),
            cli.map_or_else(String::new, |c| fmt_ratio(c, g)),
        ]);
        if let Some(c) = cli {
            let ratio = c.as_secs_f64() / g.as_secs_f64().max(1e-12);
            if worst_cli.as_ref().is_none_or(|(_, r, _)| ratio > *r) {
                worst_cli = Some((backend, ratio, fmt_ratio(c, g)));
            }
        }
        s.figure(
            format!("apply.{}.overhead", backend.key()),
            g.saturating_sub(f) / opts.n.max(1) as u32,
        );
        let ratio = g.as_secs_f64() / f.as_secs_f64().max(1e-12);
        if worst.as_ref().is_none_or(|(_, r, _)| ratio > *r) {
            worst = Some((backend, ratio, fmt_ratio(g, f)));
        }
    }
    s.table(&t);
    if let Some((backend, ratio, text)) = worst {
        s.target(
            format!("applying {} migrations within 1.1x of the floor", opts.n),
            format!("{text} (worst backend: {})", backend.label()),
            if ratio <= 1.1 {
                Verdict::Met
            } else {
                Verdict::Missed
            },
        );
    }
    if let Some((backend, ratio, text)) = worst_cli {
        s.target(
            format!(
                "the command line's upgrade of {} migrations within 1.2x of the library's",
                opts.n
            ),
            format!("{text} (worst backend: {})", backend.label()),
            if ratio <= 1.2 {
                Verdict::Met
            } else {
                Verdict::Missed
            },
        );
    }
    s
}
