//! The last section of the report: where godwit's time goes, put together
//! from figures the other sections measured in the same run.

use std::collections::BTreeMap;
use std::time::Duration;

use crate::history::Backend;
use crate::report::{fmt_duration, Section};

/// Writes "What costs the time" from every section's figures; `None` when
/// there is nothing to say (no section measured anything it could cite).
pub fn section(sections: &[Section]) -> Option<Section> {
    let mut f: BTreeMap<&str, Duration> = BTreeMap::new();
    for s in sections {
        for (k, v) in &s.figures {
            f.insert(k.as_str(), *v);
        }
    }
    let get = |k: &str| f.get(k).copied();
    let d = |k: &str| get(k).map_or_else(|| "?".to_string(), fmt_duration);
    let mut bullets = Vec::new();

    if let (Some(n), Some(g), Some(total)) = (
        get("compile.n"),
        get("compile.godwit.touched"),
        get("compile.total"),
    ) {
        let n = n.as_secs();
        let mut b = format!(
            "**Compile time.** After touching one migration of {n}, godwit's build takes {} \
             against diesel_migrations' {}. Of the {} rustc spends on the application crate, \
             macro expansion takes {} (rustc expands every macro again on every build of the \
             crate, whichever file changed), type-checking {} and code generation {} \
             (section 1 sets these beside the same crate built without the macros).",
            fmt_duration(g),
            d("compile.diesel.touched"),
            fmt_duration(total),
            d("compile.expand"),
            d("compile.typeck"),
            d("compile.codegen"),
        );
        let per: Vec<String> = f
            .iter()
            .filter_map(|(k, v)| {
                let size = k.strip_prefix("compile.per_migration.")?;
                Some((size.parse::<usize>().ok()?, *v))
            })
            .collect::<BTreeMap<usize, Duration>>()
            .iter()
            .map(|(size, v)| format!("{} at {size}", fmt_duration(*v)))
            .collect();
        if per.len() > 1 {
            b.push_str(&format!(
                " The macros' time per migration is {}: part of their work grows faster than \
                 the history.",
                per.join(", ")
            ));
        }
        if let Some(o) = get("compile.optimised.touched") {
            b.push_str(&format!(
                " With the proc macros compiled optimised (`[profile.dev.build-override] \
                 opt-level = 3` in the application's workspace) the same rebuild takes {}.",
                fmt_duration(o)
            ));
        }
        if let Some(c) = get(&format!("micro.check_history/{n} migrations")) {
            b.push_str(&format!(
                " `check_history` over {n} migrations takes {} optimised (section 5); in a \
                 debug build the proc macro runs unoptimised.",
                fmt_duration(c)
            ));
        }
        bullets.push(b);
    }

    let position = get("micro.MigrationSet/position of each of 1000 revisions");
    let mut startup = Vec::new();
    let mut smallest_share = f64::MAX;
    for b in Backend::ALL {
        let key = |what: &str| format!("startup.{}.{what}", b.key());
        if let (Some(g), Some(c), Some(fl)) = (
            get(&key("godwit")),
            get(&key("current")),
            get(&key("floor")),
        ) {
            smallest_share = smallest_share.min(c.as_secs_f64() / g.as_secs_f64().max(1e-12));
            startup.push(format!(
                "{}: `current` {}, the whole start-up {}, the floor's query {}",
                b.label(),
                fmt_duration(c),
                fmt_duration(g),
                fmt_duration(fl)
            ));
        }
    }
    if !startup.is_empty() {
        let lead = if smallest_share >= 0.8 {
            "Reading and checking the version table without the lock (`MIGRATIONS.current`) is \
             nearly all of godwit's start-up; the lock is not."
        } else {
            "Reading and checking the version table without the lock (`MIGRATIONS.current`) \
             against the whole start-up:"
        };
        let mut b = format!("**Start-up.** {lead} {}.", startup.join("; "));
        if let Some(p) = position {
            b.push_str(&format!(
                " In memory, finding each of the 1000 applied revisions in the set with \
                 `MigrationSet::position`, as the runner does for every row it reads, takes {} \
                 (section 5).",
                fmt_duration(p)
            ));
        }
        bullets.push(b);
    }

    let mut apply = Vec::new();
    for b in Backend::ALL {
        if let Some(o) = get(&format!("apply.{}.overhead", b.key())) {
            apply.push(format!("{} on {}", fmt_duration(o), b.label()));
        }
    }
    if !apply.is_empty() {
        let mut b = format!(
            "**Applying.** godwit spends {} per migration more than the floor.",
            apply.join(", ")
        );
        if let Some(s) = get("micro.MigrationSet/schema_at(k) for each k of 1000") {
            b.push_str(&format!(
                " Of that, in memory: the schema model before each migration (`schema_at(k)` \
                 for every k: {} for the history, {} a migration on average)",
                fmt_duration(s),
                fmt_duration(s / 1000)
            ));
            if let Some(r) = get("micro.Dialect::render/1250 ops of 1000 migrations, Postgres") {
                b.push_str(&format!(
                    " and rendering ({} a migration on average)",
                    fmt_duration(r / 1000)
                ));
            }
            b.push('.');
        }
        if let Some(c) = get("startup.sqlite.current") {
            b.push_str(&format!(
                " The runner also reads the version table back after each migration: at 1000 \
                 rows that read and its checks take {} on SQLite (section 2); the rest is \
                 round trips to the database.",
                fmt_duration(c)
            ));
        }
        bullets.push(b);
    }

    if bullets.is_empty() {
        return None;
    }
    let mut s = Section::new("What costs the time");
    s.para(
        "Where godwit's time goes, from the figures above (same run). Targets that are met need no \
         explanation; these are for the ones that are not.",
    );
    for b in bullets {
        s.para(format!("- {b}"));
    }
    Some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cites_only_what_was_measured() {
        assert!(section(&[]).is_none());
        let ms = Duration::from_millis;
        let mut runtime = Section::new("2");
        runtime.figure("startup.sqlite.godwit", ms(10));
        runtime.figure("startup.sqlite.current", ms(9));
        runtime.figure("startup.sqlite.floor", ms(1));
        let s = section(&[runtime]).expect("a start-up finding");
        assert!(s.body.contains("nearly all"), "{}", s.body);
        assert!(
            s.body
                .contains("SQLite: `current` 9.00 ms, the whole start-up 10.0 ms"),
            "{}",
            s.body
        );
        assert!(!s.body.contains("Compile time"), "{}", s.body);
    }
}
