//! Fault injection: find the moment a migration reaches op N, and there make
//! the database reject a statement, drop the connection, or stop the process
//! so that the test can kill it.
//!
//! The runner logs each op before running it (`tracing`, level debug, fields
//! `revision`, `phase`, `op`, `of`). [`OpWatch`] is a tracing layer that
//! acts when the op it waits for starts; [`Faulty`] wraps a connection and
//! turns the next statement into the fault.

use std::fmt::Debug;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use godwit::{AnyConnection, Database, Dialect, Error, Options, Schema};
use tracing::field::{Field, Visit};
use tracing::{Event, Subscriber};
use tracing_subscriber::layer::{Context, Layer};

/// Which op of which migration: `revision`, 1-based `op`, `phase` name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpAt {
    /// The migration.
    pub revision: String,
    /// `upgrade` or `downgrade`.
    pub phase: String,
    /// The op, counted from 1.
    pub op: usize,
}

impl OpAt {
    /// Op `op` of the upgrade of `revision`.
    pub fn upgrade(revision: &str, op: usize) -> OpAt {
        OpAt {
            revision: revision.to_string(),
            phase: "upgrade".into(),
            op,
        }
    }

    /// Reads `revision:op` (upgrade).
    pub fn parse(text: &str) -> Option<OpAt> {
        let (revision, op) = text.split_once(':')?;
        Some(OpAt::upgrade(revision, op.parse().ok()?))
    }
}

/// The fields of the runner's "running op" event.
#[derive(Default)]
struct OpFields {
    revision: Option<String>,
    phase: Option<String>,
    op: Option<u64>,
}

impl Visit for OpFields {
    fn record_str(&mut self, field: &Field, value: &str) {
        match field.name() {
            "revision" => self.revision = Some(value.to_string()),
            "phase" => self.phase = Some(value.to_string()),
            _ => {}
        }
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        if field.name() == "op" {
            self.op = Some(value);
        }
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        if field.name() == "op" {
            self.op = u64::try_from(value).ok();
        }
    }

    fn record_debug(&mut self, _: &Field, _: &dyn Debug) {}
}

/// A tracing layer that calls `action` once, when the runner starts the op `at`.
pub struct OpWatch {
    at: OpAt,
    fired: AtomicBool,
    action: Box<dyn Fn() + Send + Sync>,
}

impl OpWatch {
    /// Calls `action` when op `at` starts.
    pub fn new(at: OpAt, action: impl Fn() + Send + Sync + 'static) -> OpWatch {
        OpWatch {
            at,
            fired: AtomicBool::new(false),
            action: Box::new(action),
        }
    }
}

impl<S: Subscriber> Layer<S> for OpWatch {
    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        let mut f = OpFields::default();
        event.record(&mut f);
        let reached = f.revision.as_deref() == Some(&self.at.revision)
            && f.phase.as_deref() == Some(&self.at.phase)
            && f.op == Some(self.at.op as u64);
        if reached && !self.fired.swap(true, Ordering::SeqCst) {
            (self.action)();
        }
    }
}

/// Runs `body` with `watch` listening to this thread's runner events.
pub fn watching<T>(watch: OpWatch, body: impl FnOnce() -> T) -> T {
    use tracing_subscriber::layer::SubscriberExt;
    let subscriber = tracing_subscriber::registry()
        .with(watch)
        .with(tracing_subscriber::filter::LevelFilter::DEBUG);
    tracing::subscriber::with_default(subscriber, body)
}

/// What [`Faulty`] does to the first statement after the op starts.
pub enum Fault {
    /// Sends a statement the database rejects instead (an unknown table).
    Reject,
    /// Has a second connection kill this one first (PostgreSQL
    /// `pg_terminate_backend`, MySQL `KILL`); the statement then fails.
    DropConnection {
        /// The second connection.
        killer: AnyConnection,
        /// The server's id of the wrapped connection.
        victim: String,
    },
}

/// Which statement after the op starts gets the fault.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum When {
    /// The op's first statement: nothing of the op has run.
    Before,
    /// The first statement after the op's own ones: the runner's record
    /// that the op is done, or the COMMIT. The op has run but is not
    /// recorded (or not committed).
    After,
}

/// A connection whose next statement, once `armed`, is turned into `fault`.
pub struct Faulty {
    /// The wrapped connection.
    pub inner: AnyConnection,
    armed: Arc<AtomicBool>,
    fault: Fault,
    when: When,
    /// Whether the fault was injected.
    pub injected: bool,
}

