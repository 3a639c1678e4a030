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
    assert_eq!(
        diesel_schema::code(&godwit_text(Backend::Postgres)),
        diesel_schema::code(golden)
    );
}

#[test]
fn the_schema_is_what_diesel_print_schema_prints_on_mariadb() {
    let golden = include_str!("golden/print-schema-mariadb.rs");
    assert_eq!(
        diesel_schema::code(&godwit_text(Backend::Mariadb)),
        diesel_schema::code(golden)
    );
}

#[test]
fn the_schema_is_what_diesel_print_schema_prints_on_sqlite() {
    let golden = include_str!("golden/print-schema-sqlite.rs");
    assert_eq!(
        diesel_schema::code(&godwit_text(Backend::Sqlite)),
        diesel_schema::code(golden)
    );
}

#[test]
fn the_version_table_is_the_only_difference_taken_out() {
    // The golden files do list it: the comparison is not vacuous.
    let golden = include_str!("golden/print-schema-postgres.rs");
    assert!(golden.contains("godwit_version (revision)"));
    assert!(diesel_schema::code(golden)
        .contains("diesel::joinable!(user_preferences -> users (user_id));"));
    assert!(!diesel_schema::code(golden).contains("godwit_version"));
}
