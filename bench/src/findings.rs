//! The last section of the report: where godwit's time goes, put together
//! from figures the other sections measured in the same run.

use std::collections::BTreeMap;
use std::time::Duration;

use crate::history::Backend;
use crate::report::{fmt_duration, fmt_ratio, Section};

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
        let per_size: BTreeMap<usize, Duration> = f
            .iter()
            .filter_map(|(k, v)| {
                let size = k.strip_prefix("compile.per_migration.")?;
                Some((size.parse::<usize>().ok()?, *v))
            })
            .collect();
        let per: Vec<String> = per_size
            .iter()
            .map(|(size, v)| format!("{} at {size}", fmt_duration(*v)))
            .collect();
        if let (true, Some(first), Some(last)) = (
            per.len() > 1,
            per_size.values().next(),
            per_size.values().last(),
        ) {
            let growth = if last.as_secs_f64() > first.as_secs_f64() * 1.25 {
                "part of their work grows faster than the history"
            } else {
                "about flat: their work grows with the history"
            };
            b.push_str(&format!(
                " The macros' time per migration is {}: {growth}.",
                per.join(", ")
            ));
        }
        let plain = get("compile.plain.touched").zip(get("compile.diesel.touched"));
        if let Some((p, dt)) = plain {
            b.push_str(&format!(
                " The same crate without the macros (the {n} modules compiled as plain Rust \
                 against `godwit::dsl`, an empty set) rebuilds in {}, {} diesel_migrations' \
                 time: while each migration is a Rust module that rustc compiles and the \
                 binary links godwit's runtime, that much of the rebuild is the compiler's \
                 and the linker's, whatever the macros do (the targets above give the same \
                 ratio at each size).",
                fmt_duration(p),
                fmt_ratio(p, dt)
            ));
        }
        let recommended =
            get("compile.recommended.touched").zip(get("compile.recommended.diesel.touched"));
        if let Some((o, od)) = recommended {
            b.push_str(&format!(
                " Under the README's recommended profile (proc macros optimised, dependencies' \
                 debug info as line tables only) the same rebuild takes {}, against {} for \
                 diesel_migrations under the same profile ({}).",
                fmt_duration(o),
                fmt_duration(od),
                fmt_ratio(o, od)
            ));
        }
        if let Some(c) = get(&format!("micro.check_history/{n} migrations")) {
            b.push_str(&format!(
                " `check_history` over {n} migrations takes {} optimised (section 5); under \
                 the default debug profile the proc macro runs it unoptimised.",
                fmt_duration(c)
            ));
        }
        bullets.push(b);
    }

    if let (Some(n), Some(g), Some(dt)) = (
        get("compile.edit.n"),
        get("compile.edit.godwit"),
        get("compile.edit.diesel"),
    ) {
        if g > dt {
            bullets.push(format!(
                "**Editing application code.** With the migrations in a crate of their own, \
                 an edit of application code at {} migrations rebuilds godwit's application in \
                 {} against diesel_migrations' {}. godwit's migrations crate is not compiled \
                 again: of the {} rustc spends on the application crate, linking the binary \
                 (against godwit's runtime, its dependencies and the migrations crate) takes {}. \
                 diesel_migrations' application crate expands `embed_migrations!` again ({} of \
                 macro expansion) and links in {}.",
                n.as_secs(),
                fmt_duration(g),
                fmt_duration(dt),
                d("compile.edit.godwit.total"),
                d("compile.edit.godwit.link"),
                d("compile.edit.diesel.expand"),
                d("compile.edit.diesel.link"),
            ));
        }
        let recommended =
            get("compile.edit.recommended.godwit").zip(get("compile.edit.recommended.diesel"));
        if let (Some(b), Some((rg, rd))) = (bullets.last_mut().filter(|_| g > dt), recommended) {
            b.push_str(&format!(
                " Under the README's recommended profile (dependencies' debug info as line \
                 tables only) the same edit rebuilds godwit's application in {} against {} \
                 ({}), godwit's link taking {} and diesel_migrations' {}.",
                fmt_duration(rg),
                fmt_duration(rd),
                fmt_ratio(rg, rd),
                d("compile.edit.recommended.godwit.link"),
                d("compile.edit.recommended.diesel.link"),
            ));
        }
    }

    let mut startup = Vec::new();
    for b in Backend::ALL {
        let key = |what: &str| format!("startup.{}.{what}", b.key());
        if let (Some(g), Some(fl)) = (get(&key("godwit")), get(&key("floor"))) {
            startup.push(format!(
                "{}: {} against the floor's {}",
                b.label(),
                fmt_duration(g),
                fmt_duration(fl)
            ));
        }
    }
    if !startup.is_empty() {
        bullets.push(format!(
            "**Start-up.** godwit's start-up is one query, as the floor's is, without the \
             migration lock; the server joins each row's checksum and revision into one value \
             (on MySQL it also counts the rows in another state), where the floor reads each \
             row's revision, and godwit checks each line against the embedded set. {}.",
            startup.join("; ")
        ));
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
        if let Some(r) = get("micro.MigrationSet/sql(Postgres, base, head) of 1000") {
            b.push_str(&format!(
                " In memory, rendering the whole history with the schema model carried \
                 forward takes {} ({} a migration, section 5).",
                fmt_duration(r),
                fmt_duration(r / 1000)
            ));
        }
        b.push_str(
            " The rest is the database's: the version row godwit writes in each migration's \
             transaction (the floor writes none; diesel_migrations writes one too), sent with \
             the COMMIT; on PostgreSQL the BEGIN goes with the first op's statements; each \
             further op is a round trip of its own, where the floor sends a migration's statements as one \
             batch. On MySQL and MariaDB, whose DDL commits by itself, each op also records \
             that it is done, each a durable commit (the last one also claims the next \
             migration; the first migration of a run claims its own), so that a run that \
             stops says which op it stopped at.",
        );
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
        runtime.figure("startup.sqlite.floor", ms(1));
        let s = section(&[runtime]).expect("a start-up finding");
        assert!(
            s.body
                .contains("SQLite: 10.0 ms against the floor's 1.00 ms"),
            "{}",
            s.body
        );
        assert!(!s.body.contains("Compile time"), "{}", s.body);
        assert!(!s.body.contains("Editing application code"), "{}", s.body);

        let mut compile = Section::new("1");
        compile.figure("compile.edit.n", Duration::from_secs(300));
        compile.figure("compile.edit.godwit", ms(500));
        compile.figure("compile.edit.diesel", ms(250));
        compile.figure("compile.edit.godwit.link", ms(400));
        let s = section(&[compile]).expect("an editing finding");
        assert!(
            s.body
                .contains("at 300 migrations rebuilds godwit's application in 500.0 ms")
                && s.body.contains("takes 400.0 ms"),
            "{}",
            s.body
        );
    }
}
