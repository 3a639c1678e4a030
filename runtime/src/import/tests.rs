use super::*;

struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("godwit-import-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("src")).expect("mkdir");
        Scratch(dir)
    }

    fn write(&self, path: &str, text: &str) {
        let path = self.0.join(path);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }

    fn read(&self, path: &str) -> String {
        let path = self.0.join(path);
        std::fs::read_to_string(&path).unwrap_or_else(|e| {
            let dir = path.parent().expect("a parent");
            let there: Vec<_> = std::fs::read_dir(dir)
                .map(|d| d.flatten().map(|e| e.file_name()).collect())
                .unwrap_or_default();
            panic!("{}: {e}; {} holds {there:?}", path.display(), dir.display())
        })
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The paths of an application: its migrations directory and its `src`.
fn app(s: &Scratch) -> (PathBuf, PathBuf) {
    (s.0.join("src/migrations"), s.0.join("src"))
}

fn options<'a>(
    (dir, src): &'a (PathBuf, PathBuf),
    from: &'a Path,
    existing: &'a [&'a str],
) -> ImportOptions<'a> {
    ImportOptions {
        tool: Tool::Diesel,
        from,
        dialect: Dialect::Postgres,
        dir,
        src,
        existing,
    }
}

#[test]
fn a_diesel_history_into_an_empty_set() {
    let s = Scratch::new("diesel");
    s.write(
        "src/main.rs",
        "mod migrations;\npub static MIGRATIONS: godwit::MigrationSet = godwit::migrations![];\n",
    );
    s.write(
        "old/2015-01-01-000000_create_users/up.sql",
        "CREATE TABLE users (\n  id BIGINT PRIMARY KEY,\n  email VARCHAR(255) NOT NULL\n);\nINSERT INTO users VALUES (1, 'root@example.com');",
    );
    s.write(
        "old/2015-01-01-000000_create_users/down.sql",
        "DROP TABLE users;",
    );
    s.write(
        "old/2015-01-02-000000_init/up.sql",
        "ALTER TABLE users ADD COLUMN bio TEXT;",
    );
    // Forgets to drop the column: does not undo the upgrade.
    s.write("old/2015-01-02-000000_init/down.sql", "SELECT 1;");
    s.write(
        "old/2015-01-03-000000_index_email/up.sql",
        "CREATE INDEX CONCURRENTLY users_email ON users (email);",
    );
    s.write(
        "old/2015-01-03-000000_index_email/down.sql",
        "DROP INDEX CONCURRENTLY users_email;",
    );
    s.write(
        "old/2015-01-03-000000_index_email/metadata.toml",
        "run_in_transaction = false\n",
    );
    let from = s.0.join("old");
    let app = app(&s);
    let report = import(&options(&app, &from, &[])).expect("imported");
    let revisions: Vec<_> = report
        .migrations
        .iter()
        .map(|m| m.revision.as_str())
        .collect();
    assert_eq!(
        revisions,
        ["20150101000000", "20150102000000", "20150103000000"]
    );
    assert_eq!(
        report.backends_added.as_deref(),
        Some("backends = [postgres];")
    );
    assert_eq!(report.problems, Vec::<(String, String)>::new());
    assert_eq!(
        report.unmatched_downs.len(),
        1,
        "{:?}",
        report.unmatched_downs
    );
    assert_eq!(report.unmatched_downs[0].0, "20150102000000");
    assert!(report.unmatched_downs[0].1.contains("bio"));

    let first = s.read("src/migrations/m20150101000000_create_users.rs");
    assert!(first.contains("imported = \"diesel\""), "{first}");
    assert!(first.contains("op.create_table(\"users\""), "{first}");
    assert!(
        first.contains("op.execute(r#\"INSERT INTO users"),
        "{first}"
    );
    assert!(first.contains("op.drop_table(\"users\");"), "{first}");
    let second = s.read("src/migrations/m20150102000000_init.rs");
    assert!(second.contains("message = \"init (diesel migration 20150102000000)\""));
    assert!(second.contains("down_revision = \"20150101000000\""));
    assert!(second
        .contains("irreversible = \"imported from diesel: its down migration does not undo it"));
    assert!(
        second.contains("    // pub fn downgrade(op: &mut Ops) {"),
        "{second}"
    );
    let third = s.read("src/migrations/m20150103000000_index_email.rs");
    assert!(third.contains("transaction = false,"), "{third}");
    assert!(third.contains(".concurrently()"), "{third}");

    let main = s.read("src/main.rs");
    assert!(
        main.contains(
            "backends = [postgres];\n    migrations::m20150101000000_create_users::create_users,\n"
        ),
        "{main}"
    );
    let mods = s.read("src/migrations/mod.rs");
    assert_eq!(mods.lines().count(), 3);

    // Importing again writes nothing and says why.
    let again = import(&options(&app, &from, &["20150101000000"])).expect_err("refused");
    assert!(matches!(again, ImportError::RevisionInSet(_)), "{again}");
    let again = import(&options(&app, &from, &[])).expect_err("refused");
    assert!(matches!(again, ImportError::Exists(_)), "{again}");
}

