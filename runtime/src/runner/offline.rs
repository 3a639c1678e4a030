//! The offline SQL: what `upgrade` (or `downgrade`) would run between two
//! targets, with the version-table statements, without a connection.

use godwit_core::Phase;

use super::plan::{count_after, transactional};
use super::statements::begin;
use super::version::{self, VersionState};
use super::{session, Options, Target};
use crate::dialect::Dialect;
use crate::{Error, MigrationSet};

impl MigrationSet {
    /// The SQL that `upgrade` (or `downgrade`, when `to` is before `from`)
    /// would run between two targets, with the version-table statements,
    /// without a connection. `Relative(n)` in `from` counts from the base;
    /// in `to`, from `from`.
    pub fn sql(&self, dialect: Dialect, from: Target<'_>, to: Target<'_>) -> Result<String, Error> {
        self.sql_with(dialect, from, to, &Options::default())
    }

    /// [`MigrationSet::sql`] for a run with these [`Options`] (PostgreSQL:
    /// its `lock_timeout`).
    pub fn sql_with(
        &self,
        dialect: Dialect,
        from: Target<'_>,
        to: Target<'_>,
        options: &Options,
    ) -> Result<String, Error> {
        let from = self.resolve(from, 0)?;
        let to = self.resolve(to, from)?;
        let plan = self.plan_between(from, to)?;
        let d = dialect;
        let mut out = format!(
            "-- godwit: {} from {} to {} ({d})\n\n",
            plan.phase.name(),
            self.revision_after(from).unwrap_or("base"),
            self.revision_after(to).unwrap_or("base"),
        );
        match d {
            Dialect::Sqlite => out.push_str("PRAGMA foreign_keys = OFF;\n\n"),
            Dialect::Postgres => out.push_str(&format!(
                "SET lock_timeout = '{}';\n\n",
                session::pg_interval(options.lock_timeout)
            )),
            Dialect::Mysql => {}
        }
        out.push_str(&version::create_table(d));
        out.push_str(";\n\n");
        let phase = plan.phase;
        let mut carried = None;
        let mut count = from;
        while let Some(k) = plan.next(count) {
            count = count_after(k, phase);
            let m = self.migrations()[k];
            let ops = self.render_step(d, k, phase, &mut carried)?;
            let transactional = transactional(d, m, phase);
            out.push_str(&format!(
                "-- {} {}: {}{}\n",
                phase.name(),
                m.revision,
                m.message,
                if transactional {
                    ""
                } else {
                    " (outside a transaction)"
                }
            ));
            if transactional {
                out.push_str(&format!("{};\n", begin(d)));
            }
            for op in &ops {
                out.push_str(&format!("-- {}\n", op.text));
                for s in &op.statements {
                    out.push_str(&format!("{s}\n"));
                }
            }
            let record = match phase {
                Phase::Upgrade => version::insert(d, m, k, VersionState::Applied, 0),
                Phase::Downgrade => version::delete(d, &m.revision),
            };
            out.push_str(&format!("{record};\n"));
            if transactional {
                out.push_str("COMMIT;\n");
            }
            out.push('\n');
        }
        if d == Dialect::Sqlite {
            out.push_str("PRAGMA foreign_keys = ON;\n");
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_the_lock_timeout_of_its_options() {
        let set = MigrationSet::__from_ordered(&[]);
        let sql = |options: &Options| {
            set.sql_with(Dialect::Postgres, Target::Base, Target::Head, options)
                .unwrap()
        };
        assert!(sql(&Options::default()).contains("SET lock_timeout = '5s';"));
        let options = Options {
            lock_timeout: std::time::Duration::from_millis(1500),
            ..Options::default()
        };
        assert!(sql(&options).contains("SET lock_timeout = '1500ms';"));
        assert_eq!(
            set.sql(Dialect::Postgres, Target::Base, Target::Head)
                .unwrap(),
            sql(&Options::default())
        );
    }
}
