//! `--json` errors: the whole message under `error`, as before, and its
//! parts each under its own key (revision, phase, op, statement, cause,
//! state, next), `null` where an error has none.

use std::process::Output;

use godwit::Database;
use godwit_tests::{Backend, TestDb};
use serde_json::Value;

const CLI: &str = env!("CARGO_BIN_EXE_godwit-test-cli");

/// The keys of every error document.
const KEYS: [&str; 8] = [
    "error",
    "revision",
    "phase",
    "op",
    "statement",
    "cause",
    "state",
    "next",
];

fn cli(url: &str, set: &str, args: &[&str]) -> Output {
    godwit_tests::processes::run_cli(CLI, url, set, args)
}

/// The error document of a command that failed with exit code 2.
fn error_document(o: &Output) -> Value {
    assert_eq!(o.status.code(), Some(2), "{o:?}");
    let v: Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&o.stdout)));
    let keys: Vec<&str> = v
        .as_object()
        .expect("an object")
        .keys()
        .map(String::as_str)
        .collect();
    let mut expected = KEYS.to_vec();
    expected.sort_unstable();
    assert_eq!(keys, expected, "{v}");
    v
}

fn json_error_fields(backend: Backend) {
    let Some(db) = TestDb::create(backend, "json_error_fields") else {
        return;
    };
    // `0003` fails at its second op: an INSERT of NULL into a NOT NULL column.
    let v = error_document(&cli(&db.url, "failing", &["--json", "upgrade"]));
    let field = |key: &str| v[key].as_str().unwrap_or_else(|| panic!("{key}: {v}"));
    let statement = "INSERT INTO audit_log (entry) VALUES (NULL)";
    assert_eq!(field("revision"), "0003", "{v}");
    assert_eq!(field("phase"), "upgrade", "{v}");
    assert!(field("op").contains(statement), "{v}");
    assert_eq!(field("statement"), statement, "{v}");
    assert!(!field("cause").is_empty(), "{v}");
    // The message is the parts joined, as the text form prints it.
    let error = field("error");
    for key in ["statement", "cause", "state", "next"] {
        assert!(
            error.contains(field(key)),
            "{key} is not in the message: {v}"
        );
    }
    assert!(
        error.contains(&format!(
            "state now: {}\nnext: {}",
            field("state"),
            field("next")
        )),
        "{v}"
    );
    match backend {
        Backend::Mysql => assert!(field("state").contains("upgrade_failed at op 2"), "{v}"),
        _ => assert!(field("state").starts_with("rolled back"), "{v}"),
    }

    // A target outside the set has the message and no parts.
    let v = error_document(&cli(&db.url, "failing", &["--json", "downgrade", "9999"]));
    assert!(
        v["error"]
            .as_str()
            .is_some_and(|e| e.contains("revision 9999 is not in this binary's migration set")),
        "{v}"
    );
    for key in &KEYS[1..] {
        assert!(v[key].is_null(), "{key}: {v}");
    }

    // Without --json, the message alone, on stderr, as before.
    let o = cli(&db.url, "failing", &["upgrade"]);
    assert_eq!(o.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("error: migration 0003 (\"create the audit log with a first entry\") failed in its upgrade at op 2 of 2"),
        "{stderr}"
    );

    // A half-applied migration (on MySQL, 0003 already is: it ran op by op):
    // which one, what is applied, how to resolve it.
    if backend != Backend::Mysql {
        db.connect()
            .execute(
                "UPDATE godwit_version SET state = 'upgrade_failed', op_index = 0, error = 'boom' WHERE revision = '0002'",
            )
            .expect("mark 0002 half-applied");
    }
    let v = error_document(&cli(&db.url, "failing", &["--json", "current"]));
    let field = |key: &str| v[key].as_str().unwrap_or_else(|| panic!("{key}: {v}"));
    assert!(field("error").contains("is half-applied"), "{v}");
    assert!(["0002", "0003"].contains(&field("revision")), "{v}");
    assert!(field("state").contains("may be partly applied"), "{v}");
    assert!(field("next").contains("`stamp"), "{v}");
    assert_eq!(field("phase"), "upgrade", "{v}");
    assert!(field("op").starts_with("op."), "{v}");
    if backend != Backend::Mysql {
        assert_eq!(field("cause"), "boom", "{v}");
    }
    assert!(v["statement"].is_null(), "{v}");
}

#[test]
fn sqlite() {
    json_error_fields(Backend::Sqlite);
}

#[test]
fn postgres() {
    json_error_fields(Backend::Postgres);
}

#[test]
fn mysql() {
    json_error_fields(Backend::Mysql);
}
