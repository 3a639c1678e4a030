//! The generated history every benchmark runs: `n` small, additive
//! migrations, written once as godwit modules and once as the equivalent SQL
//! for each backend (what a diesel_migrations or sqlx user would write).
//!
//! Migrations cycle through four kinds on table `t_{i / 4}`: create the
//! table with an index, add a nullable column, add a NOT NULL column with a
//! default, add a column with a default. Every kind passes godwit's rules and
//! runs in one transaction, so the three tools do the same work.

use std::borrow::Cow;
use std::fmt::Write as _;

use godwit::dsl::*;
use godwit_core::{checksum, Migration, Op};

/// A SQL backend the equivalent SQL is written for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// SQLite 3.
    Sqlite,
    /// PostgreSQL.
    Postgres,
    /// MySQL / MariaDB.
    Mysql,
}

impl Backend {
    /// Every backend, in report order.
    pub const ALL: [Backend; 3] = [Backend::Sqlite, Backend::Postgres, Backend::Mysql];
}

/// One migration of the history.
#[derive(Clone, Debug)]
pub struct Step {
    /// Position in the chain, from 0.
    pub index: usize,
    /// The godwit revision, also the diesel and sqlx version: 14 digits.
    pub version: String,
    /// The revision it follows.
    pub down_version: Option<String>,
    /// Name of the godwit module and suffix of the peers' file names.
    pub name: String,
    /// The `message` of the migration.
    pub message: String,
    /// Statements of `fn upgrade`, as DSL calls.
    pub dsl_up: Vec<String>,
    /// Statements of `fn downgrade`, as DSL calls.
    pub dsl_down: Vec<String>,
}

/// The version string of the i-th migration.
pub fn version(i: usize) -> String {
    format!("20250101{i:06}")
}

/// The `n`-migration history.
pub fn history(n: usize) -> Vec<Step> {
    (0..n).map(step).collect()
}

fn step(i: usize) -> Step {
    let t = format!("t_{}", i / 4);
    let (name, message, up, down) = match i % 4 {
        0 => (
            format!("create_{t}"),
            format!("create the {t} table with a name index"),
            vec![
                format!(
                    "op.create_table(\"{t}\", [column(\"id\", BigInt).primary_key(), column(\"name\", Varchar(100)).not_null()]);"
                ),
                format!("op.create_index(\"idx_{t}_name\", \"{t}\", [\"name\"]);"),
            ],
            vec![
                format!("op.drop_index(\"idx_{t}_name\", \"{t}\");"),
                format!("op.drop_table(\"{t}\");"),
            ],
        ),
        1 => (
            format!("add_{t}_note"),
            format!("add the nullable {t}.note column"),
            vec![format!("op.add_column(\"{t}\", column(\"note\", Text));")],
            vec![format!("op.drop_column(\"{t}\", \"note\");")],
        ),
        2 => (
            format!("add_{t}_status"),
            format!("add {t}.status with a default"),
            vec![format!(
                "op.add_column(\"{t}\", column(\"status\", Varchar(20)).not_null().server_default(\"new\"));"
            )],
            vec![format!("op.drop_column(\"{t}\", \"status\");")],
        ),
        _ => (
            format!("add_{t}_score"),
            format!("add {t}.score with a default"),
            vec![format!(
                "op.add_column(\"{t}\", column(\"score\", Integer).server_default(0));"
            )],
            vec![format!("op.drop_column(\"{t}\", \"score\");")],
        ),
    };
    Step {
        index: i,
        version: version(i),
        down_version: i.checked_sub(1).map(version),
        name,
        message,
        dsl_up: up,
        dsl_down: down,
    }
}

impl Step {
    /// The table this migration works on.
    fn table(&self) -> String {
        format!("t_{}", self.index / 4)
    }

    /// The godwit module file: `#[migration] pub mod name { .. }`.
    /// Without `attribute`, the same module with no `#[migration]`: the
    /// control build that tells the macros' own cost.
    pub fn godwit_source(&self, attribute: bool) -> String {
        let mut s = String::new();
        if attribute {
            let down = match &self.down_version {
                Some(d) => format!("    down_revision = \"{d}\",\n"),
                None => String::new(),
            };
            let _ = write!(
                s,
                "#[godwit::migration(\n    revision = \"{}\",\n{down}    message = \"{}\",\n)]\n",
                self.version, self.message
            );
        }
        let _ = writeln!(s, "pub mod {} {{", self.name);
        let _ = writeln!(s, "    use godwit::dsl::*;\n");
        let _ = writeln!(s, "    pub fn upgrade(op: &mut Ops) {{");
        for line in &self.dsl_up {
            let _ = writeln!(s, "        {line}");
        }
        let _ = writeln!(s, "    }}\n");
        let _ = writeln!(s, "    pub fn downgrade(op: &mut Ops) {{");
        for line in &self.dsl_down {
            let _ = writeln!(s, "        {line}");
        }
        let _ = writeln!(s, "    }}");
        let _ = writeln!(s, "}}");
        s
    }