#[test]
fn the_import_follows_the_head_of_the_set() {
    let s = Scratch::new("follows");
    s.write(
        "src/lib.rs",
        "godwit::migrations![backends = [postgres]; migrations::m1_a::a];",
    );
    s.write(
        "old/V1__create_things.sql",
        "CREATE TABLE things (id BIGINT PRIMARY KEY);",
    );
    let from = s.0.join("old");
    let app = app(&s);
    let mut o = options(&app, &from, &["1_a"]);
    o.tool = Tool::Refinery;
    let report = import(&o).expect("imported");
    assert_eq!(report.backends_added, None);
    let file = s.read("src/migrations/m1_create_things.rs");
    assert!(file.contains("down_revision = \"1_a\""), "{file}");
    assert!(file
        .contains("irreversible = \"imported from refinery, which has no down migration for it\""));
    assert!(!file.contains("fn downgrade"));
}

#[test]
fn into_a_crate_of_migrations() {
    let s = Scratch::new("workspace");
    s.write(
        "Cargo.toml",
        "[workspace]\nmembers = [\"app\", \"migrations\"]\n",
    );
    s.write("app/Cargo.toml", "[package]\nname = \"app\"\n");
    s.write("app/src/main.rs", "fn main() {}\n");
    s.write(
        "migrations/Cargo.toml",
        "[package]\nname = \"migrations\"\n",
    );
    s.write(
        "migrations/src/lib.rs",
        "//! The schema's history.\n\ngodwit::migrations! {\n    pub static MIGRATIONS;\n    pub mod schema;\n}\n",
    );
    s.write(
        "old/V1__create_things.sql",
        "CREATE TABLE things (id BIGINT PRIMARY KEY);",
    );
    s.write(
        "old/V2__add_things_name.sql",
        "ALTER TABLE things ADD COLUMN name TEXT;",
    );
    // As the command line finds it, run from the application's crate.
    let layout = crate::scaffold::locate(&s.0.join("app"), None, None, None).expect("found");
    let from = s.0.join("old");
    let report = import(&ImportOptions {
        tool: Tool::Refinery,
        from: &from,
        dialect: Dialect::Postgres,
        dir: &layout.dir,
        src: &layout.src,
        existing: &[],
    })
    .expect("imported");
    assert_eq!(report.migrations.len(), 2);
    assert_eq!(report.set_file, Some(s.0.join("migrations/src/lib.rs")));
    assert_eq!(
        s.read("migrations/src/lib.rs"),
        "//! The schema's history.\n\npub mod m1_create_things;\npub mod m2_add_things_name;\n\ngodwit::migrations! {\n    pub static MIGRATIONS;\n    pub mod schema;\n    backends = [postgres];\n    m1_create_things::create_things,\n    m2_add_things_name::add_things_name,\n}\n"
    );
    assert!(s
        .read("migrations/src/m2_add_things_name.rs")
        .contains("down_revision = \"1\""));
}

