//! Diesel's schema at head, three ways that must agree: the module the item
//! form of `migrations!` emitted (`godwit_example::schema`, whose text the
//! set keeps), the command line's `schema --diesel`, and `diesel
//! print-schema` run on databases the example upgraded to head, kept as
//! golden files (`tests/golden/regenerate.sh` writes them again). No server
//! is needed.

use std::process::Command;

use godwit::diesel_schema;
use godwit::Backend;
use godwit_example::MIGRATIONS;

const BIN: &str = env!("CARGO_BIN_EXE_godwit-example");

/// The text godwit prints for the example at head, for `backend`.
fn godwit_text(backend: Backend) -> String {
    let schema = MIGRATIONS
        .schema_at(MIGRATIONS.len())
        .expect("the history replays");
    diesel_schema::print(&schema, backend)
}

/// What the example's command line prints for `args`.
fn cli(args: &[&str]) -> String {
    let out = Command::new(BIN)
        .args(args)
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "off")
        .output()
        .expect("run the example");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}

/// The code of a schema: comments, doc comments and blank lines aside;
/// godwit's version table (`print-schema` lists it; it is not the
/// application's) taken out of the tables and out of the list of those
/// that may appear in one query, that list on one line whatever its length
/// (and none when one table is left, which godwit does not print).
fn code(text: &str) -> String {
    let mut out = Vec::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with("//") {
            continue;
        }
        if trimmed == "diesel::table! {"
            && lines
                .peek()
                .is_some_and(|next| next.trim().starts_with("godwit_version ("))
        {
            // Up to the `}` that closes the `table!`.
            for skipped in lines.by_ref() {
                if skipped == "}" {
                    break;
                }
            }
            continue;
        }
        if let Some(rest) = trimmed.strip_prefix("diesel::allow_tables_to_appear_in_same_query!(") {
            // On one line or one table a line, as rustfmt fits it.
            let mut list = rest.to_string();
            while !list.ends_with(");") {
                match lines.next() {
                    Some(l) => list.push_str(l.trim()),
                    None => break,
                }
            }
            let tables: Vec<&str> = list
                .trim_end_matches(");")
                .split(',')
                .map(str::trim)
                .filter(|t| !t.is_empty() && *t != "godwit_version")
                .collect();
            if tables.len() >= 2 {
                out.push(format!(
                    "allow_tables_to_appear_in_same_query({})",
                    tables.join(", ")
                ));
            }
            continue;
        }
        out.push(line.to_string());
    }
    out.join("\n")
}

#[test]
fn the_module_the_macro_emitted_is_what_the_command_line_prints() {
    let (backend, text) = MIGRATIONS
        .diesel_schema()
        .expect("the example asks for `pub mod schema;`");
    assert_eq!(backend, "postgres", "the first of the set's backends");
    assert_eq!(cli(&["schema", "--diesel"]), text);
    assert_eq!(cli(&["schema", "--diesel", "--backend", "postgres"]), text);
    assert_eq!(godwit_text(Backend::Postgres), text);
    assert_eq!(
        cli(&["schema", "--diesel", "--backend", "sqlite"]),
        godwit_text(Backend::Sqlite)
    );
}

#[test]
fn the_schema_is_what_diesel_print_schema_prints_on_postgres() {
    let golden = include_str!("golden/print-schema-postgres.rs");
    assert_eq!(code(&godwit_text(Backend::Postgres)), code(golden));
}

#[test]
fn the_schema_is_what_diesel_print_schema_prints_on_mariadb() {
    let golden = include_str!("golden/print-schema-mariadb.rs");
    assert_eq!(code(&godwit_text(Backend::Mariadb)), code(golden));
}

#[test]
fn the_schema_is_what_diesel_print_schema_prints_on_sqlite() {
    let golden = include_str!("golden/print-schema-sqlite.rs");
    assert_eq!(code(&godwit_text(Backend::Sqlite)), code(golden));
}

#[test]
fn the_version_table_is_the_only_difference_taken_out() {
    // The golden files do list it: the comparison is not vacuous.
    let golden = include_str!("golden/print-schema-postgres.rs");
    assert!(golden.contains("godwit_version (revision)"));
    assert!(code(golden).contains("diesel::joinable!(user_preferences -> users (user_id));"));
    assert!(!code(golden).contains("godwit_version"));
}
