//! Rule ids and the diagnostics the checker reports.
//!
//! The checker knows nothing of source text: a diagnostic says *which* op of
//! *which* migration is wrong (a [`Location`]); the macros turn that into a
//! span in the user's file.

use std::fmt;

use crate::model::Phase;

/// How a rule may be turned off.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuleKind {
    /// Structural: cannot be silenced.
    Structure,
    /// Backward compatibility: silenced inside `op.safety_assured(reason, ..)`.
    Compatibility,
    /// Performance hint: an error unless `allow = [..]` names it.
    Performance,
}

macro_rules! rules {
    ($($(#[$doc:meta])* $variant:ident = $id:literal, $kind:ident;)*) => {
        /// Every rule the checker enforces. `id()` is the name used in error
        /// messages, `allow = [..]`, docs/rules/<id>.md and the ui-tests.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Rule {
            $($(#[$doc])* $variant,)*
        }

        impl Rule {
            /// All rules, in documentation order.
            pub const ALL: &'static [Rule] = &[$(Rule::$variant,)*];

            /// The rule id, e.g. `"add-required-column"`.
            pub fn id(self) -> &'static str {
                match self { $(Rule::$variant => $id,)* }
            }

            /// How this rule may be turned off.
            pub fn kind(self) -> RuleKind {
                match self { $(Rule::$variant => RuleKind::$kind,)* }
            }

            /// The rule with this id.
            pub fn from_id(id: &str) -> Option<Rule> {
                match id { $($id => Some(Rule::$variant),)* _ => None }
            }
        }
    };
}

rules! {
    /// A migration module without `fn upgrade`.
    MissingUpgrade = "missing-upgrade", Structure;
    /// A migration module without `fn downgrade` (and not `irreversible`).
    MissingDowngrade = "missing-downgrade", Structure;
    /// `downgrade` does not restore the schema `upgrade` started from.
    DowngradeMismatch = "downgrade-mismatch", Structure;
    /// An empty, too short or generic message.
    VagueMessage = "vague-message", Structure;
    /// Two migrations with the same revision.
    DuplicateRevision = "duplicate-revision", Structure;
    /// A `down_revision` that no migration of the set has.
    UnknownDownRevision = "unknown-down-revision", Structure;
    /// Two migrations revise the same parent.
    MultipleHeads = "multiple-heads", Structure;
    /// The revisions form a loop.
    RevisionCycle = "revision-cycle", Structure;
    /// More than one migration without `down_revision`.
    MultipleBases = "multiple-bases", Structure;
    /// An op names a table that does not exist at that point.
    UnknownTable = "unknown-table", Structure;
    /// An op names a column that does not exist at that point.
    UnknownColumn = "unknown-column", Structure;
    /// An op names an index that does not exist at that point.
    UnknownIndex = "unknown-index", Structure;
    /// An op names a constraint that does not exist at that point.
    UnknownConstraint = "unknown-constraint", Structure;
    /// An op creates something that already exists.
    AlreadyExists = "already-exists", Structure;
    /// A backfill of a table without a primary key to cut batches by.
    BackfillWithoutPrimaryKey = "backfill-without-primary-key", Structure;
    /// Something in a body the checker cannot read exactly.
    NonLiteralArgument = "non-literal-argument", Structure;
    /// An identifier that is empty, too long or holds a NUL byte.
    InvalidIdentifier = "invalid-identifier", Structure;
    /// An SQL fragment (a check, a predicate, a default, a SET list) that
    /// does not parse.
    InvalidSql = "invalid-sql", Structure;
    /// An op names a type, or a value of an enum type, that does not exist at that point.
    UnknownType = "unknown-type", Structure;
    /// Dropping an enum type, or a value of one, that a column still uses.
    TypeInUse = "type-in-use", Structure;
    /// A value added to an enum type used in the same migration (PostgreSQL
    /// refuses a new value before it is committed).
    NewEnumValueUsed = "new-enum-value-used", Structure;
    /// An op one of the set's backends cannot do (a partial index on
    /// MySQL, an array column on SQLite, ..).
    UnsupportedOnBackend = "unsupported-on-backend", Structure;
    /// A key over a TEXT, BLOB or JSON column, on MySQL or MariaDB.
    TextInKey = "text-in-key", Structure;
    /// A key longer than InnoDB's 3072 bytes, on MySQL or MariaDB.
    KeyTooLong = "key-too-long", Structure;
    /// A name that differs from one already in its namespace only by case
    /// or accents, where a declared backend takes them for one.
    NameCollision = "name-collision", Structure;
    /// A default on a TEXT, BLOB or JSON column, where a declared MySQL
    /// is older than 8.0.13.
    DefaultOnText = "default-on-text", Structure;
    /// An op names a view, materialized view, function, trigger or
    /// extension that does not exist at that point.
    UnknownObject = "unknown-object", Structure;
    /// Dropping or renaming what a view, or a trigger, still uses.
    DependentObjects = "dependent-objects", Structure;
    /// Adding a NOT NULL column without default to an existing table.
    AddRequiredColumn = "add-required-column", Compatibility;
    /// Dropping a column no earlier migration deprecated.
    DropColumnNotDeprecated = "drop-column-not-deprecated", Compatibility;
    /// Dropping a table no earlier migration deprecated.
    DropTableNotDeprecated = "drop-table-not-deprecated", Compatibility;
    /// Renaming an existing column.
    RenameColumn = "rename-column", Compatibility;
    /// Renaming an existing table.
    RenameTable = "rename-table", Compatibility;
    /// Changing the type of an existing column.
    ChangeColumnType = "change-column-type", Compatibility;
    /// Making an existing column NOT NULL.
    SetNotNull = "set-not-null", Compatibility;
    /// A data change in the same migration as DDL on the same table.
    BackfillWithSchemaChange = "backfill-with-schema-change", Compatibility;
    /// Creating or dropping an index of an existing table without `.concurrently()`.
    NonConcurrentIndex = "non-concurrent-index", Compatibility;
    /// Refreshing an existing materialized view without `.concurrently()`.
    NonConcurrentRefresh = "non-concurrent-refresh", Compatibility;
    /// A concurrent index op sharing its migration with other ops.
    ConcurrentIndexNotAlone = "concurrent-index-not-alone", Compatibility;
    /// A unique constraint added to an existing table.
    UniqueConstraintOnExistingTable = "unique-constraint-on-existing-table", Compatibility;
    /// A primary key added to an existing table, by building its index
    /// under a lock or by making nullable columns NOT NULL.
    PrimaryKeyOnExistingTable = "primary-key-on-existing-table", Compatibility;
    /// A foreign key added to an existing table without `.not_valid()`.
    ForeignKeyNotValid = "foreign-key-not-valid", Compatibility;
    /// A check constraint added to an existing table without `.not_valid()`.
    CheckConstraintNotValid = "check-constraint-not-valid", Compatibility;
    /// A column with a volatile default added to an existing table.
    VolatileDefault = "volatile-default", Compatibility;
    /// An UPDATE or DELETE without WHERE on an existing table.
    UnbatchedUpdate = "unbatched-update", Compatibility;
    /// Raw DDL that takes a lock, rewrites a table or breaks the running
    /// version, as the op it reads as would.
    RawDdl = "raw-ddl", Compatibility;
    /// Raw SQL godwit cannot read, or whose effect on the schema it does
    /// not follow.
    OpaqueSql = "opaque-sql", Compatibility;
    /// An auto-increment column added to an existing table (a table rewrite).
    AddAutoincrementColumn = "add-autoincrement-column", Compatibility;
    /// Transaction control (BEGIN, COMMIT, ROLLBACK) in raw SQL.
    TransactionInExecute = "transaction-in-execute", Compatibility;
    /// Renaming a value of an enum type.
    RenameEnumValue = "rename-enum-value", Compatibility;
    /// Removing a value from an enum type.
    DropEnumValue = "drop-enum-value", Compatibility;
    /// A stored generated column added to an existing table (a table rewrite).
    AddStoredGeneratedColumn = "add-stored-generated-column", Compatibility;
    /// An op on an existing table that MySQL or MariaDB can make only by
    /// copying the table while writes wait.
    MysqlTableCopy = "mysql-table-copy", Compatibility;
    /// A foreign key whose columns lead no index.
    ForeignKeyWithoutIndex = "foreign-key-without-index", Performance;
    /// A 32-bit integer primary key.
    IntPrimaryKey = "int-primary-key", Performance;
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// Where in the set a diagnostic points.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    /// The migration as a whole (its module / attribute).
    Migration(usize),
    /// The `revision = ".."` argument of a migration.
    Revision(usize),
    /// The `down_revision = ".."` argument of a migration.
    DownRevision(usize),
    /// The `message = ".."` argument of a migration.
    Message(usize),
    /// One op: its index in the body, and inside `safety_assured` blocks the
    /// index of each nested op after that.
    Op {
        /// Index of the migration in the input.
        migration: usize,
        /// Which body.
        phase: Phase,
        /// Index path of the op.
        path: Vec<usize>,
    },
    /// The `fn upgrade` / `fn downgrade` of a migration as a whole.
    Body {
        /// Index of the migration in the input.
        migration: usize,
        /// Which body.
        phase: Phase,
    },
}

impl Location {
    /// The index of the migration it points into.
    pub fn migration(&self) -> usize {
        match self {
            Location::Migration(i)
            | Location::Revision(i)
            | Location::DownRevision(i)
            | Location::Message(i)
            | Location::Op { migration: i, .. }
            | Location::Body { migration: i, .. } => *i,
        }
    }
}

/// One problem found by the checker.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// The rule broken.
    pub rule: Rule,
    /// What is wrong, in one sentence; a further line for each further
    /// instance of it (`downgrade-mismatch` lists every difference).
    pub message: String,
    /// What to do instead.
    pub help: String,
    /// Where.
    pub at: Location,
    /// The text of the argument at fault (e.g. the SQL that does not parse),
    /// so the error can point at that string rather than the whole call.
    pub focus: Option<String>,
}

impl Diagnostic {
    /// A diagnostic of `rule` at `at`.
    pub fn new(
        rule: Rule,
        at: Location,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Self {
        Diagnostic {
            rule,
            message: message.into(),
            help: help.into(),
            at,
            focus: None,
        }
    }

    /// The same diagnostic, pointing at the string argument `text`.
    pub fn with_focus(mut self, text: Option<String>) -> Self {
        self.focus = text;
        self
    }

    /// The compile error's message, before its help: `[rule-id] message`.
    pub fn headline(&self) -> String {
        format!("[{}] {}", self.rule.id(), self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip() {
        for rule in Rule::ALL {
            assert_eq!(Rule::from_id(rule.id()), Some(*rule));
        }
        assert_eq!(Rule::from_id("no-such-rule"), None);
    }
}