#[test]
fn a_down_migration_the_checker_refuses_is_kept_aside_and_the_migration_declared_irreversible() {
    let s = Scratch::new("refused-down");
    s.write(
        "src/main.rs",
        "mod migrations;\npub static MIGRATIONS: godwit::MigrationSet = godwit::migrations![];\n",
    );
    s.write(
        "old/2015-01-01-000000_create_users/up.sql",
        "CREATE TABLE users (id BIGINT PRIMARY KEY);",
    );
    // Drops a table that is not there: PostgreSQL would refuse it too.
    s.write(
        "old/2015-01-01-000000_create_users/down.sql",
        "DROP TABLE users;\nDROP TABLE accounts;",
    );
    let from = s.0.join("old");
    let paths = app(&s);
    let report = import(&options(&paths, &from, &[])).expect("imported");
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    assert!(
        report.unmatched_downs.is_empty(),
        "{:?}",
        report.unmatched_downs
    );
    assert_eq!(report.refused_downs.len(), 1, "{:?}", report.refused_downs);
    assert_eq!(report.refused_downs[0].0, "20150101000000");
    assert!(
        report.refused_downs[0].1.starts_with("[unknown-table]"),
        "{:?}",
        report.refused_downs
    );
    let file = s.read("src/migrations/m20150101000000_create_users.rs");
    assert!(
        file.contains(
            "irreversible = \"imported from diesel: the checker refuses its down migration ([unknown-table]"
        ),
        "{file}"
    );
    assert!(file.contains("which the checker refuses"), "{file}");
    assert!(
        file.contains("    // pub fn downgrade(op: &mut Ops) {"),
        "{file}"
    );
    assert!(file.contains("DROP TABLE accounts"), "{file}");
    assert!(!file.contains("\n    pub fn downgrade"), "{file}");
}

#[test]
fn a_reason_is_one_line_with_its_quotes_in_pairs() {
    let long = format!("changes `{}` and more", "word ".repeat(60));
    let short = summary(&long);
    assert!(short.chars().count() <= 170, "{short}");
    assert_eq!(short.matches('`').count() % 2, 0, "{short}");
    assert!(short.ends_with(" .."), "{short}");
    assert_eq!(summary("a\n  b\tc"), "a b c");
}

#[test]
fn tables_wider_than_diesels_default_are_listed() {
    let s = Scratch::new("wide");
    s.write(
        "src/main.rs",
        "mod migrations;\npub static MIGRATIONS: godwit::MigrationSet = godwit::migrations![];\n",
    );
    let columns: Vec<String> = (0..40).map(|i| format!("c{i} INT")).collect();
    s.write(
        "old/2015-01-01-000000_create_wide/up.sql",
        &format!("CREATE TABLE wide (id BIGINT PRIMARY KEY, {});\nCREATE TABLE narrow (id BIGINT PRIMARY KEY);", columns.join(", ")),
    );
    s.write(
        "old/2015-01-01-000000_create_wide/down.sql",
        "DROP TABLE narrow;\nDROP TABLE wide;",
    );
    let from = s.0.join("old");
    let paths = app(&s);
    let report = import(&options(&paths, &from, &[])).expect("imported");
    assert_eq!(report.wide_tables, vec![("wide".to_string(), 41)]);
}

/// The pieces of `sql` read on an empty schema: DSL ops as text, or
/// `execute: <first words>`.
fn pieces(sql: &str) -> Vec<String> {
    let mut schema = Schema::new();
    convert::body(sql, Dialect::Postgres, &mut schema)
        .into_iter()
        .map(|p| match p {
            Piece::Ops(ops) => ops.iter().map(|o| format!("{o};")).collect::<String>(),
            Piece::Raw(sql) => format!("execute: {sql}"),
        })
        .collect()
}

#[test]
fn renames_stay_as_written_and_long_names_are_cut() {
    let long = "idx_post_aggregates_featured_community_newest_comment_time_necro";
    let got = pieces(&format!(
        "CREATE TYPE vis AS ENUM ('a');
         CREATE TABLE c (id INT PRIMARY KEY, v vis, CHECK (num_nonnulls (id, v) = 1));
         ALTER TYPE vis RENAME TO vis_old;
         CREATE TYPE vis AS ENUM ('a', 'b');
         ALTER TABLE c DROP CONSTRAINT c_check;
         CREATE INDEX {long} ON c (id);
         DROP INDEX {long}"
    ));
    let short = &long[..63];
    assert_eq!(got[2], "execute: ALTER TYPE vis RENAME TO vis_old");
    assert_eq!(got[3], r#"op.create_enum("vis", ["a", "b"]);"#);
    assert_eq!(got[4], r#"op.drop_constraint("c_check", "c");"#);
    assert_eq!(
        got[5],
        format!(r#"op.create_index("{short}", "c", ["id"]);"#)
    );
    assert_eq!(got[6], format!(r#"op.drop_index("{short}", "c");"#));
}
