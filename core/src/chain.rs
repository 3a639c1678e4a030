//! The revision chain: one line from the base to the head, or diagnostics
//! saying why not (`duplicate-revision`, `unknown-down-revision`,
//! `multiple-heads`, `multiple-bases`, `revision-cycle`).

use std::collections::HashMap;

use crate::diagnostic::{Diagnostic, Location, Rule};
use crate::migration::Migration;

/// The indexes of `migrations` from base to head, whatever order they were
/// listed in; or every chain problem found.
pub fn order(migrations: &[Migration]) -> Result<Vec<usize>, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let mut by_revision: HashMap<&str, usize> = HashMap::new();
    for (i, m) in migrations.iter().enumerate() {
        if let Some(&first) = by_revision.get(&*m.revision) {
            errors.push(Diagnostic::new(
                Rule::DuplicateRevision,
                Location::Revision(i),
                format!(
                    "revision `{}` is used twice: also by the migration \"{}\"",
                    m.revision, migrations[first].message
                ),
                "give each migration a unique revision, e.g. a timestamp of when it was written",
            ));
        } else {
            by_revision.insert(&m.revision, i);
        }
    }

    let mut bases = Vec::new();
    let mut child_of: HashMap<usize, usize> = HashMap::new();
    for (i, m) in migrations.iter().enumerate() {
        if by_revision.get(&*m.revision) != Some(&i) {
            continue; // a duplicate, reported above
        }
        match &m.down_revision {
            None => bases.push(i),
            Some(parent) => match by_revision.get(&**parent) {
                None => errors.push(Diagnostic::new(
                    Rule::UnknownDownRevision,
                    Location::DownRevision(i),
                    format!(
                        "down_revision `{parent}` is not the revision of any migration in the set"
                    ),
                    "list the parent migration in `migrations![..]`, or fix the revision it names",
                )),
                Some(&p) => {
                    if let Some(&other) = child_of.get(&p) {
                        errors.push(Diagnostic::new(
                            Rule::MultipleHeads,
                            Location::DownRevision(i),
                            format!(
                                "`{}` and `{}` both revise `{parent}`: the history has two heads",
                                migrations[other].revision, m.revision
                            ),
                            format!(
                                "put them in order: set this migration's down_revision to `{}`",
                                last_descendant(migrations, &child_of, other)
                            ),
                        ));
                    } else {
                        child_of.insert(p, i);
                    }
                }
            },
        }
    }

    for &extra in bases.iter().skip(1) {
        errors.push(Diagnostic::new(
            Rule::MultipleBases,
            Location::Migration(extra),
            format!(
                "`{}` has no down_revision, but `{}` is already the first migration",
                migrations[extra].revision, migrations[bases[0]].revision
            ),
            "every migration but the first must name the revision it follows in `down_revision`",
        ));
    }

    // Walk from the base; whatever is not reached is on a cycle (or hangs off one).
    let mut ordered = Vec::with_capacity(migrations.len());
    if let Some(&base) = bases.first() {
        let mut at = Some(base);
        while let Some(i) = at {
            ordered.push(i);
            at = child_of.get(&i).copied();
        }
    }
    if errors.is_empty() {
        let mut on_chain = vec![false; migrations.len()];
        for &i in &ordered {
            on_chain[i] = true;
        }
        if let Some(i) = (0..migrations.len()).find(|&i| !on_chain[i]) {
            errors.push(Diagnostic::new(
                Rule::RevisionCycle,
                Location::DownRevision(i),
                format!(
                    "`{}` is part of a revision cycle: following down_revision from it never reaches a first migration",
                    migrations[i].revision
                ),
                "one migration of the cycle must follow a revision outside it; the first migration has no down_revision",
            ));
        }
    }
    if errors.is_empty() {
        Ok(ordered)
    } else {
        Err(errors)
    }
}

fn last_descendant(
    migrations: &[Migration],
    child_of: &HashMap<usize, usize>,
    mut at: usize,
) -> String {
    let mut seen = 0;
    while let Some(&next) = child_of.get(&at) {
        at = next;
        seen += 1;
        if seen > migrations.len() {
            break; // a cycle; reported separately
        }
    }
    migrations[at].revision.to_string()
}
