//! The name a check constraint declared without one gets, as the server
//! gives it: a later `DROP CONSTRAINT` names it so.

use std::collections::BTreeSet;

use super::names::{clip, PG_NAME_BYTES};
use crate::schema::Schema;
use crate::sql_text::{self, Syntax};

/// Names the unnamed checks of one statement on one table, in the order
/// they are declared.
pub(super) struct CheckNamer {
    syntax: Syntax,
    table: String,
    /// The table's columns, those the statement adds included.
    columns: Vec<String>,
    /// Constraint names in use where a new name must not clash: on
    /// PostgreSQL every constraint of the schema (names are per schema),
    /// on MySQL the table's.
    taken: BTreeSet<String>,
}

impl CheckNamer {
    /// A namer for a statement on `table`, whose columns are `columns`
    /// (known so far), on `schema` as it stands before the statement;
    /// `dropped` are the constraints of the table the statement drops
    /// (PostgreSQL drops them before it adds any).
    pub(super) fn new(
        syntax: Syntax,
        schema: &Schema,
        table: &str,
        columns: Vec<String>,
        dropped: &[String],
    ) -> Self {
        let taken = schema
            .tables
            .iter()
            .filter(|(t, _)| syntax == Syntax::Postgres || *t == table)
            .flat_map(|(t, tb)| {
                tb.constraints
                    .keys()
                    .filter(move |c| t != table || !dropped.contains(c))
                    .cloned()
            })
            .collect();
        CheckNamer {
            syntax,
            table: table.to_string(),
            columns,
            taken,
        }
    }

    /// A column the statement adds.
    pub(super) fn add_column(&mut self, name: &str) {
        self.columns.push(name.to_string());
    }

    /// A constraint the statement names itself: later names avoid it.
    pub(super) fn record(&mut self, name: &str) {
        self.taken.insert(name.to_string());
    }

    /// The name the server gives the next unnamed check, of `expr`.
    pub(super) fn name(&mut self, expr: &str) -> String {
        let name = match self.syntax {
            Syntax::Mysql => self.mysql_name(),
            _ => self.postgres_name(expr),
        };
        self.taken.insert(name.clone());
        name
    }

    /// PostgreSQL's: `<table>_<column>_check` when the expression names
    /// exactly one distinct column, else `<table>_check`; on a clash the
    /// label is numbered (`check1`, `check2`, ..); the parts cut so that
    /// the whole fits in 63 bytes (`makeObjectName`).
    fn postgres_name(&self, expr: &str) -> String {
        let used = referenced_columns(expr, &self.columns);
        let column = match &used[..] {
            [one] => Some(one.as_str()),
            _ => None,
        };
        (0..)
            .map(|n| match n {
                0 => object_name(&self.table, column, "check"),
                n => object_name(&self.table, column, &format!("check{n}")),
            })
            .find(|n| !self.taken.contains(n))
            .expect("some number is free")
    }

    /// MySQL's: `<table>_chk_<n>`, numbered after the highest such name
    /// of the table.
    fn mysql_name(&self) -> String {
        let prefix = format!("{}_chk_", self.table);
        let highest = self
            .taken
            .iter()
            .filter_map(|c| c.strip_prefix(&prefix)?.parse::<u32>().ok())
            .max()
            .unwrap_or(0);
        format!("{prefix}{}", highest + 1)
    }
}

/// The distinct columns of `columns` that `expr` names, in the order it
/// first names them (a word before `(` is a function, not a column).
fn referenced_columns(expr: &str, columns: &[String]) -> Vec<String> {
    let tokens: Vec<_> = sql_text::tokens(expr, Syntax::Postgres)
        .filter(|t| !t.is_trivia())
        .collect();
    let mut out: Vec<String> = Vec::new();
    for (i, t) in tokens.iter().enumerate() {
        let Some(name) = t.model_name() else {
            continue;
        };
        let call = tokens.get(i + 1).is_some_and(|n| n.is_punct('('));
        if !call && columns.contains(&name) && !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

/// PostgreSQL's `makeObjectName`: `name1[_name2]_label`, the longer of
/// the two names cut a byte at a time until the whole fits in 63 bytes,
/// each cut at a character's boundary.
pub(super) fn object_name(name1: &str, name2: Option<&str>, label: &str) -> String {
    let overhead = usize::from(name2.is_some()) + label.len() + 1;
    let avail = PG_NAME_BYTES.saturating_sub(overhead);
    let (mut n1, mut n2) = (name1.len(), name2.map_or(0, str::len));
    while n1 + n2 > avail {
        if n1 > n2 {
            n1 -= 1;
        } else {
            n2 -= 1;
        }
    }
    let mut out = clip(name1, n1).to_string();
    if let Some(name2) = name2 {
        out.push('_');
        out.push_str(clip(name2, n2));
    }
    out.push('_');
    out.push_str(label);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_distinct_column_names_the_check_after_it() {
        let cols = |c: &[&str]| c.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let mut namer = CheckNamer::new(
            Syntax::Postgres,
            &Schema::new(),
            "t",
            cols(&["a", "b", "kind"]),
            &[],
        );
        assert_eq!(namer.name("a > 0"), "t_a_check");
        assert_eq!(namer.name("a > b"), "t_check");
        assert_eq!(namer.name("num_nonnulls(a, b) = 1"), "t_check1");
        assert_eq!(namer.name("1 = 1"), "t_check2");
        assert_eq!(namer.name("a < 100 AND a > -1"), "t_a_check1");
        assert_eq!(namer.name("\"b\" > 0"), "t_b_check");
        assert_eq!(
            namer.name("kind = 'x' OR lower(kind) = 'y'"),
            "t_kind_check"
        );
    }

    #[test]
    fn a_long_name_is_cut_as_postgres_cuts_it() {
        let table = "t".repeat(40);
        let column = "c".repeat(40);
        let name = object_name(&table, Some(&column), "check");
        assert_eq!(name.len(), 63);
        assert_eq!(name, format!("{}_{}_check", "t".repeat(28), "c".repeat(28)));
    }

    #[test]
    fn mysql_numbers_the_checks_of_a_table() {
        let mut namer = CheckNamer::new(Syntax::Mysql, &Schema::new(), "t", Vec::new(), &[]);
        namer.record("t_chk_4");
        assert_eq!(namer.name("a > 0"), "t_chk_5");
        assert_eq!(namer.name("b > 0"), "t_chk_6");
    }
}
