//! A downgrade through two irreversible migrations names the newest of
//! them as the lowest it can reach: the older one lies behind it, and a
//! downgrade to it would be refused in turn.

use godwit::{Dialect, Error, Target};
use godwit_tests::{Backend, TestDb};

use godwit::migration;

#[migration(revision = "0001", message = "create the notes table")]
pub mod create_notes {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table(
            "notes",
            [
                column("id", BigInt).primary_key().autoincrement(),
                column("body", Text),
            ],
        );
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_table("notes");
    }
}

#[migration(
    revision = "0002",
    down_revision = "0001",
    message = "purge the empty notes",
    irreversible = "the empty notes are gone"
)]
pub mod purge_empty_notes {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.execute("DELETE FROM notes WHERE body IS NULL");
    }
}

#[migration(
    revision = "0003",
    down_revision = "0002",
    message = "create the tags table"
)]
pub mod create_tags {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table(
            "tags",
            [
                column("id", BigInt).primary_key().autoincrement(),
                column("name", Varchar(50)),
            ],
        );
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_table("tags");
    }
}

#[migration(
    revision = "0004",
    down_revision = "0003",
    message = "purge the unnamed tags",
    irreversible = "the unnamed tags are gone"
)]
pub mod purge_unnamed_tags {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.execute("DELETE FROM tags WHERE name IS NULL");
    }
}

#[migration(
    revision = "0005",
    down_revision = "0004",
    message = "create the labels table"
)]
pub mod create_labels {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table(
            "labels",
            [
                column("id", BigInt).primary_key().autoincrement(),
                column("name", Varchar(50)),
            ],
        );
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_table("labels");
    }
}

/// Five migrations, 0002 and 0004 irreversible.
static TWO_IRREVERSIBLE: godwit::MigrationSet = godwit::migrations![
    create_notes,
    purge_empty_notes,
    create_tags,
    purge_unnamed_tags,
    create_labels,
];

/// The revision an `Irreversible` error names, and its text.
fn refused_at(result: Result<godwit::Report, Error>) -> (String, String) {
    match result {
        Err(e @ Error::Irreversible { .. }) => {
            let text = e.to_string();
            let Error::Irreversible { revision, .. } = e else {
                unreachable!()
            };
            (revision, text)
        }
        other => panic!("expected an irreversible refusal, got {other:?}"),
    }
}

#[test]
fn downgrade_names_the_newest_irreversible_migration() {
    let db = TestDb::create(Backend::Sqlite, "irreversible_downgrade").expect("SQLite");
    let mut conn = db.connect();
    TWO_IRREVERSIBLE.upgrade(&mut conn, Target::Head).unwrap();

    for target in [Target::Base, Target::Revision("0001")] {
        let (revision, text) = refused_at(TWO_IRREVERSIBLE.downgrade(&mut conn, target));
        assert_eq!(revision, "0004", "{text}");
        assert!(
            text.contains("cannot downgrade past migration 0004"),
            "{text}"
        );
        assert!(text.contains("the unnamed tags are gone"), "{text}");
        assert!(text.contains("downgrade to 0004 at the lowest"), "{text}");
        assert_eq!(TWO_IRREVERSIBLE.current(&mut conn).unwrap(), Some("0005"));
    }

    // The advice holds: 0004 is reachable, and from there 0004 is still the
    // lowest.
    TWO_IRREVERSIBLE
        .downgrade(&mut conn, Target::Revision("0004"))
        .unwrap();
    assert_eq!(TWO_IRREVERSIBLE.current(&mut conn).unwrap(), Some("0004"));
    let (revision, text) = refused_at(TWO_IRREVERSIBLE.downgrade(&mut conn, Target::Base));
    assert_eq!(revision, "0004", "{text}");

    // The offline SQL of the same downgrade is refused the same way.
    let err = TWO_IRREVERSIBLE
        .sql(Dialect::Sqlite, Target::Head, Target::Base)
        .unwrap_err();
    assert!(
        matches!(&err, Error::Irreversible { revision, .. } if revision == "0004"),
        "{err}"
    );
}