/// The statement [`Fault::Reject`] sends: the table does not exist.
pub const REJECTED: &str = "INSERT INTO godwit_fault_injected (x) VALUES (1)";

impl Faulty {
    /// Wraps `inner`; returns it with the flag that arms it (set it from an [`OpWatch`]).
    pub fn new(inner: AnyConnection, fault: Fault, when: When) -> (Faulty, Arc<AtomicBool>) {
        let armed = Arc::new(AtomicBool::new(false));
        (
            Faulty {
                inner,
                armed: armed.clone(),
                fault,
                when,
                injected: false,
            },
            armed,
        )
    }

    /// Injects the fault if armed and `sql` is the op's own statement (not
    /// transaction control, not the version table); `Err` is what the
    /// statement returns.
    fn inject(&mut self, sql: &str) -> diesel::QueryResult<()> {
        let opens = |s: &str| {
            let s = s.trim_start().to_ascii_uppercase();
            s.starts_with("BEGIN") || s.starts_with("START TRANSACTION")
        };
        // The runner sends a migration's BEGIN at the head of its first
        // batch: the batch is the op's.
        let sql = match sql.split_once("\n;\n") {
            Some((head, rest)) if opens(head) => rest,
            _ => sql,
        };
        let upper = sql.trim_start().to_ascii_uppercase();
        let control = [
            "BEGIN",
            "START TRANSACTION",
            "COMMIT",
            "ROLLBACK",
            "SET ",
            "RESET ",
        ]
        .iter()
        .any(|c| upper.starts_with(c));
        let record = sql.contains(godwit::runner::VERSION_TABLE);
        let target = match self.when {
            When::Before => !control && !record,
            When::After => record || upper.starts_with("COMMIT"),
        };
        if !target || !self.armed.swap(false, Ordering::SeqCst) {
            return Ok(());
        }
        self.injected = true;
        match &mut self.fault {
            Fault::Reject => self.inner.execute(REJECTED),
            Fault::DropConnection { killer, victim } => {
                kill_connection(killer, victim);
                Ok(())
            }
        }
    }
}

/// The server's id of a connection (PostgreSQL backend pid, MySQL connection id).
pub fn connection_id(conn: &mut AnyConnection) -> String {
    let sql = match conn.dialect() {
        Dialect::Postgres => "SELECT CAST(pg_backend_pid() AS TEXT) AS c0",
        Dialect::Mysql => "SELECT CAST(CONNECTION_ID() AS CHAR) AS c0",
        Dialect::Sqlite => return String::new(),
    };
    let rows = conn.query(sql, 1).expect("the connection id");
    rows[0][0].clone().expect("an id")
}

/// Kills the server connection `victim` from `killer` and waits until it is gone.
pub fn kill_connection(killer: &mut AnyConnection, victim: &str) {
    let (kill, alive) = match killer.dialect() {
        Dialect::Postgres => (
            format!("SELECT pg_terminate_backend({victim}, 10000)"),
            format!("SELECT 1 FROM pg_stat_activity WHERE pid = {victim}"),
        ),
        _ => (
            format!("KILL CONNECTION {victim}"),
            format!("SELECT 1 FROM information_schema.PROCESSLIST WHERE ID = {victim}"),
        ),
    };
    killer.execute(&kill).expect("killing the connection");
    let start = Instant::now();
    while killer.has_rows(&alive).unwrap_or(false) && start.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(10));
    }
}

impl Database for Faulty {
    fn dialect(&self) -> Dialect {
        self.inner.dialect()
    }
    fn execute(&mut self, sql: &str) -> diesel::QueryResult<()> {
        self.inject(sql)?;
        self.inner.execute(sql)
    }
    fn query(
        &mut self,
        sql: &str,
        columns: usize,
    ) -> diesel::QueryResult<Vec<godwit::database::Row>> {
        self.inject(sql)?;
        self.inner.query(sql, columns)
    }
    fn has_rows(&mut self, sql: &str) -> diesel::QueryResult<bool> {
        self.inject(sql)?;
        self.inner.has_rows(sql)
    }
    fn lock(&mut self, options: &Options) -> Result<(), Error> {
        self.inner.lock(options)
    }
    fn unlock(&mut self) -> Result<(), Error> {
        self.inner.unlock()
    }
    fn introspect(&mut self) -> Result<Schema, Error> {
        self.inner.introspect()
    }
}
