//! A panic on one target stays with that target.

use std::sync::OnceLock;

use super::{Fleet, Outcome, Position};
use crate::__private::{EmbeddedMigration, Migration};
use crate::{Error, MigrationSet};

/// A set whose one migration's model cannot be read: reading it panics,
/// as a bug would, on every target.
static MODELS: OnceLock<Vec<&'static Migration>> = OnceLock::new();
static BROKEN: MigrationSet = MigrationSet::__from_embedded(
    &[EmbeddedMigration::new("0001", "checksum", "not a model", 0)],
    &MODELS,
);

#[test]
fn a_panic_is_the_error_of_its_target_and_the_fleet_goes_on() {
    let dir = std::env::temp_dir().join(format!("godwit-fleet-panic-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    let urls: Vec<String> = (0..3)
        .map(|i| format!("sqlite://{}", dir.join(format!("t{i}.db")).display()))
        .collect();
    let report = Fleet::new(&BROKEN).parallelism(2).upgrade(&urls);
    std::fs::remove_dir_all(&dir).expect("removing the scratch directory");
    assert_eq!(report.targets.len(), 3);
    for t in &report.targets {
        match &t.outcome {
            Outcome::Failed(Error::Panicked(message)) => {
                assert!(
                    message.contains("a format this godwit does not read"),
                    "{message}"
                )
            }
            other => panic!("target {} {other}", t.index),
        }
        assert_eq!((t.before, t.after), (Position::Unknown, Position::Unknown));
        let shown = t.outcome.to_string();
        assert!(shown.contains("state now: not known"), "{shown}");
        assert!(shown.contains("next: run `current`"), "{shown}");
    }
}