    /// The migration as `#[migration]` would describe it, built in memory
    /// through the same DSL calls (for the micro-benchmarks).
    pub fn migration(&self) -> Migration {
        // The DSL takes `&'static str`, as literals in a migration body are.
        let t: &'static str = Box::leak(self.table().into_boxed_str());
        let mut up = Ops::new();
        let mut down = Ops::new();
        match self.index % 4 {
            0 => {
                let idx: &'static str = Box::leak(format!("idx_{t}_name").into_boxed_str());
                up.create_table(
                    t,
                    [
                        column("id", BigInt).primary_key(),
                        column("name", Varchar(100)).not_null(),
                    ],
                );
                up.create_index(idx, t, ["name"]);
                down.drop_index(idx, t);
                down.drop_table(t);
            }
            1 => {
                up.add_column(t, column("note", Text));
                down.drop_column(t, "note");
            }
            2 => {
                up.add_column(
                    t,
                    column("status", Varchar(20))
                        .not_null()
                        .server_default("new"),
                );
                down.drop_column(t, "status");
            }
            _ => {
                up.add_column(t, column("score", Integer).server_default(0));
                down.drop_column(t, "score");
            }
        }
        let (upgrade, downgrade): (Vec<Op>, Vec<Op>) = (up.into_ops(), down.into_ops());
        Migration {
            revision: Cow::Owned(self.version.clone()),
            down_revision: self.down_version.clone().map(Cow::Owned),
            message: Cow::Owned(self.message.clone()),
            irreversible: None,
            allow: Cow::Borrowed(&[]),
            imported: None,
            transaction: true,
            checksum: Cow::Owned(checksum(&upgrade, &downgrade, None)),
            upgrade: Cow::Owned(upgrade),
            downgrade: Cow::Owned(downgrade),
        }
    }

    /// The godwit module's file stem: `m{version}_{name}`.
    pub fn file_stem(&self) -> String {
        format!("m{}_{}", self.version, self.name)
    }

    /// The upgrade as SQL statements, as a peer's user would write it (the
    /// same text on every backend).
    pub fn up_sql(&self) -> Vec<String> {
        let t = self.table();
        match self.index % 4 {
            0 => vec![
                format!(
                    "CREATE TABLE {t} (id BIGINT NOT NULL PRIMARY KEY, name VARCHAR(100) NOT NULL)"
                ),
                format!("CREATE INDEX idx_{t}_name ON {t} (name)"),
            ],
            1 => vec![format!("ALTER TABLE {t} ADD COLUMN note TEXT")],
            2 => vec![format!(
                "ALTER TABLE {t} ADD COLUMN status VARCHAR(20) NOT NULL DEFAULT 'new'"
            )],
            _ => vec![format!(
                "ALTER TABLE {t} ADD COLUMN score INTEGER DEFAULT 0"
            )],
        }
    }

    /// The downgrade as SQL statements for `backend`.
    pub fn down_sql(&self, backend: Backend) -> Vec<String> {
        let t = self.table();
        match self.index % 4 {
            0 => vec![
                match backend {
                    Backend::Mysql => format!("DROP INDEX idx_{t}_name ON {t}"),
                    _ => format!("DROP INDEX idx_{t}_name"),
                },
                format!("DROP TABLE {t}"),
            ],
            1 => vec![format!("ALTER TABLE {t} DROP COLUMN note")],
            2 => vec![format!("ALTER TABLE {t} DROP COLUMN status")],
            _ => vec![format!("ALTER TABLE {t} DROP COLUMN score")],
        }
    }

    /// A SQL file's text: the statements, each ended by `;`.
    pub fn sql_file(statements: &[String]) -> String {
        statements.iter().map(|s| format!("{s};\n")).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chain_links_each_step_to_the_previous() {
        let h = history(9);
        assert_eq!(h[0].down_version, None);
        for w in h.windows(2) {
            assert_eq!(w[1].down_version.as_deref(), Some(w[0].version.as_str()));
        }
        assert!(h[8].godwit_source(true).contains("create_table(\"t_2\""));
        assert!(!h[8].godwit_source(false).contains("#[godwit::migration"));
    }

    #[test]
    fn the_source_and_the_in_memory_migration_agree() {
        // The canonical text of an op is the DSL call that builds it.
        for step in history(8) {
            let m = step.migration();
            let up: Vec<String> = m.upgrade.iter().map(|op| format!("{op};")).collect();
            let down: Vec<String> = m.downgrade.iter().map(|op| format!("{op};")).collect();
            assert_eq!(up, step.dsl_up);
            assert_eq!(down, step.dsl_down);
        }
    }

    #[test]
    fn the_history_passes_every_rule() {
        let migrations: Vec<Migration> = history(40).iter().map(Step::migration).collect();
        let order = godwit_core::chain::order(&migrations).expect("one chain");
        let diagnostics = godwit_core::check_history(&migrations, &order);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
    }
}
